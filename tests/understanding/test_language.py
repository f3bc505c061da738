"""Language: Polish with and without diacritics, English, mixed, other languages, nothing."""

from __future__ import annotations

import pytest

from watcher.understanding.language import detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Netia nie działa od tygodnia, modem miga na czerwono", "pl"),
        ("netia nie dziala od tygodnia, modem miga na czerwono", "pl"),
        ("Netia promised 600 Mbps and I get 40 every evening", "en"),
        ("Der Router funktioniert seit gestern nicht", "de"),
    ],
)
def test_languages(text: str, lang: str) -> None:
    assert detect_language(text).lang == lang


@pytest.mark.parametrize("text", ["", "🙂🙂🙂", "ok", "12345"])
def test_no_language_in_almost_nothing(text: str) -> None:
    assert detect_language(text).lang is None


def test_mixed_polish_and_english() -> None:
    guess = detect_language(
        "Mój internet nie działa od tygodnia, the support chat is useless and nobody answers"
    )
    assert guess.mixed and guess.lang in ("pl", "en")


@pytest.mark.parametrize(
    "text",
    [
        "Moved flats, my provider still hasn't activated the internet. I moved to a new flat in "
        "Łódź on Monday, ordered the transfer three weeks ago and nobody came to connect it.",
        "Refunded 12.62 instead of 12.99 zł for the missing yogurt - am I crazy? The app says the "
        "refund is complete and support keeps sending me the same answer.",
    ],
)
def test_english_with_polish_names_and_zloty_is_english(text: str) -> None:
    assert detect_language(text).lang == "en"
