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
* A **derived variable** (:class:`Derived`) is defined from other variables' levels, as a
  model's predictor "opening move is a command" (yes / no) is from the opening move (its
  level ``yes`` is the source's ``command``, ``no`` every other coded level) or the force
  factor from force and resistance (level ``k``: every pair of levels whose ranks differ by
  ``k``); it is coded where its sources are (a grouping made from a code also has a level
  for the code not coded: ``coded=False``). Its populations are tied to the sources' by
  those sums, so a table of the derived variable and a table of its sources count the same
  clips.
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
the components of one check are solved together (:mod:`workbench.privacy.bounds`).
Reference: Hundepool et al., *Statistical Disclosure Control* (Wiley 2012), ch. 4
(protection intervals; secondary suppression as a linear programme).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from workbench.exceptions import WorkbenchError
from workbench.privacy.bounds import Population, batch_bounds, component_bounds, describe

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
class Derived:
    """A variable defined from the levels of ``sources``: ``variable=level`` holds the clips
    whose sources take one of the combinations ``levels[level]`` (one level per source);
    ``rest`` (if given) is the level holding every other combination of the levels seen in
    the tables. ``coded``: it is coded where every source is (its ``*`` is the sources'
    ``*``); else a level may stand for a source not coded (:data:`OTHER`), as a grouping's
    "(missing)" group does, and its levels add up to every clip.

    One source: "opening command" yes is ``(("command",),)`` of the opening move, rest
    "no" (:meth:`of`). Two: the force factor ``k`` is every (force, resistance) pair whose
    ranks differ by ``k``.
    """

    variable: str
    sources: tuple[str, ...]
    levels: Mapping[str, tuple[tuple[str, ...], ...]]
    rest: str | None = None
    coded: bool = True

    @classmethod
    def of(cls, variable: str, source: str, levels: Mapping[str, Sequence[str]],
           rest: str | None = None, *, coded: bool = True) -> Derived:
        """A variable derived from one source: ``levels[level]`` its source levels."""
        return cls(variable, (source,),
                   {k: tuple((v,) for v in values) for k, values in levels.items()}, rest,
                   coded)

    def record(self) -> list[Any]:
        """A JSON-ready form (:meth:`from_record` reads it)."""
        return [self.variable, list(self.sources),
                {k: [list(c) for c in v] for k, v in self.levels.items()}, self.rest,
                self.coded]

    @classmethod
    def from_record(cls, record: Sequence[Any]) -> Derived:
        variable, sources, levels, rest, coded = record
        return cls(variable, tuple(sources),
                   {k: tuple(tuple(c) for c in v) for k, v in levels.items()}, rest, coded)


@dataclass(frozen=True)
class Finding:
    """A sensitive population and the range the published counts leave it."""

    population: Population
    value: int
    low: float
    high: float


class _Model:
    """The populations, their identities and true values for one set of cells."""

    def __init__(self, cells: Sequence[Cell], events: Iterable[str],
                 complete: Iterable[str] = (), derived: Iterable[Derived] = ()) -> None:
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
        # a derivation ties tables together only where the source's levels are in them
        self.derived = {d.variable: d for d in derived
                        if all(self._levels(v) for v in d.sources)
                        and d.variable not in d.sources}
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
                links = self._links(parent, variable, (coded, other, *parts))
                out += links
                for key in (parent, coded, other, *parts,
                            *(k for _, link in links for k in link)):
                    if key not in known:
                        known.add(key)
                        pending.append(key)
        return sorted(out, key=lambda e: (_order(e[0]), _order(e[1][0]) if e[1] else (-1, [])))


    def _links(self, parent: Population, variable: str, keys: Sequence[Population]
               ) -> list[tuple[Population, tuple[Population, ...]]]:
        """Identities tying ``parent`` ∪ {derived variable = level} to the source's levels
        (none where ``parent`` already names the source)."""
        derived = self.derived.get(variable)
        if derived is None or any(v in derived.sources for v, _ in parent):
            return []
        seen = [self._levels(v) for v in derived.sources]
        known = set(itertools.product(*([*levels, OTHER] for levels in seen)))
        mapped = {level: [c for c in combos if c in known]
                  for level, combos in derived.levels.items()}
        if derived.rest is not None:
            used = {c for combos in derived.levels.values() for c in combos}
            mapped[derived.rest] = [c for c in itertools.product(*seen) if c not in used]

        def where(combo: Sequence[str]) -> Population:
            return parent | set(zip(derived.sources, combo, strict=True))

        out = []
        for key in keys:
            (level,) = [lv for v, lv in key if v == variable]
            if level == ANY and derived.coded:  # coded where every source is
                out.append((key, (where([ANY] * len(derived.sources)),)))
            elif level in mapped:
                out.append((key, tuple(where(c) for c in mapped[level])))
        return out

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
            truth.update(component_bounds(self, value, ordered, ordered))
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
        #: Targets already seen to spread over the threshold (a part of their range): as
        #: long as counts are only suppressed (never published again), a range only widens
        #: (every earlier solution is still one), so these are not solved again.
        self.wide: dict[Population, tuple[float, float]] = {}

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
            derived = frozenset(v for k in component for v, _ in k if v in model.derived)
            signature = (frozenset(component), touching, complete, derived, threshold)
            order.append(signature)
            solved = self.cache.setdefault(signature, {})
            solved.update((t, self.wide[t]) for t in targets
                          if t in self.wide and t not in solved)
            need = [t for t in targets if t not in solved]
            if need:
                todo.append((signature, sorted(component, key=_order), need))
        for signature, ranges in batch_bounds(model, fixed, todo, threshold).items():
            self.cache[signature].update(ranges)
        for signature in order:
            for target, (low, high) in self.cache[signature].items():
                if _pinned(low, high, threshold):
                    found.append(Finding(target, int(self.truth[target][0]), low, high))
                elif high - low >= threshold:
                    self.wide.setdefault(target, (low, high))
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
          complete: Iterable[str] = (), derived: Iterable[Derived] = ()) -> list[Finding]:
    """Sensitive (or suppressed) populations that the published cells narrow to a range of
    fewer than ``threshold`` values overlapping 1 … threshold − 1."""
    return _Audit(_Model(cells, events, complete, derived), threshold).findings(
        {c.population for c in cells if c.published})


def protect(cells: Sequence[Cell], threshold: int, *, events: Iterable[str] = (),
            complete: Iterable[str] = (), derived: Iterable[Derived] = (),
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
    model = _Model(cells, events, complete, derived)
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
