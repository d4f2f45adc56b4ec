"""Turning the columns of a long table of ratings into integer ids and matrix values.

Work is done on the distinct values of a column (a few labels, a few coders), not on every
row, so that large tables are fast; errors still point at the first offending row (its file
line when known).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.exceptions import ReliabilityDataError


@dataclass(frozen=True)
class RowLocator:
    """Names a table row in error messages: its file line, or its position in the table."""

    source: str | Path | None = None
    line_numbers: Sequence[int] | None = None
    rows: Sequence[int] | None = None  # position in the whole table, when given a part of it

    def line(self, position: int) -> int | None:
        return None if self.line_numbers is None else int(self.line_numbers[position])

    def hint(self, position: int) -> str:
        if self.line_numbers is not None:
            return ""
        row = position if self.rows is None else int(self.rows[position])
        return f" (table row {row})"

    def row(self, position: int) -> str:
        """'line N' for a file, else 'row N' of the table."""
        if self.line_numbers is not None:
            return f"line {self.line(position)}"
        return f"row {position if self.rows is None else int(self.rows[position])}"

    def error(self, message: str, position: int | None, field: str | None) -> ReliabilityDataError:
        if position is None:
            return ReliabilityDataError(message, path=self.source, field=field)
        return ReliabilityDataError(
            message + self.hint(position), path=self.source, line=self.line(position),
            field=field,
        )


def _texts(uniques: np.ndarray | pd.Index) -> np.ndarray:
    """Stripped text of each distinct value; None for a missing one (NaN, None, blank)."""
    out: list[str | None] = []
    for value in np.asarray(uniques, dtype=object).tolist():
        if isinstance(value, str):
            text = value.strip()
        elif value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            out.append(None)
            continue
        else:
            text = str(value).strip()
        out.append(text or None)
    return np.array(out, dtype=object)


def factorize_ids(
    column: pd.Series, name: str, where: RowLocator, *, sort: bool = False
) -> tuple[np.ndarray, list[str]]:
    """Integer id of each row and the id names (stripped text); an empty id is an error."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    texts = _texts(uniques)
    missing = codes < 0
    if (texts == None).any():  # noqa: E711 - element-wise comparison
        missing |= np.isin(codes, np.flatnonzero(texts == None))  # noqa: E711
    if missing.any():
        position = int(np.flatnonzero(missing)[0])
        raise where.error(f"empty {name} id; every rating needs a {name}", position, name)
    merged, names = pd.factorize(texts.astype(str), sort=sort)
    return merged[codes], [str(n) for n in names]


def check_duplicates(
    unit_codes: np.ndarray, coder_codes: np.ndarray, units: list[str], coders: list[str],
    field: str, where: RowLocator,
) -> None:
    """Refuse a unit rated twice by the same coder, naming both rows."""
    key = pd.Index(unit_codes.astype(np.int64) * len(coders) + coder_codes)
    repeated = key.duplicated(keep="first")
    if not repeated.any():
        return
    position = int(np.flatnonzero(repeated)[0])
    first = int(np.flatnonzero(key == key[position])[0])
    raise where.error(
        f"unit '{units[unit_codes[position]]}' is rated twice by coder "
        f"'{coders[coder_codes[position]]}' (first at {where.row(first)}); "
        "each coder may rate a unit once",
        position, field,
    )


def factorize_values(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Code of each row (−1 = missing) and the stripped text of each code (None = blank)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return codes, _texts(uniques)


def encode_values(
    codes: np.ndarray,
    texts: np.ndarray,
    level: str,
    categories: Sequence[str] | None,
    field: str,
    where: RowLocator,
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Matrix value of each row (NaN = missing rating), the sorted domain and its labels.

    ``codes`` index ``texts`` (see `factorize_values`); texts no row uses are ignored.
    Labels (nominal; ordinal with ``categories``) become codes 0..q−1 in category order
    (sorted when no categories are given, numerically if all are numbers); other values
    must be numbers, kept as they are (ratio: not negative).
    """
    used = np.zeros(len(texts), dtype=bool)
    used[codes[codes >= 0]] = True
    present = used & np.array([t is not None for t in texts], dtype=bool)

    def first_row(bad_uniques: np.ndarray) -> int:
        return int(np.flatnonzero(np.isin(codes, np.flatnonzero(bad_uniques)))[0])

    if level == "nominal" or (level == "ordinal" and categories is not None):
        if categories is None:
            ordered = _sort_labels({t for t, ok in zip(texts, present, strict=True) if ok})
        else:
            ordered = [str(c).strip() for c in categories]
            if len(set(ordered)) != len(ordered):
                raise where.error("categories repeat a label", None, "categories")
            outside = present & ~np.isin(texts.astype(str), ordered)
            if outside.any():
                position = first_row(outside)
                raise where.error(
                    f"value '{texts[codes[position]]}' is not a category; expected one of: "
                    f"{', '.join(ordered)}", position, field,
                )
        index = {label: float(i) for i, label in enumerate(ordered)}
        unique_values = np.array(
            [index[t] if ok else np.nan for t, ok in zip(texts, present, strict=True)]
        )
        domain, labels = np.arange(len(ordered), dtype=float), tuple(ordered)
    else:
        numbers = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce")
        unique_values = np.where(present, numbers.to_numpy(dtype=float), np.nan)
        bad = present & ~np.isfinite(unique_values)
        if bad.any():
            position = first_row(bad)
            hint = " or give the ordered categories" if level == "ordinal" else ""
            raise where.error(
                f"value '{texts[codes[position]]}' is not a number; the {level} level needs "
                f"numeric values{hint}", position, field,
            )
        if level == "ratio" and (unique_values[present] < 0).any():
            position = first_row(present & (unique_values < 0))
            raise where.error(
                f"value {texts[codes[position]]} is negative; ratio values must be zero or more",
                position, field,
            )
        domain = np.unique(unique_values[present])
        labels = tuple(format(v, "g") for v in domain)
    values = np.where(codes >= 0, unique_values[np.maximum(codes, 0)], np.nan)
    return values, domain, labels


def _sort_labels(labels: set[str]) -> list[str]:
    """Sort numerically when every label is a number, else alphabetically."""
    try:
        return sorted(labels, key=float)
    except ValueError:
        return sorted(labels)
