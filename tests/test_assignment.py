"""Allocating clips to coders: overlap share, strata, balance, pair rotation, determinism."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from workbench.cli_review import app
from workbench.exceptions import ParameterError
from workbench.model import Assignment, Clip, Coder, Role, Utterance
from workbench.project import Project
from workbench.review.assignment import (
    assign_clips,
    plan_assignments,
    proportional_quotas,
    stratum_labels,
    summarise,
)
from workbench.store import Store

CODERS = ["c01", "c02", "c03", "c04"]


def corpus(n: int, seed: int = 0) -> pd.DataFrame:
    """Synthetic clip metadata: unequal BCUs and outcomes (so strata differ in size)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "clip_id": [f"k{i:03d}" for i in range(n)],
        "bcu": rng.choice(["CE", "NW", "SE", "SW"], size=n, p=[0.4, 0.3, 0.2, 0.1]),
        "outcome": rng.choice(["nfa", "arrest", "community_resolution"], size=n,
                              p=[0.6, 0.3, 0.1]),
    })


def _loads(plan: list[Assignment]) -> Counter[str]:
    return Counter(a.coder_id for a in plan)


def _overlap_clips(plan: list[Assignment]) -> dict[str, list[str]]:
    coders: dict[str, list[str]] = {}
    for a in plan:
        if a.reliability:
            coders.setdefault(a.clip_id, []).append(a.coder_id)
    return coders


@pytest.mark.parametrize(("n", "overlap", "k"), [(10, 0.2, 2), (37, 0.2, 2), (100, 0.25, 3),
                                                 (101, 0.1, 2), (500, 0.2, 2), (7, 1.0, 2),
                                                 (20, 0.0, 2)])
def test_overlap_share_is_the_rounded_share_with_k_coders_each(n: int, overlap: float,
                                                               k: int) -> None:
    plan = plan_assignments(corpus(n), CODERS, overlap=overlap, overlap_coders=k, seed=1)
    shared = _overlap_clips(plan)
    assert len(shared) == math.floor(overlap * n + 0.5)
    assert all(len(c) == k and len(set(c)) == k for c in shared.values())
    assert {a.clip_id for a in plan} == set(corpus(n)["clip_id"])  # every clip, once or k
    assert len(plan) == n + (k - 1) * len(shared)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_overlap_sample_is_proportional_within_strata(seed: int) -> None:
    clips = corpus(500, seed)
    plan = plan_assignments(clips, CODERS, overlap=0.2, stratify=["bcu", "outcome"], seed=seed)
    labels = stratum_labels(clips, ["bcu", "outcome"])
    overlap_ids = set(_overlap_clips(plan))
    sampled = labels[clips["clip_id"].isin(overlap_ids)].value_counts()
    for stratum, size in labels.value_counts().items():
        exact = 100 * size / 500
        assert math.floor(exact) <= sampled.get(stratum, 0) <= math.ceil(exact), stratum


@pytest.mark.parametrize(
    ("sizes", "total", "expected"),
    [
        ({"a": 5, "b": 3, "c": 2}, 3, {"a": 1, "b": 1, "c": 1}),  # .5/.9/.6 remainders
        ({"a": 50, "b": 30, "c": 20}, 10, {"a": 5, "b": 3, "c": 2}),  # exact
        ({"a": 7, "b": 7, "c": 1}, 2, {"a": 1, "b": 1, "c": 0}),  # tie .93 each
        ({"a": 3, "b": 1}, 0, {"a": 0, "b": 0}),
    ],
)
def test_proportional_quotas_by_largest_remainder(sizes: dict[str, int], total: int,
                                                  expected: dict[str, int]) -> None:
    assert proportional_quotas(pd.Series(sizes), total).to_dict() == expected


@pytest.mark.parametrize(("n", "coders", "k", "overlap"), [
    (100, 3, 2, 0.2), (101, 4, 2, 0.2), (57, 5, 2, 0.3), (90, 4, 3, 0.25), (500, 6, 2, 0.2),
    (13, 2, 2, 0.5)])
def test_workloads_are_within_one_clip_and_every_pair_shares_clips(
        n: int, coders: int, k: int, overlap: float) -> None:
    names = [f"c{i:02d}" for i in range(coders)]
    plan = plan_assignments(corpus(n), names, overlap=overlap, overlap_coders=k, seed=5)
    loads = _loads(plan)
    assert set(loads) == set(names)
    assert max(loads.values()) - min(loads.values()) <= 1
    pairs = Counter(p for c in _overlap_clips(plan).values()
                    for p in itertools.combinations(sorted(c), 2))
    assert set(pairs) == set(itertools.combinations(names, 2))
    assert max(pairs.values()) - min(pairs.values()) <= 2


def test_queues_interleave_overlap_clips_rather_than_front_load_them() -> None:
    plan = plan_assignments(corpus(200), CODERS[:3], overlap=0.2, seed=2)
    for coder in CODERS[:3]:
        queue = sorted((a for a in plan if a.coder_id == coder), key=lambda a: a.position)
        assert [a.position for a in queue] == list(range(len(queue)))
        flags = [a.reliability for a in queue]
        gaps = np.diff([i for i, f in enumerate(flags) if f])
        assert flags[:sum(flags)] != [True] * sum(flags)
        assert gaps.max() - gaps.min() <= 1  # evenly spread


def test_the_same_seed_gives_the_same_plan_and_another_seed_another() -> None:
    clips = corpus(120)
    first = plan_assignments(clips, CODERS, stratify=["bcu"], seed=7)
    assert plan_assignments(clips.sample(frac=1, random_state=3), CODERS, stratify=["bcu"],
                            seed=7) == first
    assert plan_assignments(clips, CODERS, stratify=["bcu"], seed=8) != first


def test_existing_assignments_are_kept_and_counted_in_the_balance() -> None:
    clips = corpus(60)
    existing = [Assignment(f"k{i:03d}", "c01", position=i) for i in range(10)]
    plan = plan_assignments(clips, CODERS, overlap=0.2, seed=1, existing=existing)
    assert not {a.clip_id for a in plan} & {a.clip_id for a in existing}
    assert len(_overlap_clips(plan)) == 10  # 20% of the 50 unassigned
    loads = _loads(plan + existing)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert min(a.position for a in plan if a.coder_id == "c01") == 10


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"overlap": 1.5}, "between 0 and 1"),
    ({"overlap_coders": 1}, "2 or more"),
    ({"overlap_coders": 5}, "at least 5 coders"),
    ({"stratify": ["borough"]}, "cannot stratify by borough"),
])
def test_bad_parameters_are_refused_with_the_allowed_values(kwargs: dict,
                                                            message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        plan_assignments(corpus(10), CODERS, **kwargs)


def test_summary_counts_per_coder_pair_and_stratum() -> None:
    clips = pd.DataFrame({"clip_id": ["a", "b", "c", "d"], "bcu": ["N", "N", "S", "S"]})
    plan = [Assignment("a", "x", True), Assignment("a", "y", True), Assignment("b", "x"),
            Assignment("c", "y"), Assignment("d", "x")]
    summary = summarise(plan, clips, ["bcu"])
    assert summary.per_coder.to_dict("records") == [
        {"coder": "x", "clips": 3, "reliability": 1, "single": 2},
        {"coder": "y", "clips": 2, "reliability": 1, "single": 1}]
    assert summary.per_pair.to_dict("records") == [{"coder_a": "x", "coder_b": "y",
                                                    "shared": 1}]
    assert summary.strata.to_dict("records") == [
        {"stratum": "bcu=N", "corpus": 2, "corpus_share": 0.5, "overlap": 1,
         "overlap_share": 1.0},
        {"stratum": "bcu=S", "corpus": 2, "corpus_share": 0.5, "overlap": 0,
         "overlap_share": 0.0}]


# ---------------------------------------------------------------------------- store and CLI
def _project(tmp_path: Path, n: int = 30) -> Project:
    project = Project.init(tmp_path / "p")
    with project.open_store() as store:
        for c in CODERS[:3]:
            store.add_coder(Coder(c))
        for row in corpus(n).itertuples(index=False):
            store.put_clip(Clip(row.clip_id, bcu=row.bcu, outcome=row.outcome, synthetic=True),
                           [Utterance(row.clip_id, 0, 0.0, 1.0, "PC 1", Role.OFFICER, "Hello")],
                           row.clip_id)
    return project


def test_assign_clips_writes_the_plan_once_and_audits_it(tmp_path: Path) -> None:
    with _project(tmp_path).open_store() as store:
        plan = assign_clips(store, CODERS[:3], overlap=0.2, stratify=["bcu"], seed=1)
        stored = {(a.clip_id, a.coder_id, a.reliability, a.position)
                  for a in store.assignments()}
        assert stored == {(a.clip_id, a.coder_id, a.reliability, a.position) for a in plan}
        assert store.reliability_clip_ids() == set(_overlap_clips(plan))
        [event] = store.audit_events(action="clips_assigned")
        assert event.detail["seed"] == 1 and event.detail["n_reliability_clips"] == 6
        assert assign_clips(store, CODERS[:3], seed=2) == []  # nothing left to allocate


def test_assign_clips_refuses_unknown_coders_and_writes_nothing(tmp_path: Path) -> None:
    with _project(tmp_path).open_store() as store:
        with pytest.raises(ParameterError, match="unknown coder"):
            assign_clips(store, ["c01", "zz9"])
        assert store.assignments() == []


def test_cli_assign_writes_and_prints_the_summary(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = CliRunner().invoke(app, ["assign", "--coders", "c01,c02,c03", "--overlap", "0.2",
                                      "--stratify", "bcu,outcome", "--seed", "1",
                                      "--project", str(project.root)])
    assert result.exit_code == 0, result.output
    assert "assigned 30 clips" in result.output
    for heading in ("clips per coder", "overlap clips per pair", "strata"):
        assert heading in result.output
    with project.open_store() as store:
        assert len(store.reliability_clip_ids()) == 6
        assert len(store.assignments()) == 36


def test_cli_assign_reports_an_error_and_exits_2(tmp_path: Path) -> None:
    project = _project(tmp_path)
    result = CliRunner().invoke(app, ["assign", "--coders", "c01", "--project",
                                      str(project.root)])
    assert result.exit_code == 2
    assert "at least 2 coders" in result.output
    with Store(project.store_url) as store:
        assert store.assignments() == []
