"""The `watcher` command, run in process through click's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, func, select

from tests.conftest import BACKENDS
from watcher import db
from watcher.cli import cli
from watcher.models import Post, Ticket

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_TICKETS = ROOT / "examples" / "tickets.csv"
EXAMPLE_POSTS = ROOT / "examples" / "posts.jsonl"
HEADER = "id,subject,status,created_at\n"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("WATCHER_CONFIG", "WATCHER_DATABASE_URL", "WATCHER_IMPORT_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def count(engine: Engine, model: type[Ticket] | type[Post]) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(model)).scalar_one()


def test_init_writes_a_starter_file_that_loads(tmp_path: Path) -> None:
    result = run("init")
    assert result.exit_code == 0
    assert "[[brands]]" in (tmp_path / "watcher.toml").read_text()
    assert run("config", "show").exit_code == 0


def test_init_does_not_overwrite_without_force(tmp_path: Path) -> None:
    (tmp_path / "watcher.toml").write_text("# mine\n")
    result = run("init")
    assert result.exit_code == 1
    assert "--force" in result.output
    assert (tmp_path / "watcher.toml").read_text() == "# mine\n"
    assert run("init", "--force").exit_code == 0


def test_config_show_tells_where_values_come_from(tmp_path: Path) -> None:
    (tmp_path / "watcher.toml").write_text('[tickets]\nimport_timezone = "Europe/Warsaw"\n')
    result = run(
        "config", "show", "--db", "sqlite:///flag.db",
        env={"WATCHER_SLACK_BOT_TOKEN": "xoxb-secret", "WATCHER_LOG_LEVEL": "DEBUG"},
    )  # fmt: skip
    assert result.exit_code == 0
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    assert "sqlite:///flag.db" in lines["DATABASE_URL"] and "flag" in lines["DATABASE_URL"]
    assert (
        "Europe/Warsaw" in lines["IMPORT_TIMEZONE"] and "watcher.toml" in lines["IMPORT_TIMEZONE"]
    )
    assert "WATCHER_LOG_LEVEL" in lines["LOG_LEVEL"]
    assert "xoxb-secret" not in result.output


def test_bad_configuration_is_an_error_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "watcher.toml").write_text("[database]\nurll = 1\n")
    result = run("config", "show")
    assert result.exit_code == 1
    assert "did you mean database.url" in result.output
    assert "Traceback" not in result.output


def test_usage_errors_exit_with_2() -> None:
    assert run("no-such-command").exit_code == 2
    assert run("tickets", "import").exit_code == 2


def test_help_everywhere() -> None:
    for args in ([], ["tickets"], ["db"], ["config"]):
        result = run(*args, "--help")
        assert result.exit_code == 0 and "Commands:" in result.output, args
    for args in (["tickets", "import"], ["posts", "export"], ["db", "upgrade"], ["init"]):
        result = run(*args, "--help")
        assert result.exit_code == 0 and "--db URL" in result.output, args


def test_ticket_import_is_idempotent(database_url: str, engine: Engine) -> None:
    first = run("tickets", "import", str(EXAMPLE_TICKETS), "--db", database_url)
    assert first.exit_code == 0, first.output
    assert "created 5, updated 0, unchanged 0, skipped 0" in first.output
    second = run("--db", database_url, "tickets", "import", str(EXAMPLE_TICKETS))
    assert "created 0, updated 0, unchanged 5, skipped 0" in second.output
    assert count(engine, Ticket) == 5


def test_invalid_rows_import_nothing_unless_skipped(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "1,ok,open,2026-01-01T10:00:00Z\n2,bad,opened,2026-01-01\n")
    refused = run("tickets", "import", str(path), "--db", database_url)
    assert refused.exit_code == 1
    assert "line 3: unknown status 'opened'" in refused.output
    assert "--skip-invalid" in refused.output
    assert count(engine, Ticket) == 0
    accepted = run("tickets", "import", str(path), "--skip-invalid", "--db", database_url)
    assert accepted.exit_code == 0
    assert "created 1, updated 0, unchanged 0, skipped 1" in accepted.output
    assert count(engine, Ticket) == 1


def test_duplicate_ids_are_reported(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "1,old,open,2026-01-01T10:00:00Z\n1,new,open,2026-01-01T10:00:00Z\n")
    result = run("tickets", "import", str(path), "--db", database_url)
    assert result.exit_code == 0
    assert "line 3: id '1' also on line 2" in result.output
    assert "created 1" in result.output


def test_timezone_flag_overrides_the_setting(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "1,s,open,2026-07-01 12:00\n")
    url = f"sqlite:///{tmp_path / 'w.db'}"
    env = {"WATCHER_IMPORT_TIMEZONE": "UTC"}
    assert run("tickets", "import", str(path), "--timezone", "Europe/Warsaw", "--db", url,
               env=env).exit_code == 0  # fmt: skip
    exported = run("tickets", "export", "--format", "jsonl", "--db", url)
    assert json.loads(exported.output)["created_at"] == "2026-07-01T10:00:00Z"


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = run("tickets", "import", "nope.csv", "--db", f"sqlite:///{tmp_path / 'w.db'}")
    assert result.exit_code == 1
    assert "nope.csv: no such file" in result.output


def test_export_round_trips_through_import(database_url: str, tmp_path: Path) -> None:
    assert run("tickets", "import", str(EXAMPLE_TICKETS), "--db", database_url).exit_code == 0
    for name in ("out.csv", "out.jsonl"):
        out = tmp_path / name
        assert run("tickets", "export", "--out", str(out), "--db", database_url).exit_code == 0
        again = run("tickets", "import", str(out), "--db", database_url)
        assert "created 0, updated 0, unchanged 5" in again.output, again.output


def test_export_has_watchers_columns(database_url: str) -> None:
    run("tickets", "import", str(EXAMPLE_TICKETS), "--db", database_url)
    header = run("tickets", "export", "--db", database_url).output.splitlines()[0].split(",")
    assert header[:4] == ["id", "subject", "description", "status"]
    assert {"current_priority", "public_complaint", "priority_reason"} <= set(header)


def test_posts_import_and_export(database_url: str, engine: Engine, tmp_path: Path) -> None:
    result = run("posts", "import", str(EXAMPLE_POSTS), "--db", database_url)
    assert "created 3" in result.output
    assert "unchanged 3" in run("posts", "import", str(EXAMPLE_POSTS), "--db", database_url).output
    out = tmp_path / "p.jsonl"
    run("posts", "export", "--source", "example-reddit", "--out", str(out), "--db", database_url)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert {row["external_id"] for row in rows} == {"t3_abc123", "t3_def456"}
    assert count(engine, Post) == 3


def test_posts_with_a_broken_line_import_nothing(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    good = json.dumps({"source": "s", "external_id": "1", "text": "t"})
    path.write_text(good + "\n{not json\n")
    result = run("posts", "import", str(path), "--db", f"sqlite:///{tmp_path / 'w.db'}")
    assert result.exit_code == 1
    assert "line 2: not JSON" in result.output


@pytest.mark.parametrize("empty_database_url", BACKENDS, indirect=True)
def test_db_upgrade_is_safe_to_repeat(empty_database_url: str) -> None:
    first = run("db", "upgrade", "--db", empty_database_url)
    assert first.exit_code == 0 and "migrated from an empty database" in first.output
    second = run("db", "upgrade", "--db", empty_database_url)
    assert "already at revision" in second.output
    assert db.current_revision(db.make_engine(empty_database_url)) == db.head_revision()


@pytest.mark.postgres
@pytest.mark.parametrize("empty_database_url", ["postgresql"], indirect=True)
def test_server_database_needs_an_explicit_upgrade(empty_database_url: str) -> None:
    result = run("tickets", "import", str(EXAMPLE_TICKETS), "--db", empty_database_url)
    assert result.exit_code == 1
    assert "run `watcher db upgrade`" in result.output


def test_unreachable_database_is_a_clear_error() -> None:
    result = run("tickets", "export", "--db", "postgresql+psycopg://x@127.0.0.1:1/none")
    assert result.exit_code == 1
    assert "cannot reach the database" in result.output
