"""Review bundles: one ``review:<audit id>`` layer and its report, returned to the coding team.

The reviewing organisation restores the coding team's store bundle, draws and re-codes an
audit sample, and exports a bundle of kind ``review``: ``tables/annotations.parquet`` with
only that layer's rows (every status, so its history travels), ``review/audit.json`` (the
recorded sample design, the clips each reviewer finished, the sign-off), the report files
(role ``report``), and ``audit.base``: the head of the coding team's chain the review was made
against (the head the reviewing store was restored to).

Import merges into the coding team's *live* store, in one transaction, after checking every
file's size and hash, that the base is a record of this store's chain (same id and hash), that
every row is of this audit's review layer, on a clip of this store, against a codebook
recorded here with the same hash, and that the audit was not imported before. The rows get new
ids (links between them kept); one ``review_bundle_imported`` record extends the chain with
the bundle's digest and the audit's record. Nothing else in the store changes.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from workbench.bundle.export import snapshot, workbench_version
from workbench.bundle.folder import open_bundle, write_bundle
from workbench.bundle.manifest import MANIFEST, Manifest, check_files, file_entry
from workbench.bundle.restore import read_manifest
from workbench.bundle.tables import arrow_schema, read_table, rows_for_insert
from workbench.exceptions import BundleError
from workbench.model import Layer
from workbench.store import Store, migrations, schema
from workbench.store.erasure import require_admin

IMPORTED = "review_bundle_imported"
AUDIT_FILE = "review/audit.json"


def _base(store: Store) -> dict[str, Any]:
    """The coding team's head this store was restored to (its ``bundle_imported`` record)."""
    restored = store.audit_events(action="bundle_imported")
    if not restored:
        raise BundleError("this store was not restored from a store bundle, so there is no "
                          "coding team's chain to return a review to", field="audit.base")
    event_id = int(restored[0].detail["head"])
    base = next((e for e in store.audit_events(since=event_id - 1) if e.event_id == event_id),
                None)
    if base is None or base.hash is None:
        raise BundleError(f"record {event_id} of the restored chain is missing",
                          field="audit.base")
    return {"event_id": event_id, "hash": base.hash}


def export_review_bundle(store: Store, audit_id: str, record: dict[str, Any], dest: Path, *,
                         report_files: tuple[Path, ...] = (),
                         actor: str | None = None) -> Manifest:
    """Write the review layer of ``audit_id`` with ``record`` (the audit's sample, finished
    clips and sign-off) and the report files to ``dest`` (new folder or .zip)."""
    dest = Path(dest)
    if dest.exists():
        raise BundleError("already exists: export to a new folder or .zip", path=dest)
    base = _base(store)
    work = Path(tempfile.mkdtemp(prefix="bwv-review-"))
    try:
        with snapshot(store) as conn:
            actor = require_admin(conn, store.principal, actor, "export a review bundle")
            table = read_table(conn, schema.annotations)
            mask = [layer == Layer.REVIEW.value and aid == audit_id for layer, aid in
                    zip(table.column("layer").to_pylist(), table.column("audit_id").to_pylist(),
                        strict=True)]
            rows = table.filter(pa.array(mask))
            if rows.num_rows == 0:
                raise BundleError(f"audit {audit_id!r} has no review rows to return",
                                  field="audit_id")
            used = {(r["codebook_id"], r["codebook_version"], r["codebook_hash"])
                    for r in rows.select(["codebook_id", "codebook_version", "codebook_hash"])
                    .to_pylist()}
            schema_version = migrations.current_version(conn)
        path = work / "tables" / "annotations.parquet"
        path.parent.mkdir(parents=True)
        pq.write_table(rows, path, compression="zstd")
        files = [file_entry(work, path, "table", table="annotations", rows=rows.num_rows)]
        audit_path = work / AUDIT_FILE
        audit_path.parent.mkdir(parents=True)
        audit_path.write_text(json.dumps(record, indent=2, sort_keys=True, default=str) + "\n",
                              encoding="utf-8")
        files.append(file_entry(work, audit_path, "data"))
        for report in report_files:
            target = work / "report" / Path(report).name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(report, target)
            files.append(file_entry(work, target, "report"))
        manifest = Manifest(
            kind="review", created_at=datetime.now(UTC).isoformat(), created_by=actor,
            workbench_version=workbench_version(), schema_version=schema_version,
            files=tuple(files),
            codebooks=tuple({"id": i, "version": v, "hash": h} for i, v, h in sorted(used)),
            layers=(f"review:{audit_id}",), audit={"base": base, "records": 0},
            extra={"audit_id": audit_id})
        write_bundle(work, dest, manifest)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    store.audit(actor, "review_bundle_exported", new_content=manifest.digest,
                audit_id=audit_id, bundle=dest.name, rows=rows.num_rows)
    return manifest


def import_review_bundle(store: Store, source: Path, *, actor: str | None = None,
                         report_dir: Path | None = None) -> dict[str, Any]:
    """Merge a review bundle into this live store (admins); returns what was imported:
    audit_id, rows, digest, and the report files copied into ``report_dir``/<audit id>."""
    with open_bundle(Path(source)) as root:
        manifest = read_manifest(root)
        where = root / MANIFEST
        if manifest.kind != "review":
            raise BundleError(f"a {manifest.kind!r} bundle is not a review bundle", path=where,
                              field="kind")
        check_files(root, manifest)
        audit_id = str(manifest.extra.get("audit_id") or "")
        if manifest.layers != (f"review:{audit_id}",):
            raise BundleError(f"layers {list(manifest.layers)}; a review bundle carries "
                              f"exactly review:{audit_id}", path=where, field="layers")
        tables = manifest.table_files()
        if set(tables) != {"annotations"}:
            raise BundleError(f"tables {sorted(tables)}; a review bundle carries only "
                              "annotations", path=where, field="files")
        data = pq.read_table(root / tables["annotations"].path)
        if not data.schema.equals(arrow_schema(schema.annotations)):
            raise BundleError("annotation columns differ from this store's schema",
                              path=tables["annotations"].path)
        if data.num_rows != tables["annotations"].rows:
            raise BundleError(f"{data.num_rows} rows; the manifest says "
                              f"{tables['annotations'].rows}", path=tables["annotations"].path)
        record = json.loads((root / AUDIT_FILE).read_text(encoding="utf-8"))
        reports = [root / f.path for f in manifest.files if f.role == "report"]
        rows = rows_for_insert(schema.annotations, data)
        with store.transaction() as conn:
            actor = require_admin(conn, store.principal, actor, "import a review bundle")
            _check_base(conn, manifest, where)
            _check_rows(conn, rows, audit_id, where)
            if any(e.detail.get("audit_id") == audit_id
                   for e in store.audit_events(action=IMPORTED)):
                raise BundleError(f"review {audit_id!r} was imported already", path=where,
                                  field="extra.audit_id")
            new_ids: dict[int, int] = {}
            for row in sorted(rows, key=lambda r: r["annotation_id"]):
                old = row.pop("annotation_id")
                if row["supersedes"] is not None:
                    row["supersedes"] = new_ids.get(row["supersedes"])
                new_ids[old] = conn.execute(schema.annotations.insert().returning(
                    schema.annotations.c.annotation_id), row).scalar_one()
            store.audit(actor, IMPORTED, new_content=manifest.digest, audit_id=audit_id,
                        rows=len(rows), base=manifest.audit["base"]["event_id"],
                        record=record)
        copied = []
        if report_dir is not None and reports:
            folder = Path(report_dir) / audit_id
            folder.mkdir(parents=True, exist_ok=True)
            for path in reports:
                shutil.copyfile(path, folder / path.name)
                copied.append(folder / path.name)
    return {"audit_id": audit_id, "rows": len(rows), "digest": manifest.digest,
            "reports": copied}


def _check_base(conn: sa.Connection, manifest: Manifest, where: Path) -> None:
    base = manifest.audit.get("base") or {}
    try:
        event_id, digest = int(base["event_id"]), str(base["hash"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BundleError("the manifest names no base head", path=where,
                          field="audit.base") from exc
    here = conn.execute(sa.select(schema.audit_events.c.hash).where(
        schema.audit_events.c.event_id == event_id)).scalar()
    if here != digest:
        raise BundleError(f"the review was made against record {event_id} "
                          f"({digest[:12]}…), which is not in this store's chain: it belongs "
                          "to another store", path=where, field="audit.base")


def _check_rows(conn: sa.Connection, rows: list[dict[str, Any]], audit_id: str,
                where: Path) -> None:
    wrong = next((r for r in rows if r["layer"] != Layer.REVIEW.value
                  or r["audit_id"] != audit_id), None)
    if wrong is not None:
        raise BundleError(f"row {wrong['annotation_id']} is of layer {wrong['layer']} "
                          f"(audit {wrong['audit_id']}), not review:{audit_id}", path=where,
                          field="annotations")
    clips = set(conn.execute(sa.select(schema.clips.c.clip_id)).scalars())
    missing = sorted({r["clip_id"] for r in rows} - clips)
    if missing:
        raise BundleError(f"{len(missing)} clip(s) are not in this store, e.g. {missing[0]}",
                          path=where, field="annotations")
    books = {(r.codebook_id, r.version): r.hash for r in conn.execute(
        sa.select(schema.codebooks.c.codebook_id, schema.codebooks.c.version,
                  schema.codebooks.c.hash))}
    for r in rows:
        if books.get((r["codebook_id"], r["codebook_version"])) != r["codebook_hash"]:
            raise BundleError(f"codebook {r['codebook_id']} {r['codebook_version']} with hash "
                              f"{r['codebook_hash'][:12]}… is not recorded in this store",
                              path=where, field="codebooks")
