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

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

from workbench.exceptions import StoreError
from workbench.store import schema


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    upgrade: Callable[[Operations], None]


def _initial(op: Operations) -> None:  # pragma: no cover - version 1 is created, not migrated
    raise StoreError("version 1 is the initial schema and is created, not migrated to")


def _speaker_roles(op: Operations) -> None:
    op.create_table(
        "speaker_roles",
        sa.Column("clip_id", sa.String(100), sa.ForeignKey("clips.clip_id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("speaker", sa.String(200), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("set_by", sa.String(100), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema: clips, utterances, coders, assignments, annotations, audit",
              _initial),
    Migration(2, "speaker roles set per clip", _speaker_roles),
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
