"""Agreement with an independent implementation: NLTK's AnnotationTask (Artstein & Poesio 2008)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import binary_distance, interval_distance

from workbench.reliability import ReliabilityData, cohen_kappa, krippendorff_alpha

SEEDS = [1, 2, 3, 4, 5, 6]


def random_ratings(seed: int, n_coders: int | None = None) -> np.ndarray:
    """Units × coders integer ratings with about 25% missing (NaN); coders agree often."""
    rng = np.random.default_rng(seed)
    n_units = int(rng.integers(30, 150))
    n_coders = n_coders or int(rng.integers(2, 6))
    q = int(rng.integers(2, 7))
    truth = rng.integers(0, q, n_units)
    noise = rng.integers(0, q, (n_units, n_coders))
    ratings = np.where(rng.random((n_units, n_coders)) < 0.7, truth[:, None], noise).astype(float)
    ratings[rng.random(ratings.shape) < 0.25] = np.nan
    return ratings


def triples(ratings: np.ndarray, rows: np.ndarray | None = None) -> list[tuple[str, str, int]]:
    rows = np.arange(len(ratings)) if rows is None else rows
    return [
        (f"c{j}", f"i{i}", int(ratings[i, j]))
        for i in rows
        for j in range(ratings.shape[1])
        if not np.isnan(ratings[i, j])
    ]


def as_data(ratings: np.ndarray, level: str) -> ReliabilityData:
    return ReliabilityData.from_matrix(np.where(np.isnan(ratings), None, ratings), level)


@pytest.mark.parametrize("seed", SEEDS)
def test_nominal_alpha_equals_nltk_with_missing_ratings(seed: int) -> None:
    ratings = random_ratings(seed)
    expected = AnnotationTask(triples(ratings), distance=binary_distance).alpha()
    assert krippendorff_alpha(as_data(ratings, "nominal")) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_interval_alpha_equals_nltk_with_interval_distance(seed: int) -> None:
    ratings = random_ratings(seed) * 1.5 + 2  # uneven numbers, not ranks
    expected = AnnotationTask(
        [(c, i, v) for c, i, v in triples_float(ratings)], distance=interval_distance
    ).alpha()
    assert krippendorff_alpha(as_data(ratings, "interval")) == pytest.approx(expected, abs=1e-9)


def triples_float(ratings: np.ndarray) -> list[tuple[str, str, float]]:
    return [
        (f"c{j}", f"i{i}", float(ratings[i, j]))
        for i in range(len(ratings))
        for j in range(ratings.shape[1])
        if not np.isnan(ratings[i, j])
    ]


@pytest.mark.parametrize("seed", SEEDS)
def test_cohen_kappa_equals_nltk_on_units_both_coders_rated(seed: int) -> None:
    ratings = random_ratings(seed, n_coders=2)
    both = np.flatnonzero(~np.isnan(ratings).any(axis=1))
    expected = AnnotationTask(triples(ratings, both)).kappa()  # NLTK needs complete data
    assert cohen_kappa(as_data(ratings, "nominal")) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(("weights", "power"), [("linear", 1), ("quadratic", 2)])
@pytest.mark.parametrize("seed", SEEDS[:3])
def test_weighted_cohen_kappa_equals_nltk_weighted_kappa(seed: int, weights: str,
                                                         power: int) -> None:
    ratings = random_ratings(seed, n_coders=2)
    both = np.flatnonzero(~np.isnan(ratings).any(axis=1))
    data = as_data(ratings, "ordinal")
    rank = {value: r for r, value in enumerate(data.domain)}
    task = AnnotationTask(
        triples(ratings, both), distance=lambda a, b: abs(rank[a] - rank[b]) ** power
    )
    assert cohen_kappa(data, weights) == pytest.approx(task.weighted_kappa(), abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=3, max_size=3),
        min_size=4,
        max_size=25,
    )
)
def test_nominal_alpha_equals_nltk_on_arbitrary_small_tables(rows: list[list[int | None]]) -> None:
    ratings = np.array([[np.nan if v is None else v for v in row] for row in rows])
    pairable = (~np.isnan(ratings)).sum(axis=1) >= 2
    values = ratings[pairable][~np.isnan(ratings[pairable])]
    if len(np.unique(values)) < 2 or not pairable.any():
        return  # alpha is undefined (NLTK returns 1 by convention); nothing to compare
    expected = AnnotationTask(triples(ratings)).alpha()
    assert krippendorff_alpha(as_data(ratings, "nominal")) == pytest.approx(expected, abs=1e-9)
