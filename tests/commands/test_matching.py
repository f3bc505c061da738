"""`watcher eval` and `watcher explain`, run in process through click's test runner."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine

from watcher import db
from watcher.cli import cli
from watcher.config import load_config
from watcher.formats.posts import parse_post
from watcher.formats.tickets import parse_ticket
from watcher.posts import store_posts
from watcher.stages import run_pipeline
from watcher.tickets.store import import_tickets

CONFIG = """
[[brands]]
name = "Netia"
aliases = ["Netia"]
exclude = []

[tickets]
ref_patterns = ['NT-\\d+']
"""
# Low thresholds: any candidate is linked, so a link shows the ticket was a candidate at all.
ANY_CANDIDATE = "\n[matching]\nlink_threshold = -50.0\nreview_threshold = -60.0\nmargin = 0.0\n"
HEADER = (
    "id,subject,description,status,category,customer_id,requester_name,"
    "created_at,first_response_at,solved_at\n"
)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("WATCHER_CONFIG", "WATCHER_DATABASE_URL", "WATCHER_IMPORT_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_eval_matches_as_of_the_posts_time(tmp_path: Path) -> None:
    """A ticket solved a week after the post, long before today, was a candidate back then."""
    (tmp_path / "watcher.toml").write_text(CONFIG + ANY_CANDIDATE)
    (tmp_path / "tickets.csv").write_text(
        HEADER + 'NT-20001,Wypowiedzenie umowy,"Wypowiedziałem umowę w marcu, a nadal pobierają '
        '120 zł miesięcznie. ul. Mickiewicza 4, Gdańsk.",solved,contract,C001,Ewa Lis,'
        "2025-03-20T09:00:00Z,2025-03-21T09:00:00Z,2025-04-10T09:00:00Z\n"
    )
    post = {
        "source": "forum",
        "external_id": "p1",
        "author": "ktos123",
        "published_at": "2025-04-01T10:00:00Z",
        "text": "Wypowiedziałem umowę z Netia w marcu, a dalej pobierają 120 zł miesięcznie. "
        "ul. Mickiewicza, Gdańsk. Skandal!",
    }
    (tmp_path / "posts.jsonl").write_text(json.dumps(post, ensure_ascii=False) + "\n")
    gold = {"external_id": "p1", "is_complaint": True, "about_brand": True}
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold | {"ticket_id": "NT-20001"}) + "\n")
    result = run(
        "eval", "--tickets", "tickets.csv", "--posts", "posts.jsonl", "--gold", "gold.jsonl",
        "--json", "--keep-db", "kept.db",
    )  # fmt: skip
    figures = json.loads(result.output)
    assert figures["confusion"] == {"linked -> linked": 1}
    assert figures["links"]["tp"] == 1
    # The kept database holds the decisions, for `watcher explain`.
    explained = run("explain", "p1", "--db", f"sqlite:///{tmp_path / 'kept.db'}").output
    assert "decision linked, ticket NT-20001" in explained
    again = CliRunner().invoke(
        cli, ["eval", "--tickets", "tickets.csv", "--posts", "posts.jsonl", "--gold",
              "gold.jsonl", "--keep-db", "kept.db"],
    )  # fmt: skip
    assert again.exit_code != 0 and "already exists" in again.output


def test_explain_names_the_post_a_duplicate_repeats(
    tmp_path: Path, engine: Engine, database_url: str
) -> None:
    (tmp_path / "watcher.toml").write_text(CONFIG)
    config = load_config(tmp_path / "watcher.toml")
    text = (
        "Netia od tygodnia nie działa internet, zgłoszenie NT-10002 wisi bez odpowiedzi "
        "i nikt nie oddzwania, mam dość tej firmy"
    )
    ticket = {
        "id": "NT-10002",
        "subject": "Brak internetu",
        "status": "open",
        "created_at": "2026-11-10T09:00:00Z",
        "customer_id": "C-2",
    }
    posts = [
        {"source": "forum", "external_id": "first", "published_at": "2026-11-15T10:00:00Z"},
        {"source": "feed", "external_id": "copy", "published_at": "2026-11-15T12:00:00Z"},
    ]
    with db.session_scope(engine) as session:
        import_tickets(session, [parse_ticket(ticket, UTC)])
        store_posts(session, [parse_post(post | {"text": text}) for post in posts])
        session.flush()
        run_pipeline(session, config, now=datetime(2026, 11, 16, tzinfo=UTC))
    output = run("explain", "copy", "--db", database_url).output
    assert "decision duplicate, ticket NT-10002" in output
    assert "duplicate of first" in output and "why: repeats first of the same story" in output
