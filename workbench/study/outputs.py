"""Registering a study's tables and figures: the one way a notebook publishes anything.

A notebook calls :meth:`StudyOutputs.table` and :meth:`StudyOutputs.figure`; each call writes
the files into the run folder at once and records the item in the section's manifest
(``sections/<section>.json``), from which the runner assembles the report and the workbook.

* Every table passes the :class:`~workbench.study.gate.PublicationGate` first: disclosure
  control on its counts and the measures derived from them, redaction of its free-text
  columns. Titles and notes are redacted too (keeping the names of cited authors). Rows are
  sorted (:func:`~workbench.study.canonical.sort_rows`) and floats written with fixed
  decimals, so re-runs give the same bytes; text a spreadsheet would run as a formula is
  quoted (:mod:`workbench.study.spreadsheet`).
* Figures are saved as PNG and SVG with matplotlib's Agg back-end, a fixed ``svg.hashsalt``,
  no date in the metadata and text kept as text (so the PII scan can read it). Plot only
  tables returned by :meth:`table` (already protected), never raw frames.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import matplotlib
import pandas as pd

from workbench.exceptions import ParameterError
from workbench.privacy import disclosure
from workbench.report.document import title_problems
from workbench.study.canonical import frame_to_csv, sort_rows
from workbench.study.crosstable import Axis, RunAudit
from workbench.study.gate import CountRule, PublicationGate, TableRules
from workbench.study.labels import Labels
from workbench.study.rounding import column_digits
from workbench.study.spreadsheet import neutralise_frame

matplotlib.use("Agg")

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")
SECTIONS_DIR = "sections"
TABLES_DIR = "tables"
FIGURES_DIR = "figures"
SVG_SALT = "bwv-study"
#: matplotlib settings for deterministic, text-searchable figures.
FIGURE_RC: dict[str, Any] = {"svg.hashsalt": SVG_SALT, "svg.fonttype": "none",
                             "savefig.dpi": 120, "font.family": "DejaVu Sans"}


@dataclass(frozen=True)
class Item:
    """One registered output, as recorded in a section manifest (paths relative to the run)."""

    kind: str  # "table" | "figure"
    name: str
    title: str
    notes: str = ""
    files: dict[str, str] = field(default_factory=dict)
    rows: int | None = None
    suppressed: int | None = None
    #: table: column → what its suppressed cells are ("count", "base", "complement",
    #: "derived"), for the report's footnotes; free-text columns (never relabelled)
    suppression: dict[str, str] = field(default_factory=dict)
    text_columns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    """A study section (one notebook): its id (``03_prevalence``), title, intro and items."""

    section: str
    title: str
    intro: str = ""
    items: list[Item] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Section:
        return cls(section=data["section"], title=data["title"], intro=data.get("intro", ""),
                   items=[Item(**item) for item in data.get("items", [])])


class StudyOutputs:
    """The outputs of one section of a run, written into ``run_dir``.

    Parameters
    ----------
    run_dir : the run folder (``outputs/<run>``); created if needed.
    section : the section id, e.g. ``"03_prevalence"`` (its notebook's name).
    title : the section heading in the report.
    gate : disclosure control and redaction applied to everything published.
    intro : a short paragraph under the heading (redacted).
    audit_dir : private folder of the run's study-wide disclosure audit (the true counts of
        the run's tables and the suppressions the run's audit imposed; never inside the run
        folder; :mod:`workbench.study.crosstable`). None: this section only, in memory.
    """

    def __init__(self, run_dir: str | Path, section: str, title: str, *,
                 gate: PublicationGate, intro: str = "", labels: Labels | None = None,
                 audit_dir: str | Path | None = None) -> None:
        if not NAME_PATTERN.match(section):
            raise ParameterError(f"section id {section!r}; expected lower-case letters, digits "
                                 "and _ (e.g. 03_prevalence)", field="section")
        self.run_dir = Path(run_dir)
        self.gate = gate
        self.audit = RunAudit(Path(audit_dir) if audit_dir is not None else None,
                              gate.threshold, section)
        #: codebook and metadata labels, for figures (``plots.bar_chart(..., labels=...)``)
        self.labels = labels or Labels()
        self._section = Section(section, gate.redact_prose(title), gate.redact_prose(intro))
        for sub in (SECTIONS_DIR, TABLES_DIR, FIGURES_DIR):
            (self.run_dir / sub).mkdir(parents=True, exist_ok=True)
        self._taken = self._names_in_other_sections()
        self._save()

    @property
    def section(self) -> Section:
        return self._section

    # ---- registration ----------------------------------------------------------------------
    def table(self, name: str, frame: pd.DataFrame, *, title: str, notes: str = "",
              protect: CountRule | Sequence[CountRule] | str, text: Sequence[str] = (),
              keys: Sequence[str] | None = None, drop: Sequence[str] = (),
              digits: int = 4, kinds: Mapping[str, str] | None = None) -> pd.DataFrame:
        """Protect, sort and write a long table as ``tables/<name>.csv``; return what was written.

        Parameters
        ----------
        name : file-safe id, unique among the run's tables (``prevalence_by_ethnicity``); a
            figure may share it.
        title, notes : shown above / below the table in the report and the workbook.
        protect : the count rule(s) of the table (:func:`workbench.study.counts`), or, for a
            table with no counts of people or encounters in it, a sentence saying why none is
            needed (it is added to the notes).
        text : free-text columns (redacted cell by cell).
        keys : columns to sort rows by (default: every non-float column; ``[]``: keep the
            given order, e.g. when an analysis returns scale order).
        drop : helper columns removed after protection (e.g. one naming the rows that add up
            to a total, for ``count_lines``).
        digits : decimals for float columns of no known kind; the others are rounded by
            :mod:`workbench.study.rounding` (percentages 1, coefficients 3, counts 0).
        kinds : column → kind of figure, for columns the rounding rules do not know.
        """
        self._claim(name, "table", title)
        rules, reason = _rules(name, protect, text)
        self._check_columns(name, frame, rules, [*(keys or []), *drop])
        protected, suppressed = self.gate.protect(frame, rules)
        raw = frame.reset_index(drop=True)
        extra = self.audit.register(name, rules.rules, raw, protected, self.gate.marker)
        if extra:
            protected, suppressed = _suppress_more(protected, rules.rules, extra,
                                                   self.gate.marker, suppressed)
        self.audit.record(name, rules.rules, raw, protected, self.gate.marker)
        protected = sort_rows(protected.drop(columns=list(drop)), keys)
        if reason:
            notes = f"{notes} {reason}".strip()
        return self._write_table(name, protected, title, notes, suppressed,
                                 column_digits(protected.columns, kinds=kinds, default=digits),
                                 _suppression_kinds(rules, protected.columns), list(text))

    def crosstab(self, name: str, counts: pd.DataFrame, *, title: str, notes: str = "",
                 label: str | None = None, rows: str | Axis | None = None,
                 columns: str | Axis | None = None) -> pd.DataFrame:
        """Write a two-way table of counts (rows × columns, no totals) with totals added and
        primary and secondary suppression applied; return what was written.

        ``label`` names the first column (the row labels); default the index name.
        ``rows``, ``columns``: the variables its rows and columns are levels of, for the
        run's disclosure audit, as names or :class:`~workbench.study.crosstable.Axis`
        (labels standing for levels, derived or complete variables); default: variables of
        this table alone, so its cells are audited together with its totals only.
        """
        self._claim(name, "table", title)
        if not isinstance(counts, pd.DataFrame):
            raise ParameterError(f"table {name!r}: expected a DataFrame of counts, got "
                                 f"{type(counts).__name__}", field="counts")
        shown, suppressed = self.gate.protect_crosstab(counts)
        marker = self.gate.marker
        extra = self.audit.register_crosstab(
            name, disclosure.with_totals(counts), shown.map(lambda v: v == marker),
            rows=rows or f"{name}.rows", columns=columns or f"{name}.columns",
            total=disclosure.TOTAL)
        for row, column in extra:
            j = [str(c) for c in shown.columns].index(column)
            if shown.iat[row, j] != marker:
                shown.iat[row, j] = marker
                suppressed += 1
        first = label or counts.index.name or "row"
        shown.columns = [str(c) for c in shown.columns]
        shown = shown.rename_axis(first).reset_index()
        shown[first] = shown[first].astype(str)
        return self._write_table(name, shown, title, notes, suppressed,
                                 column_digits(shown.columns, default=0),
                                 dict.fromkeys(map(str, shown.columns[1:]), "count"), [])

    def _write_table(self, name: str, table: pd.DataFrame, title: str, notes: str,
                     suppressed: int, digits: Mapping[str, int | None],
                     suppression: dict[str, str], text: list[str]) -> pd.DataFrame:
        path = Path(TABLES_DIR) / f"{name}.csv"
        _replace(self.run_dir / path, lambda partial: partial.write_text(
            frame_to_csv(neutralise_frame(table), digits=digits), encoding="utf-8", newline=""))
        self._add(Item("table", name, self.gate.redact_prose(title),
                       self.gate.redact_prose(notes), {"csv": path.as_posix()},
                       rows=len(table), suppressed=suppressed, suppression=suppression,
                       text_columns=text))
        return table

    def figure(self, name: str, fig: Any, *, title: str, notes: str = "") -> None:
        """Write a matplotlib figure as ``figures/<name>.png`` and ``.svg``, then close it."""
        import matplotlib.pyplot as plt

        self._claim(name, "figure", title)
        files = {"png": (Path(FIGURES_DIR) / f"{name}.png").as_posix(),
                 "svg": (Path(FIGURES_DIR) / f"{name}.svg").as_posix()}
        with figure_style():
            _replace(self.run_dir / files["png"], lambda partial: fig.savefig(
                partial, format="png", metadata={"Software": None}, bbox_inches="tight"))
            _replace(self.run_dir / files["svg"], lambda partial: fig.savefig(
                partial, format="svg", metadata={"Date": None}, bbox_inches="tight"))
        plt.close(fig)
        self._add(Item("figure", name, self.gate.redact_prose(title),
                       self.gate.redact_prose(notes), files))

    # ---- internals -------------------------------------------------------------------------
    def _claim(self, name: str, kind: str, title: str) -> None:
        if not NAME_PATTERN.match(name):
            raise ParameterError(f"output name {name!r}; expected lower-case letters, digits "
                                 "and _ (it becomes a file name)", field="name")
        mine = {(item.kind, item.name) for item in self._section.items}
        if (kind, name) in mine or (kind, name) in self._taken:
            where = self._section.section if (kind, name) in mine else self._taken[(kind, name)]
            raise ParameterError(f"{kind} name {name!r} is already used in section {where}; "
                                 f"{kind} names are unique in a run", field="name")
        problems = title_problems(title)
        if problems:
            raise ParameterError(f"{kind} {name!r}: {'; '.join(problems)}", field="title")
        clash = [item for item in self._section.items
                 if item.title.casefold() == title.casefold()]
        if clash:
            raise ParameterError(f"{kind} {name!r}: title {title!r} is also the title of "
                                 f"{clash[0].kind} {clash[0].name!r}; titles are unique",
                                 field="title")

    @staticmethod
    def _check_columns(name: str, frame: pd.DataFrame, rules: TableRules,
                       keys: Sequence[str] | None) -> None:
        if not isinstance(frame, pd.DataFrame):
            raise ParameterError(f"table {name!r}: expected a DataFrame, got "
                                 f"{type(frame).__name__}", field="frame")
        named = [*(c for rule in rules.rules for c in rule.columns()), *rules.text,
                 *(keys or [])]
        missing = sorted({c for c in named if c not in frame.columns})
        if missing:
            raise ParameterError(f"table {name!r}: no column(s) {', '.join(missing)}; columns: "
                                 f"{', '.join(map(str, frame.columns))}", field="columns")

    def _add(self, item: Item) -> None:
        self._section.items.append(item)
        self._save()

    def _names_in_other_sections(self) -> dict[tuple[str, str], str]:
        taken: dict[tuple[str, str], str] = {}
        for other in read_sections(self.run_dir):
            if other.section != self._section.section:
                taken.update({(item.kind, item.name): other.section for item in other.items})
        return taken

    def _save(self) -> None:
        path = self.run_dir / SECTIONS_DIR / f"{self._section.section}.json"
        # written whole, then renamed: a notebook running in parallel reads it (its names)
        partial = path.with_suffix(".json.partial")
        partial.write_text(json.dumps(asdict(self._section), indent=1, ensure_ascii=False)
                           + "\n", encoding="utf-8")
        partial.replace(path)


def _rules(name: str, protect: CountRule | Sequence[CountRule] | str,
           text: Sequence[str]) -> tuple[TableRules, str]:
    if isinstance(protect, str):
        if not protect.strip():
            raise ParameterError(f"table {name!r}: protect is empty; give the count rule(s) "
                                 "or say why the table holds no counts", field="protect")
        return TableRules((), tuple(text)), protect.strip()
    if isinstance(protect, CountRule):
        rules: tuple[CountRule, ...] = (protect,)
    else:
        rules = tuple(protect) if isinstance(protect, list | tuple) else ()
    if not rules or not all(isinstance(r, CountRule) for r in rules):
        raise ParameterError(f"table {name!r}: protect must be a count rule "
                             "(workbench.study.counts), a list of them, or a reason text",
                             field="protect")
    return TableRules(rules, tuple(text)), ""


def _replace(path: Path, write: Callable[[Path], Any]) -> None:
    """Write ``path`` whole under another name, then rename it: a section run again by the
    run's disclosure audit replaces its files at once, never half-written."""
    partial = path.with_name(f".{path.name}.partial")
    write(partial)
    partial.replace(path)


def _suppress_more(table: pd.DataFrame, rules: Sequence[CountRule],
                   cells: Sequence[tuple[int, str]], marker: str,
                   suppressed: int) -> tuple[pd.DataFrame, int]:
    """Mark the audit's further suppressions (row, column), with what rests on them (a
    hidden base hides its count; a hidden count its values and complements)."""
    out = table.copy()
    for row, cell_column in cells:
        for rule in rules:
            if cell_column == rule.base:
                columns = [rule.base, rule.count, *rule.values, *rule.complements]
            elif cell_column in (rule.count, *rule.complements):
                columns = [rule.count, *rule.values, *rule.complements]
            else:
                continue
            for column in (c for c in columns if c is not None):
                if not (isinstance(out.at[row, column], str)
                        and out.at[row, column] == marker):
                    out[column] = out[column].astype(object)
                    out.at[row, column] = marker
                    suppressed += 1
    return out, suppressed


def _suppression_kinds(rules: TableRules, columns: Sequence[str]) -> dict[str, str]:
    """Column → what a suppressed cell in it is (see :attr:`Item.suppression`)."""
    kinds: dict[str, str] = {}
    for rule in rules.rules:
        for column in rule.values:
            kinds.setdefault(column, "derived")
        for column in rule.complements:
            kinds[column] = "complement"
        if rule.base is not None:
            kinds[rule.base] = "base"
        if rule.count is not None:
            kinds[rule.count] = "count"
    return {c: k for c, k in kinds.items() if c in set(map(str, columns))}


@contextmanager
def figure_style() -> Iterator[None]:
    """matplotlib settings for deterministic SVG (see :data:`FIGURE_RC`)."""
    with matplotlib.rc_context(FIGURE_RC):
        yield


def read_sections(run_dir: str | Path) -> list[Section]:
    """The section manifests of a run, in section order."""
    folder = Path(run_dir) / SECTIONS_DIR
    if not folder.is_dir():
        return []
    return [Section.from_json(json.loads(p.read_text(encoding="utf-8")))
            for p in sorted(folder.glob("*.json"))]
