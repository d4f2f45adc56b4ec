"""The reviewer's panel by keyboard, with context limited to the turns around a disagreement
(or, for a clip-level code, the turns the coders cited), numbered as coders see them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.test_adjudication import review_codebook, review_store
from tests.test_coding_session import coding_store
from widgets.adjudication import AdjudicationPanel
from widgets.recording import send_from_browser
from workbench.codebook import load_ref
from workbench.model import Layer
from workbench.review.adjudication import find_disagreements
from workbench.review.citations import review_context


@pytest.fixture
def panel(tmp_path: Path):
    codebook = review_codebook()
    store = review_store(tmp_path / "review.sqlite", codebook)
    yield AdjudicationPanel(store, codebook, "rev")
    store.close()


def key(panel: AdjudicationPanel, name: str) -> None:
    send_from_browser(panel.keyboard, {"type": "key", "key": name})


def test_a_number_chooses_the_value_and_ctrl_enter_decides_with_the_rationale(panel):
    assert panel.current.code_id == "pj_responds_to_question"
    assert "<kbd>1</kbd> Answers" in panel.values.value      # ana's value and its key
    assert "<kbd>2</kbd> Ignores" in panel.values.value      # ben's
    key(panel, "2")
    assert panel.chosen == "ignores" and "chosen: Ignores" in panel.status.value
    key(panel, "submit")                                      # no rationale yet: refused
    assert "rationale is required" in panel.status.value and panel.n_decided == 0
    panel.rationale.value = "He walks off without answering."
    key(panel, "submit")
    [row] = panel.store.annotations(layer=Layer.CONSENSUS)
    assert (row.code_id, row.value) == ("pj_responds_to_question", "ignores")
    assert panel.n_decided == 1 and panel.current.is_open     # moved on to the next open


def test_n_and_p_move_and_a_number_beyond_the_values_is_explained(panel):
    key(panel, "n")
    second = panel.position
    key(panel, "p")
    assert (second, panel.position) == (1, 0)
    key(panel, "9")
    assert "there are 4 values, not 9" in panel.status.value and panel.chosen is None


def test_turns_are_numbered_as_coders_see_them(panel):
    assert "turn 1" in panel.header.value                     # utterance 0
    current = re.findall(r"bwv-turn--current'[^>]*>(.*?)</div>", panel.context.value)
    assert "turn 1 · PC 1" in current[0]


def test_a_clip_level_code_shows_the_turns_the_coders_cited_not_the_whole_clip(tmp_path):
    codebook = load_ref("stop-search@1.2.0")
    store = coding_store(tmp_path / "s.sqlite")
    ref = codebook.ref
    store.apply_code("ana", "c1", 0, "legal_explanation", "legal_power", ref)
    store.apply_code("ben", "c1", 2, "legal_explanation", "grounds", ref)
    store.apply_code("ana", "c1", None, "gow_grounds", "generic", ref)
    store.apply_code("ben", "c1", None, "gow_grounds", "specific", ref)
    [item] = [d for d in find_disagreements(store, codebook, viewer="rev")
              if d.code_id == "gow_grounds"]
    assert len(item.context) == 4                            # the library keeps every turn
    shown = review_context(store, codebook, item, "rev")
    assert [t.index for t in shown.turns] == [0, 2]
    assert shown.cited == {0: ("ana",), 2: ("ben",)}
    assert shown.summary.startswith("2 of 4 turns cited by the coders")
    panel = AdjudicationPanel(store, codebook, "rev", disagreements=[item])
    assert "turn 3 · PC Adams" in panel.context.value and "(cited by ben)" in panel.context.value
    assert "Leave him alone!" not in panel.context.value     # turn 4: not cited
    store.close()


def test_with_no_turn_cited_a_summary_says_so(tmp_path):
    codebook = load_ref("stop-search@1.2.0")
    store = coding_store(tmp_path / "s.sqlite")
    store.apply_code("ana", "c1", None, "gow_grounds", "generic", codebook.ref)
    store.apply_code("ben", "c1", None, "gow_grounds", "none", codebook.ref)
    [item] = find_disagreements(store, codebook, viewer="rev")
    shown = review_context(store, codebook, item, "rev")
    assert shown.turns == () and shown.summary.startswith("4 turns; no coder cited a turn")
    store.close()


def test_ctrl_enter_decides_with_the_text_the_browser_had(panel):
    """The textarea's last keystrokes may sync after Ctrl+Enter: the key carries the text."""
    key(panel, "2")
    panel.rationale.value = "He walks off without answer"  # the sync lagged one keystroke
    send_from_browser(panel.keyboard, {"type": "key", "key": "submit",
                                       "text": "He walks off without answering."})
    [row] = panel.store.annotations(layer=Layer.CONSENSUS)
    assert row.note.endswith("He walks off without answering.")
