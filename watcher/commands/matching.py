"""`watcher matches export`, `watcher explain` and `watcher eval`."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy import select
from sqlalchemy.orm import Session

from watcher import db
from watcher.cli import State, common_options, pass_state
from watcher.config import Config
from watcher.errors import InputError
from watcher.formats.posts import PostRecord, read_posts
from watcher.formats.tickets import read_tickets
from watcher.matching.decisions import evaluate, export_decisions, read_gold, write_jsonl
from watcher.matching.linker import Linker
from watcher.models import AuditEvent, Complaint, Post
from watcher.posts import store_posts
from watcher.stages import run_pipeline
from watcher.tickets.store import import_tickets

console = Console(highlight=False)


@click.group("matches")
def matches() -> None:
    """Export matching decisions."""


@matches.command("export")
@click.option("--out", metavar="PATH", help="Output file (default: standard output).")
@common_options
@pass_state
def matches_export(state: State, out: str | None) -> None:
    """Write one Decisions line (JSONL) per processed post."""
    with db.session_scope(state.engine()) as session:
        rows = list(export_decisions(session))
    if out and out != "-":
        with open(out, "w", encoding="utf-8") as handle:
            write_jsonl(rows, handle)
        click.echo(f"wrote {len(rows)} decisions to {out}", err=True)
    else:
        write_jsonl(rows, sys.stdout)


@click.command("explain")
@click.argument("external_id")
@click.option("--runners-up", default=3, show_default=True, help="Other candidates to show.")
@common_options
@pass_state
def explain(state: State, external_id: str, runners_up: int) -> None:
    """Show why a post got its decision: the evidence as a waterfall, and the runners-up."""
    config = state.config()
    with db.session_scope(state.engine()) as session:
        complaints = session.scalars(
            select(Complaint).join(Post).where(Post.external_id == external_id)
        ).all()
        if not complaints:
            raise InputError(
                f"no processed post with external_id {external_id!r}; "
                "import it and run `watcher process` first"
            )
        for complaint in complaints:
            # Candidates as the matcher saw them when it decided, not as of today.
            linker = Linker(config)
            linker.context.refresh(session, complaint.decided_at or datetime.now(UTC))
            _explain_one(session, linker, complaint, runners_up)


def _explain_one(session: Session, linker: Linker, complaint: Complaint, runners_up: int) -> None:
    post = complaint.post
    ticket = complaint.decision_ticket.external_id if complaint.decision_ticket else "-"
    header = Text.assemble(
        (f"{post.external_id}", "bold"),
        f" ({post.source.name}): decision {complaint.decision or 'not matched yet'}",
        f", ticket {ticket}, by {complaint.decided_by or '-'}",
    )
    console.print(header)
    reason = session.scalars(
        select(AuditEvent.details)
        .where(
            AuditEvent.subject_type == "complaint",
            AuditEvent.subject_id == str(complaint.id),
            AuditEvent.action == "matched",
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    ).first()
    if reason and reason.get("reason"):
        console.print(f"  why: {reason['reason']}", markup=False)
    root = session.get(Complaint, complaint.duplicate_of_id) if complaint.duplicate_of_id else None
    if complaint.decision == "duplicate" and root is not None:
        console.print(
            f"  duplicate of {root.post.external_id}: the same story told again, so it takes "
            f"that post's decision; `watcher explain {root.post.external_id}` shows the evidence",
            markup=False,
        )
        return
    if not complaint.about_brand or not complaint.is_complaint:
        console.print("  not a complaint about a watched brand: no candidates were scored")
        return
    ranked = linker.rank(complaint)
    if not ranked:
        console.print("  no candidate ticket from any channel")
        return
    best = ranked[0]
    table = Table(title=f"best candidate {best.ticket.external_id}", title_justify="left")
    for column in ("feature", "level", "weight", "running total"):
        table.add_column(
            column, justify="right" if column in ("weight", "running total") else "left"
        )
    total = 0.0
    for item in best.score.evidence:
        total += item.weight
        table.add_row(item.feature, item.level, f"{item.weight:+.2f}", f"{total:.2f}")
    console.print(table)
    console.print(
        f"  score {best.score.total:.2f} (probability {best.score.probability:.3f}); "
        f"channels: {', '.join(sorted(best.candidate.channels))}"
    )
    for other in ranked[1 : 1 + runners_up]:
        levels = ", ".join(f"{e.feature}={e.level}" for e in other.score.evidence[1:])
        console.print(f"  runner-up {other.ticket.external_id}: {other.score.total:.2f} ({levels})")


@click.command("eval")
@click.option("--tickets", "tickets_path", required=True, type=click.Path(path_type=Path))
@click.option("--posts", "posts_path", required=True, type=click.Path(path_type=Path))
@click.option("--gold", "gold_path", required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--keep-db",
    "keep_db",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also keep the evaluation database as this new SQLite file, to look at the "
    "decisions with `watcher explain --db sqlite:///PATH`.",
)
@common_options
@pass_state
def eval_command(
    state: State,
    tickets_path: Path,
    posts_path: Path,
    gold_path: Path,
    as_json: bool,
    keep_db: Path | None,
) -> None:
    """Run the whole path on a fresh temporary database and score it against gold labels."""
    if keep_db is not None and keep_db.exists():
        raise InputError(f"{keep_db} already exists; give --keep-db a new file name")
    gold = read_gold(gold_path)
    config = state.config()
    tickets = read_tickets(tickets_path, default_tz=config.timezone)
    if tickets.invalid:
        first = tickets.invalid[0]
        raise InputError(f"{tickets_path}:{first.line}: {first.message}")
    posts = read_posts(posts_path)
    if posts.invalid:
        first = posts.invalid[0]
        raise InputError(f"{posts_path}:{first.line}: {first.message}")
    with tempfile.TemporaryDirectory(prefix="watcher-eval-") as tmp:
        engine = db.make_engine(f"sqlite:///{Path(tmp) / 'eval.db'}")
        db.ensure_schema(engine, auto_upgrade=True)
        with db.session_scope(engine) as session:
            import_tickets(session, tickets.records)
            replay_posts(session, config, posts.records)
            rows = list(export_decisions(session))
        engine.dispose()
        if keep_db is not None:
            shutil.copyfile(Path(tmp) / "eval.db", keep_db)
    result = evaluate(rows, gold)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
        return
    table = Table(title=f"{len(rows)} posts, {len(gold)} gold lines", title_justify="left")
    for column in ("", "precision", "recall", "F1", "tp", "fp", "fn"):
        table.add_column(column, justify="left" if not column else "right")
    for name, counts in (
        ("complaint", result.complaint),
        ("about brand", result.about_brand),
        ("links", result.links),
    ):
        table.add_row(
            name,
            f"{counts.precision:.3f}",
            f"{counts.recall:.3f}",
            f"{counts.f1:.3f}",
            str(counts.tp),
            str(counts.fp),
            str(counts.fn),
        )
    console.print(table)
    confusion = Table(title="gold -> decision", title_justify="left")
    confusion.add_column("gold")
    confusion.add_column("decision")
    confusion.add_column("posts", justify="right")
    for (gold_kind, decision), n in sorted(result.confusion.items()):
        confusion.add_row(gold_kind, decision, str(n))
    console.print(confusion)
    console.print(f"links made for posts that are not brand complaints: {result.unlinkable_links}")
    for wrong in result.wrong_links[:20]:
        console.print(
            f"  wrong link: {wrong['external_id']} -> {wrong['linked']} (gold {wrong['gold']})",
            markup=False,
        )
    if result.missing:
        console.print(f"gold posts without a decision: {len(result.missing)}")


def replay_posts(session: Session, config: Config, records: Sequence[PostRecord]) -> int:
    """Feed posts in publication order, running the pipeline as of each moment; returns steps.

    A live deployment matches a post soon after it is published, against the tickets
    that are open or recently solved then, and after the earlier posts were decided and
    acted on. Matching everything at today's date instead would drop tickets solved
    more than MATCH_SOLVED_WINDOW before today, however recent they were for the post.
    Posts without a date come last, as of the latest dated post.
    """
    moments: dict[datetime | None, list[PostRecord]] = defaultdict(list)
    for record in records:
        moments[record.published_at].append(record)
    dated = sorted(m for m in moments if m is not None)
    latest = dated[-1] if dated else datetime.now(UTC)
    order: list[datetime | None] = [*dated, None] if None in moments else list(dated)
    for moment in order:
        store_posts(session, moments[moment])
        session.flush()
        run_pipeline(session, config, now=moment or latest)
    return len(order)


COMMANDS = [matches, explain, eval_command]
