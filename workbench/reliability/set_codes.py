"""Set-valued codes (``multiple: true``): reliability per element, or with MASI distance.

A set code's rating of a unit is a set of option ids, stored as one canonical value
(`workbench.codebook.sets`: sorted ids joined by "+"); "absent" or an empty value is the
empty set. Two analyses (ROUND2 "Multi-valued codes"):

- `expand_set_codes`: one present/absent (nominal) variable per element, named
  ``code[element]``, on the units where the coder rated the code;
- `masi_alpha`: Krippendorff's alpha of the whole sets with the MASI distance
  (Passonneau 2006): d = 1 − J·M, J = |A ∩ B| / |A ∪ B| (Jaccard), M = 1 for equal sets, 2/3
  when one contains the other, 1/3 when they overlap otherwise, 0 when disjoint.

Which codes are sets is a parameter (e.g. ``{c.id for c in codebook.codes if getattr(c,
"multiple", False)}``), so the statistics need no codebook.
Source: Passonneau, R. (2006). Measuring agreement on set-valued items (MASI) for semantic
and pragmatic annotation. LREC 2006.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from workbench.reliability.coincidences import value_pairs
from workbench.reliability.data import ReliabilityData
from workbench.reliability.gwet import require_pairable
from workbench.reliability.long_table import ABSENT, check_columns

PRESENT = "present"
#: MASI's monotonicity weights M for (one set contains the other, the sets overlap).
PASSONNEAU = (2 / 3, 1 / 3)


def _sets() -> Any:
    """`workbench.codebook.sets`, imported when first needed (importing the codebook package
    loads its schema, which the statistics do not otherwise need)."""
    from workbench.codebook import sets

    return sets


def as_set(value: object, absent: str = ABSENT) -> frozenset[str]:
    """The set in a stored value: "absent", "" and None are the empty set."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return frozenset()
    text = str(value).strip()
    return frozenset() if text in ("", absent) else _sets().split_set(text)


def element_name(code_id: str, element: str) -> str:
    """The variable name of one element of a set code: ``code[element]``."""
    return f"{code_id}[{element}]"


def expand_set_codes(
    long: pd.DataFrame,
    set_codes: Mapping[str, Sequence[str] | None],
    *,
    absent: str = ABSENT,
) -> pd.DataFrame:
    """Replace each set code's rows by one present/absent row per element.

    Parameters
    ----------
    long : multi-code long table (unit, code_id, coder_id, value).
    set_codes : code_id → its elements (the option ids), or None to use the elements that
        occur in the ratings. Other codes' rows are kept as they are.

    Returns
    -------
    The long table with rows ``code[element]`` valued "present" or ``absent``.
    """
    check_columns(long)
    is_set = long["code_id"].isin(list(set_codes))
    parts = [long.loc[~is_set]]
    for code, declared in set_codes.items():
        rows = long.loc[long["code_id"] == code]
        if rows.empty:
            continue
        sets = [as_set(v, absent) for v in rows["value"]]
        elements = list(declared) if declared is not None else sorted(set().union(*sets))
        unknown = sorted(set().union(*sets) - set(elements))
        if unknown:
            from workbench.exceptions import ReliabilityDataError

            raise ReliabilityDataError(
                f"code '{code}': element(s) {', '.join(unknown)} are not options; expected "
                f"{', '.join(elements)} joined by '{_sets().SET_SEPARATOR}'", field="value",
            )
        for element in elements:
            parts.append(rows.assign(
                code_id=element_name(code, element),
                value=[PRESENT if element in s else absent for s in sets],
            ))
    return pd.concat(parts, ignore_index=True)


def masi_distance(a: Collection[str], b: Collection[str],
                  monotonicity: tuple[float, float] = PASSONNEAU) -> float:
    """MASI distance between two sets (Passonneau 2006); 0 for two empty sets.

    >>> masi_distance({"grounds"}, {"grounds", "object"})  # J = 1/2, M = 2/3
    0.6666666666666667
    """
    a, b = set(a), set(b)
    union = len(a | b)
    if union == 0:
        return 0.0
    common = len(a & b)
    if a == b:
        m = 1.0
    elif common == min(len(a), len(b)):
        m = monotonicity[0]
    elif common > 0:
        m = monotonicity[1]
    else:
        m = 0.0
    return 1.0 - common / union * m


def set_data(rows: pd.DataFrame, *, unit: str = "unit", coder: str = "coder_id",
             absent: str = ABSENT) -> ReliabilityData:
    """Reliability data of one set code: the canonical sets as nominal labels."""
    canonical = [_sets().canonical_set(as_set(v, absent)) or absent for v in rows["value"]]
    table = pd.DataFrame({"unit": rows[unit].to_numpy(), "coder": rows[coder].to_numpy(),
                          "value": canonical})
    return ReliabilityData.from_long(table, "nominal")


def masi_alpha(data: ReliabilityData, *, absent: str = ABSENT,
               monotonicity: tuple[float, float] = PASSONNEAU) -> float:
    """Krippendorff's alpha of set values with MASI distance (labels are canonical sets).

    alpha = 1 − (n.. − 1) Σ o_ck d_ck / Σ n_c n_k d_ck over the distinct sets, d = MASI.
    NaN when the sets do not vary.
    """
    require_pairable(data)
    sets = [as_set(label, absent) for label in data.labels]
    q = len(sets)
    d = np.array([[masi_distance(sets[i], sets[j], monotonicity) for j in range(q)]
                  for i in range(q)])
    pairs = value_pairs(data)
    expected = float(pairs.n_c @ d @ pairs.n_c)
    if not expected > 0:
        return float("nan")
    observed = float(pairs.weight @ d[pairs.a, pairs.b])
    return 1.0 - (pairs.total - 1.0) * observed / expected
