"""Stories: the same post seen in several places (a blog post, its Reddit link, a feed copy).

Posts join a story when, within STORY_WINDOW, they share a URL (tracking
parameters such as utm_source aside), carry the same title, one links to the
other under the same title, one retweets the other ("RT @author: …", whoever
retweets), or their texts are near-duplicates (MinHash
estimate of the Jaccard similarity of word 3-shingles >= STORY_SIMILARITY).
Two customers describing the same outage in their own words are different
stories: that is what the matcher and the quiet-twins rule are for.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from datasketch import MinHash
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session
from w3lib.url import url_query_cleaner

from watcher.models import Complaint, Post, Story
from watcher.understanding.text import normalise

NUM_PERM = 64
MIN_WORDS = 12
MIN_TITLE_WORDS = 4
DEFAULT_SIMILARITY = 0.6
# How long after a complaint its author's update in the same thread still continues it.
THREAD_FOLLOW_UP = timedelta(days=45)


def shingles(text: str, size: int = 3) -> set[str]:
    tokens = normalise(text).tokens
    return {" ".join(tokens[i : i + size]) for i in range(max(len(tokens) - size + 1, 0))}


def minhash(text: str) -> MinHash | None:
    """A MinHash of the text's word 3-shingles; None for texts too short to judge."""
    if len(normalise(text).tokens) < MIN_WORDS:
        return None
    signature = MinHash(num_perm=NUM_PERM, seed=7)
    for shingle in shingles(text):
        signature.update(shingle.encode())
    return signature


def _title_key(title: str | None) -> str | None:
    if not title:
        return None
    tokens = normalise(title).tokens
    return " ".join(tokens) if len(tokens) >= MIN_TITLE_WORDS else None


# Query parameters that say where a reader came from, not which page they read.
TRACKING = re.compile(r"utm_\w+|fbclid|gclid|mc_cid|mc_eid|igshid|ref_src", re.I)
# A link with its scheme, or a bare one with a path as tweets show them ("blog.example/2025/04/x").
_LINK = re.compile(
    r"https?://[^\s<>\"')\]]+|(?<![\w@./-])(?:[\w-]+\.)+[a-z]{2,}/[^\s<>\"')\]]+", re.I
)
# The author announces their own writing: "New post:", "on my blog", "nowy wpis".
_OWN_WRITING = re.compile(
    r"\b(?:new (?:blog )?post|my (?:latest |new )?(?:blog ?post|post|blog|write-?up)|i wrote"
    r"|wrote (?:it|this|about it) up|nowy (?:wpis|post)|na (?:moim|swoim) blogu"
    r"|m[oó]j (?:nowy )?wpis|napisa[lł]a?m|opisa[lł]a?m)\b",
    re.I,
)
_QUERY_NAMES = re.compile(r"[?&]([^=&#]+)")
SIMILAR_TITLE = 0.6


def _url_key(url: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    tracking = [name for name in _QUERY_NAMES.findall(url) if TRACKING.fullmatch(name)]
    if tracking:
        # The fragment stays: a comment (#comment-3) or a forum reply (#p9002) is its own item.
        url = url_query_cleaner(url, tracking, remove=True, keep_fragments=True)
    return url.rstrip("/").removeprefix("https://").removeprefix("http://").removeprefix("www.")


def _two_authors(a: Post, b: Post) -> bool:
    return bool(a.author and b.author and a.author.casefold() != b.author.casefold())


def _compact(author: str) -> str:
    return "".join(ch for ch in normalise(author).ascii_folded if ch.isalnum())


ONE_PERSON_CHARS = 5  # the shorter of one person's two names, letters and digits only


def one_person(a: Post, b: Post) -> bool:
    """A blog's byline and the author's handle elsewhere: "Hannah B." and "hannahb_waw"."""
    if not (a.author and b.author):
        return False
    mine, theirs = sorted((_compact(a.author), _compact(b.author)), key=len)
    return len(mine) >= ONE_PERSON_CHARS and theirs.startswith(mine)


# A retweet: "RT @handle: the words of the handle's post", cut short with "…" when long.
_RETWEET = re.compile(r"\s*RT @(\w+):?\s+(.*)", re.S | re.I)
_CUT = re.compile(r"\s*(?:…|\.\.\.)\s*$")
MIN_RETWEET_WORDS = 4


def _retweets(post: Post, other: Post) -> bool:
    """Whether a post is a retweet of the other: its author's handle and the other's words.

    Anyone may retweet; the words are the other's, so it is their story told again. A
    quote tweet adds the quoter's own words and stays their own.
    """
    found = _RETWEET.match(post.text or "")
    if not found or not other.author:
        return False
    if found.group(1).casefold() != other.author.removeprefix("@").casefold():
        return False
    quoted = normalise(_CUT.sub("", found.group(2))).tokens
    told = normalise(other.text or "").tokens
    if len(quoted) < MIN_RETWEET_WORDS:
        return False
    # The last word of a cut retweet may be cut too.
    whole = quoted[:-1] if _CUT.search(found.group(2)) else quoted
    return told[: len(whole)] == whole


def _links_to(post: Post, other: Post) -> bool:
    """Whether a post shares the other's link under its title (a Reddit link post to a blog post).

    Someone else linking a post to say "same here" tells their own story: the link counts only
    from the same author or when the post repeats most words of the other's title.
    """
    target = _url_key(other.url)
    if not target or not any(
        _url_key(link.rstrip(".,;:!?")) == target for link in _LINK.findall(post.text or "")
    ):
        return False
    if not _two_authors(post, other) or one_person(post, other):
        return True
    if _OWN_WRITING.search(post.text or ""):
        return True  # "New post: how they moved my visit five times <link>"
    title = {word for word in normalise(other.title or "").tokens if len(word) > 2}
    told = set(normalise(f"{post.title or ''} {post.text or ''}").tokens)
    return bool(title) and len(title & told) >= SIMILAR_TITLE * len(title)


def same_item(a: Post, b: Post) -> str | None:
    """Why two posts are one item seen twice: "same URL", "same title", "links to it", "retweet".

    Replies in a forum thread carry the thread's title: the same title from two
    named authors is two people in one thread, not one item.
    """
    if _url_key(a.url) and _url_key(a.url) == _url_key(b.url):
        return "same URL"
    if _links_to(a, b) or _links_to(b, a):
        return "links to it"
    if _retweets(a, b) or _retweets(b, a):
        return "retweet"
    if (
        _title_key(a.title)
        and _title_key(a.title) == _title_key(b.title)
        and not _two_authors(a, b)
    ):
        return "same title"
    return None


def _thread(url: str | None) -> str | None:
    page = (url or "").split("#")[0].strip().rstrip("/")
    return page.removeprefix("https://").removeprefix("http://") or None


# A Reddit comment's address: its thread's (".../comments/1jz0m8k/") with the thread's slug
# and the comment's id after it.
_REDDIT_COMMENT = re.compile(r"^(?P<thread>[^#?]*/comments/[^/]+/)[^/]+/[^/]+/?$")


def reply_page(url: str | None) -> tuple[str, str] | None:
    """The page a reply was written on, as (its address, the prefix every reply on it
    shares): a comment under a blog post (#comment-3), a reply in a forum thread (#p9002),
    a Reddit comment. None for a post that is no reply."""
    page, _, fragment = (url or "").partition("#")
    if page and fragment:
        return page, f"{page}#"
    comment = _REDDIT_COMMENT.match(page)
    if comment:
        return comment.group("thread"), comment.group("thread")
    return None


def same_thread(a: Post, b: Post) -> bool:
    """One page or thread: a blog post and its comments (#comment-3), a Reddit thread and a
    comment in it (the thread's address with the comment's id after it)."""
    mine, theirs = _thread(a.url), _thread(b.url)
    if mine is None or theirs is None:
        return False
    short, long = sorted((mine, theirs), key=len)
    return long == short or long.startswith(f"{short}/")


def same_story(a: Post, b: Post, threshold: float = DEFAULT_SIMILARITY) -> str | None:
    """Why two posts tell the same story, or None."""
    item = same_item(a, b)
    if item:
        return item
    same_author = bool(a.author and b.author and a.author.casefold() == b.author.casefold())
    if same_author and same_thread(a, b):
        return "same author in the same thread"
    # Near-identical words from two different people are two customers with one problem
    # (often a copied template), not one story told twice.
    if _two_authors(a, b):
        return None
    mine, theirs = minhash(a.text), minhash(b.text)
    if mine is not None and theirs is not None and mine.jaccard(theirs) >= threshold:
        return "near-duplicate text"
    return None


def assign_story(
    session: Session,
    post: Post,
    *,
    window: timedelta,
    threshold: float = DEFAULT_SIMILARITY,
) -> tuple[Story, bool]:
    """The post's story, reusing one of a similar post within the window; (story, created)."""
    if post.story_id is not None and post.story is not None:
        return post.story, False
    moment = post.published_at or post.fetched_at
    nearby = session.scalars(
        select(Post)
        .where(
            Post.id != post.id,
            Post.story_id.is_not(None),
            or_(
                Post.published_at.is_(None),
                Post.published_at.between(moment - window, moment + window),
            ),
        )
        .order_by(Post.published_at, Post.id)
    ).all()
    for other in nearby:
        if same_story(post, other, threshold) and other.story is not None:
            post.story = other.story
            _earliest(other.story, moment)
            return other.story, False
    story = Story(title=(post.title or post.text[:120]).strip(), first_published_at=moment)
    session.add(story)
    post.story = story
    return story, True


def merge_stories(
    session: Session, post: Post, *, window: timedelta, threshold: float = DEFAULT_SIMILARITY
) -> bool:
    """Join stories that parallel workers started apart; True when posts moved.

    Two workers understanding a blog post and its feed copy at the same time each
    see no story yet and start one. Run after both committed, this moves every
    post of the later stories into the oldest one, so all workers agree.
    """
    if post.story_id is None:
        return False
    moment = post.published_at or post.fetched_at
    nearby = session.scalars(
        select(Post).where(
            Post.id != post.id,
            Post.story_id.is_not(None),
            Post.story_id != post.story_id,
            or_(
                Post.published_at.is_(None),
                Post.published_at.between(moment - window, moment + window),
            ),
        )
    ).all()
    stories = {post.story_id} | {o.story_id for o in nearby if same_story(post, o, threshold)}
    stories.discard(None)
    if len(stories) < 2:
        return False
    keep = min(s for s in stories if s is not None)
    _join(session, stories - {keep}, keep)
    return True


def _join(session: Session, stories: set[int | None], keep: int) -> None:
    """Move every post of `stories` into the story `keep`."""
    for moved in session.scalars(select(Post).where(Post.story_id.in_(stories))):
        moved.story_id = keep
    session.flush()


CROSS_POST_DETAILS = 2  # shared details a cross-post by another handle needs
CROSS_POST_LOOKS = 200  # the latest brand complaints a post is compared with


def _earlier_brand_complaints(complaint: Complaint, *conditions: Any) -> Select[Complaint]:
    """Brand complaints of other stories meeting `conditions`, latest first, at most
    CROSS_POST_LOOKS of them: what a post may continue."""
    post = complaint.post
    query = (
        select(Complaint)
        .join(Post, Complaint.post_id == Post.id)
        .where(
            Post.id != post.id,
            Post.story_id.is_not(None),
            Post.story_id != post.story_id,
            Complaint.is_complaint.is_(True),
            Complaint.about_brand.is_(True),
            *conditions,
        )
        .order_by(Post.published_at.desc(), Post.id.desc())
    )
    if complaint.brand:
        query = query.where(or_(Complaint.brand.is_(None), Complaint.brand == complaint.brand))
    return query.limit(CROSS_POST_LOOKS)


def join_follow_up(session: Session, complaint: Complaint, *, window: timedelta) -> Post | None:
    """Join a brand complaint to the story of its author's brand complaint of the last `window`.

    People follow up their own complaint in other words ("still nothing", the forum thread
    retold on Wykop). The same author complaining of the same brand within a few days, or
    in their own thread within THREAD_FOLLOW_UP ("Update: two weeks on and still
    nothing"), is the same story; it is told apart when the two cite different ticket
    references. So is, within `window`, the same person under a handle written
    differently ("annak_gda", "AnnaK_Gdansk") repeating a detail of theirs: one query
    looks for both. Returns the earlier post joined, or None.
    """
    post = complaint.post
    if not post.author or post.story_id is None or post.published_at is None:
        return None
    author = post.author.lower()
    key = _compact(post.author)
    alike = func.lower(Post.author) == author
    if len(key) >= ONE_PERSON_CHARS:
        # Both of one person's names begin alike: the database hands over those that hold
        # this one's first letters, not every post.
        alike = or_(alike, func.lower(Post.author).contains(key[:3], autoescape=True))
    query = _earlier_brand_complaints(
        complaint,
        alike,
        Post.published_at >= post.published_at - max(window, THREAD_FOLLOW_UP),
        or_(
            Post.published_at < post.published_at,
            and_(Post.published_at == post.published_at, Post.id < post.id),
        ),
    )
    for earlier in session.scalars(query):
        assert earlier.post.published_at is not None and earlier.post.author is not None
        if earlier.post.author.lower() == author:
            return _follow_up(session, complaint, earlier, window)
        if (
            post.published_at - earlier.post.published_at <= window
            and one_person(post, earlier.post)
            and _shared_details(complaint, earlier) >= 1
        ):
            return _joined(session, post, earlier)
    return None


def _follow_up(
    session: Session, complaint: Complaint, earlier: Complaint, window: timedelta
) -> Post | None:
    """The author's latest earlier brand complaint: the same story, unless it is news from
    weeks ago outside their own thread or cites another ticket."""
    post = complaint.post
    assert post.published_at is not None and earlier.post.published_at is not None
    if post.published_at - earlier.post.published_at > window and not same_thread(
        earlier.post, post
    ):
        return None  # an update in one's own thread may come weeks later; elsewhere it is news
    cited = set((complaint.identifiers or {}).get("ticket_refs") or ())
    if cited and not cited <= set((earlier.identifiers or {}).get("ticket_refs") or ()):
        return None
    return _joined(session, post, earlier)


def _joined(session: Session, post: Post, earlier: Complaint) -> Post:
    assert earlier.post.story_id is not None and post.story_id is not None
    keep, gone = sorted((earlier.post.story_id, post.story_id))
    _join(session, {gone}, keep)
    return earlier.post


# A post that says it repeats the author's post elsewhere: "also posted on the gig forum",
# "kopiuję z twittera", "wrzucałem wczoraj na reddita, wrzucę i tu".
_CROSS_POST = re.compile(
    r"\b(?:also posted (?:on|in|to)|cross-?post\w*|x-?post\w*|copying (?:my|what i)"
    r"|reposting (?:my|from)|kopiuj\w* (?:z|ze|moj\w*)|przeklejam|wrzucam (?:tez|i) tu\w*"
    r"|wrzuce (?:tez|i) tu\w*|wrzucal\w* (?:wczoraj |juz |tez )?na)\b"
)
# The details two posts of one person's story share: amounts, numbers, dates, places.
_DETAIL_KEYS = (
    "amounts", "codes", "order_numbers", "dates", "places", "emails", "phones", "units",
)  # fmt: skip


def says_it_is_a_copy(post: Post) -> bool:
    """Whether a post says it repeats its author's post elsewhere ("kopiuję z twittera")."""
    return bool(_CROSS_POST.search(normalise(post.text or "").ascii_folded))


def _shared_details(a: Complaint, b: Complaint) -> int:
    mine, theirs = a.identifiers or {}, b.identifiers or {}
    return sum(
        1
        for key in _DETAIL_KEYS
        for value in mine.get(key) or ()
        if value in (theirs.get(key) or ())
    )


def join_cross_post(session: Session, complaint: Complaint, *, window: timedelta) -> Post | None:
    """Join a brand complaint that says it is a copy ("kopiuję z twittera", "also posted on
    the gig forum") to the latest brand complaint of the last `window`, by anyone, sharing
    CROSS_POST_DETAILS of its details. Returns the earlier post joined, or None."""
    post = complaint.post
    if post.story_id is None or post.published_at is None or not says_it_is_a_copy(post):
        return None
    query = _earlier_brand_complaints(
        complaint,
        Post.published_at >= post.published_at - window,
        Post.published_at <= post.published_at,
    )
    for earlier in session.scalars(query):
        if _shared_details(complaint, earlier) >= CROSS_POST_DETAILS:
            return _joined(session, post, earlier)
    return None


def _earliest(story: Story, moment: datetime | None) -> None:
    if moment is not None and (
        story.first_published_at is None or moment < story.first_published_at
    ):
        story.first_published_at = moment
