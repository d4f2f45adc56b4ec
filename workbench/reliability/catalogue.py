"""The registry of agreement coefficients that reports and the bootstrap iterate over.

Each `Coefficient` knows how to compute itself, which units it uses (the units a bootstrap
resamples), how to compute many resamples at once, and how to put its value into words.

>>> COEFFICIENTS.names()[:3]
['brennan_prediger', 'cohen_kappa', 'fleiss_kappa']
>>> COEFFICIENTS.get("krippendorff_alpha").label
"Krippendorff's alpha"
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from workbench.exceptions import ReliabilityDataError
from workbench.registry import Registry
from workbench.reliability import coefficients, gwet, resampling
from workbench.reliability.data import ReliabilityData
from workbench.reliability.limits import MemoryLimitError
from workbench.reliability.verdicts import alpha_verdict, landis_koch_band

Scale = Literal["alpha", "kappa", "agreement"]


@dataclass(frozen=True)
class Coefficient:
    """One agreement coefficient.

    Attributes
    ----------
    name, label : registry key and display name.
    compute : (data, **options) → float.
    scale : "alpha" (Krippendorff's verdict), "kappa" (Landis & Koch band) or "agreement".
    units : (data, **options) → boolean mask of the units the coefficient uses (resampled
        by the bootstrap).
    replicates : (data on those units, multiplicity (B, n), **options) → (B,) values.
    two_coders : True when the coefficient needs exactly two coders.
    resample_by : "counts" if units with equal value counts are interchangeable (the
        coefficient ignores who gave which value), "ratings" if not (Cohen's kappa).
    """

    name: str
    label: str
    compute: Callable[..., float]
    scale: Scale
    units: Callable[[ReliabilityData], np.ndarray]
    replicates: Callable[..., np.ndarray] | None = None
    two_coders: bool = False
    resample_by: str = "counts"

    def applies(self, data: ReliabilityData) -> bool:
        """Whether the coefficient can be computed for data with this many coders."""
        return data.n_coders == 2 if self.two_coders else data.n_coders >= 2

    def verdict(self, value: float) -> str:
        """The value in words: alpha verdict, kappa band, or '' for plain agreement."""
        if self.scale == "alpha":
            return alpha_verdict(value)
        if self.scale == "kappa":
            return landis_koch_band(value)
        return ""

    def __call__(self, data: ReliabilityData, **options: Any) -> float:
        return self.compute(data, **options)


def value_or_nan(function: Callable[..., float], data: ReliabilityData, **options: Any) -> float:
    """``function(data, **options)``, or NaN when the data cannot give a value (e.g. no unit
    rated by two coders). A `MemoryLimitError` is raised, not turned into NaN."""
    try:
        return float(function(data, **options))
    except MemoryLimitError:
        raise
    except ReliabilityDataError:
        return float("nan")


def _pairable(data: ReliabilityData, **_options: Any) -> np.ndarray:
    return data.pairable()


def _rated(data: ReliabilityData, **_options: Any) -> np.ndarray:
    return data.ratings_per_unit >= 1


def _both(data: ReliabilityData, **_options: Any) -> np.ndarray:
    return data.ratings_per_unit == 2


def _complete(data: ReliabilityData, **_options: Any) -> np.ndarray:
    m = data.ratings_per_unit
    return (m == m.max()) & (m >= 2)


def _gwet_replicates(chance: str, fixed: str | None) -> Callable[..., np.ndarray]:
    def replicates(
        data: ReliabilityData, multiplicity: np.ndarray, weights: Any = gwet.BY_LEVEL
    ) -> np.ndarray:
        matrix = gwet.resolve_weights(data, fixed if fixed is not None else weights)
        if data.n_categories < 2:
            return np.full(multiplicity.shape[0], 1.0 if chance == "none" else np.nan)
        parts = gwet.UnitAgreement.of(data.value_counts, matrix)
        return gwet.gwet_replicates(parts, multiplicity, matrix, chance)

    return replicates


def _cohen_replicates(
    data: ReliabilityData, multiplicity: np.ndarray, weights: Any = gwet.BY_LEVEL,
    scale: str = "rank",
) -> np.ndarray:
    chosen = coefficients.COHEN_LEVEL_WEIGHTS[data.level] if weights == gwet.BY_LEVEL else weights
    return resampling.cohen_replicates(data, multiplicity, chosen, scale)


def _fleiss_replicates(
    data: ReliabilityData, multiplicity: np.ndarray, units: str = "all"
) -> np.ndarray:
    if units == "complete":
        return resampling.fleiss_replicates(data.value_counts, multiplicity)
    if data.n_categories < 2:
        return np.full(multiplicity.shape[0], np.nan)
    parts = gwet.UnitAgreement.of(data.value_counts, None)
    return gwet.gwet_replicates(parts, multiplicity, None, "fleiss")


def _percent_replicates(
    data: ReliabilityData, multiplicity: np.ndarray, per: str = "unit"
) -> np.ndarray:
    if per == "pairable":
        return resampling.pairable_agreement_replicates(data, multiplicity)
    return _gwet_replicates("none", "identity")(data, multiplicity)


def _fleiss_units(data: ReliabilityData, units: str = "all", **_options: Any) -> np.ndarray:
    return _complete(data) if units == "complete" else _rated(data)


COEFFICIENTS: Registry[Coefficient] = Registry("agreement coefficient")

for _entry in (
    Coefficient(
        "krippendorff_alpha", "Krippendorff's alpha", coefficients.krippendorff_alpha,
        "alpha", _pairable, resampling.alpha_replicates,
    ),
    Coefficient(
        "percent_agreement", "Percent agreement", coefficients.percent_agreement,
        "agreement", _pairable, _percent_replicates,
    ),
    Coefficient(
        "cohen_kappa", "Cohen's kappa", coefficients.cohen_kappa, "kappa",
        _both, _cohen_replicates, two_coders=True,
        resample_by="ratings",
    ),
    Coefficient(
        "fleiss_kappa", "Fleiss' kappa", coefficients.fleiss_kappa, "kappa",
        _fleiss_units, _fleiss_replicates,
    ),
    Coefficient(
        "gwet_ac1", "Gwet's AC1", gwet.gwet_ac1, "kappa", _rated,
        _gwet_replicates("gwet", "identity"),
    ),
    Coefficient(
        "gwet_ac2", "Gwet's AC2", gwet.gwet_ac2, "kappa", _rated, _gwet_replicates("gwet", None),
    ),
    Coefficient(
        "brennan_prediger", "Brennan–Prediger", gwet.brennan_prediger, "kappa", _rated,
        _gwet_replicates("uniform", None),
    ),
):
    COEFFICIENTS.register(_entry.name, _entry)
