"""Procedural-justice (and other derived) scores by group (study output 4), disclosure applied.

The scores themselves come from the codebook's derived measures (``workbench.codebook``
``compute_derived``): a frame with ``clip_id`` and one numeric column per measure (e.g. the
four dimensions on 0–100, comparable with Nawaz & Tankebe 2018: voice 94, explanation 65,
respect 71, trustworthy motives 47).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from workbench.analysis.frames import CLIP_ID, validate_frames
from workbench.analysis.grouping import group_members
from workbench.exceptions import InputError, ParameterError
from workbench.privacy.disclosure import CONFIDENTIAL, DEFAULT_THRESHOLD, suppress_rows


def scores_by_group(
    derived: pd.DataFrame, clips: pd.DataFrame, group: str | None, *,
    measures: Sequence[str] | None = None, threshold: int | None = DEFAULT_THRESHOLD,
    marker: str = CONFIDENTIAL,
) -> pd.DataFrame:
    """Mean, standard deviation (ddof 1) and n of each measure, overall and by ``group``.

    Parameters
    ----------
    derived : one row per clip: a ``clip_id`` column or index (as ``compute_derived``
        returns it) and numeric measure columns.
    group : a column of ``clips``, or None for the overall rows only.
    measures : the columns to summarise (default: every numeric column but ``clip_id``).
    threshold : n under it is confidential: n, mean and SD become ``marker``, and one more
        group per measure is suppressed when needed so that the overall n and mean cannot
        reveal it. ``None`` returns the raw numbers.

    Returns
    -------
    DataFrame ``group_var, group, measure, n, mean, sd`` (overall rows first).
    """
    if isinstance(derived, pd.DataFrame) and CLIP_ID not in derived.columns \
            and derived.index.name == CLIP_ID:
        derived = derived.reset_index()  # as compute_derived returns it
    if not isinstance(derived, pd.DataFrame) or CLIP_ID not in derived.columns:
        raise InputError("expected a DataFrame with a clip_id column or index", field="derived")
    if derived[CLIP_ID].duplicated().any():
        raise InputError("clip_id appears twice; expected one row per clip",
                         field="derived.clip_id")
    clips = validate_frames(clips).clips
    if measures is None:
        measures = [c for c in derived.select_dtypes("number").columns if c != CLIP_ID]
    unknown = [m for m in measures if m not in derived.columns]
    if unknown:
        raise ParameterError(f"measure(s) {', '.join(unknown)} not in derived; columns: "
                             f"{', '.join(map(str, derived.columns))}", field="measures")
    values = derived.assign(**{CLIP_ID: derived[CLIP_ID].astype(str)}).set_index(CLIP_ID)
    rows = []
    for group_var, level, members in group_members(clips, group):
        subset = values.reindex(members)
        for measure in measures:
            column = pd.to_numeric(subset[measure], errors="coerce").dropna()
            rows.append({"group_var": group_var, "group": level, "measure": measure,
                         "n": len(column), "mean": column.mean() if len(column) else float("nan"),
                         "sd": column.std(ddof=1) if len(column) > 1 else float("nan")})
    table = pd.DataFrame(rows, columns=["group_var", "group", "measure", "n", "mean", "sd"])
    if threshold is None:
        return table
    return suppress_rows(table, base_column="n", value_columns=["mean", "sd"],
                         threshold=threshold, base_lines=[["measure"]], marker=marker)
