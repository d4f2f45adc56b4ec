"""End to end in a real browser: JupyterLab, the coder notebook, clicks and a shortcut key.

Starts ``jupyter lab`` on 127.0.0.1 (free port, no token) over a temporary folder holding a
copy of ``notebooks/code_clips.ipynb`` and a temporary project (``BWV_PROJECT``), drives
Debian's Chromium with Playwright, and checks the store from this process.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.lab import browser, lab_server, open_notebook
from tests.test_coding_session import coding_store
from workbench.model import PRESENT
from workbench.project import Project
from workbench.store import Store

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "code_clips.ipynb"

pytestmark = pytest.mark.slow


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A JupyterLab server over a folder with the notebook; yields (url, project folder)."""
    project = tmp_path / "project"
    Project.init(project)                           # stop-search@1.0.0, the bundled codebook
    coding_store(project / "store.sqlite").close()
    root = tmp_path / "lab"
    root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    with lab_server(root, tmp_path, {"BWV_PROJECT": str(project), "BWV_CODER": "ana"}) as url:
        yield url, project


def _stored(project: Path) -> tuple[dict[tuple, str], int]:
    store = Store(Project.load(project).store_url)
    try:
        codes = {(a.utterance_index, a.code_id): a.value
                 for a in store.annotations(clip_id="c1", coder_id="ana")}
        return codes, store.assignments("ana", "c1")[0].last_utterance
    finally:
        store.close()


def _eventually(check, seconds: float = 20.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result[0] or time.monotonic() > deadline:
            return result[1]
        time.sleep(0.25)


def test_a_coder_codes_by_click_and_key_in_jupyterlab_and_the_store_has_it(lab, tmp_path):
    url, project = lab
    with browser() as chromium:
        page = chromium.new_page(viewport={"width": 1500, "height": 1000})
        try:
            open_notebook(page, url, NOTEBOOK.name, ".bwv-session")
            session = page.locator(".bwv-session")
            session.wait_for(timeout=60_000)
            page.locator(".bwv-turn.bwv-current").first.wait_for(timeout=30_000)
            assert "PC Adams" in page.locator(".bwv-turn").first.inner_text()
            cells_before = page.locator(".jp-NotebookPanel .jp-Cell").count()

            # two codes by click on the officer's first turn
            courtesy = page.locator("button.bwv-code--pj_courtesy")
            courtesy.click()
            page.locator("button.bwv-code--pj_courtesy.mod-success").wait_for(timeout=15_000)
            page.locator("button.bwv-code--pj_explains_action").click()
            page.locator("button.bwv-code--pj_explains_action.mod-success").wait_for(
                timeout=15_000)
            # one by shortcut key ('a' = esc_accusation; in command mode 'a' would also
            # insert a notebook cell, so a leaked key would show), then move on with 'j'
            page.locator(".bwv-turn").first.click()
            page.keyboard.press("a")
            page.locator(".bwv-turn.bwv-current .bwv-chip",
                         has_text="Accusation").wait_for(timeout=15_000)
            page.keyboard.press("j")
            page.locator('.bwv-turn.bwv-current[data-index="1"]').wait_for(timeout=15_000)

            codes = _eventually(lambda: (len(_stored(project)[0]) == 3, _stored(project)))
            assert codes == ({(0, "pj_courtesy"): PRESENT, (0, "pj_explains_action"): PRESENT,
                              (0, "esc_accusation"): PRESENT}, 1)
            assert page.locator(".jp-NotebookPanel .jp-Cell").count() == cells_before
        except BaseException:
            page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            raise
