"""Exact on every input: any numeric scale, numbers compared as numbers, every coefficient ×
level against an independent implementation on random data (half points and negatives).

Oracles: the ``krippendorff`` package (alpha), scikit-learn and statsmodels (Cohen's kappa by
rank and by value; Fleiss 1971 on complete units), NLTK (nominal alpha), and the plain loops
of `tests.support.irr_reference` (Gwet's coefficients, Fleiss generalised, pairable agreement).
"""

from __future__ import annotations

import krippendorff
import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import cohens_kappa as sm_cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from tests.support import irr_reference as ref
from workbench.reliability import (
    ReliabilityData,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    krippendorff_alpha,
    percent_agreement,
)

#: Scales of the random data sets: integers, half points, negatives, uneven steps.
SCALES = {
    "1-5": [1.0, 2.0, 3.0, 4.0, 5.0],
    "half points": [1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0],
    "negative": [-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0],
    "uneven": [0.0, 0.25, 1.0, 4.0, 10.0],
}
SEEDS = range(8)
CASES = [(name, seed) for name in SCALES for seed in SEEDS]


def random_matrix(scale: list[float], seed: int, n_coders: int | None = None,
                  missing: float = 0.2) -> np.ndarray:
    """Units × coders ratings on ``scale``, NaN = missing; coders agree about 60% of the time."""
    rng = np.random.default_rng(seed)
    n_units = int(rng.integers(20, 80))
    n_coders = n_coders or int(rng.integers(2, 6))
    values = np.array(scale)
    truth = rng.integers(0, len(values), n_units)
    noise = rng.integers(0, len(values), (n_units, n_coders))
    index = np.where(rng.random((n_units, n_coders)) < 0.6, truth[:, None], noise)
    out = values[index].astype(float)
    out[rng.random(out.shape) < missing] = np.nan
    keep = (~np.isnan(out)).sum(axis=1) >= 1
    return out[keep]


def data_of(matrix: np.ndarray, level: str) -> ReliabilityData:
    return ReliabilityData.from_matrix(np.where(np.isnan(matrix), None, matrix), level)


def rows_of(matrix: np.ndarray) -> ref.Ratings:
    return [[None if np.isnan(v) else float(v) for v in row] for row in matrix]


# ----------------------------------------------------------------- the two defects
def test_cohen_kappa_works_on_a_half_point_scale_at_every_level() -> None:
    # was: scikit-learn refused non-integer values ("continuous is not supported")
    matrix = np.array([[1.5, 1.5], [2.0, 2.5], [2.5, 2.5], [3.0, 2.0], [1.5, 2.0], [3.0, 3.0]])
    for level, weights in (("nominal", None), ("ordinal", "linear"),
                           ("interval", "quadratic"), ("ratio", "quadratic")):
        kappa = cohen_kappa(data_of(matrix, level))
        ranks = np.searchsorted([1.5, 2.0, 2.5, 3.0], matrix)
        expected = cohen_kappa_score(ranks[:, 0], ranks[:, 1], weights=weights)
        assert kappa == pytest.approx(expected, abs=1e-12), level


def test_equal_numbers_are_one_category_at_the_nominal_level() -> None:
    # was: "1" and "1.0" were two categories, alpha .18 at nominal and 1.0 at ordinal
    table = pd.DataFrame({
        "unit": ["u1", "u1", "u2", "u2", "u3", "u3", "u4", "u4"],
        "coder": ["a", "b"] * 4,
        "value": ["1", "1.0", "2", "2.0", "1", "1e0", "3", "3.00"],
    })
    nominal = ReliabilityData.from_long(table, "nominal")
    assert nominal.labels == ("1", "2", "3")
    assert krippendorff_alpha(nominal) == 1.0
    assert krippendorff_alpha(ReliabilityData.from_long(table, "ordinal")) == 1.0


def test_text_labels_stay_text_and_numbers_sort_first() -> None:
    table = pd.DataFrame({"unit": ["u1", "u1", "u2", "u2"], "coder": ["a", "b"] * 2,
                          "value": ["10", "2", "NA", "Absent"]})
    data = ReliabilityData.from_long(table, "nominal")
    assert data.labels == ("2", "10", "Absent", "NA")
    missing = ReliabilityData.from_long(table, "nominal", missing=["NA"])
    assert missing.labels == ("2", "10", "Absent")
    assert int(missing.ratings_per_unit.sum()) == 3


def test_categories_match_values_as_numbers() -> None:
    table = pd.DataFrame({"unit": ["u1", "u1"], "coder": ["a", "b"], "value": ["1.0", "2"]})
    data = ReliabilityData.from_long(table, "ordinal", categories=["2", "1"])
    assert data.labels == ("2", "1")
    assert data.matrix.tolist() == [[1.0, 0.0]]


# ----------------------------------------------------------------- random data vs oracles
@pytest.mark.parametrize(("scale", "seed"), CASES)
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_equals_the_krippendorff_package(scale: str, seed: int, level: str) -> None:
    values = SCALES[scale]
    if level == "ratio":
        values = [v - min(values) for v in values]  # ratio values are not negative
    matrix = random_matrix(values, seed)
    expected = krippendorff.alpha(reliability_data=matrix.T, level_of_measurement=level,
                                  value_domain=sorted(set(values)))
    data = data_of(matrix, level)
    assert krippendorff_alpha(data) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(("scale", "seed"), CASES)
@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_kappa_by_rank_and_by_value_equal_sklearn_and_statsmodels(
        scale: str, seed: int, weights: str | None) -> None:
    matrix = random_matrix(SCALES[scale], seed, n_coders=2)
    data = data_of(matrix, "interval")
    both = ~np.isnan(matrix).any(axis=1)
    ranks = np.searchsorted(data.domain, matrix[both])
    by_rank = cohen_kappa_score(ranks[:, 0], ranks[:, 1], labels=np.arange(data.n_categories),
                                weights=weights)
    assert cohen_kappa(data, weights) == pytest.approx(by_rank, abs=1e-12)
    values, table = ref.cohen_table(rows_of(matrix))
    if weights is None:
        by_value = sm_cohens_kappa(table, return_results=False)
    else:
        by_value = sm_cohens_kappa(table, weights=values, wt=weights, return_results=False)
    assert cohen_kappa(data, weights, scale="value") == pytest.approx(by_value, abs=1e-12)


@pytest.mark.parametrize(("scale", "seed"), CASES)
def test_fleiss_kappa_both_definitions_equal_their_references(scale: str, seed: int) -> None:
    matrix = random_matrix(SCALES[scale], seed)
    data = data_of(matrix, "nominal")
    domain = sorted(set(matrix[~np.isnan(matrix)].tolist()))
    expected = ref.fleiss_generalised(rows_of(matrix), domain)
    assert fleiss_kappa(data) == pytest.approx(expected, abs=1e-12)
    m = (~np.isnan(matrix)).sum(axis=1)
    complete = matrix[m == m.max()]
    table = [[int((row == v).sum()) for v in domain] for row in complete]
    assert fleiss_kappa(data, units="complete") == pytest.approx(
        sm_fleiss_kappa(np.array(table)), abs=1e-12)


@pytest.mark.parametrize(("scale", "seed"), CASES)
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_gwet_coefficients_and_agreement_equal_the_loop_formulas(
        scale: str, seed: int, level: str) -> None:
    matrix = random_matrix(SCALES[scale], seed)
    data = data_of(matrix, level)
    rows = rows_of(matrix)
    domain = data.domain.tolist()  # interval/ordinal domain = the values used
    if level == "nominal":
        domain = sorted(set(matrix[~np.isnan(matrix)].tolist()))
    assert percent_agreement(data) == pytest.approx(ref.percent_agreement_per_unit(rows, domain))
    assert percent_agreement(data, per="pairable") == pytest.approx(ref.pairable_agreement(rows))
    assert gwet_ac1(data) == pytest.approx(ref.ac(rows, domain), abs=1e-12)
    assert brennan_prediger(data, None) == pytest.approx(ref.brennan_prediger(rows, domain),
                                                         abs=1e-12)
    if level == "interval":  # weights by value, as Gwet (2014)
        for kind in ("linear", "quadratic"):
            assert gwet_ac2(data, kind) == pytest.approx(ref.ac(rows, domain, kind), abs=1e-12)
            assert brennan_prediger(data, kind) == pytest.approx(
                ref.brennan_prediger(rows, domain, kind), abs=1e-12)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_a_numeric_matrix_gives_the_same_data_as_the_general_path(level: str) -> None:
    rng = np.random.default_rng(5)
    for _ in range(20):
        matrix = rng.choice([0.0, 0.5, 1.5, 3.0, 10.0],
                            size=(int(rng.integers(3, 30)), int(rng.integers(2, 12))))
        matrix[rng.random(matrix.shape) < 0.3] = np.nan
        matrix[0, 0] = 1.0
        fast = ReliabilityData.from_matrix(matrix, level)  # numeric: the direct path
        general = ReliabilityData.from_matrix(np.where(np.isnan(matrix), None, matrix), level)
        assert (fast.coders, fast.units, fast.labels) == (
            general.coders, general.units, general.labels)
        assert np.array_equal(fast.domain, general.domain)
        assert np.array_equal(fast.matrix, general.matrix, equal_nan=True)
