"""Benchmark: a forum crawl and a feed ingest into SQLite, against bare Scrapy and feedparser.

Goals (2-core reference machine):

- forum: watcher's crawl of a local phpBB3 forum of 5,000 posts, storage included,
  takes at most 1.2x the time of a bare Scrapy spider that extracts the same
  fields with the same selectors and stores nothing;
- feed: ingesting an RSS feed of 10,000 entries runs at 1,000 entries/s or more
  and takes at most 1.3x bare `feedparser.parse` of the same bytes.

The script writes the forum (250 threads of 20 posts, 25 topics per board page,
10 posts per thread page, phpBB 3.3 prosilver markup) and the feed into a
temporary directory, serves them on 127.0.0.1 and times, each run in a fresh
process:

- forum (a) `collect_source` for a forum source (preset phpbb3, internal) into a
  fresh SQLite database, commit included; (b) a bare Scrapy spider in a child
  process (CrawlerProcess, no item pipeline). Both use watcher's own Scrapy
  settings (DOWNLOAD_DELAY, AUTOTHROTTLE_ENABLED, ROBOTSTXT_OBEY, concurrency, ...);
  `--delay` sets DOWNLOAD_DELAY for both (watcher's crawl takes no such source
  option, so the script sets it in watcher's crawl child through a
  sitecustomize on PYTHONPATH).
- feed (a) `feedparser.parse(bytes)`; (b) `collect_source` for a feed source into a
  fresh SQLite database: fetch, parse, store, commit.

Each part runs --runs times (default 3); the medians are compared with the goals.
Exits 1 if a goal is missed, 2 if a run stored or scraped the wrong number of posts.

    .venv/bin/python bench/bench_ingest.py [--part forum|feed|both] [--delay S] [--profile]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape as xml_escape
from zoneinfo import ZoneInfo

from bench_ticket_import import machine

THREADS = 250
POSTS_PER_THREAD = 20
TOPICS_PER_PAGE = 25  # phpBB's defaults
POSTS_PER_PAGE = 10
FEED_ENTRIES = 10_000
FORUM_RATIO_GOAL = 1.2
FEED_RATIO_GOAL = 1.3
FEED_RATE_GOAL = 1_000.0
FEED_MAX_BYTES = 64 * 2**20  # the feed is bigger than watcher's default FETCH_MAX_BYTES (5 MiB)
WARSAW = ZoneInfo("Europe/Warsaw")
EPOCH = datetime(2025, 1, 6, 7, 0, tzinfo=UTC)
DELAY_ENV = "BENCH_INGEST_DOWNLOAD_DELAY"
SITECUSTOMIZE = f'''"""bench_ingest.py: DOWNLOAD_DELAY of watcher's crawl from ${DELAY_ENV}."""
import os

if os.environ.get("{DELAY_ENV}") is not None:
    import watcher.spiders.settings as _settings

    _settings.DOWNLOAD_DELAY = float(os.environ["{DELAY_ENV}"])
'''
# Scrapy settings both crawls take from watcher.spiders.settings (or Scrapy's defaults).
SHARED_SCRAPY_SETTINGS = (
    "DOWNLOAD_DELAY", "RANDOMIZE_DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED", "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN", "CONCURRENT_REQUESTS_PER_IP", "ROBOTSTXT_OBEY",
    "COOKIES_ENABLED", "RETRY_TIMES", "DOWNLOAD_TIMEOUT", "DOWNLOAD_MAXSIZE",
    "DOWNLOAD_WARNSIZE", "TELNETCONSOLE_ENABLED", "LOG_LEVEL", "USER_AGENT",
    "REQUEST_FINGERPRINTER_IMPLEMENTATION",
)  # fmt: skip

# --- text ----------------------------------------------------------------------------------

PL_NICKS = (
    "grzesiek_b", "ola_podgorze", "marek1977", "kasia.w", "Tomek_KRK", "piotr_sieciowiec",
    "Zbyszek", "agnieszka_m", "łukasz_z_nowej_huty", "Ewa K.", "darek_serwis", "Małgośka",
    "wojtek.net", "Bartek_WWA", "żaneta88", "stary_modem", "jarek_światłowód", "ania_lublin",
)  # fmt: skip
EN_NICKS = (
    "mark_w", "sophie_uk", "dan1984", "grace.h", "ryan_ops", "oliver_k", "megan_in_krakow",
    "expat_tom", "chloe.b", "liam_the_admin",
)  # fmt: skip
OPERATORS = ("Netia", "Orange", "UPC", "Play", "Vectra", "T-Mobile", "Inea", "Multimedia")
STREETS = (
    "Kalwaryjska", "Limanowskiego", "Wielicka", "Dietla", "Grochowska", "Puławska",
    "Marszałkowska", "Piotrkowska", "Świętojańska", "Kościuszki", "Żeromskiego", "Długa",
)  # fmt: skip
CITIES = ("Kraków", "Warszawa", "Łódź", "Wrocław", "Poznań", "Gdańsk", "Lublin", "Katowice")
DEVICES = ("ONT", "router", "modem", "dekoder", "switch", "access point")
PL_TITLES = (
    "{op} {street} - awaria od {day}?",
    "Brak internetu na {street} ({city})",
    "{op}: prędkość {low} Mb/s zamiast {mbps}",
    "Zrywanie połączenia wieczorami - {op}",
    "Faktura za {month} wyższa niż w umowie",
    "Technik {op} nie przyszedł, co dalej?",
    "Dioda LOS na {device} świeci na czerwono",
    "Przeniesienie numeru do {op} - ile to trwa?",
    "Światłowód {op} w bloku na {street}",
    "Reklamacja w {op} bez odpowiedzi od {days} dni",
)  # fmt: skip
EN_TITLES = (
    "{op} outage on {street} since {day_en}?",
    "Getting {low} Mbps on a {mbps} Mbps plan",
    "{op} billing doubled this month",
    "Best ISP in {city} for working from home?",
    "{device} keeps rebooting every night",
)  # fmt: skip
PL_SENTENCES = (
    "Od {day} nie mam internetu, {device} miga na czerwono.",
    "Infolinia mówi, że trwają prace na węźle, ale nikt nie podaje terminu.",
    "Restart {device} nic nie daje, kabel sprawdzałem dwa razy.",
    "U mnie na {street} działa normalnie, może to tylko Wasza klatka?",
    "Sąsiad z {number} ma to samo i jego firma stoi od rana.",
    "Zgłoszenie ma numer {ticket}, obiecali oddzwonić w ciągu {hours} godzin.",
    "Płacę za {mbps} Mb/s, a speedtest pokazuje {low} Mb/s po kablu.",
    "Wieczorem ping skacze do {ping} ms, grać się nie da.",
    "Dostałem fakturę na {amount} zł zamiast {low_amount} zł, nikt nie umie wyjaśnić różnicy.",
    "Technik miał być {on_day} między {hour} a {hour2}, nikt się nie pojawił.",
    "Napiszcie reklamację na piśmie, wtedy mają 30 dni na odpowiedź.",
    "Ja odszedłem od {op} po dwóch takich awariach i nie żałuję.",
    "Ktoś wie, czy za przerwę należy się zwrot abonamentu?",
    "Po wymianie {device} na nowy model jest stabilnie od tygodnia.",
    "Na stronie operatora nadal piszą, że w {city} nie ma żadnej awarii.",
    "Pracuję zdalnie i przez tę awarię straciłem dwa dni pracy.",
    "Dzięki za info, u mnie też wróciło koło {hour}.",
    "Potwierdzam, {street} {number} od wczoraj bez sieci.",
)  # fmt: skip
EN_SENTENCES = (
    "Same here on {street}, the {device} light has been red since {day_en}.",
    "Support says there is maintenance on the node but gives no estimate.",
    "I pay for {mbps} Mbps and get {low} Mbps over a cable.",
    "Rebooting the {device} does not help at all.",
    "My ticket number is {ticket}, they promised a call back within {hours} hours.",
    "Switched away from {op} last year after a week-long outage.",
    "Ping goes up to {ping} ms every evening, unusable for calls.",
    "Thanks, mine came back around {hour} as well.",
)  # fmt: skip
DAYS_PL = ("poniedziałku", "wtorku", "środy", "czwartku", "piątku", "soboty", "niedzieli")
ON_DAYS_PL = ("w poniedziałek", "we wtorek", "w środę", "w czwartek", "w piątek", "w sobotę")
DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_PL = ("styczeń", "luty", "marzec", "kwiecień", "maj", "czerwiec", "lipiec", "sierpień")
SMILIES = (
    ' <img class="smilies" src="./images/smilies/icon_e_sad.gif" alt=":(" title="Sad">',
    ' <img class="smilies" src="./images/smilies/icon_mad.gif" alt=":x" title="Mad">',
    ' <img class="smilies" src="./images/smilies/icon_e_wink.gif" alt=";)" title="Wink">',
)  # fmt: skip

# Versions printed with the results: the crawl and feed paths depend on these.
PACKAGES = ("scrapy", "twisted", "feedparser", "sqlalchemy", "httpx")


def _fill(template: str, rng: random.Random) -> str:
    mbps = rng.choice((300, 600, 1000, 2000))
    return template.format(
        op=rng.choice(OPERATORS), street=rng.choice(STREETS), city=rng.choice(CITIES),
        device=rng.choice(DEVICES), day=rng.choice(DAYS_PL), day_en=rng.choice(DAYS_EN),
        on_day=rng.choice(ON_DAYS_PL), month=rng.choice(MONTHS_PL), mbps=mbps,
        low=rng.randint(5, mbps // 4), ping=rng.randint(80, 900), days=rng.randint(2, 40),
        number=rng.randint(1, 120), ticket=f"NT-{rng.randint(10000, 99999)}",
        hours=rng.choice((2, 24, 48, 72)), amount=rng.randint(120, 400),
        low_amount=rng.randint(49, 119), hour=f"{rng.randint(8, 20)}:00",
        hour2=f"{rng.randint(12, 22)}:00",
    )  # fmt: skip


def _sentences(rng: random.Random, polish: bool, low: int, high: int) -> list[str]:
    pool = PL_SENTENCES if polish else EN_SENTENCES
    return [_fill(rng.choice(pool), rng) for _ in range(rng.randint(low, high))]


# --- the forum -----------------------------------------------------------------------------


def _time(moment: datetime) -> str:
    """phpBB 3.3: the moment in UTC in the attribute, the board's local time as text."""
    shown = moment.astimezone(WARSAW).strftime("%a %b %d, %Y %I:%M %p").replace(" 0", " ")
    return f'<time datetime="{moment.isoformat()}">{shown}</time>'


def _pagination(base: str, page: int, pages: int, per_page: int, total: int, what: str) -> str:
    if pages == 1:
        return f'<div class="pagination">{total} {what} &bull; Page <strong>1</strong> of 1</div>'
    items = []
    if page > 0:
        prev = base if page == 1 else f"{base}&amp;start={(page - 1) * per_page}"
        items.append(
            f'<li class="arrow previous"><a class="button button-icon-only" href="{prev}" '
            'rel="prev" role="button"><i class="icon fa-chevron-left fa-fw" aria-hidden="true">'
            '</i><span class="sr-only">Previous</span></a></li>'
        )
    for number in range(pages):
        if number == page:
            items.append(f'<li class="active"><span>{number + 1}</span></li>')
        else:
            href = base if number == 0 else f"{base}&amp;start={number * per_page}"
            items.append(f'<li><a class="button" href="{href}" role="button">{number + 1}</a></li>')
    if page < pages - 1:
        items.append(
            f'<li class="arrow next"><a class="button button-icon-only" '
            f'href="{base}&amp;start={(page + 1) * per_page}" rel="next" role="button">'
            '<i class="icon fa-chevron-right fa-fw" aria-hidden="true"></i>'
            '<span class="sr-only">Next</span></a></li>'
        )
    return f'<div class="pagination">{total} {what}\n<ul>\n' + "\n".join(items) + "\n</ul>\n</div>"


HEAD = """<!DOCTYPE html>
<html dir="ltr" lang="pl">
<head>
<meta charset="utf-8" />
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{title} - Forum Internetu Kraków</title>
<link href="./styles/prosilver/theme/stylesheet.css?assets_version=12" rel="stylesheet">
<script>var phpbb = {{ cookieName: "phpbb3_abc12", sid: "" }};</script>
</head>
<body id="phpbb" class="nojs notouch section-{section} ltr ">
<div id="wrap" class="wrap">
<div id="page-header"><div class="headerbar" role="banner"><div class="inner">
<div id="site-description" class="site-description"><a id="logo" class="logo" href="./index.php"
 title="Board index"><span class="site_logo"></span></a><h1>Forum Internetu Kraków</h1>
<p>Dostawcy internetu, awarie, umowy</p></div></div></div>
<div class="navbar" role="navigation"><div class="inner"><ul id="nav-breadcrumbs"
 class="nav-breadcrumbs linklist navlinks" role="menubar"><li class="breadcrumbs">
<span class="crumb"><a href="./index.php" itemprop="url"><span itemprop="title">Board index</span>
</a></span> <span class="crumb"><a href="./viewforum.php?f=3"><span itemprop="title">Dostawcy
 internetu</span></a></span>
</li></ul></div></div></div>
<a id="start_here" class="anchor"></a>
<div id="page-body" class="page-body" role="main">
"""
FOOT = """</div>
<div id="page-footer" class="page-footer" role="contentinfo"><div class="copyright">
Powered by <a href="https://www.phpbb.com/">phpBB</a>&reg; Forum Software &copy; phpBB Limited
</div></div></div>
<script src="./assets/javascript/jquery-3.6.0.min.js?assets_version=12"></script>
<script src="./assets/javascript/core.js?assets_version=12"></script>
</body>
</html>
"""


def _post_html(post: dict[str, Any], thread: dict[str, Any], first: bool, row: int) -> str:
    pid, user = post["id"], post["user"]
    return f"""<div id="p{pid}" class="post has-profile bg{1 + row % 2}">
<div class="inner">
<dl class="postprofile" id="profile{pid}">
<dt class="has-profile-rank no-avatar"><div class="avatar-container"></div>
<a href="./memberlist.php?mode=viewprofile&amp;u={post["uid"]}" class="username">{escape(user)}</a>
</dt>
<dd class="profile-rank">Bywalec</dd>
<dd class="profile-posts"><strong>Posty:</strong>
 <a href="./search.php?author_id={post["uid"]}&amp;sr=posts">{post["count"]}</a></dd>
<dd class="profile-joined"><strong>Rejestracja:</strong> {post["joined"]}</dd>
</dl>
<div class="postbody">
<div id="post_content{pid}">
<h3{' class="first"' if first else ""}><a href="./viewtopic.php?p={pid}#p{pid}">{
        "" if first else "Re: "
    }{escape(thread["title"])}</a></h3>
<ul class="post-buttons"><li><a href="./posting.php?mode=quote&amp;p={pid}" title="Reply with quote"
 class="button button-icon-only"><i class="icon fa-quote-left fa-fw" aria-hidden="true"></i>
<span>Quote</span></a></li></ul>
<p class="author">
<a class="unread" href="./viewtopic.php?p={pid}#p{pid}" title="Post"><i
 class="icon fa-file fa-fw icon-lightgray icon-md" aria-hidden="true"></i><span
 class="sr-only">Post</span></a>
<span class="responsive-hide">by <strong><a
 href="./memberlist.php?mode=viewprofile&amp;u={post["uid"]}" class="username">{escape(user)}</a>
</strong> &raquo; </span>{_time(post["at"])}
</p>
<div class="content">{post["html"]}</div>
{post["signature"]}
</div>
</div>
<div class="back2top"><a href="#top" class="top" title="Top"><i
 class="icon fa-chevron-circle-up fa-fw icon-gray" aria-hidden="true"></i><span
 class="sr-only">Top</span></a></div>
</div>
</div>
<hr class="divider" />
"""


def _post_body(rng: random.Random, polish: bool, quote: dict[str, Any] | None) -> str:
    paragraphs = [" ".join(_sentences(rng, polish, 1, 4)) for _ in range(rng.randint(1, 3))]
    parts = [escape(p) for p in paragraphs]
    if rng.random() < 0.15:
        parts[-1] += rng.choice(SMILIES)
    if rng.random() < 0.1:
        result = rng.randint(16_000_000, 17_000_000)
        parts.append(
            f'<a href="https://www.speedtest.net/result/{result}" class="postlink">'
            f"https://www.speedtest.net/result/{result}</a>"
        )
    html = "<br>\n<br>\n".join(parts)
    if quote is not None:
        cited = " ".join(quote["text"].split()[:30])
        html = (
            f'<blockquote><div><cite><a href="./memberlist.php?mode=viewprofile&amp;u='
            f'{quote["uid"]}">{escape(quote["user"])}</a> wrote: <a href="./viewtopic.php?p='
            f'{quote["id"]}#p{quote["id"]}" data-post-id="{quote["id"]}">↑</a></cite>'
            f"{escape(cited)}</div></blockquote>\n{html}"
        )
    return html


def build_forum(seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    users = [(name, 50 + i) for i, name in enumerate(PL_NICKS + EN_NICKS)]
    threads = []
    post_id = 48_000
    for number in range(THREADS):
        polish = rng.random() < 0.8
        start = EPOCH + timedelta(minutes=rng.randint(0, 60 * 24 * 600))
        thread: dict[str, Any] = {
            "id": 1200 + number,
            "title": _fill(rng.choice(PL_TITLES if polish else EN_TITLES), rng),
            "posts": [],
        }
        at = start
        for index in range(POSTS_PER_THREAD):
            user, uid = rng.choice(users)
            quote: dict[str, Any] | None = None
            if index and rng.random() < 0.25:
                quote = rng.choice(thread["posts"])
            post_id += rng.randint(1, 7)
            signature = ""
            if rng.random() < 0.2:
                signature = (
                    f'<div id="sig{post_id}" class="signature">{rng.choice(OPERATORS)} '
                    f"{rng.choice((300, 600, 1000))}/100 &bull; {rng.choice(DEVICES)}</div>"
                )
            html = _post_body(rng, polish, quote)
            thread["posts"].append(
                {
                    "id": post_id, "user": user, "uid": uid, "at": at, "html": html,
                    "text": re.sub(r"<[^>]+>", " ", html), "signature": signature,
                    "count": rng.randint(3, 4000), "joined": f"{rng.randint(1, 28)} wrz 2019",
                }
            )  # fmt: skip
            at += timedelta(minutes=rng.randint(3, 60 * 20))
        threads.append(thread)
    # The board lists the most recently active threads first, as phpBB does.
    threads.sort(key=lambda t: t["posts"][-1]["at"], reverse=True)
    return threads


def _topic_row(thread: dict[str, Any], row: int) -> str:
    first, last = thread["posts"][0], thread["posts"][-1]
    tid = thread["id"]
    mini = (
        f'<div class="pagination"><span><i class="icon fa-clone fa-fw" aria-hidden="true"></i>'
        f'</span><ul><li><a class="button" href="./viewtopic.php?t={tid}">1</a></li>'
        f'<li><a class="button" href="./viewtopic.php?t={tid}&amp;start={POSTS_PER_PAGE}">2</a>'
        "</li></ul></div>"
    )
    return f"""<li class="row bg{1 + row % 2}">
<dl class="row-item topic_read">
<dt title="No unread posts">
<div class="list-inner">
<a href="./viewtopic.php?t={tid}" class="topictitle">{escape(thread["title"])}</a>
<br />
{mini}
<div class="responsive-hide left-box">
by <a href="./memberlist.php?mode=viewprofile&amp;u={first["uid"]}" class="username">{
        escape(first["user"])
    }</a> &raquo; {_time(first["at"])} &raquo; in
 <a href="./viewforum.php?f=3">Dostawcy internetu</a>
</div>
</div>
</dt>
<dd class="posts">{len(thread["posts"]) - 1} <dfn>Replies</dfn></dd>
<dd class="views">{tid * 7 % 5000} <dfn>Views</dfn></dd>
<dd class="lastpost">
<span><dfn>Last post </dfn>by <a href="./memberlist.php?mode=viewprofile&amp;u={last["uid"]}"
 class="username">{escape(last["user"])}</a>
<a href="./viewtopic.php?p={last["id"]}#p{last["id"]}" title="Go to last post"><i
 class="icon fa-external-link-square fa-fw icon-lightgray icon-md" aria-hidden="true"></i><span
 class="sr-only"></span></a>
<br />{_time(last["at"])}</span>
</dd>
</dl>
</li>
"""


def write_forum(root: Path, seed: int) -> tuple[int, int]:
    """Board and thread pages under root/forum; returns (pages, bytes)."""
    threads = build_forum(seed)
    folder = root / "forum"
    folder.mkdir(parents=True, exist_ok=True)
    pages = size = 0

    def write(name: str, text: str) -> None:
        nonlocal pages, size
        data = text.encode("utf-8")
        (folder / name).write_bytes(data)
        pages, size = pages + 1, size + len(data)

    board_pages = -(-len(threads) // TOPICS_PER_PAGE)
    for page in range(board_pages):
        chunk = threads[page * TOPICS_PER_PAGE : (page + 1) * TOPICS_PER_PAGE]
        pagination = _pagination(
            "./viewforum.php?f=3", page, board_pages, TOPICS_PER_PAGE, len(threads), "topics"
        )
        rows = "".join(_topic_row(t, i) for i, t in enumerate(chunk))
        body = (
            '<h2 class="forum-title"><a href="./viewforum.php?f=3">Dostawcy internetu</a></h2>\n'
            f'<div class="action-bar bar-top">{pagination}</div>\n'
            '<div class="forumbg"><div class="inner">\n<ul class="topiclist">\n<li class="header">'
            '<dl class="row-item"><dt><div class="list-inner">Topics</div></dt>'
            '<dd class="posts">Replies</dd><dd class="views">Views</dd>'
            '<dd class="lastpost"><span>Last post</span></dd></dl></li>\n</ul>\n'
            f'<ul class="topiclist topics">\n{rows}</ul>\n</div></div>\n'
            f'<div class="action-bar bar-bottom">{pagination}</div>\n'
        )
        html = HEAD.format(title="Dostawcy internetu", section="viewforum") + body + FOOT
        write(f"viewforum-3-{page * TOPICS_PER_PAGE}.html", html)
    for thread in threads:
        posts = thread["posts"]
        thread_pages = -(-len(posts) // POSTS_PER_PAGE)
        base = f"./viewtopic.php?t={thread['id']}"
        for page in range(thread_pages):
            pagination = _pagination(base, page, thread_pages, POSTS_PER_PAGE, len(posts), "posts")
            chunk = posts[page * POSTS_PER_PAGE : (page + 1) * POSTS_PER_PAGE]
            body = (
                f'<h2 class="topic-title"><a href="{base}">{escape(thread["title"])}</a></h2>\n'
                f'<div class="action-bar bar-top">{pagination}</div>\n'
                + "".join(
                    _post_html(p, thread, page == 0 and i == 0, i) for i, p in enumerate(chunk)
                )
                + f'<div class="action-bar bar-bottom">{pagination}</div>\n'
            )
            html = HEAD.format(title=escape(thread["title"]), section="viewtopic") + body + FOOT
            write(f"viewtopic-{thread['id']}-{page * POSTS_PER_PAGE}.html", html)
    return pages, size


# --- the feed ------------------------------------------------------------------------------

NEWS_TITLES = (
    "{op} zapowiada nowe ceny pakietów od {month}",
    "Awaria sieci {op} w {city}: tysiące klientów bez internetu",
    "UKE: {op} musi zwrócić klientom nadpłaty",
    "{op} uruchamia światłowód {mbps} Mb/s w {city}",
    "Klienci {op} skarżą się na zrywanie połączeń",
    "{op} reports a network outage in {city}",
    "{op} raises prices for {mbps} Mbps plans",
    "Przegląd ofert: najtańszy internet w {city}",
)  # fmt: skip
NEWS_SENTENCES = (
    "Operator poinformował o zmianie cennika pakietów światłowodowych.",
    "Według zgłoszeń awaria objęła kilka dzielnic, a usuwanie usterki potrwa do wieczora.",
    "Rzecznik firmy przeprasza klientów i zapowiada rekompensaty w kolejnej fakturze.",
    "Nowa oferta obejmuje pakiet {mbps} Mb/s za {amount} zł miesięcznie.",
    "Użytkownicy forów piszą o problemach z dekoderami od {day}.",
    "Urząd Komunikacji Elektronicznej wszczął postępowanie wyjaśniające.",
    "The operator said engineers were working on a damaged fibre line near {street}.",
    "Customers report speeds of {low} Mbps on {mbps} Mbps plans in the evenings.",
    "Analitycy spodziewają się dalszych podwyżek w całej branży.",
    "Zmiana dotyczy umów zawartych po 1 stycznia, starsze pozostają bez zmian.",
)  # fmt: skip
CATEGORIES = ("Telekomunikacja", "Internet", "Awarie", "Ceny", "Światłowód", "Regulacje")


def write_feed(path: Path, seed: int, count: int) -> int:
    """An RSS 2.0 feed of `count` news items, newest first, as WordPress writes it."""
    rng = random.Random(seed)
    items = []
    moment = EPOCH + timedelta(days=700)
    for number in range(count):
        moment -= timedelta(minutes=rng.randint(1, 90))
        title = _fill(rng.choice(NEWS_TITLES), rng)
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower().encode("ascii", "ignore").decode())
        link = f"https://news.example.pl/{moment:%Y/%m}/{slug.strip('-')}-{number}/"
        lead = " ".join(_fill(rng.choice(NEWS_SENTENCES), rng) for _ in range(rng.randint(2, 4)))
        description = (
            f'<p>{escape(lead)}</p>\n<p>The post <a href="{link}">{escape(title)}</a> '
            'appeared first on <a href="https://news.example.pl">Telko News</a>.</p>'
        )
        categories = "".join(
            f"<category><![CDATA[{c}]]></category>" for c in rng.sample(CATEGORIES, 2)
        )
        items.append(
            f"<item>\n<title>{xml_escape(title)}</title>\n<link>{link}</link>\n"
            f"<dc:creator><![CDATA[{rng.choice(PL_NICKS)}]]></dc:creator>\n"
            f"<pubDate>{format_datetime(moment)}</pubDate>\n{categories}\n"
            f'<guid isPermaLink="false">https://news.example.pl/?p={90000 + number}</guid>\n'
            f"<description><![CDATA[{description}]]></description>\n</item>"
        )
    document = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        ' xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n<title>Telko News</title>\n'
        '<atom:link href="https://news.example.pl/feed/" rel="self" type="application/rss+xml" />\n'
        "<link>https://news.example.pl</link>\n"
        "<description>Wiadomości z rynku telekomunikacyjnego</description>\n"
        f"<lastBuildDate>{format_datetime(EPOCH + timedelta(days=700))}</lastBuildDate>\n"
        "<language>pl-PL</language>\n<generator>https://wordpress.org/?v=6.4.2</generator>\n"
        + "\n".join(items)
        + "\n</channel>\n</rss>\n"
    )
    data = document.encode("utf-8")
    path.write_bytes(data)
    return len(data)


# --- serving -------------------------------------------------------------------------------


def _route(root: Path, target: str) -> Path | None:
    """phpBB URLs with ?start= pagination; watcher.demo.server's router ignores start."""
    parts = urlsplit(target)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    start = query.get("start", "0")
    if not start.isdigit():
        return None
    if parts.path == "/forum/viewforum.php" and query.get("f", "").isdigit():
        candidate = root / "forum" / f"viewforum-{query['f']}-{start}.html"
    elif parts.path == "/forum/viewtopic.php" and query.get("t", "").isdigit():
        candidate = root / "forum" / f"viewtopic-{query['t']}-{start}.html"
    elif parts.path in ("/feed.xml", "/robots.txt"):
        candidate = root / parts.path[1:]
    else:
        return None
    return candidate if candidate.is_file() else None


class Handler(BaseHTTPRequestHandler):
    root: Path
    requests = 0
    TYPES: ClassVar[dict[str, str]] = {
        ".html": "text/html; charset=UTF-8",
        ".xml": "application/rss+xml; charset=UTF-8",
    }

    def do_GET(self) -> None:
        type(self).requests += 1
        page = _route(self.root, self.path)
        if page is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        body = page.read_bytes()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.TYPES.get(page.suffix, "text/plain; charset=UTF-8"))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@contextmanager
def serve(root: Path) -> Iterator[tuple[str, type[Handler]]]:
    """Like watcher.demo.server.serve (127.0.0.1, a thread), with phpBB's pagination routed."""
    handler = type("BenchHandler", (Handler,), {"root": root})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="bench-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


# --- timed runs, each in a fresh process ---------------------------------------------------


def _in_fresh_process(function: Callable[..., Any], *args: Any) -> Any:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def _phase(timings: dict[str, float], name: str, function: Callable[..., Any]) -> Any:
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - start

    return timed


def _fresh_db(path: Path) -> tuple[Any, float]:
    from watcher import db

    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = db.make_engine(f"sqlite:///{path}")
    start = time.perf_counter()
    db.ensure_schema(engine)
    return engine, time.perf_counter() - start


def _children_cpu() -> float:
    """CPU seconds (user + system) of this process's children that have ended."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _stored(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT count(*) FROM post").fetchone()[0])


def watcher_collect(
    kind: str, url: str, workdir: str, options: dict[str, Any], profile: str | None = None
) -> dict[str, Any]:
    """collect_source of one source into a fresh SQLite database, commit included.

    Phases are timed by wrapping module attributes in this process only: the
    crawl child (subprocess.run), fetch, feedparser.parse, parse_feed, store_posts.
    """
    import subprocess as child_process

    import feedparser

    import watcher.sources.collect as collect_module
    import watcher.sources.feed as feed_module
    import watcher.spiders.run  # noqa: F401  (imported before the timer, as in a long-lived run)
    from watcher.config import SourceConfig, load_config

    work = Path(workdir)
    empty = work / "empty.toml"
    empty.write_text("", encoding="utf-8")
    config = load_config(empty, env={}, overrides={"FETCH_MAX_BYTES": FEED_MAX_BYTES})
    source = SourceConfig(name=f"bench-{kind}", type=kind, url=url, internal=True, options=options)
    engine, migrate = _fresh_db(work / f"{kind}.db")
    timings: dict[str, float] = {}
    child_process.run = _phase(timings, "crawl child process", child_process.run)
    fetch = feed_module.fetch  # type: ignore[attr-defined]
    feed_module.fetch = _phase(timings, "fetch (httpx)", fetch)  # type: ignore[attr-defined]
    feed_module.parse_feed = _phase(timings, "parse_feed", feed_module.parse_feed)
    feedparser.parse = _phase(timings, "  of which feedparser.parse", feedparser.parse)
    store = collect_module.store_posts  # type: ignore[attr-defined]
    collect_module.store_posts = _phase(timings, "store_posts", store)  # type: ignore[attr-defined]
    collect_module.read_source = _phase(timings, "read_source", collect_module.read_source)
    from watcher.db import session_scope

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    start, cpu = time.perf_counter(), time.process_time() + _children_cpu()
    with session_scope(engine) as session:
        result = collect_module.collect_source(session, config, source)
        session.flush()
        timings["collect_source"] = time.perf_counter() - start
    seconds = time.perf_counter() - start
    cpu = time.process_time() + _children_cpu() - cpu
    if profiler is not None and profile:
        profiler.disable()
        profiler.dump_stats(profile)
    timings["commit"] = seconds - timings["collect_source"]
    engine.dispose()
    return {
        "seconds": seconds,
        "cpu": cpu,
        "migrate": migrate,
        "stored": _stored(work / f"{kind}.db"),
        "created": result.created,
        "warnings": result.warnings,
        "phases": timings,
    }


def bare_feedparser(path: str) -> dict[str, Any]:
    import feedparser

    body = Path(path).read_bytes()
    start, cpu = time.perf_counter(), time.process_time()
    parsed = feedparser.parse(body)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu": cpu,
        "entries": len(parsed.entries),
        "bozo": bool(parsed.bozo),
    }


def bare_spider_child() -> int:
    """`bench_ingest.py --bare-spider`: a plain Scrapy spider, request as JSON on stdin.

    Follows the board's thread links and next pages and each thread's next page
    with the preset's selectors, yields the fields watcher's spider yields and
    stores nothing; prints the item count as JSON at the end. Imports no watcher.
    """
    request = json.load(sys.stdin)
    from scrapy import Spider, signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    s = request["selectors"]

    class BareForumSpider(Spider):
        name = "bare"
        start_urls = [request["url"]]  # noqa: RUF012  (Scrapy's own attribute)

        def parse(self, response: Any, **kwargs: Any) -> Iterator[Any]:
            for href in dict.fromkeys(response.css(s["thread_links"]).getall()):
                yield response.follow(href, self.parse_thread)
            following = response.css(s["next_page"]).get()
            if following:
                yield response.follow(following, self.parse)

        def parse_thread(self, response: Any) -> Iterator[Any]:
            title = response.css(s["thread_title"]).get()
            base = response.url.split("#")[0]
            for post in response.css(s["post"]):
                post_id = post.css(s["post_id"]).get()
                yield {
                    "external_id": post_id,
                    "url": f"{base}#{post_id}",
                    "author": post.css(s["author"]).get(),
                    "published_at": post.css(s["date"]).get(),
                    "title": title,
                    "text": " ".join(
                        " ".join(post.css(s["body"]).xpath(".//text()").getall()).split()
                    ),
                }
            following = response.css(s["next_page"]).get()
            if following:
                yield response.follow(following, self.parse_thread)

    seen: set[str] = set()

    def scraped(item: dict[str, Any], **kwargs: Any) -> None:
        seen.add(item["external_id"])

    settings = Settings()
    settings.setdict(request["settings"])
    process = CrawlerProcess(settings, install_root_handler=False)
    crawler = process.create_crawler(BareForumSpider)
    crawler.signals.connect(scraped, signal=signals.item_scraped)
    process.crawl(crawler)
    process.start()
    print(json.dumps({"items": len(seen)}))
    return 0


def scrapy_settings(delay: float) -> dict[str, Any]:
    """The settings watcher's crawl child runs with, DOWNLOAD_DELAY set to `delay`."""
    from scrapy.settings import Settings

    from watcher.spiders import settings as defaults

    settings = Settings()
    settings.setmodule(defaults)
    shared = {name: settings[name] for name in SHARED_SCRAPY_SETTINGS}
    shared["DOWNLOAD_WARNSIZE"] = min(settings.getint("DOWNLOAD_MAXSIZE"), 10_000_000)
    shared["DOWNLOAD_DELAY"] = delay
    return shared


def run_bare_spider(url: str, settings: dict[str, Any]) -> dict[str, Any]:
    from watcher.spiders.presets import FORUM_PRESETS

    request = {"url": url, "selectors": FORUM_PRESETS["phpbb3"], "settings": settings}
    start, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--bare-spider"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=False,
    )
    seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if done.returncode != 0:
        sys.exit(f"bare spider failed:\n{done.stderr[-3000:]}")
    return {"seconds": seconds, "cpu": cpu, **json.loads(done.stdout.strip().splitlines()[-1])}


# --- the two parts -------------------------------------------------------------------------


def forum_part(args: argparse.Namespace, workdir: Path) -> list[str]:
    from watcher.spiders import settings as watcher_settings

    site = workdir / "site"
    start = time.perf_counter()
    pages, size = write_forum(site, args.seed)
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /forum/posting.php\n")
    print(
        f"\nforum: {THREADS} threads x {POSTS_PER_THREAD} posts = {THREADS * POSTS_PER_THREAD} "
        f"posts on {pages} pages ({size / 2**20:.1f} MiB) written in "
        f"{time.perf_counter() - start:.1f} s"
    )
    delay = watcher_settings.DOWNLOAD_DELAY if args.delay is None else args.delay
    settings = scrapy_settings(delay)
    shown = ", ".join(
        f"{k}={settings[k]}"
        for k in (
            "DOWNLOAD_DELAY", "RANDOMIZE_DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED",
            "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "ROBOTSTXT_OBEY",
            "COOKIES_ENABLED", "RETRY_TIMES",
        )
    )  # fmt: skip
    print(f"Scrapy settings of both crawls: {shown}")
    env_before = dict(os.environ)
    if delay != watcher_settings.DOWNLOAD_DELAY:
        shim = workdir / "shim"
        shim.mkdir(exist_ok=True)
        (shim / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        os.environ["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(shim), os.environ.get("PYTHONPATH")) if p
        )
        os.environ[DELAY_ENV] = repr(delay)
        print(f"watcher's crawl child gets DOWNLOAD_DELAY={delay} through {shim}/sitecustomize.py")
    expected = THREADS * POSTS_PER_THREAD
    options = {"preset": "phpbb3", "max_pages": 10 * pages}
    lines, status = [], 0
    try:
        with serve(site) as (base, handler):
            url = f"{base}/forum/viewforum.php?f=3"
            watcher_runs, bare_runs = [], []
            for number in range(1, args.runs + 1):
                handler.requests = 0
                run = _in_fresh_process(watcher_collect, "forum", url, str(workdir), options)
                run["requests"] = handler.requests
                watcher_runs.append(run)
                handler.requests = 0
                bare = run_bare_spider(url, settings)
                bare["requests"] = handler.requests
                bare_runs.append(bare)
                print(
                    f"  run {number}: watcher {run['seconds']:.2f} s (CPU {run['cpu']:.2f} s, "
                    f"{run['stored']} stored, {run['requests']} requests); bare Scrapy "
                    f"{bare['seconds']:.2f} s (CPU {bare['cpu']:.2f} s, {bare['items']} items, "
                    f"{bare['requests']} requests); load {os.getloadavg()[0]:.1f}"
                )
                for warning in run["warnings"][:3]:
                    print(f"    warning: {warning}")
                if run["stored"] != expected or bare["items"] != expected:
                    print(f"FAIL run {number}: expected {expected} posts", file=sys.stderr)
                    status = 2
            if args.profile:
                lines += profile_crawl(url, options, delay, workdir)
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    print(f"\nforum crawl of {expected} posts, median of {args.runs}:")
    ratio = summary(
        [
            ("bare Scrapy spider (stores nothing)", bare_runs),
            ("watcher collect_source (crawl + store)", watcher_runs),
        ],
        expected,
        "posts/s",
        FORUM_RATIO_GOAL,
    )
    print_phases(watcher_runs)
    met = ratio <= FORUM_RATIO_GOAL
    print(f"{'OK' if met else 'MISSED'} forum: {ratio:.2f}x <= {FORUM_RATIO_GOAL}x")
    return lines + (["forum"] if not met else []) + (["forum-count"] if status else [])


def summary(
    rows: list[tuple[str, list[dict[str, Any]]]], count: int, unit: str, goal: float
) -> float:
    """Print median wall-clock and CPU seconds of the bare and the watcher runs; the ratio."""
    print(f"  {'':<42}{'seconds':>9}{unit:>11}{'CPU s':>8}")
    medians = []
    for label, runs in rows:
        wall = statistics.median(r["seconds"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        medians.append((wall, cpu))
        print(f"  {label:<42}{wall:>9.2f}{count / wall:>11,.0f}{cpu:>8.2f}")
    (bare_wall, bare_cpu), (ours_wall, ours_cpu) = medians
    ratio = float(ours_wall / bare_wall)
    print(
        f"  {'ratio watcher / bare':<42}{ratio:>8.2f}x{'':>11}{ours_cpu / bare_cpu:>7.2f}x"
        f"   goal <= {goal}x (wall-clock)"
    )
    return ratio


def print_phases(runs: list[dict[str, Any]]) -> None:
    """Phases of the median watcher run, timed by wrapping the functions."""
    run = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
    phases = run["phases"]
    print(
        f"  phases of the median watcher run ({run['seconds']:.2f} s; the schema migration "
        f"before the timer took {run['migrate']:.2f} s):"
    )
    for name, seconds in phases.items():
        if name != "collect_source":
            print(f"    {name:<36}{seconds:>8.2f} s")
    other = phases["collect_source"] - phases.get("read_source", 0) - phases.get("store_posts", 0)
    print(f"    {'rest of collect_source (queries)':<36}{other:>8.2f} s")


def profile_crawl(url: str, options: dict[str, Any], delay: float, workdir: Path) -> list[str]:
    """Where watcher's crawl child spends its time: start-up, imports, and a cProfile."""
    print("\nprofile of the crawl child (one run each):")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    bare_python = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import watcher.spiders.crawl"], check=True)
    imports = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import scrapy.crawler"], check=True)
    scrapy_imports = time.perf_counter() - start
    print(f"  python -c pass {bare_python:.2f} s; import scrapy.crawler {scrapy_imports:.2f} s; ")
    print(f"  import watcher.spiders.crawl {imports:.2f} s")
    request = {
        "name": "bench-forum", "type": "forum", "url": url, "internal": True, **options,
        "DOWNLOAD_MAXSIZE": FEED_MAX_BYTES, "DOWNLOAD_TIMEOUT": 20.0, "USER_AGENT": "bench",
    }  # fmt: skip
    stats = workdir / "crawl.prof"
    out = workdir / "crawl.jsonl"
    with out.open("w") as handle:
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import cProfile, sys, watcher.spiders.crawl as c; "
                f"cProfile.run('c.main()', {str(stats)!r})",
            ],
            input=json.dumps(request).encode(),
            stdout=handle,
            check=True,
        )
    print(f"  crawl child under cProfile: {time.perf_counter() - start:.2f} s; stats in {stats}")
    print_profile(stats, 18)
    return []


def print_profile(path: Path, limit: int) -> None:
    import io
    import pstats

    for key in ("cumulative", "tottime"):
        buffer = io.StringIO()
        pstats.Stats(str(path), stream=buffer).sort_stats(key).print_stats(limit)
        text = buffer.getvalue()
        table = text[text.index("   ncalls") :] if "   ncalls" in text else text
        print(f"  -- by {key} --")
        for line in table.splitlines():
            if line.strip():
                print("  " + line[:150])


def feed_part(args: argparse.Namespace, workdir: Path) -> list[str]:
    site = workdir / "site"
    site.mkdir(parents=True, exist_ok=True)
    feed = site / "feed.xml"
    size = write_feed(feed, args.seed, args.entries)
    print(f"\nfeed: RSS 2.0 of {args.entries} entries, {size / 2**20:.1f} MiB")
    ours_runs, bare_runs, status = [], [], 0
    with serve(site) as (base, _handler):
        for number in range(1, args.runs + 1):
            bare = _in_fresh_process(bare_feedparser, str(feed))
            run = _in_fresh_process(watcher_collect, "feed", f"{base}/feed.xml", str(workdir), {})
            bare_runs.append(bare)
            ours_runs.append(run)
            print(
                f"  run {number}: feedparser.parse {bare['seconds']:.2f} s (CPU {bare['cpu']:.2f}"
                f" s, {bare['entries']} entries); watcher {run['seconds']:.2f} s (CPU "
                f"{run['cpu']:.2f} s, {run['stored']} stored); load {os.getloadavg()[0]:.1f}"
            )
            for warning in run["warnings"][:3]:
                print(f"    warning: {warning}")
            if run["stored"] != args.entries or bare["entries"] != args.entries:
                print(f"FAIL run {number}: expected {args.entries} entries", file=sys.stderr)
                status = 2
        if args.profile:
            stats = workdir / "feed.prof"
            _in_fresh_process(
                watcher_collect, "feed", f"{base}/feed.xml", str(workdir), {}, str(stats)
            )
            print(f"\nprofile of one watcher feed ingest (cProfile; stats in {stats}):")
            print_profile(stats, 25)
    print(f"\nfeed ingest of {args.entries} entries, median of {args.runs}:")
    ratio = summary(
        [
            ("bare feedparser.parse(bytes)", bare_runs),
            ("watcher collect_source (fetch+parse+store)", ours_runs),
        ],
        args.entries,
        "entries/s",
        FEED_RATIO_GOAL,
    )
    rate = args.entries / statistics.median(r["seconds"] for r in ours_runs)
    print_phases(ours_runs)
    missed = []
    if rate < FEED_RATE_GOAL:
        missed.append("feed-rate")
    if ratio > FEED_RATIO_GOAL:
        missed.append("feed-ratio")
    print(
        f"{'OK' if rate >= FEED_RATE_GOAL else 'MISSED'} feed rate: {rate:,.0f} entries/s "
        f">= {FEED_RATE_GOAL:,.0f}\n"
        f"{'OK' if ratio <= FEED_RATIO_GOAL else 'MISSED'} feed ratio: {ratio:.2f}x "
        f"<= {FEED_RATIO_GOAL}x"
    )
    return missed + (["feed-count"] if status else [])


# --- main ----------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("forum", "feed", "both"), default="both")
    parser.add_argument("--runs", type=int, default=3, help="runs of each part (default 3)")
    parser.add_argument("--entries", type=int, default=FEED_ENTRIES, help="feed entries")
    parser.add_argument("--seed", type=int, default=20261201, help="random seed")
    parser.add_argument(
        "--delay",
        type=float,
        help="DOWNLOAD_DELAY of both crawls (default: watcher's own, 0.25 s)",
    )
    parser.add_argument("--profile", action="store_true", help="also profile one run of each")
    parser.add_argument("--keep", metavar="DIR", type=Path, help="keep site, dbs, profiles in DIR")
    parser.add_argument("--bare-spider", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.bare_spider:
        return bare_spider_child()
    for key, value in machine(PACKAGES):
        print(f"{key:<10}{value}")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        return bench(args, args.keep.resolve())
    with tempfile.TemporaryDirectory(prefix="watcher-bench-ingest-") as tmp:
        return bench(args, Path(tmp))


def bench(args: argparse.Namespace, workdir: Path) -> int:
    problems: list[str] = []
    if args.part in ("forum", "both"):
        problems += forum_part(args, workdir)
    if args.part in ("feed", "both"):
        problems += feed_part(args, workdir)
    if any(p.endswith("-count") for p in problems):
        return 2
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
