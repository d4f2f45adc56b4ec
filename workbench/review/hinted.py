"""Hinted against unhinted coding: the quality review's blind layer as the yardstick.

An original value "came from a hint" when the coder's active annotation was recorded with
``from_hint`` (an accepted assistance hint, :mod:`workbench.coding.hints`); every other unit
(coded by hand, or left uncoded, which counts as "absent") is unhinted. The review layer is
re-coded blind with hints off (ROUND2 "Honest evaluation of assistance"), so comparing the
original with the review separately for the two groups shows whether accepted hints agree
with an independent coder less (or more) than the coders' own judgement does.

Per compared variable (a code, or a set code's element ``code[option]``) and overall: the
units of each group, percent agreement (share of units where original and review give the
same value) and Krippendorff's alpha (:class:`workbench.reliability.clustered.
ClusteredCoincidences`, the statistic of :func:`workbench.review.quality.agreement_by_code`).
The overall alpha pools every compared rating as a nominal value ``code=value`` (each code's
values distinct categories; :func:`workbench.reliability.coefficients.krippendorff_alpha`). A
group with fewer than ``min_units`` units is not estimated and says so. Hints are not assigned
at random: a difference describes the units where coders took hints, not the effect of hints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from workbench.model import Layer
from workbench.review.quality import (
    ORIGINAL,
    REVIEW,
    coincidences_of,
    variable_levels,
    variables,
)

if TYPE_CHECKING:
    from workbench.codebook.book import Codebook
    from workbench.store import Store

HINTED, UNHINTED = "hinted", "unhinted"
GROUPS = (HINTED, UNHINTED)
OVERALL = "all"
#: fewer units than this in a group: not estimated (as :func:`agreement_by_period`)
MIN_UNITS = 20
COLUMNS = ["code_id", "label", *[f"{m}_{g}" for g in GROUPS
                                  for m in ("n", "agreement", "alpha")], "note"]
Unit = tuple[str, "int | None", str]


def hinted_units(store: Store, original: Mapping[str, str]) -> set[Unit]:
    """(clip_id, utterance_index or None, code_id) whose active original value (``original``:
    clip → its original coder) was recorded from an accepted hint."""
    return {(a.clip_id, a.utterance_index, a.code_id)
            for a in store.annotations(layer=Layer.CODER)
            if a.from_hint and original.get(a.clip_id) == a.coder_id}


def _groups(pairs: pd.DataFrame, hinted: set[Unit]) -> pd.Series:
    """hinted / unhinted per row of ``pairs``; a set element inherits its code's flag."""
    base = pairs["code_id"].astype(str).str.split("[", n=1, regex=False).str[0]
    index = [None if pd.isna(i) else int(i) for i in pairs["utterance_index"]]
    flags = [(c, i, k) in hinted for c, i, k in zip(pairs["clip_id"], index, base,
                                                        strict=True)]
    return pd.Series(np.where(flags, HINTED, UNHINTED), index=pairs.index)


def _compared(pairs: pd.DataFrame) -> pd.DataFrame:
    """Rows of units both original and review rated."""
    both = pairs.groupby(["unit", "code_id"])["rater"].transform("nunique") == 2
    return pairs.loc[both]


def _agreement(rows: pd.DataFrame) -> float:
    wide = rows.pivot_table(index=["unit", "code_id"], columns="rater", values="value",
                            aggfunc="first")
    return float((wide[ORIGINAL] == wide[REVIEW]).mean())


def _estimate(rows: pd.DataFrame, alpha_of, min_units: int) -> tuple[int, float, float, str]:
    """(n units, agreement, alpha, statement) of one group's rows."""
    n = int(rows[["unit", "code_id"]].drop_duplicates().shape[0])
    if n == 0:
        return 0, float("nan"), float("nan"), "no units"
    if n < min_units:
        return n, float("nan"), float("nan"), f"too few units ({n} < {min_units})"
    alpha = float(alpha_of(rows))
    return n, _agreement(rows), alpha, "alpha undefined (no variation)" if np.isnan(alpha) \
        else ""


def _pooled_alpha(rows: pd.DataFrame) -> float:
    """Nominal alpha of every rating pooled, values ``code=value`` (from the pairs of values,
    :func:`workbench.reliability.coefficients.krippendorff_alpha`: the many categories cost
    no k × k matrix per unit)."""
    from workbench.reliability.coefficients import krippendorff_alpha
    from workbench.reliability.data import ReliabilityData

    return krippendorff_alpha(ReliabilityData.from_long(pd.DataFrame({
        "unit": rows["code_id"].astype(str) + "@" + rows["unit"].astype(str),
        "coder": rows["rater"],
        "value": rows["code_id"].astype(str) + "=" + rows["value"].astype(str)}), "nominal"))


def agreement_by_hint(pairs: pd.DataFrame, codebook: Codebook, hinted: set[Unit], *,
                      min_units: int = MIN_UNITS) -> pd.DataFrame:
    """Original vs review per variable and overall, split by whether the original value came
    from an accepted hint.

    ``pairs``: :func:`workbench.review.quality.review_pairs`; ``hinted``:
    :func:`hinted_units`. Columns code_id (``all`` first, then variables in codebook order
    with compared units), label, n_hinted, agreement_hinted (share 0–1), alpha_hinted,
    n_unhinted, agreement_unhinted, alpha_unhinted, note (per group: "too few units (n <
    min_units)" where not estimated, "no units", or why alpha is undefined).
    """
    levels, scales = variable_levels(codebook)
    compared = _compared(pairs)
    compared = compared.assign(group=_groups(compared, hinted))
    targets = [(OVERALL, "All codes (pooled)", compared, _pooled_alpha)]
    for v in variables(codebook):
        rows = compared.loc[compared["code_id"] == v.variable_id]
        if len(rows):
            targets.append((v.variable_id, v.label, rows,
                            lambda r, i=v.variable_id: coincidences_of(r, i, levels, scales)
                            .alpha()))
    out = []
    for code_id, label, rows, alpha_of in targets:
        record: dict[str, object] = {"code_id": code_id, "label": label}
        notes = []
        for g in GROUPS:
            n, agreement, alpha, note = _estimate(rows.loc[rows["group"] == g], alpha_of,
                                                  min_units)
            record.update({f"n_{g}": n, f"agreement_{g}": agreement, f"alpha_{g}": alpha})
            if note:
                notes.append(f"{g}: {note}")
        record["note"] = "; ".join(notes)
        out.append(record)
    return pd.DataFrame(out, columns=COLUMNS)


def hint_comparison(store: Store, codebook: Codebook, audit_id: str,
                    pairs: pd.DataFrame | None = None, *,
                    min_units: int = MIN_UNITS) -> pd.DataFrame:
    """:func:`agreement_by_hint` of an audit (``pairs`` may be passed to reuse them)."""
    from workbench.review.audit_sample import audit_record
    from workbench.review.quality import review_pairs

    original = {c["clip_id"]: c["coder_id"] for c in audit_record(store, audit_id)["clips"]}
    if pairs is None:
        pairs = review_pairs(store, codebook, audit_id)
    return agreement_by_hint(pairs, codebook, hinted_units(store, original),
                             min_units=min_units)
