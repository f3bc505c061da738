"""Candidate channels on a real database: streets named in a post, words few tickets share."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from watcher.formats.tickets import parse_ticket
from watcher.matching import parallel
from watcher.matching.candidates import (
    RARE_WORD_TICKETS,
    STREET_TICKETS,
    MatchContext,
    name_parts,
    name_stem,
)
from watcher.matching.facts import ComplaintFacts, content_words
from watcher.tickets.store import import_tickets
from watcher.understanding.identifiers import extract_identifiers

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
OUTAGE = "Od wczoraj brak internetu i telewizji, czerwona dioda na modemie."


def _ticket(number: int, description: str, **cells: str) -> Any:
    row = {
        "id": f"NT-{number}",
        "subject": "Zgłoszenie",
        "description": description,
        "status": "open",
        "created_at": "2026-11-10T09:00:00Z",
        "customer_id": f"C-{number}",
    }
    return parse_ticket(row | cells, UTC)


def _post(text: str, ref_patterns: tuple[str, ...] = ()) -> ComplaintFacts:
    return ComplaintFacts.from_identifiers(
        1,
        text=text,
        author=None,
        published_at=datetime(2026, 11, 15, tzinfo=UTC),
        category="outage",
        identifiers=extract_identifiers(text, ref_patterns),
    )


def _context(session: Session, tickets: list[Any]) -> MatchContext:
    import_tickets(session, tickets)
    session.flush()
    context = MatchContext()
    context.refresh(session, NOW)
    return context


def test_every_ticket_on_a_street_the_post_names_is_a_candidate(session: Session) -> None:
    neighbours = [
        _ticket(100 + i, f"{OUTAGE} ul. Grochowska {200 + i}, Warszawa.") for i in range(6)
    ]
    elsewhere = [_ticket(200 + i, f"{OUTAGE} ul. Kartuska {i + 1}, Gdańsk.") for i in range(20)]
    context = _context(session, neighbours + elsewhere)
    found = context.candidates(_post("U nas też nie działa, okolice Kobielskiej/Grochowskiej."))
    by_street = {c.ticket.external_id for c in found if "place" in c.channels}
    assert by_street == {f"NT-{100 + i}" for i in range(6)}


def test_a_main_road_in_many_tickets_proposes_none_of_them(session: Session) -> None:
    road = [_ticket(300 + i, f"{OUTAGE} ul. Marszałkowska {i}.") for i in range(STREET_TICKETS + 1)]
    context = _context(session, road)
    found = context.candidates(_post("Awaria na Marszałkowskiej od rana."))
    assert not any("place" in c.channels for c in found)


def test_a_word_few_tickets_share_is_rare_and_a_common_one_is_not(session: Session) -> None:
    shop = _ticket(400, "Pracownia Kwiatowa, terminal płatniczy nie działa, kwiaciarnia bez łącza.")
    patchcords = [
        _ticket(410 + i, f"Technik wymienił patchcord w szafie, dalej nie działa. {i}")
        for i in range(RARE_WORD_TICKETS + 1)
    ]
    context = _context(session, [shop, *patchcords])
    post = _post("Mam kwiaciarnię, przez awarię nie działa terminal płatniczy, patchcord padł?")
    rare = {c.ticket.external_id: c.rare_words for c in context.candidates(post)}
    assert set(rare["NT-400"]) == {"kwiaciarn", "platnicz"}
    assert all("patchcord" not in words for words in rare.values())  # in four tickets


def test_a_street_is_not_also_counted_as_a_rare_word(session: Session) -> None:
    context = _context(session, [_ticket(500, f"{OUTAGE} ul. Jedności Narodowej 91, Wrocław.")])
    [found] = context.candidates(_post("24h bez netu na Jednosci Narodowej 91, dziekuje"))
    assert "place" in found.channels and found.rare_words == ()
    assert found.ticket.house_numbers == (("jednosc narodow", "91"),)


def test_a_towns_district_named_after_it_is_no_rare_word() -> None:
    """ "Opole-Zaodrze", "Opole (Zaodrze)": everyone on the estate shares it."""
    assert "zaodrz" not in content_words("Rzeczoznawca był po gradzie (Opole-Zaodrze), szybko")
    assert "zaodrz" not in content_words("Gradobicie 28.04, Opole (Zaodrze). Mazda CX-5")
    assert "zaodrz" in content_words("Mieszkam na Zaodrzu, grad porysował dach")


def test_a_ticket_sharing_a_rare_word_is_a_candidate_whatever_its_language(
    session: Session,
) -> None:
    # The post is English, the ticket a Polish agent's note: the text index ranks a dozen
    # English look-alikes first, the one word they share (a district) still proposes it.
    alike = [
        _ticket(700 + i, f"My mortgage application has had no decision for weeks, case {i}.")
        for i in range(15)
    ]
    hers = _ticket(800, "Wniosek hipoteczny bez decyzji, mieszkanie na Nadodrzu, Wrocław.")
    context = _context(session, [*alike, hers])
    post = _post("My mortgage application has had no decision for weeks. Flat on Nadodrze.")
    found = {c.ticket.external_id: c for c in context.candidates(post)}
    assert found["NT-800"].channels == {"words"}
    assert found["NT-800"].rare_words == ("nadodrz",)


def test_the_watched_brand_is_no_rare_word(session: Session) -> None:
    # Every post names the brand; the few tickets that write it out are no likelier.
    context = _context(session, [_ticket(900, "Paczkomat InPost WAW229M nie otwiera skrytki.")])
    context.brand_words = frozenset(content_words("InPost"))
    post = _post("InPost, paczkomat WAW229M dalej martwy")
    [found] = context.candidates(post)
    assert found.rare_words == ("waw229m",)


def test_the_district_a_street_is_named_after_is_no_rare_word_either(session: Session) -> None:
    # "Grochów" in the post, a ticket on ul. Grochowska naming the Grochów node: one place,
    # the detail of an area report rather than a word that singles the ticket out.
    node = _ticket(600, f"{OUTAGE} ul. Grochowska 230, węzeł Grochów, kwiaciarnia bez łącza.")
    context = _context(session, [node])
    [found] = context.candidates(_post("Awaria Netia Warszawa Grochów, kwiaciarnia bez netu"))
    assert found.rare_words == ("kwiaciarn",)


def test_content_words_are_uncommon_words_and_codes_not_the_vocabulary_of_complaints() -> None:
    words = content_words(
        "Router ZTE H3600 w Legionowie gubi wifi, reklamacja bez odpowiedzi, dzwoniłem do ludzi"
    )
    assert {"h3600", "legionow"} <= words
    assert not {"reklamacj", "odpowiedz", "ludz", "router"} & words


def _customer(number: int, name: str) -> Any:
    return _ticket(number, OUTAGE, requester_name=name)


def test_a_diminutive_or_a_nickname_signs_the_full_name(session: Session) -> None:
    context = _context(
        session,
        [_customer(600, "Katarzyna Nowak"), _customer(601, "William Turner"),
         _customer(602, "Tomasz Wiśniewski")],
    )  # fmt: skip
    for text, ticket in [
        ("Trzeci dzień bez netu. Kasia Nowak", "NT-600"),
        ("Still no internet after a week. Bill Turner", "NT-601"),
        ("od tygodnia nic nie działa, pozdrawiam, Tomek Wisniewski", "NT-602"),
    ]:
        named = {
            c.ticket.external_id for c in context.candidates(_post(text)) if c.identity == "name"
        }
        assert named == {ticket}, text
    # Another first name is another person.
    assert not any(c.identity == "name" for c in context.candidates(_post("Anna Nowak pisze")))


def _identity_levels(context: MatchContext, post: ComplaintFacts) -> dict[str, str]:
    return {c.ticket.external_id: c.identity for c in context.candidates(post)}


def _two_neighbours(session: Session, **first: str) -> MatchContext:
    """Two customers' outage tickets on Lipowa; `first` sets cells of the first one."""
    return _context(
        session,
        [
            _ticket(700, f"{OUTAGE} ul. Lipowa 3, Białystok.", **first),
            _ticket(701, f"{OUTAGE} ul. Lipowa 5, Białystok.", requester_name="Jan Nowak"),
        ],
    )


def test_a_known_authors_candidates_of_other_customers_are_someone_elses(
    session: Session,
) -> None:
    context = _two_neighbours(session, requester_handles="twitter:rafal_m")
    post = _post("Druga doba bez internetu na Lipowej")
    levels = _identity_levels(context, replace(post, author="Rafal_M"))
    assert levels == {"NT-700": "exact", "NT-701": "other"}
    # An author no customer is: nobody's ticket is ruled out.
    assert set(_identity_levels(context, replace(post, author="someone")).values()) == {"none"}


@pytest.mark.parametrize(
    ("network", "levels"),
    [
        ("twitter", {"NT-700": "exact", "NT-701": "other"}),
        (None, {"NT-700": "exact", "NT-701": "other"}),  # a forum: the network is not known
        # The same handle on Reddit may be someone else: as good as a name, no more.
        ("reddit", {"NT-700": "name", "NT-701": "none"}),
    ],
)
def test_a_handle_known_on_another_network_is_only_as_good_as_a_name(
    session: Session, network: str | None, levels: dict[str, str]
) -> None:
    context = _two_neighbours(session, requester_handles="twitter:rafal_m")
    post = replace(_post("Druga doba bez internetu na Lipowej"), author="rafal_m")
    assert _identity_levels(context, replace(post, network=network)) == levels


def test_a_pages_shown_name_is_the_handle_it_is_written_as(session: Session) -> None:
    # A Facebook page posts as "Piekarnia Złoty Kłos"; the ticket has its address.
    context = _two_neighbours(session, requester_handles="facebook:piekarniazlotyklos")
    post = replace(_post("Druga doba bez internetu na Lipowej"), author="Piekarnia Złoty Kłos")
    assert _identity_levels(context, post) == {"NT-700": "exact", "NT-701": "other"}


@pytest.mark.parametrize(
    ("author", "levels"),
    [
        # A shop's handle spells the domain its owner writes from, alone or with a word.
        ("weranda_deco", {"NT-700": "name", "NT-701": "none"}),
        ("@WerandaDeco_Sklep", {"NT-700": "name", "NT-701": "none"}),
        ("Weronika | Weranda Deco", {"NT-700": "name", "NT-701": "none"}),
        # A domain several customers write from (a webmail) singles no one out, nor does
        # a shorter part of one ("deco").
        ("poczta_example", {"NT-700": "none", "NT-701": "none"}),
        ("deco_lover", {"NT-700": "none", "NT-701": "none"}),
        # A 20,000-character author: its words are looked up, not every start and end.
        ("x" * 20_000 + "werandadeco", {"NT-700": "none", "NT-701": "none"}),
        ("x" * 20_000 + " werandadeco", {"NT-700": "name", "NT-701": "none"}),
    ],
)
def test_a_handle_spelling_a_customers_email_domain_is_as_good_as_a_name(
    session: Session, author: str, levels: dict[str, str]
) -> None:
    context = _context(
        session,
        [
            _ticket(700, f"{OUTAGE} ul. Lipowa 3.", requester_email="weronika@weranda-deco.pl"),
            _ticket(701, f"{OUTAGE} ul. Lipowa 5.", requester_email="jan.nowak@poczta.pl"),
            _ticket(702, "Faktura za listopad.", requester_email="ewa.lis@poczta.pl"),
        ],
    )
    post = replace(_post("Druga doba bez internetu na Lipowej"), author=author)
    assert _identity_levels(context, post) == levels


def test_a_ticket_one_typo_from_a_cited_existing_number_is_a_typo(session: Session) -> None:
    # The post cites NT-80063 (another customer's) but means NT-80068, found by its text.
    context = _context(
        session,
        [
            _ticket(80063, "Monitor uszkodzony w transporcie, Poznań."),
            _ticket(80068, "Paczkomat GDA08M: kod odbioru nieprawidłowy, skrytka zamknięta."),
        ],
    )
    post = _post("Paczkomat GDA08M: kod odbioru nieprawidłowy. Zgłoszenie NT-80063, trzeci dzień")
    post = replace(post, ticket_refs=("NT-80063",))
    levels = {c.ticket.external_id: c.reference for c in context.candidates(post)}
    assert levels == {"NT-80063": "exact", "NT-80068": "typo"}


def _reference_levels(session: Session, strangers: list[int], cited: str) -> dict[str, str]:
    """Reference levels when ola_nowak, whose own ticket is NT-80067, cites `cited`."""
    own = _ticket(80067, "Brak internetu od rana.", requester_handles="twitter:ola_nowak")
    others = [_ticket(n, "Brak internetu od rana, modem miga.") for n in strangers]
    context = _context(session, [own, *others])
    post = replace(
        _post(f"Brak internetu od rana. Zgłoszenie {cited}"),
        author="ola_nowak",
        ticket_refs=(cited,),
    )
    return {c.ticket.external_id: c.reference for c in context.candidates(post)}


def test_one_typo_from_a_cited_number_is_near_only_on_the_authors_own_ticket(
    session: Session,
) -> None:
    # Numbers are handed out in sequence: NT-80061 and NT-80067 are both one typo from the
    # cited NT-80068, which does not exist; only NT-80067 is the author's (by the handle).
    levels = _reference_levels(session, [80061, 80075], "NT-80068")
    assert levels == {"NT-80061": "typo", "NT-80067": "near", "NT-80075": "other"}


def test_two_digits_swapped_are_one_typo_on_the_authors_own_ticket(session: Session) -> None:
    # The author cites NT-80076, another customer's ticket, for their own NT-80067. NT-80706
    # is also a swap away, and a stranger's.
    levels = _reference_levels(session, [80076, 80706], "NT-80076")
    assert levels == {"NT-80067": "near", "NT-80076": "exact", "NT-80706": "other"}


def test_two_digits_swapped_are_a_typo_on_anyones_ticket_when_the_number_is_no_tickets(
    session: Session,
) -> None:
    # NT-80776 exists nowhere: NT-80767 (a swap) and NT-80676 (a swap) may be what was meant.
    levels = _reference_levels(session, [80767, 80676, 80700], "NT-80776")
    assert levels == {
        "NT-80067": "other", "NT-80767": "typo", "NT-80676": "typo", "NT-80700": "other",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "author", "first", "last"),
    [
        ("Silence for 3 days. Anything that speeds this up?\n– Priya (Krzyki)", None, "Priya", ""),
        ("Dzwoniłam we wtorek. Wiesława A.", None, "Wiesława", ""),
        ("nic nie działa. Pozdrawiam, Kasia", None, "Katarzyna", ""),
        ("Trzeci dzień bez netu. Pozdrawiam, Maciek", None, "Maciej", ""),
        ("Formularz się wysypuje, w poniedziałek dzwonię", "mati_wieczorek", "Mateusz", ""),
        ("Still broken after a week. Thanks, Bill", None, "William", ""),
        ("Od tygodnia u teściowej, pani Lisowej, brak sygnału", None, "", "Lis"),
        ("router reboots every hour", "kasia_zielu", "Katarzyna", ""),
        ("Kabel leży na wierzchu, trzeci dzień.\nJ. Pawlak, Ozorków", None, "", "Pawlak"),
        # An initial written onto the name in a handle, umlauts spelled out.
        ("6,100 points gone", "cdubois_paris", "", "Dubois"),
        ("charged 520 instead of 420", "sophiem_lyon", "Sophie", ""),
        ("drilling at 8:05", "thomas_mueller_muc", "", "Müller"),
    ],
)
def test_part_of_a_name_signs_a_post(text: str, author: str | None, first: str, last: str) -> None:
    parts = name_parts(text, author)
    assert parts.name(name_stem(first) if first else "-", name_stem(last) if last else "-")


@pytest.mark.parametrize(
    ("author", "first", "last"),
    [
        ("sarahwhit_wro", "Sarah", "Whitfield"),
        ("marekwis", "Marek", "Wiśniewski"),
        ("NinaBaran", "Nina", "Baranowska"),
        ("annakowalska", "Anna", "Kowalska"),
        ("kevwalsh", "Kevin", "Walsh"),  # a nickname run into the surname
    ],
)
def test_a_handle_of_a_first_name_and_a_surnames_start_names_the_customer(
    author: str, first: str, last: str
) -> None:
    assert name_parts("", author).name(name_stem(first), name_stem(last))


@pytest.mark.parametrize(
    ("author", "first", "last"),
    [
        ("annanowakowski", "Anna", "Nowak"),  # another surname that starts alike
        ("olawhit_wro", "Sarah", "Whitfield"),  # someone else's first name
        ("markwis", "Marek", "Wiśniewski"),  # the first name must be whole
        ("sarahwh", "Sarah", "Whitfield"),  # two letters of a surname are anyone's
    ],
)
def test_a_handle_that_only_looks_like_the_name_is_no_identity(
    author: str, first: str, last: str
) -> None:
    assert not name_parts("", author).name(name_stem(first), name_stem(last))


@pytest.mark.parametrize(
    "text",
    [
        "Marek z sąsiedztwa mówi, że u niego działa. Pomocy!",  # a name, but no sign-off
        "nikt nie odbiera. Pomocy!",
    ],
)
def test_a_name_inside_the_text_or_a_last_word_is_no_signature(text: str) -> None:
    assert not name_parts(text, None).name(name_stem("Marek"), name_stem("Nowak"))


def test_a_handle_with_the_umlaut_spelled_out_names_the_customer(session: Session) -> None:
    context = _two_neighbours(session, requester_name="Thomas Müller")
    post = replace(_post("Since Sunday no internet on Lipowa"), author="thomas_mueller_muc")
    assert _identity_levels(context, post) == {"NT-700": "name", "NT-701": "none"}


@pytest.mark.parametrize(
    ("author", "text", "level"),
    [
        ("mick_obrien", "Since Sunday no internet on Lipowa", "name"),
        ("mobrien_waw", "Since Sunday no internet on Lipowa", "partial"),
        (None, "Since Sunday no internet on Lipowa. Michael O'Brien", "name"),
    ],
)
def test_a_surname_with_an_apostrophe_is_one_word_in_a_handle(
    session: Session, author: str | None, text: str, level: str
) -> None:
    context = _two_neighbours(session, requester_name="Michael O'Brien")
    post = replace(_post(text), author=author)
    assert _identity_levels(context, post) == {"NT-700": level, "NT-701": "none"}


def test_a_signed_first_name_marks_its_customers_ticket_among_the_candidates(
    session: Session,
) -> None:
    context = _two_neighbours(session, requester_name="Wiesława Adamczyk")
    post = _post("Od niedzieli bez internetu na Lipowej. Wiesława A.")
    assert _identity_levels(context, post) == {"NT-700": "partial", "NT-701": "none"}


def test_an_author_the_ticket_names_in_its_text_is_as_good_as_its_customers_name(
    session: Session,
) -> None:
    """A daughter-in-law calls for the account holder; the agent writes her name down."""
    context = _context(
        session,
        [
            _ticket(
                700,
                f"{OUTAGE} ul. Lipowa 3. Call from Monika Malinowska (daughter-in-law).",
                requester_name="Stanisław Malinowski",
            ),
            _ticket(701, f"{OUTAGE} ul. Lipowa 5, Białystok.", requester_name="Jan Nowak"),
        ],
    )
    post = replace(_post("Teść od niedzieli bez internetu na Lipowej"), author="Monika Malinowska")
    assert _identity_levels(context, post) == {"NT-700": "name", "NT-701": "none"}
    # Only a whole shown name counts: a first name, a handle or another Monika do not.
    for author in ("Monika", "monika_malinowska", "Monika Malinowskaja"):
        levels = _identity_levels(context, replace(post, author=author))
        assert levels["NT-700"] != "name", author


def test_a_sum_few_tickets_name_proposes_them_whatever_their_language(session: Session) -> None:
    """A Polish post about an English ticket shares its numbers, not its words."""
    fee = _ticket(900, "Porting code refused until I pay a €180 early termination fee.")
    fifty = [
        _ticket(901 + n, f"Charged 50 EUR twice, case {n}.") for n in range(RARE_WORD_TICKETS + 1)
    ]
    context = _context(session, [fee, *fifty])
    post = _post("Nie dają kodu przeniesienia, dopóki nie zapłacę 180 € opłaty. A drugie 50 €?")
    found = {c.ticket.external_id: c.channels for c in context.candidates(post)}
    assert "amount" in found["NT-900"]
    # 50 is in more tickets than a rare word is: it singles none of them out.
    assert not any("amount" in found.get(f"NT-{901 + n}", set()) for n in range(len(fifty)))


def test_a_double_barrelled_street_proposes_its_tickets_by_either_part(session: Session) -> None:
    context = _context(
        session,
        [_ticket(900 + i, f"{OUTAGE} Grota-Roweckiego {20 + i}/4, Kraków.") for i in range(3)],
    )
    placed = {
        c.ticket.external_id
        for c in context.candidates(_post("Grota 20 flat 41, no net"))
        if "place" in c.channels
    }
    assert placed == {"NT-900", "NT-901", "NT-902"}


def test_a_ticket_number_in_parts_is_cited_by_its_last_part(session: Session) -> None:
    context = _context(
        session,
        [_ticket(1, "Korekta na 0 kWh.", id="PGE/2026/40547"),
         _ticket(2, "Korekta na 0 kWh.", id="PGE/2026/40548")],
    )  # fmt: skip
    post = replace(_post("zgłoszenie #40547 i cisza"), ticket_refs=("40547",))
    levels = {c.ticket.external_id: c.reference for c in context.candidates(post)}
    assert levels == {"PGE/2026/40547": "exact", "PGE/2026/40548": "typo"}


def test_a_ticket_opened_from_the_authors_tweet_the_next_morning_is_a_candidate(
    session: Session,
) -> None:
    # The post is of 15.11 00:00; the social team opened the author's ticket at 09:00.
    opened = {"created_at": "2026-11-15T09:00:00Z", "requester_handles": "twitter:kinga_tom"}
    context = _context(
        session,
        [
            _ticket(900, OUTAGE, **opened),
            _ticket(
                901,
                OUTAGE,
                **opened | {"created_at": "2026-11-17T09:00:00Z", "customer_id": "C-900"},
            ),
        ],
    )
    post = replace(_post("Dostawa stołu miała być dziś i nic"), author="kinga_tom")
    assert _identity_levels(context, post) == {"NT-900": "exact"}  # not the one days later


def test_the_authors_own_ticket_may_come_two_days_after_the_post(session: Session) -> None:
    # "W tym tygodniu piszę oficjalnie": posted on Sunday 15.11 00:00, the letter came on
    # Monday evening. A stranger's ticket that late, with the same words, is not a candidate.
    story = "Odstąpiłam od umowy w 14 dni, zaliczka 3 000 zł dalej nie wróciła."
    late = {"created_at": "2026-11-16T19:00:00Z"}
    context = _context(
        session,
        [
            _ticket(920, story, requester_name="Monika Walczak", **late),
            _ticket(921, story, requester_name="Jan Nowak", **late),
        ],
    )
    post = replace(_post(story), author="monika_walczak")
    assert _identity_levels(context, post) == {"NT-920": "name"}


def test_a_ticket_opened_the_morning_after_the_post_is_a_candidate_by_its_words(
    session: Session,
) -> None:
    # Tweeted at midnight (15.11 00:00), phoned in when the line opened: the ticket has no
    # handle, only the story. A ticket of two days later is another customer's.
    story = "Pompa ciepła AW-9 w Niepołomicach pokazuje błąd E47, dom bez ogrzewania"
    context = _context(
        session,
        [
            _ticket(905, story, created_at="2026-11-15T07:15:00Z"),
            _ticket(906, story, created_at="2026-11-17T07:15:00Z"),
        ],
    )
    post = _post("Pompa AW-9 w Niepołomicach od nocy E47, cały dzień bez ogrzewania")
    assert [c.ticket.external_id for c in context.candidates(post)] == ["NT-905"]


def test_a_ticket_quoting_the_posts_order_number_the_same_day_is_a_candidate(
    session: Session,
) -> None:
    # The post is of 15.11 00:00: "filing it through the form now"; the form came at 07:00.
    order = "Zamówienie Z-41505123, 2 x 415 zł pobrane."
    context = _context(
        session,
        [
            _ticket(910, order, created_at="2026-11-15T07:00:00Z"),
            _ticket(911, order, created_at="2026-11-16T07:00:00Z"),  # two days later
            _ticket(912, "Zamówienie Z-41505124, 2 x 415 zł.", created_at="2026-11-15T07:00:00Z"),
        ],
    )
    post = _post("Z karty zeszło 830 za zamówienie Z-41505123. Zgłaszam przez formularz.")
    found = {c.ticket.external_id: c.channels for c in context.candidates(post)}
    assert "code" in found["NT-910"]
    assert "NT-911" not in found  # two days later
    assert "code" not in found.get("NT-912", set())  # another order


def test_the_index_built_on_every_core_is_the_one_built_on_one(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    tickets = [
        _ticket(1000 + i, f"{OUTAGE} ul. Lipowa {i}, Białystok. Faktura {100 + i},50 zł.")
        for i in range(40)
    ]
    import_tickets(session, tickets)
    session.flush()
    alone = MatchContext()
    alone.refresh(session, NOW)
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parallel, "CHUNK", 7)
    spread = MatchContext()
    spread.refresh(session, NOW)
    assert spread.tickets == alone.tickets
    query = ["Lipowa 17 bez internetu, faktura 117,50 zł", "czerwona dioda, Białystok"]
    assert spread.index.search(query, 5) == alone.index.search(query, 5)
    assert spread.by_place == alone.by_place and spread.by_word == alone.by_word


def test_a_ticket_naming_the_posts_room_is_a_candidate_also_when_opened_after_it(
    session: Session,
) -> None:
    # The guest posts from room 408 at 8:10 and calls the desk at 9:30; the text index
    # ranks the other rooms' renovation tickets first. Room 12 is in too many tickets.
    rooms = [
        _ticket(600 + i, f"Remont: hałas od 8:00, pokój {410 + i}, Powiśle.") for i in range(12)
    ]
    hers = _ticket(
        700, "Klientka: pokój 408, wiertarka od rana.", created_at="2026-11-15T09:30:00Z"
    )
    common = [_ticket(800 + i, "Room 12: the shower is cold.") for i in range(STREET_TICKETS + 1)]
    context = _context(session, [*rooms, hers, *common])
    post = replace(
        _post("Od 8:00 remont za ścianą, pokój 408, nikt nie uprzedził"),
        published_at=datetime(2026, 11, 15, 8, 10, tzinfo=UTC),
    )
    found = {c.ticket.external_id: c.channels for c in context.candidates(post)}
    assert "unit" in found["NT-700"]
    common_post = replace(_post("Room 12: cold shower again"), published_at=post.published_at)
    assert not any("unit" in c.channels for c in context.candidates(common_post))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Ochrona nie wpuściła mnie na mecz, bilet 89 zł. Jutro piszę reklamację.", True),
        ("Turned away at the lounge door, £420 package. Kolibri, expect an email.", True),
        ("Ochrona nie wpuściła mnie na mecz, bilet 89 zł. Szkoda gadać.", False),
    ],
)
def test_a_ticket_opened_days_after_the_post_is_a_candidate_when_the_post_announced_it(
    session: Session, text: str, found: bool
) -> None:
    # The author says they will write tomorrow and does, forty hours later; without such
    # words a ticket opened that much later is another customer's.
    described = {
        True: "Lounge package £420, turned away at the lounge door.",
        False: "Bilet imienny, ochrona nie wpuściła na mecz, 89 zł.",
    }[text.startswith("Turned")]
    later = _ticket(900, described, created_at="2026-11-16T16:00:00Z")
    context = _context(session, [later])
    post = _post(text)  # published 2026-11-15 00:00
    assert post.contact_announced is found
    assert any(c.ticket.external_id == "NT-900" for c in context.candidates(post)) is found


def test_a_reference_and_a_name_given_as_a_neighbours_are_not_the_authors(
    session: Session,
) -> None:
    # "My neighbour, Mr Chmielewski (he has ticket NT-901)": the neighbour's ticket is a
    # rival with a reference of someone else's, and his name is not the author's.
    text = (
        "Serwisant miał być dziś u mnie i u sąsiada, pana Chmielewskiego (on ma zgłoszenie "
        "NT-901). Nie przyjechał do żadnego z nas."
    )
    facts = _post(text, (r"NT-\d+",))
    assert facts.foreign_refs == ("NT-901",) and not facts.ticket_refs
    assert not name_parts(text, None).surnames
    neighbour = _ticket(901, "Serwisant nie przyjechał.", requester_name="Jan Chmielewski")
    context = _context(session, [neighbour])
    (found,) = context.candidates(facts)
    assert found.reference == "other" and found.identity == "none"
    own = _post("Sąsiad też czeka, a moje zgłoszenie NT-901 wisi od tygodnia.", (r"NT-\d+",))
    assert own.ticket_refs == ("NT-901",) and not own.foreign_refs
    # "Friendly" and "neighbourhood" name no one: the reference is the author's.
    kind = _post("A friendly agent gave ticket NT-901, still nothing.", (r"NT-\d+",))
    assert kind.ticket_refs == ("NT-901",) and not kind.foreign_refs
    area = _post("Whole neighbourhood down, ticket NT-901.", (r"NT-\d+",))
    assert area.ticket_refs == ("NT-901",) and not area.foreign_refs
