"""Scoring decisions against gold: links count only when the ticket is right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from watcher.errors import InputError
from watcher.matching.decisions import evaluate, read_gold


def row(external_id: str, decision: str, ticket: str | None = None, **extra: object) -> dict:  # type: ignore[type-arg]
    return {
        "external_id": external_id,
        "is_complaint": extra.get("is_complaint", True),
        "about_brand": extra.get("about_brand", True),
        "decision": decision,
        "ticket_id": ticket,
    }


GOLD = {
    "a": {"external_id": "a", "is_complaint": True, "about_brand": True, "ticket_id": "T1"},
    "b": {"external_id": "b", "is_complaint": True, "about_brand": True, "ticket_id": "T2"},
    "c": {"external_id": "c", "is_complaint": True, "about_brand": True, "ticket_id": None},
    "d": {"external_id": "d", "is_complaint": False, "about_brand": True, "ticket_id": None},
    "e": {"external_id": "e", "is_complaint": True, "about_brand": True, "ticket_id": "T3"},
}


def test_links_precision_recall_and_confusion() -> None:
    result = evaluate(
        [
            row("a", "linked", "T1"),  # right
            row("b", "linked", "T9"),  # wrong ticket: a false link and a missed one
            row("c", "new_ticket"),
            row("d", "not_complaint", is_complaint=False),
            row("e", "review", "T3"),  # review is not a link
        ],
        GOLD,
    )
    assert (result.links.tp, result.links.fp, result.links.fn) == (1, 1, 2)
    assert result.links.precision == pytest.approx(0.5)
    assert result.links.recall == pytest.approx(1 / 3)
    assert result.confusion[("linked", "review")] == 1
    assert result.confusion[("new_ticket", "new_ticket")] == 1
    assert result.wrong_links == [{"external_id": "b", "linked": "T9", "gold": "T2"}]
    assert result.complaint.tp == 4 and result.complaint.fp == 0


def test_a_duplicate_is_a_link_only_when_the_post_it_repeats_is() -> None:
    gold = {
        "a": GOLD["a"],
        "a2": {**GOLD["a"], "external_id": "a2", "duplicate_of": "a"},
        "e": GOLD["e"],
        "e2": {**GOLD["e"], "external_id": "e2", "duplicate_of": "e"},
    }
    result = evaluate(
        [
            row("a", "linked", "T1"),
            {**row("a2", "duplicate", "T1"), "duplicate_of": "a"},
            row("e", "review", "T3"),  # a person has yet to confirm it...
            {**row("e2", "duplicate", "T3"), "duplicate_of": "e"},  # ...so its copy too
        ],
        gold,
    )
    assert (result.links.tp, result.links.fp, result.links.fn) == (2, 0, 2)


def test_linking_a_repeat_to_the_ticket_opened_from_its_first_post_is_no_wrong_link() -> None:
    gold = {
        "c": GOLD["c"],  # no ticket: watcher opens one from it
        "c2": {**GOLD["c"], "external_id": "c2", "duplicate_of": "c"},
        "c3": {**GOLD["c"], "external_id": "c3", "duplicate_of": "c"},
    }
    result = evaluate(
        [
            row("c", "new_ticket", "W-1"),
            row("c2", "linked", "W-1"),  # the same author again, in other words
            row("c3", "linked", "W-2"),  # another new ticket: wrong
        ],
        gold,
    )
    assert (result.links.tp, result.links.fp, result.links.fn) == (0, 1, 0)
    assert result.wrong_links == [{"external_id": "c3", "linked": "W-2", "gold": None}]


def test_missing_posts_count_as_missed_links() -> None:
    result = evaluate([row("a", "linked", "T1")], GOLD)
    assert result.missing == ["b", "c", "d", "e"]
    assert result.links.fn == 2


def test_link_on_a_non_complaint_is_counted() -> None:
    result = evaluate([row("d", "linked", "T1", is_complaint=True)], GOLD)
    assert result.unlinkable_links == 1


def test_bad_gold_line_names_its_number(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(GOLD["a"]) + "\n{oops\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"gold.jsonl:2"):
        read_gold(path)
