"""Migrations on both databases, and the schema guard every command relies on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from tests.conftest import BACKENDS
from watcher import db
from watcher.errors import ConfigError, SchemaError
from watcher.models import Base, Source


@pytest.mark.parametrize("empty_database_url", BACKENDS, indirect=True)
def test_migrations_go_up_and_down(empty_database_url: str) -> None:
    engine = db.make_engine(empty_database_url)
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    assert {"ticket", "post", "match", "alert", "audit_event"} <= set(
        inspect(engine).get_table_names()
    )
    db.downgrade(engine, "base")
    assert db.current_revision(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    engine.dispose()


@pytest.mark.parametrize("empty_database_url", BACKENDS, indirect=True)
def test_migrations_match_the_models(empty_database_url: str) -> None:
    engine = db.make_engine(empty_database_url)
    db.upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def test_embedded_database_is_upgraded_automatically(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = db.make_engine(f"sqlite:///{tmp_path / 'auto.db'}")
    db.ensure_schema(engine)
    assert db.current_revision(engine) == db.head_revision()


@pytest.mark.postgres
@pytest.mark.parametrize("empty_database_url", ["postgresql"], indirect=True)
def test_server_database_is_not_migrated_behind_the_users_back(empty_database_url: str) -> None:
    engine = db.make_engine(empty_database_url)
    with pytest.raises(SchemaError, match="watcher db upgrade"):
        db.ensure_schema(engine)
    engine.dispose()


def test_auto_upgrade_can_be_switched_off(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = db.make_engine(f"sqlite:///{tmp_path / 'manual.db'}")
    with pytest.raises(SchemaError, match="watcher db upgrade"):
        db.ensure_schema(engine, auto_upgrade=False)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = db.make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_unreachable_server_is_a_clear_error() -> None:
    engine = db.make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(SchemaError, match="cannot reach the database"):
        db.current_revision(engine)


def test_bad_url_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="not a database URL"):
        db.make_engine("watcher.db")


def test_timestamps_come_back_as_utc(engine: Engine, session: Session) -> None:
    warsaw = timezone(timedelta(hours=1))
    session.add(
        Source(name="s", type="feed", last_run_at=datetime(2026, 1, 5, 13, 0, tzinfo=warsaw))
    )
    session.commit()
    session.expunge_all()
    stored = session.scalars(select(Source.last_run_at)).one()
    assert stored == datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
    assert stored.utcoffset() == timedelta(0)


def test_naive_timestamps_are_refused(session: Session) -> None:
    session.add(Source(name="s", type="feed", last_run_at=datetime(2026, 1, 5, 13, 0)))
    with pytest.raises(Exception, match="naive datetime"):
        session.flush()
    session.rollback()
