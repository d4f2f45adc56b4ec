"""Escalation dynamics (study output 6): per-clip series and a rule-based trajectory typology.

The series sets the subject's resistance (rank of ``subj_resistance`` on subject turns, carried
forward between them) against the officer's balance of escalation moves minus de-escalation
tactics, per turn and cumulated (see :mod:`workbench.analysis.behaviour`).

The typology reads only the resistance series (coded subject turns in order), with the
lowest level (compliant) as *floor* and a *surge* level (default: passive, the first
physical resistance). A *surge* is the series reaching the surge level from below it (or
starting at or above it). Rules, first match wins:

=============================  =======================================================
never above the floor          ``calm``
two surges or more             ``volatile``
starts at its peak, ends lower ``de_escalated``
rises, ends at or below start  ``escalated_then_resolved``
ends above its start           ``escalated``
otherwise (flat, or dips and   ``escalated`` if it reached the surge level, else ``calm``
returns to its start)          (verbal refusal only)
=============================  =======================================================

An encounter with no resistance coded gets NA.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbench.analysis.behaviour import measure_turns, resistance_floor
from workbench.analysis.codes import RESISTANCE, TRAJECTORY
from workbench.analysis.frames import CLIP_ID, UTTERANCE_INDEX, Ranks, clip_values, validate_frames
from workbench.exceptions import ParameterError

TYPES: tuple[str, ...] = ("calm", "escalated", "de_escalated", "escalated_then_resolved",
                          "volatile")


def trajectory_series(utterances: pd.DataFrame, codes: pd.DataFrame, ranks: Ranks) -> pd.DataFrame:
    """Per-turn escalation series for every clip.

    Returns
    -------
    DataFrame sorted by clip and turn: ``clip_id, utterance_index, start`` (s), ``role``,
    ``resistance`` (rank on coded subject turns, else NaN), ``resistance_level`` (carried
    forward within the clip; NaN before the first coded subject turn), ``escalation``,
    ``deescalation``, ``balance`` (per turn, officer turns) and ``cumulative_escalation``,
    ``cumulative_deescalation``, ``cumulative_balance`` (running sums within the clip).
    """
    frames = validate_frames(utterances=utterances, codes=codes, ranks=ranks)
    turns = measure_turns(frames.utterances, frames.codes, ranks)
    by_clip = turns.groupby(CLIP_ID, sort=False)
    out = turns[[CLIP_ID, UTTERANCE_INDEX, "start", "role", "resistance", "escalation",
                 "deescalation", "balance"]].copy()
    out.insert(5, "resistance_level", by_clip["resistance"].ffill())
    for column in ("escalation", "deescalation", "balance"):
        out[f"cumulative_{column}"] = by_clip[column].cumsum()
    return out.reset_index(drop=True)


def classify_trajectory(
    levels: Sequence[float], floor: float = 0.0, surge: float | None = None
) -> str | None:
    """The trajectory type of one resistance series (see the module docstring).

    ``surge`` defaults to ``floor + 1`` (any resistance).

    >>> classify_trajectory([0, 0, 2, 3, 0], surge=2)
    'escalated_then_resolved'
    >>> classify_trajectory([0, 2, 0, 3, 1], surge=2)
    'volatile'
    """
    series = [float(x) for x in levels if not np.isnan(x)]
    if not series:
        return None
    surge = floor + 1 if surge is None else surge
    start, end, peak = series[0], series[-1], max(series)
    if peak <= floor:
        return "calm"
    surges = int(start >= surge) + sum(a < surge <= b for a, b in itertools.pairwise(series))
    if surges >= 2:
        return "volatile"
    if start == peak and end < start:
        return "de_escalated"
    if peak > start and end <= start:
        return "escalated_then_resolved"
    if end > start or peak >= surge:
        return "escalated"
    return "calm"


def trajectory_typology(
    utterances: pd.DataFrame, codes: pd.DataFrame, ranks: Ranks, *, surge: str = "passive"
) -> pd.DataFrame:
    """Rule-based trajectory type of every clip, beside the coded ``out_trajectory``.

    ``surge`` is the ``subj_resistance`` option whose rank is the surge level.

    Returns
    -------
    DataFrame indexed by ``clip_id``: ``points`` (coded subject turns), ``start_level``,
    ``peak_level``, ``end_level`` (ranks), ``changes`` (level changes), ``trajectory`` (one of
    :data:`TYPES`, NA without resistance codes), ``coded`` (``out_trajectory`` where coded) and
    ``agrees`` (NA where either is missing).
    """
    frames = validate_frames(utterances=utterances, codes=codes, ranks=ranks)
    turns = measure_turns(frames.utterances, frames.codes, ranks)
    floor = resistance_floor(ranks)
    if surge not in ranks[RESISTANCE]:
        raise ParameterError(f"surge {surge!r}; expected one of "
                             f"{', '.join(ranks[RESISTANCE])}", field="surge")
    surge_level = float(ranks[RESISTANCE][surge])
    rows = []
    for clip_id, clip in turns.groupby(CLIP_ID, sort=True):
        series = clip["resistance"].dropna().to_numpy()
        rows.append({
            CLIP_ID: clip_id,
            "points": len(series),
            "start_level": series[0] if len(series) else np.nan,
            "peak_level": series.max() if len(series) else np.nan,
            "end_level": series[-1] if len(series) else np.nan,
            "changes": int(np.count_nonzero(np.diff(series))) if len(series) else 0,
            "trajectory": classify_trajectory(series, floor, surge_level),
        })
    table = pd.DataFrame(rows).set_index(CLIP_ID)
    table["trajectory"] = table["trajectory"].astype("object").where(
        table["trajectory"].notna(), pd.NA)
    table["coded"] = clip_values(frames.codes, TRAJECTORY).reindex(table.index)
    both = table["trajectory"].notna() & table["coded"].notna()
    agrees = pd.Series(table["trajectory"] == table["coded"], index=table.index)
    table["agrees"] = agrees.astype("boolean").where(both, pd.NA)
    return table
