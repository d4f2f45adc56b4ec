"""Set-valued codes: one present/absent variable per element, and alpha with MASI distance,
checked against NLTK's ``masi_distance`` and ``AnnotationTask`` (Passonneau 2006) on small
SYNTHETIC data."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import masi_distance as nltk_masi

from workbench.codebook.sets import canonical_set
from workbench.exceptions import ReliabilityDataError
from workbench.reliability import ReliabilityData, krippendorff_alpha
from workbench.reliability.set_codes import (
    expand_set_codes,
    masi_alpha,
    masi_distance,
    set_data,
)

ELEMENTS = ["grounds", "object", "identity", "station"]


def nltk_distance(a: frozenset, b: frozenset) -> float:
    """NLTK's MASI; it divides by zero on two empty sets, which agree (distance 0)."""
    return 0.0 if not a and not b else nltk_masi(set(a), set(b))


def synthetic_sets(seed: int, n_units: int = 40, n_coders: int = 3) -> pd.DataFrame:
    """SYNTHETIC GOWISELY-like sets per turn: coders mostly copy a true set, sometimes drop
    or add an element; "absent" is the empty set."""
    rng = np.random.default_rng(seed)
    rows = []
    for unit in range(n_units):
        truth = {e for e in ELEMENTS if rng.random() < 0.35}
        for coder in range(n_coders):
            given = set(truth)
            if rng.random() < 0.3:
                given ^= {str(rng.choice(ELEMENTS))}
            rows.append({"unit": f"t{unit}", "code_id": "gowisely", "coder_id": f"c{coder}",
                         "value": canonical_set(given) or "absent"})
    return pd.DataFrame(rows)


def test_masi_distance_matches_nltk_on_every_pair_of_small_sets() -> None:
    subsets = [set(c) for r in range(1, 4) for c in itertools.combinations(ELEMENTS, r)]
    for a, b in itertools.product(subsets, repeat=2):
        assert masi_distance(a, b) == pytest.approx(nltk_masi(a, b)), (a, b)
    # Passonneau (2006): {a} vs {a, b}: J = 1/2, M = 2/3 → 1 − 1/3
    assert masi_distance({"x"}, {"x", "y"}) == pytest.approx(2 / 3)
    assert masi_distance(set(), set()) == 0.0
    assert masi_distance({"x"}, set()) == 1.0


@pytest.mark.parametrize("seed", range(4))
def test_masi_alpha_equals_nltk_annotation_task(seed: int) -> None:
    long = synthetic_sets(seed)
    data = set_data(long)
    triples = [(r.coder_id, r.unit, frozenset() if r.value == "absent"
                else frozenset(r.value.split("+"))) for r in long.itertuples()]
    expected = AnnotationTask(triples, distance=nltk_distance).alpha()
    assert masi_alpha(data) == pytest.approx(expected, abs=1e-9)


def test_each_element_is_a_present_absent_variable() -> None:
    long = synthetic_sets(7)
    expanded = expand_set_codes(long, {"gowisely": ELEMENTS})
    assert sorted(expanded["code_id"].unique()) == sorted(f"gowisely[{e}]" for e in ELEMENTS)
    assert len(expanded) == len(long) * len(ELEMENTS)
    for element in ELEMENTS:
        rows = expanded.loc[expanded["code_id"] == f"gowisely[{element}]"]
        by_hand = pd.DataFrame({  # the element's presence, built independently
            "unit": long["unit"], "coder": long["coder_id"],
            "value": ["present" if element in v.split("+") else "absent"
                      for v in long["value"]]})
        ours = ReliabilityData.from_long(rows, "nominal", coder="coder_id")
        assert krippendorff_alpha(ours) == pytest.approx(
            krippendorff_alpha(ReliabilityData.from_long(by_hand, "nominal")))
    other = pd.DataFrame({"unit": ["t0"], "code_id": ["esc_threat"], "coder_id": ["c0"],
                          "value": ["present"]})
    kept = expand_set_codes(pd.concat([long, other]), {"gowisely": None})
    assert "esc_threat" in set(kept["code_id"])


def test_an_element_outside_the_options_is_refused() -> None:
    long = synthetic_sets(1).assign(value="grounds+spaceship")
    with pytest.raises(ReliabilityDataError, match="spaceship"):
        expand_set_codes(long, {"gowisely": ELEMENTS})


def test_the_project_table_gives_a_set_code_one_row_per_option_and_masi_on_request() -> None:
    from types import SimpleNamespace

    from workbench.review.project_report import table_variables

    plain = SimpleNamespace(id="esc_threat", label="Threat", multiple=False)
    gowisely = SimpleNamespace(id="gowisely", label="GOWISELY", multiple=True,
                               option_keys=lambda: ["grounds", "object"])
    book = SimpleNamespace(codes=[plain, gowisely])
    ids = [v.variable_id for v in table_variables(book)]  # type: ignore[arg-type]
    assert ids == ["esc_threat", "gowisely[grounds]", "gowisely[object]"]
    rows = table_variables(book, masi=True)  # type: ignore[arg-type]
    assert rows[-1].variable_id == "gowisely (MASI)" and rows[-1].label == "GOWISELY (MASI)"
    assert rows[1].label == "GOWISELY: grounds"


def test_the_project_table_analyses_a_set_code_of_codebook_1_2_0(tmp_path) -> None:
    """A SYNTHETIC clip coded by two coders on stop-search 1.2.0 (legal_explanation is a set
    code): one row per option on the officer turns, and MASI alpha on request."""
    from workbench.codebook.loading import load_ref
    from workbench.model import Assignment, AssignmentStatus, Clip, Coder, Role, Utterance
    from workbench.review.project_report import reliability_table
    from workbench.store import Store, default_sqlite_url

    codebook = load_ref("stop-search@1.2.0")
    store = Store(default_sqlite_url(tmp_path / "sets.sqlite"))
    try:
        for coder in ("ana", "ben"):
            store.add_coder(Coder(coder))
        turns = [Utterance("x1", i, 3.0 * i, 3.0 * i + 2, "PC 1" if i % 2 == 0 else "Subject",
                           Role.OFFICER if i % 2 == 0 else Role.SUBJECT, "SYNTHETIC words.")
                 for i in range(6)]
        store.put_clip(Clip("x1", synthetic=True), turns, "h-x1")
        store.assign([Assignment("x1", "ana", True), Assignment("x1", "ben", True)])
        coding = {"ana": {0: "grounds+object", 2: "grounds"},
                  "ben": {0: "grounds", 2: "grounds", 4: "identity"}}
        for coder, sets in coding.items():
            for turn, value in sets.items():
                store.apply_code(coder, "x1", turn, "legal_explanation", value, codebook.ref)
            store.set_progress("x1", coder, status=AssignmentStatus.DONE)
        table = reliability_table(store, codebook, bootstrap=0, masi=True).set_index("code_id")
    finally:
        store.close()
    # officer turns 0, 2, 4: grounds P P A by both → alpha 1; object P A A vs A A A
    assert table.loc["legal_explanation[grounds]", "alpha"] == 1.0
    assert table.loc["legal_explanation[grounds]", "n_units"] == 3
    object_task = AnnotationTask([("ana", "0", "P"), ("ana", "2", "A"), ("ana", "4", "A"),
                                  ("ben", "0", "A"), ("ben", "2", "A"), ("ben", "4", "A")])
    assert table.loc["legal_explanation[object]", "alpha"] == pytest.approx(object_task.alpha())
    assert table.loc["legal_explanation[station]", "verdict"] == "undefined"  # never used
    sets = {"ana": [{"grounds", "object"}, {"grounds"}, set()],
            "ben": [{"grounds"}, {"grounds"}, {"identity"}]}
    masi_task = AnnotationTask([(c, str(t), frozenset(s)) for c, row in sets.items()
                                for t, s in zip((0, 2, 4), row, strict=True)],
                               distance=nltk_distance)
    assert table.loc["legal_explanation (MASI)", "alpha"] == pytest.approx(masi_task.alpha())
    assert "legal_explanation" not in table.index  # the set itself is not a category
