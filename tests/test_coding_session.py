"""The coding-session rules (UI-free): queue, roles, applying codes, keys, resume, blind coding.

``coding_store`` builds a small hand-checked synthetic project that the widget tests reuse.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from workbench.codebook.book import Codebook
from workbench.codebook.loading import load_codebook, load_ref
from workbench.coding import CodingSession, grouped
from workbench.coding.keys import KeyMap, form_letters, interpret, next_value, step_keys, steps
from workbench.exceptions import CodebookError, CodingError, StoreError
from workbench.model import (
    PRESENT,
    REVIEWER_ROLES,
    AnnotationStatus,
    Assignment,
    AssignmentStatus,
    Clip,
    Coder,
    Role,
    Utterance,
)
from workbench.store import Store, default_sqlite_url

FIXTURE_CODEBOOK = Path(__file__).parent / "data" / "widgets" / "mini-codebook.yaml"

#: (speaker, role, text) per clip — synthetic wording.
TURNS: dict[str, list[tuple[str, Role, str]]] = {
    "c1": [("PC Adams", Role.OFFICER, "Evening. I'm stopping you under section 23."),
           ("Subject", Role.SUBJECT, "What for? I've done nothing."),
           ("PC Adams", Role.OFFICER, "You were seen passing something. Hands out, please."),
           ("Bystander", Role.THIRD_PARTY, "Leave him alone!")],
    "c2": [("PC Baker", Role.OFFICER, "Hello, can I have a word?"),
           ("Subject", Role.SUBJECT, "Sure."),
           ("PC Baker", Role.OFFICER, "Thanks, you're free to go.")],
    "c3": [("PS Cole", Role.OFFICER, "Stop there."),
           ("Subject", Role.SUBJECT, "Okay, okay.")],
}
#: coder -> [(clip, reliability)] in queue order.
ASSIGNED = {"ana": [("c1", True), ("c2", False), ("c3", False)],
            "ben": [("c1", True), ("c2", False)]}


def mini_codebook() -> Codebook:
    return load_codebook(FIXTURE_CODEBOOK)


def coding_store(where: Path | str, turns: dict[str, list[tuple[str, Role, str]]] = TURNS
                 ) -> Store:
    """A store (SQLite file at a path, or a URL) with coders ana, ben (coders) and rev
    (reviewer), the clips of ``turns`` (metadata includes hidden fields) and the
    ``ASSIGNED`` queues."""
    store = Store(default_sqlite_url(where) if isinstance(where, Path) else where)
    for coder in (Coder("ana", "Ana"), Coder("ben", "Ben"), Coder("rev", "Rev", REVIEWER_ROLES)):
        store.add_coder(coder)
    for clip_id, rows in turns.items():
        clip = Clip(clip_id, source_file=f"{clip_id}.vtt", borough="Lambeth", bcu="Central South",
                    date=date(2026, 3, 1), power="MDA s23", outcome="Arrested (recorded outcome)",
                    ethnicity="White British", age_band="18-24", gender="male", n_officers=2,
                    duration=95.0, extra={"object": "drugs", "truth_trajectory": "calm"},
                    synthetic=True)
        utterances = [Utterance(clip_id, i, 4.0 * i, 4.0 * i + 3.5, speaker, role, text)
                      for i, (speaker, role, text) in enumerate(rows)]
        store.put_clip(clip, utterances, source_hash=f"hash-{clip_id}")
    store.assign(Assignment(clip_id, coder, reliability, position=i)
                 for coder, clips in ASSIGNED.items()
                 for i, (clip_id, reliability) in enumerate(clips))
    return store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = coding_store(tmp_path / "store.sqlite")
    yield s
    s.close()


@pytest.fixture
def session(store: Store) -> CodingSession:
    s = CodingSession(store, mini_codebook(), "ana")
    s.open()
    return s


def active(store: Store, coder: str = "ana", clip: str = "c1") -> dict[tuple, str]:
    return {(a.utterance_index, a.code_id): a.value
            for a in store.annotations(clip_id=clip, coder_id=coder)}


# ---- queue, progress, resume ---------------------------------------------------------------
def test_queue_is_in_assignment_order_and_the_first_code_marks_the_clip_in_progress(
        store: Store):
    session = CodingSession(store, mini_codebook(), "ana")
    assert [e.clip_id for e in session.queue] == ["c1", "c2", "c3"]
    assert session.progress.summary() == "0 done · 0 in progress · 3 to do (of 3)"
    change = session.open()
    assert change.clip and not change.queue            # opening is not working on it
    assert session.clip is not None and session.clip.clip_id == "c1"
    assert store.assignments("ana", "c1")[0].status == AssignmentStatus.TODO
    change = session.apply("pj_courtesy")
    assert change.queue and session.progress.in_progress == 1
    assert store.assignments("ana", "c1")[0].status == AssignmentStatus.IN_PROGRESS
    assert [e.action for e in store.audit_events(clip_id="c1")] == [
        "clip_added", "turn_visited", "clip_in_progress", "code_applied"]
    assert not session.apply("pj_explains_action").queue   # only the first edit


def test_resume_opens_the_clip_in_progress_at_the_last_position(store: Store):
    store.set_progress("c2", "ana", status=AssignmentStatus.IN_PROGRESS, last_utterance=2)
    session = CodingSession(store, mini_codebook(), "ana")
    session.open()
    assert (session.clip.clip_id, session.index) == ("c2", 2)


def test_opening_a_clip_assigned_to_someone_else_is_refused(store: Store):
    session = CodingSession(store, mini_codebook(), "ben")
    with pytest.raises(CodingError, match="'c3' is not assigned to coder 'ben'"):
        session.open("c3")


def test_an_unknown_coder_is_refused(store: Store):
    with pytest.raises(StoreError, match="unknown coder 'zoe'"):
        CodingSession(store, mini_codebook(), "zoe")


def test_a_changed_codebook_under_a_used_version_is_refused(store: Store, tmp_path: Path):
    CodingSession(store, mini_codebook(), "ana")
    changed = tmp_path / "changed.yaml"
    changed.write_text(FIXTURE_CODEBOOK.read_text().replace(
        "The officer threatens cuffs", "The officer threatens handcuffs"))
    with pytest.raises(CodebookError, match="immutable once used"):
        CodingSession(store, load_codebook(changed), "ana")


# ---- what the coder sees -------------------------------------------------------------------
def test_metadata_shows_context_but_never_outcome_or_demographics(store: Store):
    session = CodingSession(store, mini_codebook(), "ana", visible_extra=["object", "outcome"])
    session.open()
    assert session.metadata == {"Borough": "Lambeth", "BCU": "Central South",
                                "Date": "2026-03-01", "Power": "MDA s23", "Officers": "2",
                                "Duration": "1:35", "Object": "drugs"}


@pytest.mark.parametrize(("index", "role", "codes"), [
    (0, Role.OFFICER, ["pj_courtesy", "pj_explains_action", "pj_responds_to_question",
                       "esc_command", "esc_threat", "evt_search_begins"]),
    (1, Role.SUBJECT, ["subj_resistance", "subj_distress", "evt_search_begins"]),
    (3, Role.THIRD_PARTY, ["evt_search_begins"]),
    (4, None, ["out_find", "gow_grounds"]),
])
def test_the_panel_holds_the_codes_for_the_speakers_role_grouped(session, index, role, codes):
    session.go(index)
    assert (session.current.role if session.current else None) == role
    assert [c.id for _, group in session.panel() for c in group] == codes
    groups = [g.id for g, _ in session.panel()]
    assert groups == sorted(groups, key=[g.id for g in session.codebook.groups].index)


# ---- applying and removing -----------------------------------------------------------------
def test_applying_a_code_persists_it_at_once_with_the_codebook_version(session, store):
    change = session.apply("pj_courtesy")
    assert change.turns == {0}
    [row] = store.annotations(clip_id="c1", coder_id="ana")
    assert (row.utterance_index, row.code_id, row.value) == (0, "pj_courtesy", PRESENT)
    assert (row.codebook_id, row.codebook_version, row.codebook_hash) == (
        "mini-stop-search", "1.0.0", session.codebook.hash)


def test_clicking_an_applied_code_again_takes_it_off(session, store):
    session.toggle("pj_courtesy")
    session.toggle("pj_courtesy")
    assert active(store) == {}
    rows = store.annotations(clip_id="c1", statuses=list(AnnotationStatus))
    assert [r.status for r in rows] == [AnnotationStatus.REMOVED]


def test_clicking_another_option_replaces_the_value(session, store):
    session.toggle("esc_command", "bare_order")
    session.toggle("esc_command", "softened_request")
    assert active(store) == {(0, "esc_command"): "softened_request"}


@pytest.mark.parametrize(("code", "value", "index", "error", "match"), [
    ("subj_resistance", "passive", 0, CodingError,
     "Resistance applies to subject turns; turn 1 is an officer turn"),
    ("pj_courtesy", None, 1, CodingError, "applies to officer turns"),
    ("pj_responds_to_question", None, 0, CodingError, "needs a value: Answers, Ignores"),
    ("esc_command", "shouting", 0, CodebookError, "allowed: none, softened_request"),
    ("pj_courtesy", None, 4, CodingError, "at the clip-level form"),
    ("no_such_code", None, 0, CodebookError, "not a code of mini-stop-search"),
])
def test_a_code_that_does_not_fit_is_refused_and_nothing_is_stored(
        session, store, code, value, index, error, match):
    before = store.table_counts()
    with pytest.raises(error, match=match):
        session.apply(code, value, index=index)
    assert store.table_counts() == before
    assert all(not t.codes for t in session.turns)


def test_clip_level_codes_go_on_the_clip_wherever_the_coder_is(session, store):
    session.apply("out_find", "nothing")
    assert active(store) == {(None, "out_find"): "nothing"}
    assert session.clip_codes == {"out_find": "nothing"}


# ---- keys ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("key", "active_group", "kind", "target"), [
    ("j", None, "next", None),
    ("ArrowDown", None, "next", None),
    ("k", None, "previous", None),
    ("ArrowUp", None, "previous", None),
    ("?", None, "help", None),
    ("2", None, "group", "officer_escalation"),
    ("e", None, "code", "pj_explains_action"),
    ("E", None, "code", "pj_explains_action"),
    ("c", None, "none", None),  # shared by two groups: ambiguous
    ("c", "officer_pj", "code", "pj_courtesy"),
    ("c", "officer_escalation", "code", "esc_command"),
    ("s", None, "none", None),  # a subject code: not on an officer turn
    ("9", None, "none", None),
    ("Tab", None, "none", None),
])
def test_keys_map_to_actions_on_an_officer_turn(session, key, active_group, kind, target):
    action = interpret(key, session.panel(), active_group)
    assert action.kind == kind
    assert (action.code_id or action.group_id) == target


def test_shortcuts_step_through_values_and_move_on(session, store):
    session.press("e")                                   # nominal on
    session.press("2")
    session.press("c")                    # esc_command: its first real level, never "none"
    assert active(store) == {(0, "pj_explains_action"): PRESENT,
                             (0, "esc_command"): "softened_request"}
    seen = []
    for _ in range(3):                                   # steps wrap round, never off
        session.press("2")
        session.press("c")
        seen.append(active(store)[(0, "esc_command")])
    assert seen == ["bare_order", "repeated_or_shouted", "softened_request"]
    change = session.press("Backspace")                  # clearing is its own key
    assert "Command cleared" in change.message
    assert (0, "esc_command") not in active(store)
    session.press("j")
    assert store.assignments("ana", "c1")[0].last_utterance == 1
    session.press("s")                                   # subject turn: resistance
    assert active(store)[(1, "subj_resistance")] == "compliant"
    session.press("k")
    session.press("e")                                   # nominal off again
    assert (0, "pj_explains_action") not in active(store)


def test_a_shared_shortcut_is_not_guessed(session, store):
    change = session.press("c")
    assert "press the group's number (1 or 2)" in change.message
    assert active(store) == {}


@pytest.mark.parametrize(("keys", "pointed", "help_for"), [
    (["?", "t"], None, "esc_threat"),
    (["?"], "pj_courtesy", "pj_courtesy"),
    (["?", "Escape", "t"], None, None),   # cancelled: 't' applies the code instead
])
def test_question_mark_shows_a_codes_definition_without_coding(session, store, keys, pointed,
                                                               help_for):
    changes = [session.press(k, pointed) for k in keys]
    assert changes[-1].help == help_for
    assert (active(store) == {}) == (help_for is not None)


# ---- navigation, notes, flags --------------------------------------------------------------
def test_navigation_stops_at_the_ends_and_the_clip_form_follows_the_last_turn(session):
    assert session.previous() == session.previous()  # already at 0: nothing changes
    for _ in range(10):
        session.next()
    assert session.index == 4 and session.at_clip_form and session.current is None


def test_notes_and_flags_are_saved_per_utterance(session, store):
    session.go(2)
    session.set_note("officer reaches for bag")
    session.set_flag(True)
    [note] = store.notes(clip_id="c1", coder_id="ana")
    assert (note.utterance_index, note.note, note.flagged) == (2, "officer reaches for bag", True)
    session.go(4)
    with pytest.raises(CodingError, match="clip-level form"):
        session.set_flag(True)


# ---- finishing a clip and resuming ---------------------------------------------------------
def test_clip_done_needs_every_clip_level_code_then_opens_the_next_clip(session, store):
    with pytest.raises(CodingError, match="still needs Find; Grounds explained"):
        session.finish_clip()
    session.apply("out_find", "nothing")
    session.apply("gow_grounds", "not_applicable")
    with pytest.raises(CodingError, match=r"3 of 4 turns were never opened \(turns 2, 3, 4\)"):
        session.finish_clip()
    for _ in range(4):
        session.next()
    change = session.finish_clip()
    assert change.clip and "clip c1 done" in change.message
    assert store.assignments("ana", "c1")[0].status == AssignmentStatus.DONE
    assert session.clip.clip_id == "c2"
    assert session.progress.summary() == "1 done · 0 in progress · 2 to do (of 3)"


def test_finishing_the_last_clip_leaves_no_clip_open(store):
    session = CodingSession(store, mini_codebook(), "ben")
    for _ in range(2):
        session.open()
        session.apply("out_find", "nothing")
        session.apply("gow_grounds", "none")
        change = session.finish_clip(checked=True)
    assert session.clip is None and "All assigned clips are done" in change.message
    with pytest.raises(CodingError, match="no clip is open"):
        session.apply("pj_courtesy")


def test_a_new_session_resumes_with_everything_that_was_applied(store, tmp_path):
    first = CodingSession(store, mini_codebook(), "ana")
    first.open()
    first.apply("pj_courtesy")
    first.next()
    first.apply("subj_resistance", "verbal_refusal")
    first.set_note("raised voice")
    first.next()
    store.close()  # as if the kernel died
    again = Store(store.url)
    second = CodingSession(again, mini_codebook(), "ana")
    second.open()
    assert (second.clip.clip_id, second.index) == ("c1", 2)
    assert second.turns[0].codes == {"pj_courtesy": PRESENT}
    assert second.turns[1].codes == {"subj_resistance": "verbal_refusal"}
    assert second.turns[1].note == "raised voice"
    again.close()


# ---- blind coding --------------------------------------------------------------------------
def test_a_coder_never_sees_another_coders_work_on_a_reliability_clip(store, monkeypatch):
    ben = CodingSession(store, mini_codebook(), "ben")
    ben.open("c1")
    ben.apply("pj_courtesy")
    ben.apply("out_find", "other_item")
    ben.set_note("ben's note")
    calls = []
    real = store.annotations

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(store, "annotations", spy)
    ana = CodingSession(store, mini_codebook(), "ana")
    ana.open("c1")
    assert all(not t.codes and not t.note for t in ana.turns) and ana.clip_codes == {}
    assert calls and all(c.get("viewer") == "ana" for c in calls)
    assert len(real(clip_id="c1", viewer="ana")) == 0  # the library hides ben's rows


# ---- the real codebook's keys --------------------------------------------------------------
def test_stop_search_leaves_j_and_k_free_for_moving_between_turns():
    keymap = KeyMap.for_codebook(load_ref("stop-search@1.0.0"))
    assert keymap.next_keys == {"j", "ArrowDown"}
    assert keymap.previous_keys == {"k", "ArrowUp"}


@pytest.mark.parametrize(("key", "role", "code"), [
    ("r", Role.OFFICER, "deesc_reassurance"),
    ("R", Role.SUBJECT, "subj_resistance"),
    ("r", Role.SUBJECT, "subj_resistance"),   # no exact match: case is ignored
    ("z", Role.OFFICER, "deesc_calm_after_provocation"),
    ("x", Role.THIRD_PARTY, "evt_handcuffs"),
])
def test_stop_search_shortcuts_resolve_per_role(key, role, code):
    codebook = load_ref("stop-search@1.0.0")
    panel = grouped(codebook, codebook.codes_for("utterance", role))
    action = interpret(key, panel, None, KeyMap.for_codebook(codebook))
    assert (action.kind, action.code_id) == ("code", code)


# ---- both back-ends ------------------------------------------------------------------------
def test_a_coding_round_trip_works_on_sqlite_and_postgresql(store_url: str):
    store = coding_store(store_url)
    ben = CodingSession(store, mini_codebook(), "ben")
    ben.open("c1")
    ben.apply("pj_courtesy")
    ana = CodingSession(store, mini_codebook(), "ana")
    ana.open()
    ana.apply("esc_command", "bare_order")
    ana.next()
    ana.set_flag(True)
    ana.apply("out_find", "nothing")
    ana.apply("gow_grounds", "specific")
    ana.finish_clip(checked=True)
    again = CodingSession(store, mini_codebook(), "ana")
    again.open("c1")
    assert again.turns[0].codes == {"esc_command": "bare_order"}   # not ben's courtesy
    assert again.turns[1].flagged and again.index == 1
    assert store.assignments("ana", "c1")[0].status == AssignmentStatus.DONE
    store.close()


# ---- clip status that means something ------------------------------------------------------
def test_done_with_unvisited_turns_needs_the_explicit_check_and_is_audited(session, store):
    session.apply("out_find", "nothing")
    session.apply("gow_grounds", "none")
    session.finish_clip(checked=True)
    assert store.assignments("ana", "c1")[0].status == AssignmentStatus.DONE
    [skip] = store.audit_events(clip_id="c1", action="clip_done_with_unvisited_turns")
    assert skip.detail == {"unvisited": 3, "turns": 4}


def test_visits_survive_a_new_session(store):
    first = CodingSession(store, mini_codebook(), "ana")
    first.open()
    first.go(2)
    again = CodingSession(store, mini_codebook(), "ana")
    again.open("c1")
    assert again.unvisited() == [1, 3]


def test_editing_a_done_clip_reopens_it_and_the_audit_says_what_was_edited(session, store):
    session.apply("out_find", "nothing")
    session.apply("gow_grounds", "none")
    session.finish_clip(checked=True)
    session.open("c1")
    assert store.assignments("ana", "c1")[0].status == AssignmentStatus.DONE  # only looking
    change = session.apply("pj_courtesy")
    assert change.queue
    assert store.assignments("ana", "c1")[0].status == AssignmentStatus.IN_PROGRESS
    [reopened] = store.audit_events(clip_id="c1", action="clip_reopened")
    assert (reopened.actor, reopened.detail) == ("ana", {
        "code_id": "pj_courtesy", "utterance_index": 0, "value": PRESENT})
    assert [e.status for e in session.queue][:1] == [AssignmentStatus.IN_PROGRESS]


def test_a_note_is_an_edit_too(session, store):
    session.set_note("unclear audio")
    assert store.assignments("ana", "c1")[0].status == AssignmentStatus.IN_PROGRESS


# ---- set codes (codebook 1.2.0) ------------------------------------------------------------
def _gowisely_session(store: Store) -> CodingSession:
    session = CodingSession(store, load_ref("stop-search@1.2.0"), "ana")
    session.open()
    return session


def test_a_set_code_takes_several_elements_by_key_and_stores_one_canonical_value(store):
    session = _gowisely_session(store)
    prompt = session.press("l")
    assert "1 Grounds · 2 Object" in prompt.message and active(store) == {}
    session.press("2")                                   # object
    session.press("1")                                   # and grounds: both stay
    assert active(store) == {(0, "legal_explanation"): "grounds+object"}
    message = session.press("7").message                 # 7 = detained; labels in order
    assert "Gives a GOWISELY element: Grounds + Object + You are detained" in message
    assert active(store) == {(0, "legal_explanation"): "detained+grounds+object"}
    session.press("2")                                   # object off again
    session.press("Escape")
    session.press("1")                                   # now a group number, not an element
    assert active(store) == {(0, "legal_explanation"): "detained+grounds"}


def test_clicking_an_element_toggles_it_and_the_last_one_off_removes_the_code(store):
    session = _gowisely_session(store)
    session.toggle("legal_explanation", "object")
    session.toggle("legal_explanation", "grounds")
    assert session.value("legal_explanation") == "grounds+object"
    session.toggle("legal_explanation", "object")
    session.toggle("legal_explanation", "grounds")
    assert active(store) == {}
    with pytest.raises(CodebookError, match="canonical form"):
        session.apply("legal_explanation", "object+grounds")


# ---- the clip-level form by keyboard -------------------------------------------------------
def test_the_clip_form_is_filled_by_keyboard_and_enter_finishes_the_clip(session, store):
    for _ in range(4):
        session.press("j")
    assert session.at_clip_form and session.form_code.id == "out_find"
    change = session.press("3")                          # Find: 3rd option, "nothing"
    assert active(store)[(None, "out_find")] == "nothing"
    assert session.form_code.id == "gow_grounds" and "next: Grounds explained" in change.message
    session.press("ArrowLeft")
    assert session.form_code.id == "out_find"
    assert "has 3 values, not 9" in session.press("9").message
    session.press("ArrowRight")
    session.press("4")                                   # Grounds: not applicable
    assert active(store)[(None, "gow_grounds")] == "not_applicable"
    change = session.press("Enter")
    assert "clip c1 done" in change.message
    assert store.assignments("ana", "c1")[0].status == AssignmentStatus.DONE


def test_clip_form_items_have_letters_and_bang_confirms_the_check_for_enter(session, store):
    assert session.form_keys == {"a": "out_find", "b": "gow_grounds"}
    session.go(4)                                        # turns 2–4 never opened
    session.press("b")                                   # a letter goes to its item
    assert session.form_code.id == "gow_grounds"
    assert session.press("?").keymap and session.press("a").help == "out_find"
    assert session.form_code.id == "gow_grounds"         # help moved nothing
    session.press("4")                                   # Grounds: not applicable
    session.press("a")
    session.press("3")                                   # Find: nothing
    assert active(store) == {(None, "gow_grounds"): "not_applicable",
                             (None, "out_find"): "nothing"}
    with pytest.raises(CodingError, match=r"3 of 4 turns were never opened .*\(key !\)"):
        session.press("Enter")
    assert "ticked (3 turns never opened; audited)" in session.press("!").message
    assert "withdrawn" in session.press("!").message and not session.checked
    session.press("!")
    assert "clip c1 done" in session.press("Enter").message
    assert store.assignments("ana", "c1")[0].status == AssignmentStatus.DONE
    [skip] = store.audit_events(clip_id="c1", action="clip_done_with_unvisited_turns")
    assert skip.detail == {"unvisited": 3, "turns": 4}
    assert not session.checked                           # the next clip starts unchecked


def test_form_letters_leave_out_session_keys_and_codebook_shortcuts():
    codes = [c for c in load_ref("stop-search@1.2.0").codes if c.unit == "clip"]
    letters = form_letters(codes, KeyMap.for_codebook(load_ref("stop-search@1.2.0")))
    assert list(letters) == [c.id for c in codes]        # all 13 items, in form order
    assert "".join(letters.values()) == "abcdefghilmno"  # j and k move between turns
    with_key = [codes[0].model_copy(update={"shortcut": "a"}), *codes[1:3]]
    assert form_letters(with_key) == {codes[1].id: "b", codes[2].id: "c"}


def test_step_keys_are_the_keys_whose_effect_is_one_codes_next_value(session):
    officer = step_keys(session.panel_for(Role.OFFICER), session.keymap)
    # 'c' is shared by two groups (a number settles it): never a step key
    assert {k: c.id for k, c in officer.items()} == {
        "e": "pj_explains_action", "E": "pj_explains_action", "r": "pj_responds_to_question",
        "R": "pj_responds_to_question", "t": "esc_threat", "T": "esc_threat",
        "b": "evt_search_begins", "B": "evt_search_begins"}
    book = load_ref("stop-search@1.2.0")
    panel = grouped(book, book.codes_for("utterance", Role.OFFICER))
    keys = step_keys(panel, KeyMap.for_codebook(book))
    assert "l" not in keys and "o" in keys               # a set code asks for its element
    command = book.code("esc_command")
    assert steps(command) == {v: next_value(command, v) for v in (None, *command.option_keys())}
    assert steps(command)[None] == "softened_request" and None not in steps(command).values()


def test_a_long_list_of_missing_items_is_shortened_in_the_refusal(store):
    session = CodingSession(store, load_ref("stop-search@1.2.0"), "ana")
    session.open()
    with pytest.raises(CodingError, match=r"still needs Opening move; Grounds given \(quality\); "
                                          r"Object of the search given; and 10 more$"):
        session.finish_clip()
