"""Bootstrap confidence intervals for agreement coefficients, by resampling units.

Units (not single ratings) are drawn with replacement from the units the coefficient uses,
B times; each resample's coefficient is computed, and the percentile interval of those
values is reported (Efron & Tibshirani 1993, ch. 13). For Krippendorff's alpha, bootstrapped
intervals and the probability q that alpha falls below a required minimum
(`BootstrapResult.prob_below`) follow Hayes & Krippendorff (2007), Communication Methods and
Measures 1(1), 77–89. Their KALPHA macro, however, draws *pairs of values* from the observed
coincidences and keeps the expected disagreement fixed; this module resamples whole units
(keeping each unit's ratings together) and recomputes both disagreements, so its intervals
differ from KALPHA's. Both are offered: ``method="units"`` (default, every coefficient) or
``method="kalpha"`` (Krippendorff's alpha only; `kalpha`).

A resample can leave a coefficient undefined (no variation: 0/0). ``undefined="drop"``
(default) leaves those out of the interval and reports how many (``n_undefined``);
``undefined="zero"`` counts them as 0, as KALPHA does.

Results depend only on the data, the coefficient, ``n_resamples`` and ``seed``.

>>> from workbench.reliability.data import ReliabilityData
>>> data = ReliabilityData.from_matrix([[1, 1], [2, 2], [1, 2], [2, 2], [1, 1]], "nominal")
>>> result = bootstrap(data, "percent_agreement", n_resamples=200, seed=1)
>>> result.estimate, result.low <= result.estimate <= result.high
(0.8, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from workbench.exceptions import ParameterError, ReliabilityDataError
from workbench.reliability.catalogue import COEFFICIENTS, Coefficient
from workbench.reliability.data import ReliabilityData
from workbench.reliability.kalpha import kalpha_replicates
from workbench.reliability.resampling import UnitTypes, resample_blocks, resample_type_counts

METHODS = ("units", "kalpha")
UNDEFINED = ("drop", "zero")


@dataclass(frozen=True)
class BootstrapResult:
    """A coefficient with its percentile bootstrap interval.

    ``replicates`` holds the B resampled values (NaN where a resample left the coefficient
    undefined, e.g. no variation; 0 there with ``undefined="zero"``); ``n_valid`` counts the
    defined ones and ``n_undefined`` the others; the interval uses ``n_used`` of them.
    """

    coefficient: str
    estimate: float
    low: float
    high: float
    confidence: float
    n_resamples: int
    n_valid: int
    seed: int
    replicates: np.ndarray
    method: str = "units"
    undefined: str = "drop"
    n_undefined: int = 0

    @property
    def n_used(self) -> int:
        """Resamples the interval is computed from."""
        return self.n_resamples if self.undefined == "zero" else self.n_valid

    @property
    def ci(self) -> tuple[float, float]:
        return (self.low, self.high)

    @property
    def width(self) -> float:
        return self.high - self.low

    def prob_below(self, minimum: float) -> float:
        """Share of defined resamples whose value is below ``minimum`` (Hayes & Krippendorff q)."""
        valid = self.replicates[~np.isnan(self.replicates)]
        return float((valid < minimum).mean()) if valid.size else float("nan")


def bootstrap(
    data: ReliabilityData,
    coefficient: str | Coefficient = "krippendorff_alpha",
    *,
    n_resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    method: str = "units",
    undefined: str = "drop",
    **options: Any,
) -> BootstrapResult:
    """Estimate a coefficient and its percentile bootstrap interval.

    Parameters
    ----------
    data : the ratings of one variable.
    coefficient : a name in `COEFFICIENTS` or a `Coefficient`.
    n_resamples : number of resamples B (0 gives the estimate with a NaN interval).
    seed : seed of the resampling; equal seeds give equal intervals.
    confidence : coverage of the interval, e.g. 0.95 for the 2.5th–97.5th percentiles.
    method : "units" (resample whole units) or "kalpha" (Hayes & Krippendorff 2007: pairs
        of values from the coincidences, Krippendorff's alpha only).
    undefined : "drop" undefined resamples (counted in ``n_undefined``) or count them as
        "zero" (KALPHA).
    options : passed to the coefficient (e.g. ``weights``).
    """
    entry = COEFFICIENTS.get(coefficient) if isinstance(coefficient, str) else coefficient
    if method not in METHODS:
        raise ParameterError(f"unknown bootstrap method '{method}'; expected one of: "
                             f"{', '.join(METHODS)}", field="method")
    if undefined not in UNDEFINED:
        raise ParameterError(f"unknown treatment of undefined resamples '{undefined}'; "
                             f"expected one of: {', '.join(UNDEFINED)}", field="undefined")
    if method == "kalpha" and entry.name != "krippendorff_alpha":
        raise ParameterError(f"the kalpha bootstrap is for Krippendorff's alpha only, not "
                             f"{entry.label}; use method='units'", field="method")
    if not 0 < confidence < 1:
        raise ParameterError(
            f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence}",
            field="confidence",
        )
    if n_resamples < 0:
        raise ParameterError(
            f"n_resamples must be 0 or more, got {n_resamples}", field="n_resamples"
        )
    estimate = entry.compute(data, **options)
    if method == "kalpha":
        replicates = kalpha_replicates(data, n_resamples, seed)
    else:
        pool = data.take(entry.units(data, **options))
        replicates = _replicates(entry, pool, n_resamples, seed, options)
    undefined_mask = np.isnan(replicates)
    n_valid = int((~undefined_mask).sum())
    if undefined == "zero":
        replicates = np.where(undefined_mask, 0.0, replicates)
    valid = replicates[~np.isnan(replicates)]
    if valid.size:
        tail = (1.0 - confidence) / 2.0
        low, high = np.quantile(valid, [tail, 1.0 - tail])
    else:
        low = high = float("nan")
    return BootstrapResult(
        coefficient=entry.name,
        estimate=float(estimate),
        low=float(low),
        high=float(high),
        confidence=confidence,
        n_resamples=n_resamples,
        n_valid=n_valid,
        seed=seed,
        replicates=replicates,
        method=method,
        undefined=undefined,
        n_undefined=n_resamples - n_valid,
    )


def _replicates(
    entry: Coefficient, pool: ReliabilityData, n_resamples: int, seed: int, options: dict
) -> np.ndarray:
    out = np.empty(n_resamples)
    done = 0
    if entry.replicates is not None:
        types = UnitTypes.of(pool, entry.resample_by)
        for counts in resample_type_counts(types, n_resamples, seed):
            out[done : done + len(counts)] = entry.replicates(types.data, counts, **options)
            done += len(counts)
        return out
    for indices in resample_blocks(pool.n_units, n_resamples, seed):
        out[done : done + len(indices)] = [_one(entry, pool.take(row), options) for row in indices]
        done += len(indices)
    return out


def _one(entry: Coefficient, resample: ReliabilityData, options: dict) -> float:
    """The coefficient of one explicit resample (the slow path, for coefficients without a
    vectorised form); NaN when the resample leaves it undefined."""
    try:
        return entry.compute(resample, **options)
    except ReliabilityDataError:
        return float("nan")
