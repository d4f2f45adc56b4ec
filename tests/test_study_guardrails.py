"""Parameter guardrails: a parameter file cannot switch disclosure control off (the threshold
floor and its stated reason) nor group tables by an identifier; checked on the parameter
model, on the data and on the gate itself, in-process."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.exceptions import ParameterError
from workbench.study.gate import PrivacyGate, TableRules, counts
from workbench.study.params import (
    MAX_UNIQUE_SHARE,
    check_groupings,
    is_identifier_column,
    parse_params,
)
from workbench.study.provenance import public_params
from workbench.study.session import make_gate

REASON = "internal methods check of the coding frame, not for publication"


@pytest.mark.parametrize("text", [
    "disclosure_threshold: 1\ngroup_by: [lead_officer]\n",  # the leak in issue 12
    "disclosure_threshold: 1\n",
    "disclosure_threshold: 2\nallow_small_cells: true\nsmall_cells_reason: " + REASON,
    "disclosure_threshold: 9\n",
    "disclosure_threshold: 5\nallow_small_cells: true\n",
    "disclosure_threshold: 5\nsmall_cells_reason: " + REASON,
    "disclosure_threshold: 5\nallow_small_cells: true\nsmall_cells_reason: ok\n",
])
def test_a_threshold_under_the_floor_or_without_a_reason_is_refused(text: str) -> None:
    with pytest.raises(ParameterError) as info:
        parse_params(text, path="hostile.yaml")
    assert info.value.field in ("disclosure_threshold", "small_cells_reason", "group_by")
    assert "hostile.yaml" in str(info.value)


def test_a_small_threshold_with_a_reason_is_printed_and_recorded() -> None:
    params = parse_params(f"disclosure_threshold: 5\nallow_small_cells: true\n"
                          f"small_cells_reason: {REASON}\n")
    gate = make_gate(params)
    assert gate.threshold == 5
    assert REASON in gate.footnote() and "under the standard 10" in gate.footnote()
    recorded = public_params(params)
    assert recorded["allow_small_cells"] is True
    assert recorded["small_cells_reason"] == REASON
    assert REASON not in make_gate(parse_params("")).footnote()


@pytest.mark.parametrize("column", ["clip_id", "lead_officer", "officer", "officer_name",
                                    "collar_number", "subject_name", "media_path", "date",
                                    "postcode", "warrant_no", "coder"])
def test_identifier_columns_are_refused_as_groupings(column: str) -> None:
    assert is_identifier_column(column)
    with pytest.raises(ParameterError) as info:
        parse_params(f"group_by: [ethnicity, {column}]\n", path="hostile.yaml")
    assert info.value.field == "group_by" and column in str(info.value)


@pytest.mark.parametrize("column", ["ethnicity", "borough", "bcu", "n_officers", "outcome",
                                    "audio_quality", "object_sought"])
def test_ordinary_groupings_pass(column: str) -> None:
    assert not is_identifier_column(column)
    assert parse_params(f"group_by: [{column}]\n").group_by == [column]


def test_a_column_with_too_many_distinct_values_is_refused_on_the_data() -> None:
    clips = pd.DataFrame({"ethnicity": ["A", "B"] * 100,
                          "shift_code": [f"S{i % 40}" for i in range(200)]})  # 40 > 10% of 200
    check_groupings(clips, ["ethnicity"])
    with pytest.raises(ParameterError) as info:
        check_groupings(clips, ["ethnicity", "shift_code"])
    assert "shift_code" in str(info.value) and "40 distinct values" in str(info.value)
    assert f"{MAX_UNIQUE_SHARE:.0%}" in str(info.value)


@pytest.mark.parametrize(("threshold", "reason"), [(0, None), (1, None), (2, REASON),
                                                   (5, None), (9, "  ")])
def test_the_gate_itself_refuses_a_hostile_threshold(threshold: int, reason: str | None) -> None:
    """Enforced in the gate too, so a caller that skips the parameter model cannot lower it."""
    with pytest.raises(ParameterError) as info:
        PrivacyGate(threshold, small_cells_reason=reason)
    assert info.value.field == "disclosure_threshold"


def test_the_gate_with_an_allowed_small_threshold_still_suppresses_under_it() -> None:
    gate = PrivacyGate(5, small_cells_reason=REASON)
    table = pd.DataFrame({"g": ["a", "b", "c"], "clips": [40, 30, 20],
                          "with": [4, 6, 12]})
    shown, suppressed = gate.protect(table, TableRules((counts("with", base="clips"),)))
    assert shown["with"].tolist() == ["[c]", 6, 12]
    assert suppressed == 1
