"""Which definition of each coefficient is computed, where peers differ, in words.

`Choices` holds the caller's choice for every coefficient with common alternatives (defaults
first); `definition` states it for a report, with its source.

>>> definition("fleiss_kappa", "nominal", Choices())
"Fleiss' kappa over all units, missing ratings allowed (Gwet 2014's generalisation, irrCAC)"
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workbench.exceptions import ParameterError
from workbench.reliability.coefficients import COHEN_LEVEL_WEIGHTS

#: option → its allowed values, default first.
ALTERNATIVES: dict[str, tuple[str, ...]] = {
    "agreement": ("unit", "pairable"),
    "fleiss": ("all", "complete"),
    "weights_by": ("rank", "value"),
    "bootstrap": ("units", "kalpha"),
    "undefined": ("drop", "zero"),
}


@dataclass(frozen=True)
class Choices:
    """The definition to compute where peers differ (defaults first in `ALTERNATIVES`).

    agreement : percent agreement per "unit" (Gwet) or over "pairable" values (Krippendorff).
    fleiss : Fleiss' kappa over "all" units (Gwet's generalisation) or "complete" ones only.
    weights_by : Cohen's weights by "rank" in the domain (R irr, statsmodels, scikit-learn)
        or by "value" (Gwet, irrCAC).
    bootstrap : alpha's interval by resampling "units" or KALPHA's pairs ("kalpha").
    undefined : resamples without a value "drop"ped (and counted) or counted as "zero".
    """

    agreement: str = "unit"
    fleiss: str = "all"
    weights_by: str = "rank"
    bootstrap: str = "units"
    undefined: str = "drop"

    def __post_init__(self) -> None:
        for name, allowed in ALTERNATIVES.items():
            if getattr(self, name) not in allowed:
                raise ParameterError(
                    f"unknown {name} '{getattr(self, name)}'; expected one of: "
                    f"{', '.join(allowed)}", field=name,
                )

    def options(self, coefficient: str) -> dict[str, Any]:
        """Keyword options of ``coefficient`` for these choices."""
        return {
            "percent_agreement": {"per": self.agreement},
            "fleiss_kappa": {"units": self.fleiss},
            "cohen_kappa": {"scale": self.weights_by},
        }.get(coefficient, {})


def definition(coefficient: str, level: str, choices: Choices) -> str:
    """One line saying what ``coefficient`` computes at ``level`` with ``choices``."""
    if coefficient == "percent_agreement":
        if choices.agreement == "unit":
            return ("Percent agreement: agreeing pairs of ratings per unit, averaged over "
                    "units with ≥ 2 ratings (Gwet 2014)")
        return ("Percent agreement: share of pairable values matched in their unit "
                "(Krippendorff 2011)")
    if coefficient == "krippendorff_alpha":
        interval = ("KALPHA pairs of values, Hayes & Krippendorff 2007" if
                    choices.bootstrap == "kalpha" else "resampled units")
        undefined = ("undefined resamples dropped (see valid)" if choices.undefined == "drop"
                     else "undefined resamples counted as 0")
        return (f"Krippendorff's alpha at the {level} level, units with ≥ 2 ratings "
                f"(Krippendorff 2011); interval from {interval}, {undefined}")
    if coefficient == "fleiss_kappa":
        if choices.fleiss == "all":
            return ("Fleiss' kappa over all units, missing ratings allowed (Gwet 2014's "
                    "generalisation, irrCAC)")
        return "Fleiss' kappa over the units with the most ratings only (Fleiss 1971, R irr)"
    if coefficient == "cohen_kappa":
        weights = COHEN_LEVEL_WEIGHTS[level]  # type: ignore[index]
        if weights is None:
            return "Cohen's kappa, unweighted, on units both coders rated (Cohen 1960)"
        by = ("rank in the domain (R irr, statsmodels)" if choices.weights_by == "rank"
              else "value (Gwet 2014, irrCAC)")
        return f"Cohen's kappa, {weights} weights by {by}, on units both coders rated"
    if coefficient == "gwet_ac1":
        return "Gwet's AC1, categories unordered, missing ratings allowed (Gwet 2008, 2014)"
    return coefficient
