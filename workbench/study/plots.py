"""Figures of published (already protected) tables, for :meth:`StudyOutputs.figure`.

Each function takes a table returned by :meth:`StudyOutputs.table` (cells may hold the
suppression marker) and returns a matplotlib figure; a suppressed value is not drawn and its
label says so. Only the Agg back-end is used.

Ticks, legends and axis titles show codebook and metadata labels, never ids: pass
``labels=out.labels`` (:class:`~workbench.study.labels.Labels`). Colours are colour-blind
safe: the Okabe–Ito palette for categories, viridis for ordered parts, and the diverging
RdBu (ColorBrewer, marked colour-blind safe) for residuals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from workbench.study.labels import Labels
from workbench.study.outputs import figure_style  # selects the Agg back-end

SUPPRESSED = "[c]"
#: Okabe & Ito (2008) colour-blind-safe palette (black left out).
OKABE_ITO: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9",
                              "#D55E00", "#F0E442")
BAR = OKABE_ITO[0]
REFERENCE = OKABE_ITO[5]


def _names(labels: Labels | None, column: str, values: Sequence[object]) -> list[str]:
    return labels.series(column, values) if labels is not None else [str(v) for v in values]


def _header(labels: Labels | None, column: str) -> str:
    return labels.header(column) if labels is not None else column.replace("_", " ")


def numbers(column: pd.Series) -> np.ndarray:
    """A published column as floats (suppressed or empty cells → NaN)."""
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)


def _labels(labels: Sequence[str], values: np.ndarray) -> list[str]:
    return [f"{label} {SUPPRESSED}" if np.isnan(v) else str(label)
            for label, v in zip(labels, values, strict=True)]


def bar_chart(table: pd.DataFrame, label: str, value: str, *, low: str | None = None,
              high: str | None = None, xlabel: str = "", title: str = "",
              reference: Mapping[str, float] | None = None, reference_label: str = "reference",
              labels: Labels | None = None) -> plt.Figure:
    """Horizontal bars of ``value`` per ``label`` (top to bottom in table order).

    ``low``/``high``: interval columns drawn as error bars; ``reference``: label id → a value
    marked with a diamond (e.g. a published study's figure), named ``reference_label`` in
    the legend.
    """
    values = numbers(table[value])
    names = _labels(_names(labels, label, table[label].astype(str).tolist()), values)
    with figure_style():
        fig, ax = plt.subplots(figsize=(7, 0.35 * len(names) + 1.2))
        y = np.arange(len(names))[::-1]
        ax.barh(y, np.nan_to_num(values), color=BAR)
        if low is not None and high is not None:
            lo, hi = numbers(table[low]), numbers(table[high])
            ok = ~(np.isnan(lo) | np.isnan(hi) | np.isnan(values))
            spread = [np.maximum(values[ok] - lo[ok], 0), np.maximum(hi[ok] - values[ok], 0)]
            ax.errorbar(values[ok], y[ok], xerr=spread,
                        fmt="none", ecolor="#333333", capsize=2, linewidth=0.8)
        if reference:
            ref = np.array([reference.get(str(n), np.nan) for n in table[label]])
            ax.scatter(ref, y, marker="D", color=REFERENCE, zorder=3, label=reference_label)
            ax.legend(loc="lower right", fontsize=8)
        ax.set_yticks(y, names, fontsize=8)
        ax.set_xlabel(xlabel)
        if title:
            ax.set_title(title, fontsize=10)
        fig.tight_layout()
    return fig


def stacked_shares(table: pd.DataFrame, category: str, part: str, value: str, *,
                   order: Sequence[str] | None = None, xlabel: str = "%",
                   title: str = "", labels: Labels | None = None) -> plt.Figure:
    """100% stacked horizontal bars: one bar per ``category``, segments per ``part``."""
    wide = table.assign(_v=numbers(table[value])).pivot_table(
        index=category, columns=part, values="_v", aggfunc="first", sort=False)
    if order is not None:
        wide = wide[[p for p in order if p in wide.columns]]
    with figure_style():
        fig, ax = plt.subplots(figsize=(7, 0.45 * len(wide) + 1.4))
        left = np.zeros(len(wide))
        y = np.arange(len(wide))[::-1]
        colours = plt.get_cmap("viridis")(np.linspace(0.15, 0.9, max(len(wide.columns), 1)))
        for colour, column in zip(colours, wide.columns, strict=False):
            widths = np.nan_to_num(wide[column].to_numpy(dtype=float))
            ax.barh(y, widths, left=left, color=colour,
                    label=_names(labels, part, [column])[0])
            left += widths
        ax.set_yticks(y, _names(labels, category, list(wide.index)), fontsize=8)
        ax.set_xlabel(xlabel)
        ax.legend(fontsize=7, ncols=min(len(wide.columns), 4), loc="upper center",
                  bbox_to_anchor=(0.5, -0.18))
        if title:
            ax.set_title(title, fontsize=10)
        fig.tight_layout()
    return fig


def line_chart(table: pd.DataFrame, x: str, lines: Sequence[str], *, xlabel: str = "",
               ylabel: str = "", title: str = "", labels: Labels | None = None) -> plt.Figure:
    """One line per column of ``lines`` against ``x`` (suppressed points left out)."""
    with figure_style():
        fig, ax = plt.subplots(figsize=(7, 3.6))
        xs = numbers(table[x])
        for colour, column in zip(OKABE_ITO, lines, strict=False):
            ax.plot(xs, numbers(table[column]), marker=".", color=colour,
                    label=_header(labels, column))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=8)
        if title:
            ax.set_title(title, fontsize=10)
        fig.tight_layout()
    return fig


def heatmap(table: pd.DataFrame, rows: str, columns: str, value: str, *,
            annotate: str | None = None, title: str = "", cmap: str = "RdBu_r",
            labels: Labels | None = None) -> plt.Figure:
    """A ``rows`` × ``columns`` grid coloured by ``value`` (symmetric around 0), each cell
    annotated with ``annotate`` (default ``value``)."""
    grid = table.assign(_v=numbers(table[value])).pivot_table(
        index=rows, columns=columns, values="_v", aggfunc="first", sort=False)
    notes = table.pivot_table(index=rows, columns=columns, values=annotate or value,
                              aggfunc="first", sort=False).reindex_like(grid)
    limit = float(np.nanmax(np.abs(grid.to_numpy()))) if np.isfinite(grid.to_numpy()).any() \
        else 1.0
    with figure_style():
        fig, ax = plt.subplots(figsize=(1.6 * len(grid.columns) + 2, 0.7 * len(grid) + 1.4))
        image = ax.imshow(grid.to_numpy(dtype=float), cmap=cmap, vmin=-limit, vmax=limit)
        ax.set_xticks(range(len(grid.columns)), _names(labels, columns, list(grid.columns)),
                      fontsize=8)
        ax.set_yticks(range(len(grid.index)), _names(labels, rows, list(grid.index)),
                      fontsize=8)
        for i in range(grid.shape[0]):
            for j in range(grid.shape[1]):
                cell = notes.iat[i, j]
                text = cell if isinstance(cell, str) else ("" if pd.isna(cell)
                                                           else f"{float(cell):.1f}")
                strong = abs(float(grid.iat[i, j])) > 0.6 * limit if pd.notna(grid.iat[i, j]) \
                    else False
                ax.text(j, i, text, ha="center", va="center", fontsize=8,
                        color="white" if strong else "black")
        fig.colorbar(image, ax=ax, shrink=0.8, label=_header(labels, value))
        ax.set_xlabel(_header(labels, columns))
        ax.set_ylabel(_header(labels, rows))
        if title:
            ax.set_title(title, fontsize=10)
        fig.tight_layout()
    return fig
