"""All the understanding of one post: what only the whole post (its author too) can tell."""

from __future__ import annotations

import pytest

from watcher.config import Brand
from watcher.formats.posts import parse_post
from watcher.understanding.pipeline import from_feed, understand
from watcher.understanding.text import own_words

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


@pytest.mark.parametrize("byline", ["Nurt", "Zespół Nurt", "NURT Support"])
def test_a_byline_of_the_brands_name_is_the_company_writing(byline: str) -> None:
    found = understand(parse_post(post(byline)), NURT)
    assert not found.is_complaint and "posted by Nurt's own account" in found.reasons


@pytest.mark.parametrize("author", ["nurt_fan", "Nurtowski Jan"])
def test_a_name_that_only_holds_the_brands_is_a_customer(author: str) -> None:
    assert understand(parse_post(post(author)), NURT).is_complaint


NEWS = (
    "Od jutra nowe taryfy Nurtu. Ile zapłacimy za wodę?\n"
    "Od 1 kwietnia metr sześcienny wody i ścieków będzie kosztował 17,85 zł brutto. Dla "
    "czteroosobowej rodziny to ok. 12 zł więcej miesięcznie. Awaria magistrali z lutego "
    "wciąż nie jest rozliczona, a mieszkańcy skarżą się na brak wody."
)
NEWS_EN = (
    "Nurt water outage leaves Zacisze without heating for three days\n"
    "Residents of Zacisze were left without heating and hot water for three days after a "
    "main failed on Monday. Nurt said the repair took longer than planned and that bills "
    "would be corrected, but many customers are still waiting for an answer."
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
    # The newsroom's own "told us" is not a customer speaking.
    told = f"{NEWS_EN} One reader told us he was charged twice for February."
    assert not understand(parse_post(feed_post(told)), NURT, feed=True).is_complaint
    paid = f"{NEWS_EN} I was charged twice for February."
    assert understand(parse_post(feed_post(paid)), NURT, feed=True).is_complaint


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


@pytest.mark.parametrize(
    ("text", "own"),
    [
        (
            "Always carry two cards. Sorry that happened 😬\n\nQuote @asia_m: ukradli 1312 zł",
            "Always carry two cards. Sorry that happened 😬",
        ),
        (
            "'omyłkowo' 😂 a dostawa?\nQT @JarzebinaHome: SMS wysłane omyłkowo",
            "'omyłkowo' 😂 a dostawa?",
        ),
        ("> Zamówienie Z-1234567 nie doszło\nU mnie to samo, 89,99 zł", "U mnie to samo, 89,99 zł"),
        ("RT @kasia: Nurt od tygodnia bez wody, 17,85 zł za m³", None),  # a retweet is all theirs
        ("Cena 5 > 3, a rachunek -> 120 zł", None),
    ],
)
def test_own_words_leave_out_what_a_post_quotes(text: str, own: str | None) -> None:
    assert own_words(text) == (text if own is None else own)


def test_the_details_of_a_quoted_post_are_not_the_quoting_authors() -> None:
    text = "Sorry that happened 😬 two cards, always\n\nQuote @asia_m: Nurt: zapłaciłam 1312 zł"
    row = {"source": "twitter", "external_id": "q1", "author": "tomek", "text": text}
    found = understand(parse_post(row), NURT)
    assert found.about_brand  # the quoted post names the brand
    assert found.identifiers["amounts"] == []
