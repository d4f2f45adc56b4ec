"""Erasing a clip removes its text and codes, is audited, admin only, and keeps the chain."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from workbench.cli import app
from workbench.exceptions import AccessError, AuditError, ParameterError, StoreError
from workbench.model import Clip, CodebookRef, Coder, Role, UserRole, Utterance
from workbench.project import Project
from workbench.review.adjudication import decisions
from workbench.store import Store
from workbench.store.audit import CLIP_ERASED

REF = CodebookRef("stop-search", "1.0.0", "a" * 64)
SECRET = "my name is Jo Bloggs"


def _clip(store: Store, clip_id: str) -> None:
    store.put_clip(Clip(clip_id, borough="Lambeth", ethnicity="W1"),
                   [Utterance(clip_id, i, i, i + 1, "Subject", Role.SUBJECT,
                              f"{SECRET} ({clip_id} turn {i})") for i in range(3)], clip_id)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    proj = Project.init(tmp_path / "p")
    with proj.open_store() as store:
        store.add_coder(Coder("lead", roles={UserRole.ADMIN, UserRole.REVIEWER}))
        store.add_coder(Coder("alice"))
        for clip_id in ("c1", "c2"):
            _clip(store, clip_id)
            store.apply_code("alice", clip_id, 0, "pj_voice", "present", REF,
                             note=f"code note on {clip_id}")
            store.set_note(clip_id, 1, "alice", note=f"turn note on {clip_id}")
            store.audit("lead", "adjudicated", clip_id=clip_id, utterance_index=0,
                        code_id="pj_voice", value="present", rationale=f"said so on {clip_id}")
    return proj


def _dump(url: str) -> str:
    """Every value in every table, as text: what a reader of the database file could see."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        names = sa.inspect(conn).get_table_names()
        text = " ".join(str(tuple(r)) for n in names
                        for r in conn.execute(sa.text(f"SELECT * FROM {n}")))
    engine.dispose()
    return text


def test_erasure_removes_text_codes_and_details_and_the_chain_still_verifies(
        project: Project) -> None:
    with project.open_store() as store:
        before = len(store.audit_events())
        report = store.erase_clip("c1", actor="lead", reason="retention: 6 years elapsed")
        assert report.rows["utterances"] == 3 and report.rows["annotations"] == 1
        assert report.rows["utterance_notes"] == 1 and report.details_cleared >= 3
        assert not store.has_clip("c1") and store.annotations(clip_id="c1") == []
        assert store.utterances("c1") == [] and store.notes(clip_id="c1") == []
        assert store.utterances("c2")[0].text.startswith(SECRET)  # c2 kept
        verified = store.verify_audit()
        assert verified.ok and verified.n_records == before + 1
        assert verified.n_erased == report.details_cleared
        [erased] = store.audit_events(action=CLIP_ERASED)
        assert (erased.actor, erased.clip_id) == ("lead", "c1")
        assert erased.detail["reason"] == "retention: 6 years elapsed"
        # the erased clip's events still read (detail empty), and decisions skip nothing else
        assert all(e.detail == {} for e in store.audit_events(clip_id="c1")
                   if e.action != CLIP_ERASED)
        assert set(decisions(store)) == {("c2", 0, "pj_voice")}
    dump = _dump(project.store_url)
    assert "c2 turn" in dump and "code note on c2" in dump and "said so on c2" in dump
    for left in ("c1 turn", "code note on c1", "turn note on c1", "said so on c1", "W1', 'c1"):
        assert left not in dump


def test_only_an_admin_erases_and_a_reason_is_required(project: Project) -> None:
    with project.open_store() as store:
        with pytest.raises(AccessError, match="admin"):
            store.erase_clip("c1", actor="alice", reason="request")
        with pytest.raises(ParameterError, match="reason"):
            store.erase_clip("c1", actor="lead", reason="  ")
        with pytest.raises(StoreError, match="unknown clip"):
            store.erase_clip("nope", actor="lead", reason="request")
        assert store.has_clip("c1") and store.audit_events(action=CLIP_ERASED) == []


def test_a_detail_cleared_without_an_erasure_record_is_caught(project: Project) -> None:
    engine = sa.create_engine(project.store_url)
    with engine.begin() as conn:  # pretend to erase: point at a record that is no erasure
        conn.execute(sa.text("UPDATE audit_details SET detail = NULL, erased_by = 2 "
                             "WHERE clip_id = 'c1'"))
    engine.dispose()
    with project.open_store() as store:
        report = store.verify_audit()
        assert not report.ok and report.first_break.kind == "detail_missing"
        with pytest.raises(AuditError):
            decisions(store)


def test_bwv_clip_erase(project: Project) -> None:
    runner = CliRunner()
    refused = runner.invoke(app, ["--as", "alice", "clip", "erase", "c1", "--reason",
                                  "request 17", "--project", str(project.root)],
                            env={"BWV_USER": ""})
    assert refused.exit_code == 2 and "may not erase clip" in refused.output
    done = runner.invoke(app, ["--as", "lead", "clip", "erase", "c1", "--reason",
                               "request 17", "--project", str(project.root)],
                         env={"BWV_USER": ""})
    assert done.exit_code == 0, done.output
    assert "clip c1 erased: 3 utterances" in " ".join(done.output.split())
    verify = runner.invoke(app, ["audit", "verify", "--project", str(project.root)])
    assert verify.exit_code == 0 and "intact" in verify.output


def test_decisions_refuse_an_edited_adjudication(project: Project) -> None:
    with project.open_store() as store:
        [event, _] = store.audit_events(action="adjudicated")
    engine = sa.create_engine(project.store_url)
    with engine.begin() as conn:  # the attack of the issue: change who decided and what
        conn.execute(sa.text("UPDATE audit_events SET actor = 'alice' WHERE event_id = :n"),
                     {"n": event.event_id})
    engine.dispose()
    with project.open_store() as store, pytest.raises(AuditError, match="edited"):
        decisions(store)
