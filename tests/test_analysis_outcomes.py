"""Escalated outcome, opening move vs outcome, and the force factor."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.test_analysis_frames import RANKS, make_frames
from workbench.analysis.outcomes import (
    OPENING_MOVE_DISCLOSURE,
    escalated_outcome,
    force_factor,
    opening_move_table,
)
from workbench.exceptions import InputError
from workbench.privacy.disclosure import CONFIDENTIAL, suppress_rows


@pytest.mark.parametrize(
    ("cuffs", "disposal", "force", "expected"),
    [
        ("none", "nfa", "none", False),
        ("compliant", "nfa", "none", True),
        ("non_compliant", None, None, True),
        ("none", "arrest", "none", True),
        ("none", "nfa", "guiding_holds", False),   # below restraint
        ("none", "nfa", "restraint", True),
        ("none", "community_resolution", "weapon_drawn", True),
        (None, "nfa", None, False),                 # the codes present decide
        (None, None, None, pd.NA),                  # nothing coded: unknown
    ],
)
def test_escalated_outcome_definition(cuffs, disposal, force, expected) -> None:
    clip = {k: v for k, v in {"out_handcuffing": cuffs, "out_disposal": disposal,
                              "out_force": force}.items() if v is not None}
    _, _, codes = make_frames({"e1": {"clip": clip}, "other": {"clip": {"out_force": "none"}}})
    flags = escalated_outcome(codes, RANKS, clip_ids=["e1", "other"])
    assert str(flags.dtype) == "boolean"
    if expected is pd.NA:
        assert pd.isna(flags["e1"])
    else:
        assert bool(flags["e1"]) is expected


def test_escalated_outcome_needs_the_force_ranks() -> None:
    _, _, codes = make_frames({"e1": {"clip": {"out_force": "none"}}})
    with pytest.raises(InputError, match="ranks for 'out_force'"):
        escalated_outcome(codes, {"subj_resistance": RANKS["subj_resistance"]})


def _clip(move, escalated):
    outcome = {"out_disposal": "arrest"} if escalated else {"out_disposal": "nfa"}
    return {"clip": {"esc_opening_move": move, **outcome} if move else outcome}


def test_opening_move_table_counts_and_rates() -> None:
    spec = {"o1": _clip("command", True), "o2": _clip("command", True),
            "o3": _clip("command", False), "o4": _clip("reason", False),
            "o5": _clip("reason", True), "o6": _clip("greeting", False),
            "o7": _clip(None, True)}  # no opening move: left out
    clips, _, codes = make_frames(spec)
    table = opening_move_table(clips, codes, RANKS).set_index("opening_move")
    assert list(table.index) == ["reason", "greeting", "question", "command", "accusation", "all"]
    assert table.loc["command", ["clips", "escalated", "not_escalated"]].tolist() == [3, 2, 1]
    assert table.loc["command", "pct"] == pytest.approx(200 / 3)
    assert table.loc["question", "clips"] == 0 and pd.isna(table.loc["question", "pct"])
    assert table.loc["all", ["clips", "escalated"]].tolist() == [6, 3]


def test_force_factor_is_force_rank_minus_highest_resistance() -> None:
    spec = {
        # restraint (2) against at most verbal refusal (1): +1
        "f1": {"clip": {"out_force": "restraint"},
               "turns": [("subject", "No.", {"subj_resistance": "verbal_refusal"}),
                         ("subject", "Fine.", {"subj_resistance": "compliant"})]},
        # no force (0) against active resistance (3): −3
        "f2": {"clip": {"out_force": "none"},
               "turns": [("subject", "Get off!", {"subj_resistance": "active"})]},
        # no resistance coded: unknown
        "f3": {"clip": {"out_force": "guiding_holds"}, "turns": [("subject", "Hm.", {})]},
    }
    _, _, codes = make_frames(spec)
    table = force_factor(codes, RANKS)
    assert table.loc["f1"].tolist() == [2.0, 1.0, 1.0]
    assert table.loc["f2", "force_factor"] == -3.0
    assert pd.isna(table.loc["f3", "force_factor"])


def test_published_opening_move_table_hides_small_cells_and_their_complements() -> None:
    spec = {}
    for i in range(40):
        spec[f"r{i}"] = _clip("reason", i < 4)       # 4 of 40 escalated
    for i in range(25):
        spec[f"c{i}"] = _clip("command", i < 15)     # 15 of 25
    for i in range(5):
        spec[f"a{i}"] = _clip("accusation", i < 3)   # 5 encounters only
    clips, _, codes = make_frames(spec)
    table = suppress_rows(opening_move_table(clips, codes, RANKS), **OPENING_MOVE_DISCLOSURE)
    rows = table.set_index("opening_move")
    assert rows.loc["reason", ["clips", "escalated", "not_escalated", "pct"]].tolist() == [
        40, CONFIDENTIAL, CONFIDENTIAL, CONFIDENTIAL]          # 40 − 36 would give 4 away
    assert rows.loc["accusation", "clips"] == CONFIDENTIAL
    # command's base (25) is hidden too, or 70 − 40 − 25 would give accusation's 5 away
    assert rows.loc["command", ["clips", "escalated"]].tolist() == [CONFIDENTIAL] * 2
    assert rows.loc["all", ["clips", "escalated"]].tolist() == [70, 22]


def test_force_factor_pairs_list_every_pair_once_under_its_factor() -> None:
    from workbench.analysis.outcomes import force_factor_pairs

    pairs = force_factor_pairs(RANKS)
    force, resistance = RANKS["out_force"], RANKS["subj_resistance"]
    listed = [p for found in pairs.values() for p in found]
    assert len(listed) == len(set(listed)) == len(force) * len(resistance)
    assert all(force[f] - resistance[r] == k for k, found in pairs.items() for f, r in found)
    assert min(pairs) == min(force.values()) - max(resistance.values())
