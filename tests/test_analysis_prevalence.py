"""Prevalence of codes, and Wilson intervals against published values."""

from __future__ import annotations

import math

import pytest

from tests.test_analysis_frames import make_frames
from workbench.analysis.prevalence import COLUMNS, DISCLOSURE, prevalence_table
from workbench.analysis.proportions import wilson_interval
from workbench.exceptions import ParameterError
from workbench.privacy.disclosure import CONFIDENTIAL, suppress_rows


# Newcombe, R. G. (1998). Two-sided confidence intervals for the single proportion: comparison
# of seven methods. Statistics in Medicine 17, 857–872, Table II, method 3 (Wilson score
# interval without continuity correction), 95%.
@pytest.mark.parametrize(
    ("count", "nobs", "low", "high"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0000, 0.1611),
     (1, 29, 0.0061, 0.1718)],
)
def test_wilson_interval_matches_newcombe_1998(count, nobs, low, high) -> None:
    got_low, got_high = wilson_interval(count, nobs)
    assert round(float(got_low), 4) == low
    assert round(float(got_high), 4) == high


def test_wilson_interval_is_nan_without_observations_and_vectorised() -> None:
    low, high = wilson_interval([0, 81], [0, 263])
    assert math.isnan(low[0]) and math.isnan(high[0])
    assert round(float(low[1]), 4) == 0.2553


SPEC = {
    "p1": {"meta": {"ethnicity": "Black"}, "clip": {"out_find": "nothing"},
           "turns": [("officer", "Good evening, sir.", {"pj_courtesy": "present"}),
                     ("subject", "Evening.", {"subj_resistance": "compliant"}),
                     ("officer", "Stand there.", {"esc_command": "bare_order"}),
                     ("subject", "No.", {"subj_resistance": "verbal_refusal"}),
                     ("officer", "Thank you.", {"pj_courtesy": "present"})]},
    "p2": {"meta": {"ethnicity": "Black"}, "clip": {"out_find": "object_of_search"},
           "turns": [("officer", "Hello there.", {"pj_courtesy": "present"}),
                     ("subject", "Hi.", {}),
                     ("officer", "I'm going to search you.", {})]},
    "p3": {"meta": {"ethnicity": "White"}, "clip": {"out_find": "nothing"},
           "turns": [("officer", "Could you wait?", {"esc_command": "softened_request"}),
                     ("subject", "Sure.", {"subj_resistance": "compliant"})]},
    "p4": {"meta": {"ethnicity": None},
           "turns": [("officer", "Right.", {}), ("officer", "Off you go.", {})]},
}


def _row(table, group, code_id, value):
    rows = table[(table["group"] == group) & (table["code_id"] == code_id)
                 & (table["value"] == value)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("group", "code_id", "value", "clips", "clips_with", "turns", "rate"),
    [
        # 2 of 4 encounters; 3 courtesy turns among 3+2+1+2 = 8 officer turns
        ("all", "pj_courtesy", "present", 4, 2, 8, 37.5),
        ("all", "esc_command", "bare_order", 4, 1, 8, 12.5),
        ("all", "esc_command", "repeated_or_shouted", 4, 0, 8, 0.0),
        # subject codes: per 100 subject turns (2 + 1 + 1 = 4)
        ("all", "subj_resistance", "compliant", 4, 2, 4, 50.0),
        ("Black", "pj_courtesy", "present", 2, 2, 5, 60.0),
        ("White", "pj_courtesy", "present", 1, 0, 1, 0.0),
        ("(missing)", "pj_courtesy", "present", 1, 0, 2, 0.0),
    ],
)
def test_utterance_code_prevalence_and_rate(group, code_id, value, clips, clips_with, turns,
                                            rate) -> None:
    table = prevalence_table(*make_frames(SPEC), group="ethnicity")
    row = _row(table, group, code_id, value)
    assert (row["clips"], row["clips_with"], row["turns"]) == (clips, clips_with, turns)
    assert row["pct"] == pytest.approx(100 * clips_with / clips)
    assert row["rate_per_100_turns"] == pytest.approx(rate)


def test_prevalence_interval_is_wilson_in_percent() -> None:
    table = prevalence_table(*make_frames(SPEC))
    row = _row(table, "all", "pj_courtesy", "present")
    # by hand for 2/4, z = 1.959964: centre (p + z²/2n)/(1 + z²/n) = 0.5,
    # half-width z/(1 + z²/n)·sqrt(p(1−p)/n + z²/4n²) = 0.999795 × 0.350033 = 0.349961
    assert row["pct_low"] == pytest.approx(15.0039, abs=1e-3)
    assert row["pct_high"] == pytest.approx(84.9961, abs=1e-3)


def test_clip_code_prevalence_is_among_coded_encounters() -> None:
    table = prevalence_table(*make_frames(SPEC))
    nothing = _row(table, "all", "out_find", "nothing")
    other = _row(table, "all", "out_find", "other_item")
    assert (nothing["clips"], nothing["clips_with"]) == (3, 2)  # p4 has no out_find
    assert nothing["pct"] == pytest.approx(200 / 3)
    assert other["clips_with"] == 0 and math.isnan(other["rate_per_100_turns"])


def test_every_code_of_the_codebook_is_listed_and_order_is_stable() -> None:
    frames = make_frames(SPEC)
    table = prevalence_table(*frames, group="ethnicity")
    assert list(table.columns) == list(COLUMNS)
    assert "deesc_empathy" in set(table["code_id"])  # never used, still reported
    assert list(dict.fromkeys(table["group"])) == ["all", "(missing)", "Black", "White"]
    assert table.equals(prevalence_table(*frames, group="ethnicity"))


def test_codes_outside_the_codebook_are_added() -> None:
    spec = {"x1": {"clip": {"local_flag": "yes"},
                   "turns": [("subject", "Hm.", {"subj_custom": "present"})]}}
    table = prevalence_table(*make_frames(spec))
    assert _row(table, "all", "local_flag", "yes")["unit"] == "clip"
    assert _row(table, "all", "subj_custom", "present")["clips_with"] == 1


def test_unknown_group_is_refused_with_the_columns() -> None:
    with pytest.raises(ParameterError, match=r"group 'shoe_size' is not a column.*ethnicity"):
        prevalence_table(*make_frames(SPEC), group="shoe_size")


def test_published_prevalence_hides_small_groups_and_leaves_no_line_with_one_gap() -> None:
    groups = ["A"] * 30 + ["B"] * 12 + ["C"] * 3
    finds = ["nothing", "object_of_search", "nothing", "other_item", "nothing"]
    spec = {f"q{i:02d}": {"meta": {"ethnicity": g}, "clip": {"out_find": finds[i % 5]},
                          "turns": [("officer", "Evening.",
                                     {"pj_courtesy": "present"} if i % 3 else {})]}
            for i, g in enumerate(groups)}
    table = prevalence_table(*make_frames(spec), group="ethnicity")
    published = suppress_rows(table, **DISCLOSURE, threshold=10)
    hidden = published["clips_with"] == CONFIDENTIAL
    rows = published.set_index(["group", "code_id", "value"])
    assert rows.loc[("C", "pj_courtesy", "present"), "clips"] == CONFIDENTIAL  # 3 clips
    assert rows.loc[("B", "pj_courtesy", "present"), "clips"] == CONFIDENTIAL  # else 45−30−3
    assert rows.loc[("A", "pj_courtesy", "present"), "clips_with"] == 20
    assert (published.loc[hidden, "pct"] == CONFIDENTIAL).all()
    for _, line in published.assign(hidden=hidden).groupby(["code_id", "value"]):
        assert line["hidden"].sum() != 1
    clip_rows = published[published["unit"] == "clip"].assign(hidden=hidden)
    for _, line in clip_rows.groupby(["group", "code_id"]):
        assert line["hidden"].sum() != 1
