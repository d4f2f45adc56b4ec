"""Rounding rules per kind of figure, applied once: when the registry writes a table.

=============  ========  ==========================================================
kind           decimals  columns (by name)
=============  ========  ==========================================================
count          0         encounters, turns, events, n … (whole numbers)
percentage     1         ``pct``, ``pct_low``/``pct_high``, ``base_pct``, differences
                         in percentage points, positions in % of the encounter
coefficient    3         alpha and its interval, kappas, odds ratios and their
                         interval, Yule's Q, adjusted residuals, p-values, shares
scale          2         means of ranks and balances (resistance level, balance)
measure        1         other means, SDs, rates, scores, seconds, minutes, expected
=============  ========  ==========================================================

A notebook may name the kind of a column the rules do not know (``kinds=``); any other float
column gets the table's ``digits``. The CSV, the workbook and the report all show the
rounded value, so they agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from workbench.exceptions import ParameterError

DIGITS: dict[str, int] = {"count": 0, "percentage": 1, "coefficient": 3, "scale": 2,
                          "measure": 1}

#: (pattern, kind), first match wins.
RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), kind) for pattern, kind in (
        (r"^(pct|pct_low|pct_high|base_pct|difference|position)$|_pct$|^pct_", "percentage"),
        (r"(^|_)alpha$|^ci_(low|high)$|kappa|^ac[12]$|^odds_ratio$|^yules_q$"
         r"|^adjusted_residual$|^p_value$|^p_permutation$|^prevalence$|^agreement$",
         "coefficient"),
        (r"^(resistance_level|cumulative_balance)$", "scale"),
        (r"^(clips|clips_with|count|turns|coded_turns|n|events|clusters|occurrences|drops"
         r"|resisted|escalated|not_escalated|compliant|not_assessed|n_units|n_coders|codes"
         r"|row_total|col_total|Total)$", "count"),
        (r"^(mean|sd|rate_per_100_turns|median_s|q1_s|q3_s|mean_s|km_median_s|minutes"
         r"|median_minutes|expected|pj_score|nawaz_tankebe_2018)$|^pj_", "measure"),
    ))


def column_kind(column: str) -> str | None:
    """The kind of figure a column holds, by its name (None: not known)."""
    for pattern, kind in RULES:
        if pattern.search(column):
            return kind
    return None


def column_digits(columns: Iterable[str], *, kinds: Mapping[str, str] | None = None,
                  default: int | None = 4) -> dict[str, int | None]:
    """Decimals for each column: its kind's (named in ``kinds`` or by :data:`RULES`), else
    ``default``."""
    kinds = dict(kinds or {})
    unknown = sorted(set(kinds.values()) - set(DIGITS))
    if unknown:
        raise ParameterError(f"unknown kind of figure {unknown[0]!r}; kinds: "
                             f"{', '.join(DIGITS)}", field="kinds")
    out: dict[str, int | None] = {}
    for column in columns:
        kind = kinds.get(column) or column_kind(str(column))
        out[str(column)] = DIGITS[kind] if kind is not None else default
    return out
