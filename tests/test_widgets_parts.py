"""The notebook entry points, media, the coder overview and the progress indicator."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import ipywidgets as W
import pytest

from tests.test_coding_session import FIXTURE_CODEBOOK, coding_store, mini_codebook
from tests.test_widgets_session import click_turn
from tests.test_widgets_session import press as press_key
from widgets import (
    CoderOverview,
    ProgressIndicator,
    SessionWidget,
    open_codebook,
    open_overview,
    start_session,
)
from widgets.recording import click, recording, send_from_browser, set_from_browser
from workbench.coding import CodingSession
from workbench.model import AssignmentStatus
from workbench.project import Project


@pytest.fixture(autouse=True)
def _recorded() -> Iterator[None]:
    with recording():
        yield


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def make_project(tmp_path: Path) -> Path:
    """A project folder using the mini codebook, with the coding fixture's store."""
    root = tmp_path / "project"
    books = tmp_path / "codebooks" / "mini-stop-search"
    books.mkdir(parents=True)
    shutil.copy(FIXTURE_CODEBOOK, books / "1.0.0.yaml")
    found = Project.init(root, codebook="mini-stop-search@1.0.0")
    found.codebooks_dir = tmp_path / "codebooks"
    found.save()
    coding_store(root / "store.sqlite").close()
    return root


# ---- start_session -------------------------------------------------------------------------
def test_start_session_opens_the_coders_session_on_the_project(project: Path):
    box = start_session("ana", project, show=False)
    [view] = box.children
    assert isinstance(view, SessionWidget)
    assert (view.session.coder_id, view.session.clip.clip_id) == ("ana", "c1")
    assert view.media_root == project


def test_start_session_reads_project_and_coder_from_the_environment(project, monkeypatch):
    monkeypatch.setenv("BWV_PROJECT", str(project))
    monkeypatch.setenv("BWV_CODER", "ben")
    [view] = start_session(show=False).children
    assert view.session.coder_id == "ben"


def test_without_a_coder_id_the_coder_picks_one_first(project, monkeypatch):
    monkeypatch.delenv("BWV_CODER", raising=False)
    box = start_session(project=project, show=False)
    picker = box.children[0]
    dropdown, start = picker.children[1].children
    assert list(dropdown.options) == ["ana", "ben", "rev"]
    set_from_browser(dropdown, index=1)
    click(start)
    [view] = box.children
    assert isinstance(view, SessionWidget) and view.session.coder_id == "ben"


@pytest.mark.parametrize(("coder", "where", "message"), [
    ("ana", "nowhere", "no project here"),
    ("zoe", None, "'zoe' is not a person known to this store"),
])
def test_start_session_shows_what_to_fix(project, tmp_path, coder, where, message):
    box = start_session(coder, tmp_path / where if where else project, show=False)
    [problem] = box.children
    assert isinstance(problem, W.HTML) and message in problem.value


# ---- media ---------------------------------------------------------------------------------
def test_a_clip_with_media_plays_it_and_seeks_to_the_current_turn(tmp_path: Path):
    store = coding_store(tmp_path / "s.sqlite")
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "c1.wav").write_bytes(b"RIFF0000WAVEfmt synthetic")
    store.update_clip_metadata("c1", {"media_path": "media/c1.wav"})
    view = SessionWidget(CodingSession(store, mini_codebook(), "ana"), media_root=tmp_path)
    assert view.player.data == b"RIFF0000WAVEfmt synthetic"
    assert view.player.mime.startswith("audio/") and view.player.problem == ""
    assert view.player.turns[:2] == [[0.0, 3.5], [4.0, 7.5]]   # for following playback
    click_turn(view, 2)
    assert view.player.position == 8.0           # utterance 2 starts at 8.0 s
    send_from_browser(view.player, {"type": "turn", "index": 3})   # playback reached turn 4
    assert view.transcript.current == 3 and view.player.position == 8.0  # no seek back
    assert store.assignments("ana", "c1")[0].last_utterance == 3
    press_key(view, "]")
    assert view.player.rate == 1.25 and "speed 1.25×" in view.status.value
    send_from_browser(view.player, {"type": "error", "message": "DEMUXER_ERROR"})
    assert "could not be played (DEMUXER_ERROR)" in view.player.problem
    set_from_browser(view.queue.clips, index=1)   # c2 has no media: said in words
    assert view.player.data == b"" and "no media" in view.player.problem
    press_key(view, " ")
    assert "no media" in view.status.value
    store.close()


@pytest.mark.parametrize(("media_path", "src", "problem"), [
    ("https://media.example.org/c1.mp4", "https://media.example.org/c1.mp4", ""),
    ("missing/c1.mp4", "", "is missing"),
])
def test_media_urls_are_played_as_given_and_missing_files_are_reported(tmp_path, media_path,
                                                                        src, problem):
    store = coding_store(tmp_path / "s.sqlite")
    store.update_clip_metadata("c1", {"media_path": media_path})
    view = SessionWidget(CodingSession(store, mini_codebook(), "ana"), media_root=tmp_path)
    assert (view.player.src, view.player.data) == (src, b"")
    assert problem in view.player.problem
    if problem:
        assert "Code from the transcript" in view.player.problem
    store.close()


# ---- overview, codebook, progress ----------------------------------------------------------
def test_the_coder_overview_shows_progress_and_refreshes(project: Path):
    overview = open_overview(project)
    assert isinstance(overview, CoderOverview)
    assert [r.coder_id for r in overview.rows] == ["ana", "ben"]
    assert "<td>ana</td><td>0</td><td>0</td><td>3</td>" in overview.table.value
    store = Project.load(project).open_store()
    store.set_progress("c1", "ana", status=AssignmentStatus.DONE)
    click(overview.refresh_button)
    assert "<td>ana</td><td>1</td><td>0</td><td>2</td>" in overview.table.value
    assert overview.progress.label.value == "2 coders"
    store.close()


def test_the_codebook_can_be_opened_on_its_own(project: Path):
    browser = open_codebook(project)
    assert "10 of 10 codes · mini-stop-search@1.0.0" in browser.count.value


def test_the_progress_indicator_counts_through_long_work():
    indicator = ProgressIndicator()
    seen = []
    for item in indicator.track(["a", "b", "c"], total=3, label="loading"):
        seen.append((item, indicator.bar.value, indicator.label.value))
    assert seen == [("a", 0, "loading (1/3)"), ("b", 1, "loading (2/3)"),
                    ("c", 2, "loading (3/3)")]
    indicator.finish("loaded")
    assert (indicator.bar.value, indicator.bar.max, indicator.label.value) == (3, 3, "loaded")
