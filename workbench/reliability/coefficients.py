"""Agreement coefficients on `ReliabilityData`: one public function each.

Every function takes the units × coders data of one variable and returns a float; NaN means
the coefficient is undefined for these data (e.g. every rating has the same value, so
chance agreement is 1). Gwet's AC1/AC2 and Brennan–Prediger live in `gwet`.

>>> data = ReliabilityData.from_matrix([[1, 1], [2, 2], [1, 2], [2, 2]], "nominal")
>>> percent_agreement(data), round(cohen_kappa(data), 4)
(0.75, 0.5)
"""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as _statsmodels_fleiss_kappa

from workbench.exceptions import ParameterError, ReliabilityDataError
from workbench.reliability.data import Level, ReliabilityData
from workbench.reliability.gwet import BY_LEVEL, require_pairable, weighted_agreement

#: Cohen's kappa weights used with ``weights="by_level"`` (None = unweighted).
COHEN_LEVEL_WEIGHTS: dict[Level, str | None] = {
    "nominal": None,
    "ordinal": "linear",
    "interval": "quadratic",
    "ratio": "quadratic",
}
COHEN_WEIGHTS = (None, "linear", "quadratic")


def percent_agreement(data: ReliabilityData) -> float:
    """Pairwise percent agreement: the share of agreeing pairs of ratings within a unit.

    Averaged over units with two or more ratings (each unit weighs the same); exact
    agreement at every level of measurement (Gwet 2014, p_a with identity weights).
    """
    return weighted_agreement(data, None)


def krippendorff_alpha(data: ReliabilityData) -> float:
    """Krippendorff's alpha at the data's level (nominal, ordinal, interval or ratio).

    Any number of coders and missing ratings; units with one rating drop out. Computed by
    the ``krippendorff`` package from per-unit value counts (n_uc).
    Source: Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability.
    Returns NaN when the pairable values show no variation (alpha = 0/0).
    """
    require_pairable(data)
    counts = data.value_counts[data.pairable()]
    if np.count_nonzero(counts.sum(axis=0)) < 2:
        return float("nan")
    return float(
        krippendorff.alpha(
            value_counts=counts,
            value_domain=data.domain,
            level_of_measurement=data.level,
        )
    )


def cohen_kappa(data: ReliabilityData, weights: str | None = BY_LEVEL) -> float:
    """Cohen's kappa for exactly two coders, on the units both rated.

    ``weights``: "by_level" (nominal → unweighted, ordinal → linear, interval/ratio →
    quadratic), None, "linear" or "quadratic" (Cohen 1968). Weights follow the rank of the
    value in the domain, as scikit-learn's ``cohen_kappa_score`` (which computes it) does.
    Source: Cohen, J. (1960). Educ. Psychol. Meas. 20, 37–46.
    """
    if data.n_coders != 2:
        raise ReliabilityDataError(
            f"Cohen's kappa needs exactly two coders, got {data.n_coders} "
            f"({', '.join(data.coders)}); use fleiss_kappa or krippendorff_alpha",
            path=data.source,
            field="coder",
        )
    chosen = COHEN_LEVEL_WEIGHTS[data.level] if weights == BY_LEVEL else weights
    if chosen not in COHEN_WEIGHTS:
        raise ParameterError(
            f"unknown Cohen's kappa weights '{weights}'; expected by_level, None, linear "
            "or quadratic",
            field="weights",
        )
    both = data.ratings_per_unit == 2
    if not both.any():
        raise ReliabilityDataError(
            f"coders {data.coders[0]} and {data.coders[1]} rated no unit in common",
            path=data.source,
            field="unit",
        )
    a, b = data.matrix[both, 0], data.matrix[both, 1]
    if np.unique(np.concatenate([a, b])).size < 2:
        return float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(cohen_kappa_score(a, b, labels=data.domain, weights=chosen))


def fleiss_kappa(data: ReliabilityData) -> float:
    """Fleiss' kappa (nominal) on *complete* units only, computed by statsmodels.

    Fleiss (1971) needs the same number m of ratings per unit (not the same coders): m is
    the largest number of ratings any unit has, and units with fewer ratings are dropped.
    Categories are treated as nominal at every level. NaN when no variation.
    Source: Fleiss, J. L. (1971). Psychol. Bull. 76(5), 378–382.
    """
    table = complete_unit_counts(data)
    if table.shape[0] == 0:
        raise ReliabilityDataError(
            "no unit has the full number of ratings; Fleiss' kappa uses complete units only",
            path=data.source,
            field="unit",
        )
    if np.count_nonzero(table.sum(axis=0)) < 2:
        return float("nan")
    return float(_statsmodels_fleiss_kappa(table, method="fleiss"))


def complete_unit_counts(data: ReliabilityData) -> np.ndarray:
    """Value counts (units × categories) of units with the most ratings (≥ 2)."""
    require_pairable(data)
    m = data.ratings_per_unit
    return data.value_counts[m == m.max()]
