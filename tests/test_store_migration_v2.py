"""Schema step 2 (people and layers) on a version-1 store: roles kept, duplicates repaired."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.support import schema_v1
from workbench.exceptions import AccessError
from workbench.model import AnnotationStatus, CodebookRef, CoderStatus, Layer, UserRole
from workbench.store import Store, migrations

REF = CodebookRef("stop-search", "1.0.0", "h")


def _old_store(url: str) -> None:
    """A version-1 store with a reviewer, a coder, and duplicate active values left by races."""
    engine = sa.create_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as conn:
        schema_v1.metadata.create_all(conn)
        conn.execute(schema_v1.schema_version.insert(),
                     {"version": 1, "description": "initial", "applied_at": now})
        conn.execute(schema_v1.clips.insert(), {"clip_id": "k1", "ingested_at": now,
                                                "extra": {}, "synthetic": True})
        conn.execute(schema_v1.coders.insert(), [
            {"coder_id": "ana", "name": "Ana", "is_reviewer": False},
            {"coder_id": "rev", "name": "Rev", "is_reviewer": True}])
        row = {"clip_id": "k1", "code_id": "pj_courtesy", "codebook_id": REF.codebook_id,
               "codebook_version": REF.version, "codebook_hash": REF.hash, "note": "",
               "status": "active", "created_at": now}
        conn.execute(schema_v1.annotations.insert(), [
            {**row, "utterance_index": 0, "value": v, "coder_id": "ana", "layer": "coder"}
            for v in ("present", "absent", "present")] + [
            {**row, "utterance_index": None, "value": "x", "coder_id": c, "layer": "consensus"}
            for c in ("rev", "consensus_auto")] + [
            {**row, "utterance_index": 1, "value": "present", "coder_id": "ana",
             "layer": "coder"}])
    engine.dispose()


def test_a_version_1_store_is_upgraded_repairing_duplicates_and_keeping_reviewers(
        store_url: str) -> None:
    _old_store(store_url)
    store = Store(store_url)
    with store.transaction.read() as conn:
        assert migrations.current_version(conn) == migrations.LATEST
        cols = {c["name"] for c in sa.inspect(conn).get_columns("coders")}
    assert "is_reviewer" not in cols
    people = {c.coder_id: c for c in store.coders()}
    assert people["rev"].roles == {UserRole.CODER, UserRole.REVIEWER}
    assert people["ana"].roles == {UserRole.CODER}
    assert people["ana"].status == CoderStatus.CERTIFIED
    active = store.annotations(layer=None)
    # newest of the three on (k1, 0) kept; newest consensus on the clip kept; (k1, 1) untouched
    assert sorted((-1 if a.utterance_index is None else a.utterance_index, a.layer,
                   a.annotation_id) for a in active) == [
        (-1, Layer.CONSENSUS, 5), (0, Layer.CODER, 3), (1, Layer.CODER, 6)]
    superseded = store.annotations(layer=None, statuses=(AnnotationStatus.SUPERSEDED,))
    assert sorted(a.annotation_id for a in superseded) == [1, 2, 4]
    event = store.audit_events(action="duplicates_superseded")[0]
    assert event.detail["n"] == 3 and sorted(event.detail["annotation_ids"]) == [1, 2, 4]
    # the reviewer flag became a role the access rules use
    assert Store.open(store_url, as_user="rev").principal.has(UserRole.REVIEWER)
    with pytest.raises(AccessError):
        Store.open(store_url, as_user="ana").set_roles("ana", [UserRole.ADMIN])
    store.close()


def test_after_the_upgrade_a_second_active_value_is_impossible(store_url: str) -> None:
    _old_store(store_url)
    store = Store(store_url)
    with pytest.raises(sa.exc.IntegrityError), store.transaction() as conn:
        conn.execute(sa.text(
            "UPDATE annotations SET status = 'active' WHERE annotation_id = 1"))
    assert len(store.annotations(layer=Layer.CODER)) == 2
    store.close()


def _shape(url: str) -> dict[str, tuple[set[str], set[str]]]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        shape = {t: ({c["name"] for c in inspector.get_columns(t)},
                     set(conn.execute(sa.text(  # expression indexes too (not reflected)
                         "SELECT name FROM sqlite_master WHERE type = 'index' AND "
                         "tbl_name = :t AND name NOT LIKE 'sqlite_autoindex%'"), {"t": t})
                         .scalars()))
                 for t in inspector.get_table_names()}
    engine.dispose()
    return shape


def test_an_upgraded_store_has_the_tables_of_a_new_one(tmp_path) -> None:
    old, new = (f"sqlite:///{tmp_path / name}" for name in ("old.sqlite", "new.sqlite"))
    _old_store(old)
    Store(old).close()
    Store(new).close()
    shape = _shape(new)
    assert "uq_annotations_active_layer" in shape["annotations"][1]
    assert _shape(old) == shape
