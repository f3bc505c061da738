"""The Posts interchange format: validating what readers and files give us."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from watcher.errors import InputError
from watcher.formats.posts import PostRecord, parse_post, read_posts, write_posts


def post(**keys: Any) -> dict[str, Any]:
    return {
        "source": "forum",
        "external_id": "p-1",
        "url": "https://forum.example.pl/t/1",
        "author": "jank",
        "author_followers": 120,
        "published_at": "2024-01-15T10:00:00Z",
        "title": "Internet nie działa",
        "text": "Od tygodnia bez internetu.",
        "score": 3,
        "comments": 1,
        "lang": "pl",
    } | keys


def write_jsonl(tmp_path: Path, *rows: dict[str, Any] | str) -> Path:
    path = tmp_path / "posts.jsonl"
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


# parse_post -------------------------------------------------------------------


def test_parse_post_reads_every_key() -> None:
    assert parse_post(post()) == PostRecord(
        source="forum",
        external_id="p-1",
        text="Od tygodnia bez internetu.",
        url="https://forum.example.pl/t/1",
        author="jank",
        author_followers=120,
        published_at=datetime(2024, 1, 15, 10, tzinfo=UTC),
        title="Internet nie działa",
        score=3,
        comments=1,
        lang="pl",
    )


def test_parse_post_needs_only_the_required_keys() -> None:
    record = parse_post({"source": "forum", "external_id": "p-1", "text": "t"})
    assert (record.url, record.author_followers, record.published_at) == (None, None, None)


@pytest.mark.parametrize("key", ["source", "external_id", "text"])
def test_parse_post_missing_required_key_is_named(key: str) -> None:
    row = post()
    del row[key]
    with pytest.raises(ValueError, match=f"missing required key {key}"):
        parse_post(row)


@pytest.mark.parametrize("key", ["source", "external_id"])
def test_parse_post_empty_key_is_refused(key: str) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        parse_post(post(**{key: "  "}))


def test_parse_post_numeric_external_id_becomes_text() -> None:
    assert parse_post(post(external_id=987654321)).external_id == "987654321"


def test_parse_post_text_must_be_a_string() -> None:
    with pytest.raises(ValueError, match="text must be a string"):
        parse_post(post(text=["a"]))


def test_parse_post_without_text_or_title_is_refused() -> None:
    with pytest.raises(ValueError, match="neither text nor title"):
        parse_post(post(text=" ", title=None))


def test_parse_post_with_title_only_is_kept() -> None:
    assert parse_post(post(text="", title="Awaria")).title == "Awaria"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.pl/x",
        "//example.pl/no-scheme",
        "https:///no-host",
    ],
)
def test_parse_post_refuses_urls_that_are_not_http(url: str) -> None:
    with pytest.raises(ValueError, match="is not an http"):
        parse_post(post(url=url))


@pytest.mark.parametrize("url", ["http://example.pl/a", "HTTPS://example.pl/a?b=c"])
def test_parse_post_keeps_http_urls(url: str) -> None:
    assert parse_post(post(url=url)).url == url


@pytest.mark.parametrize("url", [None, ""])
def test_parse_post_empty_url_is_none(url: str | None) -> None:
    assert parse_post(post(url=url)).url is None


@pytest.mark.parametrize("value", [True, False])
def test_parse_post_refuses_bool_author_followers(value: bool) -> None:
    with pytest.raises(ValueError, match="author_followers must be a whole number"):
        parse_post(post(author_followers=value))


@pytest.mark.parametrize("value", ["many", "1.5k", 1.5])
def test_parse_post_refuses_author_followers_that_is_not_whole(value: Any) -> None:
    with pytest.raises(ValueError, match="author_followers"):
        parse_post(post(author_followers=value))


@pytest.mark.parametrize(("value", "number"), [(1200, 1200), ("1200", 1200), (1200.0, 1200)])
def test_parse_post_accepts_whole_author_followers(value: Any, number: int) -> None:
    assert parse_post(post(author_followers=value)).author_followers == number


def test_parse_post_null_author_followers_is_none() -> None:
    assert parse_post(post(author_followers=None)).author_followers is None


def test_parse_post_refuses_bool_score() -> None:
    with pytest.raises(ValueError, match="score"):
        parse_post(post(score=True))


def test_parse_post_reads_published_at_as_utc() -> None:
    published = parse_post(post(published_at="2024-07-15T10:00:00+02:00")).published_at
    assert published == datetime(2024, 7, 15, 8, tzinfo=UTC)


def test_parse_post_bad_published_at_is_named() -> None:
    with pytest.raises(ValueError, match="bad date 'wczoraj' in published_at"):
        parse_post(post(published_at="wczoraj"))


def test_content_hash_follows_title_and_text_only() -> None:
    base = parse_post(post())
    assert base.content_hash() == parse_post(post(score=99, author_followers=5)).content_hash()
    assert base.content_hash() != parse_post(post(text="edited")).content_hash()
    assert base.content_hash() != parse_post(post(title="edited")).content_hash()


# read_posts ------------------------------------------------------------------------


def test_read_posts_reads_valid_lines(tmp_path: Path) -> None:
    result = read_posts(write_jsonl(tmp_path, post(), post(external_id="p-2")))
    assert [r.external_id for r in result.records] == ["p-1", "p-2"]
    assert (result.invalid, result.duplicates, result.rows) == ([], [], 2)


def test_read_posts_repeated_post_last_wins(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path, post(text="old"), post(external_id="p-2"), post(text="new"))
    result = read_posts(path)
    assert [(r.external_id, r.text) for r in result.records] == [
        ("p-2", post()["text"]),
        ("p-1", "new"),
    ]


def test_read_posts_reports_repeated_post_by_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path, post(text="old"), post(external_id="p-2"), post(text="new"))
    (issue,) = read_posts(path).duplicates
    assert issue.line == 3
    assert "forum/p-1 also on line 1" in issue.message


def test_read_posts_same_id_in_two_sources_is_two_posts(tmp_path: Path) -> None:
    result = read_posts(write_jsonl(tmp_path, post(), post(source="blog")))
    assert len(result.records) == 2
    assert result.duplicates == []


def test_read_posts_reports_a_line_that_is_not_json(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path, post(), '{"source": "forum", "external_id": ', post(external_id="p-3")
    )
    result = read_posts(path)
    assert [r.external_id for r in result.records] == ["p-1", "p-3"]
    (issue,) = result.invalid
    assert issue.line == 2
    assert issue.message.startswith("not JSON")


def test_read_posts_reports_an_invalid_post_by_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path, post(), post(external_id="p-2", url="javascript:alert(1)"))
    (issue,) = read_posts(path).invalid
    assert issue.line == 2
    assert "not an http(s) address" in issue.message


def test_read_posts_of_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="the file is empty"):
        read_posts(path)


def test_written_posts_read_back_the_same(tmp_path: Path) -> None:
    rows = [post(text="Dwie linie\nI separator\u2028wiersza"), post(external_id="p-2", title=None)]
    path = tmp_path / "posts.jsonl"
    with path.open("w", encoding="utf-8") as out:
        assert write_posts(rows, out) == 2
    assert read_posts(path).records == [parse_post(row) for row in rows]


def test_write_posts_keeps_polish_letters_readable() -> None:
    out = io.StringIO()
    write_posts([post()], out)
    assert "Internet nie działa" in out.getvalue()
