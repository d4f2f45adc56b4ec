"""A batch ingest is all or nothing, idempotent, realigns changed coded clips, joins metadata."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from workbench.exceptions import ConflictError, IngestError
from workbench.ingest import content_hash, ingest_paths
from workbench.model import AnnotationStatus, CodebookRef, Role
from workbench.store import Store

DATA = Path(__file__).parent / "data" / "transcripts"
REF = CodebookRef("stop-search", "1.0.0", "a" * 64)
CLIPS = [f"stop_{i:04d}" for i in range(1, 11)]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the synthetic transcript fixtures, free to edit; metadata beside it."""
    folder = tmp_path / "corpus"
    shutil.copytree(DATA, folder)
    (folder / "clip_metadata.csv").rename(tmp_path / "clip_metadata.csv")
    return folder


@pytest.fixture
def meta(corpus: Path) -> Path:
    return corpus.parent / "clip_metadata.csv"


def _ingest(store: Store, *paths: Path, **kwargs):
    return ingest_paths(store, list(paths), progress=False, **kwargs)


def test_folder_ingest_stores_every_clip_in_start_order_with_overlaps(
        store: Store, corpus: Path, meta: Path) -> None:
    meta.rename(corpus / "clip_metadata.csv")
    report = _ingest(store, corpus, metadata=corpus / "clip_metadata.csv")
    assert sorted(report.added) == CLIPS and not report.unchanged and not report.replaced
    assert report.n_utterances == 33 == len(store.utterances_frame())
    assert len(report.files) == 8  # metadata CSV in the folder is not read as a transcript
    utts = store.utterances("stop_0001")
    assert [u.index for u in utts] == list(range(7))
    assert [u.start for u in utts] == sorted(u.start for u in utts)
    assert utts[1].start < utts[0].end  # overlapping turns are kept as they are
    assert [u.role for u in utts[3:5]] == [Role.THIRD_PARTY, Role.SUBJECT]
    assert store.clip("stop_0003").source_file == str((corpus / "stop_0003.eaf").resolve())


def test_metadata_joins_by_clip_id_and_keeps_extra_columns(
        store: Store, corpus: Path, meta: Path) -> None:
    _ingest(store, corpus, metadata=meta)
    clip = store.clip("stop_0001")
    assert (clip.borough, clip.bcu, clip.date, clip.power, clip.outcome) == (
        "Lambeth", "Central South", dt.date(2022, 3, 1), "PACE s1", "nfa")
    assert (clip.ethnicity, clip.age_band, clip.gender, clip.n_officers) == (
        "Black British", "18-24", "male", 2)
    assert clip.media_path == "media/stop_0001.mp4" and clip.synthetic is True
    assert clip.extra == {"audio_quality": "good", "camera_model": "Axon 3"}
    assert store.clip("stop_0005").extra == {"audio_quality": "poor", "camera_model": None}
    frame = store.clips_frame().set_index("clip_id")
    assert frame.loc["stop_0001", "camera_model"] == "Axon 3"
    assert store.clip("stop_0002").borough is None
    assert store.clip("stop_0002").duration == 8.0  # no metadata: end of the last utterance


def test_reingesting_the_same_files_changes_nothing(
        store: Store, corpus: Path, meta: Path) -> None:
    _ingest(store, corpus, metadata=meta)
    before = store.table_counts()
    frame = store.utterances_frame()
    report = _ingest(store, corpus, metadata=meta)
    assert sorted(report.unchanged) == CLIPS
    assert not (report.added or report.replaced or report.metadata_updated)
    assert store.table_counts() == before
    assert store.utterances_frame().equals(frame)


def test_same_content_with_other_line_endings_is_unchanged(store: Store, corpus: Path) -> None:
    path = corpus / "stop_0001.vtt"
    _ingest(store, path)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert _ingest(store, path).unchanged == ["stop_0001"]


def test_changed_content_replaces_an_uncoded_clip_and_keeps_its_metadata(
        store: Store, corpus: Path, meta: Path) -> None:
    _ingest(store, corpus, metadata=meta)
    path = corpus / "stop_0001.vtt"
    path.write_text(path.read_text(encoding="utf-8").replace("Thank you.", "Cheers."),
                    encoding="utf-8")
    report = _ingest(store, path)
    assert report.replaced == ["stop_0001"]
    assert store.utterances("stop_0001")[-1].text == "Yes. Cheers."
    assert store.clip("stop_0001").extra["camera_model"] == "Axon 3"


def test_changed_content_of_a_coded_clip_is_realigned_not_refused(
        store: Store, corpus: Path) -> None:
    _ingest(store, corpus)
    store.apply_code("alice", "stop_0001", 0, "pj_courtesy", "present", REF)
    store.apply_code("alice", "stop_0001", 6, "pj_courtesy", "absent", REF)
    path = corpus / "stop_0001.vtt"
    path.write_text(path.read_text(encoding="utf-8").replace("Thank you.", "Cheers."),
                    encoding="utf-8")
    report = _ingest(store, corpus / "stop_0002.srt", path)
    assert report.realigned == ["stop_0001"] and report.recode == {"stop_0001": (1, 1)}
    assert store.utterances("stop_0001")[-1].text == "Yes. Cheers."
    active = store.annotations(clip_id="stop_0001")
    assert [(a.utterance_index, a.value) for a in active] == [(0, "present")]
    flagged = store.annotations(clip_id="stop_0001", statuses=(AnnotationStatus.NEEDS_RECODE,))
    assert [(a.utterance_index, a.value) for a in flagged] == [(6, "absent")]


def test_one_bad_file_among_good_ones_leaves_the_store_as_it_was(
        store_url: str, corpus: Path) -> None:
    """On SQLite and PostgreSQL: a batch that fails half-way stores nothing at all."""
    store = Store(store_url)
    try:
        _ingest(store, corpus / "stop_0002.srt")
        before = store.table_counts()
        (corpus / "zz_bad.vtt").write_text(
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi.\n\nlost words\n", encoding="utf-8")
        with pytest.raises(IngestError) as info:
            _ingest(store, corpus)
        assert (info.value.path.name, info.value.line) == ("zz_bad.vtt", 6)
        assert store.table_counts() == before
        assert [c.clip_id for c in store.clips()] == ["stop_0002"]
    finally:
        store.close()


def test_a_store_error_part_way_through_writing_rolls_back_every_clip(
        store: Store, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise ConflictError("refused for the test")

    monkeypatch.setattr(store, "realign_clip", refuse)
    _ingest(store, corpus / "stop_0004.srt")
    store.apply_code("alice", "stop_0004", 0, "pj_courtesy", "present", REF)
    before = store.table_counts()
    path = corpus / "stop_0004.srt"
    path.write_text(path.read_text(encoding="utf-8").replace("nothing", "NOTHING"),
                    encoding="utf-8")
    with pytest.raises(ConflictError):  # stop_0001..3 are written before stop_0004 fails
        _ingest(store, corpus)
    assert store.table_counts() == before


@pytest.mark.parametrize(("files", "fragment"), [
    ({"a/c1.vtt": "vtt", "b/c1.srt": "srt"}, "comes from two files"),
    ({"c1.vtt": "vtt", "batch.csv": "csv"}, "comes from two files"),
])
def test_duplicate_clip_ids_in_a_batch_are_refused(
        store: Store, tmp_path: Path, files: dict[str, str], fragment: str) -> None:
    bodies = {"vtt": "WEBVTT\n\n00:01.000 --> 00:02.000\nHi.\n",
              "srt": "1\n00:00:01,000 --> 00:00:02,000\nHi.\n",
              "csv": "clip_id,start,end,speaker,text\nc1,0,1,A,Hi\n"}
    for name, kind in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(bodies[kind], encoding="utf-8")
    with pytest.raises(IngestError) as info:
        _ingest(store, tmp_path)
    first, second = sorted(tmp_path / n for n in files)
    assert fragment in str(info.value) and str(first) in str(info.value)
    assert info.value.path == second
    assert store.count_clips() == 0


def test_metadata_for_an_unknown_clip_is_refused_and_nothing_is_stored(
        store: Store, corpus: Path, tmp_path: Path) -> None:
    meta = tmp_path / "meta.csv"
    meta.write_text("clip_id,borough\nstop_0001,Lambeth\nstop_9999,Camden\n", encoding="utf-8")
    with pytest.raises(IngestError) as info:
        _ingest(store, corpus / "stop_0001.vtt", metadata=meta)
    assert (info.value.path, info.value.line, info.value.field) == (meta, 3, "clip_id")
    assert "unknown clip 'stop_9999'" in str(info.value)
    assert store.count_clips() == 0


def test_metadata_alone_updates_stored_clips_once(store: Store, corpus: Path,
                                                   tmp_path: Path) -> None:
    _ingest(store, corpus)
    meta = tmp_path / "meta.csv"
    meta.write_text("clip_id,borough,officer_shoulder_no\nstop_0002,Camden,1234\n",
                    encoding="utf-8")
    assert ingest_paths(store, [], metadata=meta, progress=False).metadata_updated == [
        "stop_0002"]
    assert store.clip("stop_0002").borough == "Camden"
    assert store.clip("stop_0002").extra == {"officer_shoulder_no": "1234"}
    before = store.table_counts()
    assert ingest_paths(store, [], metadata=meta, progress=False).metadata_updated == []
    assert store.table_counts() == before


def test_speaker_rules_from_the_project_config_decide_roles(store: Store, corpus: Path) -> None:
    rules = [{"label": "SPEAKER_00", "role": "officer"},
             {"pattern": r"^SPEAKER_\d+$", "role": "subject"}]
    _ingest(store, corpus / "stop_0002.srt", speaker_rules=rules)
    assert [u.role for u in store.utterances("stop_0002")] == [
        Role.OFFICER, Role.SUBJECT, Role.OFFICER, Role.SUBJECT]


def test_turns_out_of_file_order_are_sorted_stably_by_start(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "c9.csv"
    path.write_text("clip_id,start,end,speaker,text\nc9,5,6,A,third\nc9,1,9,B,first\n"
                    "c9,5,5.5,C,fourth\nc9,2,3,D,second\n", encoding="utf-8")
    _ingest(store, path)
    assert [(u.index, u.text) for u in store.utterances("c9")] == [
        (0, "first"), (1, "second"), (2, "third"), (3, "fourth")]


def test_paths_are_checked_before_anything_is_read(store: Store, tmp_path: Path) -> None:
    (tmp_path / "empty_dir").mkdir()
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    for path, fragment in [(tmp_path / "missing", "no such file"),
                           (tmp_path / "empty_dir", "no transcript files"),
                           (tmp_path / "notes.txt", "no transcript reader")]:
        with pytest.raises(IngestError, match=fragment) as info:
            _ingest(store, path)
        assert info.value.path == path


def test_hidden_folders_are_skipped_and_warnings_name_their_file(
        store: Store, tmp_path: Path) -> None:
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "c1.srt").write_text("junk", encoding="utf-8")
    (tmp_path / "c1.srt").write_text(
        "1\n00:00:01,000 --> 00:00:02,000\nPC A: Hi.\n\n2\n00:00:02,000 --> 00:00:03,000\n\n",
        encoding="utf-8")
    report = _ingest(store, tmp_path)
    assert report.added == ["c1"]
    assert report.warnings == [f"{tmp_path / 'c1.srt'}: line 5: cue 2.000–3.000 s has no text; "
                               "skipped"]
    assert "1 clips added" in report.summary()


def test_progress_bars_go_to_stderr(store: Store, corpus: Path, capsys) -> None:
    ingest_paths(store, [corpus / "stop_0001.vtt"], progress=True)
    err = capsys.readouterr().err
    assert "reading transcripts" in err and "storing clips" in err


def test_content_hash_depends_on_utterances_only(store: Store, corpus: Path) -> None:
    _ingest(store, corpus / "stop_0002.srt")
    utts = store.utterances("stop_0002")
    assert content_hash(utts) == content_hash(list(utts))
    changed = [*utts[:-1], utts[-1].__class__(**{**utts[-1].__dict__, "text": "Whatever!"})]
    assert content_hash(changed) != content_hash(utts)
    assert len(content_hash(utts)) == 64


def test_an_assigned_but_uncoded_clip_is_replaced_and_keeps_its_assignment(
        store: Store, tmp_path: Path) -> None:
    from workbench.model import Assignment, Coder
    path = tmp_path / "c1.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nPC A: Hi.\n", encoding="utf-8")
    _ingest(store, path)
    store.add_coder(Coder("alice"))
    store.assign([Assignment("c1", "alice")])
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nPC A: Hello.\n", encoding="utf-8")
    report = _ingest(store, path)
    assert report.replaced == ["c1"]
    assert store.utterances("c1")[0].text == "Hello."
    assert [a.coder_id for a in store.assignments(clip_id="c1")] == ["alice"]
