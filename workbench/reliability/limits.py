"""The memory limit of reliability computations: refuse, with the figures, before allocating.

Arrays whose size grows with the number of distinct values (a q × q weight matrix, the
units × values counts, a bootstrap block of coincidence matrices) are checked against one
limit before they are built, so a ratings file with thousands of distinct values gets a clear
message instead of a ``MemoryError`` or an 800 GiB request. Krippendorff's alpha itself never
needs a q × q array (see `coincidences`), so it streams at any size.

The limit (bytes) is, in order: `memory_limit_set` (a context, e.g. ``bwv irr --memory-limit``),
the environment variable ``BWV_MEMORY_LIMIT`` ("2GiB", "500MB", or bytes), else 256 MiB (ample
for tens of thousands of units with dozens of values).

>>> parse_size("1.5GiB"), parse_size("500MB"), parse_size("1024")
(1610612736, 500000000, 1024)
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from workbench.exceptions import ParameterError, ReliabilityDataError

DEFAULT_MEMORY_LIMIT = 256 << 20
ENV_VAR = "BWV_MEMORY_LIMIT"
_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*")
_override: ContextVar[int | None] = ContextVar("bwv_memory_limit", default=None)


class MemoryLimitError(ReliabilityDataError):
    """A computation would need more memory than the limit allows; nothing was allocated."""


def parse_size(text: str) -> int:
    """Bytes of a size such as "2GiB", "500 MB" or "1048576"; `ParameterError` otherwise."""
    match = _SIZE.fullmatch(str(text))
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in _UNITS:
        raise ParameterError(
            f"memory limit '{text}' is not a size; expected e.g. 2GiB, 500MB or a number of "
            "bytes", field="memory_limit",
        )
    size = int(float(match.group(1)) * _UNITS[unit])
    if size <= 0:
        raise ParameterError(f"memory limit must be above 0, got '{text}'", field="memory_limit")
    return size


def memory_limit() -> int:
    """The limit in force, in bytes."""
    override = _override.get()
    if override is not None:
        return override
    text = os.environ.get(ENV_VAR, "").strip()
    return parse_size(text) if text else DEFAULT_MEMORY_LIMIT


@contextmanager
def memory_limit_set(limit: int | str | None) -> Iterator[None]:
    """Use ``limit`` (bytes or a size text; None = unchanged) inside the block."""
    if limit is None:
        yield
        return
    token = _override.set(parse_size(limit) if isinstance(limit, str) else int(limit))
    try:
        yield
    finally:
        _override.reset(token)


def format_size(n_bytes: float) -> str:
    """A byte count for people: "288.0 MiB", "1.0 GiB".

    >>> format_size(3 * 2**30)
    '3.0 GiB'
    """
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n_bytes >= size:
            return f"{n_bytes / size:.1f} {unit}"
    return f"{int(n_bytes)} B"


def require_memory(n_bytes: float, what: str, source: str | Path | None = None) -> None:
    """Raise `MemoryLimitError` when ``what`` would need more than the limit."""
    limit = memory_limit()
    if n_bytes > limit:
        raise MemoryLimitError(
            f"{what} would need {format_size(n_bytes)}, above the memory limit of "
            f"{format_size(limit)}; raise it with {ENV_VAR} (e.g. {ENV_VAR}=8GiB) or "
            "bwv irr --memory-limit, or give fewer distinct values (e.g. round them)",
            path=source, field="memory_limit",
        )
