"""Fuzz the transcript readers (VTT, SRT, ELAN, CSV, JSON Lines) and ingest into a store.

Damaged files must be read or refused with a WorkbenchError — never a traceback or a hang;
generated transcripts written by the standard ``csv``/``json`` modules must come back with the
same clips, speakers and text (or be refused), never silently altered.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.harness import FUZZ, attempt
from tests.fuzz.mutations import any_text, mutated
from workbench.exceptions import WorkbenchError
from workbench.ingest import READERS, ingest_paths, read_transcript
from workbench.ingest.speakers import normalise_text
from workbench.store import Store, default_sqlite_url

DATA = Path(__file__).resolve().parents[1] / "data"
#: Seeds per registered reader: the synthetic fixtures and the real-world files.
SEEDS = {ext: [p.read_bytes() for folder in ("transcripts", "realworld")
               for p in sorted((DATA / folder).rglob(f"*.{ext}"))] for ext in READERS}


def test_every_registered_reader_is_fuzzed() -> None:
    assert sorted(READERS) == sorted(SEEDS)
    assert all(SEEDS.values()), "a reader without a seed file"


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Store]]:
    folder = tmp_path_factory.mktemp("fuzz-ingest")
    store = Store(default_sqlite_url(folder / "store.sqlite"))
    yield folder, store
    store.close()


def _read_and_ingest(path: Path, store: Store) -> None:
    read_transcript(path)
    ingest_paths(store, [path], progress=False)


@pytest.mark.parametrize("ext", sorted(SEEDS))
def test_a_damaged_transcript_is_read_or_refused(ext: str,
                                                 fuzz_store: tuple[Path, Store]) -> None:
    folder, store = fuzz_store
    path = folder / f"fuzz_clip.{ext}"
    counts_before = store.table_counts()

    @settings(FUZZ, max_examples=250)  # fast readers: more inputs
    @given(data=mutated(SEEDS[ext]))
    def run(data: bytes) -> None:
        path.write_bytes(data)
        before = store.table_counts()
        outcome = attempt(ext, lambda: _read_and_ingest(path, store))
        if isinstance(outcome, WorkbenchError):
            assert store.table_counts() == before, "a refused ingest changed the store"

    run()
    assert store.table_counts()["schema_version"] == counts_before["schema_version"]


turns = st.lists(st.tuples(st.sampled_from(["PC Smith", "Subject", "Witness 1", "Ms Ó"]),
                           any_text), min_size=1, max_size=6)


def _write_table(rows: list[tuple[str, str]], ext: str) -> str:
    records = [{"clip_id": "rt_clip", "start": float(k), "end": k + 0.5, "speaker": speaker,
                "text": text} for k, (speaker, text) in enumerate(rows)]
    if ext == "jsonl":
        return "".join(json.dumps(r) + "\n" for r in records)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


@pytest.mark.parametrize("ext", ["csv", "jsonl"])
def test_a_generated_table_comes_back_unaltered_or_is_refused(
        ext: str, fuzz_store: tuple[Path, Store]) -> None:
    folder, store = fuzz_store
    path = folder / f"round_trip.{ext}"

    @FUZZ
    @given(rows=turns)
    def run(rows: list[tuple[str, str]]) -> None:
        path.write_bytes(_write_table(rows, ext).encode("utf-8", "surrogatepass"))
        outcome = attempt(f"{ext} (round trip)", lambda: read_transcript(path))
        if isinstance(outcome, WorkbenchError):
            return
        expected = [(s, normalise_text(t)) for s, t in rows if normalise_text(t)]
        got = [(t.speaker, t.text) for clip in outcome for t in clip.turns]
        assert got == expected, "text or speakers changed on the way in"
        stored = attempt(f"{ext} (round trip, stored)",
                         lambda: ingest_paths(store, [path], progress=False))
        if not isinstance(stored, WorkbenchError):
            assert [u.text for u in store.utterances("rt_clip")] == [t for _, t in expected]

    run()
