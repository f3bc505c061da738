"""The demo's little internet: a phpBB forum, a WordPress-style blog and an RSS feed.

`render_site` writes them as static files from data/content.json, in the
markup those engines really produce, so the demo crawls them with the same
spiders and presets as production. The user may edit the files (add an item
to the feed) while `watcher run` polls them.
"""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import format_datetime
from html import escape
from importlib.resources import files
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape


def content() -> dict[str, Any]:
    text = files("watcher.demo").joinpath("data/content.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _time(value: str) -> str:
    moment = datetime.fromisoformat(value)
    shown = moment.strftime("%a %b %d, %Y %I:%M %p")
    return f'<time datetime="{escape(moment.isoformat())}">{escape(shown)}</time>'


def _forum_board(forum: dict[str, Any]) -> str:
    rows = "\n".join(
        f"""<li class="row bg{1 + i % 2}"><dl class="row-item topic_read"><dt>
<div class="list-inner"><a href="./viewtopic.php?t={t["id"]}" class="topictitle">{escape(t["title"])}</a>
<div class="topic-poster responsive-hide">by <a href="./memberlist.php?mode=viewprofile&amp;u=2"
 class="username">{escape(t["posts"][0]["author"])}</a></div></div></dt>
<dd class="posts">{len(t["posts"]) - 1} <dfn>Replies</dfn></dd></dl></li>"""
        for i, t in enumerate(forum["threads"])
    )
    return f"""<!DOCTYPE html>
<html dir="ltr" lang="pl"><head><meta charset="utf-8"><title>{escape(forum["title"])}</title></head>
<body id="phpbb" class="section-viewforum ltr"><div id="wrap" class="wrap">
<h2 class="forum-title"><a href="./viewforum.php?f=3">{escape(forum["title"])}</a></h2>
<div class="forumbg"><div class="inner"><ul class="topiclist topics">
{rows}
</ul></div></div></div></body></html>
"""


def _forum_thread(thread: dict[str, Any]) -> str:
    posts = "\n".join(
        f"""<div id="p{p["id"]}" class="post has-profile bg{1 + i % 2}"><div class="inner">
<dl class="postprofile" id="profile{p["id"]}"><dt class="has-profile-rank">
<a href="./memberlist.php?mode=viewprofile&amp;u={100 + i}" class="username">{escape(p["author"])}</a>
</dt></dl>
<div class="postbody"><div id="post_content{p["id"]}">
<h3{' class="first"' if i == 0 else ""}><a href="./viewtopic.php?p={p["id"]}#p{p["id"]}">
{"" if i == 0 else "Re: "}{escape(thread["title"])}</a></h3>
<p class="author"><a class="unread" href="./viewtopic.php?p={p["id"]}#p{p["id"]}" title="Post"></a>
<span class="responsive-hide">by <strong><a href="./memberlist.php?mode=viewprofile&amp;u={100 + i}"
 class="username">{escape(p["author"])}</a></strong> &raquo; </span>{_time(p["published_at"])}</p>
<div class="content">{escape(p["text"])}</div>
</div></div></div></div>"""
        for i, p in enumerate(thread["posts"])
    )
    return f"""<!DOCTYPE html>
<html dir="ltr" lang="pl"><head><meta charset="utf-8"><title>{escape(thread["title"])}</title></head>
<body id="phpbb" class="section-viewtopic ltr"><div id="wrap" class="wrap">
<h2 class="topic-title"><a href="./viewtopic.php?t={thread["id"]}">{escape(thread["title"])}</a></h2>
{posts}
</div></body></html>
"""


def _blog_article(article: dict[str, Any], blog_title: str) -> str:
    paragraphs = f"<p>{escape(article['text'])}</p>"
    comments = "\n".join(
        f"""<li id="comment-{escape(c["id"])}" class="comment even depth-1">
<article id="div-comment-{escape(c["id"])}" class="comment-body"><footer class="comment-meta">
<div class="comment-author vcard"><b class="fn">{escape(c["author"])}</b> <span class="says">says:</span></div>
<div class="comment-metadata"><a href="#comment-{escape(c["id"])}">{_time(c["published_at"])}</a></div>
</footer><div class="comment-content"><p>{escape(c["text"])}</p></div></article></li>"""
        for c in article["comments"]
    )
    return f"""<!DOCTYPE html>
<html lang="pl-PL"><head><meta charset="UTF-8"><title>{escape(article["title"])} &#8211; {escape(blog_title)}</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="{escape(article["published_at"])}">
<meta name="author" content="{escape(article["author"])}"></head>
<body class="post-template-default single single-post"><div id="page" class="site">
<main id="main" class="site-main"><article class="post type-post status-publish hentry">
<header class="entry-header"><h1 class="entry-title">{escape(article["title"])}</h1>
<div class="entry-meta"><span class="byline"><span class="author vcard">
<a class="url fn n" href="/author/tomasz/">{escape(article["author"])}</a></span></span>
<span class="posted-on">{_time(article["published_at"]).replace("<time ", '<time class="entry-date published" ')}</span>
</div></header>
<div class="entry-content">{paragraphs}</div></article>
<div id="comments" class="comments-area"><h2 class="comments-title">Komentarze</h2>
<ol class="comment-list">
{comments}
</ol></div></main></div></body></html>
"""


def _rss(feed: dict[str, Any], base_url: str, blog_url: str) -> str:
    items = "\n".join(
        f"""<item><title>{xml_escape(item["title"])}</title>
<link>{xml_escape(item["link"].replace("BLOG_URL", blog_url))}</link>
<guid isPermaLink="false">{xml_escape(item["guid"])}</guid>
<pubDate>{format_datetime(datetime.fromisoformat(item["published_at"]))}</pubDate>
<description>{xml_escape(item["text"])}</description></item>"""
        for item in feed["items"]
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>{xml_escape(feed["title"])}</title>
<link>{xml_escape(base_url)}/</link><description>Wiadomości z rynku telekomunikacyjnego</description>
<language>pl</language>
{items}
</channel></rss>
"""


def render_site(root: Path, base_url: str) -> dict[str, str]:
    """Write the forum, blog and feed under root; returns each source's URL."""
    data = content()
    forum, blog, feed = data["forum"], data["blog"], data["feed"]
    (root / "forum").mkdir(parents=True, exist_ok=True)
    (root / "forum" / "viewforum-3.html").write_text(_forum_board(forum), encoding="utf-8")
    for thread in forum["threads"]:
        page = root / "forum" / f"viewtopic-{thread['id']}.html"
        page.write_text(_forum_thread(thread), encoding="utf-8")
    (root / "blog").mkdir(exist_ok=True)
    for article in blog["articles"]:
        page = root / "blog" / f"{article['slug']}.html"
        page.write_text(_blog_article(article, blog["title"]), encoding="utf-8")
    blog_url = f"{base_url}/blog"
    (root / "feed.xml").write_text(_rss(feed, base_url, blog_url), encoding="utf-8")
    return {
        "forum": f"{base_url}/forum/viewforum.php?f=3",
        "blog": f"{blog_url}/{blog['articles'][0]['slug']}",
        "feed": f"{base_url}/feed.xml",
    }
