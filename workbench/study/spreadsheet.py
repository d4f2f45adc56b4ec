"""Text that a spreadsheet would run: neutralising formula (and DDE) injection in CSV and XLSX.

Excel, LibreOffice Calc and Google Sheets read a cell as a formula when its text begins with
``=``, ``+``, ``-`` or ``@`` (also after leading spaces, tabs or line breaks, and in the
full-width forms ``＝ ＋ － ＠``); a tab or carriage return at the start can also push such text
into a cell of its own. Dynamic Data Exchange payloads (``=cmd|' /C calc'!A0``,
``@SUM(1+1)*cmd|...``, ``-2+3+cmd|...``) are such formulas. The OWASP *CSV Injection*
guidance: prefix those cells with a single quote, so they are read as text.

* :func:`neutralise` does that to one text cell of a CSV; plain numbers (``-5``, ``+1.5e3``)
  are left alone, so numbers stay numbers. :func:`neutralise_frame` applies it to a table
  about to be written (and turns carriage returns into line feeds, so no cell splits a row).
* :func:`xlsx_text` undoes the quote for the workbook, where the cell is instead written as a
  string with Excel's hidden *quote prefix* (so editing it does not turn it into a formula).
"""

from __future__ import annotations

import re

import pandas as pd

#: First characters (after leading white space) that make a spreadsheet read a formula.
TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
QUOTE = "'"
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_LEADING = " \t\r\n\u00a0"


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula (numbers are not).

    >>> [is_formula_like(t) for t in ("=1+1", " @SUM(A1)", "-2+3+cmd|' /C calc'!A0", "-5",
    ...                               "\\t=x", "plain", "")]
    [True, True, True, False, True, False, False]
    """
    if not text:
        return False
    if text[0] in "\t\r\n":
        return True
    stripped = text.lstrip(_LEADING)
    return bool(stripped) and stripped[0] in TRIGGERS and not _NUMBER.match(stripped)


def neutralise(value: object) -> object:
    """``value`` with a leading ``'`` if it is text a spreadsheet would run; others unchanged.

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-0.25"), neutralise(3)
    ('\\'=HYPERLINK("http://x")', '-0.25', 3)
    """
    if isinstance(value, str) and is_formula_like(value):
        return QUOTE + value
    return value


def csv_text(value: object) -> object:
    """One text cell for a CSV: carriage returns (which the CSV writer leaves unquoted, and
    readers take for the end of a row) become line feeds, then :func:`neutralise`."""
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return neutralise(value)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and column name passed through
    :func:`csv_text` (number, date and boolean cells are not touched)."""
    out = frame.copy()
    out.columns = [csv_text(c) if isinstance(c, str) else c for c in out.columns]
    for column in out.columns:
        dtype = out[column].dtype
        if (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)
                or isinstance(dtype, pd.CategoricalDtype)):
            out[column] = out[column].map(csv_text).astype(object)
    return out


def xlsx_text(text: str) -> tuple[str, bool]:
    """The text to store in a workbook cell, and whether it needs Excel's quote prefix.

    A CSV cell neutralised by :func:`neutralise` loses its visible quote here; any text that
    is formula-like is flagged, whether or not it came quoted.
    """
    if text.startswith(QUOTE) and is_formula_like(text[1:]):
        return text[1:], True
    return text, is_formula_like(text)
