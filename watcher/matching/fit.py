"""Fit the match weights on a labelled set and write weights.json.

    python -m watcher.matching.fit eval/matching/dev [MORE_SETS...] [--out weights.json]

Each set is a folder with tickets.csv, posts.jsonl and gold.jsonl (the formats
of `watcher eval`); the pairs of all sets given are pooled. Posts are
understood as in production on a temporary database; every candidate a gold
complaint has as of its post's time (the tickets open or recently solved then,
as a live run and `watcher eval` see them) becomes a labelled pair (right
ticket or not), and each level's weight is log2(m/u). Nothing depends on the
day the fit is run, nor on the weights it replaces.
Fit on the tuning sets only (`dev`, `free`); `free2` to `free6` check the fit,
and `test` and `handwritten` are for the figures reported. A set with its own
watcher.toml (another brand, other ticket numbers) is read with it; `--config` is for
the others.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from sqlalchemy import select

from watcher import db
from watcher.config import load_config
from watcher.formats.posts import read_posts
from watcher.formats.tickets import read_tickets
from watcher.matching.decisions import read_gold
from watcher.matching.features import Comparison
from watcher.matching.linker import Linker
from watcher.matching.scoring import Weights, fit
from watcher.models import Complaint, Post
from watcher.posts import store_posts
from watcher.stages import understand_posts
from watcher.tickets.store import import_tickets

DEFAULT_OUT = Path(__file__).with_name("weights.json")


def labelled_pairs(folder: Path, config_path: str | None) -> list[tuple[list[Comparison], bool]]:
    """(levels, is the right ticket) for every candidate of every gold complaint."""
    config = load_config(config_path)
    gold = read_gold(folder / "gold.jsonl")
    tickets = read_tickets(folder / "tickets.csv", default_tz=config.timezone)
    posts = read_posts(folder / "posts.jsonl")
    if tickets.invalid or posts.invalid:
        raise SystemExit(f"{folder}: invalid rows; run `watcher eval` on it to see them")
    pairs: list[tuple[list[Comparison], bool]] = []
    with tempfile.TemporaryDirectory(prefix="watcher-fit-") as tmp:
        engine = db.make_engine(f"sqlite:///{Path(tmp) / 'fit.db'}")
        db.ensure_schema(engine)
        with db.session_scope(engine) as session:
            import_tickets(session, tickets.records)
            store_posts(session, posts.records)
            session.flush()
            understand_posts(session, config)
            session.flush()
            query = select(Complaint, Post.external_id, Post.published_at).join(Post)
            rows = session.execute(query).all()
            latest = max((at for _, _, at in rows if at is not None), default=None)
            for complaint, external_id, published_at in rows:
                truth = gold.get(external_id)
                if not truth or not truth.get("is_complaint") or not truth.get("about_brand"):
                    continue
                moment = published_at or latest
                if truth.get("duplicate_of") or moment is None:
                    continue
                # The candidates as of the post's time, as a live run would have them.
                linker = Linker(config, weights=Weights(prior=0.0, levels={}, meta={}))
                linker.context.refresh(session, moment)
                for candidate, levels in linker.compared(complaint):
                    pairs.append((levels, candidate.ticket.external_id == truth.get("ticket_id")))
        engine.dispose()
    return pairs


def _own_config(folder: Path) -> str | None:
    own = folder / "watcher.toml"
    return str(own) if own.is_file() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "folders",
        type=Path,
        nargs="+",
        metavar="folder",
        help="labelled set: tickets.csv, posts.jsonl, gold.jsonl",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--config", help="watcher.toml with the brands of the set")
    args = parser.parse_args(argv)
    pairs = [
        pair
        for folder in args.folders
        for pair in labelled_pairs(folder, _own_config(folder) or args.config)
    ]
    sets = ", ".join(folder.as_posix() for folder in args.folders)
    weights = fit(pairs, fitted_on=sets)
    args.out.write_text(weights.as_json(), encoding="utf-8")
    print(
        f"fitted on {weights.meta['true_pairs']} right and {weights.meta['wrong_pairs']} "
        f"wrong candidate pairs from {sets}; wrote {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
