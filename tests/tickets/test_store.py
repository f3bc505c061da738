"""Storing imported tickets: idempotent upserts, customers, identities, export."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watcher.formats.tickets import (
    TicketRecord,
    export_columns,
    parse_ticket,
    read_tickets,
    write_tickets,
)
from watcher.identities import identity_hash, normalise_handle, normalise_phone
from watcher.models import Customer, Identity, Ticket, TicketEvent
from watcher.tickets.actions import ticket_severity
from watcher.tickets.store import customer_key, export_rows, extra_keys, import_tickets


def ticket(**cells: Any) -> TicketRecord:
    """A ticket as read from an export row, with only the given cells set."""
    row = {
        "id": "T-1",
        "subject": "Brak internetu",
        "status": "open",
        "created_at": "2024-01-15T10:00:00Z",
    }
    return parse_ticket(row | cells, UTC)


def count(session: Session, model: type[Any]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def counts(session: Session) -> tuple[int, ...]:
    """Rows of tickets, customers, identities and ticket events."""
    return tuple(count(session, model) for model in (Ticket, Customer, Identity, TicketEvent))


def stored(session: Session, external_id: str = "T-1") -> Ticket:
    return session.scalars(select(Ticket).where(Ticket.external_id == external_id)).one()


def identities(session: Session) -> set[tuple[str, str | None, str | None]]:
    rows = session.execute(select(Identity.kind, Identity.platform, Identity.value))
    return {(kind, platform, value) for kind, platform, value in rows}


# Creating -----------------------------------------------------------------------


def test_import_creates_tickets(session: Session) -> None:
    summary = import_tickets(session, [ticket(id="T-1"), ticket(id="T-2", priority="high")])
    assert (summary.created, summary.updated, summary.unchanged) == (2, 0, 0)
    stored_ticket = stored(session, "T-2")
    assert (stored_ticket.subject, stored_ticket.status) == ("Brak internetu", "open")
    assert stored_ticket.created_at == datetime(2024, 1, 15, 10, tzinfo=UTC)
    assert (stored_ticket.priority, stored_ticket.current_priority) == ("high", "high")
    assert stored_ticket.origin == "imported"


def test_import_stores_every_field(session: Session) -> None:
    record = ticket(
        description="Router miga na czerwono",
        category="internet",
        customer_tier="business",
        first_response_at="2024-01-15T12:00:00Z",
        solved_at="2024-01-16T09:30:00Z",
        channel="chat",
        compensation="12,50",
        tags="outage;b2b",
        shop_region="Mazowsze",
    )
    import_tickets(session, [record])
    row = stored(session)
    assert row.description == "Router miga na czerwono"
    assert (row.category, row.customer_tier, row.channel) == ("internet", "business", "chat")
    assert row.first_response_at == datetime(2024, 1, 15, 12, tzinfo=UTC)
    assert row.solved_at == datetime(2024, 1, 16, 9, 30, tzinfo=UTC)
    assert row.compensation == Decimal("12.50")
    assert row.tags == ["outage", "b2b"]
    assert row.extra == {"shop_region": "Mazowsze"}


def test_import_records_an_imported_event(session: Session) -> None:
    import_tickets(session, [ticket()], actor="cli")
    event = session.scalars(select(TicketEvent)).one()
    assert (event.kind, event.actor, event.ticket_id) == ("imported", "cli", stored(session).id)


def test_import_creates_the_customer_from_customer_id(session: Session) -> None:
    summary = import_tickets(
        session, [ticket(customer_id="C-7", requester_name="Jan Kowalski", customer_tier="premium")]
    )
    customer = session.scalars(select(Customer)).one()
    assert summary.customers_created == 1
    assert (customer.key, customer.external_id) == ("C-7", "C-7")
    assert (customer.name, customer.tier) == ("Jan Kowalski", "premium")
    assert stored(session).customer_id == customer.id


def test_import_stores_normalised_identities(session: Session) -> None:
    record = ticket(
        customer_id="C-7",
        requester_email="  Jan.Kowalski@Example.COM ",
        requester_phone="+48 601-234-567",
        requester_name="Jan   Kowalski",
        requester_handles="twitter:@JanK;Facebook:jan.kowalski",
    )
    import_tickets(session, [record])
    assert identities(session) == {
        ("email", None, "jan.kowalski@example.com"),
        ("phone", None, "48601234567"),
        ("name", None, "jan kowalski"),
        ("handle", "twitter", "jank"),
        ("handle", "facebook", "jan.kowalski"),
    }


def test_identity_hash_is_of_the_normalised_value(session: Session) -> None:
    import_tickets(session, [ticket(customer_id="C-7", requester_handles="twitter:@JanK")])
    identity = session.scalars(select(Identity)).one()
    assert identity.value_hash == identity_hash("handle", "jank", "twitter")


@pytest.mark.parametrize(
    "phone", ["601234567", "+48 601 234 567", "0048601234567", "(+48) 601-234-567"]
)
def test_phone_spellings_normalise_alike(phone: str) -> None:
    assert normalise_phone(phone) == normalise_phone("+48 601-234-567") == "48601234567"


@pytest.mark.parametrize(
    "handle", ["chinedu_poz", "@Chinedu_Poz", "u/chinedu_poz", "/u/chinedu_poz"]
)
def test_handle_spellings_normalise_alike(handle: str) -> None:
    assert normalise_handle(handle) == "chinedu_poz"
    assert normalise_handle("u/") == "u/"  # no name after it: left as written


def test_phone_spellings_share_one_identity(session: Session) -> None:
    import_tickets(
        session,
        [
            ticket(id="T-1", customer_id="C-7", requester_phone="+48 601-234-567"),
            ticket(id="T-2", customer_id="C-7", requester_phone="601234567"),
        ],
    )
    phone = session.scalars(select(Identity).where(Identity.kind == "phone")).one()
    assert phone.value_hash == identity_hash("phone", "48601234567")


def test_phone_spellings_without_customer_id_share_one_customer(session: Session) -> None:
    import_tickets(
        session,
        [
            ticket(id="T-1", requester_phone="+48 601-234-567"),
            ticket(id="T-2", requester_phone="601234567"),
        ],
    )
    assert session.scalars(select(Customer.key)).all() == ["phone:48601234567"]


def test_phone_that_is_no_number_does_not_join_customers(session: Session) -> None:
    import_tickets(
        session, [ticket(id="T-1", requester_phone="brak"), ticket(id="T-2", requester_phone="n/a")]
    )
    assert sorted(session.scalars(select(Customer.key))) == ["ticket:T-1", "ticket:T-2"]


def test_two_tickets_of_one_customer_id_share_the_customer(session: Session) -> None:
    summary = import_tickets(
        session,
        [
            ticket(id="T-1", customer_id="C-7", requester_email="jan@example.pl"),
            ticket(id="T-2", customer_id="C-7", requester_email="jan.k@firma.pl"),
        ],
    )
    assert summary.customers_created == 1
    assert stored(session, "T-1").customer_id == stored(session, "T-2").customer_id
    emails = session.scalars(select(Identity.value).where(Identity.kind == "email"))
    assert sorted(emails) == ["jan.k@firma.pl", "jan@example.pl"]


def test_ticket_without_customer_id_gets_a_customer_keyed_by_email(session: Session) -> None:
    import_tickets(session, [ticket(requester_email="Jan@Example.PL", requester_phone="601234567")])
    customer = session.scalars(select(Customer)).one()
    assert (customer.key, customer.external_id) == ("email:jan@example.pl", None)


def test_customer_key_falls_back_to_the_ticket() -> None:
    assert customer_key(ticket(id="T-9")) == "ticket:T-9"


def test_customer_found_in_a_later_import_is_reused(session: Session) -> None:
    import_tickets(session, [ticket(id="T-1", requester_email="jan@example.pl")])
    summary = import_tickets(session, [ticket(id="T-2", requester_email="JAN@example.pl")])
    assert summary.customers_created == 0
    assert stored(session, "T-1").customer_id == stored(session, "T-2").customer_id


def test_customer_tier_follows_the_latest_ticket(session: Session) -> None:
    import_tickets(session, [ticket(id="T-1", customer_id="C-7", customer_tier="standard")])
    later = ticket(id="T-2", customer_id="C-7", customer_tier="premium", created_at="2024-02-01")
    import_tickets(session, [later])
    assert session.scalars(select(Customer.tier)).one() == "premium"


# Importing again ------------------------------------------------------------------


def full_ticket(**cells: Any) -> TicketRecord:
    return ticket(
        customer_id="C-7",
        requester_name="Jan Kowalski",
        requester_email="jan@example.pl",
        requester_phone="+48 601-234-567",
        requester_handles="twitter:@JanK",
        priority="normal",
        compensation="100",
        tags="a;b",
        shop_region="Mazowsze",
        **cells,
    )


def test_same_records_twice_change_nothing(session: Session) -> None:
    records = [full_ticket(), ticket(id="T-2", requester_email="ola@example.pl")]
    import_tickets(session, records)
    before = counts(session)
    summary = import_tickets(session, records)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert summary.customers_created == 0
    assert counts(session) == before


def test_newer_export_updates_status_and_solved_at(session: Session) -> None:
    import_tickets(session, [ticket(status="open")])
    summary = import_tickets(session, [ticket(status="solved", solved_at="2024-01-16T08:00:00Z")])
    assert (summary.created, summary.updated) == (0, 1)
    row = stored(session)
    assert (row.status, row.solved_at) == ("solved", datetime(2024, 1, 16, 8, tzinfo=UTC))


def test_newer_export_records_an_updated_event_with_the_diff(session: Session) -> None:
    import_tickets(session, [ticket(status="open")])
    import_tickets(
        session, [ticket(status="solved", solved_at="2024-01-16T08:00:00Z")], actor="nightly"
    )
    event = session.scalars(select(TicketEvent).where(TicketEvent.kind == "updated")).one()
    assert event.actor == "nightly"
    assert event.ticket_id == stored(session).id
    assert event.data == {
        "status": ["open", "solved"],
        "solved_at": [None, "2024-01-16T08:00:00Z"],
    }


def test_change_outside_tracked_fields_updates_without_diff(session: Session) -> None:
    import_tickets(session, [ticket(subject="old")])
    summary = import_tickets(session, [ticket(subject="new")])
    assert summary.updated == 1
    assert stored(session).subject == "new"
    event = session.scalars(select(TicketEvent).where(TicketEvent.kind == "updated")).one()
    assert event.data == {}


def test_priority_change_in_the_export_updates_current_priority(session: Session) -> None:
    import_tickets(session, [ticket(priority="normal")])
    import_tickets(session, [ticket(priority="urgent")])
    row = stored(session)
    assert (row.priority, row.current_priority) == ("urgent", "urgent")


def test_other_changes_keep_watchers_current_priority(session: Session) -> None:
    import_tickets(session, [ticket(priority="normal")])
    stored(session).current_priority = "high"
    session.flush()
    import_tickets(session, [ticket(priority="normal", status="pending")])
    row = stored(session)
    assert (row.status, row.current_priority) == ("pending", "high")


# Export round-trip ------------------------------------------------------------------


def export(session: Session, tmp_path: Path, fmt: str) -> Path:
    path = tmp_path / f"export.{fmt}"
    with path.open("w", encoding="utf-8", newline="") as out:
        write_tickets(export_rows(session), out, fmt, export_columns(extra_keys(session)))
    return path


def round_trip_records() -> list[TicketRecord]:
    return [
        full_ticket(
            id="T-1",
            description='Wiele linii,\n"cytat"; średnik',
            category="internet",
            customer_tier="business",
            first_response_at="2024-01-15T11:00:00+01:00",
            solved_at="2024-01-16T08:00:00",
            channel="phone",
            status="solved",
        ),
        ticket(id="T-2", requester_email="Ola@Example.PL", compensation="12,5", status="on hold"),
        ticket(
            id="T-3", requester_name="Zażółć Gęślą", requester_handles="mastodon:@ola@social.pl"
        ),
    ]


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_reimported_changes_nothing(session: Session, tmp_path: Path, fmt: str) -> None:
    records = round_trip_records()
    import_tickets(session, records)
    before = counts(session)
    result = read_tickets(export(session, tmp_path, fmt), default_tz=UTC)
    assert (result.invalid, result.duplicates) == ([], [])
    summary = import_tickets(session, result.records)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, len(records))
    assert counts(session) == before


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_reads_back_as_the_imported_records(
    session: Session, tmp_path: Path, fmt: str
) -> None:
    records = round_trip_records()
    import_tickets(session, records)
    result = read_tickets(export(session, tmp_path, fmt), default_tz=UTC)
    assert sorted(r.content_hash() for r in result.records) == sorted(
        r.content_hash() for r in records
    )


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_extra_columns_survive_the_round_trip(session: Session, tmp_path: Path, fmt: str) -> None:
    import_tickets(
        session, [ticket(id="T-1", shop_region="Mazowsze"), ticket(id="T-2", plan="fiber")]
    )
    result = read_tickets(export(session, tmp_path, fmt), default_tz=UTC)
    assert {r.id: r.extra for r in result.records} == {
        "T-1": {"shop_region": "Mazowsze"},
        "T-2": {"plan": "fiber"},
    }


def test_export_row_holds_the_interchange_columns(session: Session) -> None:
    import_tickets(session, [full_ticket()])
    (row,) = export_rows(session)
    assert row["id"] == "T-1"
    assert row["customer_id"] == "C-7"
    assert row["created_at"] == "2024-01-15T10:00:00Z"
    assert row["compensation"] == "100.00"
    assert row["tags"] == "a;b"
    assert (row["current_priority"], row["public_complaint"]) == ("normal", False)
    assert row["shop_region"] == "Mazowsze"


def test_export_leaves_customer_id_empty_for_email_keyed_customer(session: Session) -> None:
    import_tickets(session, [ticket(requester_email="jan@example.pl")])
    (row,) = export_rows(session)
    assert row["customer_id"] is None


def test_csv_export_leaves_customer_id_cell_empty(session: Session, tmp_path: Path) -> None:
    import_tickets(session, [ticket(requester_email="jan@example.pl")])
    out = io.StringIO()
    write_tickets(export_rows(session), out, "csv", export_columns(extra_keys(session)))
    (record,) = read_tickets(_save(tmp_path, out.getvalue()), default_tz=UTC).records
    assert record.customer_id is None


def _save(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_export_is_oldest_first(session: Session) -> None:
    import_tickets(
        session,
        [ticket(id="new", created_at="2024-03-01"), ticket(id="old", created_at="2024-01-01")],
    )
    assert [row["id"] for row in export_rows(session)] == ["old", "new"]


def test_extra_keys_lists_every_metadata_key(session: Session) -> None:
    import_tickets(session, [ticket(id="T-1", a="1"), ticket(id="T-2", b="2")])
    assert set(extra_keys(session)) == {"a", "b"}


def test_the_severity_of_a_tickets_words_is_found_on_import_and_on_change(
    session: Session,
) -> None:
    import_tickets(session, [ticket(description="Proszę o zmianę adresu korespondencji.")])
    assert stored(session).text_severity == "none"
    down = "Firma stoi, nie mogę wystawiać faktur klientom."
    import_tickets(session, [ticket(description=down)])
    session.expire_all()
    assert stored(session).text_severity == "business_down"
    assert ticket_severity(stored(session)) == "business_down"
