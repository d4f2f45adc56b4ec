"""Derived measures declared in the codebook, checked against hand-worked encounters."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from workbench.codebook import Codebook, compute_derived, load_codebook, load_ref
from workbench.exceptions import CodebookError, InputError

MINI = Path(__file__).parent / "data" / "codebooks" / "mini" / "1.0.0.yaml"

# Three synthetic encounters. O = officer turn, S = subject turn.
#   A: 0 O, 1 S, 2 O, 3 O, 4 S       (3 officer turns)
#   B: 0 O, 1 O, 2 S, 3 O, 4 O       (4 officer turns)
#   C: 0 S, 1 S                      (no officer turns)
ROLES = {"A": "OSOOS", "B": "OOSOO", "C": "SS"}
CODES = [
    # clip, turn, code, value
    ("A", 0, "polite", "present"),
    ("A", 0, "command", "soft"),
    ("A", 1, "resist", "verbal"),
    ("A", 2, "command", "bare"),
    ("A", 2, "threat", "present"),
    ("A", 3, "calm", "present"),
    ("A", None, "grounds", "specific"),
    ("A", None, "power", "not_applicable"),
    ("B", 0, "rude", "present"),
    ("B", 1, "command", "shouted"),
    ("B", 1, "accuse", "present"),  # same turn as the command: one escalating turn
    ("B", 2, "searched", "present"),
    ("B", 3, "threat", "present"),
    ("B", 4, "calm", "present"),
    ("B", None, "grounds", "generic"),
    ("B", None, "power", "clear"),
    ("C", None, "power", "absent"),  # grounds left uncoded
]
# Worked by hand from the formulas in the fixture:
#   respect  = 100 × (polite? + command=soft? + no rude?) / 3
#     A: (1 + 1 + 1) / 3 = 100;  B: (0 + 0 + 0) / 3 = 0;  C: no officer turns -> NaN
#   complete = 100 × (grounds=specific? + power=clear?) / applicable
#     A: power n/a -> 1 / 1 = 100;  B: (0 + 1) / 2 = 50;  C: grounds uncoded -> NaN
#   full     = all applicable met:  A True, B False, C NA
#   esc_rate = 100 × turns with (command ≥ bare | threat | accuse) / officer turns
#     A: turn 2 -> 100 × 1/3;  B: turns 1, 3 -> 100 × 2/4 = 50;  C: NaN
#   balance  = 100 × (calm turns − escalating turns) / officer turns
#     A: (1 − 1)/3 = 0;  B: (1 − 2)/4 = −25;  C: NaN
EXPECTED = {
    "respect": [100.0, 0.0, math.nan],
    "complete": [100.0, 50.0, math.nan],
    "esc_rate": [100 / 3, 50.0, math.nan],
    "balance": [0.0, -25.0, math.nan],
}


def _utterances() -> pd.DataFrame:
    role = {"O": "officer", "S": "subject"}
    return pd.DataFrame(
        [(clip, i, role[r]) for clip, roles in ROLES.items() for i, r in enumerate(roles)],
        columns=["clip_id", "utterance_index", "role"])


def _codes(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["clip_id", "utterance_index", "code_id", "value"])
    frame["utterance_index"] = frame["utterance_index"].astype("Int64")
    return frame


@pytest.fixture(scope="module")
def mini() -> Codebook:
    return load_codebook(MINI)


@pytest.fixture(scope="module")
def result(mini: Codebook) -> pd.DataFrame:
    return compute_derived(mini, _codes(CODES), _utterances())


def test_one_row_per_clip_and_one_column_per_declared_measure(result: pd.DataFrame) -> None:
    assert list(result.index) == ["A", "B", "C"]
    assert result.index.name == "clip_id"
    assert list(result.columns) == ["respect", "complete", "full", "esc_rate", "balance"]


@pytest.mark.parametrize("measure", sorted(EXPECTED))
def test_scores_match_the_hand_worked_example(result: pd.DataFrame, measure: str) -> None:
    got = result[measure].to_numpy(dtype=float)
    for value, expected in zip(got, EXPECTED[measure], strict=True):
        assert (math.isnan(value) and math.isnan(expected)) or value == pytest.approx(expected)


def test_full_compliance_is_a_nullable_flag(result: pd.DataFrame) -> None:
    assert str(result["full"].dtype) == "boolean"
    assert result["full"].tolist()[:2] == [True, False]
    assert result["full"].isna().tolist() == [False, False, True]


def test_codes_on_turns_of_another_role_do_not_count(mini: Codebook) -> None:
    # a courtesy code wrongly put on B's subject turn 2 must not lift B's respect score
    rows = [*CODES, ("B", 2, "polite", "present")]
    result = compute_derived(mini, _codes(rows), _utterances())
    assert result.loc["B", "respect"] == 0.0


@pytest.mark.parametrize(
    ("row", "error", "fragment"),
    [
        (("A", 0, "nonsense", "present"), CodebookError, "not a code of mini@1.0.0"),
        (("A", 0, "command", "loud"), CodebookError, "'loud'"),
        (("A", 9, "polite", "present"), InputError, "missing from utterances_df"),
        (("A", None, "polite", "present"), CodebookError, "utterance-level code"),
        (("A", None, "grounds", "none"), InputError, "two values for clip-level code"),
    ],
)
def test_bad_input_rows_are_refused(mini: Codebook, row: tuple, error: type,
                                    fragment: str) -> None:
    with pytest.raises(error, match=fragment):
        compute_derived(mini, _codes([*CODES, row]), _utterances())


def test_stop_search_procedural_justice_scores_on_a_worked_encounter() -> None:
    codebook = load_ref("stop-search@1.0.0")
    utterances = pd.DataFrame(
        [("X", i, r) for i, r in enumerate(["officer", "subject", "officer", "officer",
                                            "subject"])],
        columns=["clip_id", "utterance_index", "role"])
    codes = _codes([
        ("X", 0, "pj_invites_account", "present"),
        ("X", 1, "subj_participation", "question"),
        ("X", 2, "pj_responds_to_question", "ignores"),
        ("X", 3, "legal_explanation", "grounds"),
        ("X", 3, "esc_command", "bare_order"),
        ("X", None, "gow_grounds", "specific"),
        ("X", None, "gow_object", "clear"),
        ("X", None, "gow_identity", "partial"),
        ("X", None, "gow_entitlement", "not_applicable"),
        ("X", None, "gow_legal_power", "absent"),
        ("X", None, "gow_detained", "clear"),
    ])
    row = compute_derived(codebook, codes, utterances).loc["X"]
    # voice: invites (met) + no ignoring/talking over (not met) -> 1/2
    assert row["pj_voice"] == pytest.approx(50.0)
    # neutrality: explains (no), grounds (yes), object (no), no accusation (yes) -> 2/4
    assert row["pj_neutrality"] == pytest.approx(50.0)
    # respect: courtesy (no), dignity (no), no disrespect (yes) -> 1/3
    assert row["pj_respect"] == pytest.approx(100 / 3)
    # trust: safety motive (no), empathy (no) -> 0/2
    assert row["pj_trust"] == pytest.approx(0.0)
    # GOWISELY: entitlement n/a; grounds, object, detained clear of 5 -> 60
    assert row["gow_completeness"] == pytest.approx(60.0)
    assert not row["gow_full_compliance"]
    # 3 officer turns, one bare order, no de-escalation
    assert row["officer_escalation_rate"] == pytest.approx(100 / 3)
    assert row["officer_deescalation_rate"] == pytest.approx(0.0)
    assert row["officer_balance"] == pytest.approx(-100 / 3)
