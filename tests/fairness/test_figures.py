"""The report's pictures and the choice of multiple-testing correction."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from lifelines import CoxPHFitter, CoxTimeVaryingFitter
from sqlalchemy import Engine

from tests.fairness.test_report import _seed
from watcher.cli import cli
from watcher.fairness.figures import disparity_svg, forest_svg
from watcher.fairness.simulate import simulate
from watcher.fairness.stats import adjust_p, counting_process, cox_binary, stratum_table

EVIL = "<script>alert(1)</script>"


def _svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.S)


def test_holm_and_benjamini_hochberg_on_a_known_example() -> None:
    p = [0.01, 0.04, 0.03, 0.2]
    # Holm: sorted 0.01x4, 0.03x3, 0.04x2 (raised to the running max 0.09), 0.2x1.
    assert adjust_p(p, "holm") == pytest.approx([0.04, 0.09, 0.09, 0.2])
    # BH: sorted p x 4 / rank = 0.04, 0.06, 0.0533, 0.2, then the running min from the top.
    assert adjust_p(p, "bh") == pytest.approx([0.04, 0.16 / 3, 0.16 / 3, 0.2])
    assert adjust_p([0.01, 0.02, 0.03, 0.04, 0.05], "bh") == pytest.approx([0.05] * 5)
    assert adjust_p([], "bh") == []
    with pytest.raises(ValueError, match="holm, bh"):
        adjust_p(p, "bonferroni")


def test_per_stratum_effects_carry_the_chosen_adjustment() -> None:
    frame = simulate(3000, true_hr=2.0, seed=4)
    holm = stratum_table(frame, 5, "holm")
    bh = stratum_table(frame, 5, "bh")
    tested = [row for row in holm if row.get("p_value") is not None]
    assert len(tested) == 3
    raw = [float(str(row["p_value"])) for row in tested]
    assert [row["p_adjusted"] for row in tested] == pytest.approx(adjust_p(raw, "holm"), abs=1e-4)
    assert [row["p_adjusted"] for row in bh if "p_adjusted" in row] == pytest.approx(
        adjust_p(raw, "bh"), abs=1e-4
    )
    for row in tested:
        assert (
            float(str(row["ci95_low"]))
            < float(str(row["hazard_ratio"]))
            < float(str(row["ci95_high"]))
        )


@pytest.mark.parametrize("seed", [3, 7])
def test_the_cox_model_from_counts_matches_lifelines(seed: int) -> None:
    frame = simulate(400, true_hr=1.5, seed=seed)
    frame["duration"] = frame["duration"].round(0).clip(lower=1e-6)  # ties, for Efron
    tight = {"precision": 1e-12, "r_precision": 1e-14}
    data = counting_process(frame)
    data = data[data["stop"] > data["start"]]
    ctv = CoxTimeVaryingFitter().fit(
        data, id_col="id", event_col="event", start_col="start", stop_col="stop",
        strata=["stratum"], fit_options=tight,
    )  # fmt: skip
    fast = cox_binary(data["start"], data["stop"], data["event"], data["loud"], data["stratum"])
    assert fast == pytest.approx((ctv.params_["loud"], ctv.standard_errors_["loud"]), rel=1e-6)
    naive = pd.DataFrame({"duration": frame["duration"], "event": frame["event"],
                          "loud": frame["loud_at"].notna().astype(int),
                          "stratum": frame["stratum"]})  # fmt: skip
    cph = CoxPHFitter().fit(naive, "duration", "event", strata=["stratum"], fit_options=tight)
    fast = cox_binary(np.zeros(len(naive)), naive["duration"], naive["event"], naive["loud"],
                      naive["stratum"])  # fmt: skip
    assert fast == pytest.approx((cph.params_["loud"], cph.standard_errors_["loud"]), rel=1e-6)


def test_complete_separation_is_no_estimate() -> None:
    # Every loud ticket resolves before every quiet one: the estimate runs to infinity.
    start = np.zeros(8)
    stop = np.array([1.0, 2, 3, 4, 5, 6, 7, 8])
    assert (
        cox_binary(start, stop, np.ones(8), np.array([1, 1, 1, 1, 0, 0, 0, 0]), ["s"] * 8) is None
    )


def test_figures_escape_stratum_names_and_mark_out_of_band_bars() -> None:
    outcome = {
        "hazard_ratio": 1.1, "ci95": [0.9, 1.3],
        "strata": [
            {"stratum": f"{EVIL}|high", "hazard_ratio": 2.0, "ci95_low": 1.5, "ci95_high": 2.6},
            {"stratum": "billing|none", "hazard_ratio": 1.0, "ci95_low": 0.8, "ci95_high": 1.2},
            {"stratum": "tv|none", "suppressed": "fewer than 5 loud or quiet tickets"},
        ],
    }  # fmt: skip
    forest = forest_svg(outcome, "time to resolution")
    bars = disparity_svg({"time_to_resolution": outcome})
    for svg in (forest, bars):
        assert svg.startswith("<svg") and svg.endswith("</svg>")
        assert EVIL not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;|high" in svg
        assert "suppressed: fewer than 5 loud or quiet tickets" in svg
        assert "<script" not in svg and "href" not in svg
    assert forest.count("<rect") == 1 + 3  # the band, then a square per estimate
    assert bars.count("outside the band") == 1 and bars.count(">within<") == 2


def test_the_html_has_the_plots_inline_and_inert(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    _seed(engine)
    out = tmp_path / "report"
    args = ["report", "fairness", "--since", "2026-05-01", "--until", "2026-08-01",
            "--out", str(out), "--db", database_url]  # fmt: skip
    result = CliRunner().invoke(cli, [*args, "--adjust", "bh"])
    assert result.exit_code == 0, result.output
    body = json.loads((out / "fairness.json").read_text(encoding="utf-8"))
    assert body["params"]["adjust"] == "bh"
    assert any("Benjamini-Hochberg" in line for line in body["method"])
    resolution = body["outcomes"]["time_to_resolution"]
    assert resolution["landmark"]["adjust"] == "bh"
    assert resolution["landmark"]["at_risk"]["hours"][0] == 0
    evil_rows = [s for s in resolution["strata"] if str(s["stratum"]).startswith(EVIL)]
    assert evil_rows and "hazard_ratio" in evil_rows[0]
    html = (out / "fairness.html").read_text(encoding="utf-8")
    assert EVIL not in html and "<script" not in html
    assert "http" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")  # no assets
    svgs = _svgs(html)
    labels = [re.search(r'aria-label="([^"]*)"', svg).group(1) for svg in svgs]  # type: ignore[union-attr]
    assert sum(label.startswith("forest plot") for label in labels) == 2
    assert sum(label.startswith("disparity bars") for label in labels) == 1
    # Kaplan-Meier with numbers at risk: resolution only (every first response came in 1 h).
    assert sum("numbers at risk" in label for label in labels) == 1
    assert body["outcomes"]["time_to_first_response"]["km_svg"] is None
    forest = next(svg for svg, label in zip(svgs, labels, strict=True) if "forest" in label)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in forest
    assert "Benjamini-Hochberg" in html and "p adjusted (bh)" in html

    holm = CliRunner().invoke(cli, [*args[:-4], "--out", str(tmp_path / "holm"), "--db",
                                    database_url])  # fmt: skip
    assert holm.exit_code == 0, holm.output
    default = json.loads((tmp_path / "holm" / "fairness.json").read_text(encoding="utf-8"))
    assert default["params"]["adjust"] == "holm"
    assert any("Holm" in line for line in default["method"])
    assert default["params"]["flag_window_hours"] == 48
    wrong = CliRunner().invoke(cli, [*args, "--adjust", "bonferroni"])
    assert wrong.exit_code == 2 and "bonferroni" in wrong.output
    bad_window = CliRunner().invoke(cli, [*args, "--flag-window", "soon"])
    assert bad_window.exit_code != 0 and "write it as 48h" in bad_window.output
