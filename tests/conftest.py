"""Shared fixtures: a database on SQLite and on the local PostgreSQL server.

Storage tests take the ``engine`` or ``session`` fixture and so run on both.
PostgreSQL gets a fresh database per test session; it is skipped with a reason
only outside CI when no server answers, never in CI.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from watcher import db
from watcher.demo.run import write_config
from watcher.demo.server import serve
from watcher.demo.site import render_site
from watcher.models import Base

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def _server_dsn(url: str) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """URL of a fresh, empty database on the local server, dropped afterwards."""
    try:
        admin = psycopg.connect(_server_dsn(POSTGRES_URL), autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {POSTGRES_URL} is required in CI: {exc}")
        pytest.skip(f"no PostgreSQL server at {POSTGRES_URL}: {exc}")
    name = f"watcher_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables yet (for migration tests), on the requested backend."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'watcher.db'}"
        return
    server_url = request.getfixturevalue("postgres_server")
    engine = db.make_engine(server_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    yield server_url


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database on SQLite or PostgreSQL, empty at the start of each test."""
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'watcher.db'}")
        db.upgrade(engine)
        yield engine
        engine.dispose()
        return
    engine = db.make_engine(request.getfixturevalue("postgres_server"))
    if db.current_revision(engine) != db.head_revision():
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.upgrade(engine)
    yield engine
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(engine: Engine) -> str:
    """The URL of the ``engine`` fixture's database, for CLI tests."""
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with db.session_scope(engine) as session:
        yield session


@pytest.fixture
def demo_site(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """The demo's forum, blog and feed served on 127.0.0.1, and a config reading them every 5 s."""
    out = tmp_path / "run"
    (out / "site").mkdir(parents=True)
    with serve(out / "site") as base:
        urls = render_site(out / "site", base)
        config_path = write_config(out, urls)
        text = config_path.read_text(encoding="utf-8").replace('interval = "1m"', 'interval = "5s"')
        config_path.write_text(text, encoding="utf-8")
        yield out, config_path
