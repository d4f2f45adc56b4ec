"""A progress indicator for long work (opening a project, computing an overview)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

import ipywidgets as W

T = TypeVar("T")


class ProgressIndicator(W.HBox):
    """A bar and a line of text; ``steps`` is the number of steps expected."""

    def __init__(self, steps: int = 1, label: str = "") -> None:
        self.bar = W.IntProgress(min=0, max=max(steps, 1), value=0,
                                 layout=W.Layout(width="240px"))
        self.label = W.HTML(label)
        super().__init__([self.bar, self.label])

    def step(self, label: str) -> None:
        """One more step done; ``label`` says what is happening now."""
        self.bar.value = min(self.bar.value + 1, self.bar.max)
        self.label.value = label

    def track(self, items: Iterable[T], total: int, label: str) -> Iterator[T]:
        """Yield ``items``, advancing the bar by one each (``total`` of them)."""
        self.bar.max, self.bar.value = max(total, 1), 0
        for n, item in enumerate(items, 1):
            self.label.value = f"{label} ({n}/{total})"
            yield item
            self.bar.value = n

    def finish(self, label: str = "done") -> None:
        self.bar.value = self.bar.max
        self.bar.bar_style = "success"
        self.label.value = label
