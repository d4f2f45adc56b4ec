"""Reliability of one CSV file of ratings (the logic behind ``bwv irr FILE``).

The file has a header line and the columns ``unit,coder,value`` (others are ignored); a
missing rating is an absent row or an empty value. It must be UTF-8 text without NUL bytes;
numbers beyond ±2^53 are refused (see `encoding`). Errors name the file, line and field.
The level of measurement is given, taken from a codebook by the caller, or read from the
data: text labels can only be nominal (ordinal with ordered ``categories``); numbers need a
stated level, since they may be codes, ranks or quantities.
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
from workbench.exceptions import ParameterError, ReliabilityDataError
from workbench.reliability.bootstrap import bootstrap
from workbench.reliability.catalogue import COEFFICIENTS, value_or_nan
from workbench.reliability.data import ReliabilityData, check_level
from workbench.reliability.definitions import Choices, definition
from workbench.reliability.encoding import NUMBER_PATTERN
from workbench.reliability.gwet import require_pairable
from workbench.reliability.limits import MemoryLimitError, memory_limit_set

FILE_COLUMNS = ("unit", "coder", "value")
NOT_COMPUTED = "not computed"


def read_ratings_table(path: str | Path) -> tuple[pd.DataFrame, list[int]]:
    """The rows of a ``unit,coder,value`` CSV file (all text) and the file line of each.

    Raises
    ------
    ReliabilityDataError
        The file is missing, too large, empty, not UTF-8, holds a NUL character, is not CSV,
        lacks a column, or a line has the wrong number of fields (the file and line named).
    """
    path = Path(path)
    if not path.is_file():
        raise ReliabilityDataError("file not found", path=path)
    text = textfiles.read_text(path, error=ReliabilityDataError)  # encoding, NUL, size
    rows: list[list[str]] = []
    lines: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip() for cell in next(reader, [])]
        if not any(header):
            raise ReliabilityDataError(
                f"empty file; expected a header line {','.join(FILE_COLUMNS)}", path=path, line=1,
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
        width = len(header)
        for record in reader:
            if not record or (not record[0].strip() and not any(c.strip() for c in record)):
                continue  # a blank line, or one of empty fields only
            if len(record) != width:
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
    return pd.DataFrame(rows, columns=header), lines


def read_reliability_csv(
    path: str | Path, level: str, *, categories: Sequence[str] | None = None,
    missing: Sequence[str] = (),
) -> ReliabilityData:
    """Read a ``unit,coder,value`` CSV file (UTF-8) into reliability data.

    ``missing`` names texts that mean "not rated" (e.g. "NA"); otherwise they are values.
    Raises `ReliabilityDataError` naming the file, line and field (see `read_ratings_table`
    and `ReliabilityData.from_long`).
    """
    check_level(level)
    table, lines = read_ratings_table(path)
    return ReliabilityData.from_long(
        table, level, categories=categories, source=path, line_numbers=lines, missing=missing
    )


def level_from_data(table: pd.DataFrame, categories: Sequence[str] | None,
                    missing: Sequence[str], path: str | Path | None = None) -> str:
    """The level the data allow without being told: ordinal with ordered categories, nominal
    when some value is text; numbers alone are ambiguous (`ParameterError`)."""
    if categories is not None:
        return "ordinal"
    skip = {str(m).strip() for m in missing}
    values = {str(v).strip() for v in table["value"]} - skip - {""}
    if any(not NUMBER_PATTERN.fullmatch(v) for v in values):
        return "nominal"
    raise ParameterError(
        f"{path or 'the data'}: every value is a number, which may be a code, a rank or a "
        "quantity; give --level nominal, ordinal, interval or ratio (or --code for a codebook "
        "code)", field="level",
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
    level: str | None = None,
    *,
    categories: Sequence[str] | None = None,
    missing: Sequence[str] = (),
    n_resamples: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    choices: Choices | None = None,
    memory_limit: int | str | None = None,
    level_source: str | None = None,
) -> dict[str, Any]:
    """Agreement coefficients of a ratings file, ready for JSON.

    Parameters
    ----------
    level : level of measurement; None reads it from the data (`level_from_data`).
    categories : the labels, in order for ordinal data (lowest first).
    missing : texts meaning "not rated".
    choices : the definition of each coefficient where peers differ (`Choices`).
    memory_limit : bytes or a size ("2GiB") for this call (see `limits`).
    level_source : where ``level`` came from ("given", "codebook"), for the report.

    Returns
    -------
    ``{"file", "n_units", "n_coders", "level", "level_source", "domain", "bootstrap",
    "coefficients": {name: {"label", "definition", "estimate", "ci", "n_units", "n_valid",
    "n_undefined", "verdict", "note"}}}``: NaN written as None, ``ci`` None when
    ``n_resamples`` is 0; ``n_units`` is the units the coefficient uses, ``n_valid`` the
    resamples that gave a value. A coefficient the memory limit refuses has a ``note``.
    """
    choices = choices or Choices()
    with memory_limit_set(memory_limit):
        table, lines = read_ratings_table(path)
        if level is None:
            level, level_source = level_from_data(table, categories, missing, path), "data"
        data = ReliabilityData.from_long(table, check_level(level), categories=categories,
                                         source=path, line_numbers=lines, missing=missing)
        require_pairable(data)
        coefficients = {name: _summarise(data, name, choices, n_resamples, seed, confidence)
                        for name in file_coefficients(data)}
    return {
        "file": str(path),
        "n_units": data.n_units,
        "n_coders": data.n_coders,
        "coders": list(data.coders),
        "level": level,
        "level_source": level_source or "given",
        "domain": list(data.labels),
        "bootstrap": {"method": choices.bootstrap, "undefined": choices.undefined,
                      "n_resamples": n_resamples, "seed": seed, "confidence": confidence},
        "coefficients": coefficients,
    }


def _summarise(data: ReliabilityData, name: str, choices: Choices, n_resamples: int,
               seed: int, confidence: float) -> dict[str, Any]:
    entry = COEFFICIENTS.get(name)
    options = choices.options(name)
    row: dict[str, Any] = {
        "label": entry.label, "definition": definition(name, data.level, choices),
        "estimate": None, "ci": None, "n_units": int(entry.units(data, **options).sum()),
        "n_valid": None, "n_undefined": None, "verdict": entry.verdict(float("nan")),
        "note": None,
    }
    method = choices.bootstrap if name == "krippendorff_alpha" else "units"
    try:
        result = bootstrap(data, entry, n_resamples=n_resamples, seed=seed,
                           confidence=confidence, method=method,
                           undefined=choices.undefined, **options)
    except MemoryLimitError as error:
        row["note"] = f"no interval: {error.message}"
        try:
            estimate = value_or_nan(entry.compute, data, **options)
        except MemoryLimitError as again:
            row["note"] = f"not computed: {again.message}"
            row["verdict"] = NOT_COMPUTED
            return row
        row |= {"estimate": _number(estimate), "verdict": entry.verdict(estimate)}
        return row
    except ReliabilityDataError:
        return row
    row |= {
        "estimate": _number(result.estimate),
        "ci": [_number(result.low), _number(result.high)] if n_resamples else None,
        "n_valid": result.n_valid if n_resamples else None,
        "n_undefined": result.n_undefined if n_resamples else None,
        "verdict": entry.verdict(result.estimate),
    }
    return row
