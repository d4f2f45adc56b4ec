"""De-escalation effectiveness (study output 10): which tactics are followed by less resistance.

An officer turn is *at risk* when the subject's last coded resistance before it is above the
lowest level (compliant): only then can resistance drop. It is *followed by a drop* when any of
the next ``k`` coded subject resistance observations in the clip is lower than that level. For
each tactic the share of its at-risk occurrences followed by a drop is set against the base
rate over all at-risk officer turns, with Wilson 95% intervals. (Compare Todak & James 2018 on
humanising and calm officer behaviour.) Associations only: a drop after a tactic is not proof
that the tactic caused it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.analysis.behaviour import measure_turns, resistance_floor
from workbench.analysis.codes import DEESCALATION_TACTICS
from workbench.analysis.frames import CLIP_ID, ROLE, UTTERANCE_INDEX, Ranks, validate_frames
from workbench.analysis.proportions import add_rate_columns
from workbench.exceptions import ParameterError

ANY_TACTIC = "(any tactic)"
NO_TACTIC = "(no tactic)"
ALL_TURNS = "(all officer turns)"
#: ``suppress_rows(deescalation_effectiveness(...), **DISCLOSURE)`` to publish (rows overlap,
#: so there are no lines; counts are turns, not encounters).
DISCLOSURE: dict[str, object] = {
    "count_column": "drops", "base_column": "occurrences",
    "value_columns": ("pct", "pct_low", "pct_high", "difference"),
}


def tactic_outcomes(
    utterances: pd.DataFrame, codes: pd.DataFrame, ranks: Ranks, *, k: int = 2
) -> pd.DataFrame:
    """Every at-risk officer turn, whether resistance dropped within the next ``k`` observations.

    Returns
    -------
    DataFrame sorted by clip and turn: ``clip_id, utterance_index, prior_level`` (rank),
    ``next_min`` (lowest of the next ``k`` coded subject levels, NaN if none follow),
    ``dropped`` (``boolean``; NA if nothing follows), and one boolean column per tactic.
    """
    if k < 1:
        raise ParameterError(f"k {k}; expected a whole number ≥ 1", field="k")
    frames = validate_frames(utterances=utterances, codes=codes, ranks=ranks)
    turns = measure_turns(frames.utterances, frames.codes, ranks)
    floor = resistance_floor(ranks)
    parts = []
    for _, clip in turns.groupby(CLIP_ID, sort=True):
        observed = clip["resistance"].notna().to_numpy()
        positions = np.flatnonzero(observed)
        levels = clip["resistance"].to_numpy()[observed]
        officer = np.flatnonzero(clip[ROLE].eq("officer").to_numpy())
        later = np.searchsorted(positions, officer, side="right")
        prior = np.where(later > 0, levels[np.maximum(later - 1, 0)] if len(levels) else np.nan,
                         np.nan)
        at_risk = prior > floor
        next_min = np.array([levels[j:j + k].min() if j < len(levels) else np.nan
                             for j in later])
        rows = clip.iloc[officer[at_risk]][[CLIP_ID, UTTERANCE_INDEX, *DEESCALATION_TACTICS]]
        rows.insert(2, "prior_level", prior[at_risk])
        rows.insert(3, "next_min", next_min[at_risk])
        parts.append(rows)
    columns = [CLIP_ID, UTTERANCE_INDEX, "prior_level", "next_min", *DEESCALATION_TACTICS]
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    dropped = pd.Series(table["next_min"] < table["prior_level"], dtype="boolean")
    dropped[table["next_min"].isna().to_numpy()] = pd.NA
    table.insert(4, "dropped", dropped)
    return table.reset_index(drop=True)


def deescalation_effectiveness(
    utterances: pd.DataFrame, codes: pd.DataFrame, ranks: Ranks, *, k: int = 2,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Share of each tactic's at-risk occurrences followed by a drop in resistance.

    Returns
    -------
    DataFrame, one row per tactic, then ``(any tactic)``, ``(no tactic)`` and
    ``(all officer turns)``: ``tactic, occurrences`` (at risk and followed by a subject
    observation), ``drops, pct, pct_low, pct_high`` (percent, Wilson), ``base_pct`` (the
    ``(all officer turns)`` rate) and ``difference`` (``pct − base_pct``, percentage points).
    """
    outcomes = tactic_outcomes(utterances, codes, ranks, k=k)
    known = outcomes[outcomes["dropped"].notna()]
    dropped = known["dropped"].astype(bool)
    any_tactic = known[list(DEESCALATION_TACTICS)].any(axis=1)
    masks = {tactic: known[tactic].astype(bool) for tactic in DEESCALATION_TACTICS}
    masks |= {ANY_TACTIC: any_tactic, NO_TACTIC: ~any_tactic,
              ALL_TURNS: pd.Series(True, index=known.index)}
    rows = [{"tactic": name, "occurrences": int(mask.sum()),
             "drops": int((dropped & mask).sum())} for name, mask in masks.items()]
    table = add_rate_columns(pd.DataFrame(rows), "drops", "occurrences", confidence=confidence)
    table["base_pct"] = float(table.loc[table["tactic"] == ALL_TURNS, "pct"].iloc[0])
    table["difference"] = table["pct"] - table["base_pct"]
    return table
