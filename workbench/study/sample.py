"""Sample and coverage tables (study output 1), and small group summaries the sections share.

Pure functions of a :class:`~workbench.study.data.StudyData` bundle (or its frames); the
tables hold raw counts and are published through :meth:`StudyOutputs.table`, which applies
disclosure control. Percentages carry Wilson 95% intervals
(:func:`workbench.analysis.proportions.add_rate_columns`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbench.analysis.frames import CLIP_ID, DURATION, ROLE, Ranks, clip_values
from workbench.analysis.grouping import group_members
from workbench.analysis.outcomes import escalated_outcome
from workbench.analysis.proportions import add_rate_columns
from workbench.study.data import REASONS, StudyData

#: Clip length bands (minutes, left-closed): labels and lower edges.
DURATION_BANDS: tuple[tuple[str, float], ...] = (
    ("under 5 min", 0.0), ("5–10 min", 5.0), ("10–15 min", 10.0), ("15–20 min", 15.0),
    ("20 min or more", 20.0),
)


def sample_flow(data: StudyData) -> pd.DataFrame:
    """From the clips in the store to the clips analysed.

    Returns
    -------
    DataFrame ``step, part, clips``: ``in the store`` (part ``start``), one row per exclusion
    reason (part ``excluded``; the rows add up to store − analysed), ``analysed`` (``end``).
    """
    reasons = data.exclusions["reason"].value_counts()
    rows = [{"step": "in the store", "part": "start", "clips": data.store_clips}]
    rows += [{"step": f"excluded: {reason}", "part": "excluded",
              "clips": int(reasons.get(reason, 0))} for reason in REASONS]
    rows.append({"step": "analysed", "part": "end", "clips": len(data.clips)})
    return pd.DataFrame(rows)


def sample_summary(data: StudyData) -> pd.DataFrame:
    """Size of the analysed sample: clips, turns by role, minutes.

    Returns
    -------
    DataFrame ``measure, value``; minutes are totals and medians of clip duration (s / 60).
    """
    minutes = pd.to_numeric(data.clips[DURATION], errors="coerce") / 60
    roles = data.utterances[ROLE].value_counts()
    rows = [("clips", len(data.clips)), ("utterances", len(data.utterances))]
    rows += [(f"{role} turns", int(roles.get(role, 0)))
             for role in ("officer", "subject", "third_party", "unknown")]
    rows += [("clips with a duration", int(minutes.notna().sum())),
             ("total minutes", float(minutes.sum())),
             ("median minutes per clip", float(minutes.median()) if minutes.notna().any()
              else np.nan)]
    return pd.DataFrame({"measure": [m for m, _ in rows],
                         "value": pd.Series([v for _, v in rows], dtype=object)})


def sample_by_group(clips: pd.DataFrame, group: str) -> pd.DataFrame:
    """Clips, share of the sample and minutes per level of ``group``.

    Returns
    -------
    DataFrame ``group_var, group, clips, pct, pct_low, pct_high, minutes, median_minutes``
    (overall row first; ``pct`` of all analysed clips).
    """
    minutes = pd.to_numeric(clips.set_index(CLIP_ID)[DURATION], errors="coerce") / 60
    rows = []
    for group_var, level, members in group_members(clips, group):
        m = minutes.reindex(members)
        rows.append({"group_var": group_var, "group": level, "clips": len(members),
                     "total": len(clips), "minutes": float(m.sum()),
                     "median_minutes": float(m.median()) if m.notna().any() else np.nan})
    table = add_rate_columns(pd.DataFrame(rows), "clips", "total")
    return table.drop(columns="total")[["group_var", "group", "clips", "pct", "pct_low",
                                        "pct_high", "minutes", "median_minutes"]]


def duration_bands(clips: pd.DataFrame) -> pd.DataFrame:
    """Clips per length band (:data:`DURATION_BANDS`) with Wilson intervals of the share.

    Returns
    -------
    DataFrame ``band, clips, pct, pct_low, pct_high`` in band order (clips without a
    duration are left out).
    """
    minutes = (pd.to_numeric(clips[DURATION], errors="coerce") / 60).dropna()
    edges = [low for _, low in DURATION_BANDS] + [np.inf]
    band = pd.cut(minutes, edges, right=False, labels=[label for label, _ in DURATION_BANDS])
    counts = band.value_counts().reindex([label for label, _ in DURATION_BANDS], fill_value=0)
    table = pd.DataFrame({"band": counts.index.astype(str), "clips": counts.to_numpy(),
                          "total": len(minutes)})
    return add_rate_columns(table, "clips", "total").drop(columns="total")


def distribution(values: pd.Series, options: Sequence[str] = (),
                 name: str = "value") -> pd.DataFrame:
    """Clips per value of one clip-level variable (options first, in the order given).

    Returns
    -------
    DataFrame ``<name>, clips, pct, pct_low, pct_high``; a last row ``(missing)`` counts
    clips without a value (not in the percentage base).
    """
    known = values.dropna().astype(str)
    order = [*options, *sorted(set(known) - set(options))]
    counts = known.value_counts().reindex(order, fill_value=0)
    table = pd.DataFrame({name: order, "clips": counts.to_numpy(), "total": len(known)})
    table = add_rate_columns(table, "clips", "total").drop(columns="total")
    missing = pd.DataFrame({name: ["(missing)"], "clips": [int(values.isna().sum())]})
    return pd.concat([table, missing], ignore_index=True)


def code_distribution(data: StudyData, code_id: str) -> pd.DataFrame:
    """:func:`distribution` of a clip-level code over the analysed clips (codebook order)."""
    values = clip_values(data.codes, code_id).reindex(data.clips[CLIP_ID])
    return distribution(values, data.codebook.option_keys(code_id), name=code_id)


def escalated_by_group(clips: pd.DataFrame, codes: pd.DataFrame, ranks: Ranks,
                       group: str | None) -> pd.DataFrame:
    """Share of encounters with an escalated outcome, overall and by ``group``.

    See :func:`workbench.analysis.outcomes.escalated_outcome` for the definition; encounters
    without outcome codes are left out of the base.

    Returns
    -------
    DataFrame ``group_var, group, clips, escalated, pct, pct_low, pct_high``.
    """
    flags = escalated_outcome(codes, ranks, clips[CLIP_ID])
    rows = []
    for group_var, level, members in group_members(clips, group):
        known = flags.reindex(members).dropna().astype(bool)
        rows.append({"group_var": group_var, "group": level, "clips": len(known),
                     "escalated": int(known.sum())})
    return add_rate_columns(pd.DataFrame(rows), "escalated", "clips")
