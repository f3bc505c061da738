"""Which posts are one story: the same item seen twice, or the same words told again."""

from __future__ import annotations

from watcher.models import Post
from watcher.understanding.stories import same_item, same_story, same_thread

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


def test_a_feed_link_with_tracking_parameters_is_the_same_url() -> None:
    blog = post("a", url="https://blog.example/2026/10/internet-5g/", author="Adam Nowakowski")
    feed = post("b", url="https://www.blog.example/2026/10/internet-5g?utm_source=rss&utm_medium=feed",
                author="blog.example", source="rss")  # fmt: skip
    assert same_item(blog, feed) == "same URL"
    other_page = post("c", url="https://blog.example/2026/10/internet-5g?page=2", author="x")
    assert same_item(blog, other_page) is None


BLOG_URL = "https://expat.blog.example/2026/10/six-weeks-trying-to-cancel-netia/"
BLOG_TITLE = "Six weeks of trying to cancel Netia"


def test_a_link_post_under_the_blog_title_is_the_same_item_whoever_posts_it() -> None:
    blog = post("a", url=BLOG_URL, author="Tom Whitfield", title=BLOG_TITLE,
                text="I sent the termination notice on 1 September...")  # fmt: skip
    link = post("b", url="https://reddit.example/r/poland/comments/y0a1tt/", author="tw_expat",
                title="Six weeks of trying to cancel Netia [my blog]",
                text=f"Wrote it up: still no end date. {BLOG_URL}.")  # fmt: skip
    assert same_item(link, blog) == "links to it"
    assert same_item(blog, link) == "links to it"


def test_someone_else_linking_a_post_to_say_same_here_tells_their_own_story() -> None:
    blog = post(
        "a", url=BLOG_URL, author="Tom Whitfield", title="Six weeks of trying to cancel Netia"
    )
    me_too = post("b", url="https://reddit.example/r/poland/comments/z9/", author="ola_k",
                  title="Netia billed me after I moved out",
                  text=f"Same thing happened to me, see {BLOG_URL}")  # fmt: skip
    assert same_item(me_too, blog) is None
    own = post("c", url="https://twitter.example/tom/1", author="tom whitfield",
               text=f"New post: {BLOG_URL}")  # fmt: skip
    assert same_item(own, blog) == "links to it"


def test_an_author_sharing_their_own_post_without_the_scheme_is_the_same_item() -> None:
    """A tweet announcing a blog post shows the link bare, under another name."""
    link = "notes.example/2025/04/five-reschedules"
    blog = post("a", url=f"https://{link}", author="Hannah B.",
                title="Five reschedules and an invoice", source="blog")  # fmt: skip
    byline = post("b", url="https://twitter.example/hannahb_waw/status/1", author="hannahb_waw",
                  text=f"They moved my visit again. {link}")  # fmt: skip
    assert same_item(byline, blog) == "links to it"
    announced = post("c", url="https://twitter.example/hb/status/2", author="hb_in_warsaw",
                     text=f"New post: how they billed me 350 zł {link}")  # fmt: skip
    assert same_item(announced, blog) == "links to it"
    stranger = post("d", url="https://twitter.example/ola/status/3", author="ola_k",
                    text=f"Same here!! {link}")  # fmt: skip
    assert same_item(stranger, blog) is None
    # A domain alone is no link to the post.
    assert same_item(post("e", author="x", text="see notes.example for more"), blog) is None


RETWEETED = (
    "Monter z @JarzebinaHome rozbił lustro w drzwiach szafy przy montażu, zostawił trociny "
    "na całym przedpokoju i powiedział, że to się zdarza."
)


def test_a_retweet_by_anyone_is_the_same_item() -> None:
    original = post("a", source="twitter", author="karo_adamczyk", text=RETWEETED)
    retweet = post("b", source="twitter", author="anetka_w", text=f"RT @karo_adamczyk: {RETWEETED}")
    assert same_item(retweet, original) == "retweet"
    assert same_story(original, retweet) == "retweet"
    cut = post("c", author="news", text="RT @Karo_Adamczyk: Monter z @JarzebinaHome rozbił lus…")
    assert same_item(cut, original) == "retweet"


def test_a_retweet_of_someone_else_or_a_quote_tweet_is_not() -> None:
    original = post("a", source="twitter", author="karo_adamczyk", text=RETWEETED)
    other_handle = post("b", author="anetka_w", text=f"RT @karo_adam: {RETWEETED}")
    other_words = post("c", author="anetka_w", text="RT @karo_adamczyk: Kuchnię też składali źle")
    quote = post("d", author="anetka_w", text=f"U mnie to samo! {RETWEETED}")
    assert same_item(other_handle, original) is None
    assert same_item(other_words, original) is None
    assert same_story(original, quote) is None


def test_a_reddit_comment_and_a_blog_comment_are_in_their_threads() -> None:
    thread = "https://reddit.example/r/irishtravel/comments/1j3kq2/psa_bryza_travel_tenerife"
    first = post("a", url=thread, author="corkmammy", text="Pool closed all week.")
    update = post("b", url=f"{thread}/mk81z0c", author="corkmammy", text="Still waiting.")
    assert (
        same_thread(first, update) and same_story(first, update) == "same author in the same thread"
    )
    other = post("c", url=f"{thread}_2/mk81z0c", author="corkmammy", text="Still waiting.")
    assert not same_thread(first, other)  # another thread whose address starts alike
    blog = post("d", url="https://blog.example/2025/03/x/", author="Jerzy", text="…")
    assert same_thread(blog, post("e", url="https://blog.example/2025/03/x/#comment-2"))
