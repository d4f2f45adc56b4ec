"""Turning the columns of a long table of ratings into integer ids and matrix values.

Work is done on the distinct values of a column (a few labels, a few coders), not on every
row, so that large tables are fast; errors still point at the first offending row (its file
line when known).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
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


#: A number as text: optional sign, digits with an optional decimal point, optional exponent.
#: Python's float() also reads "nan", "inf" and "1_000"; those stay text here.
NUMBER_PATTERN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
#: Beyond 2^53 consecutive integers are no longer distinct doubles: refuse, never round.
EXACT_LIMIT = 2**53


def number_label(value: float) -> str:
    """The canonical text of a number: "2" for 2.0, "1.5", "-0.5", "1e+20" (shortest repr).

    >>> number_label(2.0), number_label(-0.5), number_label(1234567.0)
    ('2', '-0.5', '1234567')
    """
    if value == 0:
        return "0"
    if float(value).is_integer() and abs(value) < EXACT_LIMIT:
        return str(int(value))
    return repr(float(value))


def parse_numbers(
    texts: np.ndarray, present: np.ndarray, first_row: Callable[[np.ndarray], int],
    field: str, where: RowLocator,
) -> np.ndarray:
    """The number of each distinct text (NaN where it is not a number or not present).

    Numbers are read exactly (as decimals) and refused, with the row, when their size passes
    ±2^53 or when two different numbers would become the same double.
    """
    numbers = np.full(len(texts), np.nan)
    exact: dict[float, tuple[Decimal, int]] = {}
    for i, text in enumerate(texts):
        if not present[i] or not NUMBER_PATTERN.fullmatch(text):
            continue
        decimal = Decimal(text)
        if abs(decimal) >= EXACT_LIMIT:
            mask = np.zeros(len(texts), dtype=bool)
            mask[i] = True
            shown = text if len(text) <= 30 else text[:27] + "…"
            raise where.error(
                f"value '{shown}' is too large: numbers must lie within ±2^53 "
                f"(±{EXACT_LIMIT:,}) to be compared exactly", first_row(mask), field,
            )
        number = float(decimal)
        if number in exact and exact[number][0] != decimal:
            mask = np.zeros(len(texts), dtype=bool)
            mask[i] = True
            raise where.error(
                f"values '{texts[exact[number][1]]}' and '{text}' differ beyond double "
                "precision (about 15 significant digits); round them or give them as text "
                "categories", first_row(mask), field,
            )
        exact[number] = (decimal, i)
        numbers[i] = number
    return numbers


def encode_values(
    codes: np.ndarray,
    texts: np.ndarray,
    level: str,
    categories: Sequence[str] | None,
    field: str,
    where: RowLocator,
    missing: Sequence[str] = (),
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Matrix value of each row (NaN = missing rating), the sorted domain and its labels.

    ``codes`` index ``texts`` (see `factorize_values`); texts no row uses are ignored, and
    texts in ``missing`` (e.g. "NA") count as no rating. One normalisation at every level:
    a text that is a number is that number, so "1", "1.0" and "1e0" are one category
    (labelled "1"); other texts stay text, compared exactly. Labels (nominal; ordinal with
    ``categories``) become codes 0..q−1 in category order (without categories: numbers by
    value, then texts alphabetically); at the other levels values must be numbers, kept as
    they are (ratio: not negative).
    """
    used = np.zeros(len(texts), dtype=bool)
    used[codes[codes >= 0]] = True
    blank = {str(m).strip() for m in missing}
    present = used & np.array([t is not None and t not in blank for t in texts], dtype=bool)

    def first_row(bad_uniques: np.ndarray) -> int:
        return int(np.flatnonzero(np.isin(codes, np.flatnonzero(bad_uniques)))[0])

    numbers = parse_numbers(texts, present, first_row, field, where)
    keys = np.array([number_label(n) if not np.isnan(n) else t
                     for t, n in zip(texts, numbers, strict=True)], dtype=object)
    if level == "nominal" or (level == "ordinal" and categories is not None):
        if categories is None:
            found = {k: n for k, n, ok in zip(keys, numbers, present, strict=True) if ok}
            ordered = sorted(found, key=lambda k: (0, found[k], "") if not np.isnan(found[k])
                             else (1, 0.0, k))
            labels = tuple(ordered)
        else:
            labels = tuple(str(c).strip() for c in categories)
            ordered = [_category_key(label) for label in labels]
            if len(set(ordered)) != len(ordered):
                raise where.error("categories repeat a label (numbers are compared as "
                                  "numbers: 1 and 1.0 are one label)", None, "categories")
            outside = present & ~np.isin(keys.astype(str), ordered)
            if outside.any():
                position = first_row(outside)
                raise where.error(
                    f"value '{texts[codes[position]]}' is not a category; expected one of: "
                    f"{', '.join(labels)}", position, field,
                )
        index = {key: float(i) for i, key in enumerate(ordered)}
        unique_values = np.array(
            [index[k] if ok else np.nan for k, ok in zip(keys, present, strict=True)]
        )
        domain = np.arange(len(ordered), dtype=float)
    else:
        unique_values = np.where(present, numbers, np.nan)
        bad = present & np.isnan(numbers)
        if bad.any():
            position = first_row(bad)
            hint = " or give the ordered categories" if level == "ordinal" else ""
            raise where.error(
                f"value '{texts[codes[position]]}' is not a number; the {level} level needs "
                f"numeric values{hint} (leave a missing rating empty, or name its marker as "
                "missing)", position, field,
            )
        if level == "ratio" and (unique_values[present] < 0).any():
            position = first_row(present & (unique_values < 0))
            raise where.error(
                f"value {texts[codes[position]]} is negative; ratio values must be zero or more",
                position, field,
            )
        domain = np.unique(unique_values[present])
        labels = tuple(number_label(v) for v in domain)
    values = np.where(codes >= 0, unique_values[np.maximum(codes, 0)], np.nan)
    return values, domain, labels


def _category_key(label: str) -> str:
    """A category label as values are compared: a number's canonical text, else the text."""
    if NUMBER_PATTERN.fullmatch(label):
        number = float(Decimal(label))
        if abs(number) < EXACT_LIMIT:
            return number_label(number)
    return label
