"""Statistical disclosure control for published tables (UK official statistics practice).

* **Primary suppression**: a count from 1 to ``threshold − 1`` (default 10) is confidential;
  zeros are shown unless ``suppress_zeros``.
* **Secondary suppression**: a table is published with its row and column totals, so a line
  (row or column, with its total) holding exactly one suppressed cell would give it away. The
  smallest other cell of that line is suppressed too (preferring non-zero, then inner cells over
  totals), and the rule is iterated to a fixed point. A final audit solves the table's linear
  constraints (:func:`recoverable_cells`) and adds suppressions until no suppressed cell is
  determined by the published cells.
* **Rates and means** rest on a base: a percentage or mean whose base is under the threshold
  is suppressed, as is a percentage whose count is (:func:`suppress_rows`).
* Suppressed cells show :data:`CONFIDENTIAL` ("[c]", the ONS convention); :func:`footnote`
  explains it. Counts may also be rounded to a base (e.g. 5, as in the ONS "10-5 rule").

See ONS, *Policy on protecting confidentiality in tables of birth and death statistics*
(2014) and GSS/GSR *Disclosure control guidance for tables produced from administrative
data sources* (2014) for the conventions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.linalg import null_space

from workbench.exceptions import InputError, ParameterError

CONFIDENTIAL = "[c]"
DEFAULT_THRESHOLD = 10
TOTAL = "Total"


@dataclass(frozen=True)
class Suppression:
    """A count table with its totals, and which cells are confidential.

    ``counts`` has a ``Total`` row (if more than one row) and a ``Total`` column (if more than
    one column); ``primary`` and ``mask`` are boolean frames of the same shape (``mask`` =
    primary + secondary).
    """

    counts: pd.DataFrame
    primary: pd.DataFrame
    mask: pd.DataFrame
    threshold: int


def footnote(threshold: int = DEFAULT_THRESHOLD, rounding_base: int | None = None) -> str:
    """The footnote that explains :data:`CONFIDENTIAL` (and rounding) under a table."""
    text = (f"{CONFIDENTIAL} confidential: not shown because it rests on fewer than {threshold} "
            "encounters, or because it would let another confidential value be worked out "
            "from the totals.")
    if rounding_base:
        text += (f" Counts are rounded to the nearest {rounding_base}; totals are rounded "
                 "separately, so may differ from the sum of their parts.")
    return text


def round_to_base(values: pd.DataFrame | pd.Series, base: int = 5) -> pd.DataFrame | pd.Series:
    """Round counts to the nearest multiple of ``base`` (halves up: 2.5 → 5 for base 5)."""
    if base < 1:
        raise ParameterError(f"rounding base {base}; expected a whole number ≥ 1", field="base")
    return (np.floor(values.astype(float) / base + 0.5) * base).astype("int64")


def suppress_counts(
    counts: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD, *, suppress_zeros: bool = False,
) -> Suppression:
    """Primary and secondary suppression of a two-way count table (totals added here).

    Parameters
    ----------
    counts : non-negative whole numbers, without totals; rows × columns.
    threshold : counts under it (and over 0) are confidential.
    """
    values = _check_counts(counts, threshold)
    table = with_totals(values)
    x = table.to_numpy(dtype=float)
    lines = _lines(table.shape, has_row_total=values.shape[1] > 1,
                   has_col_total=values.shape[0] > 1)
    primary = (x < threshold) & ((x > 0) | suppress_zeros)
    mask = primary.copy()
    while True:
        if _complete_lines(x, mask, lines, table.shape):
            continue
        recoverable = _recoverable(x.shape, mask, lines)
        if not recoverable:
            break
        _break_recovery(x, mask, lines, recoverable[0])
    frame = {"index": table.index, "columns": table.columns}
    return Suppression(table, pd.DataFrame(primary, **frame), pd.DataFrame(mask, **frame),
                       threshold)


def publish_counts(
    suppression: Suppression, *, rounding_base: int | None = None, marker: str = CONFIDENTIAL,
) -> pd.DataFrame:
    """The published table: confidential cells replaced by ``marker``, others (rounded) ints."""
    shown = suppression.counts.astype("int64")
    if rounding_base:
        shown = round_to_base(shown, rounding_base)
    return shown.astype(object).where(~suppression.mask, marker)


def recoverable_cells(counts: pd.DataFrame, mask: pd.DataFrame) -> list[tuple[object, object]]:
    """Confidential cells whose value follows exactly from the shown cells and totals.

    ``counts`` includes its totals (as :attr:`Suppression.counts`); the table's constraints
    are "each row and column sums to its total". Returns (row label, column label) pairs.
    """
    shape = counts.shape
    has_row_total = TOTAL in counts.columns
    has_col_total = TOTAL in counts.index
    lines = _lines(shape, has_row_total=has_row_total, has_col_total=has_col_total)
    found = _recoverable(shape, mask.to_numpy(dtype=bool), lines)
    return [(counts.index[i], counts.columns[j]) for i, j in found]


def suppress_rows(
    table: pd.DataFrame,
    *,
    count_column: str | None = None,
    base_column: str | None = None,
    value_columns: Sequence[str] = (),
    other_count_columns: Sequence[str] = (),
    threshold: int = DEFAULT_THRESHOLD,
    count_lines: Sequence[Sequence[str]] = (),
    base_lines: Sequence[Sequence[str]] = (),
    rounding_base: int | None = None,
    marker: str = CONFIDENTIAL,
) -> pd.DataFrame:
    """Disclosure control for a long table with one statistic per row.

    A row whose base (e.g. encounters in the group) is from 1 to ``threshold − 1`` has its
    base, count and values suppressed; a row whose count is from 1 to ``threshold − 1`` has
    its count and values (percentages, intervals, means) suppressed, and so does a row whose
    complement (base − count, shown or not) is from 1 to ``threshold − 1``. ``other_count_columns``
    (e.g. the complement "not escalated", which the base minus the count gives) are suppressed
    with the count, and the count with them when they are small.

    Secondary suppression: ``count_lines`` and ``base_lines`` each list column sets whose rows
    add up to a known total (e.g. ``["code_id", "value"]`` for the levels of a grouping
    variable plus their overall row; ``["group", "code_id"]`` for the options of a clip-level
    code within a group; ``[]`` for the whole table). Within each such line one suppressed
    row would be recoverable, so the row with the next smallest non-zero count (base) is
    suppressed too, to a fixed point. The per-table specifications are the ``DISCLOSURE``
    constants of the analysis modules.

    Returns a copy (object columns where a marker was written). With ``rounding_base`` the
    count columns are rounded; percentages are not recomputed from them.
    """
    if threshold < 1:
        raise ParameterError(f"threshold {threshold}; expected a whole number ≥ 1",
                             field="threshold")
    counts = [c for c in (count_column, base_column, *other_count_columns) if c is not None]
    wanted = [*counts, *value_columns, *_flat(count_lines), *_flat(base_lines)]
    missing = sorted({c for c in wanted if c not in table.columns})
    if missing:
        raise ParameterError(f"column(s) {', '.join(missing)} not in the table; columns: "
                             f"{', '.join(map(str, table.columns))}", field="columns")
    rows = table.reset_index(drop=True)
    base = _column(rows, base_column)
    count = _column(rows, count_column)
    base_mask = (base > 0) & (base < threshold)
    count_mask = base_mask | ((count > 0) & (count < threshold))
    for column in other_count_columns:  # a small complement reveals the count, and vice versa
        other = _column(rows, column)
        count_mask |= (other > 0) & (other < threshold)
    if count_column is not None and base_column is not None:  # shown or not, base − count
        complement = base - count
        count_mask |= (complement > 0) & (complement < threshold)
    base_mask, count_mask = base_mask.to_numpy().copy(), count_mask.to_numpy().copy()
    base_values, count_values = base.to_numpy(dtype=float), count.to_numpy(dtype=float)
    base_groups = [_row_lines(rows, columns) for columns in base_lines]
    count_groups = [_row_lines(rows, columns) for columns in count_lines]
    changed = True
    while changed:
        changed = False
        for lines in base_groups:
            changed |= _complete_row_lines(lines, base_values, base_mask)
        count_mask |= base_mask
        for lines in count_groups:
            changed |= _complete_row_lines(lines, count_values, count_mask)
    masks = {column: count_mask for column in [count_column, *value_columns] if column}
    if base_column:
        masks[base_column] = base_mask
    for column in other_count_columns:
        masks[column] = count_mask
    out = rows.copy()
    for column in counts:
        if rounding_base:
            out[column] = round_to_base(out[column].fillna(0), rounding_base).where(
                out[column].notna())
    for column, mask in masks.items():
        out[column] = out[column].astype(object).where(~mask, marker)
    return out.set_index(table.index)


def _flat(lines: Sequence[Sequence[str]]) -> list[str]:
    return [column for line in lines for column in line]


def _column(rows: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None:
        return pd.Series(np.inf, index=rows.index)
    return pd.to_numeric(rows[column], errors="coerce").fillna(np.inf)


def _row_lines(rows: pd.DataFrame, columns: Sequence[str]) -> list[np.ndarray]:
    """The positions of the rows of each line: rows equal on ``columns`` (all rows: none)."""
    if not columns:
        return [np.arange(len(rows))]
    groups = rows.groupby(list(columns), sort=True, dropna=False).indices
    return [np.asarray(index) for index in groups.values()]


def _complete_row_lines(lines: Sequence[np.ndarray], values: np.ndarray,
                        mask: np.ndarray) -> bool:
    """In each line with exactly one suppressed row, suppress the row with the smallest
    non-zero value (zeros last, then position); ``mask`` is changed in place."""
    changed = False
    for index in lines:
        hidden = mask[index]
        if int(hidden.sum()) != 1:
            continue
        candidates = index[~hidden & np.isfinite(values[index])]
        if not candidates.size:
            continue
        choice = min(candidates.tolist(), key=lambda i: (values[i] == 0, values[i], i))
        mask[choice] = True
        changed = True
    return changed


def _check_counts(counts: pd.DataFrame, threshold: int) -> pd.DataFrame:
    if threshold < 1:
        raise ParameterError(f"threshold {threshold}; expected a whole number ≥ 1",
                             field="threshold")
    if not isinstance(counts, pd.DataFrame) or counts.empty:
        raise InputError("expected a non-empty DataFrame of counts", field="counts")
    values = counts.apply(pd.to_numeric, errors="coerce")
    bad = values.isna() | (values < 0) | (values % 1 != 0)
    if bad.to_numpy().any():
        row, col = np.argwhere(bad.to_numpy())[0]
        raise InputError(f"cell ({counts.index[row]!r}, {counts.columns[col]!r}) is "
                         f"{counts.iat[row, col]!r}; expected a whole number ≥ 0", field="counts")
    if TOTAL in counts.index or TOTAL in counts.columns:
        raise InputError(f"pass counts without a {TOTAL!r} row or column; totals are added here",
                         field="counts")
    return values.astype("int64")


def with_totals(values: pd.DataFrame) -> pd.DataFrame:
    """``values`` with a :data:`TOTAL` column (2+ columns) and row (2+ rows) added."""
    table = values.copy()
    if values.shape[1] > 1:
        table[TOTAL] = table.sum(axis=1)
    if values.shape[0] > 1:
        table.loc[TOTAL] = table.sum(axis=0)
    return table


def _lines(
    shape: tuple[int, int], *, has_row_total: bool, has_col_total: bool
) -> list[list[tuple[int, int, float]]]:
    """Each additive line as (row, col, coefficient): inner cells +1, its total −1."""
    n_rows, n_cols = shape
    lines = []
    if has_row_total:
        for i in range(n_rows):
            lines.append([(i, j, 1.0) for j in range(n_cols - 1)] + [(i, n_cols - 1, -1.0)])
    if has_col_total:
        for j in range(n_cols):
            lines.append([(i, j, 1.0) for i in range(n_rows - 1)] + [(n_rows - 1, j, -1.0)])
    return lines


def _priority(x: np.ndarray, i: int, j: int) -> tuple[bool, bool, float, int, int]:
    """Order of preference for a complementary cell: non-zero, inner, small, first."""
    total = i == x.shape[0] - 1 or j == x.shape[1] - 1
    return (x[i, j] == 0, total, x[i, j], i, j)


def _complete_lines(x: np.ndarray, mask: np.ndarray, lines: list, shape: tuple) -> bool:
    """Apply the one-suppressed-cell rule once over every line; True if a cell was added."""
    changed = False
    for line in lines:
        cells = [(i, j) for i, j, _ in line]
        if sum(mask[i, j] for i, j in cells) != 1:
            continue
        open_cells = [(i, j) for i, j in cells if not mask[i, j]]
        if open_cells:
            i, j = min(open_cells, key=lambda c: _priority(x, *c))
            mask[i, j] = True
            changed = True
    return changed


def _recoverable(shape: tuple[int, int], mask: np.ndarray, lines: list) -> list[tuple[int, int]]:
    unknown = [tuple(c) for c in np.argwhere(mask)]
    if not unknown or not lines:
        return [] if lines else unknown
    position = {cell: k for k, cell in enumerate(unknown)}
    a = np.zeros((len(lines), len(unknown)))
    for r, line in enumerate(lines):
        for i, j, coefficient in line:
            if (i, j) in position:
                a[r, position[(i, j)]] = coefficient
    free = null_space(a)
    determined = np.all(np.abs(free) < 1e-9, axis=1) if free.size else np.ones(len(unknown), bool)
    return sorted(unknown[k] for k in np.flatnonzero(determined))


def _break_recovery(x: np.ndarray, mask: np.ndarray, lines: list, target: tuple) -> None:
    """Suppress the most preferred extra cell that stops ``target`` being recoverable."""
    candidates = sorted((tuple(c) for c in np.argwhere(~mask)), key=lambda c: _priority(x, *c))
    for cell in candidates:
        trial = mask.copy()
        trial[cell] = True
        if target not in _recoverable(x.shape, trial, lines):
            mask[cell] = True
            return
    mask[:] = True  # nothing short of suppressing the whole table protects the cell
