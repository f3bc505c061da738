"""Reading interchange files as real exports come: BOMs, legacy Polish code
pages, ';' delimiters, huge cells, broken lines reported by number."""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from charset_normalizer import from_bytes

from watcher.errors import InputError

# A description cell of a real ticket can hold a pasted log of many megabytes.
csv.field_size_limit(256 * 1024 * 1024)

POLISH_LETTERS = frozenset("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
# Polish exports without UTF-8 come in one of these two; they differ in a handful
# of letters (ą, ś, ź and capitals), which decides between them.
POLISH_CODEPAGES = ("cp1250", "iso8859_2")
DELIMITERS = ",;\t|"


def decode(data: bytes, encoding: str | None = None, *, where: str = "input") -> str:
    """Text of ``data``: the given encoding, else a BOM, else UTF-8, else detected."""
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError as exc:
            raise InputError(f"{where}: unknown encoding {encoding!r}") from exc
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{where}: not valid {encoding} at byte {exc.start}; "
                "try another --encoding or leave it out to detect"
            ) from exc
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    polish = [
        (sum(ch in POLISH_LETTERS for ch in data.decode(cp, "replace")), cp)
        for cp in POLISH_CODEPAGES
    ]
    best_count, best = max(polish, key=lambda item: item[0])
    if best_count:
        # Equal evidence means the text has no ą, ś, ź: its letters read the same in
        # both code pages, so prefer Windows', the more common export. (A general
        # detector reads such short Polish text as Latin-1 or even as CJK.)
        name = best if best_count > min(count for count, _ in polish) else "cp1250"
        return data.decode(name, "replace")  # cp1250 leaves five bytes undefined
    guess = from_bytes(data).best()
    if guess is None:
        raise InputError(f"{where}: cannot tell the text encoding; pass --encoding")
    return data.decode(guess.encoding, "replace")


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file") from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc


def sniff_delimiter(header: str) -> str:
    """The delimiter of a CSV file judged by its header line."""
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


Row = tuple[int, dict[str, Any] | str]
"""A line number and the row read there, or why nothing could be read there."""


def open_csv(
    text: str, *, where: str, delimiter: str | None = None
) -> tuple[list[str], Iterator[Row]]:
    """The stripped header and the rows as dicts keyed by it, each with its line number."""
    if not text.strip():
        raise InputError(f"{where}: the file is empty; expected a header line and rows")
    header_line = text.split("\n", 1)[0]
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter or sniff_delimiter(header_line)
    )
    try:
        header = [name.strip().lstrip("\ufeff") for name in next(reader)]
    except csv.Error as exc:
        raise InputError(f"{where}: line 1: {exc}") from exc

    def rows() -> Iterator[Row]:
        line = reader.line_num
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise InputError(f"{where}: line {reader.line_num}: {exc}") from exc
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                yield (
                    start,
                    (
                        f"{len(cells)} cells but the header has {len(header)}; "
                        "is a cell holding the delimiter missing its quotes?"
                    ),
                )
                continue
            yield start, dict(zip(header, cells, strict=False))

    return header, rows()


def iter_jsonl(text: str, *, where: str) -> Iterator[Row]:
    """Objects of a JSON Lines text with their line numbers; blank lines are skipped."""
    if not text.strip():
        raise InputError(f"{where}: the file is empty; expected one JSON object per line")
    # Only '\n' ends a line: json.dumps(ensure_ascii=False) leaves U+2028 and NEL
    # unescaped inside strings, which str.splitlines() would split on.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, f"not JSON ({exc.msg} at column {exc.colno})"
            continue
        if not isinstance(value, dict):
            yield number, f"expected a JSON object, got {type(value).__name__}"
            continue
        yield number, value


def detect_format(path: Path, explicit: str | None) -> str:
    """'csv' or 'jsonl', from --format or the file name."""
    if explicit:
        return explicit
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise InputError(f"{path}: cannot tell the format from the extension; pass --format csv|jsonl")
