"""Reliability of one CSV file of ratings (the logic behind ``bwv irr``).

The file has a header line and the columns ``unit,coder,value`` (others are ignored); a
missing rating is an absent row or an empty value. Errors name the file, line and field.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from workbench import textfiles
from workbench.exceptions import ReliabilityDataError
from workbench.reliability.bootstrap import bootstrap
from workbench.reliability.catalogue import COEFFICIENTS
from workbench.reliability.data import ReliabilityData, check_level
from workbench.reliability.gwet import require_pairable

FILE_COLUMNS = ("unit", "coder", "value")


def read_reliability_csv(
    path: str | Path, level: str, *, categories: Sequence[str] | None = None
) -> ReliabilityData:
    """Read a ``unit,coder,value`` CSV file (UTF-8) into reliability data.

    Raises
    ------
    ReliabilityDataError
        The file is missing, empty, not UTF-8 or not CSV, lacks a column, a line has the
        wrong number of fields, or the ratings are invalid (see
        `ReliabilityData.from_long`): the message names the file, line and field.
    """
    check_level(level)
    path = Path(path)
    if not path.is_file():
        raise ReliabilityDataError("file not found", path=path)
    rows: list[list[str]] = []
    lines: list[int] = []
    text = textfiles.read_text(path, error=ReliabilityDataError)  # encoding, NUL, size
    with io.StringIO(text, newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = [cell.strip() for cell in next(reader, [])]
            if not any(header):
                raise ReliabilityDataError(
                    f"empty file; expected a header line {','.join(FILE_COLUMNS)}",
                    path=path, line=1,
                )
            repeated = sorted({name for name in header if header.count(name) > 1})
            if repeated:
                raise ReliabilityDataError(
                    f"column {', '.join(repeated)} appears twice in the header",
                    path=path, line=1, field=repeated[0],
                )
            for column in FILE_COLUMNS:
                if column not in header:
                    raise ReliabilityDataError(
                        f"missing column '{column}'; expected a header with "
                        f"{', '.join(FILE_COLUMNS)}; found: {', '.join(header)}",
                        path=path, line=1, field=column,
                    )
            for record in reader:
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) != len(header):
                    raise ReliabilityDataError(
                        f"expected {len(header)} fields ({','.join(header)}), got {len(record)}",
                        path=path, line=reader.line_num,
                    )
                rows.append(record)
                lines.append(reader.line_num)
        except csv.Error as error:
            raise ReliabilityDataError(
                f"not valid CSV: {error}", path=path, line=reader.line_num
            ) from error
    if not rows:
        raise ReliabilityDataError("no ratings below the header line", path=path, line=2)
    table = pd.DataFrame(rows, columns=header)
    return ReliabilityData.from_long(
        table, level, categories=categories, source=path, line_numbers=lines
    )


def file_coefficients(data: ReliabilityData) -> list[str]:
    """The coefficients ``bwv irr`` reports: Cohen's kappa only with exactly two coders."""
    names = ["percent_agreement", "krippendorff_alpha", "fleiss_kappa"]
    if data.n_coders == 2:
        names.append("cohen_kappa")
    return [*names, "gwet_ac1"]


def _number(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def summarise_file(
    path: str | Path,
    level: str,
    *,
    n_resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Agreement coefficients of a ratings file, ready for JSON.

    Returns ``{"n_units", "n_coders", "level", "coefficients": {name: {"estimate": x,
    "ci": [lo, hi]}}}`` with NaN written as None, and ``ci`` None when ``n_resamples`` is 0.
    Cohen's kappa appears only with exactly two coders.
    """
    data = read_reliability_csv(path, level)
    require_pairable(data)
    coefficients: dict[str, dict[str, Any]] = {}
    for name in file_coefficients(data):
        try:
            result = bootstrap(
                data, COEFFICIENTS.get(name), n_resamples=n_resamples, seed=seed,
                confidence=confidence,
            )
        except ReliabilityDataError:
            coefficients[name] = {"estimate": None, "ci": None}
            continue
        ci = [_number(result.low), _number(result.high)] if n_resamples else None
        coefficients[name] = {"estimate": _number(result.estimate), "ci": ci}
    return {
        "n_units": data.n_units,
        "n_coders": data.n_coders,
        "level": level,
        "coefficients": coefficients,
    }
