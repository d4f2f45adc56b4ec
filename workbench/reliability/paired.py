"""Paired tests of one rater against another on the same units: does one apply a code more?

McNemar's exact test (McNemar 1947; the exact binomial form, Fagerland, Lydersen & Laake 2013):
of the ``b + c`` discordant units — the first rater applied the code and the second did not
(``b``), or the reverse (``c``) — under no bias each is equally likely, so the two-sided p is
``min(1, 2 · P(X ≤ min(b, c)))`` with X ~ Binomial(b + c, ½). Many such tests (codes × coders)
are adjusted by Holm's (1979) step-down method, which bounds the family-wise error rate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value for ``b`` and ``c`` discordant units (1.0 if none)."""
    if b < 0 or c < 0:
        raise ValueError(f"discordant counts must be ≥ 0, got {b}, {c}")
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(b, c) + 1)) / 2.0 ** n
    return min(1.0, 2.0 * tail)


def holm(p_values: Sequence[float]) -> np.ndarray:
    """Holm-adjusted p-values, in the order given (monotone, capped at 1)."""
    p = np.asarray(p_values, dtype=float)
    m = p.size
    if m == 0:
        return p
    order = np.argsort(p, kind="stable")
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out
