"""A coder's queue of assigned clips, their progress, and which clip to resume.

Queue order is the assignment order (``position``, then clip id), as the lead allocated it.
Resuming picks the first clip in progress, else the first still to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.model import Assignment, AssignmentStatus


@dataclass(frozen=True)
class QueueEntry:
    """One assigned clip as the coder sees it (``reliability`` is not shown to the coder)."""

    clip_id: str
    status: AssignmentStatus
    position: int
    last_utterance: int

    @classmethod
    def of(cls, assignment: Assignment) -> QueueEntry:
        return cls(assignment.clip_id, assignment.status, assignment.position,
                   assignment.last_utterance)


@dataclass(frozen=True)
class Progress:
    """Counts of a coder's clips by status."""

    done: int
    in_progress: int
    todo: int

    @property
    def total(self) -> int:
        return self.done + self.in_progress + self.todo

    @property
    def fraction_done(self) -> float:
        """Share of clips done, 0–1 (0 when nothing is assigned)."""
        return self.done / self.total if self.total else 0.0

    def summary(self) -> str:
        """E.g. ``"3 done · 1 in progress · 6 to do (of 10)"``."""
        return (f"{self.done} done · {self.in_progress} in progress · {self.todo} to do "
                f"(of {self.total})")


def ordered(assignments: Sequence[Assignment]) -> list[QueueEntry]:
    """Queue entries in queue order (position, then clip id)."""
    return [QueueEntry.of(a) for a in sorted(assignments, key=lambda a: (a.position, a.clip_id))]


def progress_of(entries: Sequence[QueueEntry]) -> Progress:
    """Count entries by status."""
    counts = {s: 0 for s in AssignmentStatus}
    for entry in entries:
        counts[entry.status] += 1
    return Progress(counts[AssignmentStatus.DONE], counts[AssignmentStatus.IN_PROGRESS],
                    counts[AssignmentStatus.TODO])


def resume_clip(entries: Sequence[QueueEntry]) -> str | None:
    """The clip to open next: first in progress, else first to do, else None (all done)."""
    for wanted in (AssignmentStatus.IN_PROGRESS, AssignmentStatus.TODO):
        for entry in entries:
            if entry.status == wanted:
                return entry.clip_id
    return None
