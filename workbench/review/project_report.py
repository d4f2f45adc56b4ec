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

Coefficients, bootstrap intervals (units resampled; Hayes & Krippendorff 2007) and verdicts
(Krippendorff 2004: ≥ .800 acceptable, ≥ .667 tentative) come from
:func:`workbench.reliability.reports.code_report`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from workbench.model import UnitType
from workbench.reliability.long_table import ABSENT
from workbench.reliability.reports import code_report
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
           "ci_high", "n_units", "n_coders", "prevalence", "verdict"]


def reliability_table(store: Store, codebook: Codebook, *, bootstrap: int = 1000,
                      seed: int = 0, coders: Sequence[str] | None = None,
                      confidence: float = 0.95) -> pd.DataFrame:
    """Krippendorff's alpha per code with its bootstrap interval, worst first.

    Parameters
    ----------
    bootstrap : resamples B for the percentile interval (0: no interval).
    seed : seed of the resampling (equal seeds, equal intervals).
    coders : only these coders' work (default: everyone's).
    confidence : coverage of the interval.

    Returns
    -------
    DataFrame, one row per code of the codebook: code_id, label, group, unit, level (the
    codebook's), alpha_level, alpha, ci_low, ci_high, n_units (units rated by ≥ 2 coders),
    n_coders, prevalence (share of ratings other than absent / the lowest level), verdict
    ("acceptable", "tentative", "unreliable", "undefined" when the values do not vary, "no
    data" when no unit was rated twice). Sorted by alpha, undefined and no data first.
    """
    long = reliability_ratings(store, codebook, coders=coders)
    per_code = long.groupby("code_id")["coder_id"].nunique()
    usable = long.loc[long["code_id"].isin(per_code.index[per_code >= 2])]
    levels = {c.id: ALPHA_LEVEL[c.level] for c in codebook.codes}
    scales = {c.id: list(s) for c in codebook.codes if (s := categories(c)) is not None}
    report = code_report(usable, levels, scales=scales, extras=(), n_resamples=bootstrap,
                         seed=seed, confidence=confidence, absent=ABSENT)
    report = report.set_index("code_id").reindex(codebook.code_ids)
    table = pd.DataFrame({
        "code_id": codebook.code_ids,
        "label": [c.label for c in codebook.codes],
        "group": [c.group for c in codebook.codes],
        "unit": [str(c.unit) for c in codebook.codes],
        "level": [c.level for c in codebook.codes],
        "alpha_level": [levels[c.id] for c in codebook.codes],
        "alpha": report["estimate"].to_numpy(dtype=float),
        "ci_low": report["ci_low"].to_numpy(dtype=float),
        "ci_high": report["ci_high"].to_numpy(dtype=float),
        "n_units": report["n_units"].fillna(0).to_numpy(dtype=int),
        "n_coders": report["n_coders"].fillna(0).to_numpy(dtype=int),
        "prevalence": report["prevalence"].to_numpy(dtype=float),
        "verdict": report["verdict"].to_numpy(dtype=object),
    })
    table.loc[table["n_units"] == 0, "verdict"] = NO_DATA
    table["_no_data"] = table["n_units"] > 0
    table = table.sort_values(["_no_data", "alpha", "code_id"], na_position="first",
                              kind="stable")
    return table.drop(columns="_no_data").reset_index(drop=True)[COLUMNS]


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
                        coders: Sequence[str] | None = None) -> pd.DataFrame:
    """The ratings :func:`reliability_table` analyses, as a multi-code long table.

    Columns unit ("clip:turn" or "clip"), code_id, coder_id, value; see the module docstring
    for which units and values.
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
    return long[["unit", "code_id", "coder_id", "value"]].reset_index(drop=True)


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
