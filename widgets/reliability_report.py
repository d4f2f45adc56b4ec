"""The reviewer's reliability view: Krippendorff's alpha per code, worst first, verdicts coloured.

Thin: it renders the DataFrame of
:func:`workbench.review.project_report.reliability_table`; ``from_store`` computes it.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as W
import pandas as pd

from workbench.codebook.book import Codebook
from workbench.review.project_report import NO_DATA, reliability_table
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


class ReliabilityReport(W.VBox):
    """Per-code reliability, worst codes first, with a filter for the codes needing work.

    ``compute`` (optional) recomputes the table for the Refresh button.
    """

    def __init__(self, table: pd.DataFrame, *, title: str = "Reliability per code",
                 compute: Callable[[], pd.DataFrame] | None = None) -> None:
        self._compute = compute
        self.title = W.HTML(f"<h4 style='margin:4px 0'>{escape(title)}</h4>")
        self.summary = W.HTML()
        self.filter = W.ToggleButtons(options=[("All codes", "all"),
                                               ("Needs work", "needs_work")], value="all")
        self.refresh_button = W.Button(description="Refresh", icon="refresh",
                                       disabled=compute is None)
        self.html = W.HTML()
        self.filter.observe(lambda _change: self._render(), names="value")
        self.refresh_button.on_click(lambda _b: self.refresh())
        super().__init__([self.title, self.summary,
                          W.HBox([self.filter, self.refresh_button]), self.html])
        self.table = table
        self._render()

    @classmethod
    def from_store(cls, store: Store, codebook: Codebook, *, bootstrap: int = 1000,
                   seed: int = 0, coders: list[str] | None = None) -> ReliabilityReport:
        """Compute the table for a project's store and show it (Refresh recomputes)."""
        def compute() -> pd.DataFrame:
            return reliability_table(store, codebook, bootstrap=bootstrap, seed=seed,
                                     coders=coders)

        return cls(compute(), title=f"{codebook.label}: reliability per code (Krippendorff's "
                   f"alpha, {bootstrap} bootstrap resamples)", compute=compute)

    def refresh(self) -> None:
        """Recompute the table (when built with ``compute``) and show it."""
        if self._compute is not None:
            self.table = self._compute()
            self._render()

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
