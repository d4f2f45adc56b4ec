"""Launchers that never dirty the repository: the notebooks JupyterLab opens are copies in
the project; the reviewer's notebook is one call; a reload says in words what to do."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import ipywidgets as W
import pytest

from tests.test_widgets_parts import make_project
from widgets import review
from widgets.adjudication import AdjudicationPanel
from widgets.lab import NOTEBOOKS, TEMPLATES, copy_notebooks, lab_command
from widgets.launch import RELOAD_HINT
from widgets.recording import recording

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_lab_opens_copies_in_the_project_and_leaves_the_templates_alone(project: Path):
    before = {name: _digest(TEMPLATES / name) for name in NOTEBOOKS}
    copies = copy_notebooks(project)
    assert set(copies) == set(NOTEBOOKS)
    for name, copy in copies.items():
        assert copy.parent == project / "notebooks" and copy.read_bytes() == (
            TEMPLATES / name).read_bytes()
    copies["code_clips.ipynb"].write_text("{}")           # the coder's copy is theirs
    copy_notebooks(project)
    assert copies["code_clips.ipynb"].read_text() == "{}"
    assert {name: _digest(TEMPLATES / name) for name in NOTEBOOKS} == before
    command = lab_command(project)
    assert f"--ServerApp.root_dir={project}" in command
    assert command[-1] == "notebooks/code_clips.ipynb"


def test_the_lab_refuses_a_folder_that_is_not_a_project(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="not a project folder"):
        copy_notebooks(tmp_path)


def test_make_lab_launches_the_copy_never_a_tracked_notebook():
    recipe = subprocess.run(["make", "-n", "lab"], cwd=REPO, capture_output=True, text=True,
                            check=True).stdout
    assert "-m widgets.lab" in recipe and "jupyter lab notebooks/" not in recipe


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_template_has_one_code_cell_and_no_outputs_and_a_cell_after_it(name: str):
    cells = json.loads((TEMPLATES / name).read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert len(code) == 1 and code[0]["outputs"] == [] and code[0]["execution_count"] is None
    assert cells[-1]["cell_type"] == "markdown"   # Shift+Enter moves on, adds no empty cell


def test_review_opens_the_panel_for_the_named_reviewer(project: Path, monkeypatch):
    monkeypatch.setenv("BWV_REVIEWER", "rev")
    with recording():
        panel = review(project, show=False)
    assert isinstance(panel, AdjudicationPanel) and panel.reviewer == "rev"
    assert "No disagreements" in panel.header.value


@pytest.mark.parametrize(("reviewer", "message"), [
    ("", "no reviewer id"), ("zoe", "unknown coder 'zoe'")])
def test_review_says_what_to_fix(project: Path, monkeypatch, reviewer: str, message: str):
    monkeypatch.delenv("BWV_REVIEWER", raising=False)
    with recording():
        shown = review(project, reviewer, show=False)
    assert isinstance(shown, W.HTML) and message in shown.value


def test_the_reload_hint_says_in_words_what_to_do():
    assert "run this cell again (Shift+Enter)" in RELOAD_HINT
    assert "resume where you stopped" in RELOAD_HINT
