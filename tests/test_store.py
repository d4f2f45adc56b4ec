"""The store keeps coders' work: same behaviour on SQLite and a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt

import pytest

from workbench.exceptions import AccessError, ConflictError, StoreError
from workbench.model import (
    REVIEWER_ROLES,
    AnnotationStatus,
    Assignment,
    AssignmentStatus,
    Clip,
    CodebookRef,
    Coder,
    Layer,
    Role,
    Utterance,
)
from workbench.store import Store

REF = CodebookRef("stop-search", "1.0.0", "a" * 64)


def _clip(clip_id: str = "c1", n: int = 3, text: str = "hello") -> tuple[Clip, list[Utterance]]:
    clip = Clip(clip_id, source_file=f"{clip_id}.vtt", borough="Lambeth",
                date=dt.date(2022, 3, 1), n_officers=2, extra={"audio_quality": "good"})
    utts = [Utterance(clip_id, i, i * 2.0, i * 2.0 + 1.5,
                      "PC 1" if i % 2 == 0 else "Subject",
                      Role.OFFICER if i % 2 == 0 else Role.SUBJECT, f"{text} {i}")
            for i in range(n)]
    return clip, utts


@pytest.fixture
def any_store(store_url: str):
    s = Store(store_url)
    yield s
    s.close()


def test_clip_round_trips_with_metadata_and_extra_columns(any_store: Store) -> None:
    clip, utts = _clip()
    assert any_store.put_clip(clip, utts, "h1") == "added"
    got = any_store.clip("c1")
    assert got.borough == "Lambeth" and got.date == dt.date(2022, 3, 1)
    assert got.extra == {"audio_quality": "good"}
    assert [u.text for u in any_store.utterances("c1")] == ["hello 0", "hello 1", "hello 2"]
    frame = any_store.clips_frame()
    assert frame.loc[0, "audio_quality"] == "good"
    assert frame.loc[0, "n_officer_turns"] == 2


def test_same_content_again_is_unchanged_and_new_content_replaces_uncoded_clip(
        any_store: Store) -> None:
    clip, utts = _clip()
    any_store.put_clip(clip, utts, "h1")
    assert any_store.put_clip(clip, utts, "h1") == "unchanged"
    any_store.add_coder(Coder("alice"))
    any_store.assign([Assignment("c1", "alice")])  # assigned but not yet coded
    clip2, utts2 = _clip(n=4, text="changed")
    assert any_store.put_clip(clip2, utts2, "h2") == "replaced"
    assert len(any_store.utterances("c1")) == 4
    assert [a.coder_id for a in any_store.assignments(clip_id="c1")] == ["alice"]


def test_changed_content_of_a_coded_clip_is_refused_and_nothing_changes(
        any_store: Store) -> None:
    clip, utts = _clip()
    any_store.put_clip(clip, utts, "h1")
    any_store.add_coder(Coder("alice"))
    any_store.apply_code("alice", "c1", 0, "pj_courtesy", "present", REF)
    before = any_store.table_counts()
    clip2, utts2 = _clip(n=5, text="changed")
    with pytest.raises(ConflictError, match="already coded"):
        any_store.put_clip(clip2, utts2, "h2")
    assert any_store.table_counts() == before
    assert any_store.utterances("c1")[0].text == "hello 0"


def test_a_failed_transaction_leaves_the_store_as_it_was(any_store: Store) -> None:
    clip, utts = _clip()
    any_store.put_clip(clip, utts, "h1")
    before = any_store.table_counts()
    with pytest.raises(RuntimeError), any_store.transaction():
        c2, u2 = _clip("c2")
        any_store.put_clip(c2, u2, "x")
        any_store.audit("tester", "half_done")
        raise RuntimeError("boom")
    assert any_store.table_counts() == before
    assert not any_store.has_clip("c2")


def test_applying_a_new_value_supersedes_and_removing_keeps_the_row(any_store: Store) -> None:
    any_store.put_clip(*_clip(), "h1")
    any_store.add_coder(Coder("alice"))
    any_store.apply_code("alice", "c1", 0, "esc_command", "bare_order", REF)
    any_store.apply_code("alice", "c1", 0, "esc_command", "bare_order", REF)  # no-op
    any_store.apply_code("alice", "c1", 0, "esc_command", "softened_request", REF)
    active = any_store.annotations(clip_id="c1")
    assert [(a.code_id, a.value) for a in active] == [("esc_command", "softened_request")]
    assert any_store.remove_code("alice", "c1", 0, "esc_command") == 1
    assert any_store.annotations(clip_id="c1") == []
    history = any_store.annotations(clip_id="c1", statuses=())
    assert [a.status for a in history] == [AnnotationStatus.SUPERSEDED, AnnotationStatus.REMOVED]
    actions = [e.action for e in any_store.audit_events(clip_id="c1")]
    assert actions.count("code_applied") == 2 and actions.count("code_removed") == 1


def test_clip_level_codes_and_consensus_layer_are_kept_apart(any_store: Store) -> None:
    any_store.put_clip(*_clip(), "h1")
    any_store.apply_code("alice", "c1", None, "out_find", "nothing", REF)
    any_store.apply_code("reviewer", "c1", None, "out_find", "other_item", REF,
                         layer=Layer.CONSENSUS)
    coder = any_store.annotations(clip_id="c1", layer=Layer.CODER)
    consensus = any_store.annotations(clip_id="c1", layer=Layer.CONSENSUS)
    assert [a.value for a in coder] == ["nothing"] and coder[0].utterance_index is None
    assert [a.value for a in consensus] == ["other_item"]


def test_blind_coding_hides_other_coders_on_reliability_clips(any_store: Store) -> None:
    any_store.put_clip(*_clip("rel"), "h1")
    any_store.put_clip(*_clip("solo"), "h2")
    for c in (Coder("alice"), Coder("bob"), Coder("rev", roles=REVIEWER_ROLES)):
        any_store.add_coder(c)
    any_store.assign([Assignment("rel", "alice", True), Assignment("rel", "bob", True),
                      Assignment("solo", "bob", False)])
    any_store.apply_code("alice", "rel", 0, "pj_courtesy", "present", REF)
    any_store.apply_code("bob", "rel", 0, "pj_courtesy", "present", REF)
    any_store.apply_code("bob", "solo", 0, "pj_courtesy", "present", REF)
    seen_by_alice = {(a.clip_id, a.coder_id) for a in any_store.annotations(viewer="alice")}
    assert seen_by_alice == {("rel", "alice"), ("solo", "bob")}
    with pytest.raises(AccessError, match="blind"):
        any_store.annotations(coder_id="bob", clip_id="rel", viewer="alice")
    assert len(any_store.annotations(clip_id="rel", viewer="rev")) == 2


def test_assignment_progress_and_notes_persist(any_store: Store) -> None:
    any_store.put_clip(*_clip(), "h1")
    any_store.add_coder(Coder("alice"))
    assert any_store.assign([Assignment("c1", "alice")]) == 1
    assert any_store.assign([Assignment("c1", "alice")]) == 0
    any_store.set_progress("c1", "alice", status=AssignmentStatus.IN_PROGRESS, last_utterance=2)
    (a,) = any_store.assignments(coder_id="alice")
    assert a.status is AssignmentStatus.IN_PROGRESS and a.last_utterance == 2
    any_store.set_note("c1", 1, "alice", note="unclear audio")
    any_store.set_note("c1", 1, "alice", flagged=True)
    (n,) = any_store.notes("c1", "alice")
    assert n.note == "unclear audio" and n.flagged
    with pytest.raises(StoreError, match="not assigned"):
        any_store.set_progress("c1", "bob", status=AssignmentStatus.DONE)


def test_a_used_codebook_version_cannot_change_its_content(any_store: Store) -> None:
    any_store.record_codebook("stop-search", "1.0.0", "a" * 64, "{}")
    any_store.record_codebook("stop-search", "1.0.0", "a" * 64, "{}")  # same: fine
    with pytest.raises(ConflictError, match="immutable"):
        any_store.record_codebook("stop-search", "1.0.0", "b" * 64, "{}")
    assert any_store.codebook_versions("stop-search") == [("1.0.0", "a" * 64)]


def test_unknown_clip_and_bad_filter_give_clear_errors(any_store: Store) -> None:
    with pytest.raises(StoreError, match="unknown clip 'nope'"):
        any_store.clip("nope")
    with pytest.raises(StoreError, match="cannot filter clips by 'colour'"):
        any_store.clips(colour="red")


def test_bulk_annotations_come_back_with_ids_in_input_order(any_store: Store) -> None:
    from workbench.model import Annotation

    any_store.put_clip(*_clip(), "h1")
    rows = [Annotation("c1", i, "pj_courtesy", "present", "alice", *REF.__dict__.values())
            for i in range(3)]
    ids = any_store.add_annotations(rows)
    stored = {a.annotation_id: a.utterance_index for a in any_store.annotations()}
    assert [stored[i] for i in ids] == [0, 1, 2]
