"""The lead's view of coding: each coder's progress and pace.

Pace is annotations per active hour, from the annotation timestamps (every row a coder made,
including ones later removed or superseded, because each was an action). Active time is the
sum of the gaps between a coder's consecutive annotations that are no longer than
``idle_gap``; longer gaps are breaks and do not count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from workbench.model import AssignmentStatus, Layer
from workbench.store import Store

IDLE_GAP = timedelta(minutes=15)


@dataclass(frozen=True)
class CoderPace:
    """One coder's progress (clip counts) and pace (annotations per active hour).

    ``last_active`` is the time of the coder's latest annotation, in UTC.
    """

    coder_id: str
    done: int
    in_progress: int
    todo: int
    annotations: int
    active_hours: float
    per_hour: float | None
    last_active: datetime | None

    @property
    def total(self) -> int:
        return self.done + self.in_progress + self.todo


def active_hours(times: pd.Series, idle_gap: timedelta = IDLE_GAP) -> float:
    """Hours of activity in a series of timestamps: sum of consecutive gaps ≤ ``idle_gap``.

    >>> t = pd.Series(pd.to_datetime(["2026-01-05 10:00", "2026-01-05 10:10",
    ...                               "2026-01-05 10:20", "2026-01-05 14:00"]))
    >>> active_hours(t)   # two 10-minute gaps; the 3 h 40 min break does not count
    0.3333333333333333
    """
    if len(times) < 2:
        return 0.0
    gaps = pd.to_datetime(times, utc=True).sort_values().diff().dropna()
    return float(gaps[gaps <= idle_gap].sum().total_seconds() / 3600)


def coder_overview(store: Store, idle_gap: timedelta = IDLE_GAP) -> list[CoderPace]:
    """Progress and pace of every coder with assignments or annotations, by coder id."""
    counts: dict[str, dict[AssignmentStatus, int]] = {}
    for a in store.assignments():
        counts.setdefault(a.coder_id, dict.fromkeys(AssignmentStatus, 0))[a.status] += 1
    frame = store.annotations_frame(layer=Layer.CODER, statuses=())
    by_coder = dict(tuple(frame.groupby("coder_id"))) if len(frame) else {}
    rows = []
    for coder_id in sorted(set(counts) | set(by_coder)):
        status = counts.get(coder_id, dict.fromkeys(AssignmentStatus, 0))
        made = by_coder.get(coder_id)
        n = 0 if made is None else len(made)
        hours = 0.0 if made is None else active_hours(made["created_at"], idle_gap)
        last = (None if made is None
                else pd.to_datetime(made["created_at"], utc=True).max().to_pydatetime())
        rows.append(CoderPace(
            coder_id=coder_id, done=status[AssignmentStatus.DONE],
            in_progress=status[AssignmentStatus.IN_PROGRESS],
            todo=status[AssignmentStatus.TODO], annotations=n, active_hours=hours,
            per_hour=n / hours if hours > 0 else None, last_active=last))
    return rows
