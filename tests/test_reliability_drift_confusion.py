"""The reviewer's report: confusion matrices per code and pair of coders, and a drift alert
for a code whose agreement in the latest period falls below the threshold."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.test_adjudication import review_codebook, review_store
from widgets.reliability_report import ReliabilityReport, alerts_html
from workbench.reliability import confusion_matrices, drift_alerts, drift_report


def two_weeks(seed: int = 0) -> pd.DataFrame:
    """SYNTHETIC ratings of two codes by 2 coders over two weeks: 'steady' agrees both weeks,
    'drifting' agrees in week 1 and is coded at random in week 2."""
    rng = np.random.default_rng(seed)
    rows = []
    for week, day in ((1, "2026-11-02"), (2, "2026-11-09")):
        for unit in range(40):
            truth = {"steady": rng.choice(["absent", "present"]),
                     "drifting": rng.choice(["absent", "present"])}
            for coder in ("ana", "ben"):
                for code, value in truth.items():
                    if code == "drifting" and week == 2 and coder == "ben":
                        value = rng.choice(["absent", "present"])
                    rows.append({"unit": f"w{week}u{unit}", "code_id": code, "coder_id": coder,
                                 "value": value, "timestamp": f"{day}T10:00"})
    return pd.DataFrame(rows)


def test_a_code_falling_below_the_threshold_in_the_latest_week_raises_an_alert() -> None:
    long = two_weeks()
    levels = {"steady": "nominal", "drifting": "nominal"}
    drift = drift_report(long, levels, by="week")
    alerts = drift_alerts(drift)
    assert list(alerts["code_id"]) == ["drifting"]
    row = alerts.iloc[0]
    assert row["period"] == "2026-11-09" and row["n_units"] == 40
    assert row["krippendorff_alpha"] < 0.667 and row["previous"] == pytest.approx(1.0)
    assert drift_alerts(drift, min_units=41).empty  # too few units say nothing
    html = alerts_html(alerts)
    assert "drifting" in html and "steady" not in html and "2026-11-09" in html


def test_confusion_matrices_count_each_pair_of_values() -> None:
    long = two_weeks()
    [(code, a, b, matrix)] = confusion_matrices(long, {"steady": "nominal"},
                                                codes=["steady"])
    assert (code, a, b) == ("steady", "ana", "ben")
    steady = long[long["code_id"] == "steady"].pivot(index="unit", columns="coder_id",
                                                    values="value")
    expected = pd.crosstab(steady["ana"], steady["ben"])  # an independent count
    assert matrix.to_numpy().tolist() == expected.to_numpy().tolist()
    assert matrix.to_numpy().trace() == 80  # steady: full agreement


def test_the_widget_shows_confusion_matrices_per_code_and_pair(tmp_path: Path) -> None:
    codebook = review_codebook()
    store = review_store(tmp_path / "review.sqlite", codebook)
    try:
        report = ReliabilityReport.from_store(store, codebook, bootstrap=20, seed=1)
    finally:
        store.close()
    assert "pj_courtesy" in report.confusion_code.options
    report.confusion_code.value = "pj_courtesy"
    # ana: present, present, absent; ben: present, absent, absent (officer turns of r1)
    cells = re.findall(r"<td[^>]*>(\d+)</td>", report.confusion.value)
    assert cells == ["1", "0", "1", "1"]
    assert "ana (rows) × ben (columns)" in report.confusion.value
    assert report.drift.value == ""  # one period with 3 units: nothing to alert on


def test_the_widget_shows_the_drift_alert_above_the_table() -> None:
    long = two_weeks()
    alerts = drift_alerts(drift_report(long, {"steady": "nominal", "drifting": "nominal"}))
    table = pd.DataFrame({
        "code_id": ["drifting"], "label": ["Drifting"], "group": ["g"], "unit": ["utterance"],
        "level": ["nominal"], "alpha_level": ["nominal"], "alpha": [0.5], "ci_low": [0.4],
        "ci_high": [0.6], "n_units": [80], "n_valid": [100], "n_coders": [2],
        "prevalence": [0.5], "verdict": ["unreliable"]})
    report = ReliabilityReport(table, alerts=alerts)
    assert "Drift: 1 code(s) fell below alpha 0.667" in report.drift.value
    assert report.children.index(report.drift) < report.children.index(report.html)
