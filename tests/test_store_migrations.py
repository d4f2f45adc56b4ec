"""Schema versions: a new store is stamped; an old one is upgraded without losing work."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.operations import Operations

from workbench.exceptions import StoreError
from workbench.model import Clip, CodebookRef, Role, Utterance
from workbench.store import Store, default_sqlite_url, migrations


def test_new_store_is_stamped_with_the_latest_version(tmp_path) -> None:
    store = Store(default_sqlite_url(tmp_path / "s.sqlite"))
    with store.transaction.read() as conn:
        assert migrations.current_version(conn) == migrations.LATEST


def test_an_added_step_upgrades_an_existing_store_and_keeps_annotations(
        tmp_path, monkeypatch) -> None:
    url = default_sqlite_url(tmp_path / "s.sqlite")
    store = Store(url)
    store.put_clip(Clip("c1"), [Utterance("c1", 0, 0, 1, "PC 1", Role.OFFICER, "hi")], "h")
    store.apply_code("alice", "c1", 0, "pj_courtesy", "present",
                     CodebookRef("stop-search", "1.0.0", "x"))
    store.close()

    def add_confidence(op: Operations) -> None:
        op.add_column("annotations", sa.Column("confidence", sa.Float, nullable=True))

    step = migrations.Migration(migrations.LATEST + 1, "annotation confidence", add_confidence)
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, step))
    monkeypatch.setattr(migrations, "LATEST", step.version)
    upgraded = Store(url)
    with upgraded.transaction.read() as conn:
        assert migrations.current_version(conn) == step.version
        cols = {c["name"] for c in sa.inspect(conn).get_columns("annotations")}
    assert "confidence" in cols
    assert [a.code_id for a in upgraded.annotations()] == ["pj_courtesy"]


def test_a_store_newer_than_the_workbench_is_refused(tmp_path, monkeypatch) -> None:
    url = default_sqlite_url(tmp_path / "s.sqlite")
    Store(url).close()
    monkeypatch.setattr(migrations, "LATEST", 0)
    with pytest.raises(StoreError, match="newer than this workbench"):
        Store(url)
