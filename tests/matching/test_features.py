"""Feature levels: each band and each agreement, on plain facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from watcher.matching.facts import (
    Candidate,
    ComplaintFacts,
    TicketFacts,
    fold,
    place_key,
    place_runs,
    plan_speed,
    ref_digits,
    ref_keys,
)
from watcher.matching.features import (
    LEVELS,
    category_level,
    city_level,
    compare,
    conflicting_details,
    details_level,
    shared_details,
    status_level,
    text_level,
    time_level,
)
from watcher.understanding.identifiers import extract_identifiers

T0 = datetime(2026, 11, 1, 9, tzinfo=UTC)


def ticket(**fields: object) -> TicketFacts:
    values: dict[str, object] = {
        "ticket_id": 1,
        "external_id": "NT-10001",
        "text": "Brak internetu",
        "customer_id": 1,
        "created_at": T0,
        "status": "open",
        "solved_at": None,
        "category": "outage",
    } | fields
    return TicketFacts(**values)  # type: ignore[arg-type]


def complaint(**fields: object) -> ComplaintFacts:
    values: dict[str, object] = {
        "complaint_id": 1,
        "text": "x",
        "author": None,
        "published_at": T0 + timedelta(days=5),
        "category": "outage",
    } | fields
    return ComplaintFacts(**values)  # type: ignore[arg-type]


def test_fold_removes_polish_diacritics_including_l_stroke() -> None:
    assert fold("Zażółć GĘŚLĄ jaźń Łódź") == "zazolc gesla jazn lodz"


@pytest.mark.parametrize(
    ("ref", "digits"), [("NT-10234", "10234"), ("#10234", "10234"), ("nr 10 234", "10234")]
)
def test_reference_digits(ref: str, digits: str) -> None:
    assert ref_digits(ref) == digits


def test_a_reference_in_parts_is_also_cited_by_its_last_part() -> None:
    assert ref_keys("PGE/2026/40547") == ("202640547", "40547")
    assert ref_keys("NT-10234") == ("10234",)
    assert ref_keys("ZD/2026/12") == ("202612",)  # too short a part to be cited alone


@pytest.mark.parametrize(
    ("similarity", "level"),
    [(0.9, "high"), (0.35, "high"), (0.25, "medium"), (0.12, "low"), (0.01, "none")],
)
def test_text_bands(similarity: float, level: str) -> None:
    assert text_level(similarity) == level


@pytest.mark.parametrize(
    ("days", "level"),
    [(-2, "after_post"), (0, "days_0_3"), (10, "days_3_21"), (40, "days_21_90"), (200, "older")],
)
def test_time_gap_bands(days: int, level: str) -> None:
    assert time_level(T0 + timedelta(days=days), T0) == level


def test_time_unknown_without_a_publication_date() -> None:
    assert time_level(None, T0) == "unknown"


def test_status_levels() -> None:
    published = T0 + timedelta(days=60)
    assert status_level(ticket(), published) == "open"
    recent = ticket(status="solved", solved_at=published - timedelta(days=3))
    assert status_level(recent, published) == "solved_recently"
    old = ticket(status="closed", solved_at=published - timedelta(days=50))
    assert status_level(old, published) == "solved_long_ago"
    # Solved after the post (read later, or an export of today's state): open when written.
    later = ticket(status="solved", solved_at=published + timedelta(days=2))
    assert status_level(later, published) == "open"


def test_shared_details_compare_amounts_places_and_dates() -> None:
    post = complaint(amounts=("120.00", "5"), places=("Długiej", "Kraków"), dates=("--11-12",))
    t = ticket(amounts=("120.00",), places=("Długa", "Kraków"), dates=("2026-11-12",))
    # The city is no detail: thousands of tickets share one (city_level compares it).
    assert shared_details(post, t) == ["amount 120.00", "place Długiej", "date --11-12"]
    assert (
        details_level(3) == "two_plus" and details_level(1) == "one" and details_level(0) == "none"
    )


def test_rounded_sums_agree_within_their_rounding_and_currencies_must_match() -> None:
    t = ticket(amounts=("27900.00 PLN", "3100.00 PLN"))
    assert shared_details(complaint(amounts=("27900.00~50",)), t) == ["amount 27900.00"]
    assert shared_details(complaint(amounts=("3000.00~500",)), t) == ["amount 3000.00"]
    assert shared_details(complaint(amounts=("2800.00~50",)), t) == []
    # 3k USD is not 3 100 zł, and no conflict either: sums of another kind.
    usd = complaint(amounts=("3000.00~500 USD",))
    assert shared_details(usd, t) == [] and not conflicting_details(usd, t)
    assert conflicting_details(complaint(amounts=("2800.00~50",)), t)
    # "ponad 60 zł" of the 62,30 zł on the account.
    assert shared_details(post_about("Na koncie ma ponad 60 zł"), ticket(amounts=("62.30 PLN",)))


def test_a_document_number_the_ticket_quotes_is_a_shared_detail() -> None:
    t = ticket(codes=("SF-472905", "NT-10001"))
    assert shared_details(post_about("Mój karnet sf-472905 dalej pobiera opłaty"), t) == [
        "number SF-472905"
    ]
    # A cited reference is the reference feature's, not a detail too.
    cited = ComplaintFacts.from_identifiers(
        1, text="NT-10001", author=None, published_at=None, category=None,
        identifiers={"ticket_refs": ["NT-10001"], "codes": ["NT-10001"]},
    )  # fmt: skip
    assert shared_details(cited, t) == []


def test_a_numbered_room_is_a_detail_and_another_room_a_conflict() -> None:
    """Room 406 against the guest of room 412 in one hotel's renovation: the dates and
    amounts of the incident they share do not make them one guest."""
    post = post_about("Drilling above room 406 on 11.11, charged 610 zł")
    assert post.units == ("room 406",)
    same = ticket(text="Room 406: renovation noise", units=("room 406",), dates=("--11-11",))
    assert shared_details(post, same) == ["room 406", "date --11-11"]
    neighbour = ticket(text="Pokój 412: hałas", units=("room 412",), dates=("--11-11",))
    levels = {c.feature: c.level for c in compare(post, Candidate(neighbour))}
    assert levels["details"] == "conflict"
    # A flat is no room: a ticket of flat 412 says nothing about room 406.
    flat = ticket(text="Mieszkanie 412", units=("flat 412",), dates=("--11-11",))
    assert {c.feature: c.level for c in compare(post, Candidate(flat))}["details"] == "one"


def test_the_city_agrees_disagrees_or_is_unknown() -> None:
    in_krakow = ticket(places=("Długa", "Kraków"))
    assert city_level(complaint(places=("Kraków",)), in_krakow) == "agree"
    assert city_level(complaint(places=("Gdańsk",)), in_krakow) == "disagree"
    assert city_level(complaint(places=("Długa",)), in_krakow) == "unknown"
    assert city_level(complaint(places=("Kraków",)), ticket(places=("Długa",))) == "unknown"


def post_about(text: str) -> ComplaintFacts:
    found = extract_identifiers(text)
    return ComplaintFacts.from_identifiers(
        1, text=text, author=None, published_at=None, category=None, identifiers=found
    )


@pytest.mark.parametrize(
    "text",
    [
        "Technik nie przyszedł, mieszkam na Grochowskiej, dzwoniłem 5 razy",  # inflected
        "technik nie przyszedl, adres grochowska 12 m. 4",  # lowercase, with a house number
        "Czekam od tygodnia, ul. Grochowskiej 12",  # "ul." and inflected
        "No-show again at Grochowska, third time",  # an English post
    ],
)
def test_a_ticket_street_named_in_the_post_in_any_case_is_a_shared_place(text: str) -> None:
    street = ticket(places=("Grochowska", "Warszawa"))
    [shared] = shared_details(post_about(text), street)
    assert shared in ("place Grochowska", "place Grochowskiej")  # as the post names it


@pytest.mark.parametrize(
    "text",
    [
        "Długo czekam na technika, nikt nie dzwoni",  # "Długa" street, a sentence's first word
        "dluga historia, nikt nie dzwoni",  # lowercase, no house number
        "Mieszkam na Grochowskiej",  # another street
    ],
)
def test_common_words_and_other_streets_are_not_the_ticket_street(text: str) -> None:
    assert shared_details(post_about(text), ticket(places=("Długa",))) == []


def test_the_same_house_is_two_details_and_a_neighbours_house_none() -> None:
    house_214 = ticket(places=("Grochowska",), house_numbers=(("grochowsk", "214"),))
    assert shared_details(post_about("Grochowska 214 m. 5 bez netu"), house_214) == [
        "place Grochowska",
        "house 214",
    ]
    assert shared_details(post_about("U nas na Grochowskiej 230 też nie działa"), house_214) == []
    # No number on one side: the street alone.
    assert shared_details(post_about("Awaria na Grochowskiej"), house_214) == ["place Grochowska"]


def test_a_town_in_the_locative_plural_is_the_town() -> None:
    assert place_key("Wadowicach") == place_key("Wadowice")
    assert place_key("Krzykach") == place_key("Krzyki")


def test_a_double_barrelled_street_is_named_by_either_part() -> None:
    grota = ticket(places=("Grota-Roweckiego",), house_numbers=(("grot roweck", "20"),))
    assert shared_details(post_about("Grota 20 flat 41, day 4 without internet"), grota) == [
        "place Grota",  # as the post names it
        "house 20",
    ]
    assert shared_details(post_about("awaria na Roweckiego od rana"), grota) == [
        "place Grota-Roweckiego"
    ]
    # Another house on it is a neighbour's, by whichever name.
    assert shared_details(post_about("Grota-Roweckiego 22 bez netu"), grota) == []
    assert shared_details(post_about("Grota 22 bez netu"), grota) == []


def test_a_multi_word_street_needs_all_its_words() -> None:
    street = ticket(places=("Jedności Narodowej",))
    assert shared_details(post_about("Awaria na Jedności Narodowej od rana"), street)
    assert not shared_details(post_about("Awaria, brak Jedności w zespole"), street)


def test_compare_gives_every_feature_in_order() -> None:
    levels = compare(complaint(category="billing"), Candidate(ticket(), reference="exact"))
    assert [c.feature for c in levels] == list(LEVELS)
    by_feature = {c.feature: c.level for c in levels}
    assert by_feature["reference"] == "exact"
    assert by_feature["category"] == "disagree"
    assert all(c.level in LEVELS[c.feature] for c in levels)


@pytest.mark.parametrize(
    ("mine", "theirs", "level"),
    [
        ("outage", "outage", "agree"),
        ("outage", " Billing ", "disagree"),  # a helpdesk's spelling of our category
        ("outage", "delivery", "unknown"),  # another business's category: not comparable
        ("other", "outage", "unknown"),
        (None, "outage", "unknown"),
        ("outage", None, "unknown"),
    ],
)
def test_the_category_compares_only_within_our_taxonomy(
    mine: str | None, theirs: str | None, level: str
) -> None:
    assert category_level(complaint(category=mine), ticket(category=theirs)) == level


def test_the_plan_is_the_highest_speed_named_and_a_shared_one_is_a_detail() -> None:
    found = extract_identifiers("Płacę za 1 Gb/s, a wieczorem mam 40 Mb/s, plik 100 MB")
    assert found["speeds"] == [1000, 40]
    post = ComplaintFacts.from_identifiers(
        1, text="", author=None, published_at=None, category=None, identifiers=found
    )
    assert post.plan == 1000
    assert shared_details(post, ticket(plan=1000)) == ["plan 1000 Mb/s"]
    assert shared_details(post, ticket(plan=300)) == []
    assert plan_speed(["600", 150]) == 600 and plan_speed([]) is None


def test_a_ticket_on_the_posts_street_naming_no_city_is_taken_to_be_in_the_posts_city() -> None:
    post = post_about("Awaria na Lipowej w Białymstoku od niedzieli")
    for places in (("Lipowa", "Białystok"), ("Lipowa",)):
        levels = {c.feature: c.level for c in compare(post, Candidate(ticket(places=places)))}
        assert levels["details"] == "one" and levels["city"] == "agree", places
    # Another city with the same street name still speaks against.
    other = {
        c.feature: c.level for c in compare(post, Candidate(ticket(places=("Lipowa", "Kraków"))))
    }
    assert other["city"] == "disagree"
    # No shared street: a ticket naming no city stays unknown.
    apart = {c.feature: c.level for c in compare(post, Candidate(ticket(places=("Długa",))))}
    assert apart["city"] == "unknown"


def test_a_ticket_naming_no_details_shares_none_unknowingly() -> None:
    post = post_about("Od 3.11 brak internetu na Lipowej 7, zapłaciłem 99 zł")
    empty = {c.feature: c.level for c in compare(post, Candidate(ticket(text="Brak internetu")))}
    assert empty["details"] == "unknown"  # an empty description: no evidence either way
    other = {c.feature: c.level for c in compare(post, Candidate(ticket(places=("Długa",))))}
    assert other["details"] == "none"  # it names a street, and not this one


@pytest.mark.parametrize(
    ("text", "ticket_text", "level"),
    [
        # Both name a sum, and not the same one: another customer's bill.
        ("Wezwanie do zapłaty 79 zł za opłaconą fakturę", "Wezwanie na 89,99 zł", "conflict"),
        ("No internet since 31 October", "Technik umówiony na 4.11, nie przyszedł", "conflict"),
        ("Płacę za 600 Mb/s, mam 40", "Pakiet 300 Mb/s, prędkość 20", "conflict"),
        # Different kinds of detail do not speak against each other.
        ("Wezwanie do zapłaty 79 zł", "Technik umówiony na 4.11, nie przyszedł", "none"),
        ("faktura na 2 870,44 zł", "Faktura zbiorcza 2 870,44 zł, termin 14 dni", "one"),
        # A sum said without its grosze is the same sum, not another one.
        ("rachunek za roaming 1240 zł", "Razem 1 240,56 zł za transmisję danych", "one"),
        ("rachunek za roaming 1243 zł", "Razem 1 240,56 zł za transmisję danych", "conflict"),
        ("zapłaciłem 89,50 zł", "Naliczono 89,99 zł", "conflict"),
    ],
)
def test_details_of_one_kind_that_never_agree_are_a_conflict(
    text: str, ticket_text: str, level: str
) -> None:
    found = extract_identifiers(ticket_text)
    theirs = ticket(
        text=ticket_text,
        amounts=tuple(a["value"] for a in found["amounts"]),
        dates=tuple(found["dates"]),
        plan=plan_speed(found["speeds"]),
    )
    levels = {c.feature: c.level for c in compare(post_about(text), Candidate(theirs))}
    assert levels["details"] == level


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("adres grochowska 12 m. 4", {"grochowsk": {"12"}}),
        ("Grochowska 214 m. 5, Warszawa", {"grochowsk": {"214"}}),
        # A count, not a house: a unit follows, or a comma comes between.
        ("na Lipowej 3 dni bez netu", {}),
        ("paczkomat na Puławskiej dalej martwy, 4 dzień", {}),
        ("Grochowska 2 razy w tygodniu pada", {}),
    ],
)
def test_a_house_number_follows_its_street_and_counts_nothing(
    text: str, numbers: dict[str, set[str]]
) -> None:
    found = {key: houses for key, houses in place_runs(text).items() if houses}
    assert {k: v for k, v in found.items() if k in numbers or not numbers} == numbers
