"""The cross-table disclosure audit of a run: every table with every other that counts the
same clips.

A count rule that declares whom its rows count (``population``, ``level``, ``event`` of
:class:`~workbench.study.gate.CountRule`) gives every count and base cell a population
(:mod:`workbench.privacy.audit`); a two-way table (:meth:`RunAudit.register_crosstab`) gives
each cell the pair of its row and column levels. Two steps:

1. **Section**: when a table is registered, its cells are audited with the earlier tables of
   its section (the notebook) and further suppressions chosen in the new table only.
2. **Run** (:func:`audit_run`, by the runner after every notebook has finished): all tables of
   the run together, across sections (sample totals against analysis tables, a margin shared
   by two sections). Suppressions it adds are *imposed* (:func:`impose`) and the sections
   that own them are run again, so that every file, figures included, is drawn from the final
   tables; a run it cannot protect is refused, naming the tables.

The true counts are kept in a private folder next to the run's data snapshot (never in the
run folder): ``<folder>/<section>/<table>.json`` and ``<folder>/imposed.json``.

A two-way table's sides are :class:`Axis` declarations: the variable other tables name, the
level each shown label stands for (a column "not_escalated" is ``escalated=no``), whether it
is known for every clip, and how it is derived from another variable
(:class:`~workbench.privacy.audit.Derived`: a model's predictor "opening command: yes" is the
opening-move table's ``command`` row), so that a table of a derived variable is audited with
the tables of its source.

Population specs (per row): ``"group_var:group"`` reads the variable's name from column
``group_var`` and its level from ``group`` (a row with ``all`` there is the whole sample);
``"opening_move"`` is the variable ``opening_move`` at the row's value, and
``"esc_opening_move=opening_move"`` names the variable (as other tables do); a level ``all``
in a one-column spec means "coded, any level", and ``(missing)`` "not coded". A base is the
population coded for the variable or event counted (``{V=*}``: "of those coded"), so bases
that leave uncoded clips out are modelled as they are; rows outside ``level_when`` count
events known for every clip (a turn-level code: "at least one turn coded X", yes or no),
whose base is the whole population.
"""
from __future__ import annotations

import json
import math
import pickle
import shutil
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.exceptions import ParameterError
from workbench.privacy.audit import (
    ANY,
    NO,
    OTHER,
    YES,
    Cell,
    Derived,
    DisclosureAuditError,
    Population,
    protect,
)
from workbench.study.gate import CountRule

WHOLE = "all"
#: A one-column spec's row of clips without a value (:func:`workbench.study.sample.distribution`)
MISSING = "(missing)"


def _condition(spec: str, row: Mapping[str, Any]) -> tuple[str, str] | None:
    if ":" in spec:
        variable, level = spec.split(":", 1)
        name, value = row[variable], row[level]
        if str(name) == WHOLE:
            return None
        return str(name), str(value)
    name, _, column = spec.rpartition("=")
    value = str(row[column])
    return (name or column), {WHOLE: ANY, MISSING: OTHER}.get(value, value)



def _number(value: Any) -> int | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if math.isfinite(number) and number == int(number) else None


def _inner(rule: CountRule, row: Mapping[str, Any]) -> tuple[str, str, bool, bool] | None:
    """(variable, level, is a yes/no event, its base is the whole population) of the row's
    count within its base."""
    if rule.level:
        condition = _condition(rule.level, row)
        if condition is None:
            return None
        if rule.level_when:
            column, _, wanted = rule.level_when.partition("=")
            if str(row[column]) != wanted:  # not exclusive here: one event per level
                return f"{condition[0]}={condition[1]}", YES, True, True
        return condition[0], condition[1], False, False
    event = rule.event or (rule.count if rule.base else None)
    return (event, YES, True, False) if event else None


def rule_cells(table: str, rule: CountRule, raw: pd.DataFrame, shown: pd.DataFrame,
               marker: str) -> tuple[list[Cell], set[str], set[str]]:
    """The audited cells of one rule (row, column, population, true value, published), the
    yes/no events they count and those of them known for every clip."""
    cells: list[Cell] = []
    events: set[str] = set()
    complete: set[str] = set()
    shown_rows = shown.to_dict("records")
    for i, row in enumerate(raw.to_dict("records")):
        population = frozenset(c for c in (_condition(s, row) for s in rule.population)
                               if c is not None)
        inner = _inner(rule, row)
        entries: list[tuple[str, Population]] = []
        if inner is not None:
            variable, level, is_event, whole = inner
            if is_event:
                events.add(variable)
            if whole:
                complete.add(variable)
            if rule.base:
                entries.append((rule.base, population if whole
                                else population | {(variable, ANY)}))
            if rule.count:
                entries.append((rule.count, population | {(variable, level)}))
            if is_event:
                entries += [(c, population | {(variable, NO)}) for c in rule.complements]
        elif rule.count:
            entries.append((rule.count, population))
        for column, key in entries:
            value = _number(row[column])
            if value is None:
                continue
            published = shown_rows[i][column]
            cells.append(Cell(table, i, column, key, value,
                              not (isinstance(published, str) and published == marker)))
    return cells, events, complete


@dataclass(frozen=True)
class Axis:
    """What one side of a two-way table counts, for the run's audit.

    ``variable``: the name other tables give it; ``labels``: shown label → level (a label not
    listed is its own level); ``derived``: how it is defined from another variable's levels;
    ``complete``: known for every clip (a 0/1 feature of each encounter), so its levels add
    up to the whole population.
    """

    variable: str
    labels: Mapping[str, str] = field(default_factory=dict)
    derived: Derived | None = None
    complete: bool = False

    def level(self, label: Any, total: str) -> tuple[str, str]:
        if label == total:
            return self.variable, ANY
        return self.variable, self.labels.get(str(label), str(label))


def crosstab_cells(table: str, counts: pd.DataFrame, mask: pd.DataFrame, *,
                   rows: Axis, columns: Axis, total: str) -> list[Cell]:
    """The cells of a two-way count table with its totals (``total`` labels them): cell
    ``(r, c)`` counts ``{rows=r, columns=c}``, a total the variable's coded clips (``*``).
    ``row`` is the position in ``counts``, ``column`` the column label."""
    cells = []
    for i, label in enumerate(counts.index):
        r = rows.level(label, total)
        for j, name in enumerate(counts.columns):
            c = columns.level(name, total)
            cells.append(Cell(table, i, str(name), frozenset({r, c}),
                              int(counts.iloc[i, j]), not bool(mask.iloc[i, j])))
    return cells


def _cell_record(cells: Sequence[Cell]) -> list[list[Any]]:
    return [[c.row, c.column, sorted(c.population), c.value, c.published] for c in cells]


def _rules_derived(rules: Sequence[CountRule]) -> list[Derived]:
    return [d for rule in rules for d in rule.derived]


def _derived_of(record: Mapping[str, Any]) -> list[Derived]:
    return [Derived.from_record(d) for d in record.get("derived", ())]


def _cells_of(table: str, record: Mapping[str, Any]) -> list[Cell]:
    return [Cell(table, c[0], c[1], frozenset(tuple(x) for x in c[2]), c[3], c[4])
            for c in record["cells"]]


class RunAudit:
    """The audited cells of one section of a run (see the module docstring).

    ``folder``: the run's private audit folder (None: this section only, in memory);
    ``section``: whose tables these are (its earlier records are cleared: a section run
    again replaces them).
    """

    def __init__(self, folder: Path | None, threshold: int, section: str = "section") -> None:
        self.folder = folder
        self.threshold = threshold
        self.section = section
        self._memory: dict[str, dict[str, Any]] = {}
        self._bounds: dict[Any, Any] = {}
        self._imposed = imposed(folder) if folder is not None else {}
        if folder is not None:
            mine = folder / section
            if mine.exists():
                shutil.rmtree(mine)
            mine.mkdir(parents=True)

    def imposed(self, table: str) -> list[tuple[int, str]]:
        """Cells of ``table`` the run's audit requires suppressed (row, column)."""
        return [(int(r), str(c)) for r, c in self._imposed.get(table, [])]

    def register(self, table: str, rules: Sequence[CountRule], raw: pd.DataFrame,
                 shown: pd.DataFrame, marker: str) -> list[tuple[int, str]]:
        """Audit ``table`` with its section's earlier tables; return the cells of ``table``
        to suppress further (row, column), those the run's audit imposed included. Record
        the final cells with :meth:`record`."""
        found = self._cells(table, rules, raw, shown, marker)
        if found is None:
            return []
        return self._protect(table, *found, _rules_derived(rules))

    def record(self, table: str, rules: Sequence[CountRule], raw: pd.DataFrame,
               shown: pd.DataFrame, marker: str) -> None:
        """Keep the cells of ``table`` as published (``shown``: the final table)."""
        found = self._cells(table, rules, raw, shown, marker)
        if found is not None:
            self._keep(table, *found, _rules_derived(rules))

    def register_crosstab(self, table: str, counts: pd.DataFrame, mask: pd.DataFrame, *,
                          rows: str | Axis, columns: str | Axis, total: str
                          ) -> list[tuple[int, str]]:
        """Audit a two-way table (``counts`` with totals, ``mask`` its suppressions) and
        record it; return further cells to suppress (position, column label). ``rows``,
        ``columns``: the variables (or :class:`Axis`) of its sides."""
        sides = [side if isinstance(side, Axis) else Axis(side) for side in (rows, columns)]
        cells = crosstab_cells(table, counts, mask, rows=sides[0], columns=sides[1],
                               total=total)
        complete = {side.variable for side in sides if side.complete}
        derived = [side.derived for side in sides if side.derived is not None]
        extra = self._protect(table, cells, set(), complete, derived)
        hidden = set(extra)
        self._keep(table, [Cell(c.table, c.row, c.column, c.population, c.value,
                                c.published and (c.row, c.column) not in hidden)
                           for c in cells], set(), complete, derived)
        return extra

    def _cells(self, table: str, rules: Sequence[CountRule], raw: pd.DataFrame,
               shown: pd.DataFrame, marker: str
               ) -> tuple[list[Cell], set[str], set[str]] | None:
        declared = [r for r in rules if r.population or r.level or r.event]
        if not declared:
            return None
        cells: list[Cell] = []
        events: set[str] = set()
        complete: set[str] = set()
        for rule in declared:
            found, used, known = rule_cells(table, rule, raw, shown, marker)
            cells += found
            events |= used
            complete |= known
        return cells, events, complete

    def _protect(self, table: str, cells: list[Cell], events: set[str],
                 complete: set[str], derived: Sequence[Derived] = ()
                 ) -> list[tuple[int, str]]:
        forced = set(self.imposed(table))
        cells = [Cell(c.table, c.row, c.column, c.population, c.value,
                      c.published and (c.row, c.column) not in forced) for c in cells]
        events, complete, derived = set(events), set(complete), list(derived)
        others = {name: record for name, record in self._memory.items() if name != table}
        for record in others.values():
            derived += _derived_of(record)
        variables = {v for c in cells for v, _ in c.population}
        variables |= {s for d in derived if d.variable in variables for s in d.sources}
        earlier: list[Cell] = []
        for name, record in others.items():
            events |= set(record["events"])
            complete |= set(record.get("complete", ()))
            earlier += [c for c in _cells_of(name, record)
                        if {v for v, _ in c.population} <= variables]
        try:
            extra = protect([*earlier, *cells], self.threshold, events=sorted(events),
                            complete=sorted(complete), derived=derived,
                            candidates=lambda c: c.table == table, cache=self._bounds)
        except ValueError as exc:
            raise ParameterError(f"table {table!r}: {exc}", field="protect") from None
        more = {(c.row, c.column) for c in extra} | {
            (c.row, c.column) for c in cells if (c.row, c.column) in forced}
        return sorted(more, key=lambda rc: (rc[0], rc[1]))

    def _keep(self, table: str, cells: Sequence[Cell], events: set[str],
              complete: set[str], derived: Sequence[Derived] = ()) -> None:
        record = {"section": self.section, "events": sorted(events),
                  "complete": sorted(complete), "derived": [d.record() for d in derived],
                  "cells": _cell_record(cells)}
        self._memory[table] = record
        if self.folder is not None:
            path = self.folder / self.section / f"{table}.json"
            path.write_text(json.dumps(record), encoding="utf-8")
            with (self.folder / self.section / BOUNDS).open("wb") as handle:
                pickle.dump(self._bounds, handle)


IMPOSED = "imposed.json"
#: A section's solved bounds (:func:`workbench.privacy.audit.protect`'s cache), reused by the
#: run's audit for every part of the problem that the other sections do not change.
BOUNDS = "bounds.pickle"


def imposed(folder: Path) -> dict[str, list[list[Any]]]:
    """The suppressions the run's audit imposed so far: table → [[row, column], …]."""
    path = Path(folder) / IMPOSED
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def impose(folder: Path, extra: Mapping[str, Sequence[tuple[int, str]]]) -> None:
    """Add ``extra`` (table → cells) to the run's imposed suppressions."""
    merged = imposed(folder)
    for table, cells in extra.items():
        known = {(int(r), str(c)) for r, c in merged.get(table, [])}
        merged[table] = sorted(known | {(int(r), str(c)) for r, c in cells})
    partial = Path(folder) / (IMPOSED + ".partial")
    partial.write_text(json.dumps(merged, sort_keys=True), encoding="utf-8")
    partial.replace(Path(folder) / IMPOSED)


def run_records(folder: Path) -> dict[str, dict[str, Any]]:
    """Every table's record in the run's audit folder (table → record with its section)."""
    records: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(folder).glob("*/*.json")):
        records[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return records


def audit_run(folder: Path, threshold: int) -> dict[str, list[tuple[int, str]]]:
    """All the run's tables audited together; the further suppressions needed, by table
    (empty: the run is safe as published).

    Raises
    ------
    ParameterError
        tables disagree on a count (a table declares the wrong population).
    DisclosureAuditError
        a confidential count is pinned and nothing can be suppressed to hide it; names the
        tables.
    """
    cells: list[Cell] = []
    events: set[str] = set()
    complete: set[str] = set()
    derived: list[Derived] = []
    cache: dict[Any, Any] = {}
    for path in sorted(Path(folder).glob(f"*/{BOUNDS}")):
        with path.open("rb") as handle:  # written by this run's sections (private folder)
            cache.update(pickle.load(handle))
    for name, record in run_records(folder).items():
        cells += _cells_of(name, record)
        events |= set(record["events"])
        complete |= set(record.get("complete", ()))
        derived += _derived_of(record)
    try:
        extra = protect(cells, threshold, events=sorted(events), complete=sorted(complete),
                        derived=derived, cache=cache)
    except DisclosureAuditError:
        raise
    except ValueError as exc:
        raise ParameterError(f"the run's tables: {exc}", field="protect") from None
    out: dict[str, set[tuple[int, str]]] = defaultdict(set)
    for cell in extra:
        out[cell.table].add((cell.row, cell.column))
    return {table: sorted(found) for table, found in sorted(out.items())}


def sections_of(folder: Path, tables: Sequence[str]) -> list[str]:
    """The sections that registered ``tables``."""
    records = run_records(folder)
    return sorted({records[t]["section"] for t in tables if t in records})
