"""Reading interchange files as real exports come (watcher.formats.files)."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from watcher.errors import InputError
from watcher.formats.files import (
    decode,
    detect_format,
    iter_jsonl,
    open_csv,
    read_bytes,
    sniff_delimiter,
)

# Every Polish letter; ą, ś, ź and their capitals are the ones that differ
# between Windows-1250 and ISO-8859-2.
POLISH = "Zażółć gęślą jaźń; ĄĆĘŁŃÓŚŹŻ"
# Polish text without ą, ś, ź: its bytes read the same in both code pages.
POLISH_SHARED = "Łukasz Żółtowski: nie działa internet, brak odpowiedzi na reklamację"


# decode ---------------------------------------------------------------------


def test_decode_strips_utf8_bom() -> None:
    assert decode(codecs.BOM_UTF8 + b"id,subject") == "id,subject"


def test_decode_reads_utf16_with_bom() -> None:
    assert decode("id\tsubject\nT-1\tŻółw".encode("utf-16")) == "id\tsubject\nT-1\tŻółw"


def test_decode_prefers_utf8_when_valid() -> None:
    assert decode(POLISH.encode("utf-8")) == POLISH


@pytest.mark.parametrize("codepage", ["cp1250", "iso8859_2"])
def test_decode_tells_polish_code_pages_apart(codepage: str) -> None:
    assert decode(POLISH.encode(codepage)) == POLISH


@pytest.mark.parametrize("codepage", ["cp1250", "iso8859_2"])
def test_decode_reads_polish_without_distinguishing_letters(codepage: str) -> None:
    text = f"id,subject\nT-1,{POLISH_SHARED}\n"
    assert decode(text.encode(codepage)) == text


def test_decode_replaces_bytes_windows_1250_leaves_undefined() -> None:
    assert decode("ą".encode("cp1250") + b"\x81") == "ą\ufffd"


def test_decode_uses_the_given_encoding() -> None:
    # As UTF-8 these bytes are invalid; as ISO-8859-2 they are 'ą'.
    assert decode("ą".encode("iso8859_2"), "iso8859_2") == "ą"


def test_decode_given_wrong_encoding_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"not valid utf-8 at byte 0"):
        decode("ł".encode("cp1250"), "utf-8", where="tickets.csv")


def test_decode_given_unknown_encoding_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"unknown encoding 'klingon'"):
        decode(b"id", "klingon")


# read_bytes -----------------------------------------------------------------


def test_read_bytes_of_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_bytes(tmp_path / "nowhere.csv")


# sniff_delimiter ------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("id,subject,status", ","),
        ("id;subject;status", ";"),
        ("id\tsubject\tstatus", "\t"),
        ("id|subject|status", "|"),
        ("id", ","),
    ],
)
def test_sniff_delimiter(header: str, delimiter: str) -> None:
    assert sniff_delimiter(header) == delimiter


# open_csv -------------------------------------------------------------------


def test_open_csv_of_empty_text_is_a_clear_error() -> None:
    with pytest.raises(InputError, match=r"t\.csv: the file is empty"):
        open_csv(" \n\n", where="t.csv")


def test_open_csv_strips_header_names() -> None:
    header, _ = open_csv(" id , subject\n", where="t.csv")
    assert header == ["id", "subject"]


def test_open_csv_reads_semicolon_delimited_rows() -> None:
    _, rows = open_csv("id;subject\nT-1;Awaria, pilne\n", where="t.csv")
    assert list(rows) == [(2, {"id": "T-1", "subject": "Awaria, pilne"})]


def test_open_csv_numbers_rows_after_a_multiline_cell_by_their_first_line() -> None:
    text = 'id,subject\nT-1,"one\ntwo\nthree"\nT-2,after\n'
    _, rows = open_csv(text, where="t.csv")
    assert [line for line, _ in rows] == [2, 5]


def test_open_csv_skips_blank_lines_but_keeps_counting_them() -> None:
    _, rows = open_csv("id,subject\n\nT-1,a\n\n\nT-2,b\n", where="t.csv")
    assert [line for line, _ in rows] == [3, 6]


def test_open_csv_counts_crlf_lines_once() -> None:
    _, rows = open_csv("id,subject\r\nT-1,a\r\nT-2,b\r\n", where="t.csv")
    assert list(rows) == [(2, {"id": "T-1", "subject": "a"}), (3, {"id": "T-2", "subject": "b"})]


def test_open_csv_reports_a_row_with_too_many_cells() -> None:
    _, rows = open_csv("id,subject\nT-1,a,b\nT-2,c\n", where="t.csv")
    first, second = list(rows)
    assert first[0] == 2
    assert isinstance(first[1], str)
    assert "3 cells but the header has 2" in first[1]
    assert second == (3, {"id": "T-2", "subject": "c"})


def test_open_csv_leaves_missing_trailing_cells_out() -> None:
    _, rows = open_csv("id,subject,status\nT-1,a\n", where="t.csv")
    assert list(rows) == [(2, {"id": "T-1", "subject": "a"})]


# iter_jsonl -----------------------------------------------------------------


def test_iter_jsonl_of_empty_text_is_a_clear_error() -> None:
    with pytest.raises(InputError, match=r"t\.jsonl: the file is empty"):
        list(iter_jsonl("\n \n", where="t.jsonl"))


def test_iter_jsonl_reports_a_line_that_is_not_json_by_number() -> None:
    rows = list(iter_jsonl('{"id": 1}\n{"id": 2,\n{"id": 3}\n', where="t.jsonl"))
    assert rows[0] == (1, {"id": 1})
    assert rows[1][0] == 2
    assert isinstance(rows[1][1], str)
    assert rows[1][1].startswith("not JSON")
    assert rows[2] == (3, {"id": 3})


def test_iter_jsonl_reports_a_value_that_is_not_an_object() -> None:
    assert list(iter_jsonl("[1, 2]\n", where="t.jsonl")) == [
        (1, "expected a JSON object, got list")
    ]


def test_iter_jsonl_skips_blank_lines_but_keeps_counting_them() -> None:
    rows = list(iter_jsonl('{"id": 1}\n\n{"id": 2}\n', where="t.jsonl"))
    assert rows == [(1, {"id": 1}), (3, {"id": 2})]


def test_iter_jsonl_accepts_crlf_lines() -> None:
    assert list(iter_jsonl('{"id": 1}\r\n{"id": 2}\r\n', where="t.jsonl")) == [
        (1, {"id": 1}),
        (2, {"id": 2}),
    ]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_iter_jsonl_splits_only_on_newlines(separator: str) -> None:
    # json.dumps(ensure_ascii=False), as the writers use it, leaves these unescaped.
    line = json.dumps({"text": f"one{separator}two"}, ensure_ascii=False)
    assert list(iter_jsonl(line + "\n", where="t.jsonl")) == [(1, {"text": f"one{separator}two"})]


# detect_format --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("tickets.csv", "csv"),
        ("TICKETS.CSV", "csv"),
        ("tickets.tsv", "csv"),
        ("tickets.txt", "csv"),
        ("tickets.jsonl", "jsonl"),
        ("tickets.ndjson", "jsonl"),
        ("tickets.json", "jsonl"),
    ],
)
def test_detect_format_by_extension(name: str, fmt: str) -> None:
    assert detect_format(Path(name), None) == fmt


def test_detect_format_of_unknown_extension_is_an_error() -> None:
    with pytest.raises(InputError, match=r"tickets\.xlsx: cannot tell the format.*--format"):
        detect_format(Path("tickets.xlsx"), None)


def test_detect_format_prefers_the_explicit_format() -> None:
    assert detect_format(Path("tickets.xlsx"), "csv") == "csv"
