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

from workbench.reliability.coincidences import ordinal_positions
from workbench.reliability.data import ReliabilityData
from workbench.reliability.limits import require_memory

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
def alpha_distances(domain: np.ndarray, level: str) -> np.ndarray:
    """Krippendorff's squared distances δ²_ck between domain values, shape (V, V).

    nominal: 0/1; interval: (c − k)²; ratio: ((c − k)/(c + k))² (Krippendorff 2011). The
    ordinal metric depends on each resample's value totals: `alpha_replicates` computes it
    as the interval metric on mid-ranks (`coincidences.ordinal_positions`).
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
    raise ValueError(f"no fixed distance matrix at the {level} level")


def alpha_replicates(data: ReliabilityData, multiplicity: np.ndarray) -> np.ndarray:
    """Krippendorff's alpha of B resamples of ``data``'s units at once, shape (B,).

    alpha = 1 − (n − 1) Σ_ck o_ck δ²_ck / Σ_ck n_c n_k δ²_ck, with the coincidences o of a
    resample the multiplicity-weighted sum of per-unit coincidences (Krippendorff 2011).
    Units with fewer than two ratings contribute nothing. NaN where undefined. Nominal and
    interval sums are closed-form (no q × q array); ordinal and ratio ones are memory-checked.
    """
    counts = data.value_counts.astype(float)
    m = counts.sum(axis=1)
    keep = m >= 2
    if not keep.all():
        counts, m, multiplicity = counts[keep], m[keep], multiplicity[:, keep]
    weights = multiplicity
    n_v = weights @ counts
    n_total = n_v.sum(axis=1)
    v = counts.shape[1]
    floor = 0.0
    if data.level == "ordinal":  # interval metric on each resample's mid-ranks
        require_memory(8.0 * len(m) * weights.shape[0] * 4,
                       f"the bootstrap of ordinal alpha over {len(m):,} kinds of unit",
                       data.source)
        mid = ordinal_positions(n_v)  # (B, V)
        s1, s2 = counts @ mid.T, counts @ (mid**2).T  # (n, B)
        unit_disagreement = 2.0 * (m[:, None] * s2 - s1**2) / (m - 1)[:, None]
        observed = np.einsum("bu,ub->b", weights, unit_disagreement)
        expected = 2.0 * (n_total * (n_v * mid**2).sum(axis=1) - ((n_v * mid).sum(axis=1)) ** 2)
    elif data.level == "nominal":
        unit_disagreement = (m**2 - (counts**2).sum(axis=1)) / (m - 1)
        observed = weights @ unit_disagreement
        expected = n_total**2 - (n_v**2).sum(axis=1)
    elif data.level == "interval":
        x = np.asarray(data.domain, dtype=float)
        x = x - x.mean()
        s1, s2 = counts @ x, counts @ x**2
        unit_disagreement = 2.0 * (m * s2 - s1**2) / (m - 1)
        observed = weights @ unit_disagreement
        expected = 2.0 * (n_total * (n_v @ x**2) - (n_v @ x) ** 2)
        floor = 1e-12 * n_total**2 * float((x**2).max(initial=0.0))  # rounding, not variation
    else:
        require_memory(8.0 * v * v * 4, f"the bootstrap of ratio alpha over {v:,} values",
                       data.source)
        d = alpha_distances(data.domain, data.level)
        unit_disagreement = ((counts @ d) * counts).sum(axis=1) / (m - 1)
        observed = weights @ unit_disagreement
        expected = ((n_v @ d) * n_v).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n_total - 1.0) * observed / expected
    return np.where(expected > floor, alpha, np.nan)


def pairable_agreement_replicates(data: ReliabilityData, multiplicity: np.ndarray) -> np.ndarray:
    """Krippendorff's Σ_c o_cc / n.. of B resamples of pairable units, shape (B,)."""
    counts = data.value_counts.astype(float)
    m = counts.sum(axis=1)
    keep = m >= 2
    counts, m, multiplicity = counts[keep], m[keep], multiplicity[:, keep]
    agree = (counts * (counts - 1.0)).sum(axis=1) / (m - 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (multiplicity @ agree) / (multiplicity @ m)


# ----------------------------------------------------------------------------- kappas
def cohen_replicates(
    data: ReliabilityData, multiplicity: np.ndarray, weights: str | None, scale: str = "rank"
) -> np.ndarray:
    """Cohen's kappa of B resamples of units rated by both of two coders, shape (B,).

    κ_w = 1 − Σ w_ij C_ij / Σ w_ij E_ij with disagreement weights w (0/1, |d| or d², d a
    difference of ranks or of values: `coefficients.cohen_weights`) and E the product of the
    margins. Unweighted kappa needs no q × q array.
    """
    from workbench.reliability.coefficients import cohen_weights

    q = data.n_categories
    both = data.ratings_per_unit == 2
    a = np.searchsorted(data.domain, data.matrix[both, 0])
    b = np.searchsorted(data.domain, data.matrix[both, 1])
    mult = multiplicity[:, both]
    n = mult.sum(axis=1)
    require_memory(8.0 * mult.shape[0] * q * 3, f"the bootstrap of Cohen's kappa over {q:,} "
                   "values", data.source)
    rows = np.zeros((mult.shape[0], q))
    cols = np.zeros((mult.shape[0], q))
    np.add.at(rows.T, a, mult.T)
    np.add.at(cols.T, b, mult.T)
    with np.errstate(divide="ignore", invalid="ignore"):
        if weights is None:
            observed = mult @ (a != b).astype(float)
            expected = n - (rows * cols).sum(axis=1) / n
        else:
            require_memory(8.0 * q * q * 3, f"weighted Cohen's kappa over {q:,} values",
                           data.source)
            w = cohen_weights(data.domain, weights, scale)
            observed = mult @ w[a, b]
            expected = np.einsum("bi,ij,bj->b", rows, w, cols) / n
        kappa = 1.0 - observed / expected
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
