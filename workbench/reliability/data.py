"""Reliability data: a units × coders matrix built from a long table of ratings.

A *long table* has one row per rating: (unit, coder, value). A missing rating is an absent
row (or an empty value). The matrix has one row per unit and one column per coder, float,
NaN where the coder did not rate the unit (Krippendorff 2011, "reliability data").

Values map onto a *domain*: the sorted numbers the matrix may hold, each with a label.

One normalisation at every level: a value that reads as a number *is* that number ("1",
"1.0" and "1e0" are one category, labelled "1"); other text stays text, compared exactly
(so "NA" is a category unless named as ``missing``).

- nominal: every distinct label becomes a code 0..q-1 (in the order of ``categories`` when
  given, else numbers by value, then texts alphabetically);
- ordinal: with ``categories`` (the ordered scale, lowest first) labels become ranks
  0..q-1; without, values must be numbers and are kept as they are;
- interval, ratio: values must be numbers (ratio: not negative) and are kept as they are.

>>> table = pd.DataFrame({"unit": ["u1", "u1", "u2", "u2"], "coder": ["a", "b", "a", "b"],
...                       "value": ["present", "present", "absent", "present"]})
>>> data = ReliabilityData.from_long(table, "nominal")
>>> data.labels, data.coders
(('absent', 'present'), ('a', 'b'))
>>> data.matrix
array([[1., 1.],
       [0., 1.]])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal, get_args

import numpy as np
import pandas as pd

from workbench.exceptions import ParameterError, ReliabilityDataError
from workbench.reliability.encoding import (
    EXACT_LIMIT,
    RowLocator,
    check_duplicates,
    encode_values,
    factorize_ids,
    factorize_values,
    number_label,
)
from workbench.reliability.limits import require_memory

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = get_args(Level)
NUMERIC_LEVELS = ("interval", "ratio")


def check_level(level: str) -> Level:
    """Return ``level`` if it is a level of measurement, else raise `ParameterError`."""
    if level not in LEVELS:
        raise ParameterError(
            f"unknown level of measurement '{level}'; expected one of: {', '.join(LEVELS)}",
            field="level",
        )
    return level  # type: ignore[return-value]


@dataclass(frozen=True, eq=False)
class ReliabilityData:
    """Ratings of one variable (one code) by several coders.

    Attributes
    ----------
    matrix : ndarray, shape (n_units, n_coders), float; NaN = not rated.
    level : level of measurement: nominal, ordinal, interval or ratio.
    units, coders : row and column names.
    domain : ndarray, shape (q,), the sorted values the matrix may hold.
    labels : the label of each domain value (category names, or the numbers as text).
    source : where the ratings came from (a file name), for error messages.
    """

    matrix: np.ndarray
    level: Level
    units: tuple[str, ...]
    coders: tuple[str, ...]
    domain: np.ndarray
    labels: tuple[str, ...]
    source: str | None = field(default=None)

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_long(
        cls,
        table: pd.DataFrame,
        level: str,
        *,
        unit: str = "unit",
        coder: str = "coder",
        value: str = "value",
        categories: Sequence[str] | None = None,
        source: str | Path | None = None,
        line_numbers: Sequence[int] | None = None,
        missing: Sequence[str] = (),
    ) -> ReliabilityData:
        """Build reliability data from a long table (one row per rating).

        Parameters
        ----------
        table : DataFrame with the columns named by ``unit``, ``coder`` and ``value``.
        level : nominal, ordinal, interval or ratio.
        categories : the possible labels (nominal) or the ordered scale, lowest first
            (ordinal); categories no coder used still count (e.g. for Gwet's q).
        source : file name used in error messages.
        line_numbers : the file line of each table row, for error messages.
        missing : texts that mean "not rated" besides an empty value (e.g. ``["NA"]``);
            by default every non-empty text is a value, "NA" included.

        Raises
        ------
        ReliabilityDataError
            A column is missing, fewer than two coders, a unit rated twice by one coder, a
            value that is not a number (ordinal without categories, interval, ratio), a
            negative ratio value, or a label outside ``categories``.
        """
        level = check_level(level)
        where = RowLocator(source, line_numbers)
        for column in (unit, coder, value):
            if column not in table.columns:
                found = ", ".join(map(str, table.columns)) or "(none)"
                raise where.error(
                    f"missing column '{column}'; expected columns {unit}, {coder}, {value}; "
                    f"found: {found}", None, column,
                )
        if categories is not None and level in NUMERIC_LEVELS:
            raise where.error(
                f"categories cannot be given at the {level} level (values are numbers)",
                None, "categories",
            )
        unit_codes, unit_names = factorize_ids(table[unit], unit, where)
        coder_codes, coder_names = factorize_ids(table[coder], coder, where, sort=True)
        value_codes, texts = factorize_values(table[value])
        values, domain, labels = encode_values(
            value_codes, texts, level, categories, value, where, missing
        )
        return cls.from_codes(
            unit_codes, unit_names, coder_codes, coder_names, values, domain, labels, level,
            where=where, fields=(coder, value),
        )

    @classmethod
    def from_codes(
        cls,
        unit_codes: np.ndarray,
        unit_names: Sequence[str],
        coder_codes: np.ndarray,
        coder_names: Sequence[str],
        values: np.ndarray,
        domain: np.ndarray,
        labels: tuple[str, ...],
        level: Level,
        *,
        where: RowLocator | None = None,
        fields: tuple[str, str] = ("coder", "value"),
        min_coders: int = 2,
    ) -> ReliabilityData:
        """Assemble the matrix from integer-coded rows (the fast path behind `from_long`).

        ``unit_codes``/``coder_codes`` index the name lists (coder names sorted); ``values``
        are matrix values per row, NaN = missing. Only units and coders that occur in the
        rows are kept. Checks duplicates, ``min_coders`` coders and at least one rating.
        """
        where = where or RowLocator()
        coder_field, value_field = fields
        check_duplicates(unit_codes, coder_codes, unit_names, coder_names, coder_field, where)
        used_units, unit_index = np.unique(unit_codes, return_inverse=True)
        used_coders, coder_index = np.unique(coder_codes, return_inverse=True)
        coders = tuple(str(coder_names[i]) for i in used_coders)
        if len(coders) < min_coders:
            only = coders[0] if coders else "(none)"
            raise where.error(
                f"only one coder ({only}); reliability needs ratings from two or more coders",
                None, coder_field,
            )
        present = ~np.isnan(values)
        if not present.any():
            raise where.error("no ratings: every value is empty", None, value_field)
        matrix = np.full((len(used_units), len(coders)), np.nan)
        matrix[unit_index[present], coder_index[present]] = values[present]
        return cls(
            matrix=matrix,
            level=level,
            units=tuple(np.asarray(unit_names, dtype=object)[used_units].tolist()),
            coders=coders,
            domain=domain,
            labels=labels,
            source=None if where.source is None else str(where.source),
        )

    @classmethod
    def from_matrix(
        cls,
        matrix: Sequence[Sequence[object]] | np.ndarray,
        level: str,
        *,
        categories: Sequence[str] | None = None,
        coders: Sequence[str] | None = None,
    ) -> ReliabilityData:
        """Build reliability data from a units × coders array (None or NaN = not rated).

        >>> ReliabilityData.from_matrix([[1, 1], [2, None]], "interval").matrix
        array([[ 1.,  1.],
               [ 2., nan]])
        """
        numeric = np.asarray(matrix)
        if numeric.ndim == 2 and np.issubdtype(numeric.dtype, np.number) and categories is None:
            fast = cls._from_numbers(numeric.astype(float), level, coders)
            if fast is not None:
                return fast
        array = np.asarray(matrix, dtype=object)
        if array.ndim != 2:
            raise ReliabilityDataError(
                f"expected a units × coders matrix (2 dimensions), got {array.ndim}",
                field="matrix",
            )
        n_units, n_coders = array.shape
        names = list(coders) if coders is not None else [f"coder{j + 1}" for j in range(n_coders)]
        long = pd.DataFrame(
            {
                "unit": np.repeat([f"u{i + 1}" for i in range(n_units)], n_coders),
                "coder": names * n_units,
                "value": [None if _missing(v) else v for v in array.ravel()],
            }
        )
        return cls.from_long(long, level, categories=categories)

    @classmethod
    def _from_numbers(cls, array: np.ndarray, level: str,
                      coders: Sequence[str] | None) -> ReliabilityData | None:
        """`from_matrix` for a numeric array (NaN = not rated) without a long table; the
        same result as the general path, or None to take it (unusual names or values)."""
        level = check_level(level)
        n_units, n_coders = array.shape
        names = list(coders) if coders is not None else [f"coder{j + 1}" for j in range(n_coders)]
        present = ~np.isnan(array)
        values = array[present]
        if (len(set(names)) != len(names) or n_coders < 2 or not present.any()
                or not np.isfinite(values).all() or (np.abs(values) >= EXACT_LIMIT).any()
                or (level == "ratio" and (values < 0).any())):
            return None
        order = sorted(range(n_coders), key=lambda j: str(names[j]).strip())
        array = array[:, order]
        domain = np.unique(values)
        labels = tuple(number_label(v) for v in domain)
        if level == "nominal":
            array = np.where(np.isnan(array), np.nan, np.searchsorted(domain, array))
            domain = np.arange(len(domain), dtype=float)
        return cls(matrix=array, level=level, units=tuple(f"u{i + 1}" for i in range(n_units)),
                   coders=tuple(str(names[j]).strip() for j in order), domain=domain,
                   labels=labels)

    # ----------------------------------------------------------------- views
    @property
    def n_units(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def n_coders(self) -> int:
        return int(self.matrix.shape[1])

    @property
    def n_categories(self) -> int:
        return len(self.domain)

    @cached_property
    def ratings_per_unit(self) -> np.ndarray:
        """Number of coders who rated each unit, shape (n_units,)."""
        return (~np.isnan(self.matrix)).sum(axis=1)

    @cached_property
    def value_counts(self) -> np.ndarray:
        """Coders per unit and domain value, shape (n_units, q), int (Krippendorff's n_uc)."""
        q = self.n_categories
        require_memory(self.n_units * (q + 1) * 8.0 * 3,
                       f"value counts of {self.n_units:,} units × {q:,} values", self.source)
        index = np.searchsorted(self.domain, self.matrix)  # NaN sorts last: index q
        keys = index + (np.arange(self.n_units) * (q + 1))[:, None]
        counts = np.bincount(keys.ravel(), minlength=self.n_units * (q + 1))
        counts = counts.reshape(self.n_units, q + 1)
        self.__dict__.setdefault("ratings_per_unit", self.n_coders - counts[:, q])
        return counts[:, :q]

    def pairable(self) -> np.ndarray:
        """Boolean mask of units rated by two or more coders."""
        return self.ratings_per_unit >= 2

    def take(self, rows: np.ndarray) -> ReliabilityData:
        """The same variable on a selection of units (a mask or indices, repeats allowed)."""
        index = np.flatnonzero(rows) if np.asarray(rows).dtype == bool else np.asarray(rows)
        return ReliabilityData(
            matrix=self.matrix[index],
            level=self.level,
            units=tuple(np.asarray(self.units, dtype=object)[index].tolist()),
            coders=self.coders,
            domain=self.domain,
            labels=self.labels,
            source=self.source,
        )

    def select_coders(self, coders: Sequence[str]) -> ReliabilityData:
        """The same units with only the named coders (in that order)."""
        unknown = [c for c in coders if c not in self.coders]
        if unknown:
            raise ReliabilityDataError(
                f"unknown coder(s) {', '.join(unknown)}; known: {', '.join(self.coders)}",
                path=self.source,
                field="coder",
            )
        columns = [self.coders.index(c) for c in coders]
        return ReliabilityData(
            matrix=self.matrix[:, columns],
            level=self.level,
            units=self.units,
            coders=tuple(coders),
            domain=self.domain,
            labels=self.labels,
            source=self.source,
        )

    def label_of(self, value: float) -> str:
        """The label of one matrix value."""
        return self.labels[int(np.searchsorted(self.domain, value))]


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""
