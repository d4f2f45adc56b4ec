"""The demo corpus on disk: deterministic bytes, every format present and readable by
independent libraries, the SYNTHETIC label in every file, planted personal details listed."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pandas as pd
import pympi
import pytest
import webvtt

from workbench.demo import build_demo_corpus
from workbench.demo.corpus import FORMAT_SHARES, assign_formats
from workbench.exceptions import ParameterError


def _digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_demo_corpus(tmp_path_factory.mktemp("demo") / "corpus")


def test_same_seed_gives_byte_identical_files(built, tmp_path):
    again = build_demo_corpus(tmp_path / "again")
    assert len(_digests(built.out_dir)) > 400
    assert _digests(again.out_dir) == _digests(built.out_dir)


def test_a_different_seed_gives_different_files(tmp_path):
    a = _digests(build_demo_corpus(tmp_path / "a", n_clips=12, seed=1).out_dir)
    b = _digests(build_demo_corpus(tmp_path / "b", n_clips=12, seed=2).out_dir)
    assert a.keys() & b.keys()
    assert all(a[k] != b[k] for k in a.keys() & b.keys() if k.endswith((".vtt", ".srt",
                                                                       ".eaf", ".csv")))


def test_the_build_is_fast(built):
    assert built.build_seconds < 20  # ~2 s measured for 500 clips


@pytest.mark.parametrize("fmt", sorted(FORMAT_SHARES))
def test_every_format_has_its_share(built, fmt):
    n = sum(f == fmt for f in built.formats.values())
    assert n == round(FORMAT_SHARES[fmt] * 500)


def test_small_corpora_still_have_every_format():
    assert set(assign_formats([f"c{i}" for i in range(5)], 3).values()) == set(FORMAT_SHARES)


def _seconds(clock: str) -> float:
    h, m, s = clock.replace(",", ".").split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def _read(path: Path) -> dict[str, list[tuple[float, str, str]]]:
    """(start s, speaker, text) per clip, with the format's own library where there is one."""
    if path.suffix == ".vtt":
        return {path.stem: [(_seconds(c.start), c.voice, c.text)
                            for c in webvtt.read(str(path)).captions]}
    if path.suffix == ".srt":
        return {path.stem: [(_seconds(c.start), *c.text.split(": ", 1))
                            for c in webvtt.from_srt(str(path)).captions]}
    if path.suffix == ".eaf":
        eaf = pympi.Elan.Eaf(str(path))
        turns = [(start / 1000, tier, text) for tier in eaf.get_tier_names()
                 for start, _, text in eaf.get_annotation_data_for_tier(tier)]
        return {path.stem: sorted(turns)}
    if path.suffix == ".csv":
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
    else:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    out: dict[str, list[tuple[float, str, str]]] = {}
    for row in rows:
        out.setdefault(row["clip_id"], []).append((float(row["start"]), row["speaker"],
                                                   row["text"]))
    return out


def test_files_read_back_with_independent_libraries_to_the_truth_utterances(built):
    read: dict[str, list[tuple[float, str, str]]] = {}
    for path in set(built.transcript_files.values()):
        read.update(_read(path))
    assert set(read) == set(built.metadata["clip_id"])
    for clip_id, g in built.utterances.groupby("clip_id"):
        expected = [(round(s, 3), sp, t) for s, sp, t in zip(g["start"], g["speaker"],
                                                             g["text"], strict=True)]
        assert [(round(s, 3), sp, t) for s, sp, t in read[clip_id]] == expected, clip_id


def test_every_file_says_synthetic(built):
    root = built.out_dir
    for path in built.transcript_files.values():
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".vtt":
            head = text.split("\n\n", 2)
            assert "SYNTHETIC" in head[0] and head[1].startswith("NOTE\nSYNTHETIC"), path
        elif path.suffix == ".eaf":
            eaf = pympi.Elan.Eaf(str(path))
            assert ("synthetic", "true") in eaf.properties
            assert "SYNTHETIC" in eaf.adocument["AUTHOR"]
            assert all("SYNTHETIC" in eaf.tiers[t][2]["ANNOTATOR"] for t in eaf.tiers)
        assert (path.parent / "README.txt").read_text(encoding="utf-8").startswith(
            "SYNTHETIC DATA"), path
    metadata = pd.read_csv(root / "metadata.csv", dtype=str)
    assert (metadata["synthetic"] == "true").all()
    for readme in ("README.txt", "_truth/README.txt"):
        assert (root / readme).read_text(encoding="utf-8").startswith("SYNTHETIC DATA")
    assert json.loads((root / "_truth/effects.json").read_text())["notice"].startswith(
        "SYNTHETIC")


def test_metadata_points_at_each_clips_file(built):
    metadata = pd.read_csv(built.metadata_path, dtype=str)
    assert list(metadata.columns[:2]) == ["clip_id", "source_file"]
    for clip_id, source in zip(metadata["clip_id"], metadata["source_file"], strict=True):
        assert built.out_dir / source == built.transcript_files[clip_id]


def test_truth_folder_round_trips(built):
    truth = pd.read_csv(built.truth_dir / "codes.csv", dtype={"utterance_index": "Int64"},
                        keep_default_na=False, na_values={"utterance_index": [""]})
    pd.testing.assert_frame_equal(truth, built.truth)
    latent = pd.read_csv(built.truth_dir / "latent.csv")
    assert len(latent) == 500 and {"opening", "escalated"} <= set(latent.columns)


@pytest.mark.parametrize("kind", ["subject_name", "date_of_birth", "street_address",
                                  "postcode", "phone_number", "email", "vehicle_registration",
                                  "officer_name"])
def test_personal_details_are_planted_and_listed(built, kind):
    planted = [d for d in built.pii if d.kind == kind]
    assert len({d.clip_id for d in planted}) >= 20
    texts = built.utterances.set_index(["clip_id", "utterance_index"])["text"]
    for d in planted:
        assert d.text in texts[(d.clip_id, d.utterance_index)]
        assert d.text in built.transcript_files[d.clip_id].read_text(encoding="utf-8")
    if kind == "phone_number":
        assert all(d.text.startswith("07700 900") for d in planted)
    if kind == "email":
        assert all(d.text.endswith("@example.com") for d in planted)


def test_planted_details_are_written_per_clip(built):
    saved = json.loads((built.truth_dir / "planted_pii.json").read_text())["planted"]
    by_clip = built.pii_by_clip()
    assert {c: [d["text"] for d in v] for c, v in saved.items()} == by_clip
    assert 0.4 < len(by_clip) / 500 < 1.0


def test_refuses_a_folder_that_is_not_a_demo_corpus(tmp_path):
    (tmp_path / "thesis.docx").write_text("mine")
    with pytest.raises(ParameterError, match="not a demo corpus"):
        build_demo_corpus(tmp_path, n_clips=5)
    assert (tmp_path / "thesis.docx").read_text() == "mine"


def test_rebuilding_into_a_demo_corpus_replaces_it(tmp_path):
    build_demo_corpus(tmp_path, n_clips=30, seed=4)
    smaller = build_demo_corpus(tmp_path, n_clips=10, seed=4)
    files = [p for p in (tmp_path / "transcripts").rglob("*") if p.suffix in (".vtt", ".srt",
                                                                             ".eaf")]
    assert {p.stem for p in files} <= set(smaller.metadata["clip_id"])
