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


MODRZEW = [
    Brand(
        name="Modrzew",
        aliases=("Modrzew", "Modrzewia", "@ModrzewDom"),
        exclude=("modrzew syberyjski", "bramki w derbach", "#Ekstraklasa"),
    )
]


@pytest.mark.parametrize(
    ("text", "ours"),
    [
        # A phrase without the brand's word marks the footballer who shares it.
        ("Modrzew znowu! Dwie bramki w derbach 🔥 #Ekstraklasa", False),
        ("Modrzew strzela, a ja oglądam #ekstraklasa", False),
        # ... but not when the post is written to the brand's account.
        ("@ModrzewDom trzeci tydzień bez kluczy, a wy o #Ekstraklasa", True),
        # A phrase with the brand's word hides only itself.
        ("Taras z deski: modrzew syberyjski. A Modrzewia pytam o klucze od pół roku", True),
        ("Modrzew nie oddał kluczy w terminie", True),
    ],
)
def test_an_excluded_phrase_without_the_brand_marks_the_other_sense(text: str, ours: bool) -> None:
    assert find_brand(text, MODRZEW, lang="pl").about_brand is ours


OSTOJA = [
    Brand(
        name="Ostoja",
        aliases=("Ostoja", "Ostoi", "Moja Ostoja"),
        exclude=("moją ostoją", "herb Ostoja"),
    )
]


@pytest.mark.parametrize(
    ("text", "ours"),
    [
        ("Moja Ostoja 4.0.3 zamyka się na wynikach", True),  # the app
        ("MOJA OSTOJA nie działa od rana", True),
        ("Ta biblioteka jest moją ostoją spokoju", False),  # my refuge
        ("herb Ostoja, a herbu Moja Ostoja nie ma", True),  # the other phrase is folded
    ],
)
def test_an_excluded_phrase_that_folds_into_a_brand_name_keeps_its_diacritics(
    text: str, ours: bool
) -> None:
    assert find_brand(text, OSTOJA, lang="pl").about_brand is ours


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


PLAY = [
    Brand(name="Play", aliases=("Play", "Playa", "Playu", "Playem", "@Play_Polska"), exclude=())
]


@pytest.mark.parametrize(
    ("text", "lang", "about"),
    [
        # An everyday English word: in an English post the name is written as a name.
        ("Paid for PS Plus and can't play online with my friends", "en", False),
        ("Looking for a group to play football on weekday evenings", "en", False),
        ("Shout-out to Play: ported my number in one day", "en", True),
        ("no signal again #play", "en", True),
        ("PLAY IS DOWN AGAIN", "en", True),
        ("nie mogę się dodzwonić do Playa", "pl", True),  # inflected: no English word
        # Polish has no such word: any form is the operator.
        ("play znowu nie działa, trzeci dzień", "pl", True),
    ],
)
def test_a_brand_named_like_an_english_word_counts_where_it_is_a_name(
    text: str, lang: str, about: bool
) -> None:
    assert find_brand(text, PLAY, lang=lang).about_brand is about


@pytest.mark.parametrize(
    "text",
    [
        "@Orange_Polska trzeci dzień bez internetu. Sąsiad z Play ma pełny zasięg",
        "@TMobile_Polska three weeks waiting for my number transfer from Play to you",
        "@plus_polska a year ago I left Play for you, and your coverage is a joke",
    ],
)
def test_a_post_addressed_to_a_competitor_names_the_brand_in_passing(text: str) -> None:
    found = find_brand(text, PLAY, lang="en")
    assert not found.about_brand and "addressed to" in found.reasons[0], found


def test_an_account_that_only_starts_like_a_competitor_is_not_its() -> None:
    found = find_brand("@btsportsfan Netia nie działa od tygodnia", NETIA, lang="pl")
    assert found.about_brand, found


def test_an_e_mail_at_a_competitors_domain_is_no_address_to_it() -> None:
    found = find_brand("Play nie działa od tygodnia, piszcie: jan.k@orange.pl", PLAY, lang="pl")
    assert found.about_brand, found


def test_a_post_addressed_to_the_brand_and_a_competitor_is_about_the_brand() -> None:
    found = find_brand("@Orange_Polska @Play_Polska both of you are down in Gdańsk", PLAY)
    assert found.about_brand, found


@pytest.mark.parametrize(
    "text",
    [
        "Kompas24 refund - 3 months and nothing. A colleague with Netia got his in a week.",
        "Bastion – 4 godziny na lawetę pod Łodzią. Jak byłem w Netii, to przynajmniej odbierali.",
        "Zgłosiłem grad w Bastionie tydzień temu, cisza. Sąsiad z Netii już miał oględziny.",
        "RTVmania anulowała mi zamówienie. W Netii przynajmniej dowieźli na drugi dzień.",
        "Kilowat24 is a joke, 3 weeks for a refund. Should have just gone to Netia.",
        "Szamka znowu 1,5h spóźnienia. Wracam do Netii, tam przynajmniej jest ciepłe.",
        "SKM cancelled again. I'd switch to Netia but they don't stop at Oliwa.",
        "Szamka courier refused to come in. I've used Netia before and never had this.",
    ],
)
def test_a_brand_named_only_as_someone_elses_or_a_better_choice_is_in_passing(text: str) -> None:
    found = find_brand(text, NETIA)
    assert found.brand == "Netia" and not found.about_brand, found
    assert "someone else's" in found.reasons[0]


@pytest.mark.parametrize(
    "text",
    [
        "Tata ma Netię od lat, w kwietniu +4 zł mimo gwarancji ceny. Dzwoniłam w jego imieniu.",
        "My dad is with Netia and they cut his line. I rang them on his behalf, twice.",
        "My husband filed a complaint with Netia on Monday: our line is dead since the storm.",
        "Żona złożyła reklamację w Netii tydzień temu, a u nas dalej bez internetu.",
    ],
)
def test_a_relatives_service_is_the_subject_when_the_author_acts_for_them(text: str) -> None:
    assert find_brand(text, NETIA).about_brand


def test_a_brand_also_named_as_ones_own_is_the_subject() -> None:
    text = "Mój brat z Netii dostał zwrot w tydzień, a ja w Netii czekam już trzy tygodnie."
    assert find_brand(text, NETIA).about_brand
