"""Ranges of unknown counts under the identities of a disclosure audit, by linear programming
(scipy's HiGHS, :func:`scipy.optimize.milp`); used by :mod:`workbench.privacy.audit`.

Each range is the min and max of one unknown over the whole-number solutions of ``A x = b``,
``x ≥ 0``: the linear relaxation first (exact when its solution is whole, as it is for these
sums), else the integer programme. Ranges already known to span the threshold (two whole
solutions that far apart) are not solved; independent components are solved together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import block_diag, coo_matrix

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


def component_bounds(model: Identities, fixed: dict[Population, float], variables: list[Population],
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

#: An upper bound on every count in the batched programme (:func:`batch_bounds`), so that
#: one component without an upper limit does not make the whole programme unbounded; a
#: maximum at half of it or more is read as no limit.
_CAP = 1e9


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
            one = component_bounds(model, fixed, comp, [target], threshold)
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
