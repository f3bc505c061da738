"""The matching stage on a real database: decisions, match rows, people's calls kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watcher.config import load_config
from watcher.formats.posts import parse_post
from watcher.formats.tickets import parse_ticket
from watcher.matching.decisions import export_decisions
from watcher.matching.features import LEVELS, Comparison
from watcher.matching.linker import Linker
from watcher.matching.scoring import Weights, fit
from watcher.models import AuditEvent, Complaint, Match, Post, Story, Ticket
from watcher.posts import store_posts
from watcher.tickets.actions import act_on_complaint
from watcher.tickets.store import import_tickets

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def _ticket(id_: str, **cells: Any) -> Any:
    row = {"id": id_, "status": "open", "created_at": "2026-11-05T09:00:00Z"} | cells
    return parse_ticket(row, UTC)


TICKETS = [
    _ticket(
        "NT-10001",
        subject="Brak internetu od tygodnia",
        description="Modem miga na czerwono, nie mogę pracować zdalnie. ul. Długa 5, Kraków.",
        category="outage",
        customer_id="C-1",
        requester_name="Jan Kowalski",
        requester_email="jan.kowalski@example.pl",
        requester_handles="twitter:jkowalski",
    ),
    _ticket(
        "NT-10002",
        subject="Faktura zawyżona",
        description="Naliczono 120 zł za usługę, której nie zamawiałam.",
        category="billing",
        customer_id="C-2",
        requester_name="Anna Nowak",
        requester_phone="602 345 678",
        requester_handles="reddit:ania_n",
    ),
    _ticket(
        "NT-10003",
        subject="Instalacja światłowodu opóźniona",
        description="Technik miał przyjść 12.11, nikt się nie pojawił.",
        category="installation",
        customer_id="C-3",
        requester_name="Piotr Zieliński",
    ),
    _ticket(
        "NT-09001",
        subject="Dekoder nie działa",
        description="Dekoder restartuje się.",
        category="tv",
        customer_id="C-1",
        status="closed",
        created_at="2026-01-05T09:00:00Z",
        solved_at="2026-01-09T09:00:00Z",
        first_response_at="2026-01-06T09:00:00Z",
    ),
]


def _levels(**chosen: str) -> list[Comparison]:
    return [Comparison(f, chosen.get(f, names[-1])) for f, names in LEVELS.items()]


def _weights() -> Weights:
    """Weights fitted on a small labelled sample, so the test does not rely on the shipped file."""
    right = [
        _levels(reference="exact", identity="exact", text="high"),
        _levels(reference="exact", text="medium"),
        _levels(identity="exact", text="high", time="days_3_21"),
        _levels(identity="exact", text="medium", category="agree"),
        _levels(identity="name", text="high", details="one"),
        _levels(text="high", details="two_plus", category="agree"),
    ] * 30  # enough pairs that the cautious m is close to its point estimate
    wrong = [
        _levels(reference="other", text="low"),
        _levels(text="low", category="disagree"),
        _levels(identity="exact", text="none", status="solved_long_ago"),
        _levels(text="medium"),
        _levels(),
        _levels(text="low"),
        # Wording alone: as alike as the right ticket's is, now and then (the same outage).
        _levels(text="high", category="agree", time="days_3_21"),
    ] * 80
    return fit([(p, True) for p in right] + [(p, False) for p in wrong])


def _post(external_id: str, text: str, **fields: Any) -> Any:
    row = {
        "source": "forum",
        "external_id": external_id,
        "text": text,
        "published_at": "2026-11-15T10:00:00Z",
    } | fields
    return parse_post(row)


def _complaint(session: Session, external_id: str, **fields: Any) -> Complaint:
    post = session.scalar(select(Post).where(Post.external_id == external_id))
    assert post is not None
    values: dict[str, Any] = {
        "is_complaint": True,
        "about_brand": True,
        "brand": "Netia",
        "confidence": 0.9,
        "identifiers": {},
    } | fields
    complaint = Complaint(post_id=post.id, **values)
    session.add(complaint)
    session.flush()
    return complaint


@pytest.fixture
def linker(tmp_path: Any) -> Linker:
    config = load_config(None, overrides={"TICKETS_REF_PATTERNS": [r"NT-\d+"]})
    return Linker(config, weights=_weights())


@pytest.fixture
def seeded(session: Session) -> Session:
    import_tickets(session, TICKETS)
    store_posts(
        session,
        [
            _post(
                "p-ref", "Netia, zgłoszenie NT-10002 wisi od tygodnia. Faktura zawyżona o 120 zł!"
            ),
            _post(
                "p-handle",
                "Netia nie działa od tygodnia, modem miga na czerwono, nie mogę pracować",
                author="jkowalski",
            ),
            _post("p-none", "Netia zepsuła mi router i nikt nie odpisuje", author="someone"),
            _post("p-praise", "Dzięki Netia za szybki serwis", author="fan"),
            _post("p-two", "Netia: NT-10001 i NT-10002 bez odpowiedzi", author="troll"),
        ],
    )
    session.flush()
    return session


def _decision(session: Session, external_id: str) -> dict[str, Any]:
    return next(r for r in export_decisions(session) if r["external_id"] == external_id)


def test_reference_and_identity_link_the_right_ticket(seeded: Session, linker: Linker) -> None:
    _complaint(seeded, "p-ref", category="billing", identifiers={"ticket_refs": ["NT-10002"]})
    _complaint(seeded, "p-handle", category="outage")
    result = linker.run(seeded, now=NOW)
    assert result.decisions["linked"] == 2
    assert _decision(seeded, "p-ref")["ticket_id"] == "NT-10002"
    handle = _decision(seeded, "p-handle")
    assert handle["decision"] == "linked" and handle["ticket_id"] == "NT-10001"
    features = {e["feature"]: e["level"] for e in handle["evidence"]}
    assert features["identity"] == "exact" and features["reference"] == "none"
    match = seeded.scalars(select(Match)).all()
    assert {m.status for m in match} == {"auto"} and len(match) == 2


def test_no_credible_candidate_is_a_new_ticket(seeded: Session, linker: Linker) -> None:
    _complaint(seeded, "p-none", category="equipment")
    linker.run(seeded, now=NOW)
    assert _decision(seeded, "p-none")["decision"] == "new_ticket"
    assert seeded.scalar(select(func.count()).select_from(Match)) == 0


def test_two_cited_tickets_go_to_review(seeded: Session, linker: Linker) -> None:
    _complaint(seeded, "p-two", identifiers={"ticket_refs": ["NT-10001", "NT-10002"]})
    linker.run(seeded, now=NOW)
    row = _decision(seeded, "p-two")
    assert row["decision"] == "review"
    statuses = seeded.scalars(select(Match.status)).all()
    assert sorted(statuses) == ["pending_review", "pending_review"]


def test_non_complaints_and_off_brand_are_never_linked(seeded: Session, linker: Linker) -> None:
    _complaint(seeded, "p-praise", is_complaint=False)
    _complaint(seeded, "p-ref", about_brand=False, identifiers={"ticket_refs": ["NT-10002"]})
    linker.run(seeded, now=NOW)
    assert _decision(seeded, "p-praise")["decision"] == "not_complaint"
    assert _decision(seeded, "p-ref")["decision"] == "off_brand"
    assert _decision(seeded, "p-ref")["ticket_id"] is None
    assert seeded.scalar(select(func.count()).select_from(Match)) == 0


REF_TEXT = "Netia, zgłoszenie NT-10002 wisi od tygodnia. Faktura zawyżona o 120 zł!"


def _story(session: Session, *later: Any) -> None:
    """p-ref, which cites NT-10002 (Anna Nowak's), then `later` posts in one story, a day apart."""
    store_posts(session, list(later))
    story = Story(title="x")
    session.add(story)
    session.flush()
    for day, external_id in enumerate(["p-ref", *(p.external_id for p in later)]):
        post = session.scalar(select(Post).where(Post.external_id == external_id))
        assert post is not None
        post.story_id, post.published_at = story.id, datetime(2026, 11, 15 + day, 10, tzinfo=UTC)
    _complaint(session, "p-ref", category="billing", identifiers={"ticket_refs": ["NT-10002"]})
    for post in later:
        _complaint(session, post.external_id, category="billing")


def test_anonymous_repost_of_a_story_is_a_duplicate_with_the_storys_ticket(
    seeded: Session, linker: Linker
) -> None:
    _story(seeded, _post("copy", REF_TEXT, source="feed"))
    linker.run(seeded, now=NOW)
    dup = _decision(seeded, "copy")
    assert dup["decision"] == "duplicate"
    assert dup["duplicate_of"] == "p-ref" and dup["ticket_id"] == "NT-10002"


def test_the_same_author_elsewhere_and_a_shared_link_are_duplicates(
    seeded: Session, linker: Linker
) -> None:
    """A cross-post by its author, and someone else's link to it, are the story told again."""
    url = "https://blog.example/netia-faktura"
    seeded.scalar(select(Post).where(Post.external_id == "p-ref")).url = url  # type: ignore[union-attr]
    _story(
        seeded,
        _post("link", f"Netia again: {url}", source="reddit", author="redditor", url=url),
        _post("self", REF_TEXT, source="twitter", author="Redditor"),
    )
    linker.run(seeded, now=NOW)
    assert _decision(seeded, "link")["duplicate_of"] == "p-ref"
    assert _decision(seeded, "self")["duplicate_of"] == "p-ref"
    assert _decision(seeded, "self")["ticket_id"] == "NT-10002"


def test_a_repost_by_another_known_customer_is_decided_on_its_own(
    seeded: Session, linker: Linker
) -> None:
    """jkowalski is Jan Kowalski by his handle: repeating Anna's words does not make him Anna."""
    _story(seeded, _post("other", REF_TEXT, source="twitter", author="jkowalski"))
    linker.run(seeded, now=NOW)
    row = _decision(seeded, "other")
    # Scored on its own evidence (it may still land on a ticket); never inherited.
    assert row["decision"] != "duplicate" and row["duplicate_of"] is None


def test_a_named_stranger_repeating_an_anonymous_post_is_decided_on_its_own(
    seeded: Session, linker: Linker
) -> None:
    """Neighbours echo an anonymous post's words; nothing ties them to its ticket's customer."""
    _story(seeded, _post("echo", "Netia, faktura zawyżona o 120 zł!", author="sasiad1"))
    linker.run(seeded, now=NOW)
    row = _decision(seeded, "echo")
    assert row["decision"] != "duplicate" and row["duplicate_of"] is None
    reason = seeded.scalars(
        select(AuditEvent.details).where(AuditEvent.action == "matched").order_by(AuditEvent.id)
    ).all()[-1]["reason"]
    assert "same story as p-ref" in reason


def _own_stories(session: Session, *posts: tuple[Any, datetime]) -> None:
    """Each post in a story of its own, published when given (as understanding leaves them)."""
    store_posts(session, [p for p, _ in posts])
    for item, published in posts:
        post = session.scalar(select(Post).where(Post.external_id == item.external_id))
        assert post is not None
        story = Story(title=item.external_id)
        session.add(story)
        session.flush()
        post.story_id, post.published_at = story.id, published


def test_the_authors_follow_up_within_days_continues_the_story(
    seeded: Session, linker: Linker
) -> None:
    """In other words, on another site, a day later: still the complaint about NT-10002."""
    day = datetime(2026, 11, 15, 10, tzinfo=UTC)
    _own_stories(
        seeded,
        (_post("told", REF_TEXT, source="forum", author="ania_n"), day),
        (_post("again", "Netia nadal nic. Nikt nie oddzwonił.", source="wykop", author="Ania_N"),
         day + timedelta(days=1)),
        (_post("weeks", "Netia znowu coś nalicza, szok.", source="twitter", author="ania_n"),
         day + timedelta(days=10)),
        (_post("cited", "Netia, a NT-10001 też leży.", source="twitter", author="ania_n"),
         day + timedelta(days=2)),
    )  # fmt: skip
    _complaint(seeded, "told", category="billing", identifiers={"ticket_refs": ["NT-10002"]})
    for external_id in ("again", "weeks"):
        _complaint(seeded, external_id, category="billing")
    _complaint(seeded, "cited", identifiers={"ticket_refs": ["NT-10001"]})
    linker.run(seeded, now=NOW)
    again = _decision(seeded, "again")
    assert again["decision"] == "duplicate" and again["duplicate_of"] == "told"
    assert again["ticket_id"] == "NT-10002"
    # Ten days on it is a new complaint; citing another ticket, another story.
    for external_id in ("weeks", "cited"):
        assert _decision(seeded, external_id)["duplicate_of"] is None


def test_a_cross_post_under_another_handle_continues_the_story(
    seeded: Session, linker: Linker
) -> None:
    """The same person as "ania_n" on the forum and "ania_nowak_waw" on Twitter, or anyone
    who says the post is a copy, repeating the story's details."""
    day = datetime(2026, 11, 15, 10, tzinfo=UTC)
    amount = [{"value": "120.00", "currency": "PLN"}]
    _own_stories(
        seeded,
        (_post("told", REF_TEXT, source="forum", author="ania_n"), day),
        (_post("alike", "Netia: 120 zł za usługę, której nie chcę.", source="twitter",
               author="ania_nowak_waw"), day + timedelta(hours=5)),
        (_post("copied", "Kopiuję z forum: Netia 120 zł, 12.11 nikt nie przyszedł",
               source="wykop", author="mirek"), day + timedelta(hours=6)),
        (_post("stranger", "Netia: 120 zł za usługę, której nie chcę.", source="twitter",
               author="zbyszek"), day + timedelta(hours=7)),
    )  # fmt: skip
    _complaint(
        seeded,
        "told",
        category="billing",
        identifiers={"ticket_refs": ["NT-10002"], "amounts": amount, "dates": ["--11-12"]},
    )
    _complaint(seeded, "alike", category="billing", identifiers={"amounts": amount})
    _complaint(seeded, "copied", identifiers={"amounts": amount, "dates": ["--11-12"]})
    _complaint(seeded, "stranger", category="billing", identifiers={"amounts": amount})
    linker.run(seeded, now=NOW)
    for external_id in ("alike", "copied"):
        found = _decision(seeded, external_id)
        assert found["decision"] == "duplicate" and found["duplicate_of"] == "told", found
        assert found["ticket_id"] == "NT-10002"
    # Another person with the same words and amount tells their own story.
    assert _decision(seeded, "stranger")["duplicate_of"] is None


def test_story_decisions_are_stable_on_a_rerun_and_keep_peoples_calls(
    seeded: Session, linker: Linker
) -> None:
    _story(
        seeded,
        _post("copy", REF_TEXT, source="feed"),
        _post("echo", "Netia, faktura zawyżona o 120 zł!", author="sasiad1"),
        _post("mine", REF_TEXT, source="twitter", author="jkowalski"),
    )
    linker.run(seeded, now=NOW)
    echo = seeded.scalars(select(Complaint).join(Post).where(Post.external_id == "echo")).one()
    echo.decision, echo.decision_ticket_id = "duplicate", None
    echo.decided_by = "lead@example.com"
    before = list(export_decisions(seeded))
    audits = seeded.scalar(select(func.count()).select_from(AuditEvent))
    for complaint in seeded.scalars(select(Complaint)):
        complaint.needs_matching = True
    result = linker.run(seeded, now=NOW)
    assert result.kept_by_person == 1
    assert list(export_decisions(seeded)) == before
    assert seeded.scalar(select(func.count()).select_from(AuditEvent)) == audits
    assert _decision(seeded, "echo")["decision"] == "duplicate"


def test_rerun_changes_nothing(seeded: Session, linker: Linker) -> None:
    _complaint(seeded, "p-ref", identifiers={"ticket_refs": ["NT-10002"]})
    linker.run(seeded, now=NOW)
    before = list(export_decisions(seeded))
    audits = seeded.scalar(select(func.count()).select_from(AuditEvent))
    matches = seeded.scalar(select(func.count()).select_from(Match))
    for complaint in seeded.scalars(select(Complaint)):
        complaint.needs_matching = True
    linker.run(seeded, now=NOW)
    assert list(export_decisions(seeded)) == before
    assert seeded.scalar(select(func.count()).select_from(AuditEvent)) == audits
    assert seeded.scalar(select(func.count()).select_from(Match)) == matches >= 1


def test_a_persons_decision_is_never_overwritten(seeded: Session, linker: Linker) -> None:
    complaint = _complaint(
        seeded, "p-ref", category="billing", identifiers={"ticket_refs": ["NT-10002"]}
    )
    linker.run(seeded, now=NOW)
    match = seeded.scalars(select(Match)).one()
    match.status, match.decided_by = "rejected", "lead@example.com"
    complaint.decision, complaint.decision_ticket_id = "new_ticket", None
    complaint.decided_by, complaint.needs_matching = "lead@example.com", True
    result = linker.run(seeded, now=NOW)
    assert result.kept_by_person == 1
    seeded.refresh(match)
    assert (match.status, match.decided_by) == ("rejected", "lead@example.com")
    assert _decision(seeded, "p-ref")["decision"] == "new_ticket"


def test_reference_typo_of_the_authors_own_ticket_is_near(seeded: Session, linker: Linker) -> None:
    complaint = _complaint(seeded, "p-handle", identifiers={"ticket_refs": ["NT-10011"]})
    linker.context.refresh(seeded, NOW)
    best = linker.rank(complaint)[0]
    assert best.ticket.external_id == "NT-10001"
    assert {e.feature: e.level for e in best.score.evidence}["reference"] == "near"


def test_inflected_name_in_the_text_finds_the_customer(seeded: Session, linker: Linker) -> None:
    store_posts(
        seeded,
        [
            _post(
                "p-name",
                "Netia od miesiąca zwodzi Piotra Zielińskiego z instalacją na instalację Netii",
            )
        ],
    )
    seeded.flush()
    complaint = _complaint(seeded, "p-name", category="installation")
    linker.context.refresh(seeded, NOW)
    ranked = linker.rank(complaint)
    assert ranked[0].ticket.external_id == "NT-10003"
    assert "identity" in ranked[0].candidate.channels


def _ticket_opened_from_a_post(
    session: Session, linker: Linker
) -> tuple[Post, Complaint, datetime, Ticket]:
    """p-none becomes a new ticket, read and acted on within minutes of being posted
    (so the ticket is as old as the post)."""
    post = session.scalar(select(Post).where(Post.external_id == "p-none"))
    assert post is not None
    post.url = "https://forum.example/t/1"
    complaint = _complaint(session, "p-none", category="equipment")
    soon = post.published_at + timedelta(minutes=10)
    linker.run(session, now=soon)
    act_on_complaint(session, complaint, linker.config, now=soon)
    opened = session.get(Ticket, complaint.decision_ticket_id)
    assert opened is not None and opened.external_id.startswith("W-")
    return post, complaint, soon, opened


def test_a_ticket_opened_from_the_post_is_not_its_candidate(
    seeded: Session, linker: Linker
) -> None:
    _, complaint, soon, opened = _ticket_opened_from_a_post(seeded, linker)
    # Its story grew, say: the post is matched again, now beside the ticket made from it.
    complaint.needs_matching = True
    again = Linker(linker.config, weights=linker.weights)
    again.run(seeded, now=soon)
    assert opened.id not in {s.ticket.ticket_id for s in again.rank(complaint)}
    assert _decision(seeded, "p-none")["decision"] == "new_ticket"


def test_a_ticket_opened_from_a_post_is_a_candidate_only_for_its_author(
    seeded: Session, linker: Linker
) -> None:
    post, _, soon, opened = _ticket_opened_from_a_post(seeded, linker)
    store_posts(
        seeded,
        [
            _post("p-copy", post.text, author="neighbour", url="https://forum.example/t/2"),
            _post(
                "p-again",
                post.text + " Dalej nic.",
                author="someone",
                url="https://forum.example/t/3",
            ),
        ],
    )
    seeded.flush()
    copy = _complaint(seeded, "p-copy", category="equipment")
    again = _complaint(seeded, "p-again", category="equipment")
    later = Linker(linker.config, weights=linker.weights)
    later.context.refresh(seeded, soon + timedelta(minutes=5))
    # Another person's words copied, or the same outage: that person's ticket is not theirs.
    assert opened.id not in {s.ticket.ticket_id for s in later.rank(copy)}
    # The author who opened it, writing again, may well be talking about it: its customer
    # is named after them.
    mine = {s.ticket.ticket_id: s.candidate for s in later.rank(again)}
    assert opened.id in mine and mine[opened.id].identity == "name"


def test_a_complaint_naming_no_brand_is_ours_when_it_cites_our_ticket_or_customer(
    seeded: Session, linker: Linker
) -> None:
    store_posts(
        seeded,
        [
            _post("p-ref-only", "Zgłoszenie NT-10002 wisi od tygodnia. Faktura zawyżona o 120 zł!"),
            _post("p-phone", "Faktura zawyżona o 120 zł, nikt nie oddzwania: 602 345 678"),
            _post("p-orange", "Orange: zgłoszenie NT-10002 wisi od tygodnia, skandal"),
            _post("p-bare", "Od tygodnia nie działa, nikt nie odpisuje"),
        ],
    )
    seeded.flush()
    unnamed = {"about_brand": False, "brand": None, "reasons": ["no watched brand named"]}
    refs = {"ticket_refs": ["NT-10002"]}
    _complaint(seeded, "p-ref-only", category="billing", identifiers=refs, **unnamed)
    _complaint(seeded, "p-phone", category="billing", identifiers={"phones": ["+48602345678"]},
               **unnamed)  # fmt: skip
    _complaint(seeded, "p-orange", category="billing", identifiers=refs, **unnamed)
    _complaint(seeded, "p-bare", category="outage", **unnamed)
    linker.run(seeded, now=NOW)
    for external_id in ("p-ref-only", "p-phone"):
        row = _decision(seeded, external_id)
        assert row["about_brand"] and row["decision"] in ("linked", "review"), row
        assert row["ticket_id"] == "NT-10002"
    # Another provider named, or nothing of ours cited: not about the watched brand.
    assert _decision(seeded, "p-orange")["decision"] == "off_brand"
    assert _decision(seeded, "p-bare")["decision"] == "off_brand"


def test_a_complaint_naming_no_brand_is_ours_when_one_of_our_tickets_fits_it_clearly(
    seeded: Session, linker: Linker
) -> None:
    text = "Modem miga na czerwono od tygodnia, nie mogę pracować zdalnie. ul. Długa 5, Kraków."
    store_posts(seeded, [_post("p-details", text), _post("p-vague", "Znowu coś nie tak, masakra.")])
    seeded.flush()
    unnamed = {"about_brand": False, "brand": None, "reasons": ["no watched brand named"]}
    details = {"places": ["Długa", "Kraków"]}
    _complaint(seeded, "p-details", category="outage", identifiers=details, **unnamed)
    _complaint(seeded, "p-vague", category="equipment", **unnamed)
    linker.run(seeded, now=NOW)
    # The street, the house and the city of one ticket: as telling as its customer's e-mail.
    row = _decision(seeded, "p-details")
    assert row["about_brand"] and (row["decision"], row["ticket_id"]) == ("linked", "NT-10001")
    assert _decision(seeded, "p-vague")["decision"] == "off_brand"


def test_the_linker_knows_the_brands_names_as_words_that_single_out_no_ticket(
    tmp_path: Any,
) -> None:
    toml = tmp_path / "watcher.toml"
    toml.write_text(
        '[[brands]]\nname = "InPost"\naliases = ["InPost", "InPostem", "Paczkomaty InPost"]\n',
        encoding="utf-8",
    )
    linker = Linker(load_config(str(toml)), weights=_weights())
    assert {"inpost", "inpostem"} <= linker.context.brand_words
    assert "paczkomat" not in linker.context.brand_words  # a common word stays a word


def test_a_known_customers_post_naming_no_brand_is_ours_only_if_what_it_says_fits(
    seeded: Session, linker: Linker
) -> None:
    train = "Od tygodnia pociąg do Krakowa ma 70 minut spóźnienia, nie mogę tak pracować."
    modem = "Modem miga na czerwono od tygodnia, nie mogę pracować zdalnie."
    store_posts(seeded, [_post("p-train", train, author="jkowalski"),
                         _post("p-modem", modem, author="jkowalski",
                               published_at="2026-11-15T12:00:00Z")])  # fmt: skip
    seeded.flush()
    unnamed = {"about_brand": False, "brand": None, "reasons": ["no watched brand named"]}
    _complaint(seeded, "p-train", identifiers={"places": ["Kraków"]}, **unnamed)
    _complaint(seeded, "p-modem", category="outage", **unnamed)
    linker.run(seeded, now=NOW)
    # Who says it is no evidence that a train is ours; what it says about the modem is.
    assert _decision(seeded, "p-train")["decision"] == "off_brand"
    row = _decision(seeded, "p-modem")
    assert row["about_brand"] and (row["decision"], row["ticket_id"]) == ("linked", "NT-10001")
