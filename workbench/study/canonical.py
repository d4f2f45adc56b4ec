"""Canonical CSV text of a DataFrame: the same frame gives the same bytes, on any machine.

Used for published tables (fixed decimals, so a re-run is byte-identical) and for the data
hash (full precision). Rules, per cell:

* missing (None, NaN, NA, NaT) → empty;
* booleans → ``true`` / ``false``;
* whole numbers → digits only; a column whose floats are all whole is written as whole
  numbers too (counts that pandas stored as float because of a gap or a suppression marker);
* other floats → ``digits`` decimals (``-0`` written as ``0``), or shortest round-trip text
  when ``digits`` is None; infinities → ``inf`` / ``-inf``;
* dates and timestamps → ISO 8601; anything else → ``str``.

Rows are written in the order given (sort first: :func:`sort_rows`), ``\\n`` line ends, UTF-8.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from workbench.exceptions import ParameterError


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _float_text(value: float, digits: int | None) -> str:
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if digits is None:
        text = repr(float(value))
        return "0.0" if text == "-0.0" else text
    text = f"{value:.{digits}f}"
    if text.lstrip("-").strip("0.") == "":
        text = text.lstrip("-")
    return text


def format_cell(value: Any, digits: int | None = 4, *, whole: bool = False) -> str:
    """One cell as canonical text (``whole``: the value's column holds whole numbers only).

    >>> [format_cell(v) for v in (None, True, 3, 2.5, -0.00001, float("nan"))]
    ['', 'true', '3', '2.5000', '0.0000', '']
    >>> format_cell(12.0, whole=True), format_cell(dt.date(2021, 3, 4))
    ('12', '2021-03-04')
    """
    if _is_missing(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        if whole and math.isfinite(value):
            return str(int(value))
        return _float_text(float(value), digits)
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _whole_float_column(series: pd.Series) -> bool:
    """Whether the column's floats are all whole numbers (text cells, e.g. a suppression
    marker, and missing cells are ignored)."""
    if pd.api.types.is_float_dtype(series.dtype):
        values = series.to_numpy(dtype="float64", na_value=np.nan)
    elif series.dtype == object:
        floats = [v for v in series if isinstance(v, float | np.floating)]
        if not floats:
            return False
        values = np.asarray(floats, dtype="float64")
    else:
        return False
    finite = values[np.isfinite(values)]
    return bool(finite.size) and bool(np.all(finite == np.round(finite)))


def frame_to_csv(frame: pd.DataFrame, *,
                 digits: int | Mapping[str, int | None] | None = 4) -> str:
    """The canonical CSV text of ``frame`` (header row, then rows in the order given).

    ``digits``: decimals for floats, one for all columns or per column (by name; columns not
    named get 4).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([str(c) for c in frame.columns])
    formatters: list[Callable[[Any], str]] = []
    for name in frame.columns:
        whole = _whole_float_column(frame[name])
        places = digits.get(str(name), 4) if isinstance(digits, Mapping) else digits
        formatters.append(lambda v, w=whole, d=places: format_cell(v, d, whole=w))
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([f(v) for f, v in zip(formatters, row, strict=True)])
    return buffer.getvalue()


def frames_hash(frames: Sequence[tuple[str, pd.DataFrame]]) -> str:
    """sha256 (hex) of the named frames' full-precision canonical CSV, in the order given."""
    digest = hashlib.sha256()
    for name, frame in frames:
        digest.update(f"## {name}\n".encode())
        digest.update(frame_to_csv(frame, digits=None).encode("utf-8"))
    return digest.hexdigest()


def _sort_key(series: pd.Series) -> pd.Series:
    if isinstance(series.dtype, pd.CategoricalDtype) and series.dtype.ordered:
        return series.cat.codes.where(series.notna(), np.iinfo("int16").max)
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
            series.dtype):
        return series
    return series.map(lambda v: "\uffff" if _is_missing(v) else format_cell(v, None))


def sort_rows(frame: pd.DataFrame, keys: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows sorted by ``keys`` (default: every column that is not a float), stable.

    Ordered categoricals sort by their category order (scale order), numbers numerically,
    everything else by its canonical text; missing values last. ``keys=[]`` keeps the order.
    """
    if keys is None:
        keys = [c for c in frame.columns if not pd.api.types.is_float_dtype(frame[c].dtype)]
    keys = list(keys)
    missing = [k for k in keys if k not in frame.columns]
    if missing:
        raise ParameterError(f"cannot sort by {', '.join(missing)}; columns: "
                             f"{', '.join(map(str, frame.columns))}", field="keys")
    if not keys:
        return frame.reset_index(drop=True)
    return frame.sort_values(keys, key=_sort_key, kind="stable",
                             na_position="last").reset_index(drop=True)
