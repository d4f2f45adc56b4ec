"""``bwv export``: a whole store as a portable, versioned bundle.

The tables are read in one snapshot (REPEATABLE READ on PostgreSQL; SQLite's transaction
is one), so the audit chain in the bundle matches the data beside it. A broken chain is not
exported. The export itself is audited in the source store (who, when, the bundle's digest).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pyarrow.parquet as pq
import sqlalchemy as sa

from workbench.bundle.folder import write_bundle
from workbench.bundle.manifest import FileEntry, Manifest, file_entry
from workbench.bundle.tables import bundled_tables, read_table
from workbench.exceptions import AuditError, BundleError
from workbench.store import Store, migrations, schema
from workbench.store.audit import verify_on
from workbench.store.chain import sha256
from workbench.store.erasure import require_admin


def workbench_version() -> str:
    try:
        return version("bwv-workbench")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


@contextmanager
def snapshot(store: Store) -> Iterator[sa.Connection]:
    """A read-only connection that sees one consistent state of the whole store."""
    options = {"isolation_level": "REPEATABLE READ"} if store.dialect == "postgresql" else {}
    with store.engine.connect().execution_options(**options) as conn, conn.begin():
        yield conn


def _write_codebooks(conn: sa.Connection, root: Path) -> tuple[list[FileEntry], list[dict]]:
    entries, listed = [], []
    for row in conn.execute(sa.select(schema.codebooks).order_by(
            schema.codebooks.c.codebook_id, schema.codebooks.c.version)):
        if sha256(row.content) != row.hash:
            raise BundleError(f"codebook {row.codebook_id} {row.version}: its stored content "
                              f"does not hash to its recorded hash {row.hash[:12]}…",
                              field="codebooks")
        path = root / "codebooks" / row.codebook_id / f"{row.version}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(row.content, encoding="utf-8")
        entries.append(file_entry(root, path, "codebook"))
        listed.append({"id": row.codebook_id, "version": row.version, "hash": row.hash,
                       "path": entries[-1].path})
    return entries, listed


def export_bundle(store: Store, dest: Path, *, actor: str | None = None) -> Manifest:
    """Write the whole store to ``dest`` (a new folder, or a ``.zip``); returns the manifest.

    Admins only (``actor`` names the admin on the owner's handle). Raises
    :class:`BundleError` if ``dest`` exists, :class:`AuditError` if the chain is broken.
    """
    with store.transaction.read() as conn:
        actor = require_admin(conn, store.principal, actor, "export the store")
    dest = Path(dest)
    if dest.exists():
        raise BundleError("already exists: export to a new folder or .zip", path=dest)
    work = Path(tempfile.mkdtemp(prefix="bwv-export-"))
    try:
        with snapshot(store) as conn:
            report = verify_on(conn)
            if not report.ok:
                assert report.first_break is not None
                raise AuditError(f"not exporting a store whose chain is broken: "
                                 f"{report.first_break.message}",
                                 event_id=report.first_break.event_id)
            files = []
            for table in bundled_tables():
                data = read_table(conn, table)
                path = work / "tables" / f"{table.name}.parquet"
                path.parent.mkdir(parents=True, exist_ok=True)
                pq.write_table(data, path, compression="zstd")
                files.append(file_entry(work, path, "table", table=table.name,
                                        rows=data.num_rows))
            codebook_files, codebooks = _write_codebooks(conn, work)
            layers = sorted(r[0] for r in conn.execute(
                sa.select(schema.annotations.c.layer).distinct()))
            schema_version = migrations.current_version(conn)
        manifest = Manifest(
            kind="store", created_at=datetime.now(UTC).isoformat(), created_by=actor,
            workbench_version=workbench_version(), schema_version=schema_version,
            files=(*files, *codebook_files), codebooks=tuple(codebooks), layers=tuple(layers),
            audit={"head": {"event_id": report.head.event_id, "hash": report.head.hash},
                   "records": report.n_records, "erased_details": report.n_erased},
            extra={"source_dialect": store.dialect})
        write_bundle(work, dest, manifest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    store.audit(actor, "bundle_exported", new_content=manifest.digest, kind=manifest.kind,
                bundle=dest.name, head=report.head.event_id)
    return manifest
