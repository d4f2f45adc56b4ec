"""Agreement coefficients on `ReliabilityData`: one public function each.

Every function takes the units × coders data of one variable and returns a float; NaN means
the coefficient is undefined for these data (e.g. every rating has the same value, so
chance agreement is 1). Values are compared as numbers wherever they are numbers (see
`data`), so half-point, negative and any other numeric scales work at every level. Where
peers define a coefficient differently, the default is stated and the others are offered by
name. Gwet's AC1/AC2 and Brennan–Prediger live in `gwet`.

>>> data = ReliabilityData.from_matrix([[1, 1], [2, 2], [1, 2], [2, 2]], "nominal")
>>> percent_agreement(data), round(cohen_kappa(data), 4)
(0.75, 0.5)
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from workbench.exceptions import ParameterError, ReliabilityDataError
from workbench.reliability.coincidences import alpha_from_pairs, pairable_agreement
from workbench.reliability.data import Level, ReliabilityData
from workbench.reliability.gwet import (
    BY_LEVEL,
    identity_coefficient,
    require_pairable,
    weighted_agreement,
)
from workbench.reliability.limits import require_memory

#: Cohen's kappa weights used with ``weights="by_level"`` (None = unweighted).
COHEN_LEVEL_WEIGHTS: dict[Level, str | None] = {
    "nominal": None,
    "ordinal": "linear",
    "interval": "quadratic",
    "ratio": "quadratic",
}
COHEN_WEIGHTS = (None, "linear", "quadratic")
WeightScale = Literal["rank", "value"]
WEIGHT_SCALES = ("rank", "value")
AgreementBasis = Literal["unit", "pairable"]
FleissUnits = Literal["all", "complete"]


def percent_agreement(data: ReliabilityData, per: AgreementBasis = "unit") -> float:
    """Percent agreement: exact agreement at every level of measurement.

    ``per="unit"`` (default; Gwet 2014, p_a with identity weights, as irrCAC): the share of
    agreeing pairs of ratings within a unit, averaged over units with two or more ratings
    (each unit weighs the same). ``per="pairable"`` (Krippendorff 2011): Σ_c o_cc / n.., the
    share of pairable *values* matched in their unit (units weigh by their ratings). The two
    are equal when every unit has the same number of ratings.
    """
    if per == "unit":
        return weighted_agreement(data, None)
    if per == "pairable":
        require_pairable(data)
        return pairable_agreement(data)
    raise ParameterError(f"unknown percent agreement basis '{per}'; expected unit or pairable",
                         field="per")


def krippendorff_alpha(data: ReliabilityData) -> float:
    """Krippendorff's alpha at the data's level (nominal, ordinal, interval or ratio).

    Any number of coders and missing ratings; units with one rating drop out. Computed from
    the pairs of values within units (`coincidences`), so memory does not grow with the
    number of distinct values squared. Checked against the ``krippendorff`` package and NLTK.
    Source: Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability.
    Returns NaN when the pairable values show no variation (alpha = 0/0).
    """
    require_pairable(data)
    return alpha_from_pairs(data)


def cohen_weights(domain: np.ndarray, weights: str | None, scale: str) -> np.ndarray:
    """Disagreement weights of Cohen's (1968) weighted kappa, shape (q, q).

    None: 0 on the diagonal, 1 elsewhere; linear |d|; quadratic d², with d the difference of
    the two values' ranks in the domain (``scale="rank"``) or of the values themselves
    (``scale="value"``). Kappa is unchanged by rescaling the weights.
    """
    q = len(domain)
    positions = np.arange(q, dtype=float) if scale == "rank" else np.asarray(domain, float)
    step = np.abs(positions[:, None] - positions[None, :])
    if weights is None:
        return (step > 0).astype(float)
    return step if weights == "linear" else step**2


def _check_cohen(data: ReliabilityData, weights: str | None, scale: str) -> str | None:
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
    if scale not in WEIGHT_SCALES:
        raise ParameterError(f"unknown weight scale '{scale}'; expected rank or value",
                             field="scale")
    return chosen


def cohen_kappa(data: ReliabilityData, weights: str | None = BY_LEVEL,
                scale: WeightScale = "rank") -> float:
    """Cohen's kappa for exactly two coders, on the units both rated.

    κ_w = 1 − Σ_ij w_ij C_ij / Σ_ij w_ij E_ij, with C the table of the two coders' values,
    E = (row totals × column totals)/n, and disagreement weights w (`cohen_weights`).
    ``weights``: "by_level" (nominal → unweighted, ordinal → linear, interval/ratio →
    quadratic), None, "linear" or "quadratic" (Cohen 1968). ``scale``: "rank" (default;
    distance of the values' positions in the domain, as R irr ``kappa2``, statsmodels and
    scikit-learn do) or "value" (distance of the values, as Gwet 2014 and irrCAC do); the
    two agree on equally spaced scales. Any numeric domain (half points, negatives).
    Sources: Cohen, J. (1960). Educ. Psychol. Meas. 20, 37–46; Cohen (1968). Psychol. Bull.
    70(4), 213–220.
    """
    chosen = _check_cohen(data, weights, scale)
    both = data.ratings_per_unit == 2
    if not both.any():
        raise ReliabilityDataError(
            f"coders {data.coders[0]} and {data.coders[1]} rated no unit in common",
            path=data.source,
            field="unit",
        )
    a = np.searchsorted(data.domain, data.matrix[both, 0])
    b = np.searchsorted(data.domain, data.matrix[both, 1])
    if np.unique(np.concatenate([a, b])).size < 2:
        return float("nan")
    q, n = data.n_categories, len(a)
    rows = np.bincount(a, minlength=q) / n
    cols = np.bincount(b, minlength=q) / n
    if chosen is None:  # no q × q array: any number of categories
        expected = 1.0 - float(rows @ cols)
        observed = float(np.mean(a != b))
    else:
        require_memory(q * q * 8.0 * 3, f"weighted Cohen's kappa over {q:,} values",
                       data.source)
        w = cohen_weights(data.domain, chosen, scale)
        expected = float(rows @ w @ cols)
        observed = float(w[a, b].mean())
    return float("nan") if expected <= 0 else 1.0 - observed / expected


def fleiss_kappa(data: ReliabilityData, units: FleissUnits = "all") -> float:
    """Fleiss' kappa (nominal: categories unordered at every level).

    κ = (p_a − p_e)/(1 − p_e), p_e = Σ_k π_k². ``units="all"`` (default; Gwet's
    generalisation to missing ratings, Gwet 2014 ch. 4 and irrCAC ``fleiss_kappa``): p_a over
    units with two or more ratings, π_k the mean share of category k over rated units.
    ``units="complete"`` (Fleiss 1971, R irr ``kappam.fleiss``, statsmodels): only the
    units with the largest number m of ratings, P_i = (Σ_k n_ik² − m)/(m(m − 1)). Both are
    Fleiss (1971) when every unit has the same number of ratings. NaN when no variation.
    Source: Fleiss, J. L. (1971). Psychol. Bull. 76(5), 378–382.
    """
    if units == "all":
        require_pairable(data)
        if data.n_categories < 2:
            return float("nan")
        return identity_coefficient(data, "fleiss")
    if units != "complete":
        raise ParameterError(f"unknown Fleiss units '{units}'; expected all or complete",
                             field="units")
    table = complete_unit_counts(data).astype(float)
    if table.shape[0] == 0:
        raise ReliabilityDataError(
            "no unit has the full number of ratings; Fleiss' kappa uses complete units only",
            path=data.source,
            field="unit",
        )
    if np.count_nonzero(table.sum(axis=0)) < 2:
        return float("nan")
    m = table.sum(axis=1)[0]
    p_bar = float((((table**2).sum(axis=1) - m) / (m * (m - 1))).mean())
    p_e = float(((table.sum(axis=0) / table.sum()) ** 2).sum())
    return (p_bar - p_e) / (1.0 - p_e)


def complete_unit_counts(data: ReliabilityData) -> np.ndarray:
    """Value counts (units × categories) of units with the most ratings (≥ 2)."""
    require_pairable(data)
    m = data.ratings_per_unit
    return data.value_counts[m == m.max()]
