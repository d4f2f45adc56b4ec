"""The reviewer's reliability view: alpha per code worst first, drift alerts, confusion matrices.

Thin: it renders the DataFrames of :mod:`workbench.review.project_report`
(``reliability_table``, ``drift_table``'s alerts, ``confusion_tables``); ``from_store``
computes them.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as W
import pandas as pd

from workbench.codebook.book import Codebook
from workbench.review.project_report import (
    NO_DATA,
    confusion_tables,
    drift_table,
    reliability_table,
)
from workbench.store import Store

#: verdict → (text colour, background), Krippendorff (2004) bands.
VERDICT_COLOURS: dict[str, tuple[str, str]] = {
    "acceptable": ("#1a7f37", "#dafbe1"),
    "tentative": ("#9a6700", "#fff8c5"),
    "unreliable": ("#cf222e", "#ffebe9"),
    "undefined": ("#57606a", "#f6f8fa"),
    NO_DATA: ("#57606a", "#f6f8fa"),
}
NEEDS_WORK = ("unreliable", "tentative", "undefined", NO_DATA)
_CELL = "padding:3px 8px;border-bottom:1px solid #eee"


def _number(value: Any, digits: int = 3) -> str:
    return "–" if pd.isna(value) else f"{value:.{digits}f}"


def table_html(table: pd.DataFrame) -> str:
    """The reliability table as HTML, rows in the given order, verdict cells coloured."""
    head = "".join(f"<th style='{_CELL};text-align:left'>{h}</th>" for h in (
        "code", "group", "level", "alpha", "95% CI", "units", "coders", "prevalence",
        "verdict"))
    rows = []
    for row in table.itertuples(index=False):
        colour, background = VERDICT_COLOURS.get(row.verdict, ("#000", "#fff"))
        ci = "–" if pd.isna(row.ci_low) else f"{row.ci_low:.3f} – {row.ci_high:.3f}"
        prevalence = "–" if pd.isna(row.prevalence) else f"{row.prevalence:.1%}"
        rows.append(
            f"<tr class='bwv-irr-row bwv-irr--{escape(row.verdict.replace(' ', '-'))}'>"
            f"<td style='{_CELL}' title='{escape(row.label, quote=True)}'>"
            f"<code>{escape(row.code_id)}</code></td>"
            f"<td style='{_CELL}'>{escape(row.group)}</td>"
            f"<td style='{_CELL}'>{escape(row.alpha_level)}</td>"
            f"<td style='{_CELL};text-align:right'>{_number(row.alpha)}</td>"
            f"<td style='{_CELL};text-align:right'>{ci}</td>"
            f"<td style='{_CELL};text-align:right'>{row.n_units}</td>"
            f"<td style='{_CELL};text-align:right'>{row.n_coders}</td>"
            f"<td style='{_CELL};text-align:right'>{prevalence}</td>"
            f"<td style='{_CELL};color:{colour};background:{background};font-weight:600'>"
            f"{escape(row.verdict)}</td></tr>")
    return (f"<table class='bwv-irr' style='border-collapse:collapse'><thead><tr>{head}</tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>")


Confusions = list[tuple[str, str, str, pd.DataFrame]]


def alerts_html(alerts: pd.DataFrame) -> str:
    """A warning naming each code whose agreement fell below the threshold in its latest
    period ('' when none)."""
    if alerts is None or alerts.empty:
        return ""
    items = []
    for row in alerts.itertuples(index=False):
        before = "" if pd.isna(row.previous) else f", was {row.previous:.3f}"
        items.append(f"<li class='bwv-drift-code'><code>{escape(row.code_id)}</code>: alpha "
                     f"{row.krippendorff_alpha:.3f} in {escape(str(row.period))} "
                     f"({row.n_units} units{before})</li>")
    threshold = float(alerts["threshold"].iloc[0])
    return (f"<div class='bwv-drift' style='color:#cf222e;background:#ffebe9;padding:4px 8px'>"
            f"<b>Drift: {len(alerts)} code(s) fell below alpha {threshold:.3f} in their latest "
            f"period</b><ul style='margin:2px 0'>{''.join(items)}</ul></div>")


def matrix_html(coder_a: str, coder_b: str, matrix: pd.DataFrame) -> str:
    """One pair's confusion matrix: rows coder_a, columns coder_b, agreement shaded."""
    head = "".join(f"<th style='{_CELL}'>{escape(str(c))}</th>" for c in matrix.columns)
    body = []
    for i, (label, counts) in enumerate(matrix.iterrows()):
        cells = "".join(
            f"<td style='{_CELL};text-align:right{';background:#dafbe1' if i == j else ''}'>"
            f"{int(v)}</td>" for j, v in enumerate(counts))
        body.append(f"<tr><th style='{_CELL};text-align:left'>{escape(str(label))}</th>"
                    f"{cells}</tr>")
    return (f"<table class='bwv-confusion' style='border-collapse:collapse;margin:4px 0'>"
            f"<caption style='text-align:left'>{escape(coder_a)} (rows) × {escape(coder_b)} "
            f"(columns)</caption><thead><tr><th></th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


class ReliabilityReport(W.VBox):
    """Per-code reliability, worst codes first, with a filter for the codes needing work.

    ``compute`` (optional) recomputes the table for the Refresh button; ``alerts`` (a
    ``drift_table`` alert frame) shows as a warning above the table; ``confusions`` (from
    ``confusion_tables``) fill the confusion-matrix view, one code at a time;
    ``compute_extras`` recomputes both on Refresh.
    """

    def __init__(self, table: pd.DataFrame, *, title: str = "Reliability per code",
                 compute: Callable[[], pd.DataFrame] | None = None,
                 alerts: pd.DataFrame | None = None, confusions: Confusions | None = None,
                 compute_extras: Callable[[], tuple[pd.DataFrame, Confusions]] | None = None
                 ) -> None:
        self._compute = compute
        self._compute_extras = compute_extras
        self.alerts = alerts if alerts is not None else pd.DataFrame()
        self.confusions: Confusions = confusions or []
        self.drift = W.HTML()
        self.confusion_code = W.Dropdown(description="Confusion", options=[])
        self.confusion = W.HTML()
        self.confusion_code.observe(lambda _change: self._render_confusion(), names="value")
        self.title = W.HTML(f"<h4 style='margin:4px 0'>{escape(title)}</h4>")
        self.summary = W.HTML()
        self.filter = W.ToggleButtons(options=[("All codes", "all"),
                                               ("Needs work", "needs_work")], value="all")
        self.refresh_button = W.Button(description="Refresh", icon="refresh",
                                       disabled=compute is None)
        self.html = W.HTML()
        self.filter.observe(lambda _change: self._render(), names="value")
        self.refresh_button.on_click(lambda _b: self.refresh())
        super().__init__([self.title, self.drift, self.summary,
                          W.HBox([self.filter, self.refresh_button]), self.html,
                          self.confusion_code, self.confusion])
        self.table = table
        self._render()
        self._render_extras()

    @classmethod
    def from_store(cls, store: Store, codebook: Codebook, *, bootstrap: int = 1000,
                   seed: int = 0, coders: list[str] | None = None) -> ReliabilityReport:
        """Compute the table for a project's store and show it (Refresh recomputes)."""
        def compute() -> pd.DataFrame:
            return reliability_table(store, codebook, bootstrap=bootstrap, seed=seed,
                                     coders=coders)

        def extras() -> tuple[pd.DataFrame, Confusions]:
            _drift, alerts = drift_table(store, codebook, coders=coders)
            return alerts, confusion_tables(store, codebook, coders=coders)

        alerts, confusions = extras()
        return cls(compute(), title=f"{codebook.label}: reliability per code (Krippendorff's "
                   f"alpha, {bootstrap} bootstrap resamples)", compute=compute,
                   alerts=alerts, confusions=confusions, compute_extras=extras)

    def refresh(self) -> None:
        """Recompute the table (when built with ``compute``) and show it."""
        if self._compute is not None:
            self.table = self._compute()
            self._render()
        if self._compute_extras is not None:
            self.alerts, self.confusions = self._compute_extras()
            self._render_extras()

    @property
    def shown(self) -> pd.DataFrame:
        """The rows currently displayed."""
        if self.filter.value == "needs_work":
            return self.table.loc[self.table["verdict"].isin(NEEDS_WORK)]
        return self.table

    def _render(self) -> None:
        counts = self.table["verdict"].value_counts()
        parts = [f"<span style='color:{VERDICT_COLOURS[v][0]}'>{counts.get(v, 0)} {v}</span>"
                 for v in ("acceptable", "tentative", "unreliable", "undefined", NO_DATA)
                 if counts.get(v, 0)]
        self.summary.value = f"{len(self.table)} codes: " + ", ".join(parts)
        self.html.value = table_html(self.shown)

    def _render_extras(self) -> None:
        self.drift.value = alerts_html(self.alerts)
        codes = list(dict.fromkeys(code for code, *_ in self.confusions))
        current = self.confusion_code.value
        self.confusion_code.options = codes
        if codes:
            self.confusion_code.value = current if current in codes else codes[0]
        self._render_confusion()

    def _render_confusion(self) -> None:
        code = self.confusion_code.value
        self.confusion.value = "".join(matrix_html(a, b, m) for c, a, b, m in self.confusions
                                       if c == code)
