"""Coefficients reproduce published worked examples.

Sources and values: tests/data/reliability/README.md.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from workbench.reliability import (
    ReliabilityData,
    brennan_prediger,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    krippendorff_alpha,
    percent_agreement,
    read_reliability_csv,
    weighted_agreement,
)
from workbench.reliability.gwet import agreement_weights

DATA = Path(__file__).parent / "data" / "reliability"


#: Gwet's table order of the abstractors' categories (weights depend on it)
PREGNANCY = ["Ectopic", "AIU", "NIU"]


def load(name: str, level: str, categories: list[str] | None = None) -> ReliabilityData:
    return read_reliability_csv(DATA / name, level, categories=categories)


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_reproduces_krippendorff_2011_at_every_level(level: str, published: float) -> None:
    data = load("krippendorff_2011.csv", level)
    assert (data.n_units, data.n_coders) == (12, 4)
    assert round(krippendorff_alpha(data), 3) == published


def test_alpha_of_two_raters_matches_gwet_2014_abstractors_table() -> None:
    assert krippendorff_alpha(load("gwet_2014_abstractors.csv", "nominal")) == pytest.approx(
        0.7972585, abs=5e-8
    )


@pytest.mark.parametrize(
    ("weights", "published"),
    [(None, 0.7964094), ("quadratic", 0.8921569)],
)
def test_cohen_kappa_matches_gwet_2014_abstractors_table(weights: str | None,
                                                         published: float) -> None:
    data = load("gwet_2014_abstractors.csv", "ordinal", PREGNANCY)
    assert cohen_kappa(data, weights) == pytest.approx(published, abs=5e-8)


def anxiety_raters_2_and_3() -> ReliabilityData:
    """R's ``kappa2(anxiety[, 2:3])``: the scale is the values these two raters used."""
    table = pd.read_csv(DATA / "irr_anxiety.csv")
    return ReliabilityData.from_long(table[table["coder"] != "rater1"], "ordinal")


@pytest.mark.parametrize(
    ("weights", "published"),
    [(None, -0.006289308), ("linear", 0.1459075), ("quadratic", 0.2520325)],
)
def test_weighted_cohen_kappa_matches_r_irr_anxiety(weights: str | None,
                                                    published: float) -> None:
    data = anxiety_raters_2_and_3()
    assert cohen_kappa(data, weights) == pytest.approx(published, abs=5e-8)


def test_cohen_kappa_is_linearly_weighted_by_default_for_ordinal_data() -> None:
    data = anxiety_raters_2_and_3()
    assert cohen_kappa(data) == pytest.approx(0.1459075, abs=5e-8)


def test_fleiss_kappa_reproduces_fleiss_1971_diagnoses() -> None:
    data = load("fleiss_1971_diagnoses.csv", "nominal")
    assert (data.n_units, data.n_coders) == (30, 6)
    assert round(fleiss_kappa(data), 3) == 0.430
    assert fleiss_kappa(data) == pytest.approx(0.4302445, abs=5e-8)


def test_fleiss_kappa_of_two_raters_is_scotts_pi_of_gwet_2014() -> None:
    assert fleiss_kappa(load("gwet_2014_abstractors.csv", "nominal")) == pytest.approx(
        0.7962397, abs=5e-8
    )


def test_fleiss_kappa_over_all_units_is_gwets_generalisation() -> None:
    # Krippendorff's data (cac.raw4raters): irrCAC 1.0 README, fleiss.kappa.raw → 0.7612
    # (p_a 0.8181818, p_e 0.2387); the default uses every unit, missing ratings allowed
    data = load("krippendorff_2011.csv", "nominal")
    assert round(fleiss_kappa(data), 5) == 0.76117
    assert fleiss_kappa(data, units="all") == fleiss_kappa(data)


def test_fleiss_kappa_of_complete_units_is_fleiss_1971_on_those_units() -> None:
    # 8 of the 12 units have all 4 ratings; "complete" keeps those only (R irr, statsmodels)
    data = load("krippendorff_2011.csv", "nominal")
    complete = data.take(data.ratings_per_unit == 4)
    assert complete.n_units == 8
    assert fleiss_kappa(data, units="complete") == pytest.approx(fleiss_kappa(complete))
    assert fleiss_kappa(data, units="complete") != pytest.approx(0.76117, abs=1e-3)
    # on the complete diagnoses data both definitions are Fleiss (1971): 0.4302445
    diagnoses = load("fleiss_1971_diagnoses.csv", "nominal")
    assert fleiss_kappa(diagnoses, units="complete") == pytest.approx(0.4302445, abs=5e-8)


@pytest.mark.parametrize(
    ("name", "function", "published"),
    [
        ("krippendorff_2011.csv", gwet_ac1, 0.77544),
        ("krippendorff_2011.csv", brennan_prediger, 0.77273),
        ("krippendorff_2011.csv", percent_agreement, 0.8181818),
        ("gwet_2014_ben_gerry.csv", gwet_ac1, 0.661),
        ("gwet_2014_ben_gerry.csv", brennan_prediger, 0.659),
        ("gwet_2014_ben_gerry.csv", percent_agreement, 0.727),
        ("gwet_2014_abstractors.csv", gwet_ac1, 0.8493305),
        ("gwet_2014_abstractors.csv", brennan_prediger, 0.835),
        ("gwet_2014_abstractors.csv", percent_agreement, 0.89),
    ],
)
def test_unweighted_agreement_matches_gwet_2014(name: str, function: Callable[..., float],
                                                published: float) -> None:
    data = load(name, "nominal")
    decimals = len(str(published).split(".")[1])
    assert round(function(data), decimals) == pytest.approx(published)


@pytest.mark.parametrize(
    ("name", "level", "function", "published"),
    [
        ("krippendorff_2011.csv", "interval", gwet_ac2, 0.914),
        ("krippendorff_2011.csv", "interval", brennan_prediger, 0.90152),
        ("krippendorff_2011.csv", "interval", weighted_agreement, 0.9753788),
        ("gwet_2014_abstractors.csv", "ordinal", gwet_ac2, 0.9402369),
        ("gwet_2014_abstractors.csv", "ordinal", brennan_prediger, 0.9175),
        ("gwet_2014_abstractors.csv", "ordinal", weighted_agreement, 0.9725),
    ],
)
def test_quadratic_weighted_agreement_matches_gwet_2014(name: str, level: str,
                                                        function: Callable[..., float],
                                                        published: float) -> None:
    data = load(name, level, PREGNANCY if "abstractors" in name else None)
    decimals = len(str(published).split(".")[1])
    assert round(function(data, "quadratic"), decimals) == pytest.approx(published)


def test_gwet_ac1_parts_match_the_handbook() -> None:
    # Gwet (2014) p. 120 data: p_a = 0.8181818 and p_e = 0.1903212 give AC1 = 0.77544
    data = load("krippendorff_2011.csv", "nominal")
    pa, pe = 0.8181818, 0.1903212
    assert percent_agreement(data) == pytest.approx(pa, abs=5e-8)
    assert gwet_ac1(data) == pytest.approx((pa - pe) / (1 - pe), abs=1e-7)


def test_ac2_defaults_to_ordinal_weights_for_ordinal_data() -> None:
    # irrCAC (Python port of Gwet's R package) with ordinal weights: 0.899
    data = load("krippendorff_2011.csv", "ordinal")
    assert round(gwet_ac2(data), 3) == 0.899
    assert gwet_ac2(data) == pytest.approx(gwet_ac2(data, "ordinal"))


def test_ordinal_weights_match_gwets_definition() -> None:
    # Gwet (2014) ch. 3 / irrCAC ordinal.weights(1:3): 1, 2/3, 0
    w = agreement_weights([1.0, 2.0, 3.0], "ordinal")  # type: ignore[arg-type]
    assert w[0].tolist() == pytest.approx([1.0, 2 / 3, 0.0])
