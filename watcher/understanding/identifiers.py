"""Identifiers a complaint carries: ticket references, contacts, amounts, dates, places.

Pure and bounded: every pattern is linear (no nested quantifiers) and the text
is cut to MAX_CHARS first, so a 20,000-character post costs milliseconds.
The keys of the result are what the matcher reads; empty lists when absent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat

from watcher.identities import DEFAULT_COUNTRY_CODE, normalise_phone

MAX_CHARS = 20_000
KEYS = (
    "ticket_refs",
    "order_numbers",
    "contract_numbers",
    "emails",
    "phones",
    "amounts",
    "durations",
    "dates",
    "places",
    "speeds",
    "codes",
    "units",
)

_REF_WORDS = re.compile(
    r"(?:zg[łl]oszeni\w*|reklamacj\w*|spraw\w*|ticket|case|complaint|ref(?:erence)?|request)"
    # "Ticket is #40833", "zgłoszenie ma numer 40547": a number sign or word after the verb.
    r"(?:\s+(?:is|was|jest|ma|has)(?=\s*(?:#|nr\b|numer|number|no\b)))?"
    r"\s*(?:nr\.?|numer|number|no\.?|id)?\s*[:#]?\s*(\d{4,10})\b",
    re.IGNORECASE,
)
_ORDER = re.compile(
    r"(?:zam[óo]wieni\w*|order)\s*(?:nr\.?|numer|number|no\.?)?\s*[:#]?\s*([A-Z0-9][A-Z0-9/-]{3,20})",
    re.IGNORECASE,
)
_CONTRACT = re.compile(
    r"(?:umow\w*|contract)\s*(?:nr\.?|numer|number|no\.?)\s*[:#]?\s*([A-Z0-9][A-Z0-9/-]{3,20})",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}\b")
# An address written so that bots miss it: "m.sobczak (małpa) example.pl", "ann [at] mail
# [dot] com", "jan at example dot pl". A bare " at " counts only with a spelled-out dot.
_AT_MARK = r"\s?[\[({](?:at|małpa|malpa)[\])}]\s?"
_DOT = r"(?:\.|\s?[\[({](?:dot|kropka)[\])}]\s?| dot | kropka )"
_OBFUSCATED_EMAIL = re.compile(
    rf"(?<![\w.+-])([\w.+-]{{1,64}})(?:{_AT_MARK}([\w-]{{1,63}}(?:{_DOT}[\w-]{{1,63}}){{1,4}})"
    rf"| (?:at|małpa|malpa) ([\w-]{{1,63}}(?: dot | kropka )[\w-]{{1,63}}))\b",
    re.IGNORECASE,
)
_SPELLED_DOT = re.compile(_DOT, re.IGNORECASE)
_OBFUSCATION_HINT = re.compile(
    r"[\[({](?:at|ma[łl]pa)[\])}]| (?:at|ma[łl]pa) [\w-]+ (?:dot|kropka) ", re.IGNORECASE
)


def _obfuscated_emails(text: str) -> list[str]:
    if not _OBFUSCATION_HINT.search(text):
        return []  # most texts: one cheap search
    found = []
    for match in _OBFUSCATED_EMAIL.finditer(text):
        domain = _SPELLED_DOT.sub(".", match.group(2) or match.group(3))
        found.append(f"{match.group(1)}@{domain}".casefold())
    return found


# Mobile numbers in threes ("601 234 567") or as three and pairs ("798 21 44 03"), and
# landlines with their area code ("(22) 614 78 20", "22 614-78-20"); all are nine digits
# after +48, which may be bracketed ("(+48) 798 21 44 03").
_PHONE = re.compile(
    r"(?<![\w+(])(?:(?:\+|00)48[\s-]?|\((?:\+|00)48\)\s?)?"
    r"(?:\d{3}[\s-]?\d{3}[\s-]?\d{3}|\d{3}[\s-]\d{2}[\s-]\d{2}[\s-]\d{2}"
    r"|\(\d{2}\)\s?\d{3}[\s-]?\d{2}[\s-]?\d{2}|\d{2}[\s-]\d{3}[\s-]\d{2}[\s-]\d{2})(?![\w])"
)
# Where a number abroad may start ("+49 151 27403918", "0044 7700 900123"): read there by
# libphonenumber. Polish numbers are `_PHONE`'s.
_ABROAD = re.compile(r"(?:(?<![\w+])\+|(?<![\w+])00)(?!48)[1-9]")
PHONE_CHARS = 40
# Internet speeds ("300 Mb/s", "1 Gbps", "600 mega"): a plan names one, a complaint
# about speed names the plan and what it really gets.
_SPEED = re.compile(
    r"\b(\d{1,4}(?:[.,]\d{1,2})?)\s?(?:(g)(?:b/s|bps|bit\w*|iga)|(?:mb/s|mbps|mbit\w*|mega))(?!\w)",
    re.IGNORECASE,
)
# A sum of money: thousands grouped by a space, a dot or a comma ("2 870,44", "2,870.44",
# "1.200 zł") or not grouped at all; then the cents after a comma or a dot.
_MONEY = r"(\d{1,3}(?:[ \u00a0.,]\d{3})+(?:[.,]\d{1,2})?|\d{1,7}(?:[.,]\d{1,2})?)"
# The currency after the sum: a word, or a sign as much of Europe writes it ("180 €"), the
# pound in Polish ("8 funtów") or in British slang ("46 quid"), and the neighbours' money
# customers of a ferry, an airline or a tour pay in ("1120 kr", "4 180 CZK", "2380 NOK").
# Not "KC" (the Polish civil code: "art. 66 KC") nor "KR" before a number (a plate).
_CODES = r"sek|dkk|nok|chf|czk|huf|uah"
_CURRENCY_AFTER = (
    r"(?:(zł|zl|pln|złotych|zlotych|złote|zlote|złoty|zloty|zlotys|złotówe?k\w*|zlotowe?k\w*"
    rf"|eur|euro|euros|usd|gbp|funt(?:ów|ow|y|a)?|quid|{_CODES}|kr|kč|kronor|kroner|kronur"
    r"|krone)\b|(€|£))"
)
_AMOUNT_AFTER = re.compile(rf"(?<![\w.,]){_MONEY}\s?{_CURRENCY_AFTER}", re.IGNORECASE)
_AMOUNT_BEFORE = re.compile(rf"(pln|eur|usd|gbp|{_CODES}|\$|£|€)\s?{_MONEY}\b", re.IGNORECASE)
_CENTS = re.compile(r"[.,](\d{1,2})$")
# An amount written the Polish way with no currency ("pobranie 149,99"): grosze after a
# comma. Not "1,5" nor "12,345", nor a part of a longer number ("2 870,44") or a date.
_AMOUNT_BARE = re.compile(r"(?<![\w.,/:-])(?<!\d[ \u00a0])(\d{1,6},\d{2})(?!\w|[.,]\d)")
# Thousands said short ("27,9k", "4 tys. zł", "3k zł"): a rounded sum. Not a count ("12 tys.
# gospodarstw"), a distance or a screen ("10k this evening", "TV 4K"): a bare "k" needs its
# decimals, a bare "tys." the end of a phrase.
_THOUSANDS = re.compile(
    r"(?<![\w.,\u2013-])(\d{1,3})(?:[.,](\d{1,2}))?\s?(k\b|tys\.|tys\b|tysi[aąeę]c\w*)",
    re.IGNORECASE,
)
_CURRENCY_NEXT = re.compile(rf"\s?{_CURRENCY_AFTER}", re.IGNORECASE)
_PHRASE_END = re.compile(r"\s*(?:[,;:)!?]|$)")
_CURRENCY = {
    "zł": "PLN", "zl": "PLN", "pln": "PLN", "złotych": "PLN", "zlotych": "PLN",
    "eur": "EUR", "euro": "EUR", "euros": "EUR", "€": "EUR", "usd": "USD", "$": "USD",
    "gbp": "GBP", "£": "GBP", "funt": "GBP", "funtów": "GBP", "funtow": "GBP", "funty": "GBP",
    "funta": "GBP", "quid": "GBP",
    "złote": "PLN", "zlote": "PLN", "złoty": "PLN", "zloty": "PLN", "zlotys": "PLN",
    "sek": "SEK", "dkk": "DKK", "nok": "NOK", "chf": "CHF", "czk": "CZK", "kč": "CZK",
    "huf": "HUF", "uah": "UAH",
    # A crown of Sweden, Denmark, Norway or Iceland: which one is not said.
    "kr": "", "kronor": "", "kroner": "", "kronur": "", "krone": "",
}  # fmt: skip


def _currency_code(word: str) -> str:
    """The ISO code of a currency word or sign; "" when the text does not say which."""
    folded = word.casefold()
    return "PLN" if folded.startswith(("złotów", "zlotow")) else _CURRENCY.get(folded, "")


_NUMBER_WORDS = {
    "jeden": 1, "jednego": 1, "dwa": 2, "dwoch": 2, "dwóch": 2, "trzy": 3, "trzech": 3,
    "cztery": 4, "czterech": 4, "piec": 5, "pięć": 5, "pieciu": 5, "pięciu": 5,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
}  # fmt: skip
_UNIT_DAYS = {
    "dzien": 1, "dzień": 1, "dni": 1, "dnia": 1, "day": 1, "days": 1,
    "tydzien": 7, "tydzień": 7, "tygodnia": 7, "tygodni": 7, "tygodnie": 7, "week": 7, "weeks": 7,
    "miesiac": 30, "miesiąc": 30, "miesiąca": 30, "miesiaca": 30, "miesiecy": 30, "miesięcy": 30,
    "miesiace": 30, "miesiące": 30, "month": 30, "months": 30,
    "godzin": 1 / 24, "godziny": 1 / 24, "hours": 1 / 24, "hour": 1 / 24,
}  # fmt: skip
_DURATION = re.compile(
    r"\b(?:od|przez|for|since|already|juz|już)?\s?(\d{1,3}|[a-ząćęłńóśźż]+)\s"
    r"(dni|dnia|dzie[nń]|tygodni[ae]?|tydzie[nń]|miesi[aą]c[ae]?|miesi[aę]cy|godzin[y]?"
    r"|days?|weeks?|months?|hours?)\b",
    re.IGNORECASE,
)
_ORDINALS = {
    "drugi": 2, "drugiego": 2, "trzeci": 3, "trzeciego": 3, "czwarty": 4, "czwartego": 4,
    "piaty": 5, "piąty": 5, "piatego": 5, "piątego": 5, "szosty": 6, "szósty": 6, "szostego": 6,
    "szóstego": 6, "siodmy": 7, "siódmy": 7, "osmy": 8, "ósmy": 8, "dziewiaty": 9,
    "dziewiąty": 9, "dziesiaty": 10, "dziesiąty": 10,
}  # fmt: skip
_DURATION_ORDINAL = re.compile(
    r"\b(" + "|".join(_ORDINALS) + r")\s(dzie[nń]|dnia|tydzie[nń]|tygodnia|miesi[aą]c\w*)\b"
    r"|\bday\s(\d{1,3})\b",
    re.IGNORECASE,
)
_DURATION_SINGLE = re.compile(
    r"\b(od tygodnia|od miesi[aą]ca|od wczoraj|od rana|since yesterday|for a week|for a month"
    r"|since (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.IGNORECASE,
)
_SINGLE_DAYS = {
    "od tygodnia": 7.0, "od miesiąca": 30.0, "od miesiaca": 30.0, "od wczoraj": 1.0,
    "od rana": 0.25, "since yesterday": 1.0, "for a week": 7.0, "for a month": 30.0,
}  # fmt: skip
_DATE_ISO = re.compile(r"\b(20\d\d)-(\d\d)-(\d\d)\b")
_DATE_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})(?:\.(20\d\d))?(?![\d]|\.\d)")
# "29/09/2026"; with its year only, since "12/4" is a house and a flat.
_DATE_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(20\d\d)(?![\d/])")
_MONTHS = {
    "stycz": 1, "lut": 2, "marc": 3, "mar": 3, "kwie": 4, "maj": 5, "czerw": 6, "lip": 7,
    "sierp": 8, "wrze": 9, "paźdz": 10, "pazdz": 10, "listop": 11, "grud": 12,
    "jan": 1, "feb": 2, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_DATE_WORDS = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?(?:\sof)?\s(stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|wrze[sś]nia"
    r"|pa[zź]dziernika|listopada|grudnia|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*"
    r"|sep\w*|oct\w*|nov\w*|dec\w*)\b",
    re.IGNORECASE,
)
_DATE_EN = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s(\d{1,2})(?:st|nd|rd|th)?\b",
    re.IGNORECASE,
)
_STREET_MARKER = r"\b(?:ul\.|ulica|ulicy|al\.|aleja|alei|os\.|osiedle|pl\.|plac)\s?"
_STREET = re.compile(
    _STREET_MARKER + r"([A-ZĄĆĘŁŃÓŚŹŻ][\wąćęłńóśźż-]+(?:\s[A-ZĄĆĘŁŃÓŚŹŻ][\wąćęłńóśźż-]+)?)"
)
# A street without "ul." before it, known by the house number after it: "Jedności
# Narodowej 91", "Grochowska 214 m. 5", "Wita Stwosza 41/7", "Grota-Roweckiego 20/14".
# Not a date ("Od 4.11"), an amount or a speed ("Komfort 39,99", "Pakiet 300 Mb/s"), a
# postcode, a year ("Stała Cena 2027"), a long number nor thousands ("wg Aurum 17 900 zł"):
# house numbers have 1-3 digits.
_STREET_NUMBERED = re.compile(
    r"(?<![\w-])([A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźż]{2,}(?:-[A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźż]{2,})?"
    r"(?:\s[A-ZĄĆĘŁŃÓŚŹŻ][a-ząćęłńóśźż]{2,})?)"
    r"\s(\d{1,3}[a-zA-Z]?)(?![\d.,:\-]\d|\d|[ \u00a0]\d{3}(?!\d)"
    r"|\s?(?:zł|zl|pln|mb|gb|%|kb|mega|giga|cali|min|dni|godz|h\b))"
)
# Month names a day number follows ("Październik 12", "Oct 14"): no street. Whole words,
# since street names start like months ("Lipowa", "Marszałkowska").
_MONTH_WORDS = frozenset(
    f"{stem}{ending}"
    for stem, endings in {
        "styczeń": ("",), "stycz": ("nia", "niu"), "luty": ("",), "lut": ("ego", "ym"),
        "mar": ("zec", "ca", "cu"), "kwie": ("cień", "cien", "tnia", "tniu"),
        "maj": ("", "a", "u"), "czerw": ("iec", "ca", "cu"), "lip": ("iec", "ca", "cu"),
        "sierp": ("ień", "ien", "nia", "niu"), "wrzes": ("ień", "ien", "nia", "niu"),
        "wrześ": ("nia", "niu"), "październik": ("", "a", "u"), "pazdziernik": ("", "a", "u"),
        "listopad": ("", "a", "zie"), "grud": ("zień", "zien", "nia", "niu"),
        "jan": ("", "uary"), "feb": ("", "ruary"), "march": ("",), "apr": ("", "il"),
        "may": ("",), "jun": ("", "e"), "jul": ("", "y"), "aug": ("", "ust"),
        "sep": ("", "t", "tember"), "oct": ("", "ober"), "nov": ("", "ember"),
        "dec": ("", "ember"),
    }.items()
    for ending in endings
)  # fmt: skip
# Words a number often follows that are no street.
_NOT_STREETS = frozenset({
    "od", "do", "tel", "nr", "nrem", "numer", "pakiet", "pakietu", "ticket", "zgłoszenie",
    "zgloszenie", "sprawa", "sprawy", "godz", "godzina", "dzień", "dzien", "dnia", "pokój",
    "pokoj", "piętro", "pietro", "windows", "iphone", "router", "model", "kanał", "kanal",
    "cat", "wifi", "since", "about", "around", "after", "before", "till", "until", "for",
    "and", "the", "plan", "umowa", "umowy", "faktura", "faktury", "dekoder", "modem", "wersja",
    "version",
    # An error code, a seat, a gate, a line, a room: "Błąd 503", "Row 22", "Linia 14".
    "błąd", "blad", "błędu", "bledu", "error", "kod", "code", "status", "http", "android",
    "ios", "row", "rząd", "rzad", "rzędzie", "rzedzie", "seat", "miejsce", "gate", "bramka",
    "peron", "platform", "wagon", "car", "coach", "lot", "flight", "linia", "line", "bus",
    "autobus", "tramwaj", "tram", "sala", "sali", "gabinet", "gabinetu", "room", "strona",
    "page", "krok", "step", "level", "poziom",
})  # fmt: skip
_STREET_EN = re.compile(r"\b([A-Z][a-z]+(?:\s[A-Z][a-z]+)?\s(?:Street|Road|Avenue))\b")
# Nominative of the largest Polish cities and their inflected forms a post uses.
CITIES = {
    "Warszawa": ("warszawa", "warszawie", "warszawy", "warszawę", "warsaw"),
    "Kraków": ("kraków", "krakow", "krakowie", "krakowa", "cracow"),
    "Łódź": ("łódź", "lodz", "łodzi", "lodzi"),
    "Wrocław": ("wrocław", "wroclaw", "wrocławiu", "wroclawiu", "wrocławia"),
    "Poznań": ("poznań", "poznan", "poznaniu", "poznania"),
    "Gdańsk": ("gdańsk", "gdansk", "gdańsku", "gdansku", "gdańska"),
    "Szczecin": ("szczecin", "szczecinie", "szczecina"),
    "Bydgoszcz": ("bydgoszcz", "bydgoszczy"),
    "Lublin": ("lublin", "lublinie", "lublina"),
    "Białystok": ("białystok", "bialystok", "białymstoku", "bialymstoku"),
    "Katowice": ("katowice", "katowicach", "katowic"),
    "Gdynia": ("gdynia", "gdyni"),
    "Częstochowa": ("częstochowa", "czestochowa", "częstochowie", "czestochowie"),
    "Radom": ("radom", "radomiu"),
    "Toruń": ("toruń", "torun", "toruniu"),
    "Sosnowiec": ("sosnowiec", "sosnowcu"),
    "Rzeszów": ("rzeszów", "rzeszow", "rzeszowie"),
    "Kielce": ("kielce", "kielcach"),
    "Gliwice": ("gliwice", "gliwicach"),
    "Olsztyn": ("olsztyn", "olsztynie"),
    "Zabrze": ("zabrze", "zabrzu"),
    "Bielsko-Biała": ("bielsko-biała", "bielsku-białej", "bielsku"),
    "Bytom": ("bytom", "bytomiu"),
    "Zielona Góra": ("zielona góra", "zielonej górze", "zielonej gorze"),
    "Rybnik": ("rybnik", "rybniku"),
    "Opole": ("opole", "opolu"),
    "Gorzów Wielkopolski": ("gorzów", "gorzowie"),
    "Elbląg": ("elbląg", "elblag", "elblągu", "elblagu"),
    "Płock": ("płock", "plock", "płocku", "plocku"),
    "Wałbrzych": ("wałbrzych", "walbrzych", "wałbrzychu"),
    "Tarnów": ("tarnów", "tarnow", "tarnowie"),
    "Koszalin": ("koszalin", "koszalinie"),
    "Kalisz": ("kalisz", "kaliszu"),
    "Legnica": ("legnica", "legnicy"),
    "Sopot": ("sopot", "sopocie"),
    # Neighbours' cities customers send money, parcels and trips to, under their Polish and
    # English names ("mama in Lviv" and a ticket's "matka, Lwów").
    "Lwów": ("lwów", "lwow", "lwowie", "lwowa", "lviv", "lvov"),
    "Kijów": ("kijów", "kijow", "kijowie", "kijowa", "kyiv", "kiev"),
    "Charków": ("charków", "charkow", "charkowie", "charkowa", "kharkiv", "kharkov"),
    "Odessa": ("odessa", "odessie", "odesa"),
    "Wilno": ("wilno", "wilnie", "wilna", "vilnius"),
}
_CITY_FORMS = {form: city for city, forms in CITIES.items() for form in forms}
CITY_FORMS = frozenset(_CITY_FORMS)  # every listed form of a city, casefolded
# Words (a hyphenated pair counts as one: "Bielsku-Białej"); each is looked up, which is
# several times faster than one regex alternation of every form.
_CITY_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?")


_LETTER_PREFIX = re.compile(r"[A-Za-z]{2,}(?:\\?[-/_]).+")
# A literal separator between the parts of a pattern: after letters or a repeated digit
# ("NT-", "\d{4}/", "\d+-"), before a digit class, letters or a group.
_SEPARATOR = re.compile(r"(?<=[A-Za-z}+])\\?[-/_](?=\\d|\[|[A-Za-z]|\()")


def lenient(pattern: str) -> str | None:
    """A pattern 'NT-...' that also takes 'nt10234', 'NT 10234' or 'NT#10234', and
    'PGE/\\d{4}/\\d{5}' that takes 'PGE 2026 40534', as people write them; None unless
    the pattern starts with two or more letters and a separator (- / _)."""
    if _LETTER_PREFIX.fullmatch(pattern) is None:
        return None
    # Not inside a word: 'ant 123' does not cite 'NT 123'.
    return r"(?<![^\W\d_])" + _SEPARATOR.sub(lambda _: r"[-\s_#./:]?", pattern)


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    variants = [p for pattern in patterns for p in (pattern, lenient(pattern)) if p]
    return tuple(re.compile(p, re.IGNORECASE) for p in variants)


def _unique(items: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def _amount(value: str, currency: str) -> dict[str, str] | None:
    cents = _CENTS.search(value)
    whole = value[: cents.start()] if cents else value
    digits = re.sub(r"[ \u00a0.,]", "", whole) + (f".{cents.group(1)}" if cents else "")
    try:
        number = Decimal(digits).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    # No currency written: "" (a bare "149,99").
    return {"value": str(number), "currency": _currency_code(currency)}


# Every duration names a unit of time: text without one is not searched any further.
_UNIT_HINT = re.compile(r"dni|dnia|dzie|tydz|tygod|miesi|godzin|day|week|month|hour", re.IGNORECASE)


def _durations(text: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    units = bool(_UNIT_HINT.search(text))  # the first two patterns both need a unit of time
    for match in _DURATION.finditer(text) if units else ():
        count_text, unit = match.group(1).casefold(), match.group(2).casefold()
        count = int(count_text) if count_text.isdigit() else _NUMBER_WORDS.get(count_text)
        if count is None and count_text not in ("od", "for", "since"):
            continue
        days = _UNIT_DAYS.get(unit)
        found.append(
            {
                "text": match.group(0).strip(),
                "days": round((count or 1) * days, 3) if days else None,
            }
        )
    for match in _DURATION_ORDINAL.finditer(text) if units else ():
        if match.group(3):
            found.append({"text": match.group(0), "days": float(match.group(3))})
            continue
        unit = match.group(2).casefold()
        days = (
            7 if unit.startswith("tydz") or unit.startswith("tyg") else 30 if "miesi" in unit else 1
        )
        found.append(
            {"text": match.group(0), "days": float(_ORDINALS[match.group(1).casefold()] * days)}
        )
    for match in _DURATION_SINGLE.finditer(text):
        phrase = match.group(1).casefold()
        found.append({"text": match.group(1), "days": _SINGLE_DAYS.get(phrase)})
    return found


def _month(word: str) -> int | None:
    word = word.casefold()
    for prefix, month in _MONTHS.items():
        if word.startswith(prefix):
            return month
    return None


def _dates(text: str) -> list[str]:
    dates: list[str] = []
    for year, month, day in _DATE_ISO.findall(text):
        dates.append(f"{year}-{month}-{day}")
    for day, month, year in [*_DATE_DOTTED.findall(text), *_DATE_SLASHED.findall(text)]:
        if 1 <= int(day) <= 31 and 1 <= int(month) <= 12:
            prefix = year or "-"
            dates.append(f"{prefix}-{int(month):02d}-{int(day):02d}")
    for day, word in _DATE_WORDS.findall(text):
        month = _month(word)
        if month and 1 <= int(day) <= 31:
            dates.append(f"--{month:02d}-{int(day):02d}")
    for word, day in _DATE_EN.findall(text):
        if word == "may":
            continue  # "may 5 people come": the month is written "May"
        month = _month(word)
        if month and 1 <= int(day) <= 31:
            dates.append(f"--{month:02d}-{int(day):02d}")
    return dates


# Cheap tests that a text may hold such a sum or a document number at all: every ticket's
# text is read when the matcher loads, and the full patterns cost twice as much.
_THOUSANDS_HINT = re.compile(r"\d ?(?:[kK]\b|[tT][yY][sS])")
_CODE_HINT = re.compile(
    r"[0-9][-/][A-Za-z0-9]|[A-Za-z][-/]?[0-9]{4}|[A-Za-z][0-9]+[A-Za-z]|[0-9][A-Za-z]+[0-9]"
)


def _thousands(text: str) -> list[dict[str, str]]:
    """Sums said in thousands, each with how far off its rounding may be ("approx")."""
    if not _THOUSANDS_HINT.search(text):
        return []
    found = []
    for match in _THOUSANDS.finditer(text):
        whole, decimals, unit = match.groups()
        rest = text[match.end() :]
        currency = _CURRENCY_NEXT.match(rest)
        if not (
            currency
            or (unit.casefold() == "k" and decimals)
            or (unit.casefold() != "k" and _PHRASE_END.match(rest))
        ):
            continue
        step = Decimal(1000) / 10 ** len(decimals or "")
        value = (Decimal(whole) + Decimal(f"0.{decimals}" if decimals else 0)) * 1000
        found.append(
            {
                "value": str(value.quantize(Decimal("0.01"))),
                "currency": _currency_code(currency.group(1) or currency.group(2))
                if currency
                else "",
                "approx": str(step / 2),
            }
        )
    return found


def amount_key(item: Any) -> str:
    """How an amount is compared: "1240.56 PLN"; "27900.00~50" for a sum rounded to 100 in
    no currency named."""
    if not isinstance(item, dict):
        return str(item)
    key = str(item.get("value"))
    if item.get("approx"):
        key += f"~{item['approx']}"
    return f"{key} {item['currency']}" if item.get("currency") else key


# A sum said roughly ("ponad 60 zł", "około 300 zł", "almost £40"): within a tenth of it.
_HEDGE = re.compile(
    r"(?:\b(?:ponad|prawie|około|okolo|ok\.|blisko|niemal\w*|przeszło|przeszlo|grubo"
    r"|about|around|almost|nearly|over|roughly|approx\w*|more than|less than)|~)\s*$",
    re.IGNORECASE,
)
HEDGE_SHARE = Decimal("0.1")


def _hedged(amount: dict[str, str] | None, before: str) -> dict[str, str] | None:
    if amount is None or amount.get("approx") or not _HEDGE.search(before[-16:]):
        return amount
    share = (Decimal(amount["value"]) * HEDGE_SHARE).quantize(Decimal("0.01"))
    return {**amount, "approx": str(share)}


def _amounts(text: str) -> list[dict[str, str]]:
    found = [
        _hedged(_amount(m.group(1), m.group(2) or m.group(3)), text[: m.start()])
        for m in _AMOUNT_AFTER.finditer(text)
    ]
    found += [
        _hedged(_amount(m.group(2), m.group(1)), text[: m.start()])
        for m in _AMOUNT_BEFORE.finditer(text)
    ]
    found += _thousands(text)
    amounts = _unique([a for a in found if a is not None])
    values = {a["value"] for a in amounts}
    for value in _AMOUNT_BARE.findall(text):
        bare = _amount(value, "")
        if bare is not None and bare["value"] not in values:
            values.add(bare["value"])
            amounts.append(bare)
    return amounts


def _numbered_streets(text: str) -> list[str]:
    found = []
    for match in _STREET_NUMBERED.finditer(text):
        name = match.group(1)
        first = name.split()[0].casefold()
        if first in _NOT_STREETS or first in _MONTH_WORDS or first in _CITY_FORMS:
            continue
        if "-" in first and any(part in _CITY_FORMS for part in first.split("-")):
            continue  # a route ("Kraków-Dublin 27 marca"), not a double-barrelled street
        found.append(name)
    return found


def _places(text: str) -> list[str]:
    places = [m.group(1) for m in _STREET.finditer(text)]
    places += _numbered_streets(text)
    places += [m.group(1) for m in _STREET_EN.finditer(text)]
    places += _cities(text)
    return _unique(places)


# A street named after a city ("ul. Gdańska 150/8, Bydgoszcz"): the city is not named.
_STREET_OF_CITY = re.compile(_STREET_MARKER + r"[A-ZĄĆĘŁŃÓŚŹŻ][\wąćęłńóśźż-]+")


def _cities(text: str) -> list[str]:
    """Cities named in a text, in any listed form, in order of appearance."""
    words = [word.casefold() for word in _CITY_WORD.findall(_STREET_OF_CITY.sub(" ", text))]
    found: list[str] = []
    skip = False
    for i, word in enumerate(words):
        if skip:
            skip = False
            continue
        pair = f"{word} {words[i + 1]}" if i + 1 < len(words) else ""
        if pair in _CITY_FORMS:  # "Zielonej Górze"
            found.append(_CITY_FORMS[pair])
            skip = True
        elif word in _CITY_FORMS:
            found.append(_CITY_FORMS[word])
        elif "-" in word:  # "Warszawa-Praga"
            found.extend(_CITY_FORMS[part] for part in word.split("-") if part in _CITY_FORMS)
    return found


def _speeds(text: str) -> list[int]:
    """Speeds named in a text, in Mb/s, in order of appearance."""
    speeds = []
    for number, giga in _SPEED.findall(text):
        value = float(number.replace(",", "."))
        speeds.append(round(value * 1000) if giga else round(value))
    return _unique([speed for speed in speeds if speed > 0])


def extract_durations(text: str) -> list[dict[str, Any]]:
    """Only the durations of a text ("od 3 tygodni", "for a week"): what severity needs."""
    return _unique(_durations(text[:MAX_CHARS]))


# A document's number as people copy it: an order, a claim, a contract or a card that a
# ticket quotes ("SF-472905", "RK/11/2025/0912", "#KZ-7731-0042", "2026/11/483920"). At
# least five digits, and letters or slashes with them: not a phone, an amount or a date.
_CODE = re.compile(
    r"(?<![\w/.-])#?([A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)+|[A-Za-z]{1,4}\d{5,})(?![\w/-])"
)
_DATE_LIKE = re.compile(r"^(?:\d{4}[-/]\d{1,2}[-/]\d{1,2}|\d{1,2}[-/]\d{1,2}[-/]\d{2,4})$")
CODE_DIGITS = 5
# A voucher or booking code is random letters and digits in turn ("BRYZA-VCH-7Q4KM"): a part
# that switches between them twice or more, in a code of CODE_MIN_CHARS, needs fewer digits.
_SCRAMBLED = re.compile(r"[A-Za-z]+\d+[A-Za-z]|\d+[A-Za-z]+\d")
CODE_MIN_CHARS = 8
# A vehicle's or a device's fleet number: a letter or three, a dash, four digits ("H-5130").
_NUMBERED_UNIT = re.compile(r"[A-Z]{1,3}-\d{4}")


def _codes(text: str) -> list[str]:
    if not _CODE_HINT.search(text):
        return []
    found = []
    for match in _CODE.finditer(text):
        code = match.group(1).upper()
        digits = sum(c.isdigit() for c in code)
        scrambled = len(code) >= CODE_MIN_CHARS and bool(_SCRAMBLED.search(code))
        if (
            (digits >= CODE_DIGITS or scrambled or _NUMBERED_UNIT.fullmatch(code))
            and len(code) <= 30
            and (any(c.isalpha() for c in code) or "/" in code)
            and not _DATE_LIKE.match(code)
        ):
            found.append(code)
    return _unique(found)


# A numbered room, flat or hall: "pokój 408", "w apartamencie nr 7", "flat 27", "Sala 3".
# Not "pokój 2-osobowy" (a kind of room) nor "2 pokoje" (how many).
_UNIT = re.compile(
    r"\b(pok[oó]j\w*|pok\.|rooms?|rm\.|suite|aparta?m\w*|apt\.?|mieszkani\w*|flat"
    r"|lokal\w*|sal[aięą]|hall)"
    r"\s*(?:nr\.?\s*|no\.?\s*|number\s*|#)?(\d{1,4}[A-Za-z]?)(?![\w-])"
    # A count or a measure, not a number: "w pokoju 3 dni", "flat 2 years", "sala 40 m2".
    r"(?!\s*(?:dni|dzie|raz|os|noc|night|day|time|people|person|guest|h\b|hour|godz|min|tyg"
    r"|week|mies|month|z[łl]|pln|eur|usd|gbp|%|x\b|km|m2|m²|m\b|lat\b|year))",
    re.IGNORECASE,
)
_UNIT_KINDS = (("room", ("pok", "room", "rm", "suite")), ("hall", ("sal", "hall")))


def _units(text: str) -> list[str]:
    """Numbered rooms, flats and halls, by kind in English: "room 408", "flat 7"."""
    found = []
    for match in _UNIT.finditer(text):
        noun = match.group(1).casefold()
        kind = next((k for k, stems in _UNIT_KINDS if noun.startswith(stems)), "flat")
        found.append(f"{kind} {match.group(2).upper()}")
    return _unique(found)


def extract_details(text: str) -> dict[str, list[Any]]:
    """Only the amounts, dates, places, speeds, document numbers and numbered rooms or flats
    of a text: what the matcher compares."""
    text = text[:MAX_CHARS]
    return {
        "amounts": _amounts(text),
        "dates": _unique(_dates(text)),
        "places": _places(text),
        "speeds": _speeds(text),
        "codes": _codes(text),
        "units": _units(text),
    }


def _phones_abroad(text: str) -> list[str]:
    """Numbers with another country's code (an expat's German or Ukrainian phone), E.164."""
    found = []
    for start in _ABROAD.finditer(text):
        window = text[start.start() : start.start() + PHONE_CHARS]
        for match in phonenumbers.PhoneNumberMatcher(window, "PL", leniency=Leniency.POSSIBLE):
            if match.start == 0 and match.number.country_code != int(DEFAULT_COUNTRY_CODE):
                found.append(phonenumbers.format_number(match.number, PhoneNumberFormat.E164))
    return found


def extract_identifiers(text: str, ref_patterns: Sequence[str] = ()) -> dict[str, list[Any]]:
    """Every identifier in a post or ticket text, normalised, in order of appearance."""
    text = text[:MAX_CHARS]
    refs: list[str] = []
    for pattern in _compiled(tuple(ref_patterns)):
        refs.extend(m.group(0).upper() for m in pattern.finditer(text))
    refs.extend(m.group(1) for m in _REF_WORDS.finditer(text))
    emails = [m.group(0).casefold().rstrip(".") for m in _EMAIL.finditer(text)]
    emails += _obfuscated_emails(text)
    phones = []
    for match in _PHONE.finditer(text):
        digits = normalise_phone(match.group(0))
        if len(digits) == 11 and digits.startswith("48"):
            phones.append(f"+{digits}")
    phones.extend(_phones_abroad(text))
    return {
        "ticket_refs": _unique(refs),
        "order_numbers": _unique([m.group(1) for m in _ORDER.finditer(text)]),
        "contract_numbers": _unique([m.group(1) for m in _CONTRACT.finditer(text)]),
        "emails": _unique(emails),
        "phones": _unique(phones),
        "amounts": _amounts(text),
        "durations": extract_durations(text),
        "dates": _unique(_dates(text)),
        "places": _places(text),
        "speeds": _speeds(text),
        "codes": _codes(text),
        "units": _units(text),
    }
