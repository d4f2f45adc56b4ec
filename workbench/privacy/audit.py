"""Study-wide disclosure audit: every published count checked together with every other.

Tables of one study count the same clips: a group's size is in the sample section, in every
"by group" table and in the overall rows; an element's levels add up to the group's size; an
event's count and its complement add up to the base. A cell suppressed in one table can be
worked out from cells published in others. This module finds such cells with integer linear
programming (scipy's HiGHS, :func:`scipy.optimize.milp`) and chooses further suppressions.

The model
---------
* A **population** is a set of conditions on a clip, ``frozenset({(variable, level), …})``:
  ``{}`` is every analysed clip, ``{("power", "PACE 1984 s1"), ("gow_grounds", "none")}`` the
  PACE searches whose grounds were not given. Each published count is the size of one
  population (:class:`Cell`); the same population in two tables is one unknown.
* **Partitions** link them. For a population ``P`` and a variable ``V`` used under it,
  ``N(P) = N(P ∪ {V=*}) + N(P ∪ {V=(other)})`` and ``N(P ∪ {V=*}) = Σ_l N(P ∪ {V=l})``:
  ``*`` is "coded, any level" (the base of a share "of those coded"), the sum over the levels
  of ``V`` seen anywhere; ``(other)`` holds clips not coded or with an unlisted level. A
  yes/no event (listed in ``events``) always has both levels, so ``no`` is the complement
  base − count, whether or not a table shows it. A variable listed in ``complete`` is known
  for every clip (e.g. "has at least one turn coded X": yes or no for every encounter), so
  ``N(P ∪ {V=(other)}) = 0`` and its base is the population itself.
* The adversary knows every published count and these identities; each population is a
  whole number ≥ 0. A population is **sensitive** when its true size is from 1 to
  ``threshold − 1`` (for a complement that no table shows, the size the true counts imply).
  It is **protected** when the published counts leave it a range of at least ``threshold``
  values (``max − min ≥ threshold``); pinned or narrowed further, it fails.
* **Secondary suppression**: while a sensitive population fails, a published count next to
  it (in one of the identities of its component) that is allowed (``candidates``) is
  suppressed: the first, smallest non-zero first, that gives it a range of ``threshold``,
  else the one that widens it most. Nothing allowed left: :class:`DisclosureAuditError`
  names the tables.

The unknowns split into independent components (published counts are constants), so each
bound is a small problem: solved as a linear programme first (exact when its solution is
whole, as it is for these sums; else as the integer programme), skipped when two solutions
already found differ by the threshold on it, and cached by problem (``protect(cache=…)``);
the components of one check are solved together (:func:`_bounds_batch`). Reference:
Hundepool et al., *Statistical Disclosure Control*
(Wiley 2012), ch. 4 (protection intervals; secondary suppression as a linear programme).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import block_diag, coo_matrix

from workbench.exceptions import WorkbenchError

Population = frozenset[tuple[str, str]]
OTHER = "(other)"
ANY = "*"
YES, NO = "yes", "no"
ALL: Population = frozenset()


class DisclosureAuditError(WorkbenchError):
    """A confidential count can be worked out across tables and nothing allowed can hide it.

    ``tables``: the tables whose published counts pin it; ``population``: the count.
    """

    def __init__(self, message: str, *, tables: Sequence[str], population: str) -> None:
        super().__init__(message)
        self.tables = list(tables)
        self.population = population


@dataclass(frozen=True)
class Cell:
    """One published (or suppressed) count: where it is, whom it counts, its true value."""

    table: str
    row: int
    column: str
    population: Population
    value: int
    published: bool


@dataclass(frozen=True)
class Finding:
    """A sensitive population and the range the published counts leave it."""

    population: Population
    value: int
    low: float
    high: float


def describe(population: Population) -> str:
    """``power=PACE 1984 s1 & gow_grounds=none`` (``all clips`` for the empty set)."""
    return " & ".join(f"{v}={level}" for v, level in sorted(population)) or "all clips"


class _Model:
    """The populations, their identities and true values for one set of cells."""

    def __init__(self, cells: Sequence[Cell], events: Iterable[str],
                 complete: Iterable[str] = ()) -> None:
        self.cells = list(cells)
        self.events = set(events)
        self.complete = set(complete)
        explicit: dict[Population, int] = {}
        where: dict[Population, set[str]] = defaultdict(set)
        for cell in self.cells:
            if cell.population in explicit and explicit[cell.population] != cell.value:
                raise ValueError(
                    f"tables disagree on the count of {describe(cell.population)}: "
                    f"{explicit[cell.population]} and {cell.value} ({cell.table}); "
                    "a table declares the wrong population")
            explicit[cell.population] = cell.value
            where[cell.population].add(cell.table)
        self.explicit = explicit
        self.where = where
        self.levels: dict[str, set[str]] = defaultdict(set)
        for population in explicit:
            for variable, level in population:
                self.levels[variable].add(level)
        for variable in self.events:
            self.levels[variable] |= {YES, NO}
        self.equations = self._equations()
        self.keys = sorted({k for total, parts in self.equations for k in (total, *parts)}
                           | set(explicit), key=_order)
        self.equation_ids: dict[Population, list[int]] = defaultdict(list)
        for n, (total, parts) in enumerate(self.equations):
            for key in (total, *parts):
                self.equation_ids[key].append(n)

    def _levels(self, variable: str) -> list[str]:
        return sorted(self.levels[variable] - {OTHER, ANY})

    def _equations(self) -> list[tuple[Population, tuple[Population, ...]]]:
        seen: set[tuple[Population, str]] = set()
        out = []
        pending = list(self.explicit)
        known = set(pending)
        while pending:
            population = pending.pop()
            for variable, _ in population:
                parent = frozenset(c for c in population if c[0] != variable)
                if (parent, variable) in seen:
                    continue
                seen.add((parent, variable))
                coded = parent | {(variable, ANY)}
                other = parent | {(variable, OTHER)}
                parts = tuple(parent | {(variable, level)} for level in self._levels(variable))
                out += [(parent, (coded, other)), (coded, parts)]
                if variable in self.complete:  # known for every clip: nothing is "other"
                    out.append((other, ()))
                for key in (parent, coded, other, *parts):
                    if key not in known:
                        known.add(key)
                        pending.append(key)
        return sorted(out, key=lambda e: (_order(e[0]), _order(e[1][0]) if e[1] else (-1, [])))


    def terms(self, n: int) -> tuple[Population, ...]:
        total, parts = self.equations[n]
        return (total, *parts)

    def closure(self, known: dict[Population, float]) -> dict[Population, float]:
        """``known`` with every count that follows from it by the identities alone (an
        identity with one unknown term), as an adversary would work them out."""
        value = dict(known)
        work = list(range(len(self.equations)))
        queued = set(work)
        while work:
            n = work.pop()
            queued.discard(n)
            total, parts = self.equations[n]
            open_terms = [t for t in (total, *parts) if t not in value]
            if len(open_terms) != 1:
                continue
            (t,) = open_terms
            rest = sum(value[p] for p in parts if p in value)
            value[t] = rest if t == total else value[total] - rest
            for m in self.equation_ids[t]:
                if m not in queued:
                    queued.add(m)
                    work.append(m)
        return value

    def true_values(self) -> dict[Population, tuple[float, float]]:
        """Each population's true size, or its range when even the true counts leave it open."""
        value = self.closure({k: float(v) for k, v in self.explicit.items()})
        truth = {k: (v, v) for k, v in value.items()}
        unknown = set(self.keys) - set(value)
        for component in _components(self, unknown):
            ordered = sorted(component, key=_order)
            truth.update(_bounds(self, value, ordered, ordered))
        return truth


def _order(population: Population) -> tuple[int, list[tuple[str, str]]]:
    return (len(population), sorted(population))


def _components(model: _Model, unknown: set[Population]) -> list[set[Population]]:
    parent: dict[Population, Population] = {k: k for k in unknown}

    def find(k: Population) -> Population:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for n in range(len(model.equations)):
        terms = [t for t in model.terms(n) if t in unknown]
        for t in terms[1:]:
            a, b = find(terms[0]), find(t)
            if a != b:
                parent[b] = a
    groups: dict[Population, set[Population]] = defaultdict(set)
    for k in unknown:
        groups[find(k)].add(k)
    return sorted(groups.values(), key=lambda g: _order(min(g, key=_order)))


def _system(model: _Model, fixed: dict[Population, float], variables: list[Population]
            ) -> tuple[Any, np.ndarray, dict[Population, int]]:
    """The identities over one component's unknowns: ``A x = b`` (``fixed`` counts moved to
    ``b``) and each unknown's column."""
    index = {k: i for i, k in enumerate(variables)}
    rows: list[int] = []
    cols: list[int] = []
    data: list[float] = []
    rhs: list[float] = []
    equations = sorted({n for k in variables for n in model.equation_ids[k]})
    for r, n in enumerate(equations):
        total, parts = model.equations[n]
        constant = 0.0
        for t, coefficient in [(total, -1.0)] + [(p, 1.0) for p in parts]:
            if t in index:
                rows.append(r)
                cols.append(index[t])
                data.append(coefficient)
            else:
                constant += coefficient * fixed[t]
        rhs.append(-constant)
    a = coo_matrix((data, (rows, cols)), shape=(len(equations), len(variables))).tocsr()
    return a, np.array(rhs), index


def _spread(seen: list[np.ndarray], i: int, threshold: int | None
            ) -> tuple[float, float] | None:
    """The values of unknown ``i`` in the solutions seen, if they differ by ``threshold``."""
    if threshold is None or not seen:
        return None
    values = [float(x[i]) for x in seen]
    if max(values) - min(values) >= threshold:
        return round(min(values), 6), round(max(values), 6)
    return None


def _bounds(model: _Model, fixed: dict[Population, float], variables: list[Population],
            targets: Sequence[Population], threshold: int | None = None
            ) -> dict[Population, tuple[float, float]]:
    """min and max of each target over whole-number solutions, ``fixed`` counts known;
    ``variables``: one component of the unknowns.

    With ``threshold``, a target whose values in the solutions found so far already spread
    over ``threshold`` or more is given that spread (a part of its range), unsolved: enough
    to know it is not pinned, and most targets of a component are decided so."""
    a, b, index = _system(model, fixed, variables)
    constraints = [LinearConstraint(a, b, b)] if a.shape[0] else []
    bounds = Bounds(np.zeros(len(variables)), np.full(len(variables), np.inf))
    seen: list[np.ndarray] = []
    out = {}
    for target in targets:
        spread = _spread(seen, index[target], threshold)
        if spread is not None:
            out[target] = spread
            continue
        c = np.zeros(len(variables))
        c[index[target]] = 1.0
        low = _optimum(c, constraints, bounds)
        if low.status != 0:
            raise ValueError(f"the published counts are inconsistent ({low.message}) "
                             f"around {describe(target)}")
        high = _optimum(-c, constraints, bounds)
        seen += [x.x for x in (low, high) if x.status == 0 and x.x is not None]
        out[target] = (round(low.fun, 6), round(-high.fun, 6) if high.status == 0 else np.inf)
    return out


#: Rounds of random-sign objectives before targets are solved one by one (per component).
_PROBES = 8

#: An upper bound on every count in the batched programme (:func:`_bounds_batch`), so that
#: one component without an upper limit does not make the whole programme unbounded; a
#: maximum at half of it or more is read as no limit.
_CAP = 1e9


def _bounds_batch(model: _Model, fixed: dict[Population, float],
                  todo: Sequence[tuple[Any, list[Population], list[Population]]],
                  threshold: int) -> dict[Any, dict[Population, tuple[float, float]]]:
    """:func:`_bounds` of many components at once: the components share no unknown, so the
    minimum of one target of each, summed, is one linear programme whose solution holds
    each component's minimum. Two programmes per round instead of two per target; a
    component whose part of the solution is not whole is solved on its own."""
    if len(todo) <= 1:
        return {sig: _bounds(model, fixed, sorted(comp, key=_order), targets, threshold)
                for sig, comp, targets in todo}
    systems = [_system(model, fixed, sorted(comp, key=_order)) for _, comp, _ in todo]
    offsets = np.cumsum([0] + [len(index) for _, _, index in systems])
    a = block_diag([sys_[0] for sys_ in systems], format="csr")
    b = np.concatenate([sys_[1] for sys_ in systems])
    constraints = [LinearConstraint(a, b, b)]
    bounds = Bounds(np.zeros(offsets[-1]), np.full(offsets[-1], _CAP))
    remaining = [list(targets) for _, _, targets in todo]
    seen: list[list[np.ndarray]] = [[] for _ in todo]
    out: list[dict[Population, tuple[float, float]]] = [{} for _ in todo]
    signs = np.random.default_rng(0)
    for _ in range(_PROBES):  # points far apart on many targets at once
        c = np.zeros(offsets[-1])
        for n, targets in enumerate(remaining):
            if len(targets) > 2:
                columns = [offsets[n] + systems[n][2][t] for t in targets]
                c[columns] = signs.choice([-1.0, 1.0], size=len(columns))
        if not c.any():
            break
        for r in (milp(c, constraints=constraints, bounds=bounds),
                  milp(-c, constraints=constraints, bounds=bounds)):
            if r.status != 0 or r.x is None:
                continue
            for n in range(len(todo)):
                x = r.x[offsets[n]:offsets[n + 1]]
                if np.allclose(x, np.round(x), atol=1e-7):  # a whole-number solution
                    seen[n].append(np.round(x))
    while True:
        picks: dict[int, Population] = {}
        for n, targets in enumerate(remaining):
            while targets:
                spread = _spread(seen[n], systems[n][2][targets[0]], threshold)
                if spread is None:
                    picks[n] = targets[0]
                    break
                out[n][targets.pop(0)] = spread
        if not picks:
            break
        c = np.zeros(offsets[-1])
        for n, target in picks.items():
            c[offsets[n] + systems[n][2][target]] = 1.0
        low = milp(c, constraints=constraints, bounds=bounds)
        high = milp(-c, constraints=constraints, bounds=bounds)
        for n, target in picks.items():
            remaining[n].pop(0)
            part = slice(offsets[n], offsets[n + 1])
            points = [r.x[part] for r in (low, high) if r.status == 0 and r.x is not None]
            if len(points) == 2 and all(np.allclose(x, np.round(x), atol=1e-7)
                                        for x in points):
                i = systems[n][2][target]
                top = float(np.round(points[1][i]))
                out[n][target] = (float(np.round(points[0][i])),
                                  np.inf if top >= _CAP / 2 else top)
                seen[n] += [np.round(x) for x in points]
                continue
            _, comp, _ = todo[n]  # not whole (or the programme failed): on its own
            one = _bounds(model, fixed, sorted(comp, key=_order), [target], threshold)
            out[n][target] = one[target]
    return {sig: out[n] for n, (sig, _, _) in enumerate(todo)}


def _optimum(c: np.ndarray, constraints: list[LinearConstraint], bounds: Bounds) -> Any:
    """min ``c·x`` over whole numbers: the linear relaxation first (several times faster);
    its answer is exact when the solution it finds is whole, else the integer programme."""
    relaxed = milp(c, constraints=constraints, bounds=bounds)
    if relaxed.status == 3:  # unbounded: so are the whole numbers (rational data)
        return relaxed
    if relaxed.status == 0 and relaxed.x is not None and \
            np.allclose(relaxed.x, np.round(relaxed.x), atol=1e-7):
        relaxed.x = np.round(relaxed.x)
        relaxed.fun = float(c @ relaxed.x)
        return relaxed
    return milp(c, constraints=constraints, integrality=np.ones(len(c)), bounds=bounds)


def _sensitive(truth: tuple[float, float], threshold: int) -> bool:
    low, high = truth
    return high >= 1 and low <= threshold - 1


def _pinned(low: float, high: float, threshold: int) -> bool:
    """A range that tells an adversary a count is small: narrower than the threshold and
    overlapping 1 … threshold − 1."""
    return high - low < threshold and low <= threshold - 1 and high >= 1


class _Audit:
    """Repeated checks of one model as suppressions are added (bounds cached per component)."""

    def __init__(self, model: _Model, threshold: int) -> None:
        self.model = model
        self.threshold = threshold
        self.truth = model.true_values()
        self.cache: dict[Any, dict[Population, tuple[float, float]]] = {}
        self.movable: set[Population] = set()

    def findings(self, published: set[Population]) -> list[Finding]:
        model, threshold = self.model, self.threshold
        fixed = model.closure({k: float(model.explicit[k]) for k in published})
        found = []
        for key, value in sorted(fixed.items(), key=lambda kv: _order(kv[0])):
            if key not in published and _pinned(value, value, threshold) and \
                    _sensitive(self.truth[key], threshold):
                found.append(Finding(key, int(self.truth[key][0]), value, value))
        unknown = set(model.keys) - set(fixed)
        order: list[Any] = []
        todo: list[tuple[Any, list[Population], list[Population]]] = []
        for component in _components(model, unknown):
            targets = sorted((k for k in component
                              if _sensitive(self.truth[k], threshold)
                              or k in model.explicit), key=_order)
            if not targets:
                continue
            touching = frozenset((t, fixed[t]) for k in component
                                 for n in model.equation_ids[k] for t in model.terms(n)
                                 if t in fixed)
            complete = frozenset(v for k in component for v, _ in k if v in model.complete)
            signature = (frozenset(component), touching, complete, threshold)
            order.append(signature)
            if not set(targets) <= set(self.cache.get(signature, ())):
                todo.append((signature, sorted(component, key=_order), targets))
        self.cache.update(_bounds_batch(model, fixed, todo, threshold))
        for signature in order:
            for target, (low, high) in self.cache[signature].items():
                if _pinned(low, high, threshold):
                    found.append(Finding(target, int(self.truth[target][0]), low, high))
        return found

    def neighbours(self, target: Population, published: set[Population]
                   ) -> list[tuple[int, Population]]:
        """Published counts reached from ``target`` through identities over counts that are
        not published, with the number of identities crossed."""
        model = self.model
        seen = {target}
        frontier = [target]
        out: list[tuple[int, Population]] = []
        depth = 0
        while frontier and depth < 4 and not any(k in self.movable for _, k in out):
            depth += 1
            nxt = []
            for key in frontier:
                for n in model.equation_ids[key]:
                    for t in model.terms(n):
                        if t in seen:
                            continue
                        seen.add(t)
                        if t in published:
                            out.append((depth, t))
                        else:
                            nxt.append(t)
            frontier = nxt
        return out


def check(cells: Sequence[Cell], threshold: int, *, events: Iterable[str] = (),
          complete: Iterable[str] = ()) -> list[Finding]:
    """Sensitive (or suppressed) populations that the published cells narrow to a range of
    fewer than ``threshold`` values overlapping 1 … threshold − 1."""
    return _Audit(_Model(cells, events, complete), threshold).findings(
        {c.population for c in cells if c.published})


def protect(cells: Sequence[Cell], threshold: int, *, events: Iterable[str] = (),
            complete: Iterable[str] = (),
            candidates: Callable[[Cell], bool] | None = None,
            cache: dict[Any, Any] | None = None) -> list[Cell]:
    """The further cells to suppress so no sensitive population is pinned (see the module
    docstring); ``candidates`` says which published cells may be suppressed (default all).
    ``cache``: bounds already solved (by signature of the problem: its unknowns, the known
    counts they touch, the threshold), used and filled, so a later audit with more tables
    re-solves only what they change.

    Raises
    ------
    DisclosureAuditError
        a sensitive population is pinned and no allowed cell can hide it.
    """
    model = _Model(cells, events, complete)
    audit = _Audit(model, threshold)
    if cache is not None:
        audit.cache = cache
    published = {c.population for c in cells if c.published}
    allowed = candidates or (lambda cell: True)
    by_population: dict[Population, list[Cell]] = defaultdict(list)
    for cell in cells:
        by_population[cell.population].append(cell)
    movable = {k for k, group in by_population.items()
               if k in published and all(allowed(c) for c in group)}
    audit.movable = movable
    extra: list[Cell] = []
    while True:
        findings = audit.findings(published)
        if not findings:
            return extra
        chosen: set[Population] = set()
        for finding in findings:
            options = [(d, k) for d, k in audit.neighbours(finding.population, published)
                       if k in movable]
            if not options:
                tables = sorted({t for _, k in audit.neighbours(finding.population, published)
                                 for t in model.where.get(k, ())}
                                | set(model.where.get(finding.population, ())))
                raise DisclosureAuditError(
                    f"a confidential count ({describe(finding.population)}, range "
                    f"{finding.low:g}–{finding.high:g} from the published counts) can be "
                    f"worked out from tables {', '.join(tables)}, and no count that may still "
                    "be suppressed hides it", tables=tables,
                    population=describe(finding.population))
            if any(k in chosen for _, k in options):
                continue  # one suppression per finding per round; re-check after
            _, choice = min(options, key=lambda dk: (
                dk[0], len(dk[1]) < len(finding.population), model.explicit[dk[1]] == 0,
                model.explicit[dk[1]], _order(dk[1])))
            chosen.add(choice)
        for choice in sorted(chosen, key=_order):
            published.discard(choice)
            movable.discard(choice)
            extra.extend(c for c in by_population[choice] if c.published)
