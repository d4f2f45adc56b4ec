"""The coder's queue: progress bar, counts, and the list of assigned clips to open."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as W

from workbench.coding import Progress, QueueEntry
from workbench.model import AssignmentStatus

_MARK = {AssignmentStatus.DONE: "✓", AssignmentStatus.IN_PROGRESS: "▶",
         AssignmentStatus.TODO: "○"}
_WORD = {AssignmentStatus.DONE: "done", AssignmentStatus.IN_PROGRESS: "in progress",
         AssignmentStatus.TODO: "to do"}


def entry_label(entry: QueueEntry) -> str:
    """E.g. ``"▶ clip_0007 · in progress"``."""
    return f"{_MARK[entry.status]} {entry.clip_id} · {_WORD[entry.status]}"


class QueuePanel(W.VBox):
    """Selecting a clip in the list calls ``on_open(clip_id)``."""

    def __init__(self, on_open: Callable[[str], None]) -> None:
        self._on_open = on_open
        self._quiet = False
        self.bar = W.IntProgress(min=0, max=1, value=0, bar_style="success",
                                 layout=W.Layout(width="100%"))
        self.summary = W.HTML()
        self.clips = W.Select(options=[], rows=10, layout=W.Layout(width="100%"))
        self.clips.observe(self._selected, names="value")
        super().__init__([W.HTML("<b>Your clips</b>"), self.bar, self.summary, self.clips])

    def _selected(self, change: dict) -> None:
        if not self._quiet and change["new"] is not None:
            self._on_open(change["new"])

    def show(self, entries: Sequence[QueueEntry], progress: Progress,
             current: str | None) -> None:
        """Re-draw the list and the progress (only on a status change or a new clip)."""
        self._quiet = True
        try:
            self.bar.max = max(progress.total, 1)
            self.bar.value = progress.done
            self.summary.value = f"<small>{progress.summary()}</small>"
            options = [(entry_label(e), e.clip_id) for e in entries]
            if list(self.clips.options) != options:
                self.clips.options = options
            self.clips.value = current
        finally:
            self._quiet = False
