"""The cross-table disclosure audit, table by table as they are registered.

A count rule that declares whom its rows count (``population``, ``level``, ``event`` of
:class:`~workbench.study.gate.CountRule`) gives every count and base cell a population
(:mod:`workbench.privacy.audit`). When a table is registered, its cells are audited together
with the cells of every table registered before it (in its section, under ``bwv study run``:
sections run in parallel, so a section sees only its own tables, which keeps the outputs the
same whatever the order; with a shared ``folder``, every earlier table); further suppressions are
chosen **in the new table only** (earlier tables, and the figures drawn from them, are
already written), which always succeeds because hiding all of a table's own counts adds
nothing to what was published before. The true counts are kept in a private folder next to
the run's data snapshot (never in the run folder), one JSON file per table.

Scope: a new table is audited with the earlier cells whose populations use only its own
variables (its groupings and what it counts, e.g. ``power`` and ``gow_grounds``), so the
margins, nested groupings and overall rows it shares with them; links through a third
variable (a count narrowed by a table of another element) are not modelled here.

Population specs (per row): ``"group_var:group"`` reads the variable's name from column
``group_var`` and its level from ``group`` (a row with ``all`` there is the whole sample);
``"opening_move"`` is the variable ``opening_move`` at the row's value, and
``"esc_opening_move=opening_move"`` names the variable (as other tables do); a level ``all``
in a one-column spec means "coded, any level". A base is the population coded for the
variable or event counted (``{V=*}``: "of those coded"), so bases that leave uncoded clips out
are modelled as they are.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.exceptions import ParameterError
from workbench.privacy.audit import ANY, NO, YES, Cell, Population, protect
from workbench.study.gate import CountRule

WHOLE = "all"


def _condition(spec: str, row: pd.Series) -> tuple[str, str] | None:
    if ":" in spec:
        variable, level = spec.split(":", 1)
        name, value = row[variable], row[level]
        if str(name) == WHOLE:
            return None
        return str(name), str(value)
    name, _, column = spec.rpartition("=")
    value = str(row[column])
    return (name or column), (ANY if value == WHOLE else value)



def _number(value: Any) -> int | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if math.isfinite(number) and number == int(number) else None


def _inner(rule: CountRule, row: pd.Series) -> tuple[str, str, bool] | None:
    """(variable, level, is a yes/no event) of the row's count within its base."""
    if rule.level:
        condition = _condition(rule.level, row)
        if condition is None:
            return None
        if rule.level_when:
            column, _, wanted = rule.level_when.partition("=")
            if str(row[column]) != wanted:  # not exclusive here: one event per level
                return f"{condition[0]}={condition[1]}", YES, True
        return condition[0], condition[1], False
    event = rule.event or (rule.count if rule.base else None)
    return (event, YES, True) if event else None


def rule_cells(table: str, rule: CountRule, raw: pd.DataFrame, shown: pd.DataFrame,
               marker: str) -> tuple[list[Cell], set[str]]:
    """The audited cells of one rule (row, column, population, true value, published) and
    the yes/no events they count."""
    cells: list[Cell] = []
    events: set[str] = set()
    for i in range(len(raw)):
        row = raw.iloc[i]
        population = frozenset(c for c in (_condition(s, row) for s in rule.population)
                               if c is not None)
        inner = _inner(rule, row)
        entries: list[tuple[str, Population]] = []
        if inner is not None:
            variable, level, is_event = inner
            if is_event:
                events.add(variable)
            if rule.base:
                entries.append((rule.base, population | {(variable, ANY)}))
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
            published = not (isinstance(shown.iloc[i][column], str)
                             and shown.iloc[i][column] == marker)
            cells.append(Cell(table, i, column, key, value, published))
    return cells, events


class RunAudit:
    """The audited cells of a run so far (``folder``: private; None keeps them in memory)."""

    def __init__(self, folder: Path | None, threshold: int) -> None:
        self.folder = folder
        self.threshold = threshold
        self._memory: dict[str, dict[str, Any]] = {}
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    def _records(self) -> dict[str, dict[str, Any]]:
        records = dict(self._memory)
        if self.folder is not None:
            for path in sorted(self.folder.glob("*.json")):
                records.setdefault(path.stem, json.loads(path.read_text(encoding="utf-8")))
        return records

    def register(self, table: str, rules: Sequence[CountRule], raw: pd.DataFrame,
                 shown: pd.DataFrame, marker: str) -> list[Cell]:
        """Audit ``table`` with the run's earlier tables; return the cells of ``table`` to
        suppress further (and record its cells as published after them)."""
        declared = [r for r in rules if r.population or r.level or r.event]
        if not declared:
            return []
        cells: list[Cell] = []
        own_events: set[str] = set()
        for rule in declared:
            found, used = rule_cells(table, rule, raw, shown, marker)
            cells += found
            own_events |= used
        events = set(own_events)
        variables = {v for c in cells for v, _ in c.population}
        earlier: list[Cell] = []
        for name, record in self._records().items():
            if name == table:
                continue
            events |= set(record["events"])
            for c in record["cells"]:
                key = frozenset(tuple(x) for x in c[2])
                if {v for v, _ in key} <= variables:
                    earlier.append(Cell(name, c[0], c[1], key, c[3], c[4]))
        try:
            extra = protect([*earlier, *cells], self.threshold, events=sorted(events),
                            candidates=lambda c: c.table == table)
        except ValueError as exc:
            raise ParameterError(f"table {table!r}: {exc}", field="protect") from None
        hidden = {(c.row, c.column) for c in extra}
        final = [Cell(c.table, c.row, c.column, c.population, c.value,
                      c.published and (c.row, c.column) not in hidden) for c in cells]
        record = {"events": sorted(own_events),
                  "cells": [[c.row, c.column, sorted(c.population), c.value, c.published]
                            for c in final]}
        self._memory[table] = record
        if self.folder is not None:
            (self.folder / f"{table}.json").write_text(json.dumps(record), encoding="utf-8")
        return extra
