"""Forum presets against pages written like each engine renders them (tests/spiders/pages).

The pages imitate phpBB 2/3, vBulletin 3/4/5, XenForo 1/2, SMF 2 and NodeBB
markup; each thread has a post with a script and an escaped `<!channel>`. Dates
are read only where the engine gives a zone or epoch seconds; engines that show
local text dates yield none.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.fakeweb import FakeWeb, Reply, fake_web
from watcher.config import load_config
from watcher.models import Post, Source
from watcher.sources.collect import collect_source
from watcher.spiders.forum import extract_posts, is_thread, next_page, thread_links
from watcher.spiders.presets import FORUM_PRESETS
from watcher.spiders.text import parse_date

PAGES = Path(__file__).parent / "pages"
URL = "https://forum.example/thread"
T1, T2, T3, T4, L2 = (f"2026-01-12T{t}:00Z" for t in ("07:14", "08:02", "09:40", "10:05", "08:40"))

# preset: (thread title, next page href, [(post_id, author, published_at), ...]); the pages
# show Warsaw time, in text or zone-less attributes, except where the engine gives UTC.
THREADS: dict[str, tuple[str, str | None, list[tuple[str, str, str | None]]]] = {
    "phpbb2": (
        "Brak internetu w Nowej Hucie", "viewtopic.php?t=805&start=15",
        [("4513", "kasia_z_huty", T1), ("4514", "Tom H.", T2), ("4519", "Gość", T3)],
    ),
    "phpbb3": (
        "Awaria światłowodu na Kazimierzu", "./viewtopic.php?t=412&start=10",
        [("p1001", "grzesiek_b", T1), ("p1002", "Emily_C", T2), ("p1003", "Ania (gość)", T4)],
    ),
    "vbulletin3": (
        "Telewizja kablowa znika wieczorem", "showthread.php?t=501&page=2",
        [("post9001", "marek_k", T1), ("post9002", "Jenny W", L2)],
    ),
    "vbulletin4": (
        "Faktura wyższa niż w umowie", "showthread.php?t=77&page=2",
        [("post_2001", "jan.nowak", T1), ("post_2004", "Mike (guest)", L2)],
    ),
    "vbulletin5": (
        "Modem gubi zasięg LTE",
        "https://forum.example/forum/internet/3001-modem-gubi-zasieg-lte/page2",
        [("3001", "ewa.k", "2026-01-12T06:14:00Z"), ("3007", "Dave", "2026-01-12T07:02:00Z")],
    ),
    "xenforo1": (
        "Brak internetu po burzy", "threads/brak-internetu-po-burzy.55/page-2",
        [("post-5501", "ola", T1), ("post-5512", "Support_Team", T2),
         ("post-4988", "Krzysztof", "2025-11-03T20:40:00Z")],
    ),
    "xenforo2": (
        "Awaria sieci w Bieżanowie", "/threads/awaria-sieci.88/page-2",
        [("post-8801", "piotr_w", T1), ("post-8815", "Sarah K.", T4)],
    ),
    "smf2": (
        "Internet wolniejszy niż w umowie", "https://forum.example/index.php/topic,101.15.html",
        [("msg_1001", "ania_k", T1), ("msg_1004", "Guest John", L2)],
    ),
    "nodebb": (
        "Aplikacja operatora wylogowuje co chwilę", None,
        [("420", "zofia", T1), ("427", "Chris_M", T3)],
    ),
}  # fmt: skip

# preset: (thread links, next page href)
BOARDS: dict[str, tuple[list[str], str]] = {
    "phpbb2": (
        ["viewtopic.php?t=805", "viewtopic.php?t=12", "viewtopic.php?t=799"],
        "viewforum.php?f=4&topicdays=0&start=20",
    ),
    "vbulletin4": (["showthread.php?t=77", "showthread.php?t=74"], "forumdisplay.php?f=3&page=2"),
    "xenforo2": (
        ["/threads/awaria-sieci.88/", "/threads/billing-in-english.81/"],
        "/forums/internet-i-tv.5/page-2",
    ),
    "smf2": (
        ["https://forum.example/index.php/topic,101.0.html",
         "https://forum.example/index.php/topic,98.0.html"],
        "https://forum.example/index.php/board,1.20.html",
    ),
}  # fmt: skip


def _page(name: str) -> HtmlResponse:
    return HtmlResponse(url=URL, body=(PAGES / name).read_bytes())


def test_every_preset_has_a_thread_page() -> None:
    assert set(THREADS) == set(FORUM_PRESETS)


@pytest.mark.parametrize("preset", sorted(THREADS))
def test_thread_page_yields_each_post_with_its_author_and_date(preset: str) -> None:
    title, following, expected = THREADS[preset]
    selectors = FORUM_PRESETS[preset]
    page = _page(f"{preset}_thread.html")
    assert is_thread(page, selectors)
    posts = extract_posts(page, selectors, URL, timezone="Europe/Warsaw")  # shown as local time
    assert [(p["post_id"], p["author"], p["published_at"]) for p in posts] == expected
    assert [p["url"] for p in posts] == [f"{URL}#{post_id}" for post_id, _, _ in expected]
    assert posts[0]["title"] == title and posts[1]["title"] == f"Re: {title}"
    assert next_page(page, selectors) == following
    text = "\n".join(p["text"] for p in posts)
    assert "alert(1)" not in text and "<script" not in text
    assert "<!channel>" in text
    assert all(p["text"] and "  " not in p["text"] for p in posts)


@pytest.mark.parametrize("preset", sorted(BOARDS))
def test_board_page_lists_its_threads_and_the_next_page(preset: str) -> None:
    links, following = BOARDS[preset]
    selectors = FORUM_PRESETS[preset]
    page = _page(f"{preset}_board.html")
    assert not is_thread(page, selectors)
    assert thread_links(page, selectors) == links
    assert next_page(page, selectors) == following


@pytest.mark.parametrize(
    ("value", "iso"),
    [("1768202040", T1), (" 1768202040 ", T1), ("1768202040000", None), ("2026", None),
     ("12 Sty 2026 o 08:14", None)],
)  # fmt: skip
def test_epoch_seconds_are_dates(value: str, iso: str | None) -> None:
    assert parse_date(value) == iso


# preset: (board path, {path: page}, authors, dates, paths the crawl must have asked for)
CRAWLS = {
    "smf2": (
        "/index.php/board,1.0.html",
        {"/index.php/board,1.0.html": "smf2_board.html",
         "/index.php/topic,101.0.html": "smf2_thread.html"},
        {"ania_k", "Guest John"}, {"2026-01-12 07:14:00", "2026-01-12 08:40:00"},
        {"/index.php/topic,98.0.html", "/index.php/board,1.20.html",
         "/index.php/topic,101.15.html"},
    ),
    "xenforo2": (
        "/forums/internet-i-tv.5/",
        {"/forums/internet-i-tv.5": "xenforo2_board.html",
         "/threads/awaria-sieci.88": "xenforo2_thread.html"},
        {"piotr_w", "Sarah K."}, {"2026-01-12 07:14:00", "2026-01-12 10:05:00"},
        {"/threads/billing-in-english.81/", "/forums/internet-i-tv.5/page-2",
         "/threads/awaria-sieci.88/page-2"},
    ),
}  # fmt: skip


@pytest.fixture
def forum_web() -> Iterator[FakeWeb]:
    with fake_web() as web:
        yield web


def _serve(web: FakeWeb, pages: dict[str, str]) -> None:
    for path, name in pages.items():
        body = (PAGES / name).read_text(encoding="utf-8").replace("https://forum.example", web.base)
        headers = {"Content-Type": "text/html; charset=utf-8"}
        web.reply(path, Reply(200, body.encode("utf-8"), headers))


@pytest.mark.parametrize("preset", sorted(CRAWLS))
def test_the_spider_crawls_a_board_and_its_threads(
    preset: str, session: Session, forum_web: FakeWeb, tmp_path: Path
) -> None:
    start, pages, authors, dates, followed = CRAWLS[preset]
    _serve(forum_web, pages)
    config_path = tmp_path / "watcher.toml"
    config_path.write_text(
        f"""
[[sources]]
name = "forum"
type = "forum"
url = "{forum_web.base}{start}"
preset = "{preset}"
internal = true
timezone = "Europe/Warsaw"
""",
        encoding="utf-8",
    )
    config = load_config(str(config_path))
    result = collect_source(session, config, config.sources[0])
    posts = list(session.scalars(select(Post).join(Source).where(Source.name == "forum")))
    assert result.created == len(posts) == len(authors)
    assert {p.author for p in posts} == authors
    assert {p.published_at and f"{p.published_at:%Y-%m-%d %H:%M:%S}" for p in posts} == dates
    host = forum_web.base.split("://")[1]
    thread_ids = {post_id for post_id, _, _ in THREADS[preset][2]}
    assert {p.external_id for p in posts} == {f"{host}/{i}" for i in thread_ids}
    text = "\n".join(p.text for p in posts)
    assert "alert(1)" not in text and "<!channel>" in text
    assert followed <= {seen.path for seen in forum_web.seen}


def test_unchanged_threads_are_not_fetched_again_and_new_replies_are(
    session: Session, forum_web: FakeWeb, tmp_path: Path
) -> None:
    start, pages, *_ = CRAWLS["smf2"]
    _serve(forum_web, pages)
    config_path = tmp_path / "watcher.toml"
    config_path.write_text(
        f'[[sources]]\nname = "forum"\ntype = "forum"\nurl = "{forum_web.base}{start}"\n'
        'preset = "smf2"\ninternal = true\n',
        encoding="utf-8",
    )
    config = load_config(str(config_path))
    thread = "/index.php/topic,101.0.html"

    def crawl() -> int:
        before = sum(seen.path == thread for seen in forum_web.seen)
        collect_source(session, config, config.sources[0])
        return sum(seen.path == thread for seen in forum_web.seen) - before

    assert crawl() == 1
    assert crawl() == 0  # the board row is as it was: nothing new in the thread
    board = (PAGES / "smf2_board.html").read_text(encoding="utf-8")
    seen_more = board.replace("120 Wyświetleń", "121 Wyświetleń")  # a visit, not a reply
    forum_web.reply(
        start, Reply(200, seen_more.replace("https://forum.example", forum_web.base).encode())
    )
    assert crawl() == 0
    replied = seen_more.replace("16 Odpowiedzi", "17 Odpowiedzi").replace("#msg1090", "#msg1091")
    forum_web.reply(
        start, Reply(200, replied.replace("https://forum.example", forum_web.base).encode())
    )
    assert crawl() == 1


BOARD = """<html><body><ul class="topiclist">
<li class="row"><a class="topictitle" href="/t/1">Awaria w Łodzi</a> 3 odpowiedzi</li>
<li class="row"><a class="topictitle" href="/private/t/2">Ukryty wątek</a></li>
<li class="row"><a class="topictitle" href="/t/3">Bardzo długi wątek</a></li>
</ul><ul><li class="arrow next"><a href="{next}">Dalej</a></li></ul></body></html>"""
THREAD = """<html><head><title>Awaria</title></head><body><h2 class="topic-title">{title}</h2>
<div id="p{n}" class="post"><p class="author"><a class="username">{author}</a>
<time datetime="2026-11-19T07:14:00+00:00">wczoraj</time></p>
<div class="content">{text}</div></div></body></html>"""


def test_a_hostile_forum_robots_loops_encodings_and_a_huge_page(
    session: Session, forum_web: FakeWeb, tmp_path: Path
) -> None:
    html = {"Content-Type": "text/html; charset=utf-8"}
    forum_web.reply("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private/\n"))
    # The board's pages point at each other for ever.
    forum_web.reply("/board", Reply(200, BOARD.format(next="/board2").encode(), html))
    forum_web.reply("/board2", Reply(200, BOARD.format(next="/board").encode(), html))
    polish = THREAD.format(title="Awaria w Łodzi", n=1, author="Żaneta",
                           text="Nie działa internet, zgłoszenie bez odpowiedzi. Źle!")  # fmt: skip
    forum_web.reply(
        "/t/1",
        Reply(200, polish.encode("cp1250"), {"Content-Type": "text/html; charset=windows-1250"}),
    )
    secret = THREAD.format(title="x", n=2, author="x", text="never to be read")
    forum_web.reply("/private/t/2", Reply(200, secret.encode(), html))
    huge = THREAD.format(title="Długi", n=3, author="spam", text="bla " * 5_000_000)
    forum_web.reply("/t/3", Reply(200, huge.encode(), html))
    config_path = tmp_path / "watcher.toml"
    config_path.write_text(
        f'[[sources]]\nname = "forum"\ntype = "forum"\nurl = "{forum_web.base}/board"\n'
        'preset = "phpbb3"\ninternal = true\ndelay = 0\n',
        encoding="utf-8",
    )
    config = load_config(str(config_path), overrides={"FETCH_MAX_BYTES": 1_000_000})
    result = collect_source(session, config, config.sources[0])
    posts = list(session.scalars(select(Post).join(Source).where(Source.name == "forum")))
    assert [(p.author, p.text) for p in posts] == [
        ("Żaneta", "Nie działa internet, zgłoszenie bez odpowiedzi. Źle!")
    ]
    assert result.created == 1
    paths = [seen.path for seen in forum_web.seen]
    assert "/private/t/2" not in paths  # robots.txt said no
    # The loop ends: each board page is read once more at most (the start page is always read).
    assert paths.count("/board") <= 2 and paths.count("/board2") == 1
    assert paths.count("/t/3") == 1  # asked once, refused as too big, nothing of it stored
