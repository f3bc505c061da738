"""Which posts are one story: the same item seen twice, or the same words told again."""

from __future__ import annotations

from watcher.models import Post
from watcher.understanding.stories import same_item, same_story

TITLE = "Awaria Netia - Warszawa Grochów"
TEXT = (
    "Od wczoraj nie działa internet ani telewizja na Grochowskiej, modem świeci na czerwono "
    "a infolinia mówi że do rana naprawią"
)


def post(external_id: str, **fields: object) -> Post:
    values: dict[str, object] = {"source": "forum", "external_id": external_id} | fields
    return Post(**values)


def test_a_feed_copy_of_a_titled_post_is_the_same_item() -> None:
    blog = post("a", title=TITLE, author="liliana", text=TEXT, url="https://blog.example/a")
    feed = post("b", title=TITLE, author=None, text=TEXT[:60], source="rss")
    assert same_item(blog, feed) == "same title"
    assert same_story(blog, post("c", title=TITLE, author="Liliana", text="x")) == "same title"


def test_replies_of_two_people_in_one_thread_are_not_one_item() -> None:
    first = post("a", title=TITLE, author="staszek_praga", text="U nas też nie działa.")
    reply = post("b", title=TITLE, author="liliana_kwiaty", text="Mam kwiaciarnię obok, to samo.")
    assert same_item(first, reply) is None
    assert same_story(first, reply) is None


def test_the_same_url_is_one_item_whoever_is_named() -> None:
    url = "https://forum.example/t/123#p9"
    assert same_item(post("a", url=url, author="x"), post("b", url=url, author="y")) == "same URL"


def test_near_identical_words_of_one_author_are_one_story_of_two_people_two() -> None:
    one = post("a", author="kamil", text=TEXT)
    assert same_story(one, post("b", author="Kamil", text=TEXT + " serio")) == "near-duplicate text"
    assert same_story(one, post("c", author="ola", text=TEXT)) is None
