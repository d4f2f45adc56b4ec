"""Multi-code reliability reports (pure DataFrames), checked against published values and NLTK."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from nltk.metrics.agreement import AnnotationTask

from workbench.exceptions import ParameterError, ReliabilityDataError
from workbench.reliability import (
    code_report,
    confusion_matrix,
    drift_report,
    fill_absent,
    pair_report,
    prevalence_bias_report,
    reference_report,
)
from workbench.reliability.verdicts import alpha_verdict, landis_koch_band

DATA = Path(__file__).parent / "data" / "reliability"


def as_code(file: str, code_id: str) -> pd.DataFrame:
    """A fixture file as one code of a multi-code long table."""
    table = pd.read_csv(DATA / file, dtype=str)
    return table.rename(columns={"coder": "coder_id"}).assign(code_id=code_id)


def nltk_alpha(long: pd.DataFrame, code_id: str, coders: list[str] | None = None) -> float:
    rows = long[long["code_id"] == code_id]
    if coders is not None:
        rows = rows[rows["coder_id"].isin(coders)]
    return AnnotationTask(list(zip(rows["coder_id"], rows["unit"], rows["value"],
                                   strict=True))).alpha()


@pytest.fixture
def krippendorff_as_four_codes() -> tuple[pd.DataFrame, dict[str, str]]:
    levels = {"k_nominal": "nominal", "k_ordinal": "ordinal", "k_interval": "interval",
              "k_ratio": "ratio"}
    long = pd.concat([as_code("krippendorff_2011.csv", code) for code in levels])
    return long, levels


def test_code_report_reproduces_krippendorff_2011_sorted_worst_first(
    krippendorff_as_four_codes: tuple[pd.DataFrame, dict[str, str]],
) -> None:
    long, levels = krippendorff_as_four_codes
    report = code_report(long, levels, n_resamples=200, seed=1)
    assert report["code_id"].tolist() == ["k_nominal", "k_ratio", "k_ordinal", "k_interval"]
    assert report["estimate"].round(3).tolist() == [0.743, 0.797, 0.815, 0.849]
    assert report["verdict"].tolist() == ["tentative", "tentative", "acceptable", "acceptable"]
    assert (report["n_units"] == 11).all() and (report["n_coders"] == 4).all()
    assert (report["ci_low"] < report["estimate"]).all()
    assert (report["estimate"] <= report["ci_high"]).all()
    assert set(report["kappa_kind"]) == {"fleiss"}
    nominal = report.iloc[0]
    assert round(nominal["gwet_ac1"], 5) == 0.77544  # Gwet (2014)
    assert round(nominal["percent_agreement"], 7) == 0.8181818
    assert nominal["kappa_band"] == landis_koch_band(nominal["kappa"])


def test_code_report_uses_cohen_kappa_for_two_coders() -> None:
    long = as_code("gwet_2014_abstractors.csv", "pregnancy")
    row = code_report(long, {"pregnancy": "nominal"}, n_resamples=0).iloc[0]
    assert row["kappa_kind"] == "cohen"
    assert row["kappa"] == pytest.approx(0.7964094, abs=5e-8)  # Gwet (2014)
    assert row["kappa_band"] == "substantial"
    assert np.isnan(row["ci_low"])  # no bootstrap asked for


def test_prevalence_is_the_share_of_ratings_that_apply_the_code() -> None:
    long = pd.DataFrame({
        "unit": ["u1", "u1", "u2", "u2", "u3", "u3"],
        "coder_id": ["a", "b"] * 3,
        "code_id": "esc_threat",
        "value": ["present", "present", "absent", "present", "absent", "absent"],
    })
    row = code_report(long, {"esc_threat": "nominal"}, n_resamples=0).iloc[0]
    assert row["prevalence"] == pytest.approx(3 / 6)
    assert row["n_ratings"] == 6


def test_code_without_variation_is_undefined_and_listed_first() -> None:
    long = pd.concat([
        as_code("gwet_2014_ben_gerry.csv", "varied"),
        pd.DataFrame({"unit": ["u1", "u1", "u2", "u2"], "coder_id": ["a", "b", "a", "b"],
                      "code_id": "flat", "value": "absent"}),
    ])
    report = code_report(long, {"varied": "nominal", "flat": "nominal"}, n_resamples=50)
    assert report["code_id"].tolist() == ["flat", "varied"]
    assert np.isnan(report["estimate"].iloc[0])
    assert report["verdict"].iloc[0] == "undefined"
    assert report["prevalence"].iloc[0] == 0.0


def test_code_rated_by_one_coder_is_reported_as_undefined() -> None:
    long = pd.concat([
        as_code("gwet_2014_ben_gerry.csv", "varied"),
        pd.DataFrame({"unit": ["u1", "u2"], "coder_id": "Ben", "code_id": "solo",
                      "value": ["present", "absent"]}),
    ])
    report = code_report(long, {"varied": "nominal", "solo": "nominal"}, n_resamples=20)
    solo = report[report["code_id"] == "solo"].iloc[0]
    assert (solo["n_units"], solo["n_coders"]) == (0, 1)
    assert solo["verdict"] == "undefined" and np.isnan(solo["kappa"])
    assert pair_report(long, {"varied": "nominal", "solo": "nominal"})["code_id"].eq(
        "varied").all()


def test_code_without_a_level_is_named() -> None:
    long = as_code("gwet_2014_ben_gerry.csv", "mystery")
    with pytest.raises(ParameterError, match="mystery"):
        code_report(long, {}, n_resamples=0)


def test_bad_value_error_names_the_code() -> None:
    long = as_code("gwet_2014_ben_gerry.csv", "esc_command")
    with pytest.raises(ReliabilityDataError, match=r"code 'esc_command'.*not a number"):
        code_report(long, {"esc_command": "interval"}, n_resamples=0)


def test_pair_report_gives_each_pair_its_shared_units_and_nltk_alpha() -> None:
    long = as_code("krippendorff_2011.csv", "k")
    report = pair_report(long, {"k": "nominal"})
    assert len(report) == 6
    assert report["krippendorff_alpha"].is_monotonic_increasing
    ab = report[(report["coder_a"] == "A") & (report["coder_b"] == "B")].iloc[0]
    assert ab["n_units"] == 9
    assert ab["krippendorff_alpha"] == pytest.approx(nltk_alpha(long, "k", ["A", "B"]), abs=1e-9)
    assert ab["verdict"] == alpha_verdict(ab["krippendorff_alpha"])


def test_reference_report_compares_each_coder_with_a_consensus_table() -> None:
    long = as_code("krippendorff_2011.csv", "k")
    consensus = long[long["coder_id"] == "D"][["unit", "code_id", "value"]]
    coders = long[long["coder_id"] != "D"]
    report = reference_report(coders, consensus, {"k": "nominal"})
    assert sorted(report["coder_id"]) == ["A", "B", "C"]
    a = report[report["coder_id"] == "A"].iloc[0]
    assert a["n_units"] == 9
    assert a["krippendorff_alpha"] == pytest.approx(nltk_alpha(long, "k", ["A", "D"]), abs=1e-9)
    by_coder_id = reference_report(long, "D", {"k": "nominal"})
    pd.testing.assert_frame_equal(report, by_coder_id)


def test_confusion_matrix_rebuilds_gwets_abstractor_table() -> None:
    long = as_code("gwet_2014_abstractors.csv", "pregnancy")
    table = confusion_matrix(long, "pregnancy", "abstractor1", "abstractor2",
                             scale=["Ectopic", "AIU", "NIU"])
    assert table.to_numpy().tolist() == [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
    assert table.index.name == "abstractor1" and table.columns.name == "abstractor2"


def drifting_coders() -> pd.DataFrame:
    """Week of 5 Jan 2026: two coders agree on all 8 units; week of 12 Jan: on half."""
    rows = []
    for i in range(16):
        week_two = i >= 8
        a = "present" if i % 2 else "absent"
        b = a if not week_two or i % 4 < 2 else ("absent" if a == "present" else "present")
        day = "2026-01-13" if week_two else "2026-01-06"
        batch = "B2" if week_two else "B1"
        rows += [(f"c1:{i}", "ann", a, day, batch), (f"c1:{i}", "bob", b, day, batch)]
    table = pd.DataFrame(rows, columns=["unit", "coder_id", "value", "timestamp", "batch"])
    return table.assign(code_id="pj_courtesy")


@pytest.mark.parametrize(("by", "periods"), [("week", ["2026-01-05", "2026-01-12"]),
                                             ("batch", ["B1", "B2"])])
def test_drift_report_shows_agreement_falling_by_week_or_batch(by: str,
                                                               periods: list[str]) -> None:
    report = drift_report(drifting_coders(), {"pj_courtesy": "nominal"}, by=by)
    assert report["period"].tolist() == periods
    assert report["n_units"].tolist() == [8, 8]
    assert report["percent_agreement"].tolist() == [1.0, 0.5]
    late = drifting_coders().iloc[16:]
    assert report["krippendorff_alpha"].iloc[1] == pytest.approx(
        nltk_alpha(late, "pj_courtesy"), abs=1e-9
    )


def test_drift_report_refuses_an_unknown_grouping() -> None:
    with pytest.raises(ParameterError, match="fortnight"):
        drift_report(drifting_coders(), {"pj_courtesy": "nominal"}, by="fortnight")


def test_prevalence_bias_flags_the_coder_who_over_applies_a_code() -> None:
    rows = []
    for i in range(20):
        rows += [
            (f"u{i}", "ann", "present" if i < 2 else "absent"),
            (f"u{i}", "bob", "present" if i < 2 else "absent"),
            (f"u{i}", "cat", "present" if i < 10 else "absent"),
        ]
    long = pd.DataFrame(rows, columns=["unit", "coder_id", "value"]).assign(code_id="esc_threat")
    report = prevalence_bias_report(long, {"esc_threat": "nominal"})
    top = report.iloc[0]
    assert (top["coder_id"], top["category"]) == ("cat", "present")
    assert (top["n_ratings"], top["n_applied"]) == (20, 10)
    assert top["rate"] == pytest.approx(0.5)
    assert top["others_rate"] == pytest.approx(0.1)
    assert top["difference"] == pytest.approx(0.4)
    assert "absent" not in set(report["category"])


def test_prevalence_bias_skips_the_lowest_ordinal_level() -> None:
    long = pd.DataFrame({
        "unit": ["u1", "u1", "u2", "u2"], "coder_id": ["a", "b", "a", "b"],
        "code_id": "esc_command", "value": ["none", "bare_order", "none", "none"],
    })
    scale = ["none", "softened_request", "bare_order", "repeated_or_shouted"]
    report = prevalence_bias_report(long, {"esc_command": "ordinal"},
                                    scales={"esc_command": scale})
    assert set(report["category"]) == set(scale[1:])


def test_fill_absent_adds_ratings_for_completed_units_without_the_code() -> None:
    annotations = pd.DataFrame({
        "unit": ["c1:0", "c1:1"], "code_id": ["esc_threat", "esc_command"],
        "coder_id": ["ann", "bob"], "value": ["present", "bare_order"],
    })
    coded = pd.DataFrame({"unit": ["c1:0", "c1:1"] * 2, "coder_id": ["ann"] * 2 + ["bob"] * 2})
    filled = fill_absent(annotations, coded, absent={"esc_command": "none"})
    assert len(filled) == 8
    lookup = filled.set_index(["unit", "code_id", "coder_id"])["value"]
    assert lookup[("c1:0", "esc_threat", "ann")] == "present"
    assert lookup[("c1:1", "esc_threat", "bob")] == "absent"
    assert lookup[("c1:0", "esc_command", "ann")] == "none"
    assert lookup[("c1:1", "esc_command", "bob")] == "bare_order"


def test_fill_absent_respects_which_codes_apply_to_which_units() -> None:
    annotations = pd.DataFrame({"unit": ["c1:0"], "code_id": ["esc_threat"],
                                "coder_id": ["ann"], "value": ["present"]})
    coded = pd.DataFrame({"unit": ["c1:0", "c1:1"], "coder_id": ["bob", "bob"],
                          "code_id": ["esc_threat", "subj_distress"]})
    filled = fill_absent(annotations, coded)
    added = filled.iloc[1:]
    assert list(zip(added["unit"], added["code_id"], added["value"], strict=True)) == [
        ("c1:0", "esc_threat", "absent"), ("c1:1", "subj_distress", "absent")
    ]
