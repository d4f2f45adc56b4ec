"""Bootstrap intervals: deterministic by seed, contain the estimate, narrow with more units,
and the vectorised resamples equal the coefficient computed by its library on each resample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from workbench.exceptions import ParameterError
from workbench.reliability import COEFFICIENTS, ReliabilityData, bootstrap, read_reliability_csv
from workbench.reliability.resampling import (
    UnitTypes,
    multiplicities,
    resample_blocks,
    resample_type_counts,
)

DATA = Path(__file__).parent / "data" / "reliability"
LEVELS = ["nominal", "ordinal", "interval", "ratio"]


def presence(n_units: int, seed: int = 0, accuracy: float = 0.9) -> ReliabilityData:
    """Synthetic present/absent ratings by two coders: at most 4 distinct unit types."""
    rng = np.random.default_rng(seed)
    truth = rng.random(n_units) < 0.2
    flips = rng.random((n_units, 2)) > accuracy
    ratings = np.where(truth[:, None] ^ flips, "present", "absent")
    return ReliabilityData.from_matrix(ratings, "nominal")


def simulated(n_units: int, seed: int = 0, n_coders: int = 3, level: str = "nominal",
              accuracy: float = 0.8) -> ReliabilityData:
    """Synthetic ratings: coders copy a true value 1–5 with probability ``accuracy``."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 6, n_units)
    noise = rng.integers(1, 6, (n_units, n_coders))
    ratings = np.where(rng.random((n_units, n_coders)) < accuracy, truth[:, None], noise)
    ratings = ratings.astype(object)
    ratings[rng.random(ratings.shape) < 0.15] = None
    return ReliabilityData.from_matrix(ratings, level)


@pytest.mark.parametrize("name", ["krippendorff_alpha", "percent_agreement", "gwet_ac1",
                                  "fleiss_kappa", "brennan_prediger"])
def test_same_seed_gives_the_same_interval_and_other_seeds_differ(name: str) -> None:
    data = simulated(120)
    first = bootstrap(data, name, n_resamples=300, seed=7)
    again = bootstrap(data, name, n_resamples=300, seed=7)
    other = bootstrap(data, name, n_resamples=300, seed=8)
    assert (first.low, first.high) == (again.low, again.high)
    np.testing.assert_array_equal(first.replicates, again.replicates)
    assert (first.low, first.high) != (other.low, other.high)


def test_presence_codes_collapse_to_few_unit_types_drawn_by_multinomial() -> None:
    data = presence(2000)
    types = UnitTypes.of(data)
    assert len(types.frequency) <= 3 and types.frequency.sum() == 2000  # 2, 1+1 or 0 present
    assert len(UnitTypes.of(data, "ratings").frequency) <= 4
    blocks = list(resample_type_counts(types, 300, seed=1))
    assert all((block.sum(axis=1) == 2000).all() for block in blocks)
    again = np.concatenate(list(resample_type_counts(types, 300, seed=1)))
    np.testing.assert_array_equal(np.concatenate(blocks), again)
    # the multinomial draws have the units' type frequencies as mean
    np.testing.assert_allclose(again.mean(axis=0), types.frequency, rtol=0.05)


@pytest.mark.parametrize("name", COEFFICIENTS.names())
def test_type_multiplicities_give_the_same_replicates_as_unit_multiplicities(name: str) -> None:
    entry = COEFFICIENTS.get(name)
    data = simulated(80, seed=2, n_coders=2 if entry.two_coders else 4, level="ordinal")
    pool = data.take(entry.units(data))
    types = UnitTypes.of(pool, entry.resample_by)
    indices = next(resample_blocks(pool.n_units, 40, seed=6))
    by_unit = entry.replicates(pool, multiplicities(indices, pool.n_units))
    by_type = entry.replicates(types.data, multiplicities(types.of_unit[indices],
                                                          len(types.frequency)))
    np.testing.assert_allclose(by_type, by_unit, atol=1e-12)


@pytest.mark.parametrize("data", [presence(400, seed=4), presence(1600, seed=4)],
                         ids=["presence-400", "presence-1600"])
def test_presence_code_interval_is_deterministic_and_contains_the_estimate(
    data: ReliabilityData,
) -> None:
    first = bootstrap(data, n_resamples=500, seed=3)
    assert (first.low, first.high) == bootstrap(data, n_resamples=500, seed=3).ci
    assert first.low < first.estimate < first.high


def test_presence_code_interval_halves_when_units_quadruple() -> None:
    small = bootstrap(presence(400, seed=4), n_resamples=800, seed=3).width
    large = bootstrap(presence(1600, seed=4), n_resamples=800, seed=3).width
    assert 0.35 < large / small < 0.7


@pytest.mark.parametrize("level", LEVELS)
def test_interval_contains_the_estimate(level: str) -> None:
    result = bootstrap(simulated(200, seed=3, level=level), n_resamples=500, seed=1)
    assert result.low < result.estimate < result.high
    assert result.n_valid == 500


def test_interval_of_krippendorff_2011_data_contains_the_published_alpha() -> None:
    data = read_reliability_csv(DATA / "krippendorff_2011.csv", "interval")
    result = bootstrap(data, n_resamples=1000, seed=0)
    assert round(result.estimate, 3) == 0.849
    assert result.low <= 0.849 <= result.high


@pytest.mark.parametrize("name", ["krippendorff_alpha", "gwet_ac1", "percent_agreement"])
def test_interval_narrows_as_units_grow(name: str) -> None:
    widths = [bootstrap(simulated(n, seed=5), name, n_resamples=400, seed=2).width
              for n in (50, 200, 800)]
    assert widths[0] > widths[1] > widths[2]
    # roughly 1/sqrt(n): quadrupling the units about halves the width
    assert 0.35 < widths[2] / widths[1] < 0.7


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", COEFFICIENTS.names())
def test_vectorised_resamples_equal_the_coefficient_of_each_explicit_resample(
    name: str, level: str
) -> None:
    entry = COEFFICIENTS.get(name)
    data = simulated(60, seed=11, n_coders=2 if entry.two_coders else 3, level=level)
    pool = data.take(entry.units(data))
    indices = next(resample_blocks(pool.n_units, 25, seed=4))
    fast = entry.replicates(pool, multiplicities(indices, pool.n_units))
    slow = np.array([entry.compute(pool.take(row)) for row in indices])
    np.testing.assert_allclose(fast, slow, atol=1e-12)


def test_resamples_depend_only_on_the_seed_not_on_the_block_size() -> None:
    blocks = list(resample_blocks(10, 300, seed=3))
    assert [len(b) for b in blocks] == [128, 128, 44]
    again = np.concatenate(list(resample_blocks(10, 300, seed=3)))
    np.testing.assert_array_equal(np.concatenate(blocks), again)


def test_multiplicities_count_draws_per_unit() -> None:
    counts = multiplicities(np.array([[0, 0, 2], [1, 2, 2]]), 3)
    assert counts.tolist() == [[2.0, 0.0, 1.0], [0.0, 1.0, 2.0]]


def test_prob_below_is_the_share_of_resamples_under_the_minimum() -> None:
    result = bootstrap(simulated(100, seed=9, accuracy=0.6), n_resamples=400, seed=0)
    expected = float(np.mean(result.replicates < 0.667))
    assert result.prob_below(0.667) == pytest.approx(expected)
    assert 0.0 < result.prob_below(result.estimate) < 1.0


def test_zero_resamples_gives_the_estimate_without_interval() -> None:
    result = bootstrap(simulated(40), n_resamples=0)
    assert np.isnan(result.low) and np.isnan(result.high)
    assert result.estimate == pytest.approx(COEFFICIENTS.get("krippendorff_alpha")(simulated(40)))


def test_bad_confidence_is_refused() -> None:
    with pytest.raises(ParameterError, match="confidence"):
        bootstrap(simulated(40), confidence=95)


def test_options_reach_the_coefficient_and_its_resamples() -> None:
    data = read_reliability_csv(DATA / "krippendorff_2011.csv", "ordinal")
    quadratic = bootstrap(data, "gwet_ac2", n_resamples=300, seed=0, weights="quadratic")
    ordinal = bootstrap(data, "gwet_ac2", n_resamples=300, seed=0)
    assert round(quadratic.estimate, 3) == 0.914  # Gwet (2014), quadratic AC2
    assert round(ordinal.estimate, 3) == 0.899  # irrCAC, ordinal weights
    assert quadratic.ci != ordinal.ci
