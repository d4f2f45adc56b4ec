"""Multi-code long tables of annotations: checks, absence filling, and one variable per code.

A multi-code long table has one row per rating with the columns ``unit`` (e.g.
"clip042:17"), ``code_id``, ``coder_id`` and ``value``. The store keeps nominal codes as
"present" rows only (absence = no row on a unit the coder completed); `fill_absent` adds the
explicit "absent" ratings that agreement statistics need.

>>> long = pd.DataFrame({"unit": ["c1:0"], "code_id": ["esc_threat"], "coder_id": ["ann"],
...                      "value": ["present"]})
>>> done = pd.DataFrame({"unit": ["c1:0", "c1:1", "c1:0"], "coder_id": ["ann", "ann", "bob"]})
>>> fill_absent(long, done).sort_values(["unit", "coder_id"])["value"].tolist()
['present', 'absent', 'absent']
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from workbench.exceptions import ParameterError, ReliabilityDataError
from workbench.reliability.data import NUMERIC_LEVELS, ReliabilityData, check_level
from workbench.reliability.encoding import (
    RowLocator,
    encode_values,
    factorize_ids,
    factorize_values,
)

LONG_COLUMNS = ("unit", "code_id", "coder_id", "value")
ABSENT = "absent"


def check_columns(table: pd.DataFrame, columns: Sequence[str] = LONG_COLUMNS) -> None:
    """Raise `ReliabilityDataError` naming the first missing column."""
    for column in columns:
        if column not in table.columns:
            found = ", ".join(map(str, table.columns)) or "(none)"
            raise ReliabilityDataError(
                f"missing column '{column}'; expected {', '.join(columns)}; found: {found}",
                field=column,
            )


def fill_absent(
    long: pd.DataFrame,
    coded: pd.DataFrame,
    *,
    code_ids: Sequence[str] | None = None,
    absent: str | Mapping[str, str] = ABSENT,
) -> pd.DataFrame:
    """Add an explicit rating for every unit a coder completed but left without a code.

    Parameters
    ----------
    long : multi-code long table (unit, code_id, coder_id, value).
    coded : the units each coder completed: columns unit, coder_id, and optionally code_id
        (to say which codes applied to the unit, e.g. officer codes on officer turns).
    code_ids : the codes to fill (default: the codes in ``long``); ignored per row when
        ``coded`` has a code_id column.
    absent : the value to add, or a mapping code_id → value (e.g. "none" for an ordinal
        code whose lowest level means absence).

    Returns
    -------
    DataFrame with the rows of ``long`` plus the added ones (other columns left empty).
    """
    check_columns(long)
    check_columns(coded, ("unit", "coder_id"))
    if "code_id" in coded.columns:
        frame = coded[["unit", "coder_id", "code_id"]].drop_duplicates()
    else:
        codes = list(code_ids) if code_ids is not None else sorted(long["code_id"].unique())
        frame = coded[["unit", "coder_id"]].drop_duplicates().merge(
            pd.DataFrame({"code_id": codes}), how="cross"
        )
    keys = ["unit", "code_id", "coder_id"]
    missing = frame.merge(long[keys].drop_duplicates(), on=keys, how="left", indicator=True)
    missing = missing.loc[missing["_merge"] == "left_only", keys]
    if isinstance(absent, Mapping):
        missing = missing.assign(value=missing["code_id"].map(absent).fillna(ABSENT))
    else:
        missing = missing.assign(value=absent)
    return pd.concat([long, missing], ignore_index=True)


def variables(
    long: pd.DataFrame,
    levels: Mapping[str, str],
    scales: Mapping[str, Sequence[str]] | None = None,
    *,
    codes: Sequence[str] | None = None,
) -> Iterator[tuple[str, ReliabilityData]]:
    """Yield (code_id, reliability data) for each code of a multi-code long table.

    ``levels`` maps code_id → level of measurement; ``scales`` maps code_id → its categories
    (the ordered scale for ordinal codes whose values are option keys). Units, coders and
    values are factorised once for the whole table. Errors name the code and table row. A
    code rated by one coder only is yielded too (no unit is pairable; reports show it as
    undefined rather than failing).
    """
    check_columns(long)
    scales = scales or {}
    wanted = list(codes) if codes is not None else sorted(long["code_id"].unique())
    unknown = [c for c in wanted if c not in levels]
    if unknown:
        raise ParameterError(
            f"no level of measurement for code(s) {', '.join(map(str, unknown))}; "
            "give levels={code_id: 'nominal'|'ordinal'|'interval'|'ratio'}",
            field="levels",
        )
    everywhere = RowLocator()
    unit_codes, unit_names = factorize_ids(long["unit"], "unit", everywhere)
    coder_codes, coder_names = factorize_ids(long["coder_id"], "coder_id", everywhere, sort=True)
    value_codes, texts = factorize_values(long["value"])
    units = np.asarray(unit_names, dtype=object)
    positions = pd.Series(np.arange(len(long))).groupby(long["code_id"].to_numpy()).indices
    for code in wanted:
        if code not in positions:
            continue
        rows = positions[code]
        where = RowLocator(rows=rows)
        try:
            level = check_level(levels[code])
            if level in NUMERIC_LEVELS and code in scales:
                raise where.error(f"categories cannot be given at the {level} level", None,
                                  "scales")
            values, domain, labels = encode_values(
                value_codes[rows], texts, level, scales.get(code), "value", where
            )
            data = ReliabilityData.from_codes(
                unit_codes[rows], units, coder_codes[rows], coder_names, values, domain,
                labels, level, where=where, fields=("coder_id", "value"), min_coders=1,
            )
        except ReliabilityDataError as error:
            raise ReliabilityDataError(
                f"code '{code}': {error.message}", path=error.path, line=error.line,
                field=error.field,
            ) from error
        yield code, data


def baseline(data: ReliabilityData, absent: str = ABSENT) -> int | None:
    """Index of the domain value meaning "code not applied": ``absent`` when it is a label,
    else the lowest level of an ordinal scale; None for other codes."""
    if absent in data.labels:
        return data.labels.index(absent)
    if data.level == "ordinal":
        return 0
    return None


def prevalence(data: ReliabilityData, absent: str = ABSENT) -> float:
    """Share of all ratings that apply the code (value other than the baseline); NaN if the
    code has no baseline (nominal without "absent", interval, ratio)."""
    base = baseline(data, absent)
    counts = data.value_counts.sum(axis=0)
    if base is None or counts.sum() == 0:
        return float("nan")
    return float(1.0 - counts[base] / counts.sum())
