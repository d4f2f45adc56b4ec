"""Reading a transcript file's bytes into lines, with a clear refusal of unknown encodings.

The checks (size, encoding, NUL characters) live in :mod:`workbench.textfiles`; here they raise
:class:`~workbench.exceptions.IngestError`. Accepted: UTF-8 (with or without a byte-order mark)
and UTF-16 with a byte-order mark. Anything else — Windows-1252/Latin-1 exports in particular —
is refused with the line of the first bad byte rather than guessed, because a wrong guess
silently corrupts names and quoted speech.
"""

from __future__ import annotations

from pathlib import Path

from workbench import textfiles
from workbench.exceptions import IngestError
from workbench.textfiles import LINE_BREAK

__all__ = ["LINE_BREAK", "decode", "read_lines", "read_text"]


def decode(data: bytes, path: Path) -> str:
    """Decode ``data`` as UTF-8 (BOM optional) or BOM-marked UTF-16; the BOM is dropped.

    Raises
    ------
    IngestError
        naming the line of the first byte that is not valid in the encoding, or of a NUL.
    """
    return textfiles.decode(data, path, error=IngestError)


def read_text(path: Path) -> str:
    """The decoded text of ``path`` (see :func:`decode`); over-large files are refused."""
    return textfiles.read_text(path, error=IngestError)


def read_lines(path: Path) -> list[str]:
    """The file's lines (1-based line *n* is item *n - 1*), without line terminators.

    Raises
    ------
    IngestError
        if the file is empty or holds only blank lines.
    """
    lines = textfiles.split_lines(read_text(path))
    if not any(line.strip() for line in lines):
        raise IngestError("the file is empty; expected a transcript with at least one "
                          "utterance", path=path, line=1)
    return lines
