"""All the understanding of one post: what only the whole post (its author too) can tell."""

from __future__ import annotations

from watcher.config import Brand
from watcher.formats.posts import parse_post
from watcher.understanding.pipeline import from_feed, understand

NURT = [Brand(name="Nurt", aliases=("Nurt", "@NurtMiasto"), exclude=())]
OUTAGE = (
    "AWARIA: o 5:40 uszkodzenie magistrali ciepłowniczej, bez ogrzewania i ciepłej wody "
    "Jaworowa i Bukowa. @NurtMiasto przeprasza, szacowany czas naprawy 24 h."
)


def post(author: str) -> dict[str, object]:
    return {"source": "twitter", "external_id": author, "author": author, "text": OUTAGE}


def test_the_brands_own_account_does_not_complain_about_itself() -> None:
    customer = understand(parse_post(post("ania_z_zacisza")), NURT)
    assert customer.is_complaint and customer.about_brand
    company = understand(parse_post(post("@nurtmiasto")), NURT)
    assert company.about_brand and not company.is_complaint
    assert "posted by Nurt's own account" in company.reasons
    assert company.category is None  # no complaint, so no complaint category


NEWS = (
    "Od jutra nowe taryfy Nurtu. Ile zapłacimy za wodę?\n"
    "Od 1 kwietnia metr sześcienny wody i ścieków będzie kosztował 17,85 zł brutto. Dla "
    "czteroosobowej rodziny to ok. 12 zł więcej miesięcznie. Awaria magistrali z lutego "
    "wciąż nie jest rozliczona, a mieszkańcy skarżą się na brak wody."
)
BLOG = (
    "Nurt: trzeci dzień bez ciepłej wody\n"
    "Od poniedziałku nie mam ciepłej wody, zgłosiłem awarię do Nurtu dwa razy i nic."
)


def feed_post(text: str, source: str = "rss") -> dict[str, object]:
    return {"source": source, "external_id": "n1", "text": text}


def test_a_feeds_item_in_which_no_one_speaks_of_themselves_is_news() -> None:
    news = understand(parse_post(feed_post(NEWS)), NURT, feed=True)
    assert news.about_brand and not news.is_complaint
    assert "a feed's item in which no one speaks of themselves" in news.reasons
    # The same words elsewhere are judged by the model and the rules alone...
    assert understand(parse_post(feed_post(NEWS, "forum")), NURT).is_complaint
    # ... and a customer's blog post in the feed says "I".
    assert understand(parse_post(feed_post(BLOG)), NURT, feed=True).is_complaint


def test_which_sources_are_feeds() -> None:
    assert from_feed("feed", "news-example")
    assert from_feed("import", "RSS") and from_feed("import", "atom")
    assert not from_feed("import", "twitter") and not from_feed("forum", "rss")


GREMLIN = [
    Brand(
        name="Gremlin Games",
        aliases=("Gremlin Games", "Rift Raiders", "gremlingames.example"),
        exclude=("Gremlins movie",),
    )
]


def community_post(url: str, text: str) -> dict[str, object]:
    return {"source": "reddit", "external_id": "c1", "url": url, "text": text}


def test_a_post_in_the_brands_own_community_need_not_name_it() -> None:
    text = "Bought 1,200 gems last night, Apple took the money, gems never showed up."
    for url in (
        "https://reddit.example/r/RiftRaiders/comments/1jpd3xk/bought_gems/",
        "https://forum.gremlingames.example/t/gems-missing/18422",
    ):
        found = understand(parse_post(community_post(url, text)), GREMLIN)
        assert found.about_brand and found.brand == "Gremlin Games"
        assert "written in Gremlin Games's own community" in found.reasons
    elsewhere = "https://reddit.example/r/gaming/comments/1jpd3xk/bought_gems/"
    assert not understand(parse_post(community_post(elsewhere, text)), GREMLIN).about_brand
    # An excluded phrase still says the post is about something else.
    movie = "Rewatched the Gremlins movie, still great."
    url = "https://reddit.example/r/RiftRaiders/comments/1/x/"
    assert not understand(parse_post(community_post(url, movie)), GREMLIN).about_brand
