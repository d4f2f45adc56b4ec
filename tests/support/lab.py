"""A real JupyterLab in Debian's Chromium (Playwright), for the end-to-end tests and the
browser benchmark.

:func:`lab_server` starts ``jupyter lab`` on 127.0.0.1 (free port, no token, settings in a
temporary folder) over a folder of notebooks; :func:`open_notebook` opens one in a page and
runs its code cell; :func:`key_to_visible`, :func:`key_to_all` and :func:`key_to_seek` time
a key press in the page itself (``performance.now()`` from the keydown to the frame after the
DOM shows the change, or to the media element's ``seeked`` event).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run",
                 "--autoplay-policy=no-user-gesture-required"]
JUPYTER = Path(sys.executable).parent / "jupyter"
#: The notebook in front (JupyterLab keeps other open notebooks in the page, hidden).
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def free_port() -> int:
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


@contextmanager
def lab_server(root: Path, work: Path, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """JupyterLab over ``root`` (settings, config and log under ``work``); yields its URL."""
    settings = work / "lab-settings" / "@jupyterlab"
    for plugin, values in (("notebook-extension/tracker", '{"autoStartDefaultKernel": true}'),
                           ("apputils-extension/notification", '{"fetchNews": "false"}')):
        (settings / plugin).parent.mkdir(parents=True, exist_ok=True)
        (settings / f"{plugin}.jupyterlab-settings").write_text(values)
    port = free_port()
    full_env = {**os.environ, **(env or {}),
                "JUPYTER_CONFIG_DIR": str(work / "jupyter-config"),
                "JUPYTERLAB_SETTINGS_DIR": str(work / "lab-settings"),
                "JUPYTERLAB_WORKSPACES_DIR": str(work / "lab-workspaces")}
    log = work / "jupyter.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(JUPYTER), "lab", "--no-browser", "--allow-root", "--IdentityProvider.token=",
             "--ServerApp.ip=127.0.0.1", f"--port={port}", f"--ServerApp.root_dir={root}",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
            env=full_env, stdout=out, stderr=subprocess.STDOUT, cwd=root)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_server(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def browser() -> Iterator[Any]:
    """Debian's Chromium under Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian chromium is needed: apt-get install chromium"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                      headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def run_cell(page: Any, cell: Any) -> None:
    """Run a cell in place (Ctrl+Enter); press again if the kernel was not connected yet."""
    prompt = page.locator(f"{NOTEBOOK} .jp-CodeCell .jp-InputPrompt").first
    for _ in range(6):
        dialog = page.locator(".jp-Dialog .jp-mod-accept")   # "Select Kernel", if asked
        if dialog.count():
            dialog.click()
        try:
            cell.click(timeout=10_000)
        except Exception:  # the page was still laying out (a busy machine): try again
            continue
        page.keyboard.press("Control+Enter")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            text = prompt.inner_text()
            if "*" in text or any(ch.isdigit() for ch in text):
                return
            page.wait_for_timeout(250)
    raise AssertionError("the notebook never ran the cell (kernel not connected?)")


def open_notebook(page: Any, url: str, name: str, ready: str) -> None:
    """Open notebook ``name``, run its code cell and wait for the CSS selector ``ready``."""
    page.goto(f"{url}/lab/tree/{name}", timeout=60_000)
    # JupyterLab may first restore the workspace's last notebook, then switch to this one:
    # act only once this notebook is the current tab, or the cell run is another's
    page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel",
                 has_text=name.rsplit("/", 1)[-1]).first.wait_for(timeout=60_000)
    code_cell = page.locator(f"{NOTEBOOK} .jp-CodeCell .cm-content").first
    code_cell.wait_for(timeout=60_000)
    page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"] >> visible=true').first\
        .wait_for(timeout=60_000)
    run_cell(page, code_cell)
    # the widget appears once the cell has run: on a loaded 2-core machine the kernel's first
    # imports and store reads have taken over a minute, so allow two
    page.locator(ready).first.wait_for(timeout=120_000)


_MEASURE = """(conditions) => { window.__bwvPending = new Promise((resolve) => {
  let t0 = null;
  const times = conditions.map(() => null);
  const found = (selector, text) => {
    const gone = selector.startsWith("!");
    const hit = [...document.querySelectorAll(gone ? selector.slice(1) : selector)].some(
        (n) => n.offsetParent !== null && (!text || n.textContent.includes(text)));
    return gone ? !hit : hit;
  };
  const check = () => {
    if (t0 === null) return;
    conditions.forEach(([selector, text], i) => {
      if (times[i] === null && found(selector, text)) {
        times[i] = -1;  // met: timed in the frame after the change
        requestAnimationFrame(() => {
          times[i] = performance.now() - t0;
          if (times.every((t) => t !== null && t >= 0)) { obs.disconnect(); resolve(times); }
        });
      }
    });
  };
  const obs = new MutationObserver(check);
  document.addEventListener("keydown", () => {
    t0 = performance.now();
    obs.observe(document.body,
                {subtree: true, childList: true, attributes: true, characterData: true});
  }, {capture: true, once: true});
  setTimeout(() => resolve(times.map((t) => (t === null || t < 0 ? -1 : t))), 10000);
}); }"""

_SEEK = """() => { window.__bwvPending = new Promise((resolve) => {
  const media = document.querySelector(".bwv-media audio, .bwv-media video");
  if (!media) { resolve(-2); return; }
  let t0 = null;
  document.addEventListener("keydown", () => { t0 = performance.now(); },
                            {capture: true, once: true});
  media.addEventListener("seeked", () => resolve(performance.now() - t0), {once: true});
  setTimeout(() => resolve(-1), 10000);
}); }"""


def key_to_visible(page: Any, key: str, selector: str, text: str = "") -> float:
    """Press ``key``; ms from its keydown until ``selector`` (containing ``text``) shows, in
    the frame after the change ("!selector": until none shows). AssertionError after 10 s."""
    return key_to_all(page, key, [(selector, text)])[0]


def key_to_all(page: Any, key: str, conditions: list[tuple[str, str]]) -> list[float]:
    """Press ``key``; for each (selector, text) as in :func:`key_to_visible`, ms from the
    keydown to the frame after it first held (e.g. the change painted, then confirmed)."""
    page.evaluate(_MEASURE, [list(c) for c in conditions])
    page.keyboard.press(key)
    times = [float(t) for t in page.evaluate("() => window.__bwvPending")]
    missing = [c for c, t in zip(conditions, times, strict=True) if t < 0]
    assert not missing, f"key {key!r}: {missing} never showed"
    return times


def key_to_seek(page: Any, key: str) -> float:
    """Press ``key``; ms from its keydown to the media element's ``seeked`` event."""
    page.evaluate(_SEEK)
    page.keyboard.press(key)
    ms = float(page.evaluate("() => window.__bwvPending"))
    assert ms >= 0, f"key {key!r}: the media never seeked ({ms})"
    return ms


COLUMNS_JS = """() => [...document.querySelectorAll('.bwv-session .bwv-columns > *')]
    .map((n) => n.getBoundingClientRect().width)"""

IN_VIEW_JS = """(selector) => {
  const n = document.querySelector(selector);
  if (!n || !n.textContent.trim()) return null;
  const r = n.getBoundingClientRect();
  return r.top >= 0 && r.left >= 0 && r.bottom <= window.innerHeight
    && r.right <= window.innerWidth;
}"""
