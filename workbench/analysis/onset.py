"""Time to first resistance (study output 9): seconds from first contact to the first subject
turn coded above compliant.

The clock starts at the start of the clip's first utterance (the first recorded contact). An
encounter with no resistance is censored at the end of its last utterance. The summary gives
the quartiles among encounters with resistance and the Kaplan–Meier median over all of them
(Kaplan & Meier 1958; statsmodels ``SurvfuncRight``), which accounts for the censored ones.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import SurvfuncRight

from workbench.analysis.behaviour import measure_turns, resistance_floor
from workbench.analysis.frames import CLIP_ID, Ranks, validate_frames
from workbench.analysis.grouping import group_members

#: ``suppress_rows(time_to_first_resistance(...), **DISCLOSURE)`` to publish.
DISCLOSURE: dict[str, object] = {
    "count_column": "resisted", "base_column": "clips",
    "value_columns": ("median_s", "q1_s", "q3_s", "mean_s", "km_median_s"),
    "count_lines": ((),), "base_lines": ((),),
}


def resistance_onset(utterances: pd.DataFrame, codes: pd.DataFrame, ranks: Ranks) -> pd.DataFrame:
    """Per encounter: seconds to the first resistance, or to the end if there was none.

    Returns
    -------
    DataFrame indexed by ``clip_id``: ``seconds`` (float, s) and ``resisted`` (bool; False
    means censored at the last utterance's end).
    """
    frames = validate_frames(utterances=utterances, codes=codes, ranks=ranks)
    turns = measure_turns(frames.utterances, frames.codes, ranks)
    floor = resistance_floor(ranks)
    by_clip = turns.groupby(CLIP_ID, sort=True)
    origin = by_clip["start"].min().astype(float)
    end = by_clip["end"].max().astype(float)
    resisting = turns.loc[turns["resistance"] > floor, [CLIP_ID, "start"]]
    first = (resisting.drop_duplicates(CLIP_ID, keep="first")  # the first in turn order
             .set_index(CLIP_ID)["start"].reindex(origin.index).astype(float))
    resisted = pd.Series(origin.index.isin(resisting[CLIP_ID]), index=origin.index)
    seconds = first.where(resisted, end) - origin
    return pd.DataFrame({"seconds": seconds.astype(float), "resisted": resisted.astype(bool)},
                        index=origin.index.rename(CLIP_ID))


def time_to_first_resistance(
    clips: pd.DataFrame, utterances: pd.DataFrame, codes: pd.DataFrame, ranks: Ranks, *,
    group: str | None = None,
) -> pd.DataFrame:
    """Summary of :func:`resistance_onset`, overall and by ``group``.

    Returns
    -------
    DataFrame ``group_var, group, clips, resisted, median_s, q1_s, q3_s, mean_s`` (among
    encounters with resistance) and ``km_median_s`` (Kaplan–Meier median over all encounters;
    NaN when fewer than half ever resist).
    """
    frames = validate_frames(clips, utterances, codes, ranks=ranks)
    onset = resistance_onset(frames.utterances, frames.codes, ranks)
    rows = []
    for group_var, level, members in group_members(frames.clips, group):
        subset = onset.reindex(members).dropna()
        seconds = subset.loc[subset["resisted"].astype(bool), "seconds"]
        row = {"group_var": group_var, "group": level, "clips": len(subset),
               "resisted": len(seconds), "median_s": np.nan, "q1_s": np.nan,
               "q3_s": np.nan, "mean_s": np.nan, "km_median_s": np.nan}
        if len(seconds):
            row |= {"median_s": seconds.median(), "q1_s": seconds.quantile(0.25),
                    "q3_s": seconds.quantile(0.75), "mean_s": seconds.mean()}
            survival = SurvfuncRight(subset["seconds"].to_numpy(dtype=float),
                                     subset["resisted"].to_numpy(dtype=float))
            below = np.flatnonzero(survival.surv_prob <= 0.5)
            if below.size:
                row["km_median_s"] = float(survival.surv_times[below[0]])
        rows.append(row)
    return pd.DataFrame(rows)
