"""A coder's whole working day in a real JupyterLab (Chromium), by keyboard only.

The coder opens ``make lab``'s copy of the coder notebook on a project with codebook
stop-search 1.2.0 and a clip with synthetic spoken audio, codes every turn of it (a set-valued
GOWISELY code, ordinal steps, playback following the turns), fills the clip-level form and
finishes the clip, goes on to the next clip at a second window size, reloads the page and
resumes. After every action the three column widths must equal the first ones (±2 px) and
any message must be inside the viewport. A screenshot of each step goes to
``$BWV_ARTIFACTS/coding-day/`` (default ``artifacts/``, git-ignored; CI keeps it).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.lab import (
    COLUMNS_JS,
    IN_VIEW_JS,
    NOTEBOOK,
    browser,
    key_to_all,
    key_to_seek,
    key_to_visible,
    lab_server,
    open_notebook,
    run_cell,
)
from tests.test_coding_session import coding_store
from widgets.lab import copy_notebooks
from workbench.codebook import load_ref
from workbench.demo import audio
from workbench.model import AssignmentStatus
from workbench.project import Project
from workbench.store import Store

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
SIZES = ({"width": 1400, "height": 900}, {"width": 1100, "height": 760})
CURRENT = ".bwv-turn.bwv-current"


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """JupyterLab over a project as ``make lab`` sets it up; yields (url, project)."""
    work = tmp_path_factory.mktemp("coding-day")
    project = work / "project"
    Project.init(project, codebook="stop-search@1.2.0")
    store = coding_store(project / "store.sqlite")
    exe = audio.espeak()
    assert exe, "Debian's espeak-ng is needed (.ci/run installs it)"
    audio.clip_audio(store.utterances("c1"), project / "media" / "c1.wav", exe)
    store.update_clip_metadata("c1", {"media_path": "media/c1.wav"})
    store.close()
    copy_notebooks(project)
    env = {"BWV_PROJECT": str(project), "BWV_CODER": "ana", "BWV_REVIEWER": "rev"}
    with lab_server(project, work, env) as url:
        yield url, project


class Day:
    """The page, with the checks made after every action."""

    def __init__(self, page: Any, shots: Path) -> None:
        self.page, self.shots = page, shots
        self.widths: list[float] | None = None
        self.timings: list[float] = []
        self.step = 0

    def columns(self) -> list[float]:
        return self.page.evaluate(COLUMNS_JS)

    def check(self, name: str, shot: bool = True) -> None:
        """Widths as at the first action of this window size; messages in the viewport."""
        self.step += 1
        if shot:
            self.page.screenshot(path=str(self.shots / f"{self.step:02d}-{name}.png"))
        widths = self.columns()
        assert len(widths) == 3, f"{name}: {widths}"
        if self.widths is None:
            self.widths = widths
        assert all(abs(a - b) <= 2 for a, b in zip(widths, self.widths, strict=True)), (
            f"{name}: columns {widths} moved from {self.widths}")
        for box in (".bwv-session .bwv-status", ".bwv-session .bwv-help-panel"):
            assert self.page.evaluate(IN_VIEW_JS, box) in (None, True), (
                f"{name}: {box} is outside the viewport")

    def key(self, key: str, selector: str, text: str = "", name: str = "",
            shot: bool = True) -> None:
        self.timings.append(key_to_visible(self.page, key, selector, text))
        self.check(name or f"key-{key}", shot)

    def status(self) -> str:
        return self.page.locator(".bwv-session .bwv-status").inner_text()


# A key painted at once, then the kernel's confirmation: the chip the front end painted must
# be the node still shown after the confirmation, at the same place and size (no layout jump).
_STEADY = """([chip, text, confirmed]) => { window.__bwvSteady = new Promise((resolve) => {
  let node = null, box = null, painted = null;
  const current = () => document.querySelector(".bwv-turn.bwv-current");
  const find = () => [...document.querySelectorAll(chip)].find((n) => n.textContent.includes(text));
  const check = () => {
    if (node === null) {
      node = find() || null;
      if (node === null) return;
      painted = performance.now() - t0;
      box = current().getBoundingClientRect().toJSON();
      box.inKeyTask = inKeyTask;  // painted before any message from the kernel could come
    }
    if (document.querySelector(confirmed) === null) return;
    obs.disconnect();
    requestAnimationFrame(() => {
      const after = current().getBoundingClientRect();
      resolve({painted, confirmed: performance.now() - t0, inKeyTask: box.inKeyTask,
               sameNode: node.isConnected && find() === node,
               dy: Math.abs(after.top - box.top), dh: Math.abs(after.height - box.height)});
    });
  };
  const obs = new MutationObserver(check);
  let t0 = null, inKeyTask = false;
  document.addEventListener("keydown", () => {
    t0 = performance.now();
    inKeyTask = true;
    setTimeout(() => { inKeyTask = false; }, 0);
    obs.observe(document.body, {subtree: true, childList: true, attributes: true,
                                characterData: true});
  }, {capture: true, once: true});
  setTimeout(() => resolve(null), 10000);
}); }"""


def painted_then_confirmed(page: Any, key: str, text: str, button: str) -> dict[str, Any]:
    """Press ``key``: its chip ``text`` on the current turn, then ``button`` (the kernel's
    side panel, sent after the store write); what the page saw in between."""
    page.evaluate(_STEADY, [f"{CURRENT} .bwv-chip", text, button])
    page.keyboard.press(key)
    seen = page.evaluate("() => window.__bwvSteady")
    assert seen is not None, f"key {key!r}: {text!r} or {button} never showed"
    return seen


def _stored(project: Path, clip: str) -> tuple[dict[tuple, str], Any]:
    store = Store(Project.load(project).store_url)
    try:
        codes = {(a.utterance_index, a.code_id): a.value
                 for a in store.annotations(clip_id=clip, coder_id="ana")}
        return codes, store.assignments("ana", clip)[0]
    finally:
        store.close()


def test_a_coders_day_by_keyboard_steady_layout_media_and_reload(day, tmp_path):
    url, project = day
    shots = Path(os.environ.get("BWV_ARTIFACTS", REPO / "artifacts")) / "coding-day"
    shots.mkdir(parents=True, exist_ok=True)
    with browser() as chromium:
        page = chromium.new_page(viewport=SIZES[0])
        d = Day(page, shots)
        try:
            open_notebook(page, url, "notebooks/code_clips.ipynb", CURRENT)
            page.locator(".bwv-transcript").focus()
            d.check("opened")
            # ? shows the key map beside the codes; Esc closes it
            d.key("?", ".bwv-help-panel .bwv-keymap", "media: play / pause", "key-map")
            d.key("Escape", "!.bwv-help-panel .bwv-keymap", name="key-map-closed")
            # turn 1 (officer): a nominal code, an ordinal code stepped, a set of elements
            # a code key is painted at once; the kernel's confirmation changes nothing of it
            steady = painted_then_confirmed(page, "c", "Courtesy (formal politeness)",
                                            "button.bwv-code--pj_courtesy_formal.mod-success")
            assert steady["inKeyTask"], f"painted only after the kernel answered: {steady}"
            assert steady["sameNode"] and steady["dy"] <= 1 and steady["dh"] <= 1, steady
            d.timings.append(steady["painted"])
            d.check("painted-then-confirmed")
            d.key("o", f"{CURRENT} .bwv-chip", "Command: softened request", "ordinal-first")
            d.key("o", f"{CURRENT} .bwv-chip", "Command: bare order", "ordinal-next")
            d.key("l", ".bwv-status", "press 1 Grounds", "set-code-asks")
            d.key("1", f"{CURRENT} .bwv-chip", "element: grounds", "set-grounds")
            d.key("2", f"{CURRENT} .bwv-chip", "grounds + object", "set-and-object")
            d.key("Escape", "!.bwv-session .bwv-status span", name="set-done")
            # media both ways: replay this turn, then playback moves the highlight on
            assert page.locator(".bwv-media audio").count() == 1
            d.key("0", ".bwv-status", "replaying this turn", "replay")
            page.locator(f'{CURRENT}[data-index="1"]').wait_for(timeout=15_000)
            d.check("playback-followed")
            d.key(" ", ".bwv-status", "play / pause", "pause")
            assert page.evaluate("() => document.querySelector('.bwv-media audio').paused")
            # turn 2 (subject), 3 (officer: the player seeks), 4 (third party)
            d.key("R", f"{CURRENT} .bwv-chip", "Resistance: compliant", "subject-code")
            seek_ms = key_to_seek(page, "j")
            d.check("seeked")
            d.key("e", f"{CURRENT} .bwv-chip", "Explains", "officer-code")
            d.key("j", f'{CURRENT}[data-index="3"]', name="third-party")
            d.key("b", f"{CURRENT} .bwv-chip", "Search", "event-code")
            # the clip-level form: refused while incomplete, filled by number keys, done
            d.key("j", ".bwv-form-current", name="clip-form")
            d.key("Enter", ".bwv-status--error", "still needs", "done-refused")
            assert "Opening move" in d.status()          # labels, never ids
            assert "[a]" in page.locator(".bwv-form-current").inner_text()
            d.key("c", ".bwv-form-current", "Object of the search given [c]", "form-letter")
            d.key("a", ".bwv-form-current", "[a]", "form-letter-back")
            for n in range(13):
                last = n == 12
                d.key("1", ".bwv-status", "every item is filled" if last else "next:",
                      f"form-item-{n + 1}", shot=n in (0, 12))
            d.key("Enter", ".bwv-turn .bwv-speaker", "PC Baker", "clip-done")
            codes, c1 = _stored(project, "c1")
            assert c1.status == AssignmentStatus.DONE
            assert codes[(0, "legal_explanation")] == "grounds+object"
            assert codes[(0, "esc_command")] == "bare_order"
            assert codes[(1, "subj_resistance")] == "compliant"
            assert sum(turn is None for turn, _ in codes) == 13
            # a second window size: steady again, from its first to its last action
            page.set_viewport_size(SIZES[1])
            page.wait_for_timeout(300)
            d.widths = None
            d.check("second-size")
            d.key("c", f"{CURRENT} .bwv-chip", "Courtesy (formal politeness)", "b-code")
            d.key("j", f'{CURRENT}[data-index="1"]', name="b-next")
            d.key("?", ".bwv-help-panel .bwv-keymap", name="b-key-map")
            d.key("Escape", "!.bwv-help-panel .bwv-keymap", name="b-closed")
            _, c2 = _stored(project, "c2")
            assert (c2.status, c2.last_utterance) == (AssignmentStatus.IN_PROGRESS, 1)
            # reload (after a save, as autosave would): the widget comes back from the live
            # kernel, or the saved output says what to do; running the cell resumes
            page.keyboard.press("Control+s")
            page.locator(".jp-mod-dirty").wait_for(state="detached", timeout=15_000)
            page.reload()
            page.locator(".jp-NotebookPanel .jp-CodeCell .cm-content").first.wait_for(
                timeout=60_000)
            page.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for(
                timeout=60_000)
            deadline = time.monotonic() + 5                 # a live widget, if it comes back
            while time.monotonic() < deadline and not page.locator(".bwv-session").count():
                page.wait_for_timeout(250)
            d.step += 1
            page.screenshot(path=str(shots / f"{d.step:02d}-reloaded.png"))
            if not page.locator(".bwv-session").count():   # no live widget: words say what to do
                assert "run this cell again" in page.locator(".bwv-reload-hint").inner_text()
                run_cell(page, page.locator(".jp-NotebookPanel .jp-CodeCell .cm-content").first)
            else:
                print("\nafter the reload the session came back from the live kernel")
            page.locator(f'{CURRENT}[data-index="1"]').wait_for(timeout=30_000)
            assert "PC Baker" in page.locator(".bwv-turn").first.inner_text()
            d.check("resumed")
            page.locator(".bwv-transcript").focus()              # and the keys work again
            d.key("j", f'{CURRENT}[data-index="2"]', name="after-reload-key")
            deadline = time.monotonic() + 15     # the highlight moves first; the store follows
            while _stored(project, "c2")[1].last_utterance != 2:
                assert time.monotonic() < deadline, "the move after the reload was not stored"
                page.wait_for_timeout(200)
        except BaseException:
            page.screenshot(path=str(shots / "failure.png"), full_page=True)
            raise
    timings = sorted(d.timings)
    print(f"\nkey → visible change: median {timings[len(timings) // 2]:.0f} ms, "
          f"max {timings[-1]:.0f} ms over {len(timings)} keys; media seek {seek_ms:.0f} ms")


def test_the_reviewer_decides_by_keyboard_in_the_review_notebook(day):
    """After the coder's day: ben's different values on c1, decided with 1–9, w, Ctrl+Enter."""
    url, project = day
    codebook = load_ref("stop-search@1.2.0")
    store = Store(Project.load(project).store_url)
    store.apply_code("ben", "c1", 0, "legal_explanation", "grounds", codebook.ref)
    store.set_progress("c1", "ben", status=AssignmentStatus.DONE)
    store.close()
    shots = Path(os.environ.get("BWV_ARTIFACTS", REPO / "artifacts")) / "coding-day"
    with browser() as chromium:
        page = chromium.new_page(viewport=SIZES[0])
        try:
            open_notebook(page, url, "notebooks/review.ipynb", ".bwv-review .bwv-values")
            page.locator(".bwv-review").first.focus()
            before = page.locator(".bwv-review").first.inner_text()
            assert "decided" in before and "1 ·" in before      # the values carry their keys
            page.keyboard.press("1")
            page.locator(".bwv-review-status", has_text="chosen:").wait_for(timeout=15_000)
            page.keyboard.press("w")
            # The text area is always on the page; "w" moves the cursor into it once Python's
            # focus message arrives, so wait for the focus itself rather than for the element.
            page.wait_for_function(
                "() => document.activeElement && document.activeElement.tagName === 'TEXTAREA'"
                " && document.activeElement.closest('.bwv-rationale') !== null", timeout=15_000)
            page.keyboard.type("Per the definition: the turn gives the grounds.")
            page.keyboard.press("Control+Enter")
            page.locator(".bwv-review", has_text="1 decided").first.wait_for(timeout=15_000)
            page.screenshot(path=str(shots / "90-review-decided.png"))
        except BaseException:
            page.screenshot(path=str(shots / "review-failure.png"), full_page=True)
            raise
    store = Store(Project.load(project).store_url)
    [event] = store.audit_events(action="adjudicated")
    assert event.detail["rationale"] == "Per the definition: the turn gives the grounds."
    store.close()


REFUSING = """from widgets import start_session
from workbench.exceptions import AccessError

box = start_session(coder="ana", project="")


def refuse(*args, **kwargs):
    raise AccessError("the store refused this code (a test of the roll-back)")


box.children[0].session.store.apply_code = refuse
"""


def test_a_key_painted_at_once_is_rolled_back_visibly_when_the_store_refuses(day):
    """The chip shows at once; the session's refusal removes it, flashes the row and says
    why in the status line; the store has nothing."""
    import nbformat

    url, project = day
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(REFUSING)])
    nbformat.write(notebook, project / "notebooks" / "refusing.ipynb")
    before, _ = _stored(project, "c2")
    shots = Path(os.environ.get("BWV_ARTIFACTS", REPO / "artifacts")) / "coding-day"
    with browser() as chromium:
        page = chromium.new_page(viewport=SIZES[0])
        try:
            here = f"{NOTEBOOK} {CURRENT}"     # JupyterLab keeps the coder's notebook, hidden
            open_notebook(page, url, "notebooks/refusing.ipynb", here)
            page.locator(f"{NOTEBOOK} .bwv-transcript").focus()
            index = page.locator(here).get_attribute("data-index")
            assert "bwv-role-officer" in page.locator(here).get_attribute("class")
            chip = (f"{here} .bwv-chip", "Courtesy (formal politeness)")
            key_to_all(page, "c", [chip, (f"{NOTEBOOK} .bwv-status--error", "refused this code"),
                                   (f"{NOTEBOOK} .bwv-turn.bwv-undone[data-index='{index}']", ""),
                                   (f"!{chip[0]}", chip[1])])
            page.screenshot(path=str(shots / "95-refused-rolled-back.png"))
        except BaseException:
            page.screenshot(path=str(shots / "refusal-failure.png"), full_page=True)
            raise
    assert _stored(project, "c2")[0] == before
