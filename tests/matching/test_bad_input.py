"""Bad input through the whole path with the shipped weights and thresholds: each post
gets a sensible decision (usually `review`), never a crash or a confident wrong link."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from watcher.config import Brand, load_config
from watcher.formats.posts import parse_post
from watcher.formats.tickets import parse_ticket
from watcher.matching.decisions import export_decisions
from watcher.models import Ticket
from watcher.posts import store_posts
from watcher.stages import run_pipeline
from watcher.tickets.store import import_tickets

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
OUTAGE = "Brak internetu od tygodnia, modem miga na czerwono, nie mogę pracować."


def _ticket(number: int, **cells: Any) -> Any:
    row = {
        "id": f"NT-{number}",
        "status": "open",
        "created_at": "2026-11-12T09:00:00Z",
        "subject": "Brak internetu",
        "description": OUTAGE,
        "category": "outage",
        "customer_id": f"C-{number}",
        "requester_name": f"Klient {number}",
    } | cells
    return parse_ticket(row, UTC)


TICKETS = [
    # Fifty customers called Jan Kowalski, each with a ticket about the same outage.
    *(_ticket(20000 + i, requester_name="Jan Kowalski") for i in range(50)),
    # A handle two customers share (a family account).
    _ticket(30001, requester_name="Ewa Lis", requester_handles="twitter:lisowie"),
    _ticket(30002, requester_name="Adam Lis", requester_handles="twitter:lisowie"),
    # A customer with a ticket of her own, and another's ticket she might cite.
    _ticket(40001, requester_name="Maria Wójcik", requester_handles="twitter:mwojcik"),
    _ticket(40002, requester_name="Tomasz Mazur", description="Faktura zawyżona o 80 zł."),
    # A ticket with an empty description.
    _ticket(50001, subject="Awaria", description=""),
]


def _post(external_id: str, text: str, **fields: Any) -> Any:
    row = {"source": "forum", "external_id": external_id, "text": text}
    return parse_post(row | {"published_at": "2026-11-19T10:00:00Z"} | fields)


POSTS = [
    _post("no-such-ticket", f"Netia, zgłoszenie NT-99999 bez odpowiedzi. {OUTAGE}"),
    _post("many-kowalskis", f"Netia znowu. {OUTAGE} Jan Kowalski", author="Jan Kowalski"),
    _post("shared-handle", f"Netia, {OUTAGE}", author="lisowie"),
    _post("another-customers-id", f"Netia, moje zgłoszenie NT-40002. {OUTAGE}", author="mwojcik"),
    _post("very-long", "Netia nie działa. " + "Od tygodnia bez internetu, dramat. " * 600),
    _post("only-a-word", "Netia awaria"),
]


@pytest.fixture
def decisions(session: Session) -> dict[str, dict[str, Any]]:
    config = load_config(
        None,
        overrides={"TICKETS_REF_PATTERNS": [r"NT-\d+"], "SLACK_DRY_RUN_PATH": "-"},
    )
    config.brands = [Brand(name="Netia", aliases=("Netia",))]
    import_tickets(session, TICKETS)
    store_posts(session, POSTS)
    session.flush()
    run_pipeline(session, config, now=NOW)
    owner = dict(session.execute(select(Ticket.external_id, Ticket.requester_name)).all())
    rows = {row["external_id"]: row for row in export_decisions(session)}
    for row in rows.values():
        row["owner"] = owner.get(row["ticket_id"])
    return rows


def test_a_cited_ticket_that_does_not_exist_is_no_link(decisions: dict[str, Any]) -> None:
    assert decisions["no-such-ticket"]["decision"] in ("review", "new_ticket")


def test_fifty_jan_kowalskis_are_a_review_not_a_guess(decisions: dict[str, Any]) -> None:
    assert decisions["many-kowalskis"]["decision"] in ("review", "new_ticket")


def test_a_handle_two_customers_share_is_a_review(decisions: dict[str, Any]) -> None:
    row = decisions["shared-handle"]
    # Not a new ticket either: the author is one of two known customers, a person decides.
    assert row["decision"] == "review" and row["owner"] in ("Ewa Lis", "Adam Lis")


def test_citing_another_customers_ticket_is_not_linked_to_it(decisions: dict[str, Any]) -> None:
    row = decisions["another-customers-id"]
    assert not (row["decision"] == "linked" and row["ticket_id"] == "NT-40002")


def test_long_and_bare_posts_are_decided(decisions: dict[str, Any]) -> None:
    for key in ("very-long", "only-a-word"):
        assert decisions[key]["decision"] in ("linked", "review", "new_ticket", "not_complaint")
