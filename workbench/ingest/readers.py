"""The transcript readers, registered by file extension (lower case, no dot).

Add a format by registering a :data:`~workbench.ingest.records.Reader` here:
``READERS.register("txt", read_txt)``. A reader takes the path and, optionally, the project's
:class:`~workbench.ingest.records.ReadOptions`.
"""

from __future__ import annotations

from pathlib import Path

from workbench.exceptions import IngestError, WorkbenchError
from workbench.ingest.elan import read_eaf
from workbench.ingest.records import ParsedClip, Reader, ReadOptions
from workbench.ingest.srt import read_srt
from workbench.ingest.tabular import read_table
from workbench.ingest.vtt import read_vtt
from workbench.ingest.whisper import read_whisper_json
from workbench.registry import Registry

READERS: Registry[Reader] = Registry("transcript reader")
READERS.register("vtt", read_vtt)
READERS.register("srt", read_srt)
READERS.register("eaf", read_eaf)
READERS.register("csv", read_table)
READERS.register("jsonl", read_table)
READERS.register("tsv", read_table)
READERS.register("json", read_whisper_json)


def extension(path: Path) -> str:
    """The registry key of a path: its last suffix, lower case, without the dot."""
    return path.suffix.lower().removeprefix(".")


def read_transcript(path: str | Path, options: ReadOptions | None = None) -> list[ParsedClip]:
    """Read one file with the reader for its extension (``options``: tier settings).

    Raises
    ------
    IngestError
        if no reader is registered for the extension, or the file is malformed.
    """
    path = Path(path)
    try:
        reader = READERS.get(extension(path))
    except WorkbenchError:
        raise IngestError(f"no transcript reader for '{path.suffix or '(no extension)'}'; "
                          f"expected one of: {', '.join('.' + n for n in READERS)}",
                          path=path) from None
    return reader(path, options)
