"""The coding-session widget, driven as the browser would drive it, checked in the store.

Front-end events are simulated with the comm messages JupyterLab sends (a button's click, a
trait update, the transcript's custom key/goto messages); what the browser receives is read
from a recording comm (:mod:`widgets.recording`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import ipywidgets as W
import pytest

from tests.test_coding_session import coding_store, mini_codebook
from widgets.recording import (
    MessageLog,
    click,
    recording,
    send_from_browser,
    set_from_browser,
)
from widgets.session import SessionWidget
from workbench.coding import CodingSession
from workbench.model import PRESENT, AssignmentStatus
from workbench.store import Store


# ---- what the front end sends --------------------------------------------------------------
def press(view: SessionWidget, key: str, pointed: str | None = None) -> None:
    """A key pressed in the session; ``pointed``: the code button under the pointer."""
    send_from_browser(view.transcript, {"type": "key", "key": key, "code": pointed})


def click_turn(view: SessionWidget, index: int) -> None:
    send_from_browser(view.transcript, {"type": "goto", "index": index})


# ---- fixtures ------------------------------------------------------------------------------
@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = coding_store(tmp_path / "store.sqlite")
    yield s
    s.close()


@pytest.fixture
def log() -> Iterator[MessageLog]:
    with recording() as messages:
        yield messages


def open_view(store: Store, coder: str = "ana") -> SessionWidget:
    return SessionWidget(CodingSession(store, mini_codebook(), coder))


@pytest.fixture
def view(store: Store, log: MessageLog) -> SessionWidget:
    return open_view(store)


def code_button(view: SessionWidget, code_id: str, value: str = PRESENT) -> W.Button:
    return view._panel().buttons[(code_id, value)]


def stored(store: Store, clip: str = "c1", coder: str = "ana") -> dict[tuple, str]:
    return {(a.utterance_index, a.code_id): a.value
            for a in store.annotations(clip_id=clip, coder_id=coder)}


# ---- opening -------------------------------------------------------------------------------
def test_opening_shows_queue_metadata_and_turns_but_no_outcome(view: SessionWidget,
                                                               log: MessageLog):
    assert view.queue.clips.options[0] == ("○ c1 · to do", "c1")   # opened, not yet coded
    assert view.queue.summary.value == "<small>0 done · 0 in progress · 3 to do (of 3)</small>"
    assert [t["role"] for t in view.transcript.turns] == ["officer", "subject", "officer",
                                                          "third_party"]
    assert view.transcript.current == 0
    assert "Lambeth" in view.meta.value and "SYNTHETIC DATA" in view.meta.value
    sent = " ".join(str(m.data) for m in log.messages)
    for hidden in ("Arrested", "White British", "18-24", "truth_trajectory"):
        assert hidden not in sent


def test_the_officer_panel_lists_its_groups_with_shortcut_keys(view: SessionWidget):
    panel = view._panel()
    assert view.body.children[1] is panel
    assert view.side.children[:2] == (view.status, view.help)   # status line on top, always
    headers = [c.value for c in panel.children if isinstance(c, W.HTML)]
    assert "<kbd>1</kbd> <b>Officer procedural justice</b>" in headers[0]
    assert code_button(view, "pj_courtesy").description == "Courtesy [c]"
    assert "Include: Greetings and thanks" in code_button(view, "pj_courtesy").tooltip
    assert ("subj_resistance", "passive") not in panel.buttons


# ---- applying and removing by click --------------------------------------------------------
def test_clicking_a_code_applies_it_and_clicking_again_removes_it(view, store, log):
    button = code_button(view, "pj_courtesy")
    click(button)
    assert stored(store) == {(0, "pj_courtesy"): PRESENT}
    assert button.button_style == "success"
    assert view.transcript.marks["0"]["chips"] == ["Courtesy"]
    click(button)
    assert stored(store) == {}
    assert button.button_style == "" and view.transcript.marks["0"]["chips"] == []


def test_clicking_options_sets_replaces_and_clears_a_categorical_code(view, store):
    click(code_button(view, "pj_responds_to_question", "answers"))
    click(code_button(view, "pj_responds_to_question", "ignores"))
    assert stored(store) == {(0, "pj_responds_to_question"): "ignores"}
    assert view.transcript.marks["0"]["chips"] == ["Responds to question: ignores"]
    assert code_button(view, "pj_responds_to_question", "answers").button_style == ""
    click(code_button(view, "pj_responds_to_question", "ignores"))
    assert stored(store) == {}


def test_a_code_action_re_renders_only_what_changed(view, log):
    log.clear()
    button = code_button(view, "esc_threat")
    click(button)
    assert log.opened() == 0
    updated = log.updated()
    # the first code of a clip also moves it to "in progress" in the queue
    queue = {view.queue.bar.model_id, view.queue.summary.model_id, view.queue.clips.model_id}
    assert set(updated) - queue == {view.transcript.model_id, button.model_id,
                                    view.status.model_id}
    assert updated[view.transcript.model_id] == {"marks"}
    log.clear()
    click(code_button(view, "pj_courtesy"))
    assert set(log.updated()) == {view.transcript.model_id,
                                  code_button(view, "pj_courtesy").model_id,
                                  view.status.model_id}
    assert updated[button.model_id] == {"button_style"}


# ---- keys ----------------------------------------------------------------------------------
def test_shortcut_keys_apply_codes_and_move_between_turns(view, store):
    press(view, "e")
    press(view, "2")
    press(view, "c")       # shared by two groups: group 2 picked first -> esc_command
    assert stored(store) == {(0, "pj_explains_action"): PRESENT,
                             (0, "esc_command"): "softened_request"}
    assert code_button(view, "esc_command", "softened_request").button_style == "success"
    press(view, "Backspace")
    assert (0, "esc_command") not in stored(store)
    assert "Command cleared" in view.status.value
    press(view, "j")
    assert view.transcript.current == 1
    assert store.assignments("ana", "c1")[0].last_utterance == 1
    assert ("subj_resistance", "compliant") in view._panel().buttons
    press(view, "s")
    assert stored(store)[(1, "subj_resistance")] == "compliant"
    press(view, "ArrowUp")
    assert view.transcript.current == 0


def test_an_ambiguous_shortcut_explains_itself_and_stores_nothing(view, store):
    press(view, "c")
    assert "press the group's number (1 or 2)" in view.status.value
    assert stored(store) == {}


@pytest.mark.parametrize(("keys", "pointed"), [(["?", "t"], None), (["?"], "esc_threat")])
def test_question_mark_shows_the_definition_rules_and_examples(view, store, keys, pointed):
    for key in keys:
        press(view, key, pointed)
    assert "The officer threatens cuffs, arrest or force." in view.help.value
    assert "Keep doing that and you&#x27;ll be in cuffs." in view.help.value
    assert stored(store) == {}


# ---- navigation, notes, flag ---------------------------------------------------------------
def test_buttons_and_clicked_turns_move_the_highlight_and_are_saved(view, store):
    click(view.next_button)
    click(view.next_button)
    assert view.transcript.current == 2
    click(view.previous_button)
    click_turn(view, 3)
    assert view.transcript.current == 3
    assert store.assignments("ana", "c1")[0].last_utterance == 3
    click_turn(view, 4)                     # the end row: the clip-level form
    assert view.body.children == (view.done_row, view.clip_form)
    assert view.side.children == (view.status, view.help, view.body)


def test_notes_and_flags_typed_in_the_browser_are_saved_per_turn(view, store):
    click_turn(view, 2)
    set_from_browser(view.note, value="hands near waistband")
    set_from_browser(view.flag, value=True)
    [note] = store.notes(clip_id="c1", coder_id="ana")
    assert (note.utterance_index, note.note, note.flagged) == (2, "hands near waistband", True)
    assert view.transcript.marks["2"]["note"] == "hands near waistband"
    assert view.transcript.marks["2"]["flag"] is True
    click_turn(view, 1)                     # moving shows turn 1's empty note, saving nothing
    assert (view.note.value, view.flag.value) == ("", False)
    assert len(store.notes(clip_id="c1", coder_id="ana")) == 1


# ---- clip done -----------------------------------------------------------------------------
def test_clip_done_refuses_an_incomplete_form_then_opens_the_next_clip(view, store):
    click_turn(view, 4)
    click(view.done_button)
    assert "still needs Find; Grounds explained" in view.status.value
    assert "still needs: Find; Grounds explained" in view.done_button.tooltip
    assert store.assignments("ana", "c1")[0].status == AssignmentStatus.TODO
    click(view.clip_form.buttons[("out_find", "nothing")])
    click(view.clip_form.buttons[("gow_grounds", "not_applicable")])
    assert view.transcript.end_chips == ["Find: nothing", "Grounds explained: not applicable"]
    assert view.done_button.tooltip == "3 turns not opened yet"      # turns 2, 3 and 4
    click(view.done_button)
    assert "3 of 4 turns were never opened (turns 2, 3, 4)" in view.status.value
    assert store.assignments("ana", "c1")[0].status == AssignmentStatus.IN_PROGRESS
    set_from_browser(view.checked, value=True)
    click(view.done_button)
    assert store.assignments("ana", "c1")[0].status == AssignmentStatus.DONE
    assert view.session.clip.clip_id == "c2" and view.transcript.turns[0]["speaker"] == "PC Baker"
    assert view.queue.bar.value == 1
    assert view.queue.clips.options[0] == ("✓ c1 · done", "c1")


def test_picking_a_clip_in_the_queue_opens_it(view, store):
    set_from_browser(view.queue.clips, index=2)
    assert view.session.clip.clip_id == "c3"
    assert store.assignments("ana", "c3")[0].status == AssignmentStatus.TODO
    press(view, "e")
    assert store.assignments("ana", "c3")[0].status == AssignmentStatus.IN_PROGRESS
    assert view.queue.clips.options[2] == ("▶ c3 · in progress", "c3")


# ---- autosave and resume -------------------------------------------------------------------
def test_a_new_widget_resumes_with_everything_shown_as_applied(store, log):
    first = open_view(store)
    click(code_button(first, "pj_courtesy"))
    press(first, "j")
    press(first, "d")
    set_from_browser(first.note, value="crying")
    press(first, "j")
    again = Store(store.url)               # a restarted kernel: new connection, new widget
    second = open_view(again)
    assert second.transcript.current == 2
    assert second.transcript.marks["0"]["chips"] == ["Courtesy"]
    assert second.transcript.marks["1"] == {"chips": ["Distress"], "note": "crying",
                                            "flag": False,
                                            "codes": [["subj_distress", PRESENT, 6]]}
    click_turn(second, 0)
    assert code_button(second, "pj_courtesy").button_style == "success"
    again.close()


# ---- blind coding --------------------------------------------------------------------------
def test_a_coder_sees_nothing_of_another_coders_work_on_a_reliability_clip(store, log):
    ben = open_view(store, "ben")
    click(code_button(ben, "pj_courtesy"))
    set_from_browser(ben.note, value="ben-was-here")
    log.clear()
    ana = open_view(store, "ana")
    assert ana.session.clip.clip_id == "c1"
    assert ana.transcript.marks == {}
    assert "ben-was-here" not in " ".join(str(m.data) for m in log.messages)
    assert code_button(ana, "pj_courtesy").button_style == ""


# ---- errors and the codebook browser -------------------------------------------------------
def test_an_error_is_shown_to_the_coder_and_nothing_is_stored(view, store):
    before = store.table_counts()
    view._choose("subj_resistance", "passive")   # a subject code on an officer turn
    assert "applies to subject turns" in view.status.value
    assert "bwv-status--error" in view.status.value
    assert store.table_counts() == before


@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ("threat", ["esc_threat"], ["pj_courtesy"]),
    ("", ["esc_threat", "pj_courtesy", "out_find"], []),
])
def test_the_codebook_browser_filters_as_the_coder_types(view, query, shown, hidden):
    set_from_browser(view.browser.search, value=query)
    for code_id in shown:
        assert f"data-code='{code_id}'" in view.browser.results.value
    for code_id in hidden:
        assert f"data-code='{code_id}'" not in view.browser.results.value
    assert f"{len(shown) if query else 10} of 10 codes" in view.browser.count.value


def test_a_lone_question_mark_shows_the_key_map_beside_the_codes(view, store):
    press(view, "?")
    assert "<kbd>Space</kbd> media: play / pause" in view.help.value
    assert "<kbd>c</kbd> Courtesy (Officer procedural justice)" in view.help.value
    assert "bwv-help--shown" in view.help._dom_classes
    assert view.side.children.index(view.help) == 1        # right under the status line
    press(view, "Escape")
    assert view.help.value == "" and "bwv-help--shown" not in view.help._dom_classes
    assert stored(store) == {}


# ---- keys shown at once: the forecast the front end paints before Python confirms ----------
def _forecast_chips(mark: dict, entry: dict) -> list[str]:
    """What transcript.js paints for a key: the code's chip replaced by its next value's."""
    held = [(c[0], c[1], c[2], chip) for c, chip in zip(mark.get("codes", []),
                                                           mark.get("chips", []), strict=True)]
    now = next((v for c, v, _, _ in held if c == entry["code"]), "")
    new = entry["next"][now]
    rest = [h for h in held if h[0] != entry["code"]]
    if new is not None:
        rest.append((entry["code"], new, entry["order"], entry["chips"][new]))
    return [chip for *_, chip in sorted(rest, key=lambda h: h[2])]


@pytest.mark.parametrize("book", ["mini", "stop-search@1.2.0"])
def test_the_forecast_of_every_step_key_is_what_the_session_then_shows(store, log, book):
    """Each key the front end paints at once, from every value the code can hold: the
    painted chips equal the marks Python sends after storing the key (the truth)."""
    from workbench.codebook.loading import load_ref
    codebook = mini_codebook() if book == "mini" else load_ref(book)
    view = SessionWidget(CodingSession(store, codebook, "ana"))
    session = view.session
    checked = 0
    for index, turn in enumerate(view.transcript.turns):
        click_turn(view, index)
        for key, entry in view.transcript.forecast[turn["role"]].items():
            code = codebook.code(entry["code"])
            other = next((c for _, cs in session.panel() for c in cs if c.id != code.id
                          and c.level == "nominal"), None)
            if other is not None:                        # another chip on the turn, too
                view._act(lambda o=other: session.apply(o.id))
            for now in entry["next"]:
                if now:
                    view._act(lambda c=code.id, v=now: session.apply(c, v))
                elif session.value(code.id) is not None:
                    view._act(lambda c=code.id: session.remove(c))
                painted = _forecast_chips(view.transcript.marks.get(str(index), {}), entry)
                press(view, key)
                assert view.transcript.marks[str(index)]["chips"] == painted, (key, now)
                checked += 1
            for c in (code, other):
                if c is not None and session.value(c.id) is not None:
                    view._act(lambda c=c: session.remove(c.id))
    assert checked > (20 if book == "mini" else 80)


def test_every_key_is_answered_after_its_marks_and_says_whether_to_guess_on(view, log):
    log.clear()
    send_from_browser(view.transcript, {"type": "key", "key": "e", "code": None, "seq": 1})
    sent = [m for m in log.messages if m.comm_id == view.transcript.model_id]
    kinds = [m.data.get("method") for m in sent]
    assert kinds[-1] == "custom" and "update" in kinds[:-1]   # the marks come first
    assert sent[-1].data["content"] == {"type": "ack", "seq": 1, "view": None,
                                         "guess": True}
    assert view.transcript.marks["0"]["codes"] == [["pj_explains_action", PRESENT, 1]]
    send_from_browser(view.transcript, {"type": "key", "key": "?", "code": None, "seq": 2})
    assert log.messages[-1].data["content"]["guess"] is False
    send_from_browser(view.transcript, {"type": "key", "key": "t", "code": None, "seq": 3})
    assert log.messages[-1].data["content"]["guess"]      # the help was shown, not a code


def test_a_refused_key_is_still_answered_so_the_front_end_rolls_back(view, store, log,
                                                                    monkeypatch):
    from workbench.exceptions import AccessError

    def refuse(*_args, **_kwargs):
        raise AccessError("Ana is retired and codes no more")
    monkeypatch.setattr(view.session.store, "apply_code", refuse)
    log.clear()
    send_from_browser(view.transcript, {"type": "key", "key": "e", "code": None, "seq": 7,
                                        "view": "v1"})
    assert log.messages[-1].data["content"] == {"type": "ack", "seq": 7, "view": "v1",
                                                "guess": True}
    assert "retired" in view.status.value and "bwv-status--error" in view.status.value
    assert view.transcript.marks.get("0", {}).get("chips", []) == [] and stored(store) == {}


def test_the_clip_form_shows_its_letters_and_bang_ticks_the_check_box(view, store):
    click_turn(view, 4)
    labels = " ".join(w.value for w in view.clip_form.rows.values()
                      if isinstance(w, W.HTML)) + " ".join(
        w.children[0].value for w in view.clip_form.rows.values() if isinstance(w, W.HBox))
    assert "Find [a]" in labels and "[b]" in labels
    press(view, "?")
    assert "<kbd>a</kbd> Find" in view.help.value
    assert "<kbd>!</kbd> clip-level form: tick / untick" in view.help.value
    press(view, "Escape")
    press(view, "!")
    assert view.checked.value and "ticked" in view.status.value
    set_from_browser(view.checked, value=False)          # and the box back to the session
    assert not view.session.checked
