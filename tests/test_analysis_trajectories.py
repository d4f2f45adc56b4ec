"""Escalation dynamics: series, typology, de-escalation effectiveness, time to resistance."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.test_analysis_frames import RANKS, make_frames
from workbench.analysis.deescalation import deescalation_effectiveness, tactic_outcomes
from workbench.analysis.onset import resistance_onset, time_to_first_resistance
from workbench.analysis.trajectories import (
    classify_trajectory,
    trajectory_series,
    trajectory_typology,
)
from workbench.exceptions import ParameterError

OFF, SUB, BY = "officer", "subject", "third_party"


def R(level: str) -> dict[str, str]:
    return {"subj_resistance": level}


DYN = {
    # resistance 1, 3, 0, 0: up then down to below the start
    "d1": {"clip": {"out_trajectory": "escalated_then_resolved"},
           "turns": [(OFF, "Stop.", {"esc_command": "bare_order"}),
                     (SUB, "No.", R("verbal_refusal")),
                     (OFF, "I can see you're frustrated.", {"deesc_empathy": "present"}),
                     (SUB, "Get off me!", R("active")),
                     (OFF, "Let's step back, you're not under arrest.",
                      {"deesc_creates_space": "present", "deesc_reassurance": "present"}),
                     (SUB, "Fine.", R("compliant")),
                     (BY, "Leave him alone.", {}),
                     (SUB, "OK.", R("compliant"))]},
    # compliant throughout
    "d2": {"turns": [(OFF, "Good evening.", {"pj_courtesy": "present"}),
                     (SUB, "Hi.", R("compliant")),
                     (OFF, "Thanks.", {}), (SUB, "Bye.", R("compliant"))]},
    # 1, 3, 1, 3: direction changes twice
    "d3": {"clip": {"out_trajectory": "escalated"},
           "turns": [(SUB, "Not again.", R("verbal_refusal")),
                     (OFF, "How's your evening going?", {"deesc_humanises": "present"}),
                     (SUB, "Don't touch me!", R("active")),
                     (OFF, "Or you're nicked.", {"esc_threat": "present"}),
                     (SUB, "Alright.", R("verbal_refusal")),
                     (OFF, "Turn round.", {}),
                     (SUB, "No!", R("active"))]},
}


@pytest.mark.parametrize(
    ("levels", "expected"),
    [   # floor 0 (compliant), surge 2 (passive)
        ([], None),
        ([math.nan], None),
        ([0, 0, 0], "calm"),
        ([1, 1], "calm"),                           # verbal refusal only, no change
        ([1, 0, 1], "calm"),
        ([2, 2], "escalated"),                      # physical resistance throughout
        ([0, 1, 3], "escalated"),
        ([1, 3, 2], "escalated"),                   # came down, not to where it started
        ([3, 2, 0], "de_escalated"),
        ([0, 3, 0], "escalated_then_resolved"),
        ([0, 0, 2, 2, 0, 0], "escalated_then_resolved"),
        ([0, 2, 3, 2, 3, 0], "escalated_then_resolved"),  # wiggles above 2: one surge
        ([0, 1, 0, 1, 0], "escalated_then_resolved"),     # no surge, rose and came back
        ([3, 0, 2], "volatile"),                    # starts at a surge, surges again
        ([2, 0, 3], "volatile"),
        ([0, 2, 0, 2], "volatile"),
    ],
)
def test_trajectory_rules(levels, expected) -> None:
    assert classify_trajectory(levels, floor=0, surge=2) == expected


def test_default_surge_is_any_resistance() -> None:
    assert classify_trajectory([0, 1, 0, 1]) == "volatile"
    assert classify_trajectory([0, 1, 0, 1], surge=2) == "escalated"  # ends above its start


def test_trajectory_series_carries_resistance_and_cumulates_balance() -> None:
    series = trajectory_series(*make_frames(DYN)[1:], RANKS)
    d1 = series[series["clip_id"] == "d1"]
    assert d1["resistance_level"].tolist()[1:] == [1, 1, 3, 3, 0, 0, 0]
    assert math.isnan(d1["resistance_level"].iloc[0])
    assert d1["balance"].tolist() == [1, 0, -1, 0, -2, 0, 0, 0]
    assert d1["cumulative_balance"].tolist() == [1, 1, 0, 0, -2, -2, -2, -2]
    d3 = series[series["clip_id"] == "d3"]
    assert d3["cumulative_escalation"].iloc[-1] == 1
    assert d3["cumulative_deescalation"].iloc[-1] == 1


def test_typology_per_clip_beside_the_coded_trajectory() -> None:
    table = trajectory_typology(*make_frames(DYN)[1:], RANKS)
    assert table["trajectory"].to_dict() == {"d1": "escalated_then_resolved", "d2": "calm",
                                             "d3": "volatile"}
    assert table.loc["d1", ["points", "start_level", "peak_level", "end_level", "changes"]
                     ].tolist() == [4, 1, 3, 0, 2]
    assert bool(table.loc["d1", "agrees"]) is True
    assert bool(table.loc["d3", "agrees"]) is False
    assert pd.isna(table.loc["d2", "agrees"])
    with pytest.raises(ParameterError, match="surge 'shouting'"):
        trajectory_typology(*make_frames(DYN)[1:], RANKS, surge="shouting")


@pytest.mark.parametrize(
    ("k", "expected"),
    [
        # at-risk officer turns: d1 t2 (prior 1; next 3, 0), d1 t4 (prior 3; next 0, 0),
        # d3 t1 (prior 1; next 3, 1), d3 t3 (prior 3; next 1, 3), d3 t5 (prior 1; next 3)
        (2, {("d1", 2): True, ("d1", 4): True, ("d3", 1): False, ("d3", 3): True,
             ("d3", 5): False}),
        (1, {("d1", 2): False, ("d1", 4): True, ("d3", 1): False, ("d3", 3): True,
             ("d3", 5): False}),
    ],
)
def test_tactic_outcomes_mark_drops_within_k_observations(k, expected) -> None:
    table = tactic_outcomes(*make_frames(DYN)[1:], RANKS, k=k)
    got = {(c, i): bool(d) for c, i, d in zip(table["clip_id"], table["utterance_index"],
                                              table["dropped"], strict=True)}
    assert got == expected
    assert table.loc[0, "prior_level"] == 1 and bool(table.loc[0, "deesc_empathy"])


def test_deescalation_effectiveness_against_the_base_rate() -> None:
    table = deescalation_effectiveness(*make_frames(DYN)[1:], RANKS, k=2).set_index("tactic")
    assert table.loc["(all officer turns)", ["occurrences", "drops"]].tolist() == [5, 3]
    assert table.loc["deesc_empathy", ["occurrences", "drops"]].tolist() == [1, 1]
    assert table.loc["deesc_humanises", ["occurrences", "drops"]].tolist() == [1, 0]
    assert table.loc["(any tactic)", ["occurrences", "drops"]].tolist() == [3, 2]
    assert table.loc["(no tactic)", ["occurrences", "drops"]].tolist() == [2, 1]
    assert table.loc["deesc_empathy", "difference"] == pytest.approx(40.0)
    assert math.isnan(table.loc["deesc_calm_after_provocation", "pct"])
    with pytest.raises(ParameterError, match="k 0"):
        tactic_outcomes(*make_frames(DYN)[1:], RANKS, k=0)


def _onset_clip(resist_at: int | None, n_turns: int) -> dict:
    turns = [(SUB, "…", R("active" if i == resist_at else "compliant")) for i in range(n_turns)]
    return {"turns": turns}


def test_time_to_first_resistance_with_kaplan_meier_median() -> None:
    # turn i starts at 10·i s and ends at 10·i + 8 s; events at 10, 20, 40 s; censored at
    # 8, 18, 38 s. Kaplan–Meier: S(10) = 4/5 = 0.8 (at risk 10, 18, 20, 38, 40);
    # S(20) = 0.8 × 2/3 = 0.533 (at risk 20, 38, 40); S(40) = 0 → median 40 s,
    # while the median among those who resisted is 20 s.
    spec = {"k1": _onset_clip(1, 2), "k2": _onset_clip(2, 3), "k3": _onset_clip(None, 4),
            "k4": _onset_clip(4, 5), "k5": _onset_clip(None, 1), "k6": _onset_clip(None, 2)}
    frames = make_frames(spec)
    onset = resistance_onset(*frames[1:], RANKS)
    assert onset["seconds"].to_dict() == {"k1": 10, "k2": 20, "k3": 38, "k4": 40, "k5": 8,
                                          "k6": 18}
    assert onset["resisted"].tolist() == [True, True, False, True, False, False]
    summary = time_to_first_resistance(*frames, RANKS).iloc[0]
    assert (summary["clips"], summary["resisted"]) == (6, 3)
    assert summary["median_s"] == 20 and summary["q1_s"] == 15 and summary["q3_s"] == 30
    assert summary["km_median_s"] == 40
