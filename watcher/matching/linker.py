"""The matching stage: decide what each complaint is, write matches, keep people's calls.

`decide` is pure (scored candidates in, a decision out); `match_complaints`
applies it to stored complaints that need matching. A decision made by a
person (confirm, reject, relink) is never overwritten by a re-run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watcher import db
from watcher.config import Config
from watcher.identities import network_of
from watcher.matching.candidates import ChannelLimits, MatchContext
from watcher.matching.facts import (
    Candidate,
    ComplaintFacts,
    TicketFacts,
    content_words,
    speaks_for_an_area,
)
from watcher.matching.features import Comparison, compare
from watcher.matching.scoring import Score, Weights, score, shipped_weights
from watcher.models import AuditEvent, Complaint, Match, Post
from watcher.understanding.brand import NO_BRAND, names_any
from watcher.understanding.stories import (
    join_cross_post,
    join_follow_up,
    merge_stories,
    one_person,
    same_item,
    says_it_is_a_copy,
)
from watcher.understanding.text import own_words

MACHINE = "watcher"
# The reason added to a complaint that names no brand but is the brand's by its identifiers.
UNNAMED_BUT_OURS = "names no brand, but cites a ticket or a customer's e-mail or phone"
DECISIONS = ("linked", "review", "new_ticket", "not_complaint", "off_brand", "duplicate")
# Decisions a later post of the same story inherits.
STORY_DECISIONS = ("linked", "review", "new_ticket")
REVIEW_CANDIDATES = 3
IDENTIFYING = {
    ("identity", "exact"), ("identity", "shared"), ("identity", "name"),
    ("identity", "partial"), ("reference", "exact"), ("reference", "near"),
    ("reference", "typo"),
}  # fmt: skip
# Evidence that singles one ticket out. Wording, town, time and category are shared by
# every ticket of one outage (and are far from independent there): alone, they link none.
# Two pieces of weaker evidence single a ticket out only with more:
# - a first name ("ania_w_krk" and Anna Lewandowska) with some shared wording: many
#   customers share a first name;
# - one uncommon word with close wording: one word is shared by chance (a "marketplace"
#   refusal, a waiting room of a storm), two are not; and the same town is no help, as the
#   word is often the town's district ("Bałuty", "Wrzeszcz"), which the neighbours share.
SPECIFIC = (IDENTIFYING - {("identity", "partial")}) | {
    ("details", "one"), ("details", "two_plus"), ("words", "two_plus"),
}  # fmt: skip


def _specific(item: Scored) -> bool:
    levels = {(e.feature, e.level) for e in item.score.evidence}
    if levels & SPECIFIC:
        return True
    if ("identity", "partial") in levels and ("text", "none") not in levels:
        return True
    return ("words", "one") in levels and ("text", "high") in levels


@dataclass(frozen=True)
class Thresholds:
    link: float = -1.5
    margin: float = 2.0
    review: float = -2.0

    @classmethod
    def from_config(cls, config: Config) -> Thresholds:
        return cls(
            link=config["MATCH_LINK_THRESHOLD"],
            margin=config["MATCH_MARGIN"],
            review=config["MATCH_REVIEW_THRESHOLD"],
        )


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    score: Score

    @property
    def ticket(self) -> TicketFacts:
        return self.candidate.ticket


@dataclass(frozen=True)
class Decision:
    kind: str
    best: Scored | None = None
    runners_up: tuple[Scored, ...] = ()
    reason: str = ""


# What a post says about its problem, as against who wrote it or which number it cites.
CONTENT = frozenset({"text", "category", "details", "city", "words"})


def _content(item: Scored) -> float:
    return sum(e.weight for e in item.score.evidence if e.feature in CONTENT)


def _typo_of(best: Scored, rest: Sequence[Scored], margin: float) -> Scored | None:
    """A ticket one digit from the number the post cites that fits what it says clearly better.

    A cited number that exists can still be a typo of the right one (another customer's
    renewal cited in a post about towing): then a person decides.
    """
    if not any(e.feature == "reference" and e.level == "exact" for e in best.score.evidence):
        return None
    return next(
        (
            s
            for s in rest
            if _level(s, "reference") in ("near", "typo") and _content(s) - _content(best) >= margin
        ),
        None,
    )


def _level(item: Scored, feature: str) -> str | None:
    return next((e.level for e in item.score.evidence if e.feature == feature), None)


def _retold(item: Scored) -> bool:
    """The post tells the ticket's own story again (a blog looking back on it): it shares
    several of its details, and its kind of problem."""
    levels = {(e.feature, e.level) for e in item.score.evidence}
    return ("details", "two_plus") in levels and ("category", "disagree") not in levels


def _identifies(item: Scored) -> bool:
    """The author is this ticket's customer, or may be, or the post cites it."""
    return any((e.feature, e.level) in IDENTIFYING for e in item.score.evidence)


def _area_report(tied: Sequence[Scored]) -> bool:
    """Tickets of several customers on the street the post names, none of them the
    author's or cited: the post reports trouble in the area, not which ticket is its own."""
    customers = {s.ticket.customer_id for s in tied}
    return (
        len(customers) > 1
        and all("place" in s.candidate.channels for s in tied)
        and not any(_identifies(s) for s in tied)
    )


def decide(scored: Sequence[Scored], thresholds: Thresholds, *, area: bool = False) -> Decision:
    """linked, review or new_ticket for a brand complaint's scored candidates.

    `area`: the post speaks for a whole street or building ("Cała Mogileńska bez netu").
    """
    ranked = sorted(scored, key=lambda s: (-s.score.total, s.ticket.ticket_id))
    if not ranked:
        return Decision("new_ticket", reason="no candidate ticket")
    if ranked[0].score.total < thresholds.review:
        known = next((s for s in ranked if _identifies(s)), None)
        if known is None:
            return Decision("new_ticket", reason="no credible ticket")
        # A customer we know (a shared handle, a name, a cited number): a person decides
        # between their tickets rather than a duplicate ticket being opened.
        rest = tuple(s for s in ranked if s is not known)
        return Decision("review", known, rest, reason="the author may be a known customer")
    best, rest = ranked[0], tuple(ranked[1:])
    gap = best.score.total - rest[0].score.total if rest else float("inf")
    settled = _level(best, "status") == "solved_long_ago"
    specific = _specific(best)
    namesake = next(
        (
            s
            for s in rest
            if _level(s, "identity") == "name" and s.ticket.customer_id != best.ticket.customer_id
        ),
        None,
    )
    if (
        _level(best, "identity") == "name"
        and namesake is not None
        and _content(best) - _content(namesake) < thresholds.margin
    ):
        # Two customers of that name ("my dad, Jerzy Pawlak"), and what the post says fits
        # one no better than the other: the name tells neither apart.
        return Decision(
            "review", best, rest, reason=f"{namesake.ticket.external_id}'s customer has that name"
        )
    on_street = [s for s in ranked if "place" in s.candidate.channels]
    if area and best in on_street and not _retold(best) and _area_report(on_street):
        # However clearly one ticket fits (its words told how the cable was cut), unless the
        # post tells that ticket's own details too.
        return Decision(
            "new_ticket",
            reason=f"an area report: it speaks for the whole street, {len(on_street)} "
            "tickets there",
        )
    if best.score.total >= thresholds.link and gap >= thresholds.margin:
        if not specific:
            return Decision(
                "review",
                best,
                rest,
                reason="only wording, place, time, a first name or a word: nothing singles it out",
            )
        typo = _typo_of(best, rest, thresholds.margin)
        if typo is not None:
            return Decision(
                "review",
                best,
                rest,
                reason=f"cites {best.ticket.external_id}, but {typo.ticket.external_id}, one "
                "digit away, fits what it says better",
            )
        if settled and not _retold(best):
            # Linking would reopen a case closed over a month before the post; more often
            # a known customer has a new problem. A person decides.
            return Decision("review", best, rest, reason="its ticket was solved long before")
        return Decision("linked", best, rest, reason=f"score {best.score.total:.1f}")
    tied = [s for s in ranked if best.score.total - s.score.total < thresholds.margin]
    if gap < thresholds.margin and _area_report(tied):
        return Decision(
            "new_ticket", reason=f"an area report: {len(tied)} tickets on the street it names"
        )
    why = (
        f"runner-up {rest[0].ticket.external_id} within {gap:.1f}"
        if gap < thresholds.margin
        else f"score {best.score.total:.1f} below {thresholds.link:.1f}"
    )
    return Decision("review", best, rest, reason=why)


@dataclass
class MatchResult:
    decisions: Counter[str] = field(default_factory=Counter)
    kept_by_person: int = 0

    @property
    def total(self) -> int:
        return sum(self.decisions.values()) + self.kept_by_person


class Linker:
    """Matches complaints against a context that is loaded once and refreshed."""

    def __init__(self, config: Config, *, weights: Weights | None = None) -> None:
        self.config = config
        self.weights = weights if weights is not None else shipped_weights()
        self.thresholds = Thresholds.from_config(config)
        self.context = MatchContext(
            limits=ChannelLimits(
                top_k=config["MATCH_TOP_K"],
                window=config.duration("MATCH_WINDOW"),
                solved_window=config.duration("MATCH_SOLVED_WINDOW"),
            )
        )
        self.context.brand_words = frozenset(
            word
            for brand in config.brands
            for name in (brand.name, *brand.aliases)
            for word in content_words(name)
        )
        self._hits: dict[int, list[tuple[int, float]]] = {}
        # Candidates ranked to tell whether a complaint naming no brand is ours, kept for
        # deciding it right after (ranking is the costly part of matching).
        self._ranked: dict[int, list[Scored]] = {}

    @staticmethod
    def _text(complaint: Complaint) -> str:
        """What the complaint's author says: a quoted post's words are its author's."""
        return own_words("\n".join(filter(None, [complaint.post.title, complaint.post.text])))

    def _only_brand(self) -> str | None:
        brands = self.config.brands
        return brands[0].name if len(brands) == 1 else None

    def _ours_unnamed(self, complaint: Complaint) -> bool:
        """A complaint naming no brand at all (a reply in a thread, a post on the brand's own
        forum) that cites one of the helpdesk's ticket numbers, gives the e-mail or phone
        of exactly one of its customers, or that one ticket fits clearly and at least as
        well as such an e-mail would: it is about the watched brand."""
        if not complaint.is_complaint or NO_BRAND not in (complaint.reasons or []):
            return False
        if names_any(self._text(complaint)):
            return False  # another provider is named: its grievance may be theirs
        facts = self.facts(complaint)
        contacts = replace(facts, author=None, text="")  # not a handle, not a name
        if self.context.customers_of(contacts)[0]:
            return True
        if any(
            candidate.reference in ("exact", "near", "typo")
            for candidate in self.context.candidates(contacts)
        ):
            return True
        # Or one of our tickets fits it clearly and as well as the e-mail of its customer
        # alone would (the amount, the date and the town of a missed installation), and what
        # it says points there too, not only who says it: a customer's post about a train
        # or a football match is not ours.
        ranked = self._ranked[complaint.id] = self.rank(complaint)
        decision = decide(ranked, self.thresholds)
        bar = self.weights.prior + self.weights.levels["identity"]["exact"]
        if not (
            decision.kind == "linked"
            and decision.best is not None
            and decision.best.score.total >= bar
        ):
            return False
        told = self._scored(replace(facts, author=None))
        return (
            bool(told)
            and told[0].ticket.ticket_id == decision.best.ticket.ticket_id
            and told[0].score.total >= self.thresholds.review
        )

    def facts(self, complaint: Complaint) -> ComplaintFacts:
        post = complaint.post
        return ComplaintFacts.from_identifiers(
            complaint.id,
            text=self._text(complaint),
            author=post.author,
            published_at=post.published_at,
            category=complaint.category,
            identifiers=complaint.identifiers or {},
            url=post.url,
            network=network_of(post.source.name, post.source.type),
        )

    def prefetch(self, complaints: Sequence[Complaint], batch: int = 2048) -> None:
        """Search the text index for many complaints in one go; `rank` then uses the results."""
        texts = {c.id: self._text(c) for c in complaints if c.is_complaint and c.about_brand}
        ids = list(texts)
        for start in range(0, len(ids), batch):
            chunk = ids[start : start + batch]
            hits = self.context.index.search(
                [texts[i] for i in chunk], self.context.limits.top_k * 3
            )
            self._hits.update(zip(chunk, hits, strict=True))

    def compared(self, complaint: Complaint) -> list[tuple[Candidate, list[Comparison]]]:
        """Every candidate for a complaint with its feature levels (what fitting needs)."""
        return self._compared(self.facts(complaint), self._hits.pop(complaint.id, None))

    def _compared(
        self, facts: ComplaintFacts, hits: list[tuple[int, float]] | None = None
    ) -> list[tuple[Candidate, list[Comparison]]]:
        candidates = self.context.candidates(facts, hits)
        return [(candidate, compare(facts, candidate)) for candidate in candidates]

    def rank(self, complaint: Complaint) -> list[Scored]:
        """Every candidate for a complaint with its score, best first."""
        return self._best_first(self.compared(complaint))

    def _scored(self, facts: ComplaintFacts) -> list[Scored]:
        """`rank` for facts as given (say, without their author)."""
        return self._best_first(self._compared(facts))

    def _best_first(self, compared: list[tuple[Candidate, list[Comparison]]]) -> list[Scored]:
        scored = [Scored(c, score(levels, self.weights)) for c, levels in compared]
        return sorted(scored, key=lambda s: (-s.score.total, s.ticket.ticket_id))

    def run(
        self,
        session: Session,
        *,
        now: datetime | None = None,
        progress: Callable[[int], None] | None = None,
        only: Sequence[int] | None = None,
    ) -> MatchResult:
        """Match every complaint that needs it, oldest post first (the caller commits).

        Parallel workers take turns (the same lock as understanding): a story's
        decisions depend on which of its complaints were decided before.
        """
        db.lock_writers(session, "stories")
        now = now or datetime.now(UTC)
        self.context.refresh(session, now)
        query = (
            select(Complaint)
            .join(Post, Complaint.post_id == Post.id)
            .where(Complaint.needs_matching.is_(True))
            .order_by(Post.published_at.is_(None), Post.published_at, Post.id)
        )
        if only is not None:
            query = query.where(Complaint.id.in_(only))
        result = MatchResult()
        complaints = session.scalars(query).all()
        self.prefetch(complaints)
        for complaint in complaints:
            outcome = self.match_one(session, complaint, now)
            if outcome is None:
                result.kept_by_person += 1
            else:
                result.decisions[outcome] += 1
            if progress:
                progress(1)
            session.flush()
        return result

    def match_one(self, session: Session, complaint: Complaint, now: datetime) -> str | None:
        """Decide one complaint and write it; None when a person's decision stands."""
        complaint.needs_matching = False
        if complaint.decided_by not in (None, MACHINE):
            return None
        evidence: list[dict[str, Any]] = []
        duplicate_of: Complaint | None = None
        decision: Decision
        if not complaint.about_brand and self._ours_unnamed(complaint):
            complaint.about_brand = True
            complaint.brand = complaint.brand or self._only_brand()
            complaint.reasons = [*(complaint.reasons or []), UNNAMED_BUT_OURS]
        ranked = self._ranked.pop(complaint.id, None)  # ranked just now, if it was
        if not complaint.about_brand:
            decision = Decision("off_brand", reason="not about a watched brand")
        elif not complaint.is_complaint:
            decision = Decision("not_complaint", reason="not a complaint")
        else:
            follow_up = self.config.duration("STORY_FOLLOW_UP_WINDOW")
            if join_follow_up(session, complaint, window=follow_up) is None:
                join_cross_post(session, complaint, window=follow_up)
            merge_stories(
                session, complaint.post, window=self.config.duration("STORY_WINDOW"),
                threshold=self.config["STORY_SIMILARITY"],
            )  # fmt: skip
            # The story's earliest brand complaint is decided first, whatever order posts came in.
            first = _story_first(session, complaint)
            if first is not None and first.needs_matching:
                self.match_one(session, first, now)
                session.flush()
            earlier = _story_earlier(session, complaint)
            # Identity is only worth resolving when there is a story decision to inherit.
            customers = (
                self.context.customers_of(self.facts(complaint))[0]
                if any(c.decision in STORY_DECISIONS for c in earlier)
                else set()
            )
            duplicate_of = _story_root(complaint, earlier, customers)
            if duplicate_of is not None:
                decision = Decision(
                    "duplicate", reason=f"repeats {duplicate_of.post.external_id} of the same story"
                )
            else:
                decision = decide(
                    ranked if ranked is not None else self.rank(complaint),
                    self.thresholds,
                    area=speaks_for_an_area(self._text(complaint)),
                )
                apart = next((c for c in earlier if c.decision in STORY_DECISIONS), None)
                if apart is not None:
                    decision = Decision(
                        decision.kind,
                        decision.best,
                        decision.runners_up,
                        reason=f"{decision.reason}; same story as {apart.post.external_id} "
                        "but another author's own post, so decided on its own",
                    )
        ticket_id: int | None = None
        if decision.best is not None:
            evidence = [e.as_dict() for e in decision.best.score.evidence]
            # A review names the best candidate; it is not a link until a person confirms.
            ticket_id = decision.best.ticket.ticket_id
        if duplicate_of is not None:
            ticket_id = duplicate_of.decision_ticket_id
        changed = (
            complaint.decision,
            complaint.decision_ticket_id,
            complaint.duplicate_of_id,
        ) != (decision.kind, ticket_id, duplicate_of.id if duplicate_of else None)
        complaint.decision = decision.kind
        complaint.decision_ticket_id = ticket_id
        complaint.duplicate_of_id = duplicate_of.id if duplicate_of else None
        complaint.decision_score = (
            round(decision.best.score.total, 3) if decision.best is not None else None
        )
        complaint.decision_evidence = evidence
        complaint.decided_by = MACHINE
        complaint.decided_at = now
        _sync_matches(session, complaint, decision)
        if changed:
            session.add(
                AuditEvent(
                    at=now,
                    actor=MACHINE,
                    action="matched",
                    subject_type="complaint",
                    subject_id=str(complaint.id),
                    details={
                        "decision": decision.kind,
                        "ticket_id": ticket_id,
                        "score": complaint.decision_score,
                        "reason": decision.reason,
                    },
                )
            )
        return decision.kind


def _story_first(session: Session, complaint: Complaint) -> Complaint | None:
    """The earliest brand complaint of the complaint's story, if it is another one."""
    post = complaint.post
    if post.story_id is None:
        return None
    first = session.scalars(
        select(Complaint)
        .join(Post, Complaint.post_id == Post.id)
        .where(
            Post.story_id == post.story_id,
            Complaint.is_complaint.is_(True),
            Complaint.about_brand.is_(True),
        )
        .order_by(Post.published_at, Post.id)
        .limit(1)
    ).first()
    return first if first is not None and first.id != complaint.id else None


def _story_earlier(session: Session, complaint: Complaint) -> list[Complaint]:
    """The other complaints of the complaint's story published before it, oldest first."""
    post = complaint.post
    if post.story_id is None:
        return []
    others = session.scalars(
        select(Complaint)
        .join(Post, Complaint.post_id == Post.id)
        .where(Post.story_id == post.story_id, Complaint.id != complaint.id)
        .order_by(Post.published_at, Post.id)
    ).all()
    return [
        other
        for other in others
        if (other.post.published_at, other.post.id) < (post.published_at, post.id)
    ]


def _story_root(
    complaint: Complaint, earlier: Sequence[Complaint], customers: set[int]
) -> Complaint | None:
    """The earliest decided complaint of the story that this post repeats, if any.

    `earlier` is `_story_earlier`; `customers` are those the author is by an exact identity.
    A root's tellings are its own post and the posts already found to repeat it.
    """
    for root in earlier:
        if root.decision not in STORY_DECISIONS:
            continue
        tellings = [root.post, *(c.post for c in earlier if c.duplicate_of_id == root.id)]
        owner = root.decision_ticket.customer_id if root.decision_ticket is not None else None
        if _repeats(complaint.post, tellings, owner, customers):
            return root
    return None


def _repeats(post: Post, tellings: Sequence[Post], owner: int | None, customers: set[int]) -> bool:
    """Whether a post is the story told again (it inherits the decision) or another person's own.

    A story also gathers posts by different people (an anonymous post and named posts that
    repeat its words): inheriting the ticket would link a stranger to a customer's ticket
    with no evidence about the stranger. So a post repeats a telling only when it is the
    same item (shared URL or title: a syndicated copy, a link posted by someone else), has
    no author to tell otherwise, or is by an author who told it before or is the ticket's
    customer. An author identified as another customer always speaks for themselves.
    """
    if customers and owner is not None:
        return owner in customers
    if any(same_item(post, told) for told in tellings):
        return True
    if not post.author:
        return True
    author = post.author.casefold()
    if any(told.author is not None and told.author.casefold() == author for told in tellings):
        return True
    # The same person under another handle ("annak_gda" and "AnnaK_Gdansk"), or one who
    # says the post is a copy of theirs: the story gathered it by its details.
    return says_it_is_a_copy(post) or any(one_person(post, told) for told in tellings)


def _sync_matches(session: Session, complaint: Complaint, decision: Decision) -> None:
    """Machine match rows follow the decision; rows a person confirmed or rejected stay."""
    wanted: dict[int, tuple[float, list[dict[str, Any]], str]] = {}
    if decision.kind == "linked" and decision.best is not None:
        best = decision.best
        wanted[best.ticket.ticket_id] = (
            best.score.total,
            [e.as_dict() for e in best.score.evidence],
            "auto",
        )
    elif decision.kind == "review" and decision.best is not None:
        for item in (decision.best, *decision.runners_up)[:REVIEW_CANDIDATES]:
            wanted[item.ticket.ticket_id] = (
                item.score.total,
                [e.as_dict() for e in item.score.evidence],
                "pending_review",
            )
    existing = {
        m.ticket_id: m
        for m in session.scalars(select(Match).where(Match.complaint_id == complaint.id))
    }
    for ticket_id, match in existing.items():
        if match.decided_by != MACHINE:
            continue
        if ticket_id not in wanted:
            session.delete(match)
    for ticket_id, (total, evidence, status) in wanted.items():
        current = existing.get(ticket_id)
        if current is None:
            session.add(
                Match(
                    complaint_id=complaint.id,
                    ticket_id=ticket_id,
                    score=round(total, 3),
                    evidence=evidence,
                    status=status,
                    decided_by=MACHINE,
                )
            )
        elif current.decided_by == MACHINE:
            current.score, current.evidence, current.status = round(total, 3), evidence, status
