"""The same limits on SQLite and PostgreSQL, checked before any row is written.

SQLite stores text of any length in a ``VARCHAR(100)``, NUL characters, 64-bit integers in an
``INTEGER`` column, and turns NaN into NULL; PostgreSQL refuses the first three with a driver
traceback. So every ``INSERT`` and ``UPDATE`` the store runs is checked first, in one place (an
engine event installed by :func:`~workbench.store.connection.create_engine`), against limits
read from :mod:`workbench.store.schema` — the column types are the one definition:

- ``String(n)``: at most *n* characters; ``Text``: at most :data:`MAX_TEXT_CHARS`;
- ``Integer``: 32-bit (PostgreSQL ``INTEGER``); ``BigInteger``: 64-bit;
- ``Float``: finite (no NaN or infinity);
- ``JSON``: at most :data:`MAX_JSON_DEPTH` levels, :data:`MAX_TEXT_CHARS` characters once
  serialised, finite numbers, 64-bit integers;
- every string (JSON keys and values included): no NUL character and no lone surrogate (neither
  can be encoded as UTF-8).

A value over a limit raises :class:`~workbench.exceptions.LimitError` naming the table, the
column and the row's key; the statement is not run, so the transaction rolls back whole.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from workbench.exceptions import LimitError

#: Longest ``Text`` value (characters): a turn, a note or a codebook's JSON (a 4 MiB YAML
#: codebook fits).
MAX_TEXT_CHARS = 10_000_000
#: Longest text of a clip's extra metadata column (name or value), read from a CSV.
MAX_EXTRA_CHARS = 1_000
#: Deepest nesting of a ``JSON`` value.
MAX_JSON_DEPTH = 32
INT32 = 2**31
INT64 = 2**63
_SURROGATE = re.compile("[\ud800-\udfff]")  # one C-level scan, not a Python loop per character


def text_problem(value: str, limit: int | None) -> str | None:
    """Why ``value`` cannot be stored as text of at most ``limit`` characters, or None."""
    if limit is not None and len(value) > limit:
        return f"text of {len(value):,} characters; expected at most {limit:,}"
    if "\x00" in value:
        return "text holds a NUL character (U+0000); expected printable text"
    if _SURROGATE.search(value):
        return "text holds a lone surrogate (not valid Unicode); expected UTF-8 text"
    return None


def _json_problem(value: Any, depth: int = 1) -> str | None:
    if depth > MAX_JSON_DEPTH:
        return f"JSON nested deeper than {MAX_JSON_DEPTH} levels"
    if isinstance(value, str):
        return text_problem(value, None)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return None if -INT64 <= value < INT64 else f"integer {value} beyond 64 bits"
    if isinstance(value, float):
        return None if math.isfinite(value) else f"number {value} is not finite"
    if isinstance(value, Mapping):
        for key, item in value.items():
            problem = _json_problem(str(key)) or _json_problem(item, depth + 1)
            if problem:
                return f"{problem} (at key {str(key)[:40]!r})"
        return None
    if isinstance(value, list | tuple):
        return next((p for p in (_json_problem(v, depth + 1) for v in value) if p), None)
    return None  # dates and the like: SQLAlchemy's serialiser decides


def value_problem(column: sa.Column[Any], value: Any) -> str | None:
    """Why ``value`` cannot be stored in ``column`` the same way on every back-end, or None."""
    if value is None or isinstance(value, sa.sql.ClauseElement):
        return None
    kind = column.type
    if isinstance(value, str):
        if isinstance(kind, sa.String):
            limit = kind.length if kind.length is not None else MAX_TEXT_CHARS
            return text_problem(value, limit)
        return text_problem(value, None)
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and isinstance(kind, sa.Integer):
        bound = INT64 if isinstance(kind, sa.BigInteger) else INT32
        if not -bound <= value < bound:
            return f"whole number {value} is out of range; expected {-bound} to {bound - 1}"
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return f"number {value} is not finite; expected a finite number"
    if isinstance(kind, sa.JSON):
        problem = _json_problem(value)
        if problem is None and len(repr(value)) > MAX_TEXT_CHARS:
            problem = f"JSON of more than {MAX_TEXT_CHARS:,} characters"
        return problem
    return None


@functools.cache
def _text_limits(table: sa.Table) -> dict[str, int | None]:
    """Column key → the longest text it takes (None: no length limit of its own)."""
    return {c.key: ((c.type.length or MAX_TEXT_CHARS) if isinstance(c.type, sa.String)
                    else None) for c in table.columns}


def check_row(table: sa.Table, row: Mapping[str, Any]) -> None:
    """Raise :class:`LimitError` if any value of ``row`` (column key → value) is over a limit.

    Text, by far the most common value, is checked inline (length, NUL, lone surrogates);
    anything else, or text that fails, goes through :func:`value_problem` for the message.
    """
    limits = _text_limits(table)
    for key, value in row.items():
        if key not in limits or value is None:
            continue
        if type(value) is str:
            limit = limits[key]
            if not ((limit is not None and len(value) > limit) or "\x00" in value
                    or _SURROGATE.search(value)):
                continue
        problem = value_problem(table.c[key], value)
        if problem is not None:
            ident = ", ".join(f"{c.key}={row[c.key]!r:.40}" for c in table.primary_key.columns
                              if c.key in row and c.key != key)
            where = f" (row {ident})" if ident else ""
            raise LimitError(f"{problem}{where}; nothing was stored (the store keeps the same "
                             "limits on SQLite and PostgreSQL)", field=f"{table.name}.{key}")


def _clause_values(values: Mapping[Any, Any]) -> dict[str, Any]:
    """Column key → Python value of a statement's ``.values(...)`` (SQL expressions skipped)."""
    row: dict[str, Any] = {}
    for key, value in values.items():
        name = key if isinstance(key, str) else getattr(key, "key", None)
        if isinstance(value, sa.BindParameter):
            value = value.effective_value
        elif isinstance(value, sa.sql.ClauseElement):
            continue
        if name is not None:
            row[name] = value
    return row


def _rows(statement: sa.Insert | sa.Update, params: Iterable[Any],
          dialect: sa.Dialect) -> Iterable[Mapping[str, Any]]:
    for item in params:
        if isinstance(item, Mapping):
            yield item
        elif isinstance(item, list | tuple):
            yield from (p for p in item if isinstance(p, Mapping))
    values = getattr(statement, "_values", None)  # .values(...): read without compiling
    if values:
        yield _clause_values(values)
    for group in getattr(statement, "_multi_values", None) or ():
        for row in group:
            if isinstance(row, Mapping):
                yield _clause_values(row)
            else:  # positional rows: let the compiler name them
                yield statement.compile(dialect=dialect).params
                return


def _before_execute(conn: sa.Connection, clauseelement: Any, multiparams: Any, params: Any,
                    execution_options: Any) -> None:
    if not isinstance(clauseelement, sa.Insert | sa.Update):
        return
    table = clauseelement.table
    if not isinstance(table, sa.Table):
        return
    check_rows(table, list(_rows(clauseelement, [*(multiparams or ()), params or {}],
                                 conn.dialect)))


#: From this many rows on, :func:`check_rows` checks a column's values together.
BULK_ROWS = 64


def _column_ok(table: sa.Table, key: str, values: list[Any], limit: int | None) -> bool:
    """True if every value of one column is certainly within its limits (checked together:
    one scan of the joined text, bounds of whole numbers, the sum of floats)."""
    texts = [v for v in values if type(v) is str]
    if texts:
        joined = "".join(texts)
        if "\x00" in joined or _SURROGATE.search(joined) or (
                limit is not None and max(map(len, texts)) > limit):
            return False
    rest = [v for v in values if v is not None and type(v) is not str]
    if not rest:
        return True
    kind = table.c[key].type
    if all(type(v) is int for v in rest) and isinstance(kind, sa.Integer):
        bound = INT64 if isinstance(kind, sa.BigInteger) else INT32
        return -bound <= min(rest) and max(rest) < bound
    if all(type(v) is float for v in rest):
        try:
            return math.isfinite(math.fsum(rest))
        except OverflowError:
            return False
    return all(value_problem(table.c[key], v) is None for v in rest)


def check_rows(table: sa.Table, rows: list[Mapping[str, Any]]) -> None:
    """:func:`check_row` for every row; many rows with the same columns are checked a column at
    a time, and only a column that may hold a problem is checked row by row (for the message
    naming the row)."""
    rows = [r for r in rows if r]  # an empty parameter set checks nothing
    if len(rows) < BULK_ROWS or any(r.keys() != rows[0].keys() for r in rows):
        for row in rows:
            check_row(table, row)
        return
    limits = _text_limits(table)
    for key in rows[0]:
        if key in limits and not _column_ok(table, key, [r[key] for r in rows], limits[key]):
            for row in rows:
                check_row(table, {key: row[key], **{c.key: row[c.key]
                                  for c in table.primary_key.columns if c.key in row}})


def install(engine: sa.Engine) -> None:
    """Check every INSERT and UPDATE run on ``engine`` against the limits above."""
    event.listen(engine, "before_execute", _before_execute)
