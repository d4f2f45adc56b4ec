"""Migrating annotations between codebook versions: plan (pure) and apply (one transaction).

Planning runs on plain ``Annotation`` records; applying runs on a real SQLite store.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from workbench.codebook import Codebook, apply_migration, load_codebook, loads_codebook
from workbench.codebook.migration import MigrationPlan, plan_migration
from workbench.exceptions import CodebookError, ConflictError
from workbench.model import Annotation, AnnotationStatus, Clip, Role, Utterance
from workbench.store import Store

DATA = Path(__file__).parent / "data" / "codebooks" / "mini"


@pytest.fixture(scope="module")
def old() -> Codebook:
    return load_codebook(DATA / "1.0.0.yaml")


@pytest.fixture(scope="module")
def new() -> Codebook:
    return load_codebook(DATA / "1.1.0.yaml")


def _ann(cb: Codebook, clip: str, turn: int | None, code: str, value: str = "present", *,
         coder: str = "c1", ident: int | None = None, **extra: Any) -> Annotation:
    return Annotation(clip_id=clip, utterance_index=turn, code_id=code, value=value,
                      coder_id=coder, codebook_id=cb.id, codebook_version=cb.version,
                      codebook_hash=cb.hash, annotation_id=ident, **extra)


def _corpus(old: Codebook) -> list[Annotation]:
    rows = [
        ("k1", 0, "rude", "present"),          # rename -> disrespect
        ("k1", 1, "threat", "present"),        # merge: both on one turn -> one pressure row
        ("k1", 1, "accuse", "present"),
        ("k1", 2, "accuse", "present"),        # merge: alone -> pressure
        ("k1", 3, "polite", "present"),        # split -> needs re-coding, never guessed
        ("k1", 4, "chat", "present"),          # retire -> superseded, not carried
        ("k1", 5, "command", "bare"),          # recode_options bare -> plain
        ("k1", 5, "calm", "present"),          # level change, mapped present -> yes
        ("k1", 6, "command", "soft"),          # carried unchanged
        ("k1", None, "outcome", "other"),      # option removed, no map -> needs re-coding
        ("k1", None, "grounds", "generic"),    # carried
        ("k2", 0, "threat", "present"),        # same unit, other coder: kept apart
    ]
    anns = [_ann(old, c, t, code, v, ident=i + 1) for i, (c, t, code, v) in enumerate(rows)]
    anns[-1] = dataclasses.replace(anns[-1], coder_id="c2", clip_id="k1", utterance_index=1)
    return anns


def _step_for(plan: MigrationPlan, annotation_id: int) -> Any:
    return next(s for s in plan.steps if annotation_id in [a.annotation_id for a in s.old])


@pytest.mark.parametrize(
    ("annotation_id", "action", "new_code", "new_value", "outcome"),
    [
        (1, "rename", "disrespect", "present", AnnotationStatus.SUPERSEDED),
        (2, "merge", "pressure", "present", AnnotationStatus.SUPERSEDED),
        (3, "merge", "pressure", "present", AnnotationStatus.SUPERSEDED),
        (4, "merge", "pressure", "present", AnnotationStatus.SUPERSEDED),
        (5, "split", None, None, AnnotationStatus.NEEDS_RECODE),
        (6, "retire", None, None, AnnotationStatus.SUPERSEDED),
        (7, "remap", "command", "plain", AnnotationStatus.SUPERSEDED),
        (8, "remap", "calm", "yes", AnnotationStatus.SUPERSEDED),
        (9, "carry", "command", "soft", AnnotationStatus.SUPERSEDED),
        (10, "unmapped", None, None, AnnotationStatus.NEEDS_RECODE),
        (11, "carry", "grounds", "generic", AnnotationStatus.SUPERSEDED),
        (12, "merge", "pressure", "present", AnnotationStatus.SUPERSEDED),
    ],
)
def test_plan_decides_each_annotation_by_the_declared_rules(
    old: Codebook, new: Codebook, annotation_id: int, action: str, new_code: str | None,
    new_value: str | None, outcome: AnnotationStatus,
) -> None:
    step = _step_for(plan_migration(old, new, _corpus(old)), annotation_id)
    assert step.action == action
    assert step.outcome == outcome
    if new_code is None:
        assert step.new is None
    else:
        assert (step.new.code_id, step.new.value) == (new_code, new_value)
        assert (step.new.codebook_version, step.new.codebook_hash) == ("1.1.0", new.hash)
        assert step.new.status == AnnotationStatus.ACTIVE and step.new.annotation_id is None


def test_merged_codes_on_one_unit_collapse_into_one_row_per_coder(
    old: Codebook, new: Codebook,
) -> None:
    plan = plan_migration(old, new, _corpus(old))
    merged = _step_for(plan, 2)
    assert sorted(a.annotation_id for a in merged.old) == [2, 3]
    other_coder = _step_for(plan, 12)
    assert other_coder is not merged and other_coder.new.coder_id == "c2"


def test_split_is_flagged_and_never_guessed(old: Codebook, new: Codebook) -> None:
    plan = plan_migration(old, new, _corpus(old))
    assert not any(s.new is not None and s.new.code_id.startswith("polite_")
                   for s in plan.steps)
    assert "polite_formal, polite_greeting" in _step_for(plan, 5).reason


def test_every_in_scope_annotation_is_in_exactly_one_step(old: Codebook,
                                                          new: Codebook) -> None:
    corpus = _corpus(old)
    plan = plan_migration(old, new, corpus)
    planned = sorted(a.annotation_id for s in plan.steps for a in s.old)
    assert planned == sorted(a.annotation_id for a in corpus)
    assert plan.counts()["in_scope"] == len(corpus)
    assert plan.counts()["inserted"] == 8


def test_inactive_or_other_version_annotations_are_out_of_scope(
    old: Codebook, new: Codebook,
) -> None:
    corpus = [
        _ann(old, "k1", 0, "rude", ident=1),
        _ann(old, "k1", 1, "rude", ident=2, status=AnnotationStatus.REMOVED),
        _ann(new, "k1", 2, "disrespect", ident=3),
    ]
    plan = plan_migration(old, new, corpus)
    assert [a.annotation_id for s in plan.steps for a in s.old] == [1]
    assert plan.out_of_scope == 2


def test_annotation_made_under_other_content_of_the_same_version_is_refused(
    old: Codebook, new: Codebook,
) -> None:
    tampered = dataclasses.replace(_ann(old, "k1", 0, "rude", ident=1), codebook_hash="f" * 64)
    with pytest.raises(CodebookError, match="edited after use"):
        plan_migration(old, new, [tampered])


def test_new_version_dropping_a_code_without_a_rule_is_refused(old: Codebook) -> None:
    text = (DATA / "1.1.0.yaml").read_text(encoding="utf-8")
    undeclared = loads_codebook(text.replace("    - retire: chat\n", ""))
    with pytest.raises(CodebookError, match="drops chat without a migration rule"):
        plan_migration(old, undeclared, [])


def test_rules_must_come_from_the_old_version(new: Codebook) -> None:
    older = loads_codebook((DATA / "1.0.0.yaml").read_text(encoding="utf-8")
                           .replace("version: 1.0.0", "version: 0.9.0", 1))
    with pytest.raises(CodebookError, match=r"declares migrations from 1\.0\.0, not 0\.9\.0"):
        plan_migration(older, new, [])


def test_dry_run_table_lists_each_mapping_with_counts(old: Codebook, new: Codebook) -> None:
    plan = plan_migration(old, new, _corpus(old))
    rows = plan.summary_rows()
    assert ["merge", "threat", "pressure", "present", "2", "superseded"] in rows
    assert ["remap", "command", "command", "bare → plain", "1", "superseded"] in rows
    assert ["split", "polite", "—", "present → ?", "1", "needs_recode"] in rows
    assert sum(int(r[4]) for r in rows) == len(_corpus(old))
    text = plan.text()
    assert all(cell in text for row in rows for cell in row)


# ---- apply (real store) ---------------------------------------------------------------------
def _stored_corpus(store: Store, old: Codebook) -> list[Annotation]:
    """The corpus in a store; ids 1..12 in corpus order, as in the plan tests above."""
    for clip in ("k1", "k2"):
        turns = [Utterance(clip, i, float(i), i + 0.5, "PC A", Role.OFFICER, f"synthetic {i}")
                 for i in range(7)]
        store.put_clip(Clip(clip, synthetic=True), turns, source_hash=clip)
    ids = store.add_annotations(_corpus(old), actor="test")
    assert ids == list(range(1, 13))
    return store.annotations(layer=None, statuses=tuple(AnnotationStatus))


@pytest.fixture
def migrated(store: Store, old: Codebook, new: Codebook) -> tuple[Store, dict[str, int], int]:
    annotations = _stored_corpus(store, old)
    plan = plan_migration(old, new, annotations)
    counts = apply_migration(store, plan, actor="lead")
    return store, counts, len(annotations)


def _all(store: Store) -> list[Annotation]:
    return store.annotations(layer=None, statuses=tuple(AnnotationStatus))


def test_apply_keeps_every_old_row_and_adds_relabelled_ones(migrated: tuple,
                                                            new: Codebook) -> None:
    store, counts, before = migrated
    old_rows = [a for a in _all(store) if a.codebook_version == "1.0.0"]
    assert len(old_rows) == before  # nothing deleted
    assert not [a for a in old_rows if a.status == AnnotationStatus.ACTIVE]
    assert {a.annotation_id for a in old_rows if a.status == AnnotationStatus.NEEDS_RECODE} \
        == {5, 10}
    new_rows = [a for a in _all(store) if a.codebook_version == "1.1.0"]
    assert len(new_rows) == counts["inserted"] == 8
    assert len(_all(store)) == before + counts["inserted"]
    assert all(a.status == AnnotationStatus.ACTIVE and a.codebook_hash == new.hash
               for a in new_rows)
    active = sorted((-1 if a.utterance_index is None else a.utterance_index, a.code_id, a.value,
                     a.coder_id)
                    for a in store.annotations(layer=None))
    assert active == sorted([
        (0, "disrespect", "present", "c1"), (1, "pressure", "present", "c1"),
        (1, "pressure", "present", "c2"), (2, "pressure", "present", "c1"),
        (5, "command", "plain", "c1"), (5, "calm", "yes", "c1"), (6, "command", "soft", "c1"),
        (-1, "grounds", "generic", "c1")])


def test_apply_audits_each_clip_with_old_and_new_ids(migrated: tuple, new: Codebook) -> None:
    store, _, _ = migrated
    per_clip = store.audit_events(action="codebook_migrated")
    assert [e.clip_id for e in per_clip] == ["k1"]
    steps = per_clip[0].detail["steps"]
    merged = next(s for s in steps if s["old_ids"] == [2, 3])
    [row] = [a for a in _all(store) if a.annotation_id == merged["new_id"]]
    assert row.code_id == "pressure"
    assert per_clip[0].detail["to_hash"] == new.hash
    [summary] = store.audit_events(action="codebook_migration")
    assert (summary.detail["split"], summary.detail["retire"]) == (1, 1)


def test_apply_records_both_versions_in_use(migrated: tuple, old: Codebook,
                                            new: Codebook) -> None:
    store, _, _ = migrated
    assert store.codebook_versions("mini") == [("1.0.0", old.hash), ("1.1.0", new.hash)]


def test_stale_plan_is_refused_and_changes_nothing(store: Store, old: Codebook,
                                                   new: Codebook) -> None:
    plan = plan_migration(old, new, _stored_corpus(store, old))
    store.remove_code("c1", "k1", 0, "rude")
    before = store.table_counts(), _all(store)
    with pytest.raises(ConflictError, match="plan the migration again"):
        apply_migration(store, plan, actor="lead")
    assert (store.table_counts(), _all(store)) == before


def test_applying_the_same_plan_twice_is_refused(store: Store, old: Codebook,
                                                 new: Codebook) -> None:
    plan = plan_migration(old, new, _stored_corpus(store, old))
    apply_migration(store, plan, actor="lead")
    before = store.table_counts()
    with pytest.raises(ConflictError):
        apply_migration(store, plan, actor="lead")
    assert store.table_counts() == before


def test_plan_from_a_real_store(store: Store, old: Codebook, new: Codebook) -> None:
    turns = [Utterance("k1", i, float(i), i + 0.5, "PC A", Role.OFFICER, f"synthetic {i}")
             for i in range(3)]
    store.put_clip(Clip("k1", synthetic=True), turns, source_hash="x")
    store.apply_code("c1", "k1", 0, "threat", "present", old.ref)
    store.apply_code("c1", "k1", 0, "accuse", "present", old.ref)
    store.apply_code("c1", "k1", 1, "polite", "present", old.ref)
    plan = plan_migration(old, new, store.annotations(layer=None))
    assert sorted((s.action, len(s.old)) for s in plan.steps) == [("merge", 2), ("split", 1)]
