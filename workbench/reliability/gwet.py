"""Gwet's AC1/AC2, Brennan–Prediger and weighted pairwise agreement, with missing ratings.

Formulas from Gwet, K. L. (2014), *Handbook of Inter-Rater Reliability*, 4th ed., chapters 3
(weights) and 4 (multiple raters, missing ratings). Notation, for a unit i rated by r_i
coders, r_ik of whom chose category k, and agreement weights w_kl (w_kk = 1):

- r*_ik = Σ_l w_kl r_il
- p_a = (1/n') Σ_{i: r_i ≥ 2} Σ_k r_ik (r*_ik − 1) / (r_i (r_i − 1)), n' = units with r_i ≥ 2
- π_k = (1/n) Σ_{i: r_i ≥ 1} r_ik / r_i, n = units with at least one rating
- AC1/AC2: p_e = T_w / (q (q − 1)) · Σ_k π_k (1 − π_k), T_w = Σ_kl w_kl
- Brennan–Prediger: p_e = T_w / q²
- coefficient = (p_a − p_e) / (1 − p_e)

q is the number of categories in the domain (declared categories count even when unused).
With identity weights AC2 is AC1 and p_a is the pairwise percent agreement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from workbench.exceptions import ParameterError, ReliabilityDataError
from workbench.reliability.data import Level, ReliabilityData
from workbench.reliability.limits import require_memory

WeightName = Literal["identity", "linear", "quadratic", "ordinal", "ratio"]
WEIGHT_NAMES: tuple[str, ...] = ("identity", "linear", "quadratic", "ordinal", "ratio")
BY_LEVEL = "by_level"

#: Weights used when a coefficient is asked for with ``weights="by_level"``.
LEVEL_WEIGHTS: dict[Level, WeightName] = {
    "nominal": "identity",
    "ordinal": "ordinal",
    "interval": "quadratic",
    "ratio": "ratio",
}


def agreement_weights(domain: np.ndarray, kind: str) -> np.ndarray:
    """Agreement weights w_kl in [0, 1] between domain values, shape (q, q) (Gwet 2014, ch. 3).

    identity: 1 if k = l else 0. linear: 1 − |x_k − x_l| / (x_max − x_min).
    quadratic: 1 − (x_k − x_l)² / (x_max − x_min)². ordinal: 1 − M_kl / max M with
    M_kl = C(|rank_k − rank_l| + 1, 2). ratio: 1 − ((x_k − x_l)/(x_k + x_l))² /
    ((x_max − x_min)/(x_max + x_min))².

    >>> agreement_weights(np.array([1.0, 2.0, 3.0]), "ordinal")[0].round(4).tolist()
    [1.0, 0.6667, 0.0]
    """
    x = np.asarray(domain, dtype=float)
    q = len(x)
    if kind not in WEIGHT_NAMES:
        raise ParameterError(
            f"unknown weights '{kind}'; expected one of: {', '.join(WEIGHT_NAMES)}",
            field="weights",
        )
    if kind == "identity" or q < 2:
        return np.eye(q)
    diff = x[:, None] - x[None, :]
    span = x.max() - x.min()
    if kind == "linear":
        return 1.0 - np.abs(diff) / span
    if kind == "quadratic":
        return 1.0 - diff**2 / span**2
    if kind == "ordinal":
        steps = np.abs(np.arange(q)[:, None] - np.arange(q)[None, :])
        m = (steps + 1) * steps / 2.0
        return 1.0 - m / m.max()
    total = x[:, None] + x[None, :]
    ratio = np.divide(diff, total, out=np.zeros_like(diff), where=total != 0) ** 2
    scale = ((x.max() - x.min()) / (x.max() + x.min())) ** 2
    return 1.0 - ratio / scale


def resolve_weights(
    data: ReliabilityData, weights: str | np.ndarray | None
) -> np.ndarray | None:
    """A (q, q) weight matrix from a name, ``"by_level"`` or a matrix; None for identity
    weights (None or "identity"), which are applied without building a q × q matrix."""
    if weights is None:
        return None
    if isinstance(weights, str):
        kind = LEVEL_WEIGHTS[data.level] if weights == BY_LEVEL else weights
        if kind == "identity":
            return None
        q = data.n_categories
        require_memory(q * q * 8.0 * 4, f"{kind} agreement weights over {q:,} values",
                       data.source)
        return agreement_weights(data.domain, kind)
    matrix = np.asarray(weights, dtype=float)
    if matrix.shape != (data.n_categories, data.n_categories):
        raise ParameterError(
            f"weights must be a {data.n_categories}×{data.n_categories} matrix, "
            f"got shape {matrix.shape}",
            field="weights",
        )
    return matrix


@dataclass(frozen=True)
class UnitAgreement:
    """Per-unit parts of Gwet's statistics, for the units of one variable.

    agreement : shape (n,), Σ_k r_ik (r*_ik − 1) / (r_i (r_i − 1)); 0 where r_i < 2.
    pairable : shape (n,), 1.0 where r_i ≥ 2.
    shares : shape (n, q), r_ik / r_i; 0 where r_i = 0.
    rated : shape (n,), 1.0 where r_i ≥ 1.
    """

    agreement: np.ndarray
    pairable: np.ndarray
    shares: np.ndarray
    rated: np.ndarray

    @classmethod
    def of(cls, counts: np.ndarray, weights: np.ndarray | None) -> UnitAgreement:
        """Parts from value counts (n, q) and weights (q, q), None = identity."""
        counts = counts.astype(float)
        r = counts.sum(axis=1)
        weighted = counts if weights is None else counts @ weights.T
        pair_total = r * (r - 1)
        agree = (counts * (weighted - 1.0)).sum(axis=1)
        agreement = np.divide(agree, pair_total, out=np.zeros_like(r), where=r >= 2)
        shares = np.divide(counts, r[:, None], out=np.zeros_like(counts), where=r[:, None] > 0)
        return cls(agreement, (r >= 2).astype(float), shares, (r >= 1).astype(float))


def _chance_corrected(pa: np.ndarray, pe: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.isclose(pe, 1.0), np.nan, (pa - pe) / (1.0 - pe))


def gwet_replicates(
    parts: UnitAgreement, multiplicity: np.ndarray, weights: np.ndarray | None, chance: str
) -> np.ndarray:
    """Coefficients for many unit resamples at once.

    Parameters
    ----------
    parts : per-unit parts of the n units resampled from.
    multiplicity : shape (B, n), how often each unit occurs in each resample.
    weights : shape (q, q) agreement weights, None = identity.
    chance : "gwet" (AC1/AC2), "uniform" (Brennan–Prediger), "fleiss" (Fleiss' kappa
        generalised to missing ratings: p_e = Σ_k π_k², identity weights) or "none"
        (percent agreement).

    Returns
    -------
    ndarray, shape (B,).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        pa = (multiplicity @ parts.agreement) / (multiplicity @ parts.pairable)
        q = parts.shares.shape[1]
        total = float(q if weights is None else weights.sum())
        if chance == "none":
            return pa
        if chance == "uniform":
            return _chance_corrected(pa, np.full_like(pa, total / q**2))
        pi = (multiplicity @ parts.shares) / (multiplicity @ parts.rated)[:, None]
        if chance == "fleiss":
            return _chance_corrected(pa, (pi**2).sum(axis=1))
        pe = total / (q * (q - 1)) * (pi * (1.0 - pi)).sum(axis=1)
        return _chance_corrected(pa, pe)


def _single(data: ReliabilityData, weights: np.ndarray | None, chance: str) -> float:
    require_pairable(data)
    if data.n_categories < 2:
        return float("nan") if chance != "none" else 1.0
    if weights is None:
        return identity_coefficient(data, chance)
    rated = data.ratings_per_unit >= 1
    parts = UnitAgreement.of(data.value_counts[rated], weights)
    ones = np.ones((1, int(rated.sum())))
    return float(gwet_replicates(parts, ones, weights, chance)[0])


def identity_coefficient(data: ReliabilityData, chance: str) -> float:
    """The same statistics with identity weights from each unit's distinct values only (no
    units × q array, so any number of categories):
    p_a = mean over units with r ≥ 2 of Σ_k r_ik (r_ik − 1) / (r (r − 1)), π_k = mean r_ik / r."""
    from workbench.reliability.coincidences import unit_values

    values = unit_values(data, min_ratings=1)
    r = values.m.astype(float)
    n_units, q = len(r), data.n_categories
    pairs = np.bincount(values.unit, weights=values.count * (values.count - 1.0),
                        minlength=n_units)
    pairable = r >= 2
    pa = float((pairs[pairable] / (r[pairable] * (r[pairable] - 1.0))).mean())
    if chance == "none":
        return pa
    if chance == "uniform":
        pe = 1.0 / q
    else:
        pi = np.bincount(values.value, weights=values.count / r[values.unit],
                         minlength=q) / float((r >= 1).sum())
        pe = float((pi**2).sum()) if chance == "fleiss" else float(
            (pi * (1.0 - pi)).sum() / (q - 1))
    return float(_chance_corrected(np.array([pa]), np.array([pe]))[0])


def require_pairable(data: ReliabilityData) -> None:
    """Raise `ReliabilityDataError` unless some unit has two or more ratings."""
    if not data.pairable().any():
        raise ReliabilityDataError(
            "no unit was rated by two or more coders; agreement cannot be computed",
            path=data.source,
            field="unit",
        )


def weighted_agreement(data: ReliabilityData, weights: str | np.ndarray | None = None) -> float:
    """Gwet's p_a: mean weighted agreement over pairs of ratings within units (r_i ≥ 2)."""
    return _single(data, resolve_weights(data, weights), "none")


def gwet_ac1(data: ReliabilityData) -> float:
    """Gwet's AC1 (unweighted: categories treated as nominal), missing ratings allowed.

    Source: Gwet (2008), Br. J. Math. Stat. Psychol. 61, 29–48; Gwet (2014), ch. 4.
    Units with one rating count in π_k only. Returns NaN when p_e = 1.
    """
    return _single(data, None, "gwet")


def gwet_ac2(data: ReliabilityData, weights: str | np.ndarray | None = BY_LEVEL) -> float:
    """Gwet's AC2: AC1 with agreement weights (Gwet 2014, ch. 3–4), missing ratings allowed.

    ``weights``: "by_level" (ordinal → ordinal weights, interval → quadratic, ratio → ratio,
    nominal → identity), a name from `WEIGHT_NAMES`, None (identity), or a (q, q) matrix.
    """
    return _single(data, resolve_weights(data, weights), "gwet")


def brennan_prediger(data: ReliabilityData, weights: str | np.ndarray | None = BY_LEVEL) -> float:
    """Brennan & Prediger (1981) coefficient, chance agreement T_w / q² (Gwet 2014, ch. 4).

    Unweighted at the nominal level; ``weights`` as in `gwet_ac2`. Missing ratings allowed.
    """
    return _single(data, resolve_weights(data, weights), "uniform")
