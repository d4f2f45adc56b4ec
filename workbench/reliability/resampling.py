"""Vectorised unit resampling: draw resamples of units, and compute coefficients on many at once.

A resample of n units is summarised by its *multiplicity* row: how often each unit was drawn.
Every coefficient here is a ratio of sums over units, so B resamples are one matrix product
(B × n) @ (n × k) of multiplicities with per-unit parts built once (for alpha: the per-unit
value counts n_uc, as suggested for the ``krippendorff`` package).

Units with the same value counts are interchangeable for every coefficient but Cohen's
kappa (which also needs to know who gave which value), so they are collapsed into *unit
types*: 6,000 double-coded present/absent units are of 3 types (both present, one, none).
Drawing n units with replacement then means drawing type counts from a multinomial
distribution with the types' frequencies: the same distribution as resampling the units one
by one, at a cost that does not grow with n.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from workbench.reliability.data import ReliabilityData

#: Resamples drawn per block; fixed so that results depend only on the seed.
BLOCK = 128


def resample_blocks(n_units: int, n_resamples: int, seed: int) -> Iterator[np.ndarray]:
    """Blocks of resampled unit indices, shape (≤ BLOCK, n_units), drawn with replacement.

    The sequence depends only on ``seed``, ``n_units`` and ``n_resamples``.
    """
    rng = np.random.default_rng(seed)
    done = 0
    while done < n_resamples:
        size = min(BLOCK, n_resamples - done)
        yield rng.integers(0, n_units, size=(size, n_units))
        done += size


@dataclass(frozen=True)
class UnitTypes:
    """The distinct kinds of units among some units.

    data : one representative unit per type, shape (T, coders).
    frequency : how many units are of each type, shape (T,).
    of_unit : the type of each original unit, shape (n,).
    """

    data: ReliabilityData
    frequency: np.ndarray
    of_unit: np.ndarray

    @classmethod
    def of(cls, data: ReliabilityData, by: str = "counts") -> UnitTypes:
        """Group units with equal value counts (``by="counts"``: enough for coefficients that
        ignore who gave which value) or equal rows of ratings (``by="ratings"``)."""
        if by == "counts":
            rows = data.value_counts
            base = data.n_coders + 1
        else:
            rated = ~np.isnan(data.matrix)
            index = np.searchsorted(data.domain, np.nan_to_num(data.matrix))
            rows = np.where(rated, index, data.n_categories)
            base = data.n_categories + 1
        width = rows.shape[1]
        if width * np.log2(base) < 62:  # one integer per unit: its row as digits in base
            key = rows.astype(np.int64) @ (base ** np.arange(width, dtype=np.int64))
        else:
            key = rows
        _, first, inverse, counts = np.unique(
            key, axis=0, return_index=True, return_inverse=True, return_counts=True
        )
        return cls(data.take(first), counts.astype(float), inverse.ravel())


def resample_type_counts(types: UnitTypes, n_resamples: int, seed: int) -> Iterator[np.ndarray]:
    """Blocks of resamples of the units as multiplicities of their types, shape (≤ BLOCK, T).

    Multinomial draws when there are few types (T ≤ n/8), else unit indices drawn with
    replacement and counted by type. Depends only on the units, ``n_resamples`` and ``seed``.
    """
    n_units, n_types = len(types.of_unit), len(types.frequency)
    rng = np.random.default_rng(seed)
    collapsed = n_types * 8 <= n_units
    done = 0
    while done < n_resamples:
        size = min(BLOCK, n_resamples - done)
        if collapsed:
            block = rng.multinomial(n_units, types.frequency / n_units, size=size)
            yield block.astype(float)
        else:
            indices = rng.integers(0, n_units, size=(size, n_units))
            yield multiplicities(types.of_unit[indices], n_types)
        done += size


def multiplicities(indices: np.ndarray, n_units: int) -> np.ndarray:
    """How often each unit occurs in each resample: (B, n) indices → (B, n_units) floats."""
    b = indices.shape[0]
    flat = (indices + (np.arange(b) * n_units)[:, None]).ravel()
    return np.bincount(flat, minlength=b * n_units).reshape(b, n_units).astype(float)


# ----------------------------------------------------------------------------- alpha
def alpha_distances(domain: np.ndarray, level: str, n_v: np.ndarray) -> np.ndarray:
    """Krippendorff's squared distances δ²_ck between domain values (Krippendorff 2011).

    nominal: 0/1; interval: (c − k)²; ratio: ((c − k)/(c + k))²; ordinal:
    (Σ_{g=c..k} n_g − (n_c + n_k)/2)², which depends on the value totals ``n_v``.

    Parameters
    ----------
    domain : shape (V,), the sorted values.
    level : nominal, ordinal, interval or ratio.
    n_v : shape (B, V), pairable values per domain value in each resample (ordinal only).

    Returns
    -------
    ndarray, shape (V, V), or (B, V, V) for ordinal.
    """
    x = np.asarray(domain, dtype=float)
    diff = x[:, None] - x[None, :]
    if level == "nominal":
        return (diff != 0).astype(float)
    if level == "interval":
        return diff**2
    if level == "ratio":
        total = x[:, None] + x[None, :]
        return np.divide(diff, total, out=np.zeros_like(diff), where=total != 0) ** 2
    cum = np.cumsum(n_v, axis=1)
    lo = np.minimum.outer(np.arange(len(x)), np.arange(len(x)))
    hi = np.maximum.outer(np.arange(len(x)), np.arange(len(x)))
    between = cum[:, hi] - cum[:, lo] + n_v[:, lo]
    return (between - (n_v[:, :, None] + n_v[:, None, :]) / 2.0) ** 2


def alpha_replicates(data: ReliabilityData, multiplicity: np.ndarray) -> np.ndarray:
    """Krippendorff's alpha of B resamples of ``data``'s units at once, shape (B,).

    alpha = 1 − (n − 1) Σ_ck o_ck δ²_ck / Σ_ck n_c n_k δ²_ck, with the coincidences o of a
    resample the multiplicity-weighted sum of per-unit coincidences (Krippendorff 2011).
    Units with fewer than two ratings contribute nothing. NaN where undefined.
    """
    counts = data.value_counts.astype(float)
    m = counts.sum(axis=1)
    keep = m >= 2
    if not keep.all():
        counts, m, multiplicity = counts[keep], m[keep], multiplicity[:, keep]
    weights = multiplicity
    n_v = weights @ counts
    n_total = n_v.sum(axis=1)
    if data.level == "ordinal":
        v = counts.shape[1]
        per_unit = counts[:, :, None] * counts[:, None, :]
        per_unit[:, np.arange(v), np.arange(v)] -= counts
        o = (weights @ (per_unit / (m - 1)[:, None, None]).reshape(len(m), v * v))
        d = alpha_distances(data.domain, data.level, n_v)
        observed = (o.reshape(-1, v, v) * d).sum(axis=(1, 2))
        expected = np.einsum("bi,bij,bj->b", n_v, d, n_v)
    else:
        d = alpha_distances(data.domain, data.level, n_v)
        unit_disagreement = ((counts @ d) * counts).sum(axis=1) / (m - 1)
        observed = weights @ unit_disagreement
        expected = ((n_v @ d) * n_v).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n_total - 1.0) * observed / expected
    return np.where(expected > 0, alpha, np.nan)


# ----------------------------------------------------------------------------- kappas
def cohen_replicates(
    data: ReliabilityData, multiplicity: np.ndarray, weights: str | None
) -> np.ndarray:
    """Cohen's kappa of B resamples of units rated by both of two coders, shape (B,).

    κ_w = 1 − Σ w_ij C_ij / Σ w_ij E_ij with disagreement weights w (0/1, |i − j| or
    (i − j)² over domain ranks) and E the product of the margins, as scikit-learn computes it.
    """
    q = data.n_categories
    both = data.ratings_per_unit == 2
    a = np.searchsorted(data.domain, data.matrix[both, 0])
    b = np.searchsorted(data.domain, data.matrix[both, 1])
    onehot = np.zeros((len(a), q * q))
    onehot[np.arange(len(a)), a * q + b] = 1.0
    table = (multiplicity[:, both] @ onehot).reshape(-1, q, q)
    n = table.sum(axis=(1, 2))
    rows, cols = table.sum(axis=2), table.sum(axis=1)
    ranks = np.arange(q)
    step = np.abs(ranks[:, None] - ranks[None, :]).astype(float)
    w = {None: (step > 0).astype(float), "linear": step, "quadratic": step**2}[weights]
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.einsum("bi,ij,bj->b", rows, w, cols) / n
        kappa = 1.0 - np.einsum("bij,ij->b", table, w) / expected
    return np.where(expected > 0, kappa, np.nan)


def fleiss_replicates(counts: np.ndarray, multiplicity: np.ndarray) -> np.ndarray:
    """Fleiss' kappa of B resamples of complete units (same m ratings each), shape (B,).

    κ = (P̄ − P_e)/(1 − P_e), P_i = (Σ_j n_ij² − m)/(m(m − 1)), P_e = Σ_j p_j² (Fleiss 1971).
    """
    counts = counts.astype(float)
    m = counts.sum(axis=1)[0]
    p_unit = ((counts**2).sum(axis=1) - m) / (m * (m - 1))
    n = multiplicity.sum(axis=1)
    p_bar = (multiplicity @ p_unit) / n
    p_j = (multiplicity @ counts) / (n * m)[:, None]
    p_e = (p_j**2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = (p_bar - p_e) / (1.0 - p_e)
    return np.where(np.isclose(p_e, 1.0), np.nan, kappa)
