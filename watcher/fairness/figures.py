"""The report's pictures as small inline SVG built from its JSON body (no scripts, no assets).

Stratum names come from ticket categories, so every piece of text is escaped
before it goes into the SVG; numbers are formatted here, never taken as text.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

TOLERANCE = (0.8, 1.25)
LOUD, QUIET, BAND, BAD = "#c0392b", "#2c7bb6", "#e3f1e3", "#a40000"
ROW = 20
LABEL_WIDTH = 230
PLOT_WIDTH = 260
VALUE_WIDTH = 190
MAX_LABEL = 38


def _text(value: object, limit: int = MAX_LABEL) -> str:
    """Untrusted text, shortened and escaped for an SVG text node or attribute."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return escape(text, quote=True)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) and value > 0 else None


class _LogAxis:
    """Hazard ratios on a log scale between `low` and `high`, mapped to the plot's pixels."""

    def __init__(self, values: Iterable[float]) -> None:
        low, high = 0.5, 2.0
        for value in values:
            low, high = min(low, value), max(high, value)
        self.low = max(2 ** math.floor(math.log2(low)), 1 / 16)
        self.high = min(2 ** math.ceil(math.log2(high)), 16.0)

    def x(self, value: float) -> float:
        clipped = min(max(value, self.low), self.high)
        share = math.log(clipped / self.low) / math.log(self.high / self.low)
        return LABEL_WIDTH + share * PLOT_WIDTH

    def ticks(self) -> list[float]:
        ticks, value = [], self.low
        while value <= self.high * 1.0001:
            ticks.append(value)
            value *= 2
        return ticks


def _tick_label(value: float) -> str:
    return f"{value:g}" if value >= 1 else f"1/{1 / value:g}"


def _frame(axis: _LogAxis, top: int, bottom: int) -> list[str]:
    """The tolerance band, the line at 1 and the axis under the rows."""
    band_left, band_right = axis.x(TOLERANCE[0]), axis.x(TOLERANCE[1])
    parts = [
        f'<rect x="{band_left:.1f}" y="{top}" width="{band_right - band_left:.1f}" '
        f'height="{bottom - top}" fill="{BAND}"/>',
        f'<line x1="{axis.x(1):.1f}" y1="{top}" x2="{axis.x(1):.1f}" y2="{bottom}" '
        'stroke="#333" stroke-width="1"/>',
        f'<line x1="{LABEL_WIDTH}" y1="{bottom}" x2="{LABEL_WIDTH + PLOT_WIDTH}" y2="{bottom}" '
        'stroke="#999"/>',
    ]
    for tick in axis.ticks():
        x = axis.x(tick)
        parts.append(
            f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}" stroke="#999"/>'
            f'<text x="{x:.1f}" y="{bottom + 16}" font-size="10" text-anchor="middle">'
            f"{_tick_label(tick)}</text>"
        )
    return parts


def _svg(label: str, height: int, parts: list[str]) -> str:
    width = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{_text(label, 200)}" font-family="sans-serif" font-size="11">'
        + "".join(parts)
        + "</svg>"
    )


def _rows(outcome: Mapping[str, Any]) -> list[dict[str, Any]]:
    """'All strata' (the adjusted model) then each stratum, with hr, low, high or a note."""
    ci = outcome.get("ci95") or [None, None]
    rows = [
        {"label": "all strata (adjusted model)", "hr": _number(outcome.get("hazard_ratio")),
         "low": _number(ci[0]), "high": _number(ci[1]), "note": "not enough data", "bold": True}
    ]  # fmt: skip
    for stratum in outcome.get("strata") or []:
        note = stratum.get("suppressed")
        rows.append(
            {
                "label": stratum.get("stratum", ""),
                "hr": None if note else _number(stratum.get("hazard_ratio")),
                "low": _number(stratum.get("ci95_low")),
                "high": _number(stratum.get("ci95_high")),
                "note": f"suppressed: {note}" if note else "not estimable",
                "bold": False,
            }
        )
    return rows


def forest_svg(outcome: Mapping[str, Any], title: str = "") -> str:
    """Hazard ratio and 95% CI per stratum, log scale, line at 1, tolerance band shaded."""
    rows = _rows(outcome)
    axis = _LogAxis(
        v
        for row in rows
        if row["hr"] is not None
        for v in (row["hr"], row["low"], row["high"])
        if v
    )
    top = 24
    bottom = top + ROW * len(rows) + 6
    parts = [
        f'<text x="0" y="14" font-weight="bold">{_text(title, 80)}</text>',
        f'<text x="{LABEL_WIDTH + PLOT_WIDTH + 8}" y="14" fill="#555">hazard ratio (95% CI)</text>',
        *_frame(axis, top, bottom),
    ]
    for i, row in enumerate(rows):
        y = top + ROW * i + ROW // 2 + 4
        weight = ' font-weight="bold"' if row["bold"] else ""
        parts.append(f'<text x="0" y="{y}"{weight}>{_text(row["label"])}</text>')
        hr = row["hr"]
        if hr is None:
            parts.append(
                f'<text x="{LABEL_WIDTH + PLOT_WIDTH + 8}" y="{y}" fill="#777" font-style="italic">'
                f"{_text(row['note'], 60)}</text>"
            )
            continue
        low, high = row["low"], row["high"]
        if low is not None and high is not None:
            parts.append(
                f'<line x1="{axis.x(low):.1f}" y1="{y - 4}" x2="{axis.x(high):.1f}" y2="{y - 4}" '
                'stroke="#222" stroke-width="1.5"/>'
            )
            interval = f" ({low:.2f}-{high:.2f})"
        else:
            interval = ""
        size = 5 if row["bold"] else 4
        colour = LOUD if hr > 1 else QUIET
        parts.append(
            f'<rect x="{axis.x(hr) - size:.1f}" y="{y - 4 - size}" width="{2 * size}" '
            f'height="{2 * size}" fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + PLOT_WIDTH + 8}" y="{y}">{hr:.2f}{interval}</text>'
        )
    parts.append(
        f'<text x="{LABEL_WIDTH}" y="{bottom + 30}" font-size="10" fill="#555">'
        "&lt; 1: loud handled slower · &gt; 1: loud handled faster · "
        "shaded: 0.8-1.25 tolerance</text>"
    )
    label = f"forest plot of hazard ratios per stratum, {title}"
    return _svg(label, bottom + 38, parts)


def disparity_svg(outcomes: Mapping[str, Mapping[str, Any]]) -> str:
    """Per outcome and stratum, the hazard ratio loud vs quiet as a bar from 1, on a log scale,
    against the 0.8-1.25 tolerance band; bars outside it are red and marked."""
    groups = [(name, _rows(outcome)) for name, outcome in outcomes.items()]
    axis = _LogAxis(row["hr"] for _, rows in groups for row in rows if row["hr"] is not None)
    top = 8
    lines = sum(1 + len(rows) for _, rows in groups)
    bottom = top + ROW * lines + 6
    parts = _frame(axis, top, bottom)
    line = 0
    for name, rows in groups:
        y = top + ROW * line + ROW // 2 + 4
        parts.append(
            f'<text x="0" y="{y}" font-weight="bold">{_text(name.replace("_", " "))}</text>'
        )
        line += 1
        for row in rows:
            y = top + ROW * line + ROW // 2 + 4
            line += 1
            weight = ' font-weight="bold"' if row["bold"] else ""
            parts.append(f'<text x="8" y="{y}"{weight}>{_text(row["label"])}</text>')
            hr = row["hr"]
            value_x = LABEL_WIDTH + PLOT_WIDTH + 8
            if hr is None:
                parts.append(
                    f'<text x="{value_x}" y="{y}" fill="#777" font-style="italic">'
                    f"{_text(row['note'], 60)}</text>"
                )
                continue
            outside = not TOLERANCE[0] <= hr <= TOLERANCE[1]
            left, right = sorted((axis.x(1.0), axis.x(hr)))
            colour = BAD if outside else "#6a9f6a"
            parts.append(
                f'<rect x="{left:.1f}" y="{y - 11}" width="{max(right - left, 1):.1f}" '
                f'height="12" fill="{colour}"/>'
            )
            verdict = (
                f'<tspan fill="{BAD}" font-weight="bold"> ▲ outside the band</tspan>'
                if outside
                else ' <tspan fill="#1a6b1a">within</tspan>'
            )
            parts.append(f'<text x="{value_x}" y="{y}">{hr:.2f}{verdict}</text>')
    parts.append(
        f'<text x="{LABEL_WIDTH}" y="{bottom + 30}" font-size="10" fill="#555">'
        "hazard ratio loud vs quiet · shaded: 0.8-1.25 tolerance · red: outside</text>"
    )
    return _svg("disparity bars: hazard ratio loud vs quiet per stratum", bottom + 38, parts)
