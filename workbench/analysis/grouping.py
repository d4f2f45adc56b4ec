"""Grouping encounters by a clip column (ethnicity, age band, gender, power, outcome, ...)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.analysis.frames import CLIP_ID
from workbench.exceptions import ParameterError

#: The level of the overall rows (``group_var`` and ``group``).
OVERALL = "all"
#: The level that collects encounters with the grouping variable missing.
MISSING_GROUP = "(missing)"


def group_levels(clips: pd.DataFrame, group: str | None) -> pd.Series:
    """The level of ``group`` for each clip as strings, missing as ``"(missing)"``.

    Raises
    ------
    ParameterError
        if ``group`` is not a column of ``clips`` (the message lists the columns).
    """
    if group is None:
        return pd.Series(OVERALL, index=clips.index)
    if group not in clips.columns or group == CLIP_ID:
        options = ", ".join(c for c in clips.columns if c != CLIP_ID)
        raise ParameterError(f"group {group!r} is not a column of clips; expected one of "
                             f"{options}", field="group")
    values = clips[group].astype("object")
    return values.where(values.notna(), MISSING_GROUP).astype(str)


def group_members(clips: pd.DataFrame, group: str | None) -> list[tuple[str, str, pd.Index]]:
    """``(group_var, level, clip ids)``: the overall group first, then each level, sorted."""
    ids = pd.Index(clips[CLIP_ID], name=CLIP_ID)
    out = [(OVERALL, OVERALL, ids)]
    if group is not None:
        levels = group_levels(clips, group).to_numpy()
        for level in sorted(set(levels)):
            out.append((group, level, ids[np.asarray(levels == level)]))
    return out
