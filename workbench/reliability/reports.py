"""Reliability reports over many codes: pure functions returning pandas DataFrames.

Input is a multi-code long table (unit, code_id, coder_id, value; see `long_table`) and a
level lookup ``levels`` (code_id → nominal|ordinal|interval|ratio), with ``scales``
(code_id → categories, lowest first for ordinal) where values are option keys. Tables are
sorted worst first (lowest coefficient first; undefined values, NaN, first of all).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from workbench.exceptions import ParameterError
from workbench.reliability.bootstrap import bootstrap
from workbench.reliability.catalogue import COEFFICIENTS, value_or_nan
from workbench.reliability.coefficients import (
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
)
from workbench.reliability.data import ReliabilityData, check_level
from workbench.reliability.long_table import ABSENT, check_columns, prevalence, variables
from workbench.reliability.verdicts import alpha_verdict, landis_koch_band

DEFAULT_EXTRAS: tuple[str, ...] = ("percent_agreement", "gwet_ac1", "gwet_ac2", "brennan_prediger")
REFERENCE = "reference"


def _worst_first(frame: pd.DataFrame, column: str, then: Sequence[str]) -> pd.DataFrame:
    return frame.sort_values(
        [column, *then], na_position="first", kind="stable"
    ).reset_index(drop=True)


def code_report(
    long: pd.DataFrame,
    levels: Mapping[str, str],
    *,
    scales: Mapping[str, Sequence[str]] | None = None,
    headline: str = "krippendorff_alpha",
    extras: Sequence[str] = DEFAULT_EXTRAS,
    n_resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    absent: str = ABSENT,
) -> pd.DataFrame:
    """One row per code: headline coefficient with bootstrap interval, kappa and extras.

    Columns: code_id, level, n_units (units with ≥ 2 ratings), n_coders, n_ratings,
    prevalence (share of ratings applying the code, see `long_table.prevalence`),
    coefficient, estimate, ci_low, ci_high, n_valid (resamples with a value; the interval
    drops the others), verdict (Krippendorff 2004 for alpha, Landis &
    Koch 1977 otherwise), kappa (Cohen's with two coders, else Fleiss' on complete units),
    kappa_kind, kappa_band, then one column per coefficient named in ``extras`` (NaN where it
    does not apply). ``n_resamples=0`` skips the bootstrap (NaN interval).
    """
    entry = COEFFICIENTS.get(headline)
    for name in extras:
        COEFFICIENTS.get(name)
    rows = []
    for code, data in variables(long, levels, scales):
        row: dict[str, object] = {
            "code_id": code,
            "level": data.level,
            "n_units": int(data.pairable().sum()),
            "n_coders": data.n_coders,
            "n_ratings": int(data.ratings_per_unit.sum()),
            "prevalence": prevalence(data, absent),
            "coefficient": headline,
        }
        estimate = low = high = float("nan")
        n_valid = 0
        if row["n_units"] and entry.applies(data):
            result = bootstrap(
                data, entry, n_resamples=n_resamples, seed=seed, confidence=confidence
            )
            estimate, low, high = result.estimate, result.low, result.high
            n_valid = result.n_valid
        kind = "cohen" if data.n_coders == 2 else "fleiss"
        kappa = value_or_nan(cohen_kappa if kind == "cohen" else fleiss_kappa, data)
        row |= {
            "estimate": estimate,
            "ci_low": low,
            "ci_high": high,
            "n_valid": n_valid,
            "verdict": entry.verdict(estimate),
            "kappa": kappa,
            "kappa_kind": kind,
            "kappa_band": landis_koch_band(kappa),
        }
        for name in extras:
            extra = COEFFICIENTS.get(name)
            row[name] = value_or_nan(extra.compute, data) if extra.applies(data) else float("nan")
        rows.append(row)
    columns = [
        "code_id", "level", "n_units", "n_coders", "n_ratings", "prevalence", "coefficient",
        "estimate", "ci_low", "ci_high", "n_valid", "verdict", "kappa", "kappa_kind",
        "kappa_band", *extras,
    ]
    return _worst_first(pd.DataFrame(rows, columns=columns), "estimate", ["code_id"])


def _pair_row(data: ReliabilityData) -> dict[str, object]:
    alpha = value_or_nan(krippendorff_alpha, data)
    kappa = value_or_nan(cohen_kappa, data)
    return {
        "n_units": int(data.pairable().sum()),
        "percent_agreement": value_or_nan(percent_agreement, data),
        "krippendorff_alpha": alpha,
        "verdict": alpha_verdict(alpha),
        "cohen_kappa": kappa,
        "kappa_band": landis_koch_band(kappa),
    }


_PAIR_STATS = ["n_units", "percent_agreement", "krippendorff_alpha", "verdict", "cohen_kappa",
               "kappa_band"]


def pair_report(
    long: pd.DataFrame,
    levels: Mapping[str, str],
    *,
    scales: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """One row per code and pair of coders who rated units in common.

    Columns: code_id, coder_a, coder_b, n_units (shared), percent_agreement,
    krippendorff_alpha, verdict, cohen_kappa (level-weighted), kappa_band; worst alpha first.
    """
    rows = []
    for code, data in variables(long, levels, scales):
        for a, b in combinations(data.coders, 2):
            pair = data.select_coders([a, b])
            if not pair.pairable().any():
                continue
            rows.append({"code_id": code, "coder_a": a, "coder_b": b} | _pair_row(pair))
    frame = pd.DataFrame(rows, columns=["code_id", "coder_a", "coder_b", *_PAIR_STATS])
    return _worst_first(frame, "krippendorff_alpha", ["code_id", "coder_a", "coder_b"])


def reference_report(
    long: pd.DataFrame,
    reference: str | pd.DataFrame,
    levels: Mapping[str, str],
    *,
    scales: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Each coder against a reference: a consensus table or one coder taken as the standard.

    ``reference`` is a coder_id in ``long`` or a DataFrame with columns unit, code_id, value
    (e.g. the adjudicated consensus layer). Columns: code_id, coder_id, then as
    `pair_report`; worst alpha first.
    """
    check_columns(long)
    if isinstance(reference, str):
        if reference not in set(long["coder_id"]):
            raise ParameterError(
                f"reference coder '{reference}' has no ratings; coders: "
                f"{', '.join(sorted(map(str, long['coder_id'].unique())))}",
                field="reference",
            )
        combined, ref = long, reference
    else:
        check_columns(reference, ("unit", "code_id", "value"))
        if REFERENCE in set(long["coder_id"]):
            raise ParameterError(
                f"a coder is named '{REFERENCE}'; rename it or pass the reference by coder id",
                field="reference",
            )
        ref = REFERENCE
        combined = pd.concat(
            [long, reference[["unit", "code_id", "value"]].assign(coder_id=ref)],
            ignore_index=True,
        )
    rows = []
    for code, data in variables(combined, levels, scales):
        if ref not in data.coders:
            continue
        for coder in data.coders:
            if coder == ref:
                continue
            pair = data.select_coders([coder, ref])
            if pair.pairable().any():
                rows.append({"code_id": code, "coder_id": coder} | _pair_row(pair))
    frame = pd.DataFrame(rows, columns=["code_id", "coder_id", *_PAIR_STATS])
    return _worst_first(frame, "krippendorff_alpha", ["code_id", "coder_id"])


def confusion_matrix(
    long: pd.DataFrame,
    code_id: str,
    coder_a: str,
    coder_b: str,
    *,
    level: str = "nominal",
    scale: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Counts of (coder_a's value, coder_b's value) over the units both rated for one code.

    Rows are coder_a's values, columns coder_b's, every category of the code included (in
    scale order when ``scale`` is given).
    """
    check_columns(long)
    rows = long[long["code_id"] == code_id]
    if rows.empty:
        raise ParameterError(f"no ratings for code '{code_id}'", field="code_id")
    data = ReliabilityData.from_long(rows, check_level(level), coder="coder_id",
                                     categories=scale)
    return pair_confusion(data, coder_a, coder_b)


def pair_confusion(data: ReliabilityData, coder_a: str, coder_b: str) -> pd.DataFrame:
    """Counts of (coder_a's value, coder_b's value) over the units both rated, every value of
    the domain included in domain order (rows coder_a, columns coder_b)."""
    pair = data.select_coders([coder_a, coder_b])
    both = pair.pairable()
    q = pair.n_categories
    a = np.searchsorted(pair.domain, pair.matrix[both, 0])
    b = np.searchsorted(pair.domain, pair.matrix[both, 1])
    counts = np.bincount(a * q + b, minlength=q * q).reshape(q, q)
    return pd.DataFrame(counts, index=pd.Index(pair.labels, name=coder_a),
                        columns=pd.Index(pair.labels, name=coder_b))


def confusion_matrices(
    long: pd.DataFrame,
    levels: Mapping[str, str],
    *,
    scales: Mapping[str, Sequence[str]] | None = None,
    codes: Sequence[str] | None = None,
) -> list[tuple[str, str, str, pd.DataFrame]]:
    """(code_id, coder_a, coder_b, matrix) for every code and pair of coders who rated units
    in common (see `pair_confusion`); codes in order, pairs by coder id."""
    out = []
    for code, data in variables(long, levels, scales, codes=codes):
        for a, b in combinations(data.coders, 2):
            matrix = pair_confusion(data, a, b)
            if matrix.to_numpy().sum():
                out.append((code, a, b, matrix))
    return out
