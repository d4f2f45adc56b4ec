"""Every alternative definition, by name, against its reference.

Sources: tests/data/reliability/README.md; Krippendorff (2011) for the coincidences of the
4-observer example (n_c = 9, 13, 10, 5, 3; diagonal 7, 10, 8, 4, 3 of n.. = 40); Hayes &
Krippendorff (2007) and Krippendorff's alphaboot algorithm for the KALPHA bootstrap, checked
against the pair-by-pair loop of `tests.support.irr_reference.kalpha_loop`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.support import irr_reference as ref
from workbench.exceptions import ParameterError
from workbench.reliability import (
    ReliabilityData,
    bootstrap,
    cohen_kappa,
    percent_agreement,
    read_reliability_csv,
)
from workbench.reliability.coincidences import coincidence_matrix

DATA = Path(__file__).parent / "data" / "reliability"


def krippendorff_2011(level: str) -> ReliabilityData:
    return read_reliability_csv(DATA / "krippendorff_2011.csv", level)


def test_coincidences_reproduce_krippendorff_2011() -> None:
    o = coincidence_matrix(krippendorff_2011("nominal"))
    assert o.sum(axis=0).tolist() == pytest.approx([9, 13, 10, 5, 3])
    assert np.diag(o).tolist() == pytest.approx([7, 10, 8, 4, 3])
    assert o[0, 1] == pytest.approx(4 / 3)


def test_percent_agreement_per_unit_is_gwets_and_over_pairable_values_krippendorffs() -> None:
    data = krippendorff_2011("nominal")
    assert percent_agreement(data) == pytest.approx(0.8181818, abs=5e-8)  # Gwet (2014) p_a
    assert percent_agreement(data, per="pairable") == pytest.approx(32 / 40)
    with pytest.raises(ParameterError, match="unit or pairable"):
        percent_agreement(data, per="pairs")  # type: ignore[arg-type]


def test_cohen_weights_by_rank_and_by_value_agree_on_an_even_scale_only() -> None:
    # Gwet (2014) abstractors, 3 equally spaced categories: quadratic kappa 0.8921569 both ways
    even = read_reliability_csv(DATA / "gwet_2014_abstractors.csv", "ordinal",
                                categories=["Ectopic", "AIU", "NIU"])
    assert cohen_kappa(even, "quadratic") == pytest.approx(0.8921569, abs=5e-8)
    assert cohen_kappa(even, "quadratic", scale="value") == pytest.approx(0.8921569, abs=5e-8)
    uneven = ReliabilityData.from_matrix(
        [[0, 0], [1, 10], [10, 10], [0, 1], [1, 1], [0, 10], [10, 1]], "interval")
    assert cohen_kappa(uneven, "linear") != pytest.approx(
        cohen_kappa(uneven, "linear", scale="value"), abs=1e-3)


def level_distance(level: str):
    def distance(c: float, k: float, n_c: dict, values: list[float]) -> float:
        if level == "interval":
            return (c - k) ** 2
        lo, hi = sorted((values.index(c), values.index(k)))
        between = sum(n_c[values[g]] for g in range(lo, hi + 1))
        return (between - (n_c[c] + n_c[k]) / 2) ** 2
    return distance


@pytest.mark.parametrize("level", ["ordinal", "interval"])
def test_kalpha_bootstrap_matches_krippendorffs_algorithm_pair_by_pair(level: str) -> None:
    data = krippendorff_2011(level)
    result = bootstrap(data, method="kalpha", n_resamples=4000, seed=7)
    matrix = data.matrix
    rows = [[None if np.isnan(v) else float(data.domain[np.searchsorted(data.domain, v)])
             for v in row] for row in matrix]
    loop = np.array(ref.kalpha_loop(rows, level_distance(level), 2000, seed=7))
    low, high = np.quantile(loop, [0.025, 0.975])
    assert result.low == pytest.approx(low, abs=0.03)
    assert result.high == pytest.approx(high, abs=0.03)
    assert result.replicates.mean() == pytest.approx(loop.mean(), abs=0.01)
    # KALPHA keeps D_e fixed: its distribution centres on alpha (.815 ordinal, .849 interval)
    assert result.replicates.mean() == pytest.approx(result.estimate, abs=0.01)


def rare_code() -> ReliabilityData:
    """20 units, 2 coders, the code applied by one coder on 1 unit and by both on 1."""
    matrix = [[0, 0]] * 18 + [[1, 0], [1, 1]]
    return ReliabilityData.from_matrix(matrix, "nominal")


@pytest.mark.parametrize("method", ["units", "kalpha"])
def test_undefined_resamples_are_dropped_and_counted_or_counted_as_zero(method: str) -> None:
    data = rare_code()
    dropped = bootstrap(data, method=method, n_resamples=2000, seed=3)
    zeroed = bootstrap(data, method=method, n_resamples=2000, seed=3, undefined="zero")
    assert dropped.n_undefined > 50  # resamples without the code at all are 0/0
    assert dropped.n_valid + dropped.n_undefined == 2000
    assert zeroed.n_undefined == dropped.n_undefined
    assert zeroed.n_used == 2000 and dropped.n_used == dropped.n_valid
    undefined = np.isnan(dropped.replicates)
    assert (zeroed.replicates[undefined] == 0).all()
    assert np.array_equal(zeroed.replicates[~undefined], dropped.replicates[~undefined])
    assert zeroed.prob_below(0.8) >= dropped.prob_below(0.8)


def test_kalpha_is_for_alpha_only_and_methods_are_named() -> None:
    data = rare_code()
    with pytest.raises(ParameterError, match="Krippendorff's alpha only"):
        bootstrap(data, "gwet_ac1", method="kalpha")
    with pytest.raises(ParameterError, match="units, kalpha"):
        bootstrap(data, method="pairs")
    with pytest.raises(ParameterError, match="drop, zero"):
        bootstrap(data, undefined="nan")
