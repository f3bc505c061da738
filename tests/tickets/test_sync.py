"""`watcher tickets sync`: statuses and priorities pulled from Zendesk's incremental export."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.fakeweb import Reply, Seen, fake_web
from tests.tickets.test_actions import NOW, _seed
from watcher.models import Source, Ticket, TicketEvent
from watcher.tickets.adapters import BuiltinHelpdesk, ZendeskClient
from watcher.tickets.sync import sync_tickets

JSON = {"Content-Type": "application/json"}


def test_changes_are_pulled_page_by_page_and_resumed(session: Session) -> None:
    _seed(session)
    pages = [
        {"tickets": [{"id": "NT-1", "status": "solved", "priority": "high",
                      "updated_at": "2026-11-23T10:00:00Z"}],
         "after_cursor": "c1", "end_of_stream": False},
        {"tickets": [{"id": "99999", "status": "open", "priority": "low"},
                     {"id": "NT-2", "status": "hold", "priority": "normal"}],
         "after_cursor": "c2", "end_of_stream": True},
    ]  # fmt: skip

    def export(request: Seen) -> Reply:
        page = pages[1] if "cursor=c1" in request.path else pages[0]
        return Reply(200, json.dumps(page).encode(), JSON)

    with fake_web() as web:
        web.routes["/api/v2/incremental/tickets/cursor.json"] = export
        client = ZendeskClient(web.base, "agent@example.com", "secret")
        result = sync_tickets(session, client, now=NOW)
        assert (result.seen, result.updated, result.unknown) == (3, 2, 1)
        assert "start_time=0" in web.seen[0].path and "cursor=c1" in web.seen[1].path
        asked = len(web.seen)
        sync_tickets(session, client, now=NOW)
        assert "cursor=c2" in web.seen[asked].path  # resumes where the last sync stopped
    solved = session.scalar(select(Ticket).where(Ticket.external_id == "NT-1"))
    assert solved is not None and solved.status == "solved" and solved.current_priority == "high"
    assert solved.solved_at is not None and solved.solved_at.isoformat().startswith(
        "2026-11-23T10:00"
    )
    held = session.scalar(select(Ticket).where(Ticket.external_id == "NT-2"))
    assert held is not None and held.status == "on_hold"
    assert (
        session.scalar(select(TicketEvent.actor).where(TicketEvent.kind == "helpdesk_sync"))
        == "helpdesk"
    )
    row = session.scalar(select(Source).where(Source.name == "helpdesk:zendesk"))
    assert row is not None and row.checkpoint == {"cursor": "c2"}


def test_the_builtin_helpdesk_has_nothing_to_pull(session: Session) -> None:
    _seed(session)
    assert sync_tickets(session, BuiltinHelpdesk(), now=NOW).seen == 0
