"""Hayes & Krippendorff's (2007) bootstrap of alpha: pairs of values drawn from the coincidences.

Krippendorff's algorithm (the KALPHA macro for SPSS/SAS): with the observed coincidences o_ck,
their total n.. and the expected disagreement D_e = Σ_ck n_c (n_k − [c = k]) δ²_ck /
(n.. (n.. − 1)) kept fixed, each resample draws M pairs of values, the pair (c, k), c ≤ k,
with probability o_cc/n.. on the diagonal and 2 o_ck/n.. off it, and gives
alpha* = 1 − Σ δ²(drawn pairs) / (M D_e), bounded below by −1. M = min(25 × the number of
non-zero coincidences, (m − 1) n.. / 2), m the number of coders.

A resample whose pairs all hold one and the same value has no variation (alpha = 0/0): it is
NaN here, and `bootstrap` drops it (``undefined="drop"``) or counts it as 0 as KALPHA does
(``undefined="zero"``; KALPHA estimates how many such resamples to expect and zeroes that many).
Source: Hayes, A. F. & Krippendorff, K. (2007). Communication Methods and Measures 1(1),
77–89; Krippendorff, "Algorithm for bootstrapping a distribution of c-alpha" (alphaboot.pdf).
"""

from __future__ import annotations

import numpy as np

from workbench.reliability.coincidences import distances, expected_sum, value_pairs
from workbench.reliability.data import ReliabilityData
from workbench.reliability.gwet import require_pairable
from workbench.reliability.resampling import BLOCK


def kalpha_cells(
    data: ReliabilityData,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, float]:
    """The cells c ≤ k of the coincidences: draw probabilities, δ², whether c = k, M, D_e."""
    require_pairable(data)
    pairs = value_pairs(data)
    q = data.n_categories
    lo, hi = np.minimum(pairs.a, pairs.b), np.maximum(pairs.a, pairs.b)
    cells, inverse = np.unique(lo.astype(np.int64) * q + hi, return_inverse=True)
    weight = np.bincount(inverse.ravel(), weights=pairs.weight)  # o_cc, or o_ck + o_kc
    a, b = cells // q, cells % q
    n = pairs.total
    probability = weight / n
    delta = distances(data.level, data.domain, pairs.n_c, a, b)
    nonzero = int(np.count_nonzero(weight[a == b] > 0) + 2 * np.count_nonzero(weight[a != b] > 0))
    m = int(min(25 * nonzero, (data.n_coders - 1) * n / 2))
    expected = expected_sum(data.level, data.domain, pairs.n_c) / (n * (n - 1.0))
    return probability, delta, a == b, max(m, 1), expected


def kalpha_replicates(data: ReliabilityData, n_resamples: int, seed: int) -> np.ndarray:
    """B resampled alphas by Krippendorff's algorithm, shape (B,); NaN = no variation."""
    probability, delta, diagonal, m, expected = kalpha_cells(data)
    out = np.empty(n_resamples)
    if not expected > 0:
        out[:] = np.nan
        return out
    rng = np.random.default_rng(seed)
    done = 0
    while done < n_resamples:
        size = min(BLOCK, n_resamples - done)
        counts = rng.multinomial(m, probability / probability.sum(), size=size)
        alpha = np.maximum(1.0 - (counts @ delta) / (m * expected), -1.0)
        single = (counts == m) & diagonal[None, :]
        out[done:done + size] = np.where(single.any(axis=1), np.nan, alpha)
        done += size
    return out
