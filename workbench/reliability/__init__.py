"""Inter-rater reliability: data, coefficients, bootstrap intervals and reports.

Krippendorff's alpha is the headline statistic (DOMAIN.md, Norms); the other coefficients
are registered in `COEFFICIENTS` so that reports can iterate over them.
"""

from workbench.reliability.bootstrap import BootstrapResult, bootstrap
from workbench.reliability.catalogue import COEFFICIENTS, Coefficient, value_or_nan
from workbench.reliability.coder_reports import (
    drift_alerts,
    drift_report,
    prevalence_bias_report,
)
from workbench.reliability.coefficients import (
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
)
from workbench.reliability.coincidences import coincidence_matrix
from workbench.reliability.data import LEVELS, Level, ReliabilityData
from workbench.reliability.definitions import ALTERNATIVES, Choices, definition
from workbench.reliability.gwet import (
    agreement_weights,
    brennan_prediger,
    gwet_ac1,
    gwet_ac2,
    weighted_agreement,
)
from workbench.reliability.irr_file import read_reliability_csv, summarise_file
from workbench.reliability.limits import MemoryLimitError, memory_limit, memory_limit_set
from workbench.reliability.long_table import fill_absent, prevalence, variables
from workbench.reliability.reports import (
    code_report,
    confusion_matrices,
    confusion_matrix,
    pair_confusion,
    pair_report,
    reference_report,
)
from workbench.reliability.set_codes import expand_set_codes, masi_alpha, masi_distance, set_data
from workbench.reliability.verdicts import alpha_verdict, landis_koch_band

__all__ = [
    "ALTERNATIVES",
    "COEFFICIENTS",
    "LEVELS",
    "BootstrapResult",
    "Choices",
    "Coefficient",
    "Level",
    "MemoryLimitError",
    "ReliabilityData",
    "agreement_weights",
    "alpha_verdict",
    "bootstrap",
    "brennan_prediger",
    "code_report",
    "cohen_kappa",
    "coincidence_matrix",
    "confusion_matrices",
    "confusion_matrix",
    "definition",
    "drift_alerts",
    "drift_report",
    "expand_set_codes",
    "fill_absent",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "krippendorff_alpha",
    "landis_koch_band",
    "masi_alpha",
    "masi_distance",
    "memory_limit",
    "memory_limit_set",
    "pair_confusion",
    "pair_report",
    "percent_agreement",
    "prevalence",
    "prevalence_bias_report",
    "read_reliability_csv",
    "reference_report",
    "set_data",
    "summarise_file",
    "value_or_nan",
    "variables",
    "weighted_agreement",
]
