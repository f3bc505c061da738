"""Match weights: fitted from labelled pairs, summed into an explainable score."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from watcher.matching.facts import Candidate, TicketFacts, speaks_for_an_area
from watcher.matching.features import LEVELS, Comparison
from watcher.matching.linker import Decision, Scored, Thresholds, decide
from watcher.matching.scoring import (
    Evidence,
    Score,
    Weights,
    _monotone,
    cautious_m,
    fit,
    score,
    shipped_weights,
    wilson_interval,
)


def _levels(**chosen: str) -> list[Comparison]:
    return [Comparison(f, chosen.get(f, names[-1])) for f, names in LEVELS.items()]


def test_weight_is_log2_of_m_over_u_with_m_at_its_cautious_end() -> None:
    # 8 true pairs, 6 cite the ticket; 32 wrong pairs, none cites it.
    pairs = [(_levels(reference="exact"), True)] * 6 + [(_levels(), True)] * 2
    pairs += [(_levels(), False)] * 32
    weights = fit(pairs)
    k = len(LEVELS["reference"])
    b = 0.1 * 32 / 8  # pseudo-counts in proportion to the class sizes
    u = (0 + b) / (32 + k * b)
    m_low, _ = wilson_interval(6, 8)  # 6 of 8 could well be 4 of 10: m is taken there
    assert weights.levels["reference"]["exact"] == pytest.approx(math.log2(m_low / u), abs=1e-3)
    assert weights.levels["reference"]["none"] < 0
    assert weights.prior == pytest.approx(math.log2(8 / 32), abs=1e-3)


def test_a_level_never_seen_among_few_true_pairs_is_not_damning() -> None:
    # 69 true pairs, none 21-90 days old; 100 of 854 wrong pairs are. The point estimate
    # says about -6 bits: a true link that old would hardly ever be made. 0 of 69 is also what a
    # level with m = 1/20 gives a fair share of the time, so the weight is that of the
    # interval's upper end, and it hardens only as true pairs accumulate.
    def weight(n_true: int) -> float:
        pairs = [(_levels(time="days_3_21"), True)] * n_true
        pairs += [(_levels(time="days_21_90"), False)] * (n_true * 100 // 69)
        pairs += [(_levels(time="days_3_21"), False)] * (n_true * 754 // 69)
        return fit(pairs).levels["time"]["days_21_90"]

    assert -2.0 < weight(69) < -0.5
    assert weight(690) < weight(69) - 2.5


def test_wilson_interval_is_sound_at_the_edges() -> None:
    low, high = wilson_interval(0, 69)
    assert low == 0.0 and 0.04 < high < 0.06  # about the rule of three, 3/69
    low, high = wilson_interval(69, 69)
    assert high == 1.0 and 0.94 < low < 0.96
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_cautious_m_moves_towards_u_but_never_past_it() -> None:
    assert cautious_m(0.5, 0.01, 30, 60) == pytest.approx(wilson_interval(30, 60)[0])
    assert cautious_m(0.02, 0.015, 1, 60) == pytest.approx(0.015)  # too few to tell
    assert cautious_m(0.0, 0.1, 0, 60) == pytest.approx(wilson_interval(0, 60)[1])


def test_a_level_never_seen_carries_no_evidence() -> None:
    pairs = [(_levels(), True)] * 3 + [(_levels(), False)] * 50
    assert fit(pairs).levels["reference"]["exact"] == pytest.approx(0.0, abs=1e-3)


def test_ordered_levels_never_lose_weight_along_their_chain() -> None:
    # By chance, "high" text looks weaker than "medium" in this small set.
    pairs = [(_levels(text="medium"), True)] * 6 + [(_levels(text="high"), True)] * 2
    pairs += [(_levels(text="medium"), False)] * 4 + [(_levels(text="high"), False)] * 3
    pairs += [(_levels(text="none"), False)] * 30
    weights = fit(pairs).levels["text"]
    assert weights["high"] >= weights["medium"] >= weights["low"] >= weights["none"]
    assert weights["high"] == weights["medium"]  # pooled, not invented
    assert _monotone([3.0, 1.0, 2.0], [1, 3, 1]) == pytest.approx([1.5, 1.5, 2.0])


def test_fit_needs_both_kinds_of_pairs() -> None:
    with pytest.raises(ValueError, match="both"):
        fit([(_levels(), True)])


def test_score_is_prior_plus_level_weights_and_lists_the_evidence() -> None:
    weights = fit([(_levels(reference="exact"), True), (_levels(), False), (_levels(), False)])
    result = score(_levels(reference="exact"), weights)
    assert result.evidence[0].feature == "prior"
    assert result.total == pytest.approx(sum(e.weight for e in result.evidence))
    assert [e.feature for e in result.evidence[1:]] == list(LEVELS)


def test_score_zero_means_even_odds() -> None:
    assert Score(0.0, ()).probability == pytest.approx(0.5)
    assert Score(6.7, ()).probability > 0.99


def test_weights_round_trip_through_json() -> None:
    weights = fit([(_levels(identity="exact"), True), (_levels(), False)], fitted_on="test")
    again = Weights.from_json(weights.as_json())
    assert again == weights


def test_weights_file_missing_a_level_is_refused() -> None:
    weights = fit([(_levels(), True), (_levels(), False)])
    del weights.levels["text"]["high"]
    with pytest.raises(ValueError, match="text"):
        Weights.from_json(weights.as_json())


def test_shipped_weights_reward_agreement_and_penalise_conflict() -> None:
    """What the fitted weights must say for the decisions to make sense."""
    w = shipped_weights().levels
    assert w["reference"]["exact"] > 3 > w["reference"]["none"]
    assert w["reference"]["other"] < 0
    assert w["identity"]["exact"] > w["identity"]["name"] > w["identity"]["none"]
    assert w["identity"]["shared"] < w["identity"]["exact"]  # a shared handle proves little
    # The author is another customer: their ticket is rarely the one the post is about.
    assert w["identity"]["other"] < w["identity"]["none"] < 0
    assert w["identity"]["none"] < w["identity"]["partial"] <= w["identity"]["name"]
    assert w["text"]["high"] > w["text"]["none"]
    assert w["category"]["disagree"] < 0
    # The post's sum (date, plan) and never the ticket's: worse than naming none of them.
    assert w["details"]["conflict"] < w["details"]["none"] < w["details"]["one"]
    # A post soon after its ticket is at least as telling as one weeks later.
    assert w["time"]["days_0_3"] >= w["time"]["days_3_21"] > w["time"]["days_21_90"]
    # Wording, category and timing alone never make a post that names no brand ours: the
    # bar is what its customer's e-mail alone would score (Linker._ours_unnamed).
    wording = w["text"]["high"] + w["category"]["agree"] + w["time"]["days_0_3"]
    assert wording < w["identity"]["exact"]


def _scored(ticket_id: int, total: float) -> Scored:
    ticket = TicketFacts(
        ticket_id,
        f"NT-{ticket_id}",
        "",
        None,
        datetime(2026, 11, 1, tzinfo=UTC),
        "open",
        None,
        None,
    )
    # Something that singles the ticket out (a shared amount, say): see test_wording_alone.
    return Scored(Candidate(ticket), Score(total, (Evidence("details", "one", 0.0),)))


def test_a_known_customer_below_the_review_threshold_is_reviewed_not_a_new_ticket() -> None:
    shared = Scored(_scored(2, -4.0).candidate, Score(-4.0, (Evidence("identity", "shared", 0.0),)))
    stranger = _scored(1, -2.0)
    thresholds = Thresholds(link=6.6, margin=3.3, review=0)
    decision = decide([stranger, shared], thresholds)
    assert decision.kind == "review" and decision.best is shared
    assert decide([stranger], thresholds).kind == "new_ticket"


@pytest.mark.parametrize(
    ("scores", "kind"),
    [
        ([], "new_ticket"),
        ([-3.0], "new_ticket"),
        ([9.0], "linked"),
        ([9.0, 2.0], "linked"),
        ([9.0, 8.0], "review"),  # two close candidates: a person decides
        ([4.0], "review"),  # credible but not sure enough
    ],
)
def test_decide(scores: list[float], kind: str) -> None:
    decision: Decision = decide(
        [_scored(i, s) for i, s in enumerate(scores, 1)], Thresholds(link=6.6, margin=3.3, review=0)
    )
    assert decision.kind == kind
    if kind != "new_ticket":
        assert decision.best is not None and decision.best.score.total == max(scores)


def _on_street(ticket_id: int, customer: int, total: float, *evidence: Evidence) -> Scored:
    ticket = replace(_scored(ticket_id, total).ticket, customer_id=customer)
    return Scored(Candidate(ticket, channels={"place", "text"}), Score(total, evidence))


def test_a_post_naming_only_a_street_of_several_customers_is_an_area_report() -> None:
    thresholds = Thresholds(link=-1.5, margin=2.0, review=-2.0)
    neighbours = [_on_street(1, 1, 0.3), _on_street(2, 2, 0.3), _on_street(3, 3, -1.0)]
    decision = decide(neighbours, thresholds)
    assert decision.kind == "new_ticket" and "area report" in decision.reason
    # One customer's two tickets on the street: that customer's, a person picks which.
    assert decide([_on_street(1, 1, 0.3), _on_street(2, 1, 0.3)], thresholds).kind == "review"
    # The author may be one of them (a name): a person decides.
    named = _on_street(1, 1, 0.3, Evidence("identity", "name", 3.7))
    assert decide([named, _on_street(2, 2, 0.3)], thresholds).kind == "review"
    # A clear best (its house number, say) is still linked.
    house = Evidence("details", "two_plus", 5.8)
    clear = decide([_on_street(1, 1, 3.0, house), _on_street(2, 2, 0.3)], thresholds)
    assert clear.kind == "linked"


def test_a_post_speaking_for_the_whole_street_is_an_area_report_however_clear() -> None:
    """'Cała Mogileńska bez netu, koparka przecięła kabel': the words of the first ticket,
    which told how the cable was cut, fit it best; the post is the street's, not its own."""
    thresholds = Thresholds(link=-1.5, margin=2.0, review=-2.0)
    words = Evidence("words", "two_plus", 4.2)
    street = Evidence("details", "one", 2.4)
    first = _on_street(1, 1, 2.7, street, words)
    neighbours = [first, _on_street(2, 2, -2.9, street), _on_street(3, 3, -2.9, street)]
    assert decide(neighbours, thresholds).kind == "linked"
    decision = decide(neighbours, thresholds, area=True)
    assert decision.kind == "new_ticket" and "whole street" in decision.reason
    # The author's own ticket among them (a handle) is still theirs.
    handle = _on_street(1, 1, 8.9, street, words, Evidence("identity", "exact", 6.2))
    assert decide([handle, *neighbours[1:]], thresholds, area=True).kind == "linked"


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("Cała Mogileńska w Barcinie bez netu od wczoraj", True),
        ("u nas całe osiedle bez internetu", True),
        ("U wszystkich na klatce nie działa", True),
        ("the whole estate has been down since Monday", True),
        ("Cały dzień bez internetu, ul. Mogileńska 4", False),
        ("Smells like the whole town's uplink is saturated", False),
    ],
)
def test_speaking_for_a_street(text: str, area: bool) -> None:
    assert speaks_for_an_area(text) is area


def test_wording_place_and_time_alone_link_no_ticket() -> None:
    """An outage post that shares only its town and wording with one ticket: every ticket
    of that outage shares as much, so a person decides."""
    thresholds = Thresholds(link=-1.5, margin=2.0, review=-2.0)
    generic = (Evidence("text", "medium", 1.2), Evidence("city", "agree", 2.2))
    best = Scored(_scored(1, -1.0).candidate, Score(-1.0, generic))
    decision = decide([best, _scored(2, -4.0)], thresholds)
    assert decision.kind == "review" and "nothing singles it out" in decision.reason
    # The one uncommon word they share is the district ("na Bałutach"): still the outage's.
    word = Scored(best.candidate, Score(-1.0, (*generic, Evidence("words", "one", 2.3))))
    assert decide([word, _scored(2, -4.0)], thresholds).kind == "review"
    words = Scored(best.candidate, Score(1.0, (*generic, Evidence("words", "two_plus", 4.3))))
    assert decide([words, _scored(2, -4.0)], thresholds).kind == "linked"


def test_a_clear_best_ticket_solved_long_before_the_post_is_reviewed_not_reopened() -> None:
    thresholds = Thresholds(link=-1.5, margin=2.0, review=-2.0)
    old = Evidence("status", "solved_long_ago", 0.0)
    handle = Evidence("identity", "exact", 6.3)
    best = Scored(_scored(1, 2.0).candidate, Score(2.0, (handle, old)))
    decision = decide([best, _scored(2, -6.0)], thresholds)
    assert decision.kind == "review" and decision.best is best
    assert "solved long before" in decision.reason
    open_one = Scored(_scored(1, 2.0).candidate, Score(2.0, (handle,)))
    assert decide([open_one, _scored(2, -6.0)], thresholds).kind == "linked"
    # A blog looking back on that very case retells its details: linked.
    details = Evidence("details", "two_plus", 5.8)
    retold = Scored(best.candidate, Score(7.8, (handle, old, details)))
    assert decide([retold, _scored(2, -6.0)], thresholds).kind == "linked"
    other_kind = Evidence("category", "disagree", -1.2)
    new_problem = Scored(best.candidate, Score(6.6, (handle, old, details, other_kind)))
    assert decide([new_problem, _scored(2, -6.0)], thresholds).kind == "review"


def test_a_cited_number_whose_neighbour_fits_the_post_clearly_better_is_reviewed() -> None:
    """The post cites another customer's renewal; the towing ticket one digit away is its own."""
    thresholds = Thresholds(link=-1.5, margin=2.0, review=-2.0)
    cited = Evidence("reference", "exact", 5.6)
    best = Scored(_scored(1, 0.3).candidate, Score(0.3, (cited, Evidence("text", "none", -0.8))))
    near = Evidence("reference", "typo", 0.0)
    fits = Scored(
        _scored(2, -3.3).candidate,
        Score(-3.3, (near, Evidence("text", "medium", 1.2), Evidence("details", "one", 2.4))),
    )
    decision = decide([best, fits], thresholds)
    assert decision.kind == "review" and "one digit away" in decision.reason
    # A neighbour that fits no better leaves the cited ticket linked.
    alike = Scored(_scored(2, -5.0).candidate, Score(-5.0, (near, Evidence("text", "none", -0.8))))
    assert decide([best, alike], thresholds).kind == "linked"


def test_a_first_name_links_only_a_ticket_whose_words_the_post_shares() -> None:
    """'ania_w_krk' about a jeweller and Anna Lewandowska's app ticket: many are Anna."""
    thresholds = Thresholds(link=-1.5, margin=2.0, review=-2.0)
    first_name = Evidence("identity", "partial", 4.1)
    unlike = Scored(
        _scored(1, -0.3).candidate, Score(-0.3, (first_name, Evidence("text", "none", -0.8)))
    )
    decision = decide([unlike, _scored(2, -6.0)], thresholds)
    assert decision.kind == "review" and "first name" in decision.reason
    alike = Scored(unlike.candidate, Score(0.5, (first_name, Evidence("text", "low", 0.0))))
    assert decide([alike, _scored(2, -6.0)], thresholds).kind == "linked"


def test_one_uncommon_word_links_only_with_close_wording() -> None:
    """A 'marketplace' refusal, a storm's locked waiting room: one word is shared by chance;
    with the same town it is often the district everyone on the outage shares."""
    thresholds = Thresholds(link=-1.5, margin=2.0, review=-2.0)
    word = Evidence("words", "one", 2.3)
    medium = Scored(
        _scored(1, -0.9).candidate, Score(-0.9, (Evidence("text", "medium", 1.2), word))
    )
    decision = decide([medium, _scored(2, -5.0)], thresholds)
    assert decision.kind == "review" and "nothing singles it out" in decision.reason
    close = Scored(medium.candidate, Score(-0.1, (Evidence("text", "high", 2.0), word)))
    assert decide([close, _scored(2, -5.0)], thresholds).kind == "linked"
    town = Scored(
        medium.candidate, Score(1.3, (*medium.score.evidence, Evidence("city", "agree", 2.2)))
    )
    assert decide([town, _scored(2, -5.0)], thresholds).kind == "review"


def test_a_name_two_customers_share_links_only_where_the_post_fits_one_better() -> None:
    """'Mój tata, Jerzy Pawlak, czeka na odpowiedź': two customers of that name."""
    thresholds = Thresholds(link=-1.5, margin=2.0, review=-2.0)
    name = Evidence("identity", "name", 4.1)
    recent = Evidence("time", "days_3_21", 0.5)
    older = Evidence("time", "days_21_90", -2.4)
    nothing = Evidence("text", "none", -0.8)
    mine = Scored(_scored(1, -0.4).candidate, Score(-0.4, (name, nothing, recent)))
    theirs = replace(_scored(2, -3.3).ticket, customer_id=99)
    namesake = Scored(Candidate(theirs), Score(-3.3, (name, nothing, older)))
    decision = decide([mine, namesake], thresholds)
    assert decision.kind == "review" and "has that name" in decision.reason
    # The post's town and words are one customer's: linked.
    town = (name, Evidence("text", "medium", 1.2), Evidence("city", "agree", 2.2), recent)
    fits = Scored(mine.candidate, Score(3.0, town))
    assert decide([fits, namesake], thresholds).kind == "linked"
