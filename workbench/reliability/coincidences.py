"""Krippendorff's coincidences, computed pair by pair: exact, and never a q × q array.

For each unit u rated by m_u ≥ 2 coders, every ordered pair of its values (c, k) from two
different coders adds 1/(m_u − 1) to the coincidence o_ck (Krippendorff 2011, "coincidence
matrix"). Here the pairs are built from each unit's *distinct* values with their counts
n_uc, so memory grows with the pairs of distinct values within units (at most the coders'
or the values' number squared per unit), not with units × q² as a dense computation does.

alpha = 1 − (n.. − 1) Σ_ck o_ck δ²_ck / Σ_ck n_c n_k δ²_ck, with n_c the pairable values of
c and n.. their total. The expected sum is closed-form at the nominal and interval levels and
streamed over blocks of the used values at the ordinal and ratio levels.
Source: Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School
for Communication, University of Pennsylvania.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.reliability.data import ReliabilityData
from workbench.reliability.limits import memory_limit, require_memory


@dataclass(frozen=True)
class ValuePairs:
    """Ordered pairs (a, b) of distinct-or-equal values within pairable units.

    a, b : domain indices of the two values, shape (P,).
    weight : n_ua n_ub / (m_u − 1) for a ≠ b and n_ua (n_ua − 1) / (m_u − 1) for a = b.
    n_c : pairable values per domain value, shape (q,).
    """

    a: np.ndarray
    b: np.ndarray
    weight: np.ndarray
    n_c: np.ndarray

    @property
    def total(self) -> float:
        return float(self.n_c.sum())


def value_pairs(data: ReliabilityData) -> ValuePairs:
    """The pairs of values within the units of ``data`` rated by two or more coders."""
    q = data.n_categories
    rated = ~np.isnan(data.matrix)
    rows = np.nonzero(rated)[0]
    index = np.searchsorted(data.domain, data.matrix[rated])
    m = rated.sum(axis=1)
    keep = m[rows] >= 2
    keys, counts = np.unique(rows[keep].astype(np.int64) * q + index[keep], return_counts=True)
    unit, value = keys // q, keys % q
    n_c = np.bincount(value, weights=counts, minlength=q)
    # all ordered pairs of entries within each unit (entries are sorted by unit)
    starts = np.flatnonzero(np.r_[True, unit[1:] != unit[:-1]])
    sizes = np.diff(np.r_[starts, len(unit)])
    per_entry = np.repeat(sizes, sizes)
    require_memory(float((per_entry.sum()) * 8 * 5), "the coincidences' value pairs",
                   data.source)
    left = np.repeat(np.arange(len(unit)), per_entry)
    first = np.repeat(np.repeat(starts, sizes), per_entry)
    offset = np.arange(len(left)) - np.repeat(np.cumsum(per_entry) - per_entry, per_entry)
    right = first + offset
    same = left == right
    weight = counts[left] * (counts[right] - same) / (m[unit[left]] - 1.0)
    return ValuePairs(value[left], value[right], weight.astype(float), n_c)


def distances(level: str, domain: np.ndarray, n_c: np.ndarray, a: np.ndarray,
              b: np.ndarray) -> np.ndarray:
    """Krippendorff's δ²(a, b) for arrays of domain indices (any equal shapes).

    nominal 0/1; interval (x_a − x_b)²; ratio ((x_a − x_b)/(x_a + x_b))²; ordinal
    (Σ_{g between a and b} n_g − (n_a + n_b)/2)² with the pairable value totals n_c.
    """
    if level == "nominal":
        return (a != b).astype(float)
    x = np.asarray(domain, dtype=float)
    if level == "interval":
        return (x[a] - x[b]) ** 2
    if level == "ratio":
        total = x[a] + x[b]
        diff = x[a] - x[b]
        return np.divide(diff, total, out=np.zeros_like(diff), where=total != 0) ** 2
    cum = np.cumsum(n_c)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    return (cum[hi] - cum[lo] + n_c[lo] - (n_c[a] + n_c[b]) / 2.0) ** 2


def expected_sum(level: str, domain: np.ndarray, n_c: np.ndarray) -> float:
    """Σ_ck n_c n_k δ²_ck over the used values; streamed in blocks where no closed form."""
    used = np.flatnonzero(n_c > 0)
    n = n_c[used].astype(float)
    if level == "nominal":
        return float(n.sum() ** 2 - (n**2).sum())
    x = np.asarray(domain, dtype=float)[used]
    if level == "interval":
        centred = x - (n @ x) / n.sum()  # distances do not change; sums stay accurate
        return float(2.0 * (n.sum() * (n @ centred**2) - (n @ centred) ** 2))
    q = len(used)
    block = max(1, int(memory_limit() // (q * 8 * 8)))
    dense_n = n_c.astype(float)
    total = 0.0
    cols = used[None, :]
    for start in range(0, q, block):
        rows = used[start:start + block, None]
        d = distances(level, domain, dense_n, np.broadcast_to(rows, (len(rows), q)),
                      np.broadcast_to(cols, (len(rows), q)))
        total += float(n[start:start + block] @ d @ n)
    return total


def alpha_from_pairs(data: ReliabilityData, pairs: ValuePairs | None = None) -> float:
    """Krippendorff's alpha of ``data`` at its level; NaN when the values do not vary."""
    pairs = pairs if pairs is not None else value_pairs(data)
    expected = expected_sum(data.level, data.domain, pairs.n_c)
    if not expected > 0:
        return float("nan")
    d = distances(data.level, data.domain, pairs.n_c, pairs.a, pairs.b)
    observed = float(pairs.weight @ d)
    return 1.0 - (pairs.total - 1.0) * observed / expected


def pairable_agreement(data: ReliabilityData) -> float:
    """Σ_c o_cc / n..: the share of pairable values matched by an equal value in their unit
    (Krippendorff's observed agreement A_o = 1 − D_o at the nominal level)."""
    pairs = value_pairs(data)
    return float(pairs.weight[pairs.a == pairs.b].sum() / pairs.total)


def coincidence_matrix(data: ReliabilityData) -> np.ndarray:
    """The dense coincidence matrix o_ck, shape (q, q) (memory-checked)."""
    q = data.n_categories
    require_memory(q * q * 8.0, f"a {q:,} × {q:,} coincidence matrix", data.source)
    pairs = value_pairs(data)
    out = np.zeros((q, q))
    np.add.at(out, (pairs.a, pairs.b), pairs.weight)
    return out
