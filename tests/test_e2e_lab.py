"""End to end in a real browser: JupyterLab, the coder notebook, clicks and a shortcut key.

Starts ``jupyter lab`` on 127.0.0.1 (free port, no token) over a temporary folder holding a
copy of ``notebooks/code_clips.ipynb`` and a temporary project (``BWV_PROJECT``), drives
Debian's Chromium with Playwright, and checks the store from this process.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_coding_session import coding_store
from workbench.model import PRESENT
from workbench.project import Project
from workbench.store import Store

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "code_clips.ipynb"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
JUPYTER = Path(sys.executable).parent / "jupyter"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_server(url: str, proc: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"jupyter lab exited ({proc.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/api/status", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"jupyter lab did not answer at {url}:\n{log.read_text()}")


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A JupyterLab server over a folder with the notebook; yields (url, project folder)."""
    project = tmp_path / "project"
    Project.init(project)                           # stop-search@1.0.0, the bundled codebook
    coding_store(project / "store.sqlite").close()
    root = tmp_path / "lab"
    root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    settings = tmp_path / "lab-settings" / "@jupyterlab"
    for plugin, values in (("notebook-extension/tracker", '{"autoStartDefaultKernel": true}'),
                           ("apputils-extension/notification", '{"fetchNews": "false"}')):
        (settings / plugin).parent.mkdir(parents=True, exist_ok=True)
        (settings / f"{plugin}.jupyterlab-settings").write_text(values)
    port = _free_port()
    env = {**os.environ, "BWV_PROJECT": str(project), "BWV_CODER": "ana",
           "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "lab-settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "lab-workspaces")}
    log = tmp_path / "jupyter.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(JUPYTER), "lab", "--no-browser", "--allow-root", "--IdentityProvider.token=",
             "--ServerApp.ip=127.0.0.1", f"--port={port}", f"--ServerApp.root_dir={root}",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=root)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_server(url, proc, log)
        yield url, project
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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


def _run_cell(page, cell) -> None:  # type: ignore[no-untyped-def]
    """Run a cell in place (Ctrl+Enter); press again if the kernel was not connected yet."""
    prompt = page.locator(".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt").first
    for _ in range(6):
        dialog = page.locator(".jp-Dialog .jp-mod-accept")   # "Select Kernel", if asked
        if dialog.count():
            dialog.click()
        cell.click()
        page.keyboard.press("Control+Enter")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            text = prompt.inner_text()
            if "*" in text or any(ch.isdigit() for ch in text):
                return
            page.wait_for_timeout(250)
    raise AssertionError("the notebook never ran the cell (kernel not connected?)")


def test_a_coder_codes_by_click_and_key_in_jupyterlab_and_the_store_has_it(lab, tmp_path):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is needed: apt-get install chromium"
    url, project = lab
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                     headless=True)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        try:
            page.goto(f"{url}/lab/tree/{NOTEBOOK.name}", timeout=60_000)
            code_cell = page.locator(".jp-NotebookPanel .jp-CodeCell .cm-content").first
            code_cell.wait_for(timeout=60_000)
            page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for(
                timeout=60_000)
            _run_cell(page, code_cell)

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
        finally:
            browser.close()
