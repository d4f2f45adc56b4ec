"""Schema versions and the steps between them.

A new store is created from :mod:`workbench.store.schema` and stamped with the latest version.
An older store is brought forward by applying each pending step, in one transaction, with
Alembic's ``Operations`` (so steps use portable DDL such as ``op.add_column``). Coders' work is
never dropped by a step.

To change the schema: edit ``schema.py`` *and* append a :class:`Migration` here whose
``upgrade`` turns the previous version into the new one; ``tests/test_store_migrations.py``
checks that both paths give the same tables.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from workbench.exceptions import StoreError
from workbench.store import schema
from workbench.store.chain import GENESIS


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    upgrade: Callable[[Operations], None]


def _initial(op: Operations) -> None:  # pragma: no cover - version 1 is created, not migrated
    raise StoreError("version 1 is the initial schema and is created, not migrated to")


def _hash_chain_audit(op: Operations) -> None:
    """Step 3: the audit trail becomes a hash chain; existing records are chained in order.

    The old records (detail in a JSON column) are read, the old table is dropped, the
    chained table and the detail table are created from :mod:`schema`, and every old record
    is appended in event order (renumbered 1, 2, …: a gap left by a rolled-back insert is
    not a deleted record) with its detail moved beside the chain. One transaction: a failure
    leaves the old table as it was.
    """
    from workbench.store.audit import append_record

    conn = op.get_bind()
    old = sa.Table("audit_events", sa.MetaData(), autoload_with=conn)
    rows = conn.execute(sa.select(old).order_by(old.c.event_id)).all()
    op.drop_index("ix_audit_clip", table_name="audit_events")
    op.drop_table("audit_events")
    for table in (schema.audit_events, schema.audit_details, schema.audit_head):
        table.create(conn)
    conn.execute(schema.audit_head.insert(), {"id": 1, "event_id": 0, "hash": GENESIS})
    for row in rows:
        detail = row.detail if isinstance(row.detail, dict) else json.loads(row.detail or "{}")
        append_record(conn, row.actor, row.action, row.clip_id, detail,
                      created_at=row.created_at)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema: clips, utterances, coders, assignments, annotations, audit",
              _initial),
    Migration(3, "hash-chained audit trail: hashes in the chain, erasable detail beside it",
              _hash_chain_audit),
)

LATEST = MIGRATIONS[-1].version


def current_version(conn: sa.Connection) -> int | None:
    """The store's schema version, or None for an empty database."""
    if not sa.inspect(conn).has_table("schema_version"):
        return None
    return conn.execute(sa.select(sa.func.max(schema.schema_version.c.version))).scalar()


def upgrade(conn: sa.Connection) -> list[int]:
    """Create or bring the schema to :data:`LATEST`; returns the versions applied."""
    version = current_version(conn)
    now = datetime.now(UTC)
    if version is None:
        schema.metadata.create_all(conn)
        conn.execute(schema.audit_head.insert(), {"id": 1, "event_id": 0, "hash": GENESIS})
        conn.execute(
            schema.schema_version.insert(),
            [{"version": m.version, "description": m.description, "applied_at": now}
             for m in MIGRATIONS],
        )
        return [m.version for m in MIGRATIONS]
    if version > LATEST:
        raise StoreError(
            f"the store has schema version {version}, newer than this workbench knows "
            f"({LATEST}); upgrade the workbench"
        )
    op = Operations(MigrationContext.configure(conn))
    applied = []
    for m in MIGRATIONS:
        if m.version > version:
            m.upgrade(op)
            conn.execute(
                schema.schema_version.insert(),
                {"version": m.version, "description": m.description, "applied_at": now},
            )
            applied.append(m.version)
    return applied
