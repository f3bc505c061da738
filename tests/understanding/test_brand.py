"""Brand detection: Polish inflection, no diacritics, look-alikes, exclusions, competitors."""

from __future__ import annotations

import pytest

from watcher.config import Brand
from watcher.understanding.brand import find_brand

NETIA = [Brand(name="Netia", aliases=("Netia", "Dropss"), exclude=("Netia Park",))]


@pytest.mark.parametrize(
    "text",
    [
        "Netii nie ma od tygodnia",
        "Netię polecałem, teraz żałuję",
        "z Netią same problemy",
        "NETIE znowu padło",  # no diacritics
        "Dropssa też mam dość",
        "Nеtia nie działa",  # Cyrillic е
        "Ne\u200btia nie działa",  # zero-width space
        "<b>Netia</b> &amp; ja",
        "@Netia_pl dalej cisza",  # the brand's accounts
        "@NetiaSA a technik nie przyszedł",
        "#netia_awaria trzeci dzień",
    ],
)
def test_inflected_and_disguised_forms_count(text: str) -> None:
    found = find_brand(text, NETIA)
    assert found.about_brand and found.brand == "Netia", found


@pytest.mark.parametrize(
    "text",
    ["internetia sklep", "Netiaczek", "Orange nie działa", "🙂🙂", "", "mail@internetia.pl"],
)
def test_other_words_do_not(text: str) -> None:
    assert not find_brand(text, NETIA).about_brand


def test_excluded_phrase_is_not_the_brand() -> None:
    found = find_brand("Spotkanie w Netia Park o 18", NETIA)
    assert not found.about_brand and "excluded" in found.reasons[0]


@pytest.mark.parametrize(
    "text",
    [
        "Przeszedłem z Netii do Orange i Orange nie działa od tygodnia",
        "Unlike Netia, Play has been down all week",
    ],
)
def test_brand_in_passing_while_complaining_about_a_competitor(text: str) -> None:
    found = find_brand(text, NETIA)
    assert found.brand == "Netia" and not found.about_brand
