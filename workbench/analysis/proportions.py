"""Proportions with Wilson score intervals.

Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
JASA 22, 209–212. Newcombe, R. G. (1998). Two-sided confidence intervals for the single
proportion: comparison of seven methods. Statistics in Medicine 17, 857–872 (method 3).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from workbench.exceptions import ParameterError


def wilson_interval(
    count: np.ndarray | pd.Series | float, nobs: np.ndarray | pd.Series | float,
    confidence: float = 0.95,
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``count`` successes in ``nobs`` trials.

    Returns ``(low, high)`` as proportions in [0, 1]; NaN where ``nobs`` is 0.

    >>> low, high = wilson_interval(81, 263)
    >>> round(float(low), 4), round(float(high), 4)
    (0.2553, 0.3662)
    """
    if not 0 < confidence < 1:
        raise ParameterError(f"confidence {confidence!r}; expected a number between 0 and 1",
                             field="confidence")
    count_arr = np.atleast_1d(np.asarray(count, dtype=float))
    nobs_arr = np.atleast_1d(np.asarray(nobs, dtype=float))
    count_arr, nobs_arr = np.broadcast_arrays(count_arr, nobs_arr)
    low = np.full(count_arr.shape, np.nan)
    high = np.full(count_arr.shape, np.nan)
    ok = nobs_arr > 0
    if ok.any():
        lo, hi = proportion_confint(count_arr[ok], nobs_arr[ok], alpha=1 - confidence,
                                    method="wilson")
        low[ok], high[ok] = np.clip(lo, 0, 1), np.clip(hi, 0, 1)
    if np.ndim(count) == 0 and np.ndim(nobs) == 0:
        return low[0], high[0]
    return low, high


def add_rate_columns(
    table: pd.DataFrame, count: str, nobs: str, *, prefix: str = "pct",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Add ``{prefix}``, ``{prefix}_low``, ``{prefix}_high`` (percent, Wilson) to ``table``."""
    out = table.copy()
    counts = out[count].to_numpy(dtype=float)
    bases = out[nobs].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(bases > 0, counts / np.where(bases > 0, bases, 1), np.nan)
    low, high = wilson_interval(counts, bases, confidence)
    out[prefix] = 100 * share
    out[f"{prefix}_low"] = 100 * np.asarray(low)
    out[f"{prefix}_high"] = 100 * np.asarray(high)
    return out
