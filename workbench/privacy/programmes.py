"""Linear programmes ``min c·x`` subject to ``A x = b``, ``0 ≤ x ≤ upper``, solved for many
objectives ``c`` over one system (:mod:`workbench.privacy.bounds` asks for the min and max of
each unknown count).

:class:`Programme` keeps one HiGHS model (through HiGHS's own Python interface ``highspy``)
and changes only its costs between solves, so each solve starts from the last optimal basis;
:class:`ColdProgramme` solves every objective from scratch with :func:`scipy.optimize.milp`
(HiGHS too), the way the audit solved before: ``bench/disclosure.py`` measures both on the
same audit and the tests check they answer alike. :func:`solving_with` picks one for a block.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix


class Programme:
    """``min c·x`` subject to ``A x = b``, ``0 ≤ x ≤ upper``, for many objectives ``c``: one
    HiGHS model whose costs alone change between solves, so each starts from the last
    optimal basis (a warm start). ``upper`` inf: no limit."""

    def __init__(self, a: csr_matrix, b: np.ndarray, upper: np.ndarray) -> None:
        import highspy

        self._status = highspy.HighsModelStatus
        self.size = a.shape[1]
        self._columns = np.arange(self.size, dtype=np.int32)
        self._highs = _highs()
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = a.shape[1], a.shape[0]
        lp.col_cost_ = np.zeros(self.size)
        lp.col_lower_ = np.zeros(self.size)
        lp.col_upper_ = np.where(np.isinf(upper), highspy.kHighsInf, upper)
        lp.row_lower_ = lp.row_upper_ = np.asarray(b, dtype=float)
        matrix = a.tocsc()
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = a.shape[1], a.shape[0]
        lp.a_matrix_.start_ = matrix.indptr
        lp.a_matrix_.index_ = matrix.indices
        lp.a_matrix_.value_ = matrix.data
        self._highs.passModel(lp)

    def minimise(self, c: np.ndarray) -> tuple[str, np.ndarray | None, float]:
        """("optimal", x, c·x), ("unbounded", None, -inf) or ("infeasible", None, nan)."""
        self._highs.changeColsCost(self.size, self._columns, np.asarray(c, dtype=float))
        self._highs.run()
        status = self._highs.getModelStatus()
        if status == self._status.kOptimal:
            x = np.asarray(self._highs.getSolution().col_value)
            return "optimal", x, float(c @ x)
        if status == self._status.kUnbounded:
            return "unbounded", None, -np.inf
        return "infeasible", None, np.nan


class ColdProgramme:
    """:class:`Programme`'s interface, each objective solved from scratch by
    :func:`scipy.optimize.milp` (HiGHS through scipy, no basis kept): the way this module
    solved before, kept as the alternative that ``bench/disclosure.py`` measures beside it
    and as the tests' reference."""

    def __init__(self, a: csr_matrix, b: np.ndarray, upper: np.ndarray) -> None:
        self.size = a.shape[1]
        self._constraints = [LinearConstraint(a, b, b)] if a.shape[0] else []
        self._bounds = Bounds(np.zeros(self.size), upper)

    def minimise(self, c: np.ndarray) -> tuple[str, np.ndarray | None, float]:
        """As :meth:`Programme.minimise`."""
        r = milp(c, constraints=self._constraints, bounds=self._bounds)
        if r.status == 0 and r.x is not None:
            return "optimal", r.x, float(r.fun)
        return ("unbounded", None, -np.inf) if r.status == 3 else ("infeasible", None, np.nan)


#: The programme class the bounds are solved with (:func:`solving_with`).
_PROGRAMME: contextvars.ContextVar[type] = contextvars.ContextVar("programme",
                                                                  default=Programme)


@contextlib.contextmanager
def solving_with(kind: str) -> Iterator[None]:
    """Solve the bounds in this block with ``"warm"`` (:class:`Programme`, the default) or
    ``"cold"`` (:class:`ColdProgramme`) linear programmes; for benchmarks and tests."""
    token = _PROGRAMME.set({"warm": Programme, "cold": ColdProgramme}[kind])
    try:
        yield
    finally:
        _PROGRAMME.reset(token)


def new_programme(a: csr_matrix, b: np.ndarray, upper: np.ndarray
                  ) -> Programme | ColdProgramme:
    """A programme of the kind in force (:func:`solving_with`; warm by default)."""
    return _PROGRAMME.get()(a, b, upper)


def _highs() -> Any:
    """A silent HiGHS instance (its banner, printed once per process at the first instance,
    goes to the C library's standard output: it is sent to /dev/null then)."""
    import highspy

    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        highs = highspy.Highs()
    else:
        with _quiet_stdout():
            highs = highspy.Highs()
        _BANNER_SHOWN = True
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("presolve", "off")  # keeps the basis between solves
    # only the costs change between solves, so the last basis stays primal feasible: primal
    # simplex goes on from it (the dual simplex, HiGHS's default, was 3× slower here)
    highs.setOptionValue("simplex_strategy", 4)
    return highs


_BANNER_SHOWN = False


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no file descriptor 1 (embedded): nothing to silence
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
