"""Fuzz the data readers: clip metadata, ratings files for ``bwv irr``, and store files.

Damaged inputs must be read or refused with a WorkbenchError (never a traceback or a hang);
generated metadata must come back with the same values, and generated ratings with the units
and coders an independent count finds.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.harness import FUZZ, attempt
from tests.fuzz.mutations import any_text, mutated
from workbench.exceptions import WorkbenchError
from workbench.ingest import read_clip_metadata
from workbench.reliability.irr_file import read_reliability_csv, summarise_file
from workbench.store import Store, default_sqlite_url

DATA = Path(__file__).resolve().parents[1] / "data"
METADATA_SEED = (DATA / "transcripts" / "clip_metadata.csv").read_bytes()
RATINGS_SEEDS = [p.read_bytes() for p in sorted((DATA / "reliability").glob("*.csv"))]
LEVELS = ("nominal", "ordinal", "interval", "ratio")


def test_a_damaged_metadata_file_is_read_or_refused(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("fuzz-meta") / "meta.csv"

    @FUZZ
    @given(data=mutated([METADATA_SEED]))
    def run(data: bytes) -> None:
        path.write_bytes(data)
        attempt("clip metadata", lambda: read_clip_metadata(path))

    run()


def test_generated_metadata_comes_back_unaltered_or_is_refused(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("rt-meta") / "meta.csv"
    rows = st.lists(st.tuples(any_text, any_text), min_size=1, max_size=5)

    @FUZZ
    @given(rows=rows)
    def run(rows: list[tuple[str, str]]) -> None:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["clip_id", "borough", "camera_model"])
        writer.writerows([f"clip_{k}", borough, camera] for k, (borough, camera)
                         in enumerate(rows))
        path.write_bytes(out.getvalue().encode("utf-8", "surrogatepass"))
        read = attempt("clip metadata (round trip)", lambda: read_clip_metadata(path))
        if isinstance(read, WorkbenchError):
            return
        for k, (borough, camera) in enumerate(rows):
            fields = read[f"clip_{k}"].fields
            assert fields["borough"] == (borough.strip() or None)
            assert fields["camera_model"] == (camera.strip() or None)

    run()


def test_a_damaged_ratings_file_is_read_or_refused(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("fuzz-irr") / "ratings.csv"

    @FUZZ
    @given(data=mutated(RATINGS_SEEDS), level=st.sampled_from(LEVELS))
    def run(data: bytes, level: str) -> None:
        path.write_bytes(data)
        attempt("ratings (bwv irr)", lambda: summarise_file(path, level, n_resamples=20))

    run()


def test_generated_ratings_keep_their_units_and_coders(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("rt-irr") / "ratings.csv"
    ratings = st.dictionaries(
        st.tuples(st.sampled_from(["u1", "u2", "u3", "u4", "ü5"]),
                  st.sampled_from(["A", "B", "C"])),
        st.sampled_from(["1", "2", "3", "yes", "no"]), min_size=1, max_size=15)

    @FUZZ
    @given(ratings=ratings)
    def run(ratings: dict[tuple[str, str], str]) -> None:
        text = "unit,coder,value\n" + "".join(f"{u},{c},{v}\n" for (u, c), v in ratings.items())
        path.write_text(text, encoding="utf-8")
        read = attempt("ratings (round trip)", lambda: read_reliability_csv(path, "nominal"))
        if isinstance(read, WorkbenchError):
            return
        assert read.n_coders == len({c for _, c in ratings})  # independent count
        assert read.n_units == len({u for u, _ in ratings})

    run()


def _sqlite_seed(folder: Path) -> bytes:
    path = folder / "seed.sqlite"
    Store(default_sqlite_url(path)).close()
    with sqlite3.connect(path) as conn:  # fold the WAL into the file
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    return path.read_bytes()


def test_a_damaged_store_file_opens_or_is_refused(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("fuzz-store")
    seeds = [_sqlite_seed(folder), b"store: sqlite:///x\n", b"SQLite format 3\x00" + b"\x00" * 80]
    path = folder / "store.sqlite"

    def open_and_count() -> int:
        for suffix in ("-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        with Store(default_sqlite_url(path)) as store:
            return store.count_clips()

    @FUZZ
    @given(data=mutated(seeds))
    def run(data: bytes) -> None:
        path.write_bytes(data)
        attempt("store file", open_and_count)

    run()
