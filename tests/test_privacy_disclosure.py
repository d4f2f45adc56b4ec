"""Disclosure control: primary and secondary suppression, totals, rates, rounding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from workbench.exceptions import InputError, ParameterError
from workbench.privacy import disclosure
from workbench.privacy.disclosure import (
    CONFIDENTIAL,
    footnote,
    publish_counts,
    recoverable_cells,
    round_to_base,
    suppress_counts,
    suppress_rows,
)


def feasible_range(counts: pd.DataFrame, mask: pd.DataFrame, cell: tuple) -> tuple[float, float]:
    """Smallest and largest value of ``cell`` consistent with everything published.

    Independent of the module: a linear programme over the confidential cells (≥ 0) with
    every row and column summing to its published total (scipy's HiGHS solver).
    """
    x = counts.to_numpy(dtype=float)
    hidden = [tuple(c) for c in np.argwhere(mask.to_numpy())]
    where = {c: k for k, c in enumerate(hidden)}
    rows, rhs = [], []
    n_rows, n_cols = x.shape
    has_row_total = "Total" in counts.columns
    has_col_total = "Total" in counts.index
    lines = []
    if has_row_total:
        lines += [[(i, j, 1) for j in range(n_cols - 1)] + [(i, n_cols - 1, -1)]
                  for i in range(n_rows)]
    if has_col_total:
        lines += [[(i, j, 1) for i in range(n_rows - 1)] + [(n_rows - 1, j, -1)]
                  for j in range(n_cols)]
    for line in lines:
        row = np.zeros(len(hidden))
        known = 0.0
        for i, j, sign in line:
            if (i, j) in where:
                row[where[(i, j)]] = sign
            else:
                known += sign * x[i, j]
        rows.append(row)
        rhs.append(-known)
    target = np.zeros(len(hidden))
    target[where[cell]] = 1
    low = linprog(target, A_eq=np.array(rows), b_eq=rhs, bounds=(0, None), method="highs")
    high = linprog(-target, A_eq=np.array(rows), b_eq=rhs, bounds=(0, None), method="highs")
    return low.fun, -high.fun


def assert_nothing_recoverable(suppression) -> None:
    for cell in np.argwhere(suppression.mask.to_numpy()):
        low, high = feasible_range(suppression.counts, suppression.mask, tuple(cell))
        assert high - low > 0.5, (tuple(cell), low, high)


def test_primary_suppression_hides_counts_from_one_to_nine_but_not_zero() -> None:
    counts = pd.DataFrame({"a": [0, 9, 10, 60], "b": [1, 40, 30, 50]},
                          index=["w", "x", "y", "z"])
    result = suppress_counts(counts)
    assert result.primary.loc[["w", "x"], "a"].tolist() == [False, True]
    assert result.primary.loc["w", "b"] and not result.primary.loc["y", "a"]
    assert not suppress_counts(counts, threshold=5).primary.loc["x", "a"]
    assert suppress_counts(counts, suppress_zeros=True).primary.loc["w", "a"]


def test_secondary_suppression_cascades_through_rows_and_columns() -> None:
    counts = pd.DataFrame([[3, 20, 30], [40, 50, 60], [70, 80, 15]],
                          index=["r1", "r2", "r3"], columns=["A", "B", "C"])
    result = suppress_counts(counts)
    # 3 alone in row r1 → its smallest neighbour 20 (r1, B); 3 alone in column A → 40 (r2, A);
    # then 20 alone in column B → 50 (r2, B); row r2 now has two: fixed point.
    hidden = {(r, c) for r, c in zip(*np.nonzero(result.mask.to_numpy()), strict=True)}
    labels = {(result.counts.index[r], result.counts.columns[c]) for r, c in hidden}
    assert labels == {("r1", "A"), ("r1", "B"), ("r2", "A"), ("r2", "B")}
    published = publish_counts(result)
    assert published.loc["r1", "Total"] == 53 and published.loc["Total", "Total"] == 368
    assert published.loc["r1", "A"] == CONFIDENTIAL
    assert_nothing_recoverable(result)


def test_a_single_column_table_suppresses_a_second_group() -> None:
    counts = pd.DataFrame({"n": [3, 50, 60]}, index=["Asian", "Black", "White"])
    published = publish_counts(suppress_counts(counts))
    assert published["n"].tolist() == [CONFIDENTIAL, CONFIDENTIAL, 60, 113]
    assert "Total" not in published.columns


def test_small_totals_are_confidential_too() -> None:
    counts = pd.DataFrame([[4, 3], [40, 50]], index=["x", "y"], columns=["a", "b"])
    result = suppress_counts(counts)
    assert result.primary.loc["x", "Total"]  # 7 encounters in row x
    assert_nothing_recoverable(result)


# A table where "two per line" is not enough: after the line rule the confidential cells form
# two cycles joined by one cell, (1, 2) = 1, which the totals then give away exactly.
BRIDGE = pd.DataFrame([[90, 8, 12, 90], [3, 40, 1, 5], [20, 12, 1, 12], [12, 90, 12, 40],
                       [90, 0, 0, 8]])


def test_line_rule_alone_can_leave_a_recoverable_cell_and_the_audit_finds_it() -> None:
    counts = disclosure.with_totals(BRIDGE)
    x = counts.to_numpy(dtype=float)
    mask = (x > 0) & (x < 10)
    lines = disclosure._lines(x.shape, has_row_total=True, has_col_total=True)
    while disclosure._complete_lines(x, mask, lines, x.shape):
        pass
    frame_mask = pd.DataFrame(mask, index=counts.index, columns=counts.columns)
    assert recoverable_cells(counts, frame_mask) == [(1, 2)]
    low, high = feasible_range(counts, frame_mask, (1, 2))
    assert low == pytest.approx(1) and high == pytest.approx(1)  # the LP agrees: exactly 1


def test_suppress_counts_leaves_nothing_recoverable_in_the_bridge_table() -> None:
    result = suppress_counts(BRIDGE)
    assert recoverable_cells(result.counts, result.mask) == []
    assert_nothing_recoverable(result)


def test_random_tables_leave_nothing_recoverable() -> None:
    rng = np.random.default_rng(5)
    for _ in range(25):
        shape = tuple(rng.integers(2, 6, size=2))
        counts = pd.DataFrame(rng.choice([0, 1, 3, 5, 8, 12, 20, 40, 90], size=shape))
        result = suppress_counts(counts)
        assert (result.mask | ~result.primary).all().all()  # primary cells stay hidden
        assert_nothing_recoverable(result)


@pytest.mark.parametrize(
    ("value", "rounded"), [(0, 0), (2, 0), (3, 5), (7, 5), (8, 10), (12, 10), (13, 15),
                           (22, 20), (23, 25), (2.5, 5)],
)
def test_round_to_base_five(value, rounded) -> None:
    assert round_to_base(pd.Series([value]), 5).iloc[0] == rounded


def test_published_counts_can_be_rounded_and_the_footnote_says_so() -> None:
    counts = pd.DataFrame([[3, 22, 30], [41, 57, 60], [70, 80, 92]], index=["x", "y", "z"],
                          columns=["a", "b", "c"])
    published = publish_counts(suppress_counts(counts), rounding_base=5)
    assert published.loc["z", "c"] == 90 and published.loc["y", "Total"] == 160  # 92, 158
    assert published.loc["Total", "Total"] == 455 and published.loc["x", "b"] == CONFIDENTIAL
    note = footnote(10, rounding_base=5)
    assert note.startswith(CONFIDENTIAL) and "fewer than 10" in note
    assert "rounded to the nearest 5" in note
    assert "rounded" not in footnote(10)


@pytest.mark.parametrize(
    ("counts", "kwargs", "error", "words"),
    [
        (pd.DataFrame({"a": [1, -2]}), {}, InputError, "whole number ≥ 0"),
        (pd.DataFrame({"a": [1.5, 2]}), {}, InputError, "whole number ≥ 0"),
        (pd.DataFrame({"Total": [1, 2]}), {}, InputError, "without a 'Total'"),
        (pd.DataFrame({"a": [1, 2]}), {"threshold": 0}, ParameterError, "threshold 0"),
    ],
)
def test_bad_count_tables_are_refused(counts, kwargs, error, words) -> None:
    with pytest.raises(error, match=words):
        suppress_counts(counts, **kwargs)


def test_rows_with_small_bases_or_counts_are_suppressed_with_a_second_group() -> None:
    table = pd.DataFrame({
        "group": ["all", "A", "B", "C"], "code_id": "esc_threat",
        "clips": [40, 25, 12, 3], "clips_with": [12, 8, 3, 1],
        "pct": [30.0, 32.0, 25.0, 33.3],
    })
    out = suppress_rows(table, count_column="clips_with", base_column="clips",
                        value_columns=["pct"], count_lines=[["code_id"]],
                        base_lines=[["code_id"]])
    # C has 3 encounters: all of it is confidential; B's base is hidden as well, or
    # 40 − 25 − 12 would give C away. A and B have small counts (8, 3).
    assert out["clips"].tolist() == [40, 25, CONFIDENTIAL, CONFIDENTIAL]
    assert out["clips_with"].tolist() == [12, CONFIDENTIAL, CONFIDENTIAL, CONFIDENTIAL]
    assert out["pct"].tolist() == [30.0, CONFIDENTIAL, CONFIDENTIAL, CONFIDENTIAL]


def test_one_hidden_option_in_a_line_forces_a_second() -> None:
    table = pd.DataFrame({"value": ["none", "compliant", "non_compliant"], "group": "all",
                          "count": [70, 24, 6], "base": 100})
    out = suppress_rows(table, count_column="count", base_column="base",
                        count_lines=[["group"]])
    assert out["count"].tolist() == [70, CONFIDENTIAL, CONFIDENTIAL]
    with pytest.raises(ParameterError, match=r"column.*nope"):
        suppress_rows(table, count_column="nope")


def test_a_small_complement_suppresses_the_count_it_would_reveal() -> None:
    """clips − escalated = not_escalated: if either is small, both must go."""
    from workbench.privacy.disclosure import CONFIDENTIAL, suppress_rows

    table = pd.DataFrame({"move": ["reason", "command"], "clips": [40, 60],
                          "escalated": [35, 30], "not_escalated": [5, 30]})
    out = suppress_rows(table, count_column="escalated", base_column="clips",
                        other_count_columns=["not_escalated"], threshold=10)
    assert out.loc[0, "escalated"] == CONFIDENTIAL and out.loc[0, "not_escalated"] == CONFIDENTIAL
    assert out.loc[1, "escalated"] == 30 and out.loc[1, "not_escalated"] == 30
