"""Heads fitted at once (workbench.assist.heads) equal scikit-learn's LogisticRegression
fitted on each head's rows alone."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from workbench.assist.heads import as_estimators, fit_heads, head_probabilities
from workbench.exceptions import ParameterError


def _data():
    rng = np.random.default_rng(3)
    x = sp.random(400, 30, density=0.2, random_state=4, format="csr")
    truth = rng.normal(size=(30, 3))
    y = (np.asarray(x @ truth) + rng.normal(scale=0.5, size=(400, 3)) > 0.2).astype(int)
    mask = np.column_stack([np.ones(400, bool), np.arange(400) % 2 == 0, np.arange(400) < 300])
    return x, y, mask


def test_each_head_is_the_logistic_regression_of_its_own_rows() -> None:
    x, y, mask = _data()
    coef, intercept, iterations, _ = fit_heads(x, y, mask, c=2.0, tol=1e-9)
    assert iterations > 0
    probs = head_probabilities(x, coef, intercept)
    for k, model in enumerate(as_estimators(coef, intercept, c=2.0)):
        rows = mask[:, k]
        ref = LogisticRegression(C=2.0, solver="lbfgs", tol=1e-10, max_iter=5000).fit(
            x[rows], y[rows, k])
        np.testing.assert_allclose(coef[k], ref.coef_[0], atol=2e-3)
        assert intercept[k] == pytest.approx(ref.intercept_[0], abs=2e-3)
        np.testing.assert_allclose(model.predict_proba(x)[:, 1], probs[:, k], rtol=1e-6)
        np.testing.assert_allclose(probs[:, k], ref.predict_proba(x)[:, 1], atol=1e-3)


def test_heads_refuse_mismatched_shapes_and_bad_strength() -> None:
    x, y, mask = _data()
    with pytest.raises(ParameterError, match="mask"):
        fit_heads(x, y, mask[:, :2])
    with pytest.raises(ParameterError, match="C ="):
        fit_heads(x, y, mask, c=0)
