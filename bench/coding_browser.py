"""Real-browser figures for ``bench/coding.py``: JupyterLab in Debian's Chromium, the coder
notebook as ``make lab`` opens it, keys pressed on a 150-utterance clip with synthetic audio.

Timed in the page itself (``performance.now()``): from a key's keydown to the frame after the
DOM shows its effect on the turn (the code's chip appears or goes — painted by the front end at
once from the session's forecast, see ``widgets/transcript.py``), then to the frame after the
kernel's confirmation shows (the code's button in the side panel changes, sent once the code is
in the store); and from a move's keydown to the media element's ``seeked`` event. A key the
kernel did not confirm as painted would flash its row (``.bwv-undone``): those are counted.
Targets: key → visible change median ≤ 25 ms and p95 ≤ 50 ms; media seek ≤ 100 ms.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support.lab

from tests.support.lab import browser, key_to_all, key_to_seek, lab_server, open_notebook
from widgets.lab import copy_notebooks
from workbench.demo import audio
from workbench.model import Role
from workbench.project import Project
from workbench.store import Store

CHIP = "Explains a decision or action"
BUTTON = "button.bwv-code--pj_explains_action.mod-success"


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def run_browser(store_url: str, clip_id: str, coder: str, n_turns: int = 40) -> dict[str, float]:
    """Drive the session over the first ``n_turns`` turns of ``clip_id`` (already first in
    ``coder``'s queue); returns the figures in ms."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        project = Project.init(work / "project", store_url=store_url)
        store = Store(store_url)
        exe = audio.espeak()
        if exe is None:
            raise SystemExit(f"the browser figures need espeak-ng: {audio.INSTALL_HINT}")
        utterances = store.utterances(clip_id)
        audio.clip_audio(utterances[:n_turns + 1], project.root / "media" / "bench.wav", exe)
        store.update_clip_metadata(clip_id, {"media_path": "media/bench.wav"})
        store.close()
        copy_notebooks(project.root)
        keys, confirmed, seeks = [], [], []
        undone = 0
        env = {"BWV_PROJECT": str(project.root), "BWV_CODER": coder}
        with lab_server(project.root, work, env) as url, browser() as chromium:
            page = chromium.new_page(viewport={"width": 1400, "height": 900})
            open_notebook(page, url, "notebooks/code_clips.ipynb", ".bwv-turn.bwv-current")
            page.locator(".bwv-transcript").focus()
            page.locator(".bwv-media audio").wait_for(state="attached", timeout=30_000)
            page.wait_for_function("() => document.querySelector('.bwv-media audio')"
                                   ".readyState >= 1", timeout=30_000)
            current = ".bwv-turn.bwv-current"
            for i in range(n_turns):
                if utterances[i].role == Role.OFFICER:
                    for shown, button in ((f"{current} .bwv-chip", BUTTON),
                                          (f"!{current} .bwv-chip", f"!{BUTTON}")):
                        seen, sure = key_to_all(page, "e", [(shown, CHIP), (button, "")])
                        keys.append(seen)
                        confirmed.append(sure)
                        undone += page.locator(".bwv-turn.bwv-undone").count()
                seeks.append(key_to_seek(page, "j"))
                page.locator(f'{current}[data-index="{i + 1}"]').wait_for(timeout=10_000)
    return {"key_median_ms": statistics.median(keys), "key_p95_ms": _p95(keys),
            "n_keys": len(keys), "confirmed_median_ms": statistics.median(confirmed),
            "confirmed_p95_ms": _p95(confirmed), "rolled_back": undone,
            "seek_median_ms": statistics.median(seeks),
            "seek_p95_ms": _p95(seeks), "seek_max_ms": max(seeks), "n_seeks": len(seeks)}


def report(figures: dict[str, float]) -> bool:
    """Print the browser figures; True if the targets are met."""
    print(f"browser: key → visible change, median of {figures['n_keys']:.0f}: "
          f"{figures['key_median_ms']:7.1f} ms (p95 {figures['key_p95_ms']:.1f}; "
          "targets ≤ 25 / ≤ 50)")
    print(f"browser: key → kernel's confirmation shown (code stored), median: "
          f"{figures['confirmed_median_ms']:5.1f} ms (p95 {figures['confirmed_p95_ms']:.1f}; "
          f"{figures['rolled_back']:.0f} painted keys rolled back)")
    print(f"browser: media seek on a move, median of {figures['n_seeks']:.0f}:  "
          f"{figures['seek_median_ms']:7.1f} ms (p95 {figures['seek_p95_ms']:.1f}, max "
          f"{figures['seek_max_ms']:.1f}; target ≤ 100)")
    return (figures["key_median_ms"] <= 25 and figures["key_p95_ms"] <= 50
            and figures["seek_p95_ms"] <= 100 and figures["rolled_back"] == 0)
