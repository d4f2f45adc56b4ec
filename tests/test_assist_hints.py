"""Assistance hints in the coding session (issue 16 item 3; ROUND2 "Honest evaluation").

Suggestions are dimmed hints: they never create annotations by themselves, they are off on
clips in the reliability sample, on gold-standard, practice and review work, and an accepted
hint is stored with ``from_hint=True``. The rule lives in :mod:`workbench.coding.hints` and
the session enforces it (a caller cannot record a hint where hints are off).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.test_coding_session import coding_store, mini_codebook
from workbench.coding import CodingSession
from workbench.coding.hints import clip_hints, hints_refusal
from workbench.exceptions import CodingError
from workbench.model import PRESENT, Assignment, AssignmentKind, Layer, Scope, ScopeKind
from workbench.store import Store


class FakeModels:
    """A hint source: fixed probabilities per (turn, code, value); records which clips ran."""

    def __init__(self, codebook_hash: str, rows: list[tuple[int, str, str, float]]) -> None:
        self.codebook_hash = codebook_hash
        self.rows = rows
        self.clips_scored: list[str] = []

    def suggest(self, utterances: pd.DataFrame) -> pd.DataFrame:
        clip = str(utterances["clip_id"].iloc[0])
        self.clips_scored.append(clip)
        n = len(utterances)
        return pd.DataFrame([{"clip_id": clip, "utterance_index": i, "key": f"{c}={v}",
                              "code_id": c, "value": v, "probability": p}
                             for i, c, v, p in self.rows if i < n])


ROWS = [(0, "pj_courtesy", PRESENT, 0.91), (0, "esc_command", "bare_order", 0.55),
        (0, "esc_command", "softened_request", 0.72), (0, "esc_threat", PRESENT, 0.2),
        (2, "pj_courtesy", PRESENT, 0.8), (1, "not_a_code", PRESENT, 0.99)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = coding_store(tmp_path / "store.sqlite")
    yield s
    s.close()


@pytest.fixture
def models() -> FakeModels:
    return FakeModels(mini_codebook().hash, ROWS)


def mine(store: Store, clip: str, coder: str = "ana"):
    return store.annotations(clip_id=clip, coder_id=coder)


def test_hints_are_the_most_probable_value_per_code_above_the_threshold(models):
    store_free = clip_hints(models, [], mini_codebook())
    assert store_free == {}
    from tests.test_coding_session import TURNS
    from workbench.model import Utterance
    turns = [Utterance("c2", i, 0, 1, s, r, t) for i, (s, r, t) in enumerate(TURNS["c2"])]
    hints = clip_hints(models, turns, mini_codebook())
    assert [(h.code_id, h.value) for h in hints[0]] == [("pj_courtesy", PRESENT),
                                                        ("esc_command", "softened_request")]
    assert 1 not in hints   # a code the codebook does not have is dropped
    assert [h.code_id for h in hints[2]] == ["pj_courtesy"]


def test_suggestions_never_create_annotations(store, models):
    session = CodingSession(store, mini_codebook(), "ana", hints=models)
    session.open("c2")
    assert session.hints_off is None and set(session.hints) == {0, 2}
    for key in ("j", "j", "k", "ArrowDown", "j"):    # moving through every turn
        session.press(key)
    assert session.at_clip_form
    session.go(0)
    session.set_note("looked at the hints")
    assert mine(store, "c2") == []
    session.open("c3")
    session.open("c2")
    assert mine(store, "c2") == []


def test_no_hints_on_reliability_clips_and_the_models_are_not_even_run(store, models):
    session = CodingSession(store, mini_codebook(), "ana", hints=models)
    session.open("c1")                                    # ana's c1 is in the overlap sample
    assert session.hints == {} and "reliability sample" in session.hints_off
    assert models.clips_scored == []
    change = session.press("Enter")
    assert "hints are off" in change.message and mine(store, "c1") == []
    with pytest.raises(CodingError, match="reliability sample"):
        session.accept_hint()
    with pytest.raises(CodingError, match="reliability sample"):  # nor by calling apply
        session.apply("pj_courtesy", index=0, from_hint=True)
    assert mine(store, "c1") == []
    session.apply("pj_courtesy", index=0)                 # the coder's own coding still works
    assert [a.from_hint for a in mine(store, "c1")] == [False]


def test_an_accepted_hint_is_recorded_as_such_and_hand_coding_is_not(store, models):
    session = CodingSession(store, mini_codebook(), "ana", hints=models)
    session.open("c2")
    session.go(0)
    change = session.press("Enter")
    assert "hint accepted" in change.message and change.turns == frozenset({0})
    (a,) = mine(store, "c2")
    assert (a.utterance_index, a.code_id, a.value, a.from_hint) == (0, "pj_courtesy",
                                                                    PRESENT, True)
    assert [h.code_id for h in session.hints[0]] == ["esc_command"]   # the next hint
    session.apply("esc_command", "bare_order")            # the coder chooses otherwise
    got = {x.code_id: x.from_hint for x in mine(store, "c2")}
    assert got == {"pj_courtesy": True, "esc_command": False}
    assert 0 not in session.hints                         # nothing left to hint on turn 0
    assert "no hint to accept" in session.press("Enter").message


def test_gold_practice_and_review_work_get_no_hints(store, models):
    store.assign([Assignment("c3", "ben", kind=AssignmentKind.GOLD, position=5)])
    session = CodingSession(store, mini_codebook(), "ben", hints=models)
    session.open("c3")
    assert session.hints == {} and "gold-standard" in session.hints_off
    with pytest.raises(CodingError, match="gold-standard"):
        session.accept_hint()
    practice = Assignment("c3", "ben", kind=AssignmentKind.PRACTICE)
    assert "practice" in hints_refusal(practice)
    assert "review" in hints_refusal(Assignment("c3", "rev", kind=AssignmentKind.REVIEW))
    assert "review" in hints_refusal(Assignment("c3", "rev"), review_layer=True)
    assert hints_refusal(Assignment("c3", "ben")) is None
    assert "reliability" in hints_refusal(Assignment("c3", "ben", reliability=True))
    assert models.clips_scored == []


def test_models_of_another_codebook_give_no_hints(store):
    session = CodingSession(store, mini_codebook(), "ana", hints=FakeModels("0" * 64, ROWS))
    session.open("c2")
    assert session.hints == {} and "another codebook" in session.hints_off


def test_without_models_enter_on_a_turn_does_nothing(store):
    session = CodingSession(store, mini_codebook(), "ana")
    session.open("c2")
    assert session.press("Enter").message == "" and mine(store, "c2") == []
    with pytest.raises(CodingError, match="no suggestion models"):
        session.apply("pj_courtesy", index=0, from_hint=True)


def test_review_re_coding_gets_no_hints(store, models):
    """A reviewer re-coding an audit sample blind (``review:<audit id>`` layer)."""
    store.assign([Assignment("c2", "rev", kind=AssignmentKind.REVIEW)])
    store.add_scope(Scope("rev", ScopeKind.AUDIT_SAMPLE, "A1", frozenset({"c2"})))
    session = CodingSession(store, mini_codebook(), "rev", audit_id="A1", hints=models)
    assert [e.clip_id for e in session.queue] == ["c2"]
    session.open("c2")
    assert session.hints == {} and "review re-coding" in session.hints_off
    assert "hints are off" in session.press("Enter").message
    with pytest.raises(CodingError, match="review re-coding"):
        session.apply("pj_courtesy", index=0, from_hint=True)
    session.apply("pj_courtesy", index=0)
    (a,) = store.annotations(clip_id="c2", coder_id="rev", layer=Layer.REVIEW)
    assert (a.audit_id, a.from_hint) == ("A1", False)
    assert models.clips_scored == []


def test_the_store_refuses_a_hint_flag_where_hints_are_off(store):
    """Direct store callers (a notebook, a script) cannot record a hint on a reliability,
    gold or review unit either; on an ordinary clip they can."""
    ref = mini_codebook().ref
    from workbench.codebook.identity import register_codebook

    register_codebook(store, mini_codebook())
    with pytest.raises(CodingError, match="reliability sample"):
        store.apply_code("ana", "c1", 0, "pj_courtesy", PRESENT, ref, from_hint=True)
    with pytest.raises(CodingError, match="not assigned"):
        store.apply_code("ben", "c3", 0, "pj_courtesy", PRESENT, ref, from_hint=True)
    with pytest.raises(CodingError, match="coder's own layer"):
        store.apply_code("rev", "c2", 0, "pj_courtesy", PRESENT, ref, from_hint=True,
                         layer=Layer.CONSENSUS)
    store.assign([Assignment("c3", "ben", kind=AssignmentKind.GOLD, position=5)])
    with pytest.raises(CodingError, match="gold-standard"):
        store.apply_code("ben", "c3", 0, "pj_courtesy", PRESENT, ref, from_hint=True)
    assert store.annotations(clip_id="c1") == [] and store.annotations(clip_id="c3") == []
    a = store.apply_code("ana", "c2", 0, "pj_courtesy", PRESENT, ref, from_hint=True)
    assert a.from_hint and store.annotations(clip_id="c2")[0].from_hint
