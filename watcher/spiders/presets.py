"""Selector presets for forum engines and blog pages, as the engines really render them.

A source picks one with `preset = "phpbb3"` or gives its own `selectors =
{...}` with the same keys; given keys override the preset's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from watcher.errors import ConfigError

# Keys: thread_links, next_page (board and thread pagination), thread_title, post,
# post_id (attribute of the post node or of a node in it), author, date (a datetime
# attribute, epoch seconds or text), body. Of several matches the first non-blank one
# wins, and for date the first that parse_date reads: text dates (phpBB 2/3.0-3.2,
# vBulletin 3/4, SMF 2, old XenForo 1 posts) carry no zone and give no date.
FORUM_PRESETS: dict[str, dict[str, str]] = {
    "phpbb2": {
        "thread_links": "a.topictitle::attr(href)",
        "next_page": ".nav b + a::attr(href)",
        "thread_title": "a.maintitle::text, .maintitle a::text",
        "post": "tr:has(> td > span.name)",
        "post_id": "span.name a::attr(name)",
        "author": "span.name b::text, span.name strong::text",
        "date": "td.postdetails::text, a[href*='#'] + span.postdetails::text",
        "body": ".postbody",
    },
    "phpbb3": {
        "thread_links": "a.topictitle::attr(href)",
        "next_page": (
            "li.arrow.next a::attr(href), a[rel=next]::attr(href), "
            "strong + span.page-sep + a::attr(href)"
        ),
        "thread_title": "h2.topic-title a::text, h2.topic-title::text, #page-body h2 a::text",
        "post": "div.post",
        "post_id": "::attr(id)",
        "author": (
            ".author a.username::text, .author a.username-coloured::text, "
            ".author strong a::text, .author span.username::text, dl.postprofile a.username::text"
        ),
        "date": ".author time::attr(datetime), .author::text",
        "body": "div.content",
    },
    "vbulletin3": {
        "thread_links": "a[id^=thread_title_]::attr(href)",
        "next_page": "a[rel=next]::attr(href)",
        "thread_title": "td.navbar strong::text",
        "post": "div[id^=edit] > table[id^=post]",
        "post_id": "::attr(id)",
        "author": "a.bigusername ::text, div[id^=postmenu_]::text",
        "date": "td.thead:first-child::text",
        "body": "div[id^=post_message_]",
    },
    "vbulletin4": {
        "thread_links": "a.title[id^=thread_title_]::attr(href)",
        "next_page": "span.prev_next a[rel=next]::attr(href)",
        "thread_title": "span.threadtitle a::text, span.threadtitle::text",
        "post": "li.postcontainer[id^=post_]",
        "post_id": "::attr(id)",
        "author": ".username_container .username ::text",
        "date": "span.postdate span.date ::text",
        "body": "div[id^=post_message_]",
    },
    "vbulletin5": {
        "thread_links": "a.topic-title::attr(href)",
        "next_page": "a.right-arrow[rel=next]::attr(href)",
        "thread_title": "h1.main-title::text",
        "post": "li.b-post[data-node-id]",
        "post_id": "::attr(data-node-id)",
        "author": "div.author a ::text, div.author ::text",
        "date": "div.b-post__timestamp time::attr(datetime)",
        "body": "div.js-post__content-text",
    },
    "xenforo1": {
        "thread_links": "li.discussionListItem h3.title a.PreviewTooltip::attr(href)",
        "next_page": "link[rel=next]::attr(href)",
        "thread_title": "div.titleBar h1::text",
        "post": "li.message[id^=post-]",
        "post_id": "::attr(id)",
        "author": "::attr(data-author)",
        "date": (
            "a.datePermalink abbr.DateTime::attr(data-time), "
            "a.datePermalink span.DateTime::attr(title)"
        ),
        "body": "blockquote.messageText",
    },
    "xenforo2": {
        "thread_links": (
            "div.structItem-title a[data-tp-primary]::attr(href), "
            "div.structItem-title a[data-xf-init*=preview-tooltip]::attr(href)"
        ),
        "next_page": "a.pageNav-jump--next::attr(href)",
        "thread_title": "h1.p-title-value::text",
        "post": "article.message--post[data-content]",
        "post_id": "::attr(data-content)",
        "author": "::attr(data-author)",
        "date": (
            ".message-attribution time::attr(datetime), .message-attribution time::attr(data-time)"
        ),
        "body": ".message-body .bbWrapper",
    },
    "smf2": {
        "thread_links": "span[id^=msg_] > a::attr(href)",
        "next_page": ".pagelinks strong + a.navPages::attr(href), strong + a.navPages::attr(href)",
        "thread_title": "h5[id^=subject_] a::text",
        "post": "#forumposts .windowbg, #forumposts .windowbg2",
        "post_id": "div.inner[id^=msg_]::attr(id)",
        "author": ".poster h4 a::text, .poster h4::text",
        "date": ".keyinfo .smalltext::text",
        "body": "div.inner[id^=msg_]",
    },
    "nodebb": {
        "thread_links": "[component='topic/header'] > a::attr(href)",
        "next_page": (
            "link[rel=next]::attr(href), "
            "[component=pagination] li.next:not(.disabled) a::attr(href)"
        ),
        "thread_title": "[component='topic/title']::text",
        "post": "[component=post][data-pid]",
        "post_id": "::attr(data-pid)",
        "author": "::attr(data-username)",
        "date": "meta[itemprop=datePublished]::attr(content), a.permalink .timeago::attr(title)",
        "body": "[component='post/content']",
    },
}
BLOG_DEFAULTS: dict[str, str] = {
    "title": "h1.entry-title::text, meta[property='og:title']::attr(content), h1::text",
    "author": "span.author a.fn::text, .author .fn::text, meta[name=author]::attr(content)",
    "date": (
        "time.entry-date::attr(datetime), meta[property='article:published_time']::attr(content), "
        "time::attr(datetime)"
    ),
    "body": "div.entry-content, article .post-content, article",
    "comment": "ol.comment-list li.comment, #comments li.comment, div.comment",
    "comment_id": "::attr(id)",
    "comment_author": (
        ".comment-author .fn ::text, .comment-author cite ::text, cite.fn ::text, "
        "cite.user ::text, .comment-author::text"
    ),
    "comment_date": "time::attr(datetime)",
    "comment_body": ".comment-content, .comment-body p",
}


def forum_selectors(preset: str | None, custom: Mapping[str, Any] | None) -> dict[str, str]:
    """The selectors a forum source uses: its preset's, overridden by its own."""
    if preset is None and not custom:
        raise ConfigError("a forum source needs preset = ... or selectors = {...}")
    base: dict[str, str] = {}
    if preset is not None:
        if preset not in FORUM_PRESETS:
            raise ConfigError(
                f"unknown forum preset {preset!r}; known: {', '.join(sorted(FORUM_PRESETS))}, "
                "or give selectors = {...}"
            )
        base = dict(FORUM_PRESETS[preset])
    base.update({str(k): str(v) for k, v in (custom or {}).items()})
    missing = {"post", "body"} - set(base)
    if missing:
        raise ConfigError(f"forum selectors lack {', '.join(sorted(missing))}")
    return base
