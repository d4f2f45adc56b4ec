"""An adversary that reads only the published CSVs of a study run and solves for every
suppressed count, and every complement, with its own integer programme (scipy's HiGHS).

Written apart from :mod:`workbench.privacy.audit` on purpose (own unknowns, own equations,
percentages as constraints): it knows what a reader of the report knows.

* ``sample_by_<X>``: ``N(X=g)``; the groups and an unseen "missing" group add up to ``N``;
  its percentages are of ``N``.
* Levels of a GOWISELY element (``gowisely_elements``, ``grounds_quality_by_<X>``) and of a
  clip-level code (``prevalence_*`` rows with ``unit == clip``): ``L(X=g, e=v)``; the coded
  base ``B(X=g, e) = Σ_v L`` is at most ``N(X=g)``; groups (and a missing group) add up to
  the overall row. An element and the code of the same id are the same unknowns.
* Yes/no events (``escalated_by_<X>``, ``time_to_resistance_<X>``, ``opening_moves``,
  ``gowisely_full_compliance``): count ``E ≤`` base ``D ≤ N(X=g)``; groups add up to ``all``.
  A turn-level code's option (``prevalence_*`` rows of other units) is an event "at least one
  turn coded so" whose base is every encounter of the group: ``D = N(X=g)``.
* Two-way tables (a ``Total`` column or row, ``[c]`` cells): each cell ``X(r, c) ≥ 0``, rows
  and columns add up to their totals; a cell's complement in its row and in its column is a
  target too. A model predictor against the outcome (``predictor_*``) counts the escalated
  event: "opening command: yes" is the opening move ``command`` and its total every coded
  move; an early-turn predictor is known for every encounter, so its column totals are the
  outcome's overall counts. The force factor (``force_factor``) of a clip is its force
  rank minus its highest resistance rank: each level is the sum of the cells of
  ``force_vs_resistance`` (in scale order) whose positions differ by it.
* Scores by group (``pj_scores_by_<X>``): ``n`` scored encounters of a group are at most
  its size (for the grounds-quality groups, the encounters with that grounds level), and
  the groups add up to the overall row, at most every encounter.
* A published percentage ``p`` (rounded to ``d`` decimals) with its count ``C`` and base ``B``:
  ``(p − h)·B ≤ 100·C ≤ (p + h)·B``, ``h = 0.5·10^−d``.

A **leak** is a suppressed count, or a complement (base − count), whose range from the
published cells is narrower than the threshold and overlaps 1 … threshold − 1.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

MARK = "[c]"
EVENT_TABLES = {"escalated_by_": "escalated", "time_to_resistance_": "resisted"}
#: Tables of one clip-metadata variable's levels (first column) with ``clips``: the same
#: counts as ``sample_by_<variable>`` when that is a grouping too.
DISTRIBUTIONS = ("audio_quality", "recording_start")
#: Random-sign objectives solved for each set of linked unknowns before its targets: whole
#: solutions far apart, so that most targets are seen to spread without a solve of their own.
PROBES = 6


@dataclass(frozen=True)
class Leak:
    table: str
    what: str
    low: float
    high: float


class Problem:
    """Unknowns named by tuples; linear equalities and inequalities over them."""

    def __init__(self) -> None:
        self.index: dict[tuple, int] = {}
        self.value: dict[tuple, float] = {}
        self.rows: list[tuple[dict[tuple, float], float, float]] = []
        self.targets: list[tuple[str, str, dict[tuple, float]]] = []

    def var(self, name: tuple) -> tuple:
        self.index.setdefault(name, len(self.index))
        return name

    def add(self, terms: dict[tuple, float], low: float, high: float) -> None:
        for name in terms:
            self.var(name)
        self.rows.append((terms, low, high))

    def publish(self, name: tuple, text: str) -> bool:
        """Fix ``name`` to the published number; False if suppressed."""
        self.var(name)
        if text == MARK:
            return False
        self.value[name] = float(text)
        return True

    def target(self, table: str, what: str, terms: dict[tuple, float]) -> None:
        for name in terms:
            self.var(name)
        self.targets.append((table, what, terms))


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _group(row: dict[str, str]) -> tuple:
    return () if row["group_var"] == "all" else (row["group_var"], row["group"])


def _percent(problem: Problem, row: dict[str, str], count: tuple, base: tuple) -> None:
    text = row.get("pct", "")
    if not text or text == MARK:
        return
    decimals = len(text.split(".")[1]) if "." in text else 0
    h = 0.5 * 10 ** -decimals
    p = float(text)
    problem.add({count: 100.0, base: -(p + h)}, -np.inf, 0.0)
    problem.add({count: 100.0, base: -(p - h)}, 0.0, np.inf)


def build(tables: Path) -> Problem:
    """The adversary's programme from the CSVs in ``tables``."""
    problem = Problem()
    groups: dict[str, set[str]] = defaultdict(set)
    level_rows: list[tuple[str, dict[str, str]]] = []
    event_rows: list[tuple[str, str, dict[str, str]]] = []
    tables_read: dict[str, list[dict[str, str]]] = {}
    for path in sorted(tables.glob("*.csv")):
        name = path.stem
        rows = _read(path)
        tables_read[name] = rows
        if name.startswith("sample_by_"):
            for row in rows:
                g = _group(row)
                if g:
                    groups[g[0]].add(g[1])
                if not problem.publish(("N", *g), row["clips"]):
                    problem.target(name, f"clips {g}", {("N", *g): 1.0})
                if g:
                    problem.target(name, f"clips not {g} (complement)",
                                   {("N",): 1.0, ("N", *g): -1.0})
                _percent(problem, row, ("N", *g), ("N",))
        elif name == "gowisely_elements" or name.startswith("grounds_quality_by_"):
            level_rows += [(name, {**row, "code": row["count"]}) for row in rows]
        elif name.startswith("prevalence_"):
            for row in rows:
                if row["unit"] == "clip":
                    level_rows.append((name, {**row, "element": row["code_id"],
                                              "code": row["clips_with"]}))
                else:
                    event_rows.append((name, f"{row['code_id']}={row['value']}",
                                       {**row, "event_count": row["clips_with"],
                                        "whole": "yes"}))
        elif _is_crosstab(rows):
            _crosstab(problem, name, rows)
            if name.startswith("predictor_"):
                _predictor(problem, name, rows)
        elif name in DISTRIBUTIONS:  # one metadata variable's levels, as a sample table
            variable = next(iter(rows[0]))
            for row in rows:
                level = "?" if row[variable] == "(missing)" else row[variable]
                if level != "?":
                    groups[variable].add(level)
                if not problem.publish(("N", variable, level), row["clips"]):
                    problem.target(name, f"clips {variable}={level}",
                                   {("N", variable, level): 1.0})
        elif name == "gowisely_full_compliance":
            event_rows += [(name, "compliant", row) for row in rows]
        elif name == "opening_moves":
            event_rows += [(name, "escalated", {"group_var": "opening", "group": r["opening_move"],
                                                **r}) for r in rows]
        else:
            for prefix, event in EVENT_TABLES.items():
                if name.startswith(prefix):
                    event_rows += [(name, event, row) for row in rows]
    for name, rows in tables_read.items():
        if name.startswith("pj_scores_by_"):
            _scores(problem, name, rows)
    if "force_factor" in tables_read and "force_vs_resistance" in tables_read:
        _force_factor(problem, tables_read["force_factor"], tables_read["force_vs_resistance"])
    for variable, levels in groups.items():  # groups + a missing group = all clips
        terms = {("N", variable, g): 1.0 for g in levels}
        terms[("N", variable, "?")] = 1.0
        terms[("N",)] = -1.0
        problem.add(terms, 0.0, 0.0)
    _levels(problem, level_rows, groups)
    _events(problem, event_rows, groups)
    return problem


def _levels(problem: Problem, rows: list[tuple[str, dict[str, str]]],
            groups: dict[str, set[str]]) -> None:
    values: dict[str, set[str]] = defaultdict(set)
    seen_groups: dict[str, set[tuple]] = defaultdict(set)
    for name, row in rows:
        g, e, v = _group(row), row["element"], row["value"]
        values[e].add(v)
        seen_groups[e].add(g)
        count, base = ("L", *g, e, v), ("B", *g, e)
        if not problem.publish(count, row["code"]):
            problem.target(name, f"{g} {e}={v}", {count: 1.0})
        if not problem.publish(base, row["clips"]):
            problem.target(name, f"{g} {e} base", {base: 1.0})
        problem.target(name, f"{g} {e}≠{v} (complement)", {base: 1.0, count: -1.0})
        _percent(problem, row, count, base)
    for e, levels in values.items():
        for g in seen_groups[e] | {()}:
            terms = {("L", *g, e, v): 1.0 for v in levels}
            terms[("B", *g, e)] = -1.0
            problem.add(terms, 0.0, 0.0)
            problem.add({("B", *g, e): 1.0, ("N", *g): -1.0}, -np.inf, 0.0)
        for variable in {g[0] for g in seen_groups[e] if g}:
            for v in levels:
                terms = {("L", variable, lv, e, v): 1.0 for lv in groups[variable]}
                terms[("L", variable, "?", e, v)] = 1.0
                terms[("L", e, v)] = -1.0
                problem.add(terms, 0.0, 0.0)


def _events(problem: Problem, rows: list[tuple[str, str, dict[str, str]]],
            groups: dict[str, set[str]]) -> None:
    count_column = {"escalated": "escalated", "resisted": "resisted", "compliant": "compliant"}
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for name, event, row in rows:
        scope = "opening" if row["group_var"] == "opening" else "group"
        g = _group(row) if scope == "group" else ("opening", row["group"])
        if g:
            seen[(event, g[0])].add(g[1])
        count, base = ("E", event, *g), ("D", event, *g)
        if not problem.publish(count, row["event_count"] if "event_count" in row
                                else row[count_column[event]]):
            problem.target(name, f"{g} {event}", {count: 1.0})
        if not problem.publish(base, row["clips"]):
            problem.target(name, f"{g} {event} base", {base: 1.0})
        problem.target(name, f"{g} not {event} (complement)", {base: 1.0, count: -1.0})
        problem.add({count: 1.0, base: -1.0}, -np.inf, 0.0)
        if row.get("whole"):  # every encounter of the group is in the base
            problem.add({base: 1.0, ("N", *g): -1.0}, 0.0, 0.0)
        elif g and g[0] != "opening":
            problem.add({base: 1.0, ("N", *g): -1.0}, -np.inf, 0.0)
        _percent(problem, row, count, base)
    for (event, variable), levels in seen.items():
        known = groups.get(variable, set()) | levels
        for kind in ("E", "D"):
            if variable == "opening":  # the openings add up to their "all" row
                terms = {(kind, event, variable, lv): 1.0 for lv in known - {"all"}}
                terms[(kind, event, variable, "all")] = -1.0
                problem.add(terms, 0.0, 0.0)
                problem.add({(kind, event, variable, "all"): 1.0, (kind, event): -1.0},
                            -np.inf, 0.0)
                continue
            terms = {(kind, event, variable, lv): 1.0 for lv in known}
            terms[(kind, event, variable, "?")] = 1.0
            terms[(kind, event)] = -1.0
            problem.add(terms, 0.0, 0.0)


def _is_crosstab(rows: list[dict[str, str]]) -> bool:
    if not rows:
        return False
    first = next(iter(rows[0]))
    return "Total" in rows[0] or any(row[first] == "Total" for row in rows)


def _crosstab(problem: Problem, name: str, rows: list[dict[str, str]]) -> None:
    """Cells ≥ 0; each row and column adds up to its total (where the table shows one)."""
    label, *columns = list(rows[0])
    cell = {(row[label], c): ("X", name, row[label], c) for row in rows for c in columns}
    for (r, c), var in cell.items():
        if not problem.publish(var, rows[[x[label] for x in rows].index(r)][c]):
            problem.target(name, f"{r} / {c}", {var: 1.0})
    inner_rows = [row[label] for row in rows if row[label] != "Total"]
    inner_columns = [c for c in columns if c != "Total"]
    lines = []
    if "Total" in columns:
        lines += [([(r, c) for c in inner_columns], (r, "Total")) for r in [*inner_rows, "Total"]
                  if (r, "Total") in cell]
    if "Total" in [row[label] for row in rows]:
        lines += [([(r, c) for r in inner_rows], ("Total", c)) for c in columns]
    for parts, total in lines:
        terms = {cell[p]: 1.0 for p in parts}
        terms[cell[total]] = -1.0
        problem.add(terms, 0.0, 0.0)
        for p in parts:
            if p[0] != "Total" and p[1] != "Total":
                problem.target(name, f"{total} minus {p} (complement)",
                               {cell[total]: 1.0, cell[p]: -1.0})


def _predictor(problem: Problem, name: str, rows: list[dict[str, str]]) -> None:
    """A model predictor against the escalated outcome counts the clips other tables count:
    "opening command: yes" is the opening move ``command`` (its total, every coded move);
    the early-turn predictors are 0/1 for every encounter, so their column totals are the
    escalated outcome over all encounters."""
    labels = {row[next(iter(row))] for row in rows}
    if name == "predictor_opening_command":
        scopes = {"yes": ("opening", "command"), "Total": ("opening", "all")}
    else:
        scopes = {"Total": ()}
    for label, g in scopes.items():
        if label not in labels:
            continue
        for column, kind in (("escalated", "E"), ("Total", "D")):
            problem.add({("X", name, label, column): 1.0, (kind, "escalated", *g): -1.0},
                        0.0, 0.0)


def _scores(problem: Problem, name: str, rows: list[dict[str, str]]) -> None:
    """Scores by group: ``n`` encounters scored of each group (at most the group's size; for
    the grounds-quality groups, at most the encounters with that grounds level), the groups
    adding up to the overall row, itself at most every encounter."""
    by_measure: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_measure[row["measure"]].append(row)
    for measure, group_rows in by_measure.items():
        terms: dict[tuple, float] = {}
        for row in group_rows:
            g = _group(row)
            n = ("P", measure, *g)
            if not problem.publish(n, row["n"]):
                problem.target(name, f"{g} {measure} n", {n: 1.0})
            if not g:
                problem.add({n: 1.0, ("N",): -1.0}, -np.inf, 0.0)
                terms[n] = -1.0
                continue
            terms[n] = 1.0
            size = (("L", "gow_grounds", g[1]) if g[0] == "grounds_quality" and g[1] != "(missing)"
                    else ("N", *g))
            problem.add({n: 1.0, size: -1.0}, -np.inf, 0.0)
        terms[("P", measure, name, "?")] = 1.0  # groups not shown (missing, or none left)
        problem.add(terms, 0.0, 0.0)


def _force_factor(problem: Problem, factor: list[dict[str, str]],
                  crosstab: list[dict[str, str]]) -> None:
    """Force used against the highest resistance (rows and columns in scale order, as its
    notes say) and the force factor, force rank minus resistance rank: each factor's count
    is the sum of the cells whose positions differ by it."""
    label, *columns = list(crosstab[0])
    rows = [r[label] for r in crosstab if r[label] != "Total"]
    columns = [c for c in columns if c != "Total"]
    for row in factor:
        k = int(row["force_factor"])
        count = ("F", k)
        if not problem.publish(count, row["clips"]):
            problem.target("force_factor", f"force factor {k}", {count: 1.0})
        terms = {("X", "force_vs_resistance", r, c): 1.0 for i, r in enumerate(rows)
                 for j, c in enumerate(columns) if i - j == k}
        terms[count] = -1.0
        problem.add(terms, 0.0, 0.0)


def solve(problem: Problem, threshold: int) -> list[Leak]:
    """Every target's range from the published cells; the leaks. A target whose value in
    two solutions found for earlier targets of its component already differs by the
    threshold is not narrowed enough to leak, and is not solved again."""
    names = list(problem.index)
    free = [n for n in names if n not in problem.value]
    position = {n: i for i, n in enumerate(free)}
    parent = list(range(len(free)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for terms, _, _ in problem.rows:
        ids = [position[n] for n in terms if n in position]
        for j in ids[1:]:
            parent[find(j)] = find(ids[0])
    leaks = []
    systems: dict[frozenset[int], _System] = {}
    for table, what, terms in problem.targets:
        ids = [position[n] for n in terms if n in position]
        constant = sum(c * problem.value[n] for n, c in terms.items() if n in problem.value)
        if not ids:
            low = high = constant
        else:
            roots = frozenset(find(i) for i in ids)
            if roots not in systems:
                members = [free[i] for i in range(len(free)) if find(i) in roots]
                systems[roots] = _System(problem, members)
            system = systems[roots]
            objective = system.objective(terms)
            points = [float(objective @ x) for x in system.seen]
            if points and max(points) - min(points) >= threshold:
                continue  # two solutions already this far apart: not narrowed enough
            low, high = system.range(objective)
            low, high = low + constant, high + constant
        if high - low < threshold and low <= threshold - 1 and high >= 1:
            leaks.append(Leak(table, what, low, high))
    return leaks


class _System:
    """The rows over one set of linked unknowns, built once; the solutions found so far."""

    def __init__(self, problem: Problem, members: list[tuple]) -> None:
        self.local = {name: k for k, name in enumerate(members)}
        r, c, d, lo, hi = [], [], [], [], []
        for row_terms, low, high in problem.rows:
            if not any(n in self.local for n in row_terms):
                continue
            shift = sum(v * problem.value[n] for n, v in row_terms.items()
                        if n in problem.value)
            for n, v in row_terms.items():
                if n in self.local:
                    r.append(len(lo))
                    c.append(self.local[n])
                    d.append(v)
            lo.append(low - shift)
            hi.append(high - shift)
        a = coo_matrix((d, (r, c)), shape=(len(lo), len(self.local))).tocsr()
        self.options = {"constraints": [LinearConstraint(a, lo, hi)],
                        "bounds": Bounds(np.zeros(len(self.local)),
                                         np.full(len(self.local), np.inf))}
        self.seen: list[np.ndarray] = []
        signs = np.random.default_rng(len(self.local))
        for _ in range(PROBES if len(self.local) > 2 else 0):  # far-apart points first
            direction = signs.choice([-1.0, 1.0], size=len(self.local))
            for r in (milp(direction, **self.options), milp(-direction, **self.options)):
                if r.status == 0 and np.allclose(r.x, np.round(r.x), atol=1e-7):
                    self.seen.append(r.x)

    def objective(self, terms: dict[tuple, float]) -> np.ndarray:
        objective = np.zeros(len(self.local))
        for n, v in terms.items():
            if n in self.local:
                objective[self.local[n]] = v
        return objective

    def range(self, objective: np.ndarray) -> tuple[float, float]:
        """min and max of ``objective · x`` over whole-number solutions (solutions kept)."""
        low = _whole_optimum(objective, self.options)
        high = _whole_optimum(-objective, self.options)
        assert low.status == 0, f"published cells inconsistent: {low.message}"
        self.seen += [r.x for r in (low, high) if r.status == 0 and r.x is not None]
        return low.fun, -high.fun if high.status == 0 else np.inf


def _whole_optimum(objective: np.ndarray, options: dict) -> object:
    """min over whole numbers: the linear relaxation when its optimum is whole (then it is
    the integer optimum too), else the integer programme."""
    relaxed = milp(objective, **options)
    if relaxed.status == 0 and np.allclose(relaxed.x, np.round(relaxed.x), atol=1e-7):
        return relaxed
    if relaxed.status == 3:  # unbounded: so are the whole numbers
        return relaxed
    return milp(objective, integrality=np.ones(len(objective)), **options)


def leaks(run_dir: Path, threshold: int) -> list[Leak]:
    """The leaks in the published CSVs of ``run_dir``."""
    return solve(build(Path(run_dir) / "tables"), threshold)


