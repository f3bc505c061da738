"""The Decisions interchange format, and scoring decisions against gold labels.

One line per post: external_id, is_complaint, about_brand, decision,
ticket_id, duplicate_of, score, evidence (DESIGN.md). `evaluate` compares such
lines with gold lines (external_id, is_complaint, about_brand, ticket_id,
duplicate_of); a link counts only when its ticket is the gold ticket, and a
`review` counts as not linked. A `duplicate` carries its story's ticket and
counts as linked only when the post it repeats is linked: a copy of a post
under review is under review too.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from watcher.errors import InputError
from watcher.models import Complaint, Post, Ticket


def export_decisions(session: Session) -> Iterator[dict[str, Any]]:
    """Decision lines for every processed post, in publication order."""
    root = aliased(Complaint)
    root_post = aliased(Post)
    query = (
        select(Complaint, Post.external_id, Ticket.external_id, root_post.external_id)
        .join(Post, Complaint.post_id == Post.id)
        .outerjoin(Ticket, Complaint.decision_ticket_id == Ticket.id)
        .outerjoin(root, Complaint.duplicate_of_id == root.id)
        .outerjoin(root_post, root.post_id == root_post.id)
        .order_by(Post.published_at, Post.id)
    )
    for complaint, external_id, ticket_external_id, duplicate_of in session.execute(query):
        yield {
            "external_id": external_id,
            "is_complaint": complaint.is_complaint,
            "about_brand": complaint.about_brand,
            "decision": complaint.decision,
            "ticket_id": ticket_external_id,
            "duplicate_of": duplicate_of,
            "score": complaint.decision_score,
            "evidence": complaint.decision_evidence or [],
        }


def write_jsonl(rows: Iterable[dict[str, Any]], handle: IO[str]) -> int:
    count = 0
    for row in rows:
        handle.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
        count += 1
    return count


def read_gold(path: Path) -> dict[str, dict[str, Any]]:
    """Gold lines by external_id; a bad line is an error naming its number."""
    gold: dict[str, dict[str, Any]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read gold file {path}: {exc.strerror}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            gold[str(row["external_id"])] = row
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{number}: not a gold line ({exc})") from exc
    return gold


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Evaluation:
    complaint: Counts = field(default_factory=Counts)
    about_brand: Counts = field(default_factory=Counts)
    links: Counts = field(default_factory=Counts)
    # (gold kind, decision) -> count; gold kind: linked, new_ticket, duplicate, other.
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    wrong_links: list[dict[str, Any]] = field(default_factory=list)
    unlinkable_links: int = 0
    missing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "complaint": self.complaint.as_dict(),
            "about_brand": self.about_brand.as_dict(),
            "links": self.links.as_dict(),
            "links_on_non_complaints": self.unlinkable_links,
            "confusion": {f"{g} -> {d}": n for (g, d), n in sorted(self.confusion.items())},
            "wrong_links": self.wrong_links,
            "missing": self.missing,
        }


def gold_kind(gold: dict[str, Any]) -> str:
    if not gold.get("about_brand") or not gold.get("is_complaint"):
        return "not_brand_complaint"
    if gold.get("duplicate_of"):
        return "duplicate"
    return "linked" if gold.get("ticket_id") else "new_ticket"


def _tally(counts: Counts, predicted: bool, actual: bool) -> None:
    if predicted and actual:
        counts.tp += 1
    elif predicted:
        counts.fp += 1
    elif actual:
        counts.fn += 1


def _is_link(row: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> bool:
    """Linked, or a duplicate whose story's first post is linked (or not in the lines)."""
    seen: set[str] = set()
    while row.get("decision") == "duplicate" and row.get("ticket_id") is not None:
        root = by_id.get(str(row.get("duplicate_of")))
        if root is None:
            return True
        if str(root["external_id"]) in seen:
            return False
        seen.add(str(root["external_id"]))
        row = root
    return row.get("decision") == "linked"


def _opened_from(ticket_id: str, truth: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> bool:
    """Whether the ticket is the new one watcher opened from the post the gold says this
    one repeats: linking to it is what the `duplicate` decision would have done."""
    root = by_id.get(str(truth.get("duplicate_of")))
    return bool(
        truth.get("ticket_id") is None
        and root is not None
        and root.get("decision") == "new_ticket"
        and root.get("ticket_id") == ticket_id
    )


def evaluate(decisions: Iterable[dict[str, Any]], gold: dict[str, dict[str, Any]]) -> Evaluation:
    """Precision, recall and F1 of complaints, brand and links; a confusion table."""
    result = Evaluation()
    seen: set[str] = set()
    rows = list(decisions)
    by_id = {str(row["external_id"]): row for row in rows}
    for row in rows:
        key = str(row["external_id"])
        truth = gold.get(key)
        if truth is None:
            continue
        seen.add(key)
        _tally(result.complaint, bool(row.get("is_complaint")), bool(truth.get("is_complaint")))
        _tally(result.about_brand, bool(row.get("about_brand")), bool(truth.get("about_brand")))
        linked = _is_link(row, by_id)
        predicted_ticket = row.get("ticket_id") if linked else None
        gold_ticket = truth.get("ticket_id")
        if predicted_ticket is not None and _opened_from(predicted_ticket, truth, by_id):
            predicted_ticket = None  # linked to the ticket opened for the post it repeats: right
        if predicted_ticket is not None and predicted_ticket == gold_ticket:
            result.links.tp += 1
        else:
            if predicted_ticket is not None:
                result.links.fp += 1
                result.wrong_links.append(
                    {"external_id": key, "linked": predicted_ticket, "gold": gold_ticket}
                )
            if gold_ticket is not None:
                result.links.fn += 1
        if predicted_ticket is not None and gold_kind(truth) == "not_brand_complaint":
            result.unlinkable_links += 1
        result.confusion[(gold_kind(truth), str(row.get("decision")))] += 1
    result.missing = sorted(set(gold) - seen)
    for key in result.missing:
        if gold[key].get("ticket_id"):
            result.links.fn += 1
    return result
