"""Speaker roles per clip, corrections that keep codes, re-ingest of coded clips, dry runs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.exceptions import IngestError, StoreError
from workbench.ingest import ingest_paths
from workbench.model import AnnotationStatus, CodebookRef, Role, Utterance
from workbench.project import Project
from workbench.store import Store
from workbench.store.transcripts import align_utterances

REF = CodebookRef("stop-search", "1.0.0", "a" * 64)
DIARISED = ("1\n00:00:00,500 --> 00:00:02,000\nSPEAKER_00: Stop there a second.\n\n"
            "2\n00:00:02,100 --> 00:00:04,000\nSPEAKER_01: Why, what have I done?\n\n"
            "3\n00:00:04,100 --> 00:00:06,000\nSPEAKER_00: You match a description.\n\n"
            "4\n00:00:06,100 --> 00:00:07,000\nSPEAKER_01: Whatever.\n")


@pytest.fixture
def clip_file(tmp_path: Path) -> Path:
    path = tmp_path / "files" / "clip_a.srt"
    path.parent.mkdir()
    path.write_text(DIARISED, encoding="utf-8")
    return path


def _ingest(store: Store, *paths: Path, **kwargs):
    return ingest_paths(store, list(paths), progress=False, **kwargs)


def test_a_role_set_for_one_clip_changes_that_clip_only_and_is_audited(
        store: Store, clip_file: Path) -> None:
    other = clip_file.with_name("clip_b.srt")
    shutil.copy(clip_file, other)
    _ingest(store, clip_file, other)
    n = store.set_speaker_role("rev1", "clip_a", "SPEAKER_00", "officer", reason="bodycam owner")
    assert n == 2
    assert {u.speaker: u.role for u in store.utterances("clip_a")} == {
        "SPEAKER_00": Role.OFFICER, "SPEAKER_01": Role.UNKNOWN}
    assert {u.role for u in store.utterances("clip_b")} == {Role.UNKNOWN}  # other file: untouched
    [event] = store.audit_events(clip_id="clip_a", action="speaker_role_set")
    assert (event.actor, event.detail["speaker"], event.detail["role"],
            event.detail["previous"]) == ("rev1", "SPEAKER_00", "officer", "unknown")
    assert store.speaker_roles() == {"clip_a": {"SPEAKER_00": Role.OFFICER}}


def test_a_role_set_after_ingest_survives_a_reingest(store: Store, clip_file: Path) -> None:
    _ingest(store, clip_file)
    store.set_speaker_role("rev1", "clip_a", "SPEAKER_01", "subject")
    report = _ingest(store, clip_file)
    assert report.replaced == ["clip_a"]  # the stored roles differ from the rules' roles
    assert {u.speaker: u.role for u in store.utterances("clip_a")}["SPEAKER_01"] == Role.SUBJECT
    assert _ingest(store, clip_file).unchanged == ["clip_a"]


def test_roles_per_file_from_the_config_apply_before_ingest(store: Store,
                                                             clip_file: Path) -> None:
    roles = {"clip_a.srt": {"SPEAKER_00": "officer", "SPEAKER_01": "subject"}}
    report = _ingest(store, clip_file, file_roles=roles)
    assert report.files[0].speakers == {"SPEAKER_00": (Role.OFFICER, 2),
                                        "SPEAKER_01": (Role.SUBJECT, 2)}
    [event] = store.audit_events(clip_id="clip_a", action="speaker_roles_applied")
    assert event.detail["roles"] == {"SPEAKER_00": "officer", "SPEAKER_01": "subject"}
    with pytest.raises(IngestError, match="unknown role 'boss'"):
        _ingest(store, clip_file, file_roles={"clip_a": {"SPEAKER_00": "boss"}}, dry_run=True)


@pytest.mark.parametrize(("speaker", "role", "fragment"), [
    ("SPEAKER_07", "officer", "has no speaker 'SPEAKER_07'"),
    ("SPEAKER_00", "boss", "unknown role"),
])
def test_a_bad_role_edit_is_refused_and_changes_nothing(
        store: Store, clip_file: Path, speaker: str, role: str, fragment: str) -> None:
    _ingest(store, clip_file)
    before = store.table_counts()
    with pytest.raises(StoreError, match=fragment):
        store.set_speaker_role("rev1", "clip_a", speaker, role)
    assert store.table_counts() == before


def test_a_corrected_text_keeps_its_codes_and_is_audited_without_the_text(
        store: Store, clip_file: Path) -> None:
    _ingest(store, clip_file)
    store.apply_code("alice", "clip_a", 2, "pj_grounds", "present", REF)
    fixed = store.correct_utterance("rev1", "clip_a", 2, "You  match the description.",
                                    reason="misheard")
    assert fixed.text == "You match the description."
    assert [(a.utterance_index, a.value) for a in store.annotations(clip_id="clip_a")] == [
        (2, "present")]
    [event] = store.audit_events(clip_id="clip_a", action="utterance_corrected")
    assert event.actor == "rev1" and "description" not in str(event.detail)
    assert len(event.detail["before_sha256"]) == 64
    assert _ingest(store, clip_file).unchanged == ["clip_a"]  # same source: correction kept
    assert store.utterances("clip_a")[2].text == "You match the description."
    with pytest.raises(StoreError, match="empty text"):
        store.correct_utterance("rev1", "clip_a", 2, "  ")


def test_reingest_of_a_coded_clip_carries_codes_and_flags_changed_turns(
        store: Store, clip_file: Path) -> None:
    _ingest(store, clip_file)
    for index in range(4):
        store.apply_code("alice", "clip_a", index, "pj_courtesy", f"v{index}", REF)
    store.set_note("clip_a", 1, "alice", note="check tone")
    changed = DIARISED.replace("You match a description.", "You match a description, mate.")
    changed = changed.replace("00:00:06,100 --> 00:00:07,000", "00:00:06,200 --> 00:00:07,100")
    changed = ("0\n00:00:00,000 --> 00:00:00,400\nSPEAKER_00: Oi.\n\n" + changed)
    clip_file.write_text(changed, encoding="utf-8")
    report = _ingest(store, clip_file)
    assert report.realigned == ["clip_a"] and report.recode == {"clip_a": (3, 1)}
    active = {a.utterance_index: a.value for a in store.annotations(clip_id="clip_a")}
    assert active == {1: "v0", 2: "v1", 4: "v3"}  # moved with their turns (times may change)
    [flagged] = store.annotations(clip_id="clip_a", statuses=(AnnotationStatus.NEEDS_RECODE,))
    assert (flagged.utterance_index, flagged.value) == (3, "v2")
    assert [(n.utterance_index, n.note) for n in store.notes("clip_a")] == [(2, "check tone")]
    [event] = store.audit_events(clip_id="clip_a", action="clip_realigned")
    assert (event.detail["carried"], event.detail["flagged"]) == (3, 1)


def test_alignment_maps_replaced_and_deleted_turns_to_their_successors() -> None:
    def utts(texts: list[str]) -> list[Utterance]:
        return [Utterance("c", i, i, i + 1, "A", Role.UNKNOWN, t) for i, t in enumerate(texts)]

    mapping = align_utterances(utts(["a", "b", "c", "d"]), utts(["a", "B", "d"]))
    assert mapping == {0: (0, True), 1: (1, False), 2: (1, False), 3: (2, True)}


def test_a_dry_run_reports_everything_and_stores_nothing(store: Store, clip_file: Path) -> None:
    before = store.table_counts()
    report = _ingest(store, clip_file, dry_run=True)
    assert store.table_counts() == before
    assert report.dry_run and report.added == ["clip_a"]
    text = report.details()
    assert text.startswith("DRY RUN (nothing stored)")
    assert "clip_a.srt: srt/name prefixes, 1 clip(s), 4 utterances" in text
    assert "SPEAKER_00 → unknown (2)" in text


def test_a_transcript_longer_than_its_recorded_duration_is_refused(
        store: Store, clip_file: Path, tmp_path: Path) -> None:
    meta = tmp_path / "meta.csv"
    meta.write_text("clip_id,duration\nclip_a,5.0\n", encoding="utf-8")
    with pytest.raises(IngestError) as info:
        _ingest(store, clip_file, metadata=meta)
    assert "after the clip's recorded duration 5.000 s" in info.value.message
    assert (info.value.path, info.value.line) == (clip_file, 13)
    assert store.count_clips() == 0
    meta.write_text("clip_id,duration\nclip_a,7.5\n", encoding="utf-8")
    assert _ingest(store, clip_file, metadata=meta).added == ["clip_a"]


def test_cli_dry_run_role_and_correct(tmp_path: Path, clip_file: Path) -> None:
    runner = CliRunner()
    project = tmp_path / "proj"
    assert runner.invoke(app, ["init", str(project)]).exit_code == 0
    proj = Project.load(project)
    proj.speech_tiers, proj.speaker_roles = ["^orth@"], {"clip_a.srt": {"SPEAKER_00": "officer"}}
    proj.save()
    dry = runner.invoke(app, ["ingest", str(clip_file), "-p", str(project), "--dry-run",
                              "--no-progress"])
    assert dry.exit_code == 0, dry.output
    assert "DRY RUN" in dry.output and "SPEAKER_00 → officer (2)" in dry.output
    with Project.load(project).open_store() as store:
        assert store.count_clips() == 0
    assert runner.invoke(app, ["ingest", str(clip_file), "-p", str(project),
                               "--no-progress"]).exit_code == 0
    done = runner.invoke(app, ["transcript", "role", "clip_a", "SPEAKER_01", "subject",
                               "-p", str(project), "--actor", "rev1"])
    assert done.exit_code == 0 and "(2 utterances)" in done.output
    fixed = runner.invoke(app, ["transcript", "correct", "clip_a", "3", "Whatever, mate.",
                                "-p", str(project), "--actor", "rev1"])
    assert fixed.exit_code == 0 and "Whatever, mate." in fixed.output
    listing = runner.invoke(app, ["transcript", "speakers", "clip_a", "-p", str(project)])
    assert re.search(r"SPEAKER_01\s+subject\s+2 utterances \(set for this clip\)", listing.output)
    assert re.search(r"SPEAKER_00\s+officer\s+2 utterances\n", listing.output)
    bad = runner.invoke(app, ["transcript", "role", "clip_a", "NOBODY", "officer",
                              "-p", str(project)])
    assert bad.exit_code == 2 and "has no speaker 'NOBODY'" in bad.output


def test_realignment_on_sqlite_and_postgresql_keeps_one_active_value_per_unit(
        store_url: str, clip_file: Path) -> None:
    """Codes shift down past each other without breaking the one-active-value index."""
    store = Store(store_url)
    try:
        _ingest(store, clip_file)
        for index in range(4):
            store.apply_code("alice", "clip_a", index, "pj_courtesy", f"v{index}", REF)
        clip_file.write_text("0\n00:00:00,000 --> 00:00:00,400\nSPEAKER_01: Hm?\n\n" + DIARISED,
                             encoding="utf-8")
        assert _ingest(store, clip_file).recode == {"clip_a": (4, 0)}
        assert {a.utterance_index: a.value for a in store.annotations(clip_id="clip_a")} == {
            1: "v0", 2: "v1", 3: "v2", 4: "v3"}
    finally:
        store.close()


def test_a_coder_sees_the_hashes_of_their_own_clips_only(tmp_path: Path, clip_file: Path) -> None:
    from workbench.model import Assignment, Coder
    from workbench.store import default_sqlite_url

    url = default_sqlite_url(tmp_path / "roles.sqlite")
    with Store(url) as store:
        shutil.copy(clip_file, clip_file.with_name("clip_b.srt"))
        _ingest(store, clip_file.parent)
        store.add_coder(Coder("ana"))
        store.assign([Assignment("clip_b", "ana")])
        everything = store.clip_source_hashes()
    assert set(everything) == {"clip_a", "clip_b"}
    with Store.open(url, as_user="ana") as ana:
        assert ana.clip_source_hashes() == {"clip_b": everything["clip_b"]}
