"""Ranges of unknown counts under the identities of a disclosure audit, by linear programming
(HiGHS); used by :mod:`workbench.privacy.audit`.

Each range is the min and max of one unknown over the whole-number solutions of ``A x = b``,
``x ≥ 0``: the linear relaxation first (exact when its solution is whole, as it is for these
sums), else the integer programme (:func:`scipy.optimize.milp`). Ranges already known to span
the threshold (two whole solutions that far apart) are not solved; independent components are
solved together.

The linear programmes of one system are solved on one HiGHS model kept between objectives
(:mod:`workbench.privacy.programmes`): each solve starts from the last optimal basis, so the
many min/max solves of one system cost a few pivots each instead of a solve from scratch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import block_diag, coo_matrix, csr_matrix

from workbench.privacy.programmes import ColdProgramme, Programme, new_programme

Population = frozenset[tuple[str, str]]


class Identities(Protocol):
    """The audit's identities: ``equations[n] = (total, parts)``, ``total = Σ parts``; and
    for each population the equations it is in."""

    equations: list[tuple[Population, tuple[Population, ...]]]
    equation_ids: dict[Population, list[int]]


def describe(population: Population) -> str:
    """``power=PACE 1984 s1 & gow_grounds=none`` (``all clips`` for the empty set)."""
    return " & ".join(f"{v}={level}" for v, level in sorted(population)) or "all clips"


def _system(model: Identities, fixed: dict[Population, float], variables: list[Population]
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


def _whole(x: np.ndarray | None) -> bool:
    return x is not None and bool(np.allclose(x, np.round(x), atol=1e-7))


def component_bounds(model: Identities, fixed: dict[Population, float], variables: list[Population],
            targets: Sequence[Population], threshold: int | None = None
            ) -> dict[Population, tuple[float, float]]:
    """min and max of each target over whole-number solutions, ``fixed`` counts known;
    ``variables``: one component of the unknowns.

    With ``threshold``, a target whose values in the solutions found so far already spread
    over ``threshold`` or more is given that spread (a part of its range), unsolved: enough
    to know it is not pinned, and most targets of a component are decided so."""
    a, b, index = _system(model, fixed, variables)
    programme = new_programme(a, b, np.full(len(variables), np.inf))
    seen: list[np.ndarray] = []
    out = {}
    for target in targets:
        spread = _spread(seen, index[target], threshold)
        if spread is not None:
            out[target] = spread
            continue
        c = np.zeros(len(variables))
        c[index[target]] = 1.0
        status, x_low, low = _optimum(programme, a, b, c)
        if status != "optimal":
            raise ValueError(f"the published counts are inconsistent (no solution) "
                             f"around {describe(target)}")
        status, x_high, high = _optimum(programme, a, b, -c)
        seen += [x for x in (x_low, x_high) if x is not None]
        out[target] = (round(low, 6), round(-high, 6) if status == "optimal" else np.inf)
    return out


#: Rounds of random-sign objectives before targets are solved one by one (per component).
_PROBES = 8

#: An upper bound on every count in the batched programme (:func:`batch_bounds`), so that
#: one component without an upper limit does not make the whole programme unbounded; a
#: maximum at half of it or more is read as no limit.
_CAP = 1e9

#: Push rounds stop when a round decides fewer than this share of the targets left.
_PUSH_GAIN = 0.05


def batch_bounds(model: Identities, fixed: dict[Population, float],
                  todo: Sequence[tuple[Any, list[Population], list[Population]]],
                  threshold: int) -> dict[Any, dict[Population, tuple[float, float]]]:
    """:func:`component_bounds` of many components at once: the components share no unknown, so the
    minimum of one target of each, summed, is one linear programme whose solution holds
    each component's minimum. Two programmes per round instead of two per target; a
    component whose part of the solution is not whole is solved on its own."""
    if not todo:
        return {}
    systems = [_system(model, fixed, comp) for _, comp, _ in todo]
    batch = _Batch(systems, threshold)
    remaining = [list(targets) for _, _, targets in todo]
    batch.probe(remaining)
    batch.push(remaining)
    out: list[dict[Population, tuple[float, float]]] = [{} for _ in todo]
    while True:
        picks: dict[int, Population] = {}
        for n, targets in enumerate(remaining):
            while targets:
                spread = batch.spread(n, targets[0])
                if spread is None:
                    picks[n] = targets[0]
                    break
                out[n][targets.pop(0)] = spread
        if not picks:
            break
        c = batch.objective({n: [t] for n, t in picks.items()})
        low, high = batch.solve(c), batch.solve(-c)
        for n, target in picks.items():
            remaining[n].pop(0)
            points = [batch.part(x, n) for x in (low, high)]
            if all(_whole(x) for x in points):
                i = systems[n][2][target]
                top = float(np.round(points[1][i]))
                out[n][target] = (float(np.round(points[0][i])),
                                  np.inf if top >= _CAP / 2 else top)
                batch.seen[n] += [np.round(x) for x in points]
                continue
            _, comp, _ = todo[n]  # not whole (or the programme failed): on its own
            one = component_bounds(model, fixed, comp, [target], threshold)
            out[n][target] = one[target]
    return {sig: out[n] for n, (sig, _, _) in enumerate(todo)}


class _Batch:
    """The components of one :func:`batch_bounds` call as one block-diagonal programme, and
    the whole-number solutions seen for each component."""

    def __init__(self, systems: list[Any], threshold: int) -> None:
        self.systems = systems
        self.threshold = threshold
        self.offsets = np.cumsum([0] + [len(index) for _, _, index in systems])
        a = block_diag([system[0] for system in systems], format="csr")
        b = np.concatenate([system[1] for system in systems])
        self.programme = new_programme(a, b, np.full(self.offsets[-1], _CAP))
        self.seen: list[list[np.ndarray]] = [[] for _ in systems]

    def part(self, x: np.ndarray | None, n: int) -> np.ndarray | None:
        return None if x is None else x[self.offsets[n]:self.offsets[n + 1]]

    def spread(self, n: int, target: Population) -> tuple[float, float] | None:
        return _spread(self.seen[n], self.systems[n][2][target], self.threshold)

    def undecided(self, n: int, targets: list[Population]) -> list[Population]:
        return [t for t in targets if self.spread(n, t) is None]

    def objective(self, weights: dict[int, list[Population]]) -> np.ndarray:
        """1 on each listed target of each component, 0 elsewhere."""
        c = np.zeros(self.offsets[-1])
        for n, targets in weights.items():
            c[[self.offsets[n] + self.systems[n][2][t] for t in targets]] = 1.0
        return c

    def solve(self, c: np.ndarray) -> np.ndarray | None:
        _, x, _ = self.programme.minimise(c)
        return x

    def keep(self, x: np.ndarray | None) -> None:
        """Add each component's part of ``x``, where it is whole, to the solutions seen."""
        for n in range(len(self.systems)):
            part = self.part(x, n)
            if part is not None and _whole(part):
                self.seen[n].append(np.round(part))

    def probe(self, targets: list[list[Population]]) -> None:
        """Points far apart on many targets at once: random-sign objectives (:data:`_PROBES`
        rounds, both ways) over the targets of components with more than two."""
        signs = np.random.default_rng(0)
        for _ in range(_PROBES):
            c = np.zeros(self.offsets[-1])
            for n, wanted in enumerate(targets):
                if len(wanted) > 2:
                    columns = [self.offsets[n] + self.systems[n][2][t] for t in wanted]
                    c[columns] = signs.choice([-1.0, 1.0], size=len(columns))
            if not c.any():
                return
            self.keep(self.solve(c))
            self.keep(self.solve(-c))

    def push(self, remaining: list[list[Population]]) -> None:
        """Points that move many undecided targets at once: maximise, then minimise, the sum
        of every target not yet seen to spread over the threshold (a small count's range, if
        it is wide, is wide upwards). A round that decides few (:data:`_PUSH_GAIN`) ends it:
        the rest are solved one by one."""
        for direction in (1.0, -1.0) * 4:
            undecided = {n: self.undecided(n, t) for n, t in enumerate(remaining)}
            left = sum(map(len, undecided.values()))
            if not left:
                return
            x = self.solve(-direction * self.objective(undecided))
            if x is None:
                return
            self.keep(x)
            after = sum(len(self.undecided(n, t)) for n, t in enumerate(remaining))
            if direction < 0 and left - after < _PUSH_GAIN * left:
                return


def _optimum(programme: Programme | ColdProgramme, a: csr_matrix, b: np.ndarray, c: np.ndarray
             ) -> tuple[str, np.ndarray | None, float]:
    """min ``c·x`` over whole numbers: the linear relaxation first (several times faster);
    its answer is exact when the solution it finds is whole, else the integer programme."""
    status, x, fun = programme.minimise(c)
    if status == "unbounded":  # so are the whole numbers (rational data)
        return status, None, fun
    if status == "optimal" and _whole(x):
        x = np.round(x)
        return status, x, float(c @ x)
    constraints = [LinearConstraint(a, b, b)] if a.shape[0] else []
    whole = milp(c, constraints=constraints, integrality=np.ones(len(c)),
                 bounds=Bounds(np.zeros(len(c)), np.full(len(c), np.inf)))
    if whole.status == 0 and whole.x is not None:
        return "optimal", np.round(whole.x), float(whole.fun)
    return ("unbounded", None, -np.inf) if whole.status == 3 else ("infeasible", None, np.nan)
