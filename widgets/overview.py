"""The lead's coder overview: each coder's progress and pace, refreshed on demand."""

from __future__ import annotations

from html import escape

import ipywidgets as W

from widgets.progress import ProgressIndicator
from workbench.coding import CoderPace, coder_overview
from workbench.store import Store


def _bar(row: CoderPace) -> str:
    if not row.total:
        return ""
    done = 100 * row.done / row.total
    doing = 100 * row.in_progress / row.total
    return ("<div style='width:140px;height:10px;background:#eee;display:flex'>"
            f"<div style='width:{done:.1f}%;background:#2a8a3a'></div>"
            f"<div style='width:{doing:.1f}%;background:#e0b400'></div></div>")


def overview_html(rows: list[CoderPace]) -> str:
    """An HTML table of :func:`workbench.coding.coder_overview` rows."""
    head = ("<tr><th>coder</th><th>done</th><th>in progress</th><th>to do</th><th></th>"
            "<th>annotations</th><th>active h</th><th>per hour</th><th>last active (UTC)</th>"
            "</tr>")
    body = "".join(
        f"<tr><td>{escape(r.coder_id)}</td><td>{r.done}</td><td>{r.in_progress}</td>"
        f"<td>{r.todo}</td><td>{_bar(r)}</td><td>{r.annotations}</td>"
        f"<td>{r.active_hours:.1f}</td>"
        f"<td>{'–' if r.per_hour is None else f'{r.per_hour:.0f}'}</td>"
        f"<td>{r.last_active:%Y-%m-%d %H:%M}</td></tr>" if r.last_active else
        f"<tr><td>{escape(r.coder_id)}</td><td>{r.done}</td><td>{r.in_progress}</td>"
        f"<td>{r.todo}</td><td>{_bar(r)}</td><td>{r.annotations}</td><td>–</td><td>–</td>"
        "<td>–</td></tr>"
        for r in rows)
    return f"<table class='bwv-overview'>{head}{body}</table>"


class CoderOverview(W.VBox):
    """Progress and pace per coder (pace: annotations per active hour; see
    :mod:`workbench.coding.overview`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.rows: list[CoderPace] = []
        self.refresh_button = W.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.progress = ProgressIndicator(steps=2)
        self.table = W.HTML()
        super().__init__([W.HBox([self.refresh_button, self.progress]), self.table])
        self.refresh()

    def refresh(self) -> None:
        """Re-read assignments and annotations from the store."""
        self.progress.bar.value = 0
        self.progress.step("reading assignments and annotations…")
        self.rows = coder_overview(self.store)
        self.progress.step("rendering…")
        self.table.value = overview_html(self.rows)
        self.progress.finish(f"{len(self.rows)} coders")
