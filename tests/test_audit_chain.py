"""The audit trail is a hash chain: every edit, insertion, deletion or reordering is caught.

Tampering is done the way an attacker with database access would: raw SQL on the tables,
behind the library's back. Each test checks the break is found *and* named at the right
record, by the library and by `bwv audit verify`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from tests.support import schema_v1
from workbench.cli import app
from workbench.exceptions import AuditError
from workbench.model import Clip, CodebookRef, Coder, Role, Utterance
from workbench.project import Project
from workbench.store import Store, default_sqlite_url, migrations
from workbench.store.chain import GENESIS, ChainHead, canonical_json, record_hash, sha256

REF = CodebookRef("stop-search", "1.0.0", "a" * 64)
E = "audit_events"


def _fill(store: Store) -> None:
    """Twelve or so records of ordinary work: a clip, coders, codes, notes."""
    store.put_clip(Clip("c1"), [Utterance("c1", i, i, i + 1, "PC 1", Role.OFFICER, f"turn {i}")
                                for i in range(3)], "h1")
    store.add_coder(Coder("alice"))
    for value in ("present", "absent", "present"):
        store.apply_code("alice", "c1", 0, "pj_courtesy", value, REF)
    store.apply_code("alice", "c1", 1, "pj_voice", "present", REF)
    store.set_note("c1", 1, "alice", note="check this turn", flagged=True)
    store.remove_code("alice", "c1", 1, "pj_voice")
    for i in range(4):
        store.audit("lead", "checked", clip_id="c1", step=i)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    proj = Project.init(tmp_path / "p")
    with proj.open_store() as store:
        _fill(store)
    return proj


def _sql(proj: Project, *statements: str, **params: object) -> None:
    engine = sa.create_engine(proj.store_url)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(sa.text(statement), params)
    engine.dispose()


def _verify(proj: Project, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["audit", "verify", "--project", str(proj.root), *extra])
    return result.exit_code, " ".join(result.output.split())


def _first_break(proj: Project, exported: ChainHead | None = None):  # type: ignore[no-untyped-def]
    with proj.open_store() as store:
        return store.verify_audit(exported).first_break


def test_ordinary_work_makes_an_intact_chain_of_hashes(project: Project) -> None:
    with project.open_store() as store:
        report = store.verify_audit()
        events = store.audit_events()
        applied = store.audit_events(action="code_applied")
    assert report.ok and report.n_records == len(events) >= 10
    assert [e.event_id for e in events] == list(range(1, len(events) + 1))
    assert report.head == ChainHead(len(events), events[-1].hash)
    # the second value superseded the first: old and new content hashes are both kept
    engine = sa.create_engine(project.store_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT old_hash, new_hash FROM audit_events WHERE event_id = :n"),
            {"n": applied[1].event_id}).one()
        columns = {c["name"] for c in sa.inspect(conn).get_columns(E)}
    engine.dispose()
    assert rows.old_hash is not None and rows.new_hash is not None
    assert rows.old_hash != rows.new_hash
    assert "detail" not in columns and "value" not in columns  # hashes only, not content
    code, out = _verify(project)
    assert code == 0 and f"{len(events)} records" in out


@pytest.mark.parametrize(("attack", "n", "kind"), [
    ("UPDATE audit_events SET actor = 'mallory' WHERE event_id = 5", 5, "edited"),
    ("UPDATE audit_events SET created_at = '2020-01-01 00:00:00' WHERE event_id = 3", 3,
     "edited"),
    ("UPDATE audit_details SET detail = :forged WHERE event_id = 9", 9, "detail_edited"),
    ("DELETE FROM audit_details WHERE event_id = 4", 4, "detail_missing"),
    ("DELETE FROM audit_events WHERE event_id = 6", 7, "gap"),
])
def test_each_edit_or_deletion_is_caught_at_its_record(project: Project, attack: str, n: int,
                                                        kind: str) -> None:
    if "DELETE FROM audit_events" in attack:
        _sql(project, "DELETE FROM audit_details WHERE event_id = 6", attack)
    else:
        _sql(project, attack, forged='{"step":99}')
    found = _first_break(project)
    assert found is not None and (found.event_id, found.kind) == (n, kind)
    code, out = _verify(project)
    assert code == 1 and f"BROKEN at record {n}" in out


def test_an_inserted_record_is_caught_even_with_a_valid_hash_of_its_own(
        project: Project) -> None:
    """Shift records 6.. up by one and insert a well-formed record at 6 chained to 5.

    The unique previous-hash refuses two records after 5, so the attacker also re-links the
    shifted record to the forged one — which no longer matches its own hash."""
    with project.open_store() as store:
        prev = store.audit_events()[4].hash
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    detail = canonical_json({"forged": True})
    digest = record_hash(6, at, "mallory", "adjudicated", "c1", None, None, sha256(detail), prev)
    _sql(project,
         "UPDATE audit_details SET event_id = event_id + 1000 WHERE event_id >= 6",
         "UPDATE audit_events SET event_id = event_id + 1000 WHERE event_id >= 6",
         "UPDATE audit_events SET event_id = event_id - 999 WHERE event_id >= 1006",
         "UPDATE audit_details SET event_id = event_id - 999 WHERE event_id >= 1006",
         "UPDATE audit_events SET prev_hash = :h WHERE event_id = 7",
         "INSERT INTO audit_events (event_id, created_at, actor, action, clip_id, detail_hash,"
         " prev_hash, hash) VALUES (6, :at, 'mallory', 'adjudicated', 'c1', :dh, :prev, :h)",
         "INSERT INTO audit_details (event_id, clip_id, detail) VALUES (6, 'c1', :d)",
         at=at.replace(tzinfo=None), dh=sha256(detail), prev=prev, h=digest, d=detail)
    found = _first_break(project)
    assert found is not None and found.event_id == 7 and found.kind == "edited"
    assert _verify(project)[0] == 1


def test_two_records_swapped_are_caught(project: Project) -> None:
    _sql(project,
         "UPDATE audit_details SET event_id = -1 WHERE event_id = 4",
         "UPDATE audit_events SET event_id = -1 WHERE event_id = 4",
         "UPDATE audit_events SET event_id = 4 WHERE event_id = 5",
         "UPDATE audit_details SET event_id = 4 WHERE event_id = 5",
         "UPDATE audit_events SET event_id = 5 WHERE event_id = -1",
         "UPDATE audit_details SET event_id = 5 WHERE event_id = -1")
    found = _first_break(project)
    assert found is not None and found.event_id == 4 and found.kind == "linked_wrongly"
    code, out = _verify(project)
    assert code == 1 and "BROKEN at record 4" in out


def test_records_cut_off_the_end_are_caught_by_the_stored_and_the_exported_head(
        project: Project, tmp_path: Path) -> None:
    head_file = tmp_path / "head.json"
    result = CliRunner().invoke(app, ["audit", "head", "--out", str(head_file),
                                      "--project", str(project.root)])
    assert result.exit_code == 0, result.output
    exported = ChainHead.from_json(head_file.read_text())
    last = exported.event_id
    _sql(project, f"DELETE FROM audit_details WHERE event_id = {last}",
         f"DELETE FROM audit_events WHERE event_id = {last}")
    found = _first_break(project)
    assert found is not None and found.kind == "head"
    # and moving the stored head back too is still caught against the exported head
    with project.open_store() as store, pytest.raises(AuditError, match="missing"):
        store.audit_events()  # reads refuse the cut chain too
    _sql(project, "UPDATE audit_head SET event_id = :n, hash = (SELECT hash FROM audit_events"
                  " WHERE event_id = :n)", n=last - 1)
    assert _first_break(project) is None
    found = _first_break(project, exported)
    assert found is not None and found.kind == "head"
    code, out = _verify(project, "--head", str(head_file))
    assert code == 1 and "before the exported head" in out


def _recompute_from(proj: Project, start: int) -> None:
    """What a careful attacker does after an edit: re-hash every later record and the head."""
    engine = sa.create_engine(proj.store_url)
    with engine.begin() as conn:
        rows = conn.execute(sa.text("SELECT * FROM audit_events ORDER BY event_id")).all()
        prev = GENESIS
        for r in rows:
            if r.event_id >= start:
                created = r.created_at if isinstance(r.created_at, dt.datetime) else \
                    dt.datetime.fromisoformat(r.created_at)
                digest = record_hash(r.event_id, created, r.actor, r.action, r.clip_id,
                                     r.old_hash, r.new_hash, r.detail_hash, prev)
                conn.execute(sa.text("UPDATE audit_events SET prev_hash = :p, hash = :h "
                                     "WHERE event_id = :n"),
                             {"p": prev, "h": digest, "n": r.event_id})
                prev = digest
            else:
                prev = r.hash
        conn.execute(sa.text("UPDATE audit_head SET hash = :h"), {"h": prev})
    engine.dispose()


def test_a_chain_recomputed_after_an_edit_is_caught_against_the_exported_head(
        project: Project, tmp_path: Path) -> None:
    head_file = tmp_path / "head.json"
    assert CliRunner().invoke(app, ["audit", "head", "--out", str(head_file),
                                    "--project", str(project.root)]).exit_code == 0
    _sql(project, "UPDATE audit_events SET actor = 'mallory' WHERE event_id = 5")
    _recompute_from(project, 5)
    assert _first_break(project) is None  # consistent on its own: that is the attack
    code, out = _verify(project, "--head", str(head_file))
    assert code == 1 and "exported head" in out and "rewritten" in out


def test_the_head_of_a_broken_chain_is_not_exported(project: Project) -> None:
    _sql(project, "UPDATE audit_events SET action = 'nothing' WHERE event_id = 2")
    result = CliRunner().invoke(app, ["audit", "head", "--project", str(project.root)])
    assert result.exit_code == 2 and "broken chain" in result.output


def test_reading_a_tampered_record_raises_instead_of_returning_it(project: Project) -> None:
    _sql(project, "UPDATE audit_details SET detail = :d WHERE event_id = 10", d='{"step":7}')
    with project.open_store() as store:
        with pytest.raises(AuditError, match="audit record 10"):
            store.audit_events(action="checked")
        assert len(store.audit_events(action="code_applied")) == 4  # others still read


def test_a_bad_head_file_is_a_clear_error(project: Project, tmp_path: Path) -> None:
    bad = tmp_path / "head.json"
    bad.write_text(json.dumps({"format": "bwv-audit-head", "event_id": 3, "hash": "xyz"}))
    code, out = _verify(project, "--head", str(bad))
    assert code == 2 and "field 'hash'" in out and "head.json" in out


def test_a_version_1_store_is_migrated_and_its_records_chained(store_url: str) -> None:
    engine = sa.create_engine(store_url)
    at = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    with engine.begin() as conn:
        schema_v1.metadata.drop_all(conn)
        schema_v1.metadata.create_all(conn)
        conn.execute(schema_v1.schema_version.insert(),
                     {"version": 1, "description": "initial", "applied_at": at})
        conn.execute(schema_v1.audit_events.insert(), [
            {"created_at": at + dt.timedelta(seconds=i), "actor": "alice",
             "action": "code_applied", "clip_id": "c1", "detail": {"value": str(i)}}
            for i in (1, 2, 3, 4)])
        conn.execute(schema_v1.audit_events.delete().where(  # a gap, as a rolled-back insert
            schema_v1.audit_events.c.event_id == 3))
    engine.dispose()
    store = Store(store_url)
    try:
        with store.transaction.read() as conn:
            assert migrations.current_version(conn) == migrations.LATEST
        events = store.audit_events()
        assert [(e.event_id, e.detail.get("value")) for e in events[:3]] == [
            (1, "1"), (2, "2"), (3, "4")]
        assert [e.action for e in events[3:]] == ["schema_migrated"]  # step 2's own record
        assert events[0].created_at.replace(tzinfo=dt.UTC) == at + dt.timedelta(seconds=1) \
            or events[0].created_at == at + dt.timedelta(seconds=1)
        store.audit("bob", "after_migration")
        report = store.verify_audit()
        assert report.ok and report.n_records == 5
    finally:
        store.close()
        with sa.create_engine(store_url).begin() as conn:
            from workbench.store import schema
            schema.metadata.drop_all(conn)


def test_a_new_store_starts_an_empty_chain(tmp_path: Path) -> None:
    store = Store(default_sqlite_url(tmp_path / "s.sqlite"))
    assert store.audit_head() == ChainHead(0, GENESIS)
    assert store.verify_audit().ok and store.verify_audit().n_records == 0
    store.close()



def test_a_store_that_had_later_steps_first_still_gets_the_chain(tmp_path: Path) -> None:
    """Steps merged out of order: a store with steps 1, 2 and 4 gets step 3 when opened."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    url = default_sqlite_url(tmp_path / "s.sqlite")
    engine = sa.create_engine(url)
    at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    with engine.begin() as conn:
        schema_v1.metadata.create_all(conn)
        conn.execute(schema_v1.schema_version.insert(),
                     {"version": 1, "description": "initial", "applied_at": at})
        conn.execute(schema_v1.audit_events.insert(), {
            "created_at": at, "actor": "alice", "action": "old", "clip_id": None,
            "detail": {"n": 1}})
        op = Operations(MigrationContext.configure(conn))
        for step in migrations.MIGRATIONS:
            if step.version in (2, 4):
                step.upgrade(op)
                conn.execute(schema_v1.schema_version.insert(), {
                    "version": step.version, "description": step.description,
                    "applied_at": at})
    engine.dispose()
    store = Store(url)
    with store.transaction.read() as conn:
        assert migrations.pending(conn) == []
    assert [e.action for e in store.audit_events()] == ["old", "schema_migrated"]
    assert store.verify_audit().ok
    store.close()
