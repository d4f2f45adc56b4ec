"""Plain loop implementations of agreement coefficients, written from the published formulas.

An independent oracle for the tests: no numpy vectorisation, no code shared with
`workbench.reliability`; a ratings matrix is a list of rows (units) of values or None.
Sources: Gwet (2014) *Handbook of Inter-Rater Reliability*, 4th ed., ch. 2–4 (p_a, π_k,
AC1/AC2, Brennan–Prediger, Fleiss generalised to missing ratings), Krippendorff (2011) for
the coincidences.
"""

from __future__ import annotations

from collections import Counter

Ratings = list[list[float | None]]


def _units(ratings: Ratings) -> list[list[float]]:
    return [[v for v in row if v is not None] for row in ratings]


def _weight(x: float, y: float, kind: str, lo: float, hi: float) -> float:
    if kind == "identity":
        return 1.0 if x == y else 0.0
    if kind == "quadratic":
        return 1.0 - (x - y) ** 2 / (hi - lo) ** 2
    if kind == "linear":
        return 1.0 - abs(x - y) / (hi - lo)
    raise ValueError(kind)


def gwet_parts(ratings: Ratings, domain: list[float], kind: str = "identity"
               ) -> tuple[float, list[float]]:
    """Gwet's p_a (mean over units with ≥ 2 ratings) and π_k (mean over rated units)."""
    lo, hi = min(domain), max(domain)
    agree, n_pairable = 0.0, 0
    shares = [0.0] * len(domain)
    n_rated = 0
    for values in _units(ratings):
        r = len(values)
        if r >= 1:
            n_rated += 1
            for k, c in enumerate(domain):
                shares[k] += values.count(c) / r
        if r < 2:
            continue
        n_pairable += 1
        total = 0.0
        for i, x in enumerate(values):
            for j, y in enumerate(values):
                if i != j:
                    total += _weight(x, y, kind, lo, hi)
        agree += total / (r * (r - 1))
    return agree / n_pairable, [s / n_rated for s in shares]


def percent_agreement_per_unit(ratings: Ratings, domain: list[float]) -> float:
    return gwet_parts(ratings, domain)[0]


def ac(ratings: Ratings, domain: list[float], kind: str = "identity") -> float:
    """Gwet's AC1 (identity) / AC2 (other weights)."""
    pa, pi = gwet_parts(ratings, domain, kind)
    q = len(domain)
    lo, hi = min(domain), max(domain)
    t_w = sum(_weight(x, y, kind, lo, hi) for x in domain for y in domain)
    pe = t_w / (q * (q - 1)) * sum(p * (1 - p) for p in pi)
    return (pa - pe) / (1 - pe)


def brennan_prediger(ratings: Ratings, domain: list[float], kind: str = "identity") -> float:
    pa, _ = gwet_parts(ratings, domain, kind)
    q = len(domain)
    lo, hi = min(domain), max(domain)
    pe = sum(_weight(x, y, kind, lo, hi) for x in domain for y in domain) / q**2
    return (pa - pe) / (1 - pe)


def fleiss_generalised(ratings: Ratings, domain: list[float]) -> float:
    """Fleiss' kappa with missing ratings: Gwet's p_a, p_e = Σ π_k² (irrCAC fleiss_kappa)."""
    pa, pi = gwet_parts(ratings, domain)
    pe = sum(p * p for p in pi)
    return (pa - pe) / (1 - pe)


def pairable_agreement(ratings: Ratings) -> float:
    """Σ_c o_cc / n.. from Krippendorff's coincidences, pair by pair."""
    agree = total = 0.0
    for values in _units(ratings):
        m = len(values)
        if m < 2:
            continue
        total += m
        for i, x in enumerate(values):
            for j, y in enumerate(values):
                if i != j and x == y:
                    agree += 1.0 / (m - 1)
    return agree / total


def cohen_table(ratings: Ratings) -> tuple[list[float], list[list[int]]]:
    """The sorted values and the two coders' table over the units both rated."""
    pairs = [(row[0], row[1]) for row in ratings if row[0] is not None and row[1] is not None]
    values = sorted({v for pair in pairs for v in pair})
    counts = Counter(pairs)
    return values, [[counts[(x, y)] for y in values] for x in values]


def kalpha_loop(ratings: Ratings, distance, n_resamples: int, seed: int) -> list[float]:
    """Krippendorff's alphaboot algorithm pair by pair: uniform draws looked up in the
    cumulative pair probabilities (as the R ``kripp.boot`` port of KALPHA does)."""
    import random

    rng = random.Random(seed)
    units = [u for u in _units(ratings) if len(u) >= 2]
    values = sorted({v for u in units for v in u})
    coinc = {(c, k): 0.0 for c in values for k in values}
    for u in units:
        for i, x in enumerate(u):
            for j, y in enumerate(u):
                if i != j:
                    coinc[(x, y)] += 1.0 / (len(u) - 1)
    n = sum(coinc.values())
    n_c = {c: sum(coinc[(c, k)] for k in values) for c in values}
    d = {(c, k): distance(c, k, n_c, values) for c in values for k in values}
    d_e = sum(n_c[c] * (n_c[k] - (c == k)) * d[(c, k)] for c in values for k in values) / (
        n * (n - 1))
    cells = [(c, k) for i, c in enumerate(values) for k in values[i:]]
    cumulative, total = [], 0.0
    for c, k in cells:
        total += coinc[(c, k)] / n * (1 if c == k else 2)
        cumulative.append(total)
    nonzero = sum(1 for v in coinc.values() if v > 0)
    n_coders = len(ratings[0])
    m = int(min(25 * nonzero, (n_coders - 1) * n / 2))
    out = []
    for _ in range(n_resamples):
        s = 0.0
        for _ in range(m):
            r = rng.random() * total
            index = next(i for i, edge in enumerate(cumulative) if r <= edge)
            s += d[cells[index]]
        out.append(max(1.0 - s / (m * d_e), -1.0))
    return out
