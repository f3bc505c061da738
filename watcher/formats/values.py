"""Parsing single cells of the interchange formats; each raises ValueError with
a message a person can act on."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any


def text(value: Any) -> str:
    """A cell as stripped text; None and JSON null become ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def optional(value: Any) -> str | None:
    return text(value) or None


def choice(value: Any, allowed: tuple[str, ...], column: str) -> str | None:
    """A value from a closed set, forgiving case and 'on-hold' / 'On hold' spellings."""
    raw = text(value)
    if not raw:
        return None
    normal = raw.lower().replace("-", "_").replace(" ", "_")
    if normal not in allowed:
        raise ValueError(f"unknown {column} {raw!r}; expected one of {', '.join(allowed)}")
    return normal


def timestamp(value: Any, column: str, default_tz: tzinfo) -> datetime | None:
    """An ISO 8601 timestamp as UTC; one without a zone is read in ``default_tz``."""
    raw = text(value)
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(
            f"bad date {raw!r} in {column}; use ISO 8601 such as 2024-05-01T10:00:00Z"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=default_tz)
    return parsed.astimezone(UTC)


def decimal(value: Any, column: str) -> Decimal | None:
    """A non-negative amount; a Polish decimal comma ('12,50') is accepted."""
    raw = text(value).replace("\u00a0", "").replace(" ", "")
    if not raw:
        return None
    if "," in raw and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{column} {text(value)!r} is not a number") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{column} {text(value)!r} must be a non-negative number")
    return amount


def integer(value: Any, column: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{column} must be a whole number, not {value!r}")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"{column} {value!r} is not a whole number") from None


def split_list(value: Any) -> list[str]:
    """'a;b' (or a JSON list) as a list of non-empty stripped strings."""
    if isinstance(value, list):
        return [text(item) for item in value if text(item)]
    return [part.strip() for part in text(value).split(";") if part.strip()]


def iso(moment: datetime | None) -> str:
    """A UTC timestamp as the formats write it: 2024-05-01T10:00:00Z."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
