"""Bundles: export a store, import it into an empty one, lose nothing, refuse what is wrong.

The round trip goes SQLite → PostgreSQL (the real server the tests start) → SQLite, and
compares every value of every table, read straight from the databases with SQL.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from workbench.bundle import (
    FORMAT_VERSION,
    Manifest,
    export_bundle,
    import_bundle,
    open_bundle,
    read_manifest,
)
from workbench.cli import app
from workbench.codebook.identity import register_codebook
from workbench.codebook.loading import load_ref
from workbench.exceptions import AuditError, BundleError
from workbench.model import Assignment, Clip, Coder, Layer, Role, UserRole, Utterance
from workbench.project import Project
from workbench.review.adjudication import decide, decisions
from workbench.store import Store, default_sqlite_url, schema


def _fill(store: Store) -> None:
    """A bit of everything: unicode, floats, dates, NULLs, JSON, superseded rows, decisions,
    an erased clip (cleared audit details) and a codebook."""
    codebook = load_ref("stop-search@1.0.0")
    register_codebook(store, codebook)
    store.add_coder(Coder("lead", "Lead Reviewer", roles={UserRole.ADMIN, UserRole.REVIEWER}))
    store.add_coder(Coder("alice", "Alice Ó Súilleabháin"))
    store.add_coder(Coder("bob"))
    for n, clip_id in enumerate(("c1", "c2", "c3")):
        clip = Clip(clip_id, source_file=f"{clip_id}.vtt", borough="Lambeth" if n else None,
                    date=dt.date(2022, 3, 1 + n), duration=61.25 + n / 3, n_officers=n or None,
                    extra={"audio": "good", "nested": {"k": [1, 2.5, None]}}, synthetic=True)
        store.put_clip(clip, [Utterance(clip_id, i, i * 1.1, i * 1.1 + 0.7,
                                        "PC 1" if i % 2 == 0 else "Subject",
                                        Role.OFFICER if i % 2 == 0 else Role.SUBJECT,
                                        f"turn {i} — “quoted” ✓ {clip_id}") for i in range(4)],
                       f"hash-{clip_id}")
    store.assign([Assignment(c, coder, reliability=True, position=i)
                  for i, c in enumerate(("c1", "c2", "c3")) for coder in ("alice", "bob")])
    ref = codebook.ref
    for coder, value in (("alice", "bare_order"), ("bob", "softened_request")):
        store.apply_code(coder, "c2", 0, "esc_command", "none", ref)
        store.apply_code(coder, "c2", 0, "esc_command", value, ref, note=f"{coder} thinks so")
    store.set_note("c2", 1, "alice", note="unclear audio", flagged=True)
    decide(store, ("c2", 0), "esc_command", "bare_order", "lead", "no please, no reason",
           codebook=codebook)
    store.erase_clip("c3", actor="lead", reason="retention")


def _dump(url: str) -> dict[str, list[tuple]]:
    """Every row of every bundled table, normalised (UTC times, parsed JSON), by SQL."""
    engine = sa.create_engine(url)
    out: dict[str, list[tuple]] = {}
    with engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            if table.name in ("schema_version",):
                continue
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(_norm(c, r._mapping[c.name]) for c in table.columns)
                               for r in rows]
    engine.dispose()
    return out


def _norm(column: sa.Column, value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else \
            value.astimezone(dt.UTC)
    if isinstance(column.type, sa.JSON) and isinstance(value, str):
        return json.loads(value)
    return value


def _without_trip_records(dump: dict[str, list[tuple]], head: int) -> dict[str, list[tuple]]:
    """The chain of the original store: records after its head describe the trip itself."""
    trimmed = dict(dump)
    for name in ("audit_events", "audit_details"):
        trimmed[name] = [r for r in dump[name] if r[0] <= head]
    trimmed.pop("audit_head")
    return trimmed


@pytest.fixture
def source(tmp_path: Path) -> Store:
    store = Store(default_sqlite_url(tmp_path / "source.sqlite"))
    _fill(store)
    yield store
    store.close()


@pytest.mark.slow
def test_round_trip_sqlite_postgresql_sqlite_is_lossless(source: Store, tmp_path: Path,
                                                         postgres_url: str) -> None:
    original = _dump(source.url)
    head = source.audit_head().event_id
    first = export_bundle(source, tmp_path / "one.zip", actor="lead")
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        schema.metadata.drop_all(conn)
    engine.dispose()
    pg = Store(postgres_url)
    try:
        report = import_bundle(pg, tmp_path / "one.zip", actor="lead")
        assert report.head.event_id == head
        assert _without_trip_records(_dump(postgres_url), head) == \
            _without_trip_records(original, head)
        assert pg.verify_audit().ok
        # the restored store works: new annotations get fresh ids, decisions read the same
        assert decisions(pg) == decisions(source)
        pg.apply_code("alice", "c1", 2, "pj_courtesy", "present",
                      load_ref("stop-search@1.0.0").ref)
        pg_head = pg.audit_head().event_id
        export_bundle(pg, tmp_path / "two", actor="lead")
    finally:
        pg.close()
        with sa.create_engine(postgres_url).begin() as conn:
            schema.metadata.drop_all(conn)
    back = Store(default_sqlite_url(tmp_path / "back.sqlite"))
    import_bundle(back, tmp_path / "two", actor="lead")
    final = _dump(back.url)
    back.close()
    assert _without_trip_records(final, head) == _without_trip_records(original, head) | {
        "annotations": final["annotations"]}
    assert len(final["annotations"]) == len(original["annotations"]) + 1
    assert [r[0] for r in final["audit_events"]] == list(range(1, pg_head + 2))
    assert first.kind == "store" and first.format_version == FORMAT_VERSION


def test_sqlite_round_trip_restores_every_table_and_the_chain(source: Store,
                                                              tmp_path: Path) -> None:
    original = _dump(source.url)
    head = source.audit_head()
    manifest = export_bundle(source, tmp_path / "b", actor="lead")
    assert manifest.audit["head"] == {"event_id": head.event_id, "hash": head.hash}
    assert manifest.audit["erased_details"] > 0
    assert {f.table for f in manifest.files if f.role == "table"} == {
        t.name for t in schema.metadata.sorted_tables} - {"schema_version", "audit_head",
                                                          "facilitator_logins"}
    assert [c["id"] for c in manifest.codebooks] == ["stop-search"]
    assert manifest.layers == (str(Layer.CODER), str(Layer.CONSENSUS))
    rows = {f.table: f.rows for f in manifest.files if f.role == "table"}
    assert rows["utterances"] == 8 and rows["clips"] == 2  # c3 was erased
    target = Store(default_sqlite_url(tmp_path / "t.sqlite"))
    report = import_bundle(target, tmp_path / "b", actor="lead")
    assert report.rows == rows
    assert _without_trip_records(_dump(target.url), head.event_id) == \
        _without_trip_records(original, head.event_id)
    [imported] = target.audit_events(action="bundle_imported")
    assert imported.event_id == head.event_id + 1 and imported.actor == "lead"
    target.close()


def test_facilitator_login_codes_stay_out_of_a_bundle(source: Store, tmp_path: Path) -> None:
    source.add_coder(Coder("fac", roles={UserRole.FACILITATOR}))
    code = source.issue_facilitator_login("fac")
    with source.transaction.read() as conn:
        [stored] = conn.execute(sa.select(schema.facilitator_logins.c.token_hash)).scalars()
    manifest = export_bundle(source, tmp_path / "b", actor="lead")
    assert "facilitator_logins" not in {f.table for f in manifest.files}
    assert not (tmp_path / "b" / "tables" / "facilitator_logins.parquet").exists()
    assert not any(stored.encode() in p.read_bytes() for p in (tmp_path / "b").rglob("*")
                   if p.is_file())
    target = Store(default_sqlite_url(tmp_path / "t.sqlite"))
    import_bundle(target, tmp_path / "b", actor="lead")  # restores without it
    assert target.verify_audit().ok
    assert [e.actor for e in target.audit_events(action="facilitator_login_issued")] == ["fac"]
    assert target.facilitator_for_token(code) is None  # the old code does not come along
    target.close()


def test_the_same_store_exports_the_same_tables_byte_for_byte(source: Store,
                                                              tmp_path: Path) -> None:
    a = export_bundle(source, tmp_path / "a", actor="lead")
    with source.transaction() as conn:  # take the export record off again, to compare
        conn.execute(schema.audit_details.delete().where(
            schema.audit_details.c.event_id > a.audit["head"]["event_id"]))
        conn.execute(schema.audit_events.delete().where(
            schema.audit_events.c.event_id > a.audit["head"]["event_id"]))
        conn.execute(schema.audit_head.update().values(**a.audit["head"]))
    b = export_bundle(source, tmp_path / "b", actor="lead")
    assert [(f.path, f.sha256) for f in a.files] == [(f.path, f.sha256) for f in b.files]


def _tamper_table(bundle: Path, name: str, edit) -> None:  # type: ignore[no-untyped-def]
    import pyarrow.parquet as pq

    path = bundle / "tables" / f"{name}.parquet"
    table = edit(pq.read_table(path))
    pq.write_table(table, path, compression="zstd")


def _rehash(bundle: Path) -> None:
    """What a careful forger does: fix the manifest's hashes after changing a file."""
    import hashlib

    manifest = read_manifest(bundle)
    files = []
    for f in manifest.files:
        data = (bundle / f.path).read_bytes()
        files.append({**f.__dict__, "sha256": hashlib.sha256(data).hexdigest(),
                      "bytes": len(data)})
    raw = json.loads(manifest.to_json())
    raw["files"] = files
    (bundle / "manifest.json").write_text(json.dumps(raw))


def test_a_changed_file_is_refused_and_the_store_stays_empty(source: Store,
                                                             tmp_path: Path) -> None:
    import pyarrow as pa

    export_bundle(source, tmp_path / "b", actor="lead")
    target = Store(default_sqlite_url(tmp_path / "t.sqlite"))

    def forge(table: pa.Table) -> pa.Table:
        actors = table.column("actor").to_pylist()
        actors[-1] = "mallory"
        return table.set_column(table.schema.get_field_index("actor"), "actor",
                                pa.array(actors))

    _tamper_table(tmp_path / "b", "audit_events", forge)
    with pytest.raises(BundleError, match="SHA-256 differs"):
        import_bundle(target, tmp_path / "b", actor="lead")
    _rehash(tmp_path / "b")  # hashes fixed: now the chain itself refuses it
    with pytest.raises(BundleError, match="audit chain fails verification"):
        import_bundle(target, tmp_path / "b", actor="lead")
    assert all(n == 0 for t, n in target.table_counts().items()
               if t not in ("schema_version", "audit_head"))
    assert target.audit_head().event_id == 0
    target.close()


@pytest.mark.parametrize(("change", "message"), [
    (lambda m: m.update(format_version=FORMAT_VERSION + 1), "format version"),
    (lambda m: m.update(kind="review", layers=["review:A1"], audit={
        "base": {"event_id": 3, "hash": "0" * 64}}), "does not restore a store"),
    (lambda m: m.update(kind="review"), "only review:<audit id> layers"),
    (lambda m: m.update(kind="review", layers=["review:A1"]), "audit.base"),
    (lambda m: m.update(schema_version=1), "schema version 1"),
    (lambda m: m["files"].pop(0), "tables differ|not in the manifest"),
    (lambda m: m.update(format="other"), "not a bundle manifest"),
])
def test_a_manifest_that_does_not_fit_is_refused(source: Store, tmp_path: Path, change,
                                                 message: str) -> None:
    export_bundle(source, tmp_path / "b", actor="lead")
    raw = json.loads((tmp_path / "b" / "manifest.json").read_text())
    change(raw)
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(raw))
    target = Store(default_sqlite_url(tmp_path / "t.sqlite"))
    with pytest.raises(BundleError, match=message):
        import_bundle(target, tmp_path / "b", actor="lead")
    target.close()


def test_an_unlisted_file_or_a_non_empty_store_is_refused(source: Store,
                                                          tmp_path: Path) -> None:
    export_bundle(source, tmp_path / "b", actor="lead")
    shutil.copytree(tmp_path / "b", tmp_path / "c")
    (tmp_path / "c" / "tables" / "extra.parquet").write_bytes(b"x")
    target = Store(default_sqlite_url(tmp_path / "t.sqlite"))
    with pytest.raises(BundleError, match="not in the manifest"):
        import_bundle(target, tmp_path / "c", actor="lead")
    target.add_coder(Coder("someone"))
    with pytest.raises(BundleError, match="not empty"):
        import_bundle(target, tmp_path / "b", actor="lead")
    target.close()


def test_a_broken_chain_is_not_exported(source: Store, tmp_path: Path) -> None:
    with source.transaction() as conn:
        conn.execute(schema.audit_events.update().where(schema.audit_events.c.event_id == 3)
                     .values(actor="mallory"))
    with pytest.raises(AuditError, match="audit record 3"):
        export_bundle(source, tmp_path / "b", actor="lead")
    assert not (tmp_path / "b").exists()


def test_open_bundle_refuses_what_is_not_a_bundle(tmp_path: Path) -> None:
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    for path, message in ((tmp_path / "none", "no bundle"), (tmp_path / "junk.zip",
                                                             "folder or a .zip"),
                          (tmp_path, "manifest.json")):
        with pytest.raises(BundleError, match=message), open_bundle(path):
            pass


def test_bwv_export_and_import(tmp_path: Path) -> None:
    src = Project.init(tmp_path / "src")
    with src.open_store() as store:
        _fill(store)
    runner = CliRunner()
    out = runner.invoke(app, ["--as", "lead", "export", str(tmp_path / "b.zip"),
                              "--project", str(src.root)], env={"BWV_USER": ""})
    assert out.exit_code == 0, out.output
    assert "exported" in out.output and "b.zip" in out.output
    dst = Project.init(tmp_path / "dst")
    done = runner.invoke(app, ["--as", "lead", "import", str(tmp_path / "b.zip"),
                               "--project", str(dst.root)], env={"BWV_USER": ""})
    assert done.exit_code == 0, done.output
    assert "audit chain verified" in " ".join(done.output.split())
    again = runner.invoke(app, ["--as", "lead", "import", str(tmp_path / "b.zip"),
                                "--project", str(dst.root)], env={"BWV_USER": ""})
    assert again.exit_code == 2 and "not empty" in again.output
    with open_bundle(tmp_path / "b.zip") as root:
        assert isinstance(read_manifest(root), Manifest)
