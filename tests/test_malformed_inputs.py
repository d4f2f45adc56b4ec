"""The fixed corpus of malformed inputs (``tests/data/malformed``), beside the generated fuzz.

Each file is refused by its reader with a WorkbenchError naming the file and, where the input
has one, the line or field — no traceback, no hang, nothing stored. The same inputs through the
``bwv`` commands print one error line and exit non-zero. Over-long text is refused alike on
SQLite and on a real PostgreSQL server.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from workbench.cli import app
from workbench.codebook.loading import load_codebook
from workbench.exceptions import (
    CodebookError,
    IngestError,
    LimitError,
    ParameterError,
    ReliabilityDataError,
    StoreError,
    WorkbenchError,
)
from workbench.ingest import ingest_paths, read_clip_metadata
from workbench.model import Clip, Coder, Role, Utterance
from workbench.project import Project
from workbench.reliability.irr_file import read_reliability_csv
from workbench.store import Store, default_sqlite_url
from workbench.study.params import load_params

CORPUS = Path(__file__).resolve().parent / "data" / "malformed"
runner = CliRunner()


def _ingest(path: Path, tmp_path: Path) -> None:
    with Store(default_sqlite_url(tmp_path / "store.sqlite")) as store:
        try:
            ingest_paths(store, [path], progress=False)
        finally:
            assert store.count_clips() == 0, "a refused ingest stored something"


READERS: dict[str, tuple[type[WorkbenchError], Callable[[Path, Path], Any]]] = {
    "codebook": (CodebookError, lambda p, _: load_codebook(p)),
    "params": (ParameterError, lambda p, _: load_params(p)),
    "project": (ParameterError, lambda p, _: Project.load(p.parent)),
    "transcripts": (IngestError, _ingest),
    "metadata": (IngestError, lambda p, _: read_clip_metadata(p)),
    "ratings": (ReliabilityDataError, lambda p, _: read_reliability_csv(p, "nominal")),
    "store": (StoreError, lambda p, _: Store(default_sqlite_url(p)).count_clips()),
}

# file, line (None: the input has no line to name), what the message says
EXPECTED: list[tuple[str, int | None, str]] = [
    ("codebook/cp1252.yaml", 4, "byte 0x96 is not valid UTF-8"),
    ("codebook/nul.yaml", 4, "NUL character"),
    ("codebook/utf16_no_bom.yaml", 1, "NUL character"),
    ("codebook/alias_bomb.yaml", 195, "alias bombs"),
    ("codebook/recursive_alias.yaml", 189, "refers to the collection it is inside"),
    ("codebook/deep.yaml", 189, "nesting deeper than 64 levels"),
    ("codebook/huge_int.yaml", 159, "integer of 5000 digits"),
    ("params/cp1252.yaml", 4, "byte 0xfc is not valid UTF-8"),
    ("params/nul.yaml", 4, "NUL character"),
    ("params/huge_int.yaml", 3, "integer of 5000 digits"),
    ("params/int_over_64_bits.yaml", 3, "too large"),
    ("params/alias_bomb.yaml", 6, "alias bombs"),
    ("params/deep.yaml", 1, "nesting deeper than 64 levels"),
    ("params/bad_date.yaml", 4, "month value is outside expected range"),
    ("project/alias_bomb/bwv.yaml", 9, "alias bombs"),
    ("project/nul/bwv.yaml", 2, "NUL character"),
    ("project/cp1252/bwv.yaml", 3, "byte 0xe9 is not valid UTF-8"),
    ("project/store_not_text/bwv.yaml", 1, "expected text, got list"),
    ("project/bad_speaker_rule/bwv.yaml", 3, "invalid regular expression"),
    ("transcripts/nul.vtt", 4, "NUL character"),
    ("transcripts/cp1252.srt", 3, "byte 0xe9 is not valid UTF-8"),
    ("transcripts/deep.jsonl", 1, "nested too deep"),
    ("transcripts/huge_int.jsonl", 1, "integer of 5000 digits"),
    ("transcripts/surrogate.jsonl", 1, "half a surrogate pair"),
    ("transcripts/nan_time.jsonl", 1, "NaN is not JSON"),
    ("transcripts/billion_laughs.eaf", 19, "amplification factor"),
    ("transcripts/huge_time.eaf", 6, "is too large; expected at most 1,000,000,000,000 ms"),
    ("transcripts/huge_time_5000_digits.eaf", 6, "is too large; expected at most"),
    ("transcripts/nul.eaf", 3, "NUL character"),
    ("transcripts/deep.json", None, "nested too deep"),
    ("transcripts/huge_int.json", None, "integer of 5000 digits"),
    ("transcripts/surrogate.json", None, "half a surrogate pair"),
    ("transcripts/long_speaker.csv", 2, "text of 319 characters; expected at most 200"),
    ("metadata/long_borough.csv", 2, "text of 140 characters; expected at most 100"),
    ("metadata/huge_officers.csv", 2, "out of range"),
    ("metadata/nul.csv", 2, "NUL character"),
    ("ratings/cp1252.csv", 3, "byte 0xe9 is not valid UTF-8"),
    ("ratings/nul.csv", 3, "NUL character"),
    ("store/not_a_database.sqlite", None, "file is not a database"),
    ("store/header_only.sqlite", None, "file is not a database"),
]


def test_every_corpus_file_has_an_expectation() -> None:
    files = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*")
             if p.is_file() and p.suffix != ".py"}
    assert files == {name for name, _, _ in EXPECTED}


@pytest.mark.parametrize(("name", "line", "message"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_a_malformed_file_is_refused_clearly(name: str, line: int | None, message: str,
                                             tmp_path: Path) -> None:
    path = CORPUS / name
    error_type, read = READERS[name.split("/")[0]]
    started = time.perf_counter()
    with pytest.raises(error_type) as info:
        read(path, tmp_path)
    assert time.perf_counter() - started < 5, "refused, but only after a long time"
    error = info.value
    assert message in str(error)
    assert str(path) in str(error)
    assert "expected" in str(error)
    if line is not None:
        assert error.line == line  # type: ignore[attr-defined]


# ---- through the command line --------------------------------------------------------------
def _one_clear_line(result: Any) -> str:
    output = result.output  # stdout and stderr, as a terminal shows them
    assert result.exit_code != 0, output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), output
    return lines[0]


@pytest.mark.parametrize(("name", "message"), [
    ("codebook/alias_bomb.yaml", "alias bombs"),
    ("codebook/cp1252.yaml", "not valid UTF-8"),
    ("codebook/deep.yaml", "nesting deeper"),
    ("codebook/nul.yaml", "NUL character"),
])
def test_bwv_codebook_validate_prints_one_error(name: str, message: str) -> None:
    output = _one_clear_line(runner.invoke(app, ["codebook", "validate", str(CORPUS / name)]))
    assert message in output


@pytest.mark.parametrize(("name", "message"), [
    ("params/cp1252.yaml", "not valid UTF-8"),
    ("params/huge_int.yaml", "integer of 5000 digits"),
    ("params/alias_bomb.yaml", "alias bombs"),
])
def test_bwv_study_params_prints_one_error(name: str, message: str) -> None:
    result = runner.invoke(app, ["study", "params", "--check", str(CORPUS / name)])
    assert message in _one_clear_line(result)


def test_bwv_irr_prints_one_error() -> None:
    result = runner.invoke(app, ["irr", str(CORPUS / "ratings/cp1252.csv"), "--level",
                                 "nominal"])
    assert "line 3: byte 0xe9 is not valid UTF-8" in _one_clear_line(result)


@pytest.mark.parametrize(("name", "message"), [
    ("transcripts/surrogate.jsonl", "half a surrogate pair"),
    ("transcripts/long_speaker.csv", "expected at most 200"),
    ("transcripts/nul.vtt", "NUL character"),
])
def test_bwv_ingest_prints_one_error_and_stores_nothing(name: str, message: str,
                                                         tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    result = runner.invoke(app, ["ingest", str(CORPUS / name), "--project", str(project.root),
                                 "--no-progress"])
    assert message in _one_clear_line(result)
    with project.open_store() as store:
        assert store.count_clips() == 0


def test_bwv_commands_on_a_store_that_is_not_a_database(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p", store_url=default_sqlite_url(
        tmp_path / "p" / "store.sqlite"))
    (tmp_path / "p" / "store.sqlite").write_bytes(
        (CORPUS / "store/not_a_database.sqlite").read_bytes())
    for suffix in ("-wal", "-shm"):
        Path(str(tmp_path / "p" / "store.sqlite") + suffix).unlink(missing_ok=True)
    result = runner.invoke(app, ["clips", "--project", str(project.root)])
    assert "file is not a database" in _one_clear_line(result)


def test_bwv_init_where_a_file_blocks_the_folder(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a folder")
    result = runner.invoke(app, ["init", str(tmp_path / "taken" / "p")])
    assert "cannot write to this folder" in _one_clear_line(result)


def test_a_sqlite_store_in_an_unwritable_place_is_named(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a folder")
    with pytest.raises(StoreError, match="unable to open database file") as info:
        Store(default_sqlite_url(tmp_path / "taken" / "store.sqlite"))
    assert "taken" in str(info.value)


def test_an_unwritable_study_output_folder_is_named_before_the_run(tmp_path: Path) -> None:
    from workbench.study.runner import run_folder

    (tmp_path / "outputs").write_text("a file, not a folder")
    with pytest.raises(ParameterError, match="cannot write to this folder") as info:
        run_folder(tmp_path / "outputs", "run1")
    assert info.value.field == "output_dir"


# ---- the same limits on SQLite and PostgreSQL ----------------------------------------------
OVER_LIMIT: list[tuple[str, Callable[[Store], Any], str]] = [
    ("speaker of 201 characters", lambda s: s.put_clip(Clip("c2"), [Utterance(
        "c2", 0, 0.0, 1.0, "P" * 201, Role.OFFICER, "hi")], "h2"), "utterances.speaker"),
    ("NUL in a turn", lambda s: s.put_clip(Clip("c2"), [Utterance(
        "c2", 0, 0.0, 1.0, "PC", Role.OFFICER, "a\x00b")], "h2"), "utterances.text"),
    ("clip id of 101 characters", lambda s: s.put_clip(Clip("c" * 101), [Utterance(
        "c" * 101, 0, 0.0, 1.0, "PC", Role.OFFICER, "hi")], "h2"), "clips.clip_id"),
    ("borough of 101 characters", lambda s: s.update_clip_metadata("c1", {
        "borough": "b" * 101}), "clips.borough"),
    ("officers beyond 32 bits", lambda s: s.update_clip_metadata("c1", {
        "n_officers": 2**31}), "clips.n_officers"),
    ("NaN duration", lambda s: s.update_clip_metadata("c1", {
        "duration": float("nan")}), "clips.duration"),
    ("NUL in extra metadata", lambda s: s.update_clip_metadata("c1", {
        "camera": "x\x00"}), "clips.extra"),
    ("coder name of 201 characters", lambda s: s.add_coder(Coder("c9", "n" * 201)),
     "coders.name"),
]


def _check_limits(url: str) -> None:
    with Store(url) as store:
        store.put_clip(Clip("c1"), [Utterance("c1", 0, 0.0, 1.0, "PC A", Role.OFFICER,
                                              "hello")], "h1")
        before = store.table_counts()
        for what, write, field in OVER_LIMIT:
            with pytest.raises(LimitError, match="expected") as info:
                write(store)
            assert info.value.field == field, what
            assert store.table_counts() == before, f"{what}: something was stored"
        assert store.clip("c1").borough is None
        # at the limit is fine on both
        store.update_clip_metadata("c1", {"borough": "b" * 100, "n_officers": 2**31 - 1})
        assert store.clip("c1").borough == "b" * 100


def test_sqlite_keeps_the_limits(tmp_path: Path) -> None:
    _check_limits(default_sqlite_url(tmp_path / "store.sqlite"))


@pytest.mark.slow
def test_postgresql_keeps_the_same_limits_without_a_traceback(postgres_url: str) -> None:
    import sqlalchemy as sa

    from workbench.store import schema

    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        schema.metadata.drop_all(conn)
    engine.dispose()
    _check_limits(postgres_url)


def test_another_programs_sqlite_database_is_not_taken_over(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    with pytest.raises(StoreError, match=r"holds tables \(recipes\) but is not a workbench"):
        Store(default_sqlite_url(path))
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert tables == ["recipes"]


def test_bwv_codebook_render_into_an_unwritable_place(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file, not a folder")
    out = tmp_path / "taken" / "manual.html"
    result = runner.invoke(app, ["codebook", "render", "stop-search@1.0.0", "--out", str(out)])
    line = _one_clear_line(result)
    assert "cannot write to this folder" in line and "--out" in line
