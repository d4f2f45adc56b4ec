"""Many binary logistic regressions ("heads") fitted at once on one sparse feature matrix.

Every suggestion target shares the same features, so instead of fitting one
`LogisticRegression` per target (each pass over the matrix costs as much as for all of them),
:func:`fit_heads` minimises the sum of the targets' objectives with L-BFGS, so each pass is one
sparse × dense product with a column per target. Head ``k`` minimises scikit-learn's L2
objective (intercept not penalised, as its ``lbfgs`` solver does)::

    ½‖w_k‖² + C · Σ_{i : mask[i, k]} log(1 + exp(−s_ik (x_i·w_k + b_k))),   s_ik = ±1,

over the rows its mask admits (the turns whose role the code applies to). The sum separates by
head, so its minimum is each head's own minimum: the result is the logistic regression that
``LogisticRegression(C=C, solver="lbfgs")`` fits on that head's rows alone
(``tests/test_assist_heads.py`` checks it against scikit-learn). Each head becomes a fitted
`LogisticRegression` (:func:`as_estimators`); :func:`head_probabilities` scores all at once.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from sklearn.linear_model import LogisticRegression

from workbench.exceptions import ParameterError


def fit_heads(x: sp.spmatrix | np.ndarray, y: np.ndarray, mask: np.ndarray, *,
              c: float = 4.0, tol: float = 1e-4, max_iter: int = 1000
              ) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Fit one L2 logistic regression per column of ``y`` (0/1, rows × heads) on the rows
    where that column of ``mask`` is true. Returns ``(coef (heads × features), intercept
    (heads,), L-BFGS iterations, objective evaluations)``; ``tol`` is the largest gradient
    entry at convergence (scikit-learn's ``gtol`` for ``lbfgs``, on its scaling)."""
    x = sp.csr_matrix(x, dtype=np.float32)  # products in float32: half the memory traffic
    y = np.asarray(y, dtype=np.float64)
    weight = np.asarray(mask, dtype=np.float64)
    n, d = x.shape
    if y.ndim != 2 or y.shape != weight.shape or y.shape[0] != n:
        raise ParameterError(f"heads: labels {y.shape} and mask {weight.shape} must both be "
                             f"rows ({n}) × heads", field="y")
    if c <= 0:
        raise ParameterError(f"heads: C = {c}: expected > 0", field="c")
    k = y.shape[1]
    sign = 2.0 * y - 1.0
    xt = x.T  # a CSC view: X^T @ residual without a transposed copy
    scale = 1.0 / (c * n)  # scikit-learn's scaling (per row, ÷ C): tol means the same

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta[: d * k].reshape(d, k)
        b = theta[d * k:]
        z = (x @ w.astype(np.float32)).astype(np.float64) + b
        loss = -(weight * log_expit(sign * z)).sum()
        residual = weight * (expit(z) - y)  # d loss / d z
        grad_w = c * (xt @ residual.astype(np.float32)) + w
        grad_b = c * residual.sum(axis=0)
        value = c * loss + 0.5 * float(np.einsum("ij,ij->", w, w))
        return value * scale, np.concatenate([grad_w.ravel(), grad_b]) * scale

    rows = weight.sum(axis=0).clip(min=1)
    rate = ((weight * y).sum(axis=0) / rows).clip(1e-6, 1 - 1e-6)
    start = np.concatenate([np.zeros(d * k), np.log(rate / (1 - rate))])  # base-rate log-odds
    result = minimize(objective, start, jac=True, method="L-BFGS-B",
                      options={"maxiter": max_iter, "gtol": tol, "maxls": 50,
                               "ftol": 64 * np.finfo(float).eps})
    coef = result.x[: d * k].reshape(d, k).T.copy()
    return coef, result.x[d * k:].copy(), int(result.nit), int(result.nfev)


def as_estimators(coef: np.ndarray, intercept: np.ndarray, c: float = 4.0
                  ) -> list[LogisticRegression]:
    """One fitted `LogisticRegression` per head (``predict_proba`` works as usual)."""
    out = []
    for w, b in zip(coef, intercept, strict=True):
        model = LogisticRegression(C=c, solver="lbfgs")
        model.classes_ = np.array([0, 1])
        model.coef_ = w[None, :].copy()
        model.intercept_ = np.array([b])
        model.n_features_in_ = w.shape[0]
        model.n_iter_ = np.array([0])
        out.append(model)
    return out


def head_probabilities(x: sp.spmatrix | np.ndarray, coef: np.ndarray, intercept: np.ndarray
                       ) -> np.ndarray:
    """P(positive) of every row under every head: rows × heads."""
    return expit(np.asarray(x @ coef.T) + intercept)
