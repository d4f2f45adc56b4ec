"""Krippendorff's coincidences, computed pair by pair: exact, and never a q × q array.

For each unit u rated by m_u ≥ 2 coders, every ordered pair of its values (c, k) from two
different coders adds 1/(m_u − 1) to the coincidence o_ck (Krippendorff 2011, "coincidence
matrix"). Here the pairs are built from each unit's *distinct* values with their counts
n_uc, so memory grows with the pairs of distinct values within units (at most the coders'
or the values' number squared per unit), not with units × q² as a dense computation does.

alpha = 1 − (n.. − 1) Σ_ck o_ck δ²_ck / Σ_ck n_c n_k δ²_ck, with n_c the pairable values of
c and n.. their total. The expected sum is closed-form at the nominal, ordinal (interval on
mid-ranks) and interval levels, and streamed over blocks of the used values at the ratio level.
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


@dataclass(frozen=True)
class UnitValues:
    """The distinct values of each pairable unit with their counts (sorted by unit).

    unit, value, count : shape (T,): unit index, domain index, n_uc (coders who gave it).
    m : ratings per unit, shape (n,); n_c : pairable values per domain value, shape (q,).
    """

    unit: np.ndarray
    value: np.ndarray
    count: np.ndarray
    m: np.ndarray
    n_c: np.ndarray


def unit_values(data: ReliabilityData, min_ratings: int = 2) -> UnitValues:
    """(unit, value, count) of the units of ``data`` rated by ``min_ratings`` or more coders
    (n_c then counts those units' values)."""
    q = data.n_categories
    rated = ~np.isnan(data.matrix)
    rows = np.nonzero(rated)[0]
    index = np.searchsorted(data.domain, data.matrix[rated])
    m = rated.sum(axis=1)
    keep = m[rows] >= min_ratings
    keys, counts = np.unique(rows[keep].astype(np.int64) * q + index[keep], return_counts=True)
    unit, value = keys // q, keys % q
    n_c = np.bincount(value, weights=counts, minlength=q)
    return UnitValues(unit, value, counts.astype(float), m, n_c)


def observed_sum(level: str, domain: np.ndarray, values: UnitValues) -> float:
    """Σ_ck o_ck δ²_ck without pairs where the metric allows: per unit (m_u² − Σ n_uc²) /
    (m_u − 1) at the nominal level, 2 (m_u Σ n_uc x_c² − (Σ n_uc x_c)²) / (m_u − 1) at the
    interval level (x the values) and the ordinal level (x the mid-ranks); pairs for ratio."""
    n_units = len(values.m)
    m = values.m.astype(float)
    pairable = m >= 2
    if level == "nominal":
        squares = np.bincount(values.unit, weights=values.count**2, minlength=n_units)
        return float(((m**2 - squares)[pairable] / (m[pairable] - 1)).sum())
    if level in ("interval", "ordinal"):
        x = ordinal_positions(values.n_c) if level == "ordinal" else np.asarray(domain, float)
        x = x - (values.n_c @ x) / values.n_c.sum()  # distances unchanged; sums accurate
        xv = x[values.value]
        s1 = np.bincount(values.unit, weights=values.count * xv, minlength=n_units)
        s2 = np.bincount(values.unit, weights=values.count * xv**2, minlength=n_units)
        part = 2.0 * (m * s2 - s1**2)
        return float((part[pairable] / (m[pairable] - 1)).sum())
    pairs = value_pairs(data_values=values)
    return float(pairs.weight @ distances(level, domain, pairs.n_c, pairs.a, pairs.b))


def value_pairs(data: ReliabilityData | None = None, *,
                data_values: UnitValues | None = None) -> ValuePairs:
    """The pairs of values within the units of ``data`` rated by two or more coders."""
    found = data_values if data_values is not None else unit_values(data)  # type: ignore[arg-type]
    unit, value, counts, m, n_c = found.unit, found.value, found.count, found.m, found.n_c
    # all ordered pairs of entries within each unit (entries are sorted by unit)
    starts = np.flatnonzero(np.r_[True, unit[1:] != unit[:-1]])
    sizes = np.diff(np.r_[starts, len(unit)])
    per_entry = np.repeat(sizes, sizes)
    require_memory(float((per_entry.sum()) * 8 * 5), "the coincidences' value pairs",
                   None if data is None else data.source)
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
    (Σ_{g between a and b} n_g − (n_a + n_b)/2)² with the pairable value totals n_c, which
    is (M_a − M_b)² with M the mid-ranks `ordinal_positions`.
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
    mid = ordinal_positions(n_c)
    return (mid[a] - mid[b]) ** 2


def ordinal_positions(n_c: np.ndarray) -> np.ndarray:
    """Mid-ranks M_c = Σ_{g<c} n_g + n_c/2 (along the last axis): for c < k,
    Σ_{g=c..k} n_g − (n_c + n_k)/2 = M_k − M_c, so the ordinal metric is the interval metric
    on mid-ranks (exact: half-integers for integer counts)."""
    return np.cumsum(n_c, axis=-1) - np.asarray(n_c, dtype=float) / 2.0


def expected_sum(level: str, domain: np.ndarray, n_c: np.ndarray) -> float:
    """Σ_ck n_c n_k δ²_ck over the used values; streamed in blocks where no closed form."""
    used = np.flatnonzero(n_c > 0)
    n = n_c[used].astype(float)
    if level == "nominal":
        return float(n.sum() ** 2 - (n**2).sum())
    x = (ordinal_positions(n_c) if level == "ordinal" else np.asarray(domain, float))[used]
    if level in ("interval", "ordinal"):
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


def alpha_from_pairs(data: ReliabilityData) -> float:
    """Krippendorff's alpha of ``data`` at its level; NaN when the values do not vary."""
    values = unit_values(data)
    expected = expected_sum(data.level, data.domain, values.n_c)
    if not expected > 1e-12 * _scale(data.level, data.domain, values.n_c):
        return float("nan")
    observed = observed_sum(data.level, data.domain, values)
    return 1.0 - (values.n_c.sum() - 1.0) * observed / expected


def _scale(level: str, domain: np.ndarray, n_c: np.ndarray) -> float:
    """A size of the expected sum below which it is rounding, not variation."""
    n = float(n_c.sum()) ** 2
    if level in ("interval", "ordinal"):
        x = ordinal_positions(n_c) if level == "ordinal" else np.asarray(domain, float)
        return n * float((x[n_c > 0] ** 2).max(initial=0.0))
    return 0.0


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
