"""The quality review splits agreement by accepted hints (issue 16: hinted vs unhinted coding).

A small SYNTHETIC store (the pattern of ``test_quality_sets.py``): twenty clips of six turns
(officer turns 0, 2, 4), one original coder ``ana``, an audit of every clip re-coded blind by
``rev``. Planted: ``ana`` accepted a hint "deesc_rapport present" on turns 0 and 2 of the
first ten clips, and the review agrees on turn 0 only; by hand ``ana`` codes turn 4 of every
clip, where the review agrees but on one clip. One more hint was accepted and then removed
by hand: that unit counts as unhinted.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.codebook.loading import load_ref
from workbench.model import (
    REVIEWER_ROLES,
    Annotation,
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    Clip,
    Coder,
    Layer,
    Role,
    Utterance,
)
from workbench.review.audit_sample import AuditDesign, draw_sample, open_review
from workbench.review.hinted import agreement_by_hint, hinted_units
from workbench.review.quality import ORIGINAL, REVIEW, assess
from workbench.store import Store, default_sqlite_url

CLIPS = [f"x{i:02d}" for i in range(20)]
CODE, AUDIT = "deesc_rapport", "A1"
HINTED = {(c, t) for c in CLIPS[:10] for t in (0, 2)}
BY_HAND = {(c, 4) for c in CLIPS}
REVIEWED = {(c, 0) for c in CLIPS[:10]} | BY_HAND - {(CLIPS[-1], 4)}
OFFICER_UNITS = [(c, t) for c in CLIPS for t in (0, 2, 4)]


@pytest.fixture(scope="module")
def hinted_store(tmp_path_factory: pytest.TempPathFactory):
    store, codebook = _build(tmp_path_factory.mktemp("hints") / "store.sqlite")
    yield store, codebook, assess(store, codebook, AUDIT, n_resamples=20, per_code=0)
    store.close()


def _build(path: Path) -> tuple[Store, object]:
    codebook = load_ref("stop-search@1.2.0")
    ref = codebook.ref
    store = Store(default_sqlite_url(path))
    store.add_coder(Coder("ana"))
    store.add_coder(Coder("rev", "Reviewer", REVIEWER_ROLES))
    for clip in CLIPS:
        turns = [Utterance(clip, i, 3.0 * i, 3.0 * i + 2, "PC 1" if i % 2 == 0 else "Subject",
                           Role.OFFICER if i % 2 == 0 else Role.SUBJECT, "SYNTHETIC words.")
                 for i in range(6)]
        store.put_clip(Clip(clip, synthetic=True), turns, f"h-{clip}")
    store.assign([Assignment(c, "ana") for c in CLIPS])
    for clip, turn in sorted(HINTED):
        store.apply_code("ana", clip, turn, CODE, "present", ref, from_hint=True)
    for clip, turn in sorted(BY_HAND):
        store.apply_code("ana", clip, turn, CODE, "present", ref)
    store.apply_code("ana", CLIPS[10], 0, CODE, "present", ref, from_hint=True)
    store.remove_code("ana", CLIPS[10], 0, CODE)  # a hint taken back: absent, unhinted
    for clip in CLIPS:
        store.set_progress(clip, "ana", status=AssignmentStatus.DONE)
    sample = draw_sample(store, AuditDesign(AUDIT, size=len(CLIPS), seed=0), codebook)
    open_review(store, sample, ["rev"], lead="rev")
    store.add_annotations([Annotation(c, t, CODE, "present", "rev", ref.codebook_id,
                                      ref.version, ref.hash, layer=Layer.REVIEW,
                                      audit_id=AUDIT) for c, t in sorted(REVIEWED)],
                          actor="rev")
    for a in store.assignments(coder_id="rev", kind=AssignmentKind.REVIEW):
        store.set_progress(a.clip_id, "rev", status=AssignmentStatus.DONE)
    return store, codebook


def _alpha(units: list[tuple[str, int]]) -> float:
    """The krippendorff package on the planted ratings of ``units`` (1 present, 0 absent)."""
    import krippendorff

    original = [float(u in HINTED or u in BY_HAND) for u in units]
    review = [float(u in REVIEWED) for u in units]
    return krippendorff.alpha(reliability_data=np.array([original, review]),
                              level_of_measurement="nominal")


def test_the_planted_gap_between_hinted_and_unhinted_values_is_shown(hinted_store) -> None:
    store, _, result = hinted_store
    assert hinted_units(store, dict.fromkeys(CLIPS, "ana")) == {
        (c, t, CODE) for c, t in HINTED}  # the hint taken back is not among them
    row = result.by_hint.set_index("code_id").loc[CODE]
    hinted = sorted(HINTED)
    unhinted = [u for u in OFFICER_UNITS if u not in HINTED]
    assert (row["n_hinted"], row["n_unhinted"]) == (20, 40)
    assert row["agreement_hinted"] == pytest.approx(0.5)
    assert row["agreement_unhinted"] == pytest.approx(39 / 40)
    assert row["alpha_hinted"] == pytest.approx(_alpha(hinted), abs=1e-9)
    assert row["alpha_unhinted"] == pytest.approx(_alpha(unhinted), abs=1e-9)
    assert row["alpha_hinted"] < 0 < 0.9 < row["alpha_unhinted"]  # the planted difference
    assert row["note"] == ""
    # a code nobody hinted (nor applied): the statements say so
    other = result.by_hint.set_index("code_id").loc["deesc_empathy"]
    assert (other["n_hinted"], other["n_unhinted"]) == (0, 60)
    assert other["note"] == "hinted: no units; unhinted: alpha undefined (no variation)"


def test_the_pooled_row_matches_the_krippendorff_package(hinted_store) -> None:
    import krippendorff

    _, _, result = hinted_store
    pairs = result.pairs
    wide = pairs.pivot_table(index=["clip_id", "utterance_index", "code_id"],
                             columns="rater", values="value", aggfunc="first",
                             dropna=False).dropna().reset_index()
    wide["hinted"] = [(c, int(t)) in HINTED and k == CODE for c, t, k in
                      zip(wide["clip_id"], wide["utterance_index"], wide["code_id"],
                          strict=True)]
    pooled = result.by_hint.iloc[0]
    assert pooled["code_id"] == "all"
    for group, part in (("hinted", wide.loc[wide["hinted"]]),
                        ("unhinted", wide.loc[~wide["hinted"]])):
        ratings = [part["code_id"] + "=" + part[r] for r in (ORIGINAL, REVIEW)]
        domain = sorted(set(ratings[0]) | set(ratings[1]))
        data = np.array([[domain.index(v) for v in r] for r in ratings], dtype=float)
        expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        assert pooled[f"n_{group}"] == len(part)
        assert pooled[f"alpha_{group}"] == pytest.approx(expected, abs=1e-9), group
        assert pooled[f"agreement_{group}"] == pytest.approx(
            (part[ORIGINAL] == part[REVIEW]).mean())
    assert pooled["alpha_hinted"] < pooled["alpha_unhinted"]


def test_too_few_units_are_not_estimated_and_say_so(hinted_store) -> None:
    store, codebook, result = hinted_store
    hinted = hinted_units(store, dict.fromkeys(CLIPS, "ana"))
    frame = agreement_by_hint(result.pairs, codebook, hinted, min_units=25)
    row = frame.set_index("code_id").loc[CODE]
    assert row["n_hinted"] == 20 and np.isnan(row["alpha_hinted"])
    assert np.isnan(row["agreement_hinted"])
    assert row["note"] == "hinted: too few units (20 < 25)"
    assert row["alpha_unhinted"] == pytest.approx(_alpha(
        [u for u in OFFICER_UNITS if u not in HINTED]), abs=1e-9)


def test_the_report_has_the_hint_section(hinted_store, tmp_path) -> None:
    from dataclasses import replace

    from workbench.report import render_html
    from workbench.review.quality_report import quality_document, write_quality_report

    _, codebook, result = hinted_store
    html = render_html(quality_document(result, codebook, None))
    section = html[html.index('<section id="hints"'):html.index('<section id="reviewers"')]
    assert "Hinted and unhinted coding" in section
    label = next(c.label for c in codebook.codes if c.id == CODE)
    assert label in section and "50.0" in section and "97.5" in section
    assert not {"ana", "rev"} & set(re.findall(r"<td[^>]*>([^<]*)</td>", section))  # no one
    written = write_quality_report(result, codebook, None, tmp_path / "rep")
    by_hint = pd.read_csv(tmp_path / "rep" / "by_hint.csv").set_index("code_id")
    assert tmp_path / "rep" / "by_hint.csv" in written
    assert by_hint.loc[CODE, "n_hinted"] == 20
    none = replace(result, by_hint=agreement_by_hint(result.pairs, codebook, set()))
    assert "No original value in this audit came from an accepted assistance hint" in \
        render_html(quality_document(none, codebook, None))
