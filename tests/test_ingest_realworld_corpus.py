"""Every real-world transcript in the manifest reads as an independent count says it should.

``tests/data/realworld/MANIFEST.yaml`` names each file written by another tool (here or in
``../shared/realworld-transcripts``), its source, licence and what it holds, counted by
:mod:`tests.support.independent_count` — which shares no code with ``workbench.ingest``. Each
file is checked twice: the counter must still give the manifest's numbers (so the manifest is
not edited to fit the reader), and the reader must give them too. Entries of another ``kind``
(``refi-qda`` projects) are checked by their own tests (``tests/exchange/test_qdpx_realworld.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import independent_count as independent
from workbench.exceptions import IngestError
from workbench.ingest import SpeakerRoles, assemble, read_transcript

HERE = Path(__file__).parent / "data" / "realworld"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "realworld-transcripts"
MANIFEST: list[dict[str, Any]] = yaml.safe_load((HERE / "MANIFEST.yaml").read_text("utf-8"))
LICENCES = {"MIT", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "CC0-1.0", "CC-BY-4.0"}
TRANSCRIPTS = [e for e in MANIFEST if e.get("kind", "transcript") == "transcript"]
LOADED = [e for e in TRANSCRIPTS if "refused" not in e]
REFUSED = [e for e in TRANSCRIPTS if "refused" in e]


def _path(entry: dict[str, Any]) -> Path:
    return (HERE if entry["location"] == "here" else SHARED) / entry["file"]


def _count(entry: dict[str, Any]) -> independent.Count:
    path, how = _path(entry), dict(entry.get("count_with") or {})
    if path.suffix == ".eaf":
        return independent.count_eaf(path, how["speech_tiers"])
    if path.suffix == ".json":
        return independent.count_whisper_json(path)
    if path.suffix == ".tsv":
        return independent.count_tsv(path, milliseconds=how.get("milliseconds", True))
    return independent.count_captions(path, teams=how.get("teams", False),
                                      rolling=how.get("rolling", False),
                                      names=how.get("names", False))


def _expected(entry: dict[str, Any]) -> tuple[object, ...]:
    return (entry["utterances"], frozenset(entry["speakers"]), tuple(entry["first"]),
            tuple(entry["last"]))


def test_the_corpus_is_big_enough_varied_and_licensed() -> None:
    assert len(MANIFEST) >= 30
    assert len({e["tool"].split(" (")[0] for e in MANIFEST}) >= 6
    assert {e["licence"] for e in MANIFEST} <= LICENCES
    assert all(e["source"] for e in MANIFEST)
    listed = {e["file"] for e in MANIFEST if e["location"] == "here"}
    present = {str(p.relative_to(HERE)) for p in HERE.glob("*/*")
               if not p.name.startswith("LICENSE")}
    assert listed == present  # every file here is described, every described file is here
    for folder in {p.parent for p in HERE.glob("*/*")}:
        assert any(p.name.startswith("LICENSE") for p in folder.iterdir()), folder


# Dialects with fewer than two real files, and why: a shortfall is stated here, not hidden.
SHORT_OF_FILES = {
    "teams-classic": "one redistributable file found (webvtt-py); others seen had no licence",
}


def test_every_dialect_has_two_real_files_or_says_why_not() -> None:
    per_dialect: dict[str, int] = {}
    for entry in MANIFEST:
        if "dialect" not in entry or entry.get("kind") == "refi-qda":
            continue  # files that must be refused; project exchange files (tests/exchange)
        base, _, tags = entry["dialect"].partition("/")
        for name in [base, *filter(None, tags.split("+"))]:
            per_dialect[name] = per_dialect.get(name, 0) + 1
    short = {name for name, n in per_dialect.items() if n < 2}
    assert short == set(SHORT_OF_FILES), per_dialect
    assert per_dialect["name prefixes"] >= 2 and per_dialect["word-highlight"] >= 2


@pytest.mark.parametrize("entry", LOADED, ids=[e["file"] for e in LOADED])
def test_the_independent_count_still_gives_the_manifest(entry: dict[str, Any]) -> None:
    count = _count(entry)
    assert (count.n, count.speakers, count.first, count.last) == _expected(entry)


@pytest.mark.parametrize("entry", LOADED, ids=[e["file"] for e in LOADED])
def test_the_reader_gives_what_the_independent_count_gives(entry: dict[str, Any]) -> None:
    [clip] = read_transcript(_path(entry))
    utterances = assemble(clip, SpeakerRoles.from_config())
    got = (len(utterances), frozenset(u.speaker for u in utterances if u.speaker),
           (utterances[0].start, utterances[0].end, utterances[0].text),
           (utterances[-1].start, utterances[-1].end, utterances[-1].text))
    assert got == _expected(entry)
    assert clip.dialect == entry["dialect"]


@pytest.mark.parametrize("entry", REFUSED, ids=[e["file"] for e in REFUSED])
def test_a_malformed_real_file_is_refused_naming_its_line(entry: dict[str, Any]) -> None:
    with pytest.raises(IngestError) as info:
        read_transcript(_path(entry))
    assert info.value.line == entry["refused"]["line"]
    assert entry["refused"]["message"] in info.value.message
