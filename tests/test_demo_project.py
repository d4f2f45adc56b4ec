"""`bwv demo` builds a whole synthetic project through the ordinary ingest/coding/consensus path."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.demo.project import DEMO_CODERS, DEMO_REVIEWER, create_demo_project
from workbench.model import AssignmentStatus, Layer
from workbench.project import Project


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Project:
    folder = tmp_path_factory.mktemp("demo") / "project"
    create_demo_project(folder, n_clips=60, seed=7, progress=False, media_clips=1)
    return Project.load(folder)


def test_the_trainees_first_clip_has_synthetic_spoken_audio(demo: Project) -> None:
    with demo.open_store() as store:
        first = min(store.assignments("trainee"), key=lambda a: a.position)
        with_media = [c.clip_id for c in store.clips() if c.media_path]
        assert with_media == [first.clip_id]
        assert (demo.root / store.clip(first.clip_id).media_path).is_file()


def test_every_clip_is_ingested_with_the_generators_utterances(demo: Project) -> None:
    truth = pd.read_csv(demo.root / "corpus" / "_truth" / "utterances.csv")
    with demo.open_store() as store:
        stored = store.utterances_frame()
        assert store.count_clips() == 60
        assert all(c.synthetic or c.extra.get("synthetic") for c in store.clips())
    merged = stored.merge(truth, on=["clip_id", "utterance_index"], suffixes=("", "_truth"))
    assert len(merged) == len(truth) == len(stored)
    assert (merged["text"] == merged["text_truth"]).all()
    assert (merged["role"] == merged["role_truth"]).all()


def test_clips_are_assigned_coded_and_done_with_a_double_coded_sample(demo: Project) -> None:
    with demo.open_store() as store:
        assignments = [a for a in store.assignments() if a.coder_id in DEMO_CODERS]
        annotations = store.annotations_frame(layer=Layer.CODER)
    assert {a.coder_id for a in assignments} == set(DEMO_CODERS)
    assert all(a.status is AssignmentStatus.DONE for a in assignments)
    per_clip = pd.Series([a.clip_id for a in assignments]).value_counts()
    assert (per_clip == 2).sum() == 12  # 20% of 60 clips double-coded
    assert set(annotations["coder_id"]) == set(DEMO_CODERS)


def test_consensus_covers_every_coded_clip_and_decisions_are_audited(demo: Project) -> None:
    with demo.open_store() as store:
        consensus = store.annotations_frame(layer=Layer.CONSENSUS)
        coded = store.annotations_frame(layer=Layer.CODER)
        adjudicated = store.audit_events(action="adjudicated")
    assert set(consensus["clip_id"]) == set(coded["clip_id"])
    assert adjudicated, "the simulated reviewer settled the disagreements"
    assert all(e.actor == DEMO_REVIEWER and e.detail["rationale"] for e in adjudicated)
    one_per_unit = consensus.groupby(["clip_id", "utterance_index", "code_id"],
                                     dropna=False).size()
    assert (one_per_unit == 1).all()


def test_building_again_keeps_the_existing_project(demo: Project) -> None:
    with demo.open_store() as store:
        before = store.table_counts()
    summary = create_demo_project(demo.root, n_clips=60, seed=7, progress=False)
    assert summary.already_built
    with demo.open_store() as store:
        assert store.table_counts() == before


def test_simulated_error_rates_show_up_as_the_ordering_of_alpha(demo: Project) -> None:
    from scipy.stats import spearmanr

    from workbench.codebook import load_ref
    from workbench.demo.effects import (
        DEFAULT_ERROR_PROFILE,
        EXPECTED_RELIABLE,
        EXPECTED_UNRELIABLE,
    )
    from workbench.review.project_report import reliability_table

    with demo.open_store() as store:
        table = reliability_table(store, load_ref(demo.codebook), bootstrap=0)
    alpha = dict(zip(table["code_id"], table["alpha"], strict=True))
    codes = [c for c in DEFAULT_ERROR_PROFILE if alpha.get(c) == alpha.get(c)]  # not NaN
    assert len(codes) >= 30
    rho = spearmanr([DEFAULT_ERROR_PROFILE[c] for c in codes], [alpha[c] for c in codes])[0]
    assert rho < -0.6, f"alpha should fall as the planted error rate rises (rho={rho:.2f})"
    reliable = sum(alpha[c] for c in EXPECTED_RELIABLE) / len(EXPECTED_RELIABLE)
    unreliable = sum(alpha[c] for c in EXPECTED_UNRELIABLE) / len(EXPECTED_UNRELIABLE)
    assert reliable > 0.85 and unreliable < reliable - 0.2


def test_the_trainee_has_clips_left_to_code_in_the_lab(demo: Project) -> None:
    from workbench.demo.project import DEMO_TRAINEE, N_TRAINEE_CLIPS

    with demo.open_store() as store:
        todo = store.assignments(coder_id=DEMO_TRAINEE)
    assert len(todo) == N_TRAINEE_CLIPS
    assert all(a.status is AssignmentStatus.TODO for a in todo)
