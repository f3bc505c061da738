"""How much harm a complaint reports: safety, a vulnerable person, a business down, money, days.

Severity feeds the priority policy, so every level is set by a phrase the
customer wrote, quoted in the reasons. Levels, most severe first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from watcher.understanding.identifiers import extract_durations
from watcher.understanding.text import normalise

LEVELS = ("safety", "vulnerable", "business_down", "money_lost", "down_for_days")
# A reported outage or wait this long makes a complaint "down for days".
DAYS_DOWN = 3

_PATTERNS: dict[str, re.Pattern[str]] = {
    "safety": re.compile(
        r"\biskrz\w*|\bspark\w*|\bporaz\w* pradem|\belectric shock|\bpozar\w*|\bfire\b|\bdym\w*|"
        r"\bsmoke\b|\bzwisa\w* (?:z )?slup|\bhanging (?:loose|from)|\bzagrozeni\w* zycia|"
        r"\bdanger\w*"
    ),
    "vulnerable": re.compile(
        r"\b(?:mama|tata|babcia|dziadek|ojciec|matka|mum|mom|dad|grandma|grandad|grandfather|"
        r"grandmother)\b.{0,40}\b(?:\d{2} ?lat|\d{2} years|teleopiek\w*|lekarz\w*|chor\w*|"
        r"doctor|ill|sick|care)|\bteleopiek\w*|\bniepelnospraw\w*|\bdisab\w*|\belderly\b|"
        r"\bstarsz\w* osob\w*|\bcare alarm|\bhospic\w*|\blandline\b.{0,30}\b(?:relies|depends)|"
        r"\b(?:relies|depends) on (?:his|her|the) landline"
    ),
    "business_down": re.compile(
        r"\bfirma stoi|\bbiuro stoi|\bnie moge (?:pracowac|wystawi\w* faktur|wysla\w*)|"
        r"\btrac\w* (?:zamowienia|klientow|pieniadze)|\bprowadze (?:sklep|firme|biuro|dzialalnosc)|"
        r"\bcan'?t (?:work|invoice|take (?:card )?payments)|\bcannot (?:work|invoice)|"
        r"\b(?:my|our) (?:small )?business\b|\blosing (?:money|customers|orders)|\bcard terminal\b|"
        r"\bjpk\b|\bdeklarac\w*"
    ),
    "money_lost": re.compile(
        r"\b(?:podwojnie|dwa razy|dwukrotnie)\b.{0,30}"
        r"\b(?:pobral\w*|obciazyl\w*|naliczyl\w*|zaplac\w*|placic|place)\b|"
        r"\b(?:pobral\w*|obciazyl\w*|naliczyl\w*)\b.{0,30}\b(?:dwa razy|podwojnie|dwukrotnie)\b|"
        r"\bzawyzon\w*|\bnadplat\w*|\bnie zamawial\w*|\bzwrot\w*|\bcharged (?:me )?twice|"
        r"\bovercharg\w*|\brefund\w*|\bnever ordered|\bpaying double|\bdebt collect\w*|"
        r"\bwindykac\w*"
    ),
}


@dataclass(frozen=True)
class SeverityGuess:
    severity: str | None
    reasons: tuple[str, ...]


def assess_severity(text: str, lang: str | None = None) -> SeverityGuess:
    """The most severe level the text supports, with every phrase that set a level."""
    folded = normalise(text).ascii_folded
    reasons: list[str] = []
    found: list[str] = []
    for level, pattern in _PATTERNS.items():
        match = pattern.search(folded)
        if match:
            found.append(level)
            reasons.append(f'{level}: "{match.group(0).strip()}"')
    durations = extract_durations(text)
    longest = max((d["days"] for d in durations if d.get("days") is not None), default=None)
    if longest is not None and longest >= DAYS_DOWN:
        found.append("down_for_days")
        reasons.append(f"down_for_days: waiting {longest:g} days")
    if not found:
        return SeverityGuess(None, ())
    return SeverityGuess(min(found, key=LEVELS.index), tuple(reasons))


def text_severity(subject: str, description: str | None) -> str:
    """Severity a ticket's words support, "none" when they support none (stored on import).

    `assess_severity(...).severity` without the reasons: the first level found, most
    severe first, and the durations only when no phrase set a level.
    """
    text = f"{subject}\n{description or ''}"
    folded = normalise(text).ascii_folded
    for level, pattern in _PATTERNS.items():  # in the order of LEVELS
        if pattern.search(folded):
            return level
    days = [d["days"] for d in extract_durations(text) if d.get("days") is not None]
    return "down_for_days" if days and max(days) >= DAYS_DOWN else "none"
