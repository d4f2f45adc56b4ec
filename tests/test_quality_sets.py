"""Quality review on codebook 1.2.0: a set-valued code is compared element by element; the
report's disclosure (examples withheld) and draft marking (issue 14). Agreement between two
reviewers is tested end to end in ``test_quality_review.py`` (the report notebook).

A small SYNTHETIC store: ten clips of six turns (officer turns 0, 2, 4); one original coder,
``ana``, leaves the grounds out of every other GOWISELY set the review gives.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.codebook.loading import load_ref
from workbench.model import Assignment, AssignmentStatus, Clip, Coder, Role, Utterance
from workbench.review.quality import UNDER, agreement_by_code, coder_bias, pairs_of
from workbench.store import Store, default_sqlite_url

CLIPS = [f"x{i:02d}" for i in range(10)]
OFFICER_TURNS = (0, 2, 4)
CODE = "legal_explanation"


def _review_sets() -> dict[tuple[str, int], str]:
    """The review's sets: a fixed, varied pattern (no randomness needed)."""
    cycle = ["grounds+object", "grounds", "", "identity", "grounds+legal_power+object", ""]
    units = [(c, t) for c in CLIPS for t in OFFICER_TURNS]
    return {u: cycle[i % len(cycle)] for i, u in enumerate(units)}


def _original_sets(review: dict[tuple[str, int], str]) -> dict[tuple[str, int], str]:
    """ana drops "grounds" from every other set that has it (and adds nothing)."""
    out, seen = {}, 0
    for unit, value in review.items():
        items = value.split("+") if value else []
        if "grounds" in items:
            seen += 1
            if seen % 2:
                items.remove("grounds")
        out[unit] = "+".join(items)
    return out


@pytest.fixture(scope="module")
def set_store(tmp_path_factory: pytest.TempPathFactory):
    built = _build(tmp_path_factory.mktemp("sets") / "store.sqlite")
    yield built
    built[0].close()


def _build(path: Path) -> tuple:
    """The SYNTHETIC store: (store, codebook, review sets, original sets)."""
    codebook = load_ref("stop-search@1.2.0")
    store = Store(default_sqlite_url(path))
    store.add_coder(Coder("ana"))
    for clip in CLIPS:
        turns = [Utterance(clip, i, 3.0 * i, 3.0 * i + 2, "PC 1" if i % 2 == 0 else "Subject",
                           Role.OFFICER if i % 2 == 0 else Role.SUBJECT, "SYNTHETIC words.")
                 for i in range(6)]
        store.put_clip(Clip(clip, synthetic=True), turns, f"h-{clip}")
    store.assign([Assignment(c, "ana") for c in CLIPS])
    review = _review_sets()
    original = _original_sets(review)
    for (clip, turn), value in original.items():
        if value:
            store.apply_code("ana", clip, turn, CODE, value, codebook.ref)
    for clip in CLIPS:
        store.set_progress(clip, "ana", status=AssignmentStatus.DONE)
    return store, codebook, review, original


def _review_rows(sets: dict[tuple[str, int], str]) -> pd.DataFrame:
    return pd.DataFrame([(c, t, CODE, v) for (c, t), v in sets.items() if v],
                        columns=["clip_id", "utterance_index", "code_id", "value"])


def test_a_set_code_is_compared_element_by_element(set_store) -> None:
    import krippendorff

    store, codebook, review, original = set_store
    pairs = pairs_of(store, codebook, dict.fromkeys(CLIPS, "ana"), dict.fromkeys(CLIPS, "rev"),
                     _review_rows(review))
    assert CODE not in set(pairs["code_id"])  # the set itself is not a category
    by_code = agreement_by_code(pairs.loc[pairs["code_id"].str.startswith(CODE)], codebook,
                                n_resamples=50).set_index("code_id")
    units = list(review)
    for element in ("grounds", "object", "identity", "legal_power"):
        a = [float(element in original[u].split("+")) for u in units]
        b = [float(element in review[u].split("+")) for u in units]
        expected = krippendorff.alpha(reliability_data=np.array([a, b]),
                                      level_of_measurement="nominal")
        row = by_code.loc[f"{CODE}[{element}]"]
        assert row["alpha"] == pytest.approx(expected, abs=1e-9), element
        assert row["n_units"] == len(units)
        assert row["label"] == f"Gives a GOWISELY element: {element}"
    assert by_code.loc[f"{CODE}[grounds]", "direction"] == UNDER
    assert by_code.loc[f"{CODE}[object]", "alpha"] == 1.0
    bias = coder_bias(pairs, codebook).set_index("code_id")
    grounds = bias.loc[f"{CODE}[grounds]"]
    dropped = sum("grounds" in review[u] and "grounds" not in original[u] for u in units)
    assert (grounds["b"], grounds["c"]) == (0, dropped) and dropped == 8  # of 15
    assert bias.loc[f"{CODE}[object]", "b"] == bias.loc[f"{CODE}[object]", "c"] == 0


def test_a_stored_value_outside_the_options_is_refused(set_store) -> None:
    from workbench.exceptions import ReliabilityDataError

    store, codebook, review, _ = set_store
    bad = _review_rows(review)
    bad.loc[0, "value"] = "grounds+moon"
    with pytest.raises(ReliabilityDataError, match="moon"):
        pairs_of(store, codebook, dict.fromkeys(CLIPS, "ana"), dict.fromkeys(CLIPS, "rev"),
                 bad)


def test_examples_can_be_withheld_and_an_unsigned_report_is_a_draft(set_store) -> None:
    from workbench.report import render_html
    from workbench.review.quality import QualityResult, disagreement_examples
    from workbench.review.quality_report import quality_document

    store, codebook, review, _ = set_store
    pairs = pairs_of(store, codebook, dict.fromkeys(CLIPS, "ana"), dict.fromkeys(CLIPS, "rev"),
                     _review_rows(review))
    grounds = [f"{CODE}[grounds]"]
    shown = disagreement_examples(store, pairs, grounds, per_code=2)
    withheld = disagreement_examples(store, pairs, grounds, per_code=2, show_text=False)
    assert shown["text"].tolist() == ["SYNTHETIC words."] * 2
    assert withheld["text"].tolist() == ["(withheld)"] * 2
    assert withheld[["clip_id", "turn"]].equals(shown[["clip_id", "turn"]])
    by_code = agreement_by_code(pairs.loc[pairs["code_id"].isin(grounds)], codebook,
                                n_resamples=20)
    result = QualityResult({"audit_id": "A1", "clips": []}, by_code,
                           coder_bias(pairs, codebook), pd.DataFrame(
                               columns=["code_id", "period", "alpha", "n_units"]),
                           withheld, 0.667)
    document = quality_document(result, codebook, None)
    assert document.banner.startswith("Draft")
    html = render_html(document)
    assert "Gives a GOWISELY element: grounds" in html and "(withheld)" in html
    assert "No clip was re-coded by two or more reviewers" in html


def test_a_flagged_set_element_requests_recoding_of_the_whole_set(tmp_path) -> None:
    from workbench.model import AnnotationStatus
    from workbench.review.feedback import request_recode

    store, codebook, _, original = _build(tmp_path / "own.sqlite")  # the module's stays
    try:
        coded = sum(bool(v) for v in original.values())
        out = request_recode(store, codebook, audit_id="A1", code_id=f"{CODE}[grounds]",
                             coder_id="ana", reviewer="rev", note="Grounds left out of sets.")
        assert out == {"clips": len(CLIPS), "rows": coded}
        flagged = store.annotations(coder_id="ana", code_id=CODE,
                                    statuses=(AnnotationStatus.NEEDS_RECODE,))
        assert len(flagged) == coded
    finally:
        store.close()
