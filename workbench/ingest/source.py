"""Reading a text file's bytes into lines, with a clear refusal of unknown encodings.

Accepted: UTF-8 (with or without a byte-order mark) and UTF-16 with a byte-order mark. Anything
else — Windows-1252/Latin-1 exports in particular — is refused with the line of the first bad
byte rather than guessed, because a wrong guess silently corrupts names and quoted speech. A NUL
byte (binary data, a failed copy, UTF-16 without its mark) is refused with its line.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from workbench.exceptions import IngestError

#: The WebVTT line terminators (CRLF, CR, LF); other characters such as U+2028 stay in a line.
LINE_BREAK = re.compile(r"\r\n|\r|\n")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, path: Path) -> str:
    """Decode ``data`` as UTF-8 (BOM optional) or BOM-marked UTF-16; the BOM is dropped.

    Raises
    ------
    IngestError
        naming the line of the first byte that is not valid in the encoding.
    """
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            if name == "utf-32":
                raise IngestError("UTF-32 text is not supported; expected UTF-8 (or UTF-16 with "
                                  "a byte-order mark)", path=path, line=1)
            encoding = name
            break
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start: exc.start + 1].hex()
        raise IngestError(
            f"byte 0x{bad} is not valid {encoding.upper().replace('-SIG', '')}; expected UTF-8 "
            "text (or UTF-16 with a byte-order mark). Re-save the file as UTF-8 — it may be "
            "Windows-1252/Latin-1, which is not guessed because a wrong guess corrupts text",
            path=path, line=line) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise IngestError("NUL byte in the text; expected a text file (is it binary, truncated "
                          "by a failed copy, or UTF-16 without a byte-order mark?)",
                          path=path, line=line)
    return text.removeprefix("\ufeff")


def read_text(path: Path) -> str:
    """The decoded text of ``path`` (see :func:`decode`)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read the file: {exc.strerror}", path=path) from None
    return decode(data, path)


def read_lines(path: Path) -> list[str]:
    """The file's lines (1-based line *n* is item *n - 1*), without line terminators.

    Raises
    ------
    IngestError
        if the file is empty or holds only blank lines.
    """
    lines = LINE_BREAK.split(read_text(path))
    if lines and lines[-1] == "":
        lines.pop()
    if not any(line.strip() for line in lines):
        raise IngestError("the file is empty; expected a transcript with at least one "
                          "utterance", path=path, line=1)
    return lines
