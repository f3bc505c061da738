"""Blog pages: the article's main text by trafilatura, boilerplate left out, comments kept.

The pages are hand-written in the shape of a WordPress theme (Polish post with
comments) and of a news site (navigation, cookie banner, related stories, footer).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from watcher.spiders import blog
from watcher.spiders.blog import extract_blog

PAGES = Path(__file__).parent / "pages"


def _items(name: str, **kwargs: Any) -> list[dict[str, Any]]:
    html = (PAGES / f"{name}.html").read_text(encoding="utf-8")
    return extract_blog(html, f"https://blog.example/{name}/", "b", **kwargs)


def test_wordpress_article_is_its_paragraphs_without_menus_widgets_or_comments() -> None:
    article = _items("blog_wordpress_pl", timezone="Europe/Warsaw")[0]
    text = article["text"]
    assert text.startswith("Trzy tygodnie temu podpisałam umowę na światłowód 600 Mb/s")
    for words in ("Zgłoszenie ma numer NT-31877.", "Co to oznacza dla małej firmy",
                  "dajcie znać w komentarzach, jak udało się przyspieszyć sprawę."):  # fmt: skip
        assert words in text
    for boilerplate in (
        "Strona główna", "Podatki i ZUS", "Przejdź do treści",  # menu
        "Najnowsze wpisy", "Newsletter", "Poprzedni wpis", "Udostępnij",  # widgets, sharing
        "Polityka prywatności", "Wszelkie prawa zastrzeżone", "WordPress",  # footer
        "Nowej Hucie", "Dodaj komentarz",  # comments and their form
        "Reklama", "gtag", "Włącz JavaScript", "margin-top", "line-height",  # script, style
    ):  # fmt: skip
        assert boilerplate not in text, boilerplate
    assert article["title"] == "Światłowód od Netii: trzy tygodnie czekania na technika"
    assert article["author"] == "Magdalena Nowak"
    assert article["published_at"] == "2026-11-18T07:42:10Z"
    assert article["url"] == article["external_id"] == "https://blog.example/blog_wordpress_pl/"


def test_wordpress_comments_keep_their_authors_dates_and_anchors() -> None:
    _article, *comments = _items("blog_wordpress_pl", timezone="Europe/Warsaw")
    assert [(c["author"], c["published_at"], c["url"].split("#")[1]) for c in comments] == [
        ("Piotr Zieliński", "2026-11-18T09:15:00Z", "comment-771"),
        ("Magdalena Nowak", "2026-11-18T10:02:00Z", "comment-772"),
        ("Kasia", "2026-11-19T08:30:00Z", "comment-780"),
    ]
    assert comments[0]["text"].startswith("U mnie w Nowej Hucie było identycznie")
    assert comments[2]["title"] == "Re: Światłowód od Netii: trzy tygodnie czekania na technika"


def test_news_article_leaves_navigation_related_links_and_footer_out() -> None:
    items = _items("blog_news_en")
    assert len(items) == 1
    article = items[0]
    text = article["text"]
    assert text.startswith("Thousands of small businesses in Kraków spent most of Thursday")
    for words in ("“We had a VAT deadline and nothing worked,” said Tomasz Wiśniewski",
                  "would receive a credit on their next invoice.",
                  "asked operators to report how many customers had been affected."):  # fmt: skip
        assert words in text
    for boilerplate in (
        "We use cookies", "Accept all cookies",  # cookie banner
        "Telecoms", "Newsletters", "Subscribe for £1", "Search the site", "Home",  # navigation
        "Related stories", "Fibre rollout to reach every county", "Most read",  # related links
        "Energy prices to fall", "Share this article", "LinkedIn",
        "About us", "Advertise with us", "All rights reserved",  # footer
        "Advertisement", "loadAd", "_paq", "font-size",  # ads, script, style
    ):  # fmt: skip
        assert boilerplate not in text, boilerplate
    assert article["title"] == "Broadband outage leaves thousands of Kraków businesses offline"
    assert article["author"] == "Daniel Whitfield"
    assert article["published_at"] == "2026-11-21T14:30:00Z"


def test_the_selectors_are_the_fallback_and_a_source_s_own_selector_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    own = _items("blog_news_en", selectors={"body": "p.standfirst"})[0]
    assert own["text"] == "A damaged fibre trunk line cut connections across three districts " \
        "for almost two days."  # fmt: skip
    monkeypatch.setattr(blog.trafilatura, "bare_extraction", lambda *a, **k: None)
    article, *comments = _items("blog_wordpress_pl")
    assert article["text"].startswith("Trzy tygodnie temu podpisałam umowę")
    assert "Reklama" not in article["text"] and "line-height" not in article["text"]
    assert article["title"] == "Światłowód od Netii: trzy tygodnie czekania na technika"
    assert article["author"] == "Magdalena Nowak" and len(comments) == 3
    assert "Opublikowano" not in article["text"]  # entry-content, not the whole <article>


def test_a_selector_group_is_tried_in_the_order_written() -> None:
    assert blog._alternatives("div.entry-content, a[title='x, y'], b:is(c, d) ,article") == [
        "div.entry-content", "a[title='x, y']", "b:is(c, d)", "article",
    ]  # fmt: skip
