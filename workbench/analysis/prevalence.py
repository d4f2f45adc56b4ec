"""Prevalence of every code, overall and by a grouping variable (study output 2).

For an utterance-level code and option: the percentage of encounters with at least one turn
coded with it, and its rate per 100 turns of the role it applies to (officer turns for officer
codes, subject turns for subject codes, all turns for codes that apply to anyone). For a
clip-level code and option: the percentage of encounters coded with that value, among the
encounters with any value for the code. Intervals are Wilson 95% (Wilson 1927; Newcombe 1998).

The tables hold raw counts: pass them through :mod:`workbench.privacy.disclosure` before
publishing.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from workbench.analysis.codes import STOP_SEARCH, CodeScope
from workbench.analysis.frames import (
    CLIP_ID,
    CODE_ID,
    ROLE,
    UTTERANCE_INDEX,
    VALUE,
    validate_frames,
)
from workbench.analysis.grouping import group_members
from workbench.analysis.proportions import add_rate_columns

COLUMNS: tuple[str, ...] = (
    "group_var", "group", "code_id", "unit", "applies_to", "value", "clips", "clips_with",
    "pct", "pct_low", "pct_high", "turn_role", "turns", "coded_turns", "rate_per_100_turns",
)
#: How to publish the table: ``suppress_rows(table, **DISCLOSURE, threshold=10)``. Lines: the
#: levels of the group with the overall row, per code and option; the options of a code within
#: a group (a partition for clip codes; for utterance codes it can only over-suppress).
DISCLOSURE: dict[str, object] = {
    "count_column": "clips_with", "base_column": "clips",
    "value_columns": ("pct", "pct_low", "pct_high", "coded_turns", "rate_per_100_turns"),
    "count_lines": (("code_id", "value"), ("group_var", "group", "code_id")),
    "base_lines": (("code_id", "value"),),
}


def prevalence_table(
    clips: pd.DataFrame,
    utterances: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    group: str | None = None,
    scopes: Mapping[str, CodeScope] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Prevalence of every code and option, overall and (optionally) by ``group``.

    Parameters
    ----------
    clips, utterances, codes : the frames of :mod:`workbench.analysis.frames`.
    group : a column of ``clips`` (e.g. ``ethnicity``, ``age_band``, ``power``); missing values
        form the level ``"(missing)"``.
    scopes : code id → :class:`CodeScope`; default the ``stop-search`` 1.0.0 codes. Codes in the
        data but not in ``scopes`` are added (unit from ``utterance_index``, applies to any).

    Returns
    -------
    DataFrame with :data:`COLUMNS`: ``clips`` (encounters in the denominator), ``clips_with``,
    ``pct`` with Wilson ``pct_low``/``pct_high`` (percent), ``turns`` of ``turn_role`` and
    ``rate_per_100_turns`` (utterance codes only). Overall rows have ``group_var == "all"``.
    Sorted by group, then code in scope order, then option in scale order.
    """
    frames = validate_frames(clips, utterances, codes)
    clips, utterances, codes = frames.clips, frames.utterances, frames.codes
    scope_map = _complete_scopes(dict(scopes if scopes is not None else STOP_SEARCH), codes)
    parts = [
        _prevalence_for(members, utterances, codes, scope_map, group_var, level, confidence)
        for group_var, level, members in group_members(clips, group)
    ]
    return pd.concat(parts, ignore_index=True)[list(COLUMNS)]


def _complete_scopes(scopes: dict[str, CodeScope], codes: pd.DataFrame) -> dict[str, CodeScope]:
    for code_id, rows in codes.groupby(CODE_ID, sort=True):
        observed = tuple(sorted(rows[VALUE].unique()))
        if code_id not in scopes:
            unit = "clip" if rows[UTTERANCE_INDEX].isna().all() else "utterance"
            scopes[code_id] = CodeScope(unit, "any", observed)
        else:
            known = scopes[code_id]
            extra = tuple(v for v in observed if v not in known.options)
            if extra:
                scopes[code_id] = CodeScope(known.unit, known.applies_to, known.options + extra)
    return scopes


def _prevalence_for(
    members: pd.Series,
    utterances: pd.DataFrame,
    codes: pd.DataFrame,
    scopes: Mapping[str, CodeScope],
    group_var: str,
    level: str,
    confidence: float,
) -> pd.DataFrame:
    member_set = set(members)
    codes = codes[codes[CLIP_ID].isin(member_set)]
    utts = utterances[utterances[CLIP_ID].isin(member_set)]
    turns_by_role = utts[ROLE].value_counts()
    turn_rows = codes[codes[UTTERANCE_INDEX].notna()]
    clip_rows = codes[codes[UTTERANCE_INDEX].isna()]
    turn_hits = turn_rows.groupby([CODE_ID, VALUE]).agg(
        clips_with=(CLIP_ID, "nunique"), coded_turns=(CLIP_ID, "size"))
    clip_hits = clip_rows.groupby([CODE_ID, VALUE])[CLIP_ID].nunique()
    clip_bases = clip_rows.groupby(CODE_ID)[CLIP_ID].nunique()
    records = []
    for code_id, scope in scopes.items():
        for value in scope.options:
            key = (code_id, value)
            record = {"group_var": group_var, "group": level, "code_id": code_id,
                      "unit": scope.unit, "applies_to": scope.applies_to, "value": value}
            if scope.unit == "clip":
                record |= {"clips": int(clip_bases.get(code_id, 0)),
                           "clips_with": int(clip_hits.get(key, 0)), "turn_role": pd.NA,
                           "turns": np.nan, "coded_turns": np.nan}
            else:
                role = scope.applies_to
                turns = int(len(utts) if role == "any" else turns_by_role.get(role, 0))
                hits = turn_hits.loc[key] if key in turn_hits.index else None
                record |= {"clips": len(member_set),
                           "clips_with": int(hits["clips_with"]) if hits is not None else 0,
                           "turn_role": "all" if role == "any" else role, "turns": turns,
                           "coded_turns": int(hits["coded_turns"]) if hits is not None else 0}
            records.append(record)
    table = add_rate_columns(pd.DataFrame.from_records(records), "clips_with", "clips",
                             confidence=confidence)
    turns = table["turns"].to_numpy(dtype=float)
    coded = table["coded_turns"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["rate_per_100_turns"] = np.where(turns > 0, 100 * coded / turns, np.nan)
    return table
