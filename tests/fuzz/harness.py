"""What every fuzz test shares: run one input through a reader and classify the outcome.

Each input must either be read or be refused with a :class:`~workbench.exceptions.WorkbenchError`
within :data:`PER_INPUT_SECONDS`; any other exception (a traceback) or a hang fails the test.
Counts per reader are printed at the end of the session (``conftest.py``), e.g.
``fuzz vtt: 150 inputs (41 read, 109 refused)``.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings

from workbench.exceptions import WorkbenchError

#: A reader must answer one input within this many seconds (a generous bound on 2 busy cores).
PER_INPUT_SECONDS = 10.0

#: reader -> Counter of outcomes ("read", "refused"), for the session summary.
COUNTS: dict[str, Counter[str]] = {}

#: Fixed seed and a CI budget: the whole fuzz suite runs in well under a minute.
FUZZ = settings(derandomize=True, deadline=None, max_examples=120, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])

T = TypeVar("T")


class Hang(AssertionError):
    """A reader took longer than :data:`PER_INPUT_SECONDS` on one input."""


@contextmanager
def _alarm(seconds: float, reader: str):  # type: ignore[no-untyped-def]
    def on_alarm(_signum: int, _frame: Any) -> None:
        raise Hang(f"{reader}: no answer within {seconds:g} s (a hang)")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:  # give pytest-timeout's alarm back what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started),
                                                     0.001))


def attempt(reader: str, read: Callable[[], T]) -> T | WorkbenchError:
    """``read()``'s result, or the ``WorkbenchError`` it raised; anything else propagates."""
    counts = COUNTS.setdefault(reader, Counter())
    with _alarm(PER_INPUT_SECONDS, reader):
        try:
            result = read()
        except WorkbenchError as error:
            assert str(error).strip(), f"{reader}: an error without a message"
            assert "Traceback" not in str(error)
            counts["refused"] += 1
            return error
    counts["read"] += 1
    return result
