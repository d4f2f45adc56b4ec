"""Coder status on the SYNTHETIC demo: the trainee's practice changes nothing published; once
certified, their ordinary work counts; certification is a reviewer's audited, gated step."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbench.codebook import load_ref
from workbench.demo.project import DEMO_REVIEWER, DEMO_TRAINEE, create_demo_project
from workbench.exceptions import AccessError
from workbench.model import (
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    CoderStatus,
    Layer,
)
from workbench.project import Project
from workbench.review.adjudication import coder_ratings, find_disagreements
from workbench.review.certification import certify, trainee_agreement
from workbench.review.consensus import build_consensus
from workbench.review.project_report import reliability_table
from workbench.store import Store
from workbench.study.data import load_study_data
from workbench.study.params import StudyParams


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("status") / "project"
    create_demo_project(folder, n_clips=40, seed=11, progress=False)
    return folder


@pytest.fixture
def project(template: Path, tmp_path: Path) -> Project:
    folder = tmp_path / "project"
    shutil.copytree(template, folder)
    store = folder / "store.sqlite"
    text = (folder / "bwv.yaml").read_text(encoding="utf-8")
    (folder / "bwv.yaml").write_text(text.replace(str(template / "store.sqlite"), str(store)),
                                     encoding="utf-8")
    return Project.load(folder)


def _published(project: Project) -> tuple[str, pd.DataFrame, pd.DataFrame, int]:
    """What the study and the reliability report read: the study data hash, the reliability
    table, the coders' ratings, and the number of open disagreements."""
    codebook = load_ref(project.codebook, project.codebooks_dir)
    params = StudyParams().resolved(store=project.store_url, codebook=project.codebook)
    data = load_study_data(params, codebooks_dir=project.codebooks_dir)
    with Store(project.store_url) as store:
        table = reliability_table(store, codebook, bootstrap=0)
        ratings = coder_ratings(store, codebook)
        n_open = len(find_disagreements(store, codebook, open_only=True))
    return data.data_hash, table, ratings, n_open


def _code_like_the_reviewer(store: Store, coder: str, clip_ids: list[str], *,
                            flip: int = 0) -> int:
    """Code clips by copying their consensus (``flip`` units given another value), as
    ``coder`` on their own handle; returns the number of values written."""
    codebook = load_ref("stop-search@1.0.0", None)
    owner = Store(store.url)
    rows = [a for a in owner.annotations(layer=Layer.CONSENSUS) if a.clip_id in clip_ids]
    for i, a in enumerate(rows):
        value = a.value
        if i < flip:
            keys = [k for k in codebook.option_keys(a.code_id) if k != a.value]
            value = keys[0] if keys else value
        store.apply_code(coder, a.clip_id, a.utterance_index, a.code_id, value, codebook.ref)
    for clip_id in clip_ids:
        store.set_progress(clip_id, coder, status=AssignmentStatus.DONE)
    return len(rows)


def test_the_trainees_practice_changes_nothing_published(project: Project) -> None:
    before = _published(project)
    trainee = project.open_store(as_user=DEMO_TRAINEE)
    assert trainee.principal.status == CoderStatus.TRAINEE
    practice = [a.clip_id for a in trainee.assignments()]
    assert {a.kind for a in trainee.assignments()} == {AssignmentKind.PRACTICE}
    assert _code_like_the_reviewer(trainee, DEMO_TRAINEE, practice, flip=5) > 20
    codebook = load_ref(project.codebook, project.codebooks_dir)
    counts = build_consensus(Store(project.store_url), codebook, DEMO_REVIEWER)
    assert counts.written == counts.withdrawn == 0
    after = _published(project)
    assert after[0] == before[0]
    pd.testing.assert_frame_equal(after[1], before[1])
    pd.testing.assert_frame_equal(after[2], before[2])
    assert after[3] == before[3]
    # the trainee gets their own agreement report against the consensus
    report = trainee_agreement(Store(project.store_url), codebook, DEMO_TRAINEE)
    assert report.n_clips == len(practice) and report.n_units > 20
    assert 0.5 < report.alpha < 1.0 and report.agreement < 1.0
    assert (report.by_code["agreement"] <= 1).all()


def test_certification_is_gated_audited_and_then_ordinary_work_counts(
        project: Project) -> None:
    owner = Store(project.store_url)
    codebook = load_ref(project.codebook, project.codebooks_dir)
    gold = sorted({a.clip_id for a in owner.annotations(layer=Layer.CONSENSUS)})[:3]
    owner.assign(Assignment(c, DEMO_TRAINEE, kind=AssignmentKind.GOLD, position=20 + i)
                 for i, c in enumerate(gold))
    trainee = project.open_store(as_user=DEMO_TRAINEE)
    _code_like_the_reviewer(trainee, DEMO_TRAINEE, gold, flip=2)
    with pytest.raises(AccessError, match="not certified"):
        certify(owner, codebook, DEMO_TRAINEE, reviewer=DEMO_REVIEWER, reason="try",
                min_alpha=0.999)
    with pytest.raises(AccessError):  # a coder cannot certify themselves
        certify(trainee, codebook, DEMO_TRAINEE, reviewer=DEMO_TRAINEE, reason="me")
    reviewer = project.open_store(as_user=DEMO_REVIEWER)
    report = certify(reviewer, codebook, DEMO_TRAINEE, reviewer=DEMO_REVIEWER,
                     reason="gold standard passed", min_alpha=0.6)
    assert report is not None and report.alpha >= 0.6
    event = owner.audit_events(action="coder_status")[-1]
    assert event.actor == DEMO_REVIEWER and event.detail["new"] == "certified"
    assert "gold-standard alpha" in event.detail["reason"]
    # certified: an ordinary clip of theirs now enters the ratings (and practice still not)
    before = coder_ratings(owner, codebook)
    clip = next(c.clip_id for c in owner.clips() if c.clip_id not in gold)
    owner.assign([Assignment(clip, DEMO_TRAINEE, position=99)])
    _code_like_the_reviewer(project.open_store(as_user=DEMO_TRAINEE), DEMO_TRAINEE, [clip])
    after = coder_ratings(owner, codebook)
    assert DEMO_TRAINEE not in set(before["coder_id"])
    assert set(after.loc[after["coder_id"] == DEMO_TRAINEE, "clip_id"]) == {clip}


def test_the_study_refuses_a_trainees_layer(project: Project) -> None:
    from workbench.exceptions import ParameterError

    params = StudyParams(layer=f"coder:{DEMO_TRAINEE}").resolved(store=project.store_url,
                                                      codebook=project.codebook)
    with pytest.raises(ParameterError, match="trainee"):
        load_study_data(params, codebooks_dir=project.codebooks_dir)
