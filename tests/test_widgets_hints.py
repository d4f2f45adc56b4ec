"""Hints in the coding widget, driven as the browser would (issue 16 item 3).

Dimmed hints reach the browser only on clips where the session allows them, Enter accepts
one (stored ``from_hint=True``), and nothing reaches the store without that key.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_assist_hints import ROWS, FakeModels
from tests.test_coding_session import coding_store, mini_codebook
from tests.test_widgets_session import press
from widgets.recording import MessageLog, recording, set_from_browser
from widgets.session import SessionWidget
from workbench.coding import CodingSession
from workbench.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = coding_store(tmp_path / "store.sqlite")
    yield s
    s.close()


@pytest.fixture
def log() -> Iterator[MessageLog]:
    with recording() as messages:
        yield messages


def hints_sent(log: MessageLog, view: SessionWidget) -> list[str]:
    """Every hint text the transcript sent to the browser (in its marks)."""
    out = []
    for state in log.states(view.transcript):
        for mark in (state.get("marks") or {}).values():
            out += mark.get("hints", [])
    return out


def test_hints_are_dimmed_on_ordinary_clips_only_and_enter_accepts_one(store, log):
    models = FakeModels(mini_codebook().hash, ROWS)
    view = SessionWidget(CodingSession(store, mini_codebook(), "ana", hints=models))
    # the first clip to resume is c1, in the reliability sample: no hint reaches the browser
    assert view.session.clip.clip_id == "c1"
    assert hints_sent(log, view) == [] and "no hints on this clip" in view.transcript.hint
    assert all("hints" not in m for m in view.transcript.marks.values())
    press(view, "Enter")
    assert store.annotations(clip_id="c1", coder_id="ana") == []
    assert "hints are off" in view.status.value

    set_from_browser(view.queue.clips, index=1)               # the coder opens c2
    assert view.session.clip.clip_id == "c2"
    assert view.transcript.marks["0"]["hints"] == ["Courtesy 91%",
                                                   "Command: softened request 72%"]
    assert view.transcript.marks["2"]["hints"] == ["Courtesy 80%"]
    assert view.transcript.marks["0"]["chips"] == []          # shown, not applied
    assert "Enter accepts" in view.transcript.hint
    assert store.annotations(clip_id="c2", coder_id="ana") == []

    log.clear()
    press(view, "Enter")                                       # on turn 1: accept "Courtesy"
    (a,) = store.annotations(clip_id="c2", coder_id="ana")
    assert (a.code_id, a.utterance_index, a.from_hint) == ("pj_courtesy", 0, True)
    assert view.transcript.marks["0"]["chips"] == ["Courtesy"]
    assert view.transcript.marks["0"]["hints"] == ["Command: softened request 72%"]
    assert "hint accepted" in view.status.value
    # one transcript row re-sent, with the hint gone and the chip there
    (state,) = [s for s in log.states(view.transcript) if "marks" in s]
    assert state["marks"]["0"]["chips"] == ["Courtesy"]
