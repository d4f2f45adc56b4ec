"""The per-code reliability table of a project: Krippendorff's alpha on the store's overlap work.

Which ratings count (Krippendorff 2011, "reliability data"): only coders whose assignment on
the clip is *done*, on clips that two or more such coders completed. Units and values per
level of the code (see :mod:`workbench.review.adjudication` for "absent"):

- nominal: every turn the code applies to (speaker role) — or the clip — rated
  present/absent by each coder; alpha at the nominal level.
- categorical: the option keys, plus "absent" at the utterance level (every applicable turn);
  nominal alpha.
- ordinal: the scale keys in order, with "absent" ranked below the lowest at the utterance
  level; ordinal alpha. ``not_applicable`` lies outside the order and counts as not rated.
- interval: the numbers as given, on the units someone rated; interval alpha.

- set-valued (``multiple: true``, codebook 1.2.0): one present/absent variable per option,
  ``code[option]``, on every applicable turn (:func:`workbench.reliability.set_codes.
  expand_set_codes`); nominal alpha. With ``masi=True`` also a row ``code (MASI)``: alpha of
  the whole sets with MASI distance (Passonneau 2006).

Coefficients, bootstrap intervals (units resampled; Hayes & Krippendorff 2007) and verdicts
(Krippendorff 2004: ≥ .800 acceptable, ≥ .667 tentative) come from
:func:`workbench.reliability.reports.code_report`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from workbench.model import AssignmentStatus, UnitType
from workbench.reliability.catalogue import value_or_nan
from workbench.reliability.coder_reports import drift_alerts, drift_report
from workbench.reliability.long_table import ABSENT
from workbench.reliability.reports import code_report, confusion_matrices
from workbench.reliability.resampling import resample_blocks
from workbench.reliability.set_codes import element_name, expand_set_codes, masi_alpha, set_data
from workbench.reliability.verdicts import ALPHA_TENTATIVE, alpha_verdict
from workbench.review.adjudication import absence_is_a_value, coder_ratings, counted_done
from workbench.store import Store

if TYPE_CHECKING:
    from workbench.codebook.book import Codebook
    from workbench.codebook.schema import Code

#: Level of measurement of Krippendorff's alpha for each codebook level.
ALPHA_LEVEL = {"nominal": "nominal", "categorical": "nominal", "ordinal": "ordinal",
               "interval": "interval"}
NO_DATA = "no data"
COLUMNS = ["code_id", "label", "group", "unit", "level", "alpha_level", "alpha", "ci_low",
           "ci_high", "n_units", "n_valid", "n_coders", "prevalence", "verdict"]
MASI = "MASI"


def is_set_code(code: Code) -> bool:
    """Whether a code holds a set of options per unit (codebook 1.2.0 ``multiple: true``)."""
    return bool(getattr(code, "multiple", False))


@dataclass(frozen=True)
class Variable:
    """One row of the table: a code, one element of a set code, or a set code by MASI."""

    variable_id: str
    code: Code
    element: str | None = None
    masi: bool = False

    @property
    def label(self) -> str:
        if self.element is not None:
            return f"{self.code.label}: {self.element}"
        return f"{self.code.label} (MASI)" if self.masi else self.code.label


def table_variables(codebook: Codebook, *, masi: bool = False) -> list[Variable]:
    """The rows of the table in codebook order: set codes give one row per option."""
    out = []
    for code in codebook.codes:
        if not is_set_code(code):
            out.append(Variable(code.id, code))
            continue
        out += [Variable(element_name(code.id, key), code, key) for key in code.option_keys()]
        if masi:
            out.append(Variable(f"{code.id} ({MASI})", code, masi=True))
    return out


def reliability_table(store: Store, codebook: Codebook, *, bootstrap: int = 1000,
                      seed: int = 0, coders: Sequence[str] | None = None,
                      confidence: float = 0.95, masi: bool = False) -> pd.DataFrame:
    """Krippendorff's alpha per code with its bootstrap interval, worst first.

    Parameters
    ----------
    bootstrap : resamples B for the percentile interval (0: no interval).
    seed : seed of the resampling (equal seeds, equal intervals).
    coders : only these coders' work (default: everyone's).
    confidence : coverage of the interval.
    masi : also a MASI-distance row for each set-valued code.

    Returns
    -------
    DataFrame, one row per code of the codebook (per option of a set code, see the module
    docstring): code_id, label, group, unit, level (the codebook's), alpha_level, alpha,
    ci_low, ci_high, n_units (units rated by ≥ 2 coders), n_valid (bootstrap resamples with a
    value), n_coders, prevalence (share of ratings other than absent / the lowest level), verdict
    ("acceptable", "tentative", "unreliable", "undefined" when the values do not vary, "no
    data" when no unit was rated twice). Sorted by alpha, undefined and no data first.
    """
    prepared = prepare(store, codebook, coders=coders, masi=masi)
    rows, levels, scales, set_rows = (prepared.rows, prepared.levels, prepared.scales,
                                      prepared.set_rows)
    report = code_report(prepared.usable, levels, scales=scales, extras=(),
                         n_resamples=bootstrap, seed=seed, confidence=confidence,
                         absent=ABSENT)
    report = report.set_index("code_id").reindex([v.variable_id for v in rows])
    for v in rows:
        if v.masi:
            report.loc[v.variable_id, MASI_COLUMNS] = _masi_row(set_rows, v.code.id, bootstrap,
                                                                seed, confidence)
    table = pd.DataFrame({
        "code_id": [v.variable_id for v in rows],
        "label": [v.label for v in rows],
        "group": [v.code.group for v in rows],
        "unit": [str(v.code.unit) for v in rows],
        "level": [v.code.level for v in rows],
        "alpha_level": ["masi" if v.masi else levels[v.variable_id] for v in rows],
        "alpha": report["estimate"].to_numpy(dtype=float),
        "ci_low": report["ci_low"].to_numpy(dtype=float),
        "ci_high": report["ci_high"].to_numpy(dtype=float),
        "n_units": report["n_units"].fillna(0).to_numpy(dtype=int),
        "n_valid": report["n_valid"].fillna(0).to_numpy(dtype=int),
        "n_coders": report["n_coders"].fillna(0).to_numpy(dtype=int),
        "prevalence": report["prevalence"].to_numpy(dtype=float),
        "verdict": report["verdict"].to_numpy(dtype=object),
    })
    table.loc[table["n_units"] == 0, "verdict"] = NO_DATA
    table["_no_data"] = table["n_units"] > 0
    table = table.sort_values(["_no_data", "alpha", "code_id"], na_position="first",
                              kind="stable")
    return table.drop(columns="_no_data").reset_index(drop=True)[COLUMNS]


@dataclass(frozen=True)
class Prepared:
    """The ratings of a project ready for the statistics: set codes expanded per element.

    usable : long table (unit, code_id, coder_id, value[, timestamp]) of the variables rated
        by two or more coders; levels, scales : per variable id; rows : the table's
        variables; set_rows : the set codes' rows before expansion (for MASI).
    """

    usable: pd.DataFrame
    levels: dict[str, str]
    scales: dict[str, list[str]]
    rows: list[Variable]
    set_rows: pd.DataFrame


def prepare(store: Store, codebook: Codebook, *, coders: Sequence[str] | None = None,
            masi: bool = False, timestamps: bool = False) -> Prepared:
    """`reliability_ratings` with set codes expanded, levels and scales per variable;
    ``timestamps`` adds each unit's time (its clip's latest completed assignment)."""
    long = reliability_ratings(store, codebook, coders=coders, timestamps=timestamps)
    rows = table_variables(codebook, masi=masi)
    sets = {c.id: c.option_keys() for c in codebook.codes if is_set_code(c)}
    set_rows = long.loc[long["code_id"].isin(list(sets))]
    long = expand_set_codes(long, sets, absent=ABSENT)
    per_code = long.groupby("code_id")["coder_id"].nunique()
    usable = long.loc[long["code_id"].isin(per_code.index[per_code >= 2])]
    levels = {v.variable_id: "nominal" if v.element else ALPHA_LEVEL[v.code.level]
              for v in rows if not v.masi}
    scales = {v.variable_id: ([ABSENT, "present"] if v.element else categories(v.code))
              for v in rows if not v.masi}
    scales = {k: list(s) for k, s in scales.items() if s is not None}
    return Prepared(usable, levels, scales, rows, set_rows)


def drift_table(store: Store, codebook: Codebook, *, by: str = "week",
                threshold: float = ALPHA_TENTATIVE, min_units: int = 5,
                coders: Sequence[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Agreement per code and period while coding is under way, and the drift alerts.

    A unit's period is the day/week/month in which the last of its coders completed the clip
    (:func:`workbench.reliability.coder_reports.drift_report`). Returns (drift, alerts):
    alerts are the codes whose alpha in their latest period with ≥ ``min_units`` units is
    below ``threshold`` (default .667, Krippendorff 2004's floor for tentative conclusions).
    """
    prepared = prepare(store, codebook, coders=coders, timestamps=True)
    if prepared.usable.empty:
        empty = drift_report(prepared.usable.assign(timestamp=pd.Series(dtype=str)), {})
        return empty, drift_alerts(empty, threshold=threshold)
    drift = drift_report(prepared.usable, prepared.levels, by=by, scales=prepared.scales)
    return drift, drift_alerts(drift, threshold=threshold, min_units=min_units)


def confusion_tables(store: Store, codebook: Codebook, *, codes: Sequence[str] | None = None,
                     coders: Sequence[str] | None = None
                     ) -> list[tuple[str, str, str, pd.DataFrame]]:
    """(variable id, coder_a, coder_b, counts) for each code and pair of coders on the
    project's overlap units (:func:`workbench.reliability.reports.confusion_matrices`)."""
    prepared = prepare(store, codebook, coders=coders)
    wanted = [c for c in (codes or prepared.levels) if c in set(prepared.usable["code_id"])]
    return confusion_matrices(prepared.usable, prepared.levels, scales=prepared.scales,
                              codes=wanted)


MASI_COLUMNS = ["estimate", "ci_low", "ci_high", "n_units", "n_valid", "n_coders",
                "prevalence", "verdict"]


def _masi_row(set_rows: pd.DataFrame, code_id: str, bootstrap: int, seed: int,
              confidence: float) -> list[object]:
    """Alpha with MASI distance of one set code, with a unit-bootstrap interval."""
    rows = set_rows.loc[set_rows["code_id"] == code_id]
    nothing = [float("nan")] * 3 + [0, 0, 0, float("nan"), NO_DATA]
    if rows["coder_id"].nunique() < 2:
        return nothing
    data = set_data(rows)
    if not data.pairable().any():
        return nothing
    pool = data.take(data.pairable())
    estimate = value_or_nan(masi_alpha, pool)
    replicates = np.array([value_or_nan(masi_alpha, pool.take(index))
                           for block in resample_blocks(pool.n_units, bootstrap, seed)
                           for index in block])
    valid = replicates[~np.isnan(replicates)] if bootstrap else replicates
    tail = (1.0 - confidence) / 2.0
    low, high = (np.quantile(valid, [tail, 1 - tail]) if valid.size else (np.nan, np.nan))
    counts = data.value_counts.sum(axis=0)
    empty = counts[data.labels.index(ABSENT)] if ABSENT in data.labels else 0
    return [estimate, float(low), float(high), pool.n_units, int(valid.size), data.n_coders,
            1.0 - empty / counts.sum(), alpha_verdict(estimate)]


def categories(code: Code) -> list[str] | None:
    """The categories alpha uses for a code (ordered for ordinal codes); None for interval."""
    keys = [o.key for o in code.scale] if code.level == "ordinal" else code.option_keys()
    if code.level == "interval":
        return None
    if code.level == "nominal":
        return [ABSENT, *keys]
    if absence_is_a_value(code) and ABSENT not in keys:
        return [ABSENT, *keys] if code.level == "ordinal" else [*keys, ABSENT]
    return keys


def reliability_ratings(store: Store, codebook: Codebook, *,
                        coders: Sequence[str] | None = None,
                        timestamps: bool = False) -> pd.DataFrame:
    """The ratings :func:`reliability_table` analyses, as a multi-code long table.

    Columns unit ("clip:turn" or "clip"), code_id, coder_id, value (and with ``timestamps``
    the time the last coder completed the unit's clip); see the module docstring for which
    units and values.
    """
    done = counted_done(store)
    if coders is not None:
        done = done.loc[done["coder_id"].isin(coders)]
    shared = done.groupby("clip_id")["coder_id"].transform("size") >= 2
    done = done.loc[shared]
    ratings = coder_ratings(store, codebook, coders=coders)
    ratings = ratings.loc[ratings["done"] & ratings["clip_id"].isin(done["clip_id"])]
    keys = ["clip_id", "utterance_index", "code_id", "coder_id"]
    absent = _absent_ratings(store, codebook, done)
    absent = absent.merge(ratings[keys], on=keys, how="left", indicator=True)
    absent = absent.loc[absent["_merge"] == "left_only", keys].assign(value=ABSENT)
    long = pd.concat([ratings[[*keys, "value"]], absent], ignore_index=True)
    not_applicable = {c.id: c.not_applicable.key for c in codebook.codes
                      if c.level == "ordinal" and c.not_applicable is not None}
    long = long.loc[long["value"] != long["code_id"].map(not_applicable)]
    index = long["utterance_index"]
    long["unit"] = long["clip_id"].astype(str).where(
        index.isna(), long["clip_id"].astype(str) + ":" + index.astype("string"))
    columns = ["unit", "code_id", "coder_id", "value"]
    if timestamps:
        finished = pd.DataFrame([(a.clip_id, a.coder_id, a.updated_at)
                                 for a in store.assignments()
                                 if a.status == AssignmentStatus.DONE and a.updated_at],
                                columns=["clip_id", "coder_id", "timestamp"])
        finished = finished.merge(done, on=["clip_id", "coder_id"])  # counted work only
        latest = finished.groupby("clip_id")["timestamp"].max()
        long["timestamp"] = long["clip_id"].map(latest)
        columns.append("timestamp")
    return long[columns].reset_index(drop=True)


def _absent_ratings(store: Store, codebook: Codebook, done: pd.DataFrame) -> pd.DataFrame:
    """(clip, turn, code, coder) for every unit a done coder could have coded, for the
    codes whose absence is a rating: turns by the roles the code applies to, or the clip."""
    keys = ["clip_id", "utterance_index", "code_id", "coder_id"]
    parts = []
    turns = store.utterances_frame()
    turns = turns.loc[turns["clip_id"].isin(done["clip_id"]), ["clip_id", "utterance_index",
                                                               "role"]]
    for code in codebook.codes:
        if not absence_is_a_value(code):
            continue
        if code.unit == UnitType.CLIP:
            units = done[["clip_id"]].drop_duplicates().assign(utterance_index=pd.NA)
        else:
            units = turns.loc[turns["role"].map(code.applies_to_role),
                              ["clip_id", "utterance_index"]]
        parts.append(units.assign(code_id=code.id))
    if not parts:
        return pd.DataFrame(columns=keys)
    units = pd.concat(parts, ignore_index=True)
    units["utterance_index"] = units["utterance_index"].astype("Int64")
    return units.merge(done, on="clip_id")[keys]
