"""`watcher process` (every stage over what needs it) and `watcher classify` (no database)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from watcher import db
from watcher.cli import State, _refuse_invalid, _report_issues, common_options, pass_state
from watcher.formats.posts import read_posts
from watcher.stages import run_pipeline
from watcher.understanding.complaint import model_probabilities
from watcher.understanding.language import detect_languages
from watcher.understanding.pipeline import from_feed, understand


@click.command("process")
@common_options
@pass_state
def process(state: State) -> None:
    """Understand new posts and match complaints to tickets; running it twice changes nothing."""
    config = state.config()
    with db.session_scope(state.engine()) as session:
        result = run_pipeline(session, config)
    click.echo(result.summary())


@click.command("classify")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--encoding", help="Text encoding of the file (default: detected).")
@click.option("--skip-invalid", is_flag=True, help="Classify the valid lines, report the rest.")
@common_options
@pass_state
def classify(state: State, path: Path, encoding: str | None, skip_invalid: bool) -> None:
    """Classify posts from a Posts JSONL file; one JSON line per post to stdout, no database."""
    config = state.config()
    result = read_posts(path, encoding=encoding)
    _refuse_invalid(path, result.invalid, skip_invalid)
    _report_issues(f"{path}: {len(result.duplicates)} repeated post(s)", result.duplicates)
    languages = tuple(config["LANGUAGES"])
    patterns = tuple(config["TICKETS_REF_PATTERNS"])
    texts = ["\n".join(filter(None, [r.title, r.text])) for r in result.records]
    batch = zip(result.records, model_probabilities(texts), detect_languages(texts, languages),
                strict=True)  # fmt: skip
    for record, probability, language in batch:
        found = understand(
            record,
            config.brands,
            languages=languages,
            ref_patterns=patterns,
            probability=probability,
            language=language,
            feed=from_feed("import", record.source),
        )
        sys.stdout.write(json.dumps(found.as_dict(), ensure_ascii=False) + "\n")


COMMANDS = [process, classify]
