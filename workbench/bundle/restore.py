"""``bwv import``: restore a store bundle into an empty store, with the chain verified.

Everything is checked before it counts: the manifest's format version and kind, every file's
size and SHA-256 (and no unlisted file), each table's columns and row count against the
manifest and the schema, each codebook's content against its hash, and — inside the one
import transaction — the whole audit chain against the head the manifest names. Any failure
rolls the import back: the store stays empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from workbench.bundle.folder import open_bundle
from workbench.bundle.manifest import MANIFEST, Manifest, check_files
from workbench.bundle.tables import arrow_schema, bundled_tables, rows_for_insert
from workbench.exceptions import AccessError, BundleError
from workbench.store import Store, migrations, schema
from workbench.store.audit import stored_head, verify_on
from workbench.store.chain import ChainHead, sha256
from workbench.store.erasure import require_admin

_BATCH = 5000


@dataclass(frozen=True)
class ImportReport:
    """What an import restored: rows per table, and the verified chain head."""

    rows: dict[str, int]
    head: ChainHead
    digest: str

    def summary(self) -> str:
        counts = ", ".join(f"{n} {t}" for t, n in self.rows.items() if n)
        return (f"restored {counts}; audit chain verified to record {self.head.event_id} "
                f"({self.head.hash[:16]}…); bundle {self.digest[:16]}…")


def read_manifest(root: Path) -> Manifest:
    path = root / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BundleError(f"manifest is not UTF-8 text: {exc}", path=path) from exc
    return Manifest.from_json(text, source=str(path))


def _read_tables(root: Path, manifest: Manifest) -> dict[str, pa.Table]:
    files = manifest.table_files()
    wanted = {t.name for t in bundled_tables()}
    if set(files) != wanted:
        missing, unknown = sorted(wanted - set(files)), sorted(set(files) - wanted)
        raise BundleError(f"tables differ from this store's schema: missing {missing}, "
                          f"unknown {unknown}", path=root / MANIFEST, field="files")
    tables = {}
    for table in bundled_tables():
        entry = files[table.name]
        try:
            data = pq.read_table(root / entry.path)
        except (pa.ArrowException, OSError) as exc:
            raise BundleError(f"not a readable Parquet file: {exc}", path=entry.path) from exc
        expected = arrow_schema(table)
        if data.schema.names != expected.names or not data.schema.equals(expected):
            raise BundleError(f"columns {data.schema.names} with types {data.schema.types}; "
                              f"expected {expected.names} with {expected.types}",
                              path=entry.path)
        if data.num_rows != entry.rows:
            raise BundleError(f"{data.num_rows} rows; the manifest says {entry.rows}",
                              path=entry.path)
        tables[table.name] = data
    return tables


def _check_empty(conn: sa.Connection) -> None:
    filled = [t.name for t in bundled_tables()
              if conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()]
    if filled or stored_head(conn).event_id:
        raise BundleError(f"the store is not empty ({', '.join(filled) or 'audit chain'}): "
                          "a store bundle restores into an empty store only", field="store")


def _reset_sequences(conn: sa.Connection) -> None:
    """After explicit ids, PostgreSQL's serial sequences continue from the largest."""
    if conn.dialect.name != "postgresql":
        return
    for table in bundled_tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or (column.autoincrement == "auto"
                                                and isinstance(column.type, sa.Integer)
                                                and len(table.primary_key.columns) == 1):
                seq = conn.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                                   {"t": table.name, "c": column.name}).scalar()
                if seq:
                    conn.execute(sa.text(
                        f"SELECT setval(:s, COALESCE((SELECT MAX({column.name}) FROM "
                        f"{table.name}), 1), (SELECT COUNT(*) > 0 FROM {table.name}))"),
                        {"s": seq})


def import_bundle(store: Store, source: Path, *, actor: str | None = None) -> ImportReport:
    """Restore the store bundle at ``source`` (folder or .zip) into ``store``, which must be
    empty; one transaction. Review bundles are merged by the review workflow, not here.

    Only the owner's handle can restore (an empty store knows no admin yet); ``actor``, an
    admin *in the bundle*, is recorded as doing it.
    """
    if not store.principal.is_owner:
        raise AccessError(f"{store.principal.name} may not import a store bundle: restoring "
                          "replaces everything, so it is done on the owner's handle")
    with open_bundle(Path(source)) as root:
        manifest = read_manifest(root)
        if manifest.kind != "store":
            raise BundleError(f"a {manifest.kind!r} bundle does not restore a store (only "
                              "kind 'store' does)", path=root / MANIFEST, field="kind")
        check_files(root, manifest)
        with store.transaction.read() as conn:
            here = migrations.current_version(conn)
        if manifest.schema_version != here:
            raise BundleError(f"the bundle's tables are schema version "
                              f"{manifest.schema_version}, this store's {here}: import it "
                              "with a workbench of its version, then upgrade and export",
                              path=root / MANIFEST, field="schema_version")
        tables = _read_tables(root, manifest)
        head = manifest.audit.get("head") or {}
        try:
            expected = ChainHead(int(head["event_id"]), str(head["hash"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise BundleError("the manifest names no audit head", path=root / MANIFEST,
                              field="audit.head") from exc
        for cb in tables[schema.codebooks.name].to_pylist():
            if sha256(cb["content"]) != cb["hash"]:
                raise BundleError(f"codebook {cb['codebook_id']} {cb['version']}: content "
                                  "does not hash to its recorded hash", field="codebooks")
        rows: dict[str, int] = {}
        with store.transaction() as conn:
            _check_empty(conn)
            for table in bundled_tables():
                records = rows_for_insert(table, tables[table.name])
                for start in range(0, len(records), _BATCH):
                    conn.execute(table.insert(), records[start:start + _BATCH])
                rows[table.name] = len(records)
            last = conn.execute(sa.select(schema.audit_events.c.event_id,
                                          schema.audit_events.c.hash)
                                .order_by(schema.audit_events.c.event_id.desc())
                                .limit(1)).first()
            if last is not None:
                conn.execute(schema.audit_head.update().where(schema.audit_head.c.id == 1)
                             .values(event_id=last.event_id, hash=last.hash))
            report = verify_on(conn, expected)
            if not report.ok or report.head != expected:
                broke = report.first_break
                raise BundleError(
                    f"the bundle's audit chain fails verification: "
                    f"{broke.message if broke else 'it does not end at the manifest head'} "
                    f"(record {broke.event_id if broke else report.head.event_id})",
                    path=root / MANIFEST, field="audit")
            _reset_sequences(conn)
            actor = require_admin(conn, store.principal, actor, "import a store bundle")
            store.audit(actor, "bundle_imported", new_content=manifest.digest, kind=manifest.kind,
                        head=expected.event_id, source_dialect=manifest.extra.get(
                            "source_dialect"))
    return ImportReport(rows, expected, manifest.digest)
