"""A reviewer re-codes an audit sample in the ordinary coding session and widget (issue 14):
the queue is the sample, the original coding is hidden, codes go to ``review:<audit>`` and
hints are off. Session-level (UI-free ``workbench.coding``) and widget-level (the launcher).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.test_coding_session import coding_store, mini_codebook
from tests.test_widgets_parts import make_project
from widgets.recording import click, recording
from widgets.session import SessionWidget
from workbench.codebook import Codebook
from workbench.coding import CodingSession
from workbench.model import PRESENT, AssignmentStatus, Layer, UnitType
from workbench.review.audit_sample import AuditDesign, draw_sample, open_review
from workbench.store import Store, default_sqlite_url

AUDIT = "A1"


def _code_and_audit(store: Store) -> list[str]:
    """ana codes c2 and c3 (coded once), finishes them; rev is given both, blind."""
    ref = mini_codebook().ref
    store.apply_code("ana", "c2", 0, "pj_courtesy", PRESENT, ref)
    store.apply_code("ana", "c3", 0, "esc_command", "bare_order", ref)
    for clip in ("c2", "c3"):
        store.set_progress(clip, "ana", status=AssignmentStatus.DONE)
    sample = draw_sample(store, AuditDesign(AUDIT, size=2, seed=1), mini_codebook())
    open_review(store, sample, ["rev"], lead="rev")
    return sample.clip_ids


def _originals(store: Store) -> list[tuple]:
    return sorted((a.clip_id, a.utterance_index, a.code_id, a.value, a.layer_name)
                  for a in store.annotations(layer=None) if a.layer != Layer.REVIEW)


class _EverySuggestion:
    """A suggestion source that suggests every code's first option on every turn."""

    def __init__(self, codebook: Codebook) -> None:
        self.codebook, self.codebook_hash = codebook, codebook.ref.hash

    def suggest(self, utterances: pd.DataFrame) -> pd.DataFrame:
        rows = [(r.clip_id, r.utterance_index, c.id, c.option_keys()[0], 0.9)
                for r in utterances.itertuples() for c in self.codebook.codes
                if c.unit == UnitType.UTTERANCE and c.option_keys()]
        return pd.DataFrame(rows, columns=["clip_id", "utterance_index", "code_id", "value",
                                           "probability"])


def test_the_review_session_queues_the_sample_blind_with_hints_off(tmp_path: Path) -> None:
    owner = coding_store(tmp_path / "store.sqlite")
    try:
        clips = _code_and_audit(owner)
        before = _originals(owner)
    finally:
        owner.close()
    assert clips == ["c2", "c3"]
    rev = Store(default_sqlite_url(tmp_path / "store.sqlite"), as_user="rev")
    try:
        plain = CodingSession(rev, mini_codebook(), "rev")
        assert plain.queue == []  # review work stays out of the plain queue
        session = CodingSession(rev, mini_codebook(), "rev", audit_id=AUDIT,
                                hints=_EverySuggestion(mini_codebook()))
        assert [e.clip_id for e in session.queue] == clips
        session.open("c2")
        assert session.hints == {} and "review re-coding" in (session.hints_off or "")
        assert all(not t.codes for t in session.turns)  # ana's courtesy on turn 0 is hidden
        session.apply("esc_command", "bare_order", index=0)
        session.apply("out_find", "nothing")
        session.apply("gow_grounds", "not_applicable")
        session.finish_clip(checked=True)
        mine = rev.annotations(clip_id="c2", layer=Layer.REVIEW)
        assert sorted((a.audit_id, a.code_id, a.value) for a in mine) == [
            (AUDIT, "esc_command", "bare_order"), (AUDIT, "gow_grounds", "not_applicable"),
            (AUDIT, "out_find", "nothing")]
        assert rev.annotations(clip_id="c2", coder_id="ana") == []  # still blind
        done = {a.clip_id: a.status for a in rev.assignments(coder_id="rev")}
        assert done["c2"] == AssignmentStatus.DONE
    finally:
        rev.close()
    owner = Store(default_sqlite_url(tmp_path / "store.sqlite"))
    try:
        assert _originals(owner) == before  # the original layer is untouched
    finally:
        owner.close()


def test_the_launcher_opens_the_coding_widget_on_the_review_queue(tmp_path: Path) -> None:
    from widgets.launch import recode_audit, start_session

    project = make_project(tmp_path)
    owner = Store(default_sqlite_url(project / "store.sqlite"))
    try:
        clips = _code_and_audit(owner)
        before = _originals(owner)
    finally:
        owner.close()
    with recording() as log:
        [view] = recode_audit(AUDIT, "rev", project, show=False).children
        assert isinstance(view, SessionWidget)
        assert view.session.audit_id == AUDIT and view.session.hints == {}
        assert view.session.store.user_id == "rev"  # acts as the reviewer: the store's rules
        assert "review A1" in view.header.value and "hints off" in view.header.value
        assert [v for _, v in view.queue.clips.options] == clips
        assert view.session.clip.clip_id == "c2"
        assert view.transcript.marks == {}  # ana's courtesy on turn 0 is not shown …
        assert "'Courtesy'" not in " ".join(str(m.data) for m in log.messages)  # … nor sent
        click(view._panel().buttons[("pj_explains_action", PRESENT)])
        assert view.transcript.marks["0"]["chips"] == ["Explains action"]
    owner = Store(default_sqlite_url(project / "store.sqlite"))
    try:
        review = [(a.coder_id, a.code_id, a.layer_name) for a in owner.annotations(
            clip_id="c2", layer=Layer.REVIEW)]
        assert review == [("rev", "pj_explains_action", "review:A1")]
        assert _originals(owner) == before
    finally:
        owner.close()
    # not a reviewer of the audit (or no such audit): a message, not a traceback
    [message] = start_session("ana", project, show=False, audit="A9").children
    assert "no clips of audit 'A9'" in message.value


@pytest.mark.parametrize("audit", ["", AUDIT])
def test_a_hinted_value_is_refused_only_on_the_review_layer(tmp_path: Path, audit: str) -> None:
    from workbench.exceptions import AccessError, CodingError

    owner = coding_store(tmp_path / "store.sqlite")
    try:
        _code_and_audit(owner)
        ref = mini_codebook().ref
        if audit:
            with pytest.raises(AccessError, match="hint"):
                owner.apply_code("rev", "c2", 0, "pj_courtesy", PRESENT, ref,
                                 layer=Layer.REVIEW, audit_id=audit, from_hint=True)
        else:  # the coder's own layer on an ordinary clip takes a hint; the reliability clip not
            row = owner.apply_code("ana", "c2", 1, "pj_courtesy", PRESENT, ref,
                                   from_hint=True)
            assert row.from_hint
            with pytest.raises(CodingError, match="reliability sample"):
                owner.apply_code("ana", "c1", 0, "pj_courtesy", PRESENT, ref, from_hint=True)
    finally:
        owner.close()
