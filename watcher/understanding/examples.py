"""The shipped hand-written example lines (watcher/understanding/data/complaints_*.tsv).

A light module: the matcher reads the examples' vocabulary without loading the model.
"""

from __future__ import annotations

from importlib.resources import files


def example_lines(lang: str) -> list[tuple[int, str, str, str]]:
    """(line number, label, category, text) of each hand-written example of one language."""
    raw = files("watcher.understanding").joinpath(f"data/complaints_{lang}.tsv")
    rows: list[tuple[int, str, str, str]] = []
    for number, line in enumerate(raw.read_text(encoding="utf-8").splitlines()):
        if line.strip() and not line.startswith("#"):
            label, category, text = line.split("\t", 2)
            rows.append((number, label, category, text))
    return rows
