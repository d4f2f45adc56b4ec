"""A respect comparison in the style of Voigt et al. (2017, PNAS 114:6521).

Voigt et al. scored officers' utterances with a model trained on human respect ratings and
compared the scores by the driver's race, with officers as random effects. There are no human
respect ratings here, so the **respect score** is a transparent sum over the markers of
:mod:`workbench.assist.markers`, with the signs Voigt et al. report for the features
(their fig. 2 and SI table S2): +1 each for an apology, gratitude, a formal title, a
self-introduction, a reason, reassurance and a softened request ("please", "could you");
−1 each for a command, an informal title, swearing and a threat of force; plus VADER's
compound sentiment (−1 to 1). Questions and hedges are left out (their sign differs between
Voigt's respect and formality dimensions).

The comparison (:func:`respect_comparison`): per clip and speaker role (officer, subject),
the mean respect score and the share of turns with each marker; then per group of ``by`` (the
subject's **self-defined ethnicity** by default) the mean over clips with a t interval (clips
are the units, so turns of one encounter are not counted as independent; or officers, with
``cluster="lead_officer"``), and the difference from the reference group with a Welch
interval. A one-way ANOVA over the groups gives one
p-value per role and measure. Groups are then put through disclosure control
(:func:`workbench.privacy.disclosure.suppress_rows`): a group resting on fewer than
``threshold`` clips is shown as ``[c]``, and one more group of its line with it when the
"All" row would give it away.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from workbench.assist.features import marker_table
from workbench.exceptions import InputError, ParameterError
from workbench.privacy.disclosure import CONFIDENTIAL, DEFAULT_THRESHOLD, suppress_rows

#: Marker → weight in the respect score (VADER's compound sentiment is added with weight 1).
RESPECT_WEIGHTS: dict[str, float] = {
    "apology": 1.0, "gratitude": 1.0, "formal_address": 1.0, "self_introduction": 1.0,
    "reason": 1.0, "reassurance": 1.0, "softened_request": 1.0,
    "command": -1.0, "informal_address": -1.0, "swearing": -1.0, "threat_of_force": -1.0,
}
MEASURES: tuple[str, ...] = ("respect", *RESPECT_WEIGHTS)
ROLES = ("officer", "subject")
ALL = "All"
COLUMNS = ("role", "measure", "group", "clips", "units", "mean", "low", "high", "difference",
           "diff_low", "diff_high", "p_groups")
DISCLOSURE_VALUES = ("mean", "low", "high", "difference", "diff_low", "diff_high")


def respect_scores(utterances: pd.DataFrame) -> pd.DataFrame:
    """The markers of each turn and its ``respect`` score (same index as ``utterances``)."""
    table = marker_table(utterances)
    weights = pd.Series(RESPECT_WEIGHTS)
    table["respect"] = table[list(weights.index)].to_numpy() @ weights.to_numpy() \
        + table["sentiment"].to_numpy()
    return table


def clip_measures(utterances: pd.DataFrame) -> pd.DataFrame:
    """Per clip and role (officer, subject): ``turns`` and the mean of each of
    :data:`MEASURES` over its turns (a marker's mean is the share of turns with it)."""
    missing = [c for c in ("clip_id", "role", "text") if c not in utterances.columns]
    if missing:
        raise InputError(f"utterances: missing column(s) {', '.join(missing)}",
                         field=missing[0])
    turns = utterances[utterances["role"].isin(ROLES)]
    scores = respect_scores(turns).drop(columns=["clip_id"], errors="ignore")
    scored = pd.concat([turns[["clip_id", "role"]], scores[list(MEASURES)]], axis=1)
    out = scored.groupby(["clip_id", "role"], sort=True)[list(MEASURES)].mean()
    out.insert(0, "turns", scored.groupby(["clip_id", "role"], sort=True).size())
    return out.reset_index()


def mean_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and its t interval (NaN bounds with fewer than 2 values)."""
    n = len(values)
    m = float(np.mean(values)) if n else np.nan
    if n < 2:
        return m, np.nan, np.nan
    half = stats.t.ppf(0.5 + level / 2, n - 1) * np.std(values, ddof=1) / np.sqrt(n)
    return m, m - half, m + half


def welch_interval(a: np.ndarray, b: np.ndarray, level: float = 0.95
                   ) -> tuple[float, float, float]:
    """mean(a) − mean(b) and its Welch (unequal variances) t interval."""
    if len(a) < 2 or len(b) < 2:
        return float(np.mean(a) - np.mean(b)) if len(a) and len(b) else np.nan, np.nan, np.nan
    va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
    d = float(np.mean(a) - np.mean(b))
    se = np.sqrt(va + vb)
    if se == 0:
        return d, d, d
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    half = stats.t.ppf(0.5 + level / 2, df) * se
    return d, d - half, d + half


def respect_comparison(utterances: pd.DataFrame | None, clips: pd.DataFrame, *,
                       by: str = "ethnicity", reference: str | None = None,
                       threshold: int = DEFAULT_THRESHOLD, level: float = 0.95,
                       disclose: bool = True, measures: pd.DataFrame | None = None,
                       cluster: str | None = None) -> pd.DataFrame:
    """Respect score and markers by role and by ``by`` (see the module docstring).

    ``clips``: one row per clip with ``clip_id`` and ``by``; a missing value is the group
    "Not recorded". ``reference``: the group differences are taken from (default: the largest
    group). Returns :data:`COLUMNS`, an ``All`` row per role and measure; with ``disclose``
    small groups are ``[c]`` (:mod:`workbench.privacy.disclosure`). ``measures``: the
    :func:`clip_measures` of the utterances, if already computed (``utterances`` unused).
    ``cluster``: a clip column (e.g. ``lead_officer``) whose values are the units of the
    intervals and tests — the clip means are averaged per cluster first, so that one
    officer's many stops do not count as independent (Voigt et al. used officer random
    effects); ``units`` then counts clusters. Default: every clip is a unit.
    """
    for column in ("clip_id", by, *([cluster] if cluster else [])):
        if column not in clips.columns:
            raise ParameterError(f"clips: no '{column}' column; columns: "
                                 f"{', '.join(map(str, clips.columns))}",
                                 field="cluster" if column == cluster else "by")
    if not 0 < level < 1:
        raise ParameterError(f"level = {level}: expected a share between 0 and 1",
                             field="level")
    groups = clips.set_index(clips["clip_id"].astype(str))[by].astype(object)
    groups = groups.where(groups.notna(), "Not recorded").astype(str)
    if measures is None and utterances is None:
        raise ParameterError("give the utterances or their clip measures", field="utterances")
    per_clip = (clip_measures(utterances) if measures is None else measures).copy()
    per_clip["group"] = per_clip["clip_id"].astype(str).map(groups)
    per_clip = per_clip[per_clip["group"].notna()]
    units = per_clip["clip_id"].astype(str)
    if cluster:
        of = clips.set_index(clips["clip_id"].astype(str))[cluster].astype(str)
        units = units.map(of).fillna("(none)")
    per_clip["unit"] = units.to_numpy()
    sizes = per_clip.drop_duplicates("clip_id")["group"].value_counts()
    if sizes.empty:
        raise InputError("respect comparison: no clip of the utterances is in the clips table",
                         field="clip_id")
    ref = reference if reference is not None else str(sizes.sort_index().idxmax())
    if ref not in sizes.index:
        raise ParameterError(f"reference group '{ref}' not found; groups: "
                             f"{', '.join(sorted(sizes.index))}", field="reference")
    rows = []
    for role in ROLES:
        mine = per_clip[per_clip["role"] == role]
        n_clips = mine.groupby("group")["clip_id"].nunique()
        for measure in MEASURES:
            per_unit = mine.groupby(["group", "unit"], sort=True)[measure].mean()
            every = mine.groupby("unit", sort=True)[measure].mean()
            by_group = {g: part.to_numpy(dtype=float)
                        for g, part in per_unit.groupby(level="group", sort=True)}
            usable = [v for v in by_group.values() if len(v) >= 2]
            p = float(stats.f_oneway(*usable).pvalue) if len(usable) >= 2 else np.nan
            for group, values in [(ALL, every.to_numpy(dtype=float)), *by_group.items()]:
                m, lo, hi = mean_interval(values, level)
                d = (np.nan,) * 3 if group in (ALL, ref) or ref not in by_group else \
                    welch_interval(values, by_group[ref], level)
                rows.append({"role": role, "measure": measure, "group": group,
                             "clips": int(mine["clip_id"].nunique() if group == ALL
                                          else n_clips[group]),
                             "units": len(values), "mean": m, "low": lo, "high": hi,
                             "difference": d[0], "diff_low": d[1], "diff_high": d[2],
                             "p_groups": p})
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table.attrs["reference"] = ref
    if not disclose:
        return table
    out = suppress_rows(table, base_column="clips", value_columns=("units",
                                                                   *DISCLOSURE_VALUES),
                        threshold=threshold, base_lines=[["role", "measure"]])
    out.attrs["reference"] = ref
    out.attrs["confidential"] = CONFIDENTIAL
    return out
