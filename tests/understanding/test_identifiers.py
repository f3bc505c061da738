"""Identifiers: references, contacts, amounts, durations, dates, places; bounded on long text."""

from __future__ import annotations

import time

import pytest

from watcher.understanding.identifiers import (
    KEYS,
    amount_key,
    extract_details,
    extract_identifiers,
    lenient,
)
from watcher.understanding.severity import assess_severity, text_severity

TEXT = (
    "Netia, zgłoszenie nr 10234 i NT-20417, od 3 tygodni bez netu! Naliczyli 120 zł i PLN 99,99. "
    "Pisałem z Jan.K@Example.pl, tel. +48 601 234 567 / 602-345-678. Technik miał być 12.11 albo "
    "6 listopada, since Monday, for 2 weeks. ul. Kalwaryjska 41 w Krakowie, 5 Main Street. "
    "Umowa nr UM/2026/123, order #AB1234. Szósty dzień bez internetu."
)


def test_everything_a_post_may_carry() -> None:
    found = extract_identifiers(TEXT, [r"NT-\d+"])
    assert set(found) == set(KEYS)
    assert found["ticket_refs"] == ["NT-20417", "10234"]
    assert found["emails"] == ["jan.k@example.pl"]
    assert found["phones"] == ["+48601234567", "+48602345678"]
    assert found["amounts"] == [
        {"value": "120.00", "currency": "PLN"},
        {"value": "99.99", "currency": "PLN"},
    ]
    assert {"text": "od 3 tygodni", "days": 21} in found["durations"]
    assert {"text": "Szósty dzień", "days": 6.0} in found["durations"]
    assert {"--11-12", "--11-06"} <= set(found["dates"])
    assert {"Kalwaryjska", "Main Street", "Kraków"} <= set(found["places"])
    assert found["contract_numbers"] == ["UM/2026/123"] and found["order_numbers"] == ["AB1234"]


def test_english_ticket_wording_and_currencies() -> None:
    found = extract_identifiers("ticket #55512 open, charged $40 and £12.50, case 7781")
    assert found["ticket_refs"] == ["55512", "7781"]
    assert {"value": "40.00", "currency": "USD"} in found["amounts"]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("nie zapłacę 180 € opłaty", ("180.00", "EUR")),  # the sign after the sum
        ("zapłaciłem 49,99€.", ("49.99", "EUR")),
        ("dekoder z nagrywarką za 8 funtów miesięcznie", ("8.00", "GBP")),  # pounds in Polish
        ("they took 20 euros twice", ("20.00", "EUR")),
        ("3k € kary", ("3000.00", "EUR")),
        ("made me pay 46 quid for it", ("46.00", "GBP")),
        ("79 zloty isn't the point", ("79.00", "PLN")),
        ("dałem mu 50 złotówek", ("50.00", "PLN")),
        ("4,180 CZK came out of my account", ("4180.00", "CZK")),
        ("Paid 79 SEK for Wi-Fi", ("79.00", "SEK")),
        # A crown, of Sweden, Denmark or Norway: which one the post does not say.
        ("took 2 340 kr TWICE from my card", ("2340.00", "")),
    ],
)
def test_a_currency_sign_or_word_after_the_sum(text: str, amount: tuple[str, str]) -> None:
    found = extract_identifiers(text)["amounts"]
    assert [(a["value"], a["currency"]) for a in found] == [amount]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("both charged DKK 1,895. Please refund", ("1895.00", "DKK")),
        ("my card was charged SEK 1,120 two times", ("1120.00", "SEK")),
        ("CHF 89.90 for the upgrade", ("89.90", "CHF")),
    ],
)
def test_a_currency_code_before_the_sum(text: str, amount: tuple[str, str]) -> None:
    found = extract_identifiers(text)["amounts"]
    assert [(a["value"], a["currency"]) for a in found] == [amount]


def test_codes_that_are_not_money_are_not_amounts() -> None:
    # The civil code ("art. 66 KC") and a Kraków number plate ("KR 6T390").
    text = "odwołanie z art. 66 KC złożone; Kestrel K3 2021, KR 6T390"
    assert extract_identifiers(text)["amounts"] == []


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("pobranie 149,99 zeszło dwa razy", ["149.99"]),  # no currency: the Polish way
        ("zapłaciłem 149,99 zł, potem znowu 149,99", ["149.99"]),  # one amount, once
        ("1,5 miesiąca, 12,345 km, 12.11, 3,14159", []),  # not money
    ],
)
def test_an_amount_with_grosze_needs_no_currency(text: str, values: list[str]) -> None:
    assert [a["value"] for a in extract_identifiers(text)["amounts"]] == values


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("faktura na 2 870,44 zł za pół roku", ["2870.44"]),  # a space groups thousands
        ("an invoice for 2,870.44 zł, due in 14 days", ["2870.44"]),
        ("zapłaciłem 1.200 zł i 10\u00a0000 zł kary", ["1200.00", "10000.00"]),
        ("charged $1,299.00 twice", ["1299.00"]),
        ("za 3, 100 zł", ["100.00"]),  # a list, not a grouped number
    ],
)
def test_thousands_are_grouped_the_polish_or_english_way(text: str, values: list[str]) -> None:
    assert [a["value"] for a in extract_identifiers(text)["amounts"]] == values


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("wycena 27,9k, wrak 6,6k", [("27900.00", "", "50"), ("6600.00", "", "50")]),
        ("ponad 4 tys. zł, dalej nic", [("4000.00", "PLN", "500")]),
        ("wypłacili (ponad 4 tys.) i cisza", [("4000.00", "", "500")]),
        ("za 2 tysiące złotych", [("2000.00", "PLN", "500")]),
        ("I lost 3k USD.", [("3000.00", "USD", "500")]),
        # Counts, distances and screens are no money.
        ("12 tys. gospodarstw bez prądu, 25 tys. Paczkomatów", []),
        ("Did 10k this evening, then watched a 4K TV", []),
        ("ceny 33–35 tys.!", []),  # a range: neither end alone
    ],
)
def test_thousands_said_short_are_rounded_sums(text: str, amounts: list[tuple[str, ...]]) -> None:
    found = extract_identifiers(text)["amounts"]
    assert [(a["value"], a["currency"], a["approx"]) for a in found] == amounts
    assert [amount_key(a) for a in found][:1] == [
        f"{v}~{step} {c}".strip() if c else f"{v}~{step}" for v, c, step in amounts[:1]
    ]


def test_thousands_after_a_name_are_no_house_number() -> None:
    found = extract_identifiers("Wartość wg Aurum 17 900 zł, ul. Lipowa 3")
    assert "Aurum" not in found["places"] and "Lipowa" in found["places"]


@pytest.mark.parametrize(
    ("text", "phones"),
    [
        ("zadzwońcie: 0049 151 2740 3918, Daniel", ["+4915127403918"]),
        ("my UK number is +44 7700 900123, thanks", ["+447700900123"]),
        ("tel +380 67 123 4567 albo +48 601 234 567", ["+48601234567", "+380671234567"]),
        ("zamówienie 00123456789, dopłata +5 zł", []),
    ],
)
def test_phones_abroad_are_read_with_their_country_code(text: str, phones: list[str]) -> None:
    assert extract_identifiers(text)["phones"] == phones


def test_nothing_found_is_empty_lists() -> None:
    assert all(v == [] for v in extract_identifiers("🙂").values())


def test_long_hostile_text_is_bounded() -> None:
    started = time.perf_counter()
    extract_identifiers("1" * 20_000 + "a@" * 5000 + " 1." * 5000)
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    "text",
    [
        "Iskrzy w gniazdku, a technik przyjdzie za tydzień",
        "Mama ma 89 lat i teleopiekę, a telefon nie działa od 3 dni",
        "Biuro stoi, nie mogę wystawić faktur od dwóch tygodni",
        "Pobrali dwa razy opłatę, proszę o zwrot",
        "No internet for 5 days now",
        "Since yesterday the TV box restarts",
        "Zmiana adresu korespondencji",
        "Od wczoraj brak sygnału",
    ],
)
def test_ticket_text_severity_is_the_assessed_severity(text: str) -> None:
    expected = assess_severity(f"Zgłoszenie\n{text}").severity or "none"
    assert text_severity("Zgłoszenie", text) == expected


def test_cities_in_any_form_in_order_and_not_inside_words() -> None:
    text = (
        "Mieszkam w Zielonej Górze, wcześniej w WARSZAWIE (Warszawa-Praga), "
        "teraz Bielsku-Białej i krakowie; Radomsko to nie Radom, Sopockie też nie."
    )
    assert extract_details(text)["places"] == [
        "Zielona Góra", "Warszawa", "Bielsko-Biała", "Kraków", "Radom",
    ]  # fmt: skip


def test_a_street_named_after_a_city_names_no_city() -> None:
    places = extract_details("Michał Sz., ul. Gdańska 150/8, 85-674 Bydgoszcz")["places"]
    assert "Gdańsk" not in places and "Bydgoszcz" in places
    # The city itself still counts: "z Gdańska", "Gdańsk Przymorze".
    assert extract_details("Jadę z Gdańska do domu")["places"] == ["Gdańsk"]


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("sprawa nt81054 leży od 2 tyg.", ["NT81054"]),
        ("ticket NT 81054 and NT#81055", ["NT 81054", "NT#81055"]),
        ("zgłoszenie NT_81054", ["NT_81054"]),
        ("NT-81054", ["NT-81054"]),  # once, though both patterns find it
        ("ant 123", []),  # inside a word: no reference
    ],
)
def test_a_reference_pattern_takes_the_separators_people_type(text: str, refs: list[str]) -> None:
    assert extract_identifiers(text, [r"NT-\d+"])["ticket_refs"] == refs


def test_only_a_letter_prefix_and_a_separator_is_made_lenient() -> None:
    assert lenient(r"[A-Z]-\d+") is None and lenient(r"#\d+") is None
    assert lenient(r"ZD-\d{5}") is not None and lenient(r"PGE/\d{4}/\d{5}") is not None


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("Reklamacja PGE 2026 40534 z 23.11.", ["PGE 2026 40534"]),
        ("sprawa pge/2026/40534", ["PGE/2026/40534"]),
        ("zgłoszenie #40547, cisza", ["40547"]),  # the last part only: see ref_keys
    ],
)
def test_a_reference_in_parts_takes_separators_between_each(text: str, refs: list[str]) -> None:
    assert extract_identifiers(text, [r"PGE/\d{4}/\d{5}"])["ticket_refs"] == refs


@pytest.mark.parametrize(
    "text",
    ["jesteśmy pod numerem (22) 614 78 20, prosimy", "tel. 22 614-78-20", "+48 (22) 614 78 20"],
)
def test_a_landline_with_its_area_code_is_a_phone(text: str) -> None:
    assert extract_identifiers(text)["phones"] == ["+48226147820"]


@pytest.mark.parametrize(
    "text",
    [
        "dzwońcie: (+48) 798 21 44 03",
        "tel. 798 21 44 03, od 8 do 16",
        "+48 798-21-44-03",
        "(0048) 798 214 403",
    ],
)
def test_a_mobile_in_pairs_or_with_a_bracketed_country_code_is_a_phone(text: str) -> None:
    assert extract_identifiers(text)["phones"] == ["+48798214403"]


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("brak netu od wczoraj. Jedności Narodowej 91. ile to potrwa?", ["Jedności Narodowej"]),
        ("Adres: Grochowska 214 m. 5, Warszawa", ["Grochowska", "Warszawa"]),
        ("Wita Stwosza 41/7", ["Wita Stwosza"]),
        ("Kraków Ruczaj, Grota-Roweckiego 20/14.", ["Grota-Roweckiego", "Kraków"]),
        ("Od 4.11 wieczorem nie działa", []),  # a date
        ("Obiecaliście TV Komfort 39,99 a płacę 69,99", []),  # an amount
        ("Pakiet 300 Mb/s to fikcja", []),  # a speed
        ("Zgłoszenie 8101 leży", []),
        ("umowa 'PGE Stała Cena 2027' podpisana", []),  # a year is no house number
        ("Białystok, Lipowa 12. Brak internetu", ["Lipowa", "Białystok"]),  # starts like "lipiec"
        ("Października 12 technik nie przyszedł", []),  # a month
        ("Błąd 503 przy logowaniu od 7:00", []),  # an error code
        ("EU261 claim Krakow-Dublin 27 March", ["Kraków"]),  # a route: its town only
        ("Row 22 and Row 25, the kids split up", []),  # seats
        ("Linia 14 nie jeździ, Gabinet 12 zamknięty", []),  # a tram line, a room
    ],
)
def test_a_street_without_ul_is_known_by_its_house_number(text: str, places: list[str]) -> None:
    assert extract_details(text)["places"] == places


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("the engineer was booked for 29th September", ["--09-29"]),
        ("the 29th of September, nobody came", ["--09-29"]),
        ("on October 3rd they promised a call", ["--10-03"]),
        ("wizyta 29/09/2026, nikt nie przyszedł", ["2026-09-29"]),
        ("Grota-Roweckiego 20/14, mieszkanie 12/4", []),  # a house and a flat, no dates
        ("they may 5 times call and nothing", []),  # the verb, not the month
        ("booked for May 5th", ["--05-05"]),
    ],
)
def test_dates_as_english_posts_and_forms_write_them(text: str, dates: list[str]) -> None:
    assert extract_details(text)["dates"] == dates


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("Ticket is #40833 if anyone from support lurks here", ["40833"]),
        ("Complaint number 528004, they said they measure the node", ["528004"]),
        ("zgłoszenie ma numer 40547, a odpowiedzi brak", ["40547"]),
        # A verb with no number sign or word after it: a sentence, not a citation.
        ("the ticket is 5 days old; sprawa jest 2026 roku", []),
    ],
)
def test_a_reference_said_with_a_verb_before_it(text: str, refs: list[str]) -> None:
    assert extract_identifiers(text)["ticket_refs"] == refs


@pytest.mark.parametrize(
    ("text", "approx"),
    [
        ("na koncie ma ponad 60 zł ze zwrotów", "6.00"),
        ("they charged me about £40 extra", "4.00"),
        ("zapłaciłem 60 zł", None),  # said exactly
    ],
)
def test_a_sum_said_roughly_is_read_within_a_tenth(text: str, approx: str | None) -> None:
    [amount] = extract_identifiers(text)["amounts"]
    assert amount.get("approx") == approx


def test_document_numbers_are_read_and_phones_dates_and_amounts_are_not() -> None:
    text = (
        "karnet SF-472905, reklamacja RK/11/2025/0912, zamówienie #KZ-7731-0042 i "
        "2026/11/483920; dzwoniłam 601-234-567 dnia 2026-03-10 (12/11/2026), 1 200,50 zł"
    )
    assert extract_identifiers(text)["codes"] == [
        "SF-472905", "RK/11/2025/0912", "KZ-7731-0042", "2026/11/483920",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "emails"),
    [
        ("odpiszcie wreszcie na maila: m.sobczak (małpa) example.pl", ["m.sobczak@example.pl"]),
        ("write to ann.k [at] mail [dot] com please", ["ann.k@mail.com"]),
        ("jan.nowak at example dot pl, dzięki", ["jan.nowak@example.pl"]),
        ("I was at home, then at tesco.com", []),  # a bare "at" needs a spelled-out dot
    ],
)
def test_an_address_written_to_escape_bots_is_an_email(text: str, emails: list[str]) -> None:
    assert extract_identifiers(text)["emails"] == emails


def test_a_scrambled_voucher_code_is_a_document_number() -> None:
    text = "your website keeps telling me voucher BRYZA-VCH-7Q4KM is invalid"
    assert extract_details(text)["codes"] == ["BRYZA-VCH-7Q4KM"]
    # Models and seats are not: one switch between letters and digits, or a short code.
    assert extract_details("RTX-4070Ti, K3-5, seat 8D/47, A1-B2-C3")["codes"] == []


def test_a_neighbours_city_is_one_city_in_polish_and_english() -> None:
    assert extract_details("sent 2000 zł to my mama in Lviv")["places"] == ["Lwów"]
    assert extract_details("przelew do matki, Lwów, 2 000,00 PLN")["places"] == ["Lwów"]
    assert extract_details("brat w Kijowie, a ja w Kyiv")["places"] == ["Kijów"]


def test_a_fleet_number_is_a_document_number() -> None:
    text = "Mig scooter H-5130 has no front brake; the car was WX-1234, not K-22 or P-117"
    assert extract_details(text)["codes"] == ["H-5130", "WX-1234"]
    # Four digits after a longer word, or a year, are not.
    assert extract_details("Renault-2019, Skoda-1234, rok 2025-04")["codes"] == []


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("Pokój 408, Przystań Powiśle, wiertarka od 8:00", ["room 408"]),
        ("drilling right above room 406 and rm. 12A", ["room 406", "room 12A"]),
        ("dzieci spały w kurtkach w apartamencie nr 7", ["flat 7"]),
        ("apartment #22 at Kościeliska, flat 27 on Wróblewskiego", ["flat 22", "flat 27"]),
        ("Sala Wisła? Nie, Sali 3 na drugim piętrze", ["hall 3"]),
        # A kind of room, how many rooms, a count or a measure: no number of a room.
        ("pokój 2-osobowy, 2 pokoje, room for 2", []),
        ("w pokoju 3 dni bez ciepłej wody, mieszkanie 60 m2, flat 2 years ago", []),
    ],
)
def test_a_numbered_room_flat_or_hall_is_a_unit(text: str, units: list[str]) -> None:
    assert extract_details(text)["units"] == units
    assert extract_identifiers(text)["units"] == units
