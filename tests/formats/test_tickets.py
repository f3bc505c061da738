"""The Tickets interchange format: every bad input a helpdesk export comes with."""

from __future__ import annotations

import codecs
import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from watcher.errors import InputError
from watcher.formats.tickets import (
    COLUMNS,
    WATCHER_COLUMNS,
    ReadResult,
    RowIssue,
    export_columns,
    parse_ticket,
    read_tickets,
    write_tickets,
)

HEADER = "id,subject,status,created_at"
WARSAW = ZoneInfo("Europe/Warsaw")
POLISH = "Zażółć gęślą jaźń; ĄĆĘŁŃÓŚŹŻ"


def write(tmp_path: Path, text: str, name: str = "tickets.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read(path: Path, **options: Any) -> ReadResult:
    options.setdefault("default_tz", UTC)
    return read_tickets(path, **options)


def read_csv(tmp_path: Path, text: str, **options: Any) -> ReadResult:
    return read(write(tmp_path, text), **options)


def only(result: ReadResult) -> Any:
    assert not result.invalid, result.invalid
    assert len(result.records) == 1
    return result.records[0]


def row(**cells: Any) -> dict[str, Any]:
    return {
        "id": "T-1",
        "subject": "s",
        "status": "open",
        "created_at": "2024-01-15T10:00:00Z",
    } | cells


# Encodings and delimiters -----------------------------------------------------


def test_utf8_bom_before_the_header_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    path.write_bytes(codecs.BOM_UTF8 + f"{HEADER}\nT-1,s,open,2024-01-15T10:00:00Z\n".encode())
    assert only(read(path)).id == "T-1"


def test_utf8_bom_is_ignored_when_the_encoding_is_given(tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    path.write_bytes(codecs.BOM_UTF8 + f"{HEADER}\nT-1,s,open,2024-01-15T10:00:00Z\n".encode())
    assert only(read(path, encoding="utf-8")).id == "T-1"


def test_semicolon_delimited_file(tmp_path: Path) -> None:
    text = "id;subject;status;created_at\nT-1;Awaria, pilne;open;2024-01-15T10:00:00Z\n"
    assert only(read_csv(tmp_path, text)).subject == "Awaria, pilne"


def test_utf16_tab_separated_excel_export(tmp_path: Path) -> None:
    text = "id\tsubject\tstatus\tcreated_at\r\nT-1\tŻółw\topen\t2024-01-15T10:00:00Z\r\n"
    path = write(tmp_path, text, name="tickets.txt", encoding="utf-16")
    assert only(read(path)).subject == "Żółw"


@pytest.mark.parametrize("codepage", ["cp1250", "iso8859_2"])
def test_polish_code_page_is_detected(tmp_path: Path, codepage: str) -> None:
    text = f"{HEADER},requester_name\nT-1,{POLISH},open,2024-01-15T10:00:00Z,Łukasz Ślęzak\n"
    record = only(read(write(tmp_path, text, encoding=codepage)))
    assert record.subject == POLISH
    assert record.requester_name == "Łukasz Ślęzak"


@pytest.mark.parametrize("codepage", ["cp1250", "iso8859_2"])
def test_polish_code_page_is_read_as_given(tmp_path: Path, codepage: str) -> None:
    path = write(tmp_path, f"{HEADER}\nT-1,{POLISH},open,2024-01-15T10:00:00Z\n", encoding=codepage)
    assert only(read(path, encoding=codepage)).subject == POLISH


def test_crlf_line_endings_leave_no_carriage_returns(tmp_path: Path) -> None:
    record = only(read_csv(tmp_path, f"{HEADER},tags\r\nT-1,s,open,2024-01-15T10:00:00Z,a;b\r\n"))
    assert record.tags == ("a", "b")


# Header -------------------------------------------------------------------------


@pytest.mark.parametrize("column", ["id", "subject", "status", "created_at"])
def test_missing_required_column_is_an_error_naming_it(tmp_path: Path, column: str) -> None:
    header = ",".join(c for c in HEADER.split(",") if c != column)
    path = write(tmp_path, f"{header}\nx,y,z\n")
    with pytest.raises(InputError, match=rf"missing required column\(s\) {column};"):
        read(path)


def test_unknown_extra_column_is_kept_in_extra(tmp_path: Path) -> None:
    record = only(read_csv(tmp_path, f"{HEADER},shop_region\nT-1,s,open,2024-01-15,Mazowsze\n"))
    assert record.extra == {"shop_region": "Mazowsze"}


def test_empty_extra_cell_is_left_out_of_extra(tmp_path: Path) -> None:
    record = only(read_csv(tmp_path, f"{HEADER},shop_region\nT-1,s,open,2024-01-15,\n"))
    assert record.extra == {}


def test_watchers_own_export_columns_are_not_extra(tmp_path: Path) -> None:
    text = f"{HEADER},current_priority,public_complaint\nT-1,s,open,2024-01-15,urgent,True\n"
    assert only(read_csv(tmp_path, text)).extra == {}


@pytest.mark.parametrize("text", ["", "\n\n", "   "])
def test_empty_csv_file_is_a_clear_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(InputError, match="the file is empty"):
        read_csv(tmp_path, text)


def test_empty_jsonl_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="the file is empty"):
        read(write(tmp_path, "", name="tickets.jsonl"))


def test_header_only_file_has_no_records(tmp_path: Path) -> None:
    result = read_csv(tmp_path, f"{HEADER}\n")
    assert (result.records, result.invalid, result.rows) == ([], [], 0)


# Cells ----------------------------------------------------------------------------


def test_ten_megabyte_description_is_read_intact(tmp_path: Path) -> None:
    description = 'ERROR 500, "gateway" timeout; retrying\n' * (10 * 1024 * 1024 // 40) + "end"
    buffer = io.StringIO()
    write_tickets(
        [row(description=description)], buffer, "csv", [*HEADER.split(","), "description"]
    )
    assert only(read_csv(tmp_path, buffer.getvalue())).description == description


def test_duplicate_id_last_row_wins(tmp_path: Path) -> None:
    text = (
        f"{HEADER}\n"
        "T-1,first,open,2024-01-15T10:00:00Z\n"
        "T-2,other,open,2024-01-15T10:00:00Z\n"
        "T-1,second,solved,2024-01-15T10:00:00Z\n"
    )
    result = read_csv(tmp_path, text)
    assert [(r.id, r.subject) for r in result.records] == [("T-2", "other"), ("T-1", "second")]


def test_duplicate_id_is_reported_with_both_line_numbers(tmp_path: Path) -> None:
    text = (
        f"{HEADER}\nT-1,first,open,2024-01-15\nT-2,x,open,2024-01-15\nT-1,second,open,2024-01-15\n"
    )
    (issue,) = read_csv(tmp_path, text).duplicates
    assert issue.line == 4
    assert "also on line 2" in issue.message


@pytest.mark.parametrize(
    ("cell", "utc"),
    [
        ("2024-01-15T10:00:00Z", datetime(2024, 1, 15, 10, 0, tzinfo=UTC)),
        ("2024-01-15T10:00:00+01:00", datetime(2024, 1, 15, 9, 0, tzinfo=UTC)),
        ("2024-07-15T10:00:00-04:00", datetime(2024, 7, 15, 14, 0, tzinfo=UTC)),
    ],
)
def test_timestamp_with_zone_is_stored_as_utc(tmp_path: Path, cell: str, utc: datetime) -> None:
    created = only(read_csv(tmp_path, f"{HEADER}\nT-1,s,open,{cell}\n")).created_at
    assert created == utc
    assert created.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("cell", "utc"),
    [
        ("2024-01-15T10:00:00", datetime(2024, 1, 15, 9, 0, tzinfo=UTC)),  # CET, +01:00
        ("2024-07-15T10:00:00", datetime(2024, 7, 15, 8, 0, tzinfo=UTC)),  # CEST, +02:00
        ("2024-07-15 10:00", datetime(2024, 7, 15, 8, 0, tzinfo=UTC)),
    ],
)
def test_naive_timestamp_is_read_in_the_default_zone(
    tmp_path: Path, cell: str, utc: datetime
) -> None:
    path = write(tmp_path, f"{HEADER}\nT-1,s,open,{cell}\n")
    created = only(read(path, default_tz=WARSAW)).created_at
    assert created == utc
    assert created.utcoffset() == timedelta(0)


def test_default_zone_does_not_shift_a_timestamp_with_zone(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\nT-1,s,open,2024-01-15T10:00:00Z\n")
    assert only(read(path, default_tz=WARSAW)).created_at == datetime(2024, 1, 15, 10, tzinfo=UTC)


def test_polish_decimal_comma_in_compensation(tmp_path: Path) -> None:
    record = only(read_csv(tmp_path, f'{HEADER},compensation\nT-1,s,open,2024-01-15,"12,50"\n'))
    assert record.compensation == Decimal("12.50")


def test_compensation_with_space_thousands_separator(tmp_path: Path) -> None:
    text = f'{HEADER},compensation\nT-1,s,open,2024-01-15,"1\u00a0234,50"\n'
    assert only(read_csv(tmp_path, text)).compensation == Decimal("1234.50")


@pytest.mark.parametrize("spelling", ["On hold", "on-hold", "ON_HOLD", "on_hold"])
def test_on_hold_spellings_are_normalised(tmp_path: Path, spelling: str) -> None:
    assert only(read_csv(tmp_path, f"{HEADER}\nT-1,s,{spelling},2024-01-15\n")).status == "on_hold"


def test_empty_optional_cells_are_none(tmp_path: Path) -> None:
    header = ",".join(COLUMNS)
    cells = ",".join(
        {"id": "T-1", "subject": "s", "status": "open", "created_at": "2024-01-15"}.get(c, "")
        for c in COLUMNS
    )
    record = only(read_csv(tmp_path, f"{header}\n{cells}\n"))
    assert (record.priority, record.solved_at, record.compensation, record.tags) == (
        None,
        None,
        None,
        (),
    )


def test_tags_and_handles_are_split_on_semicolons(tmp_path: Path) -> None:
    text = (
        f"{HEADER},tags,requester_handles\nT-1,s,open,2024-01-15,a; b;;c,twitter:@JanK; fb:jan.k\n"
    )
    record = only(read_csv(tmp_path, text))
    assert record.tags == ("a", "b", "c")
    assert record.handles() == [("twitter", "@JanK"), ("fb", "jan.k")]


@pytest.mark.parametrize(
    "cell",
    [
        '"twitter:ania_k reddit:anka_k"',
        '"twitter:ania_k, reddit:anka_k"',
        "twitter:ania_k;reddit:anka_k",
    ],
)
def test_handles_written_apart_by_spaces_or_commas_are_split_too(tmp_path: Path, cell: str) -> None:
    record = only(read_csv(tmp_path, f"{HEADER},requester_handles\nT-1,s,open,2024-01-15,{cell}\n"))
    assert record.handles() == [("twitter", "ania_k"), ("reddit", "anka_k")]


# Bad rows: reported by line, the rest still read --------------------------------


def invalid(tmp_path: Path, text: str) -> list[RowIssue]:
    return read_csv(tmp_path, text).invalid


@pytest.mark.parametrize("cell", ["15.01.2024", "2024-13-01", "yesterday"])
def test_bad_date_is_reported_by_line_and_column(tmp_path: Path, cell: str) -> None:
    text = f"{HEADER}\nT-1,s,open,2024-01-15\nT-2,s,open,{cell}\n"
    result = read_csv(tmp_path, text)
    assert [r.id for r in result.records] == ["T-1"]
    ((line, message),) = [(i.line, i.message) for i in result.invalid]
    assert line == 3
    assert f"bad date {cell!r} in created_at" in message


def test_bad_solved_at_names_its_column(tmp_path: Path) -> None:
    (issue,) = invalid(tmp_path, f"{HEADER},solved_at\nT-1,s,solved,2024-01-15,soon\n")
    assert "in solved_at" in issue.message


def test_unknown_status_is_reported(tmp_path: Path) -> None:
    (issue,) = invalid(tmp_path, f"{HEADER}\nT-1,s,escalated,2024-01-15\n")
    assert (issue.line, issue.message.split(";")[0]) == (2, "unknown status 'escalated'")


def test_unknown_priority_is_reported(tmp_path: Path) -> None:
    (issue,) = invalid(tmp_path, f"{HEADER},priority\nT-1,s,open,2024-01-15,critical\n")
    assert "unknown priority 'critical'" in issue.message


def test_negative_compensation_is_reported(tmp_path: Path) -> None:
    (issue,) = invalid(tmp_path, f"{HEADER},compensation\nT-1,s,open,2024-01-15,-5\n")
    assert issue.message == "compensation '-5' must be a non-negative number"


def test_compensation_that_is_not_a_number_is_reported(tmp_path: Path) -> None:
    (issue,) = invalid(tmp_path, f"{HEADER},compensation\nT-1,s,open,2024-01-15,100 zł\n")
    assert "is not a number" in issue.message


@pytest.mark.parametrize("column", ["id", "status", "created_at"])
def test_empty_required_cell_is_reported(tmp_path: Path, column: str) -> None:
    cells = {"id": "T-1", "subject": "s", "status": "open", "created_at": "2024-01-15", column: ""}
    (issue,) = invalid(tmp_path, f"{HEADER}\n{','.join(cells.values())}\n")
    assert issue.message == f"{column} is empty"


def test_rows_after_a_multiline_cell_keep_their_line_numbers(tmp_path: Path) -> None:
    text = (
        f"{HEADER},description\n"
        'T-1,s,open,2024-01-15,"line one\nline two, with comma\n""quoted"" three"\n'
        "T-2,s,escalated,2024-01-15,\n"
        "T-3,s,open,2024-01-15,\n"
        "T-3,s,open,2024-01-15,\n"
    )
    result = read_csv(tmp_path, text)
    assert result.records[0].description == 'line one\nline two, with comma\n"quoted" three'
    assert [i.line for i in result.invalid] == [5]
    assert [i.line for i in result.duplicates] == [7]
    assert "also on line 6" in result.duplicates[0].message


def test_too_many_cells_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    text = f"{HEADER}\nT-1,Awaria, pilne,open,2024-01-15\nT-2,s,open,2024-01-15\n"
    result = read_csv(tmp_path, text)
    assert [r.id for r in result.records] == ["T-2"]
    (issue,) = result.invalid
    assert issue.line == 2
    assert "5 cells but the header has 4" in issue.message


def test_too_few_cells_reports_the_missing_required_key(tmp_path: Path) -> None:
    (issue,) = invalid(tmp_path, f"{HEADER}\nT-1,s,open\n")
    assert str(issue) == "line 2: missing required key(s) created_at"


def test_rows_counts_every_row_read(tmp_path: Path) -> None:
    text = f"{HEADER}\nT-1,s,open,2024-01-15\nT-2,s,bad,2024-01-15\nT-1,s,open,2024-01-15\n"
    assert read_csv(tmp_path, text).rows == 3


# JSONL ---------------------------------------------------------------------------------


def write_jsonl(tmp_path: Path, *lines: str) -> Path:
    return write(tmp_path, "".join(line + "\n" for line in lines), name="tickets.jsonl")


def test_jsonl_tickets_are_read(tmp_path: Path) -> None:
    line = json.dumps(row(subject=POLISH, tags=["a", "b"], compensation=12.5), ensure_ascii=False)
    record = only(read(write_jsonl(tmp_path, line)))
    assert (record.subject, record.tags, record.compensation) == (
        POLISH,
        ("a", "b"),
        Decimal("12.5"),
    )


@pytest.mark.parametrize("value", [1234, 1234.0])
def test_jsonl_numeric_id_becomes_text(tmp_path: Path, value: float) -> None:
    assert only(read(write_jsonl(tmp_path, json.dumps(row(id=value))))).id == "1234"


def test_jsonl_line_that_is_not_json_is_reported_by_number(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path, json.dumps(row()), "{id: T-2,", json.dumps(row(id="T-3")))
    result = read(path)
    assert [r.id for r in result.records] == ["T-1", "T-3"]
    (issue,) = result.invalid
    assert issue.line == 2
    assert issue.message.startswith("not JSON")


def test_jsonl_missing_required_key_is_reported(tmp_path: Path) -> None:
    ticket = row()
    del ticket["created_at"]
    (issue,) = read(write_jsonl(tmp_path, json.dumps(ticket))).invalid
    assert str(issue) == "line 1: missing required key(s) created_at"


def test_jsonl_null_optional_values_are_none(tmp_path: Path) -> None:
    record = only(read(write_jsonl(tmp_path, json.dumps(row(priority=None, solved_at=None)))))
    assert (record.priority, record.solved_at) == (None, None)


def test_jsonl_unknown_key_is_kept_in_extra(tmp_path: Path) -> None:
    record = only(read(write_jsonl(tmp_path, json.dumps(row(shop={"region": "PL-14"})))))
    assert record.extra == {"shop": {"region": "PL-14"}}


# Format detection ------------------------------------------------------------------------


def test_format_is_told_by_extension(tmp_path: Path) -> None:
    # The same JSON text is a CSV with a mangled header when named .csv.
    text = json.dumps(row()) + "\n"
    assert only(read(write(tmp_path, text, name="t.ndjson"))).id == "T-1"
    with pytest.raises(InputError, match="missing required column"):
        read(write(tmp_path, text, name="t.csv"))


def test_explicit_format_overrides_the_extension(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps(row()) + "\n", name="t.csv")
    assert only(read(path, fmt="jsonl")).id == "T-1"


def test_unknown_extension_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEADER}\nT-1,s,open,2024-01-15\n", name="tickets.xlsx")
    with pytest.raises(InputError, match="cannot tell the format from the extension"):
        read(path)


# parse_ticket and write_tickets ---------------------------------------------------------------


def test_parse_ticket_error_names_the_cell() -> None:
    with pytest.raises(ValueError, match="unknown customer_tier 'gold'"):
        parse_ticket(row(customer_tier="gold"), UTC)


def test_content_hash_changes_with_any_field() -> None:
    base = parse_ticket(row(), UTC)
    assert base.content_hash() == parse_ticket(row(), UTC).content_hash()
    assert base.content_hash() != parse_ticket(row(status="solved"), UTC).content_hash()
    assert base.content_hash() != parse_ticket(row(shop="x"), UTC).content_hash()


@pytest.mark.parametrize(("read_as", "exported_as"), [("12,5", "12.50"), ("100", "100.00")])
def test_content_hash_ignores_how_an_amount_is_written(read_as: str, exported_as: str) -> None:
    written = parse_ticket(row(compensation=read_as), UTC)
    exported = parse_ticket(row(compensation=exported_as), UTC)
    assert written.content_hash() == exported.content_hash()


def test_export_columns_put_extra_keys_last_and_sorted() -> None:
    assert export_columns(["zone", "area", "zone"]) == [*COLUMNS, *WATCHER_COLUMNS, "area", "zone"]


def test_write_tickets_csv_writes_none_as_empty_cell() -> None:
    out = io.StringIO()
    count = write_tickets([row(priority=None)], out, "csv", [*HEADER.split(","), "priority"])
    assert count == 1
    assert out.getvalue().splitlines() == [f"{HEADER},priority", "T-1,s,open,2024-01-15T10:00:00Z,"]


def test_write_tickets_jsonl_writes_one_object_per_line() -> None:
    out = io.StringIO()
    assert write_tickets([row(id="A"), row(id="B")], out, "jsonl", []) == 2
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == ["A", "B"]
