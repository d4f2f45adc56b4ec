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


#: The audit table's columns as of version 2 (later steps may add columns).
_AUDIT_V2 = sa.table("audit_events", sa.column("created_at", sa.DateTime(timezone=True)),
                     sa.column("actor", sa.String), sa.column("action", sa.String),
                     sa.column("clip_id", sa.String), sa.column("detail", sa.JSON))


def _people_and_layers(op: Operations) -> None:
    """Version 2: roles, coder status, assignment kind, hint flag, review layers, and one
    active value per unit (duplicates left by old races repaired: newest kept, audited)."""
    conn = op.get_bind()
    for table in (schema.user_roles, schema.user_grants, schema.scopes):
        table.create(conn)
    op.add_column("coders", sa.Column("status", sa.String(20), nullable=False,
                                      server_default="certified"))
    reviewers = [r.coder_id for r in conn.execute(sa.text(
        "SELECT coder_id FROM coders WHERE is_reviewer"))]
    everyone = [r.coder_id for r in conn.execute(sa.text("SELECT coder_id FROM coders"))]
    rows = [{"coder_id": c, "role": "coder"} for c in everyone]
    rows += [{"coder_id": c, "role": "reviewer"} for c in reviewers]
    if rows:
        conn.execute(schema.user_roles.insert(), rows)
    conn.execute(sa.text("ALTER TABLE coders DROP COLUMN is_reviewer"))
    op.add_column("assignments", sa.Column("kind", sa.String(20), nullable=False,
                                           server_default="ordinary"))
    op.add_column("annotations", sa.Column("from_hint", sa.Boolean, nullable=False,
                                           server_default=sa.false()))
    op.add_column("annotations", sa.Column("audit_id", sa.String(100)))
    repaired = repair_duplicate_active(conn)
    for index in schema.ACTIVE_UNIQUE:
        index.create(conn)
    conn.execute(_AUDIT_V2.insert(), {
        "created_at": datetime.now(UTC), "actor": "system", "action": "schema_migrated",
        "clip_id": None, "detail": {"version": 2, "coders_made_reviewers": len(reviewers),
                                    "duplicate_active_superseded": repaired}})


def repair_duplicate_active(conn: sa.Connection) -> int:
    """Supersede all but the newest active row of each unit and layer; returns rows changed.

    The newest is the highest annotation id (ids grow with time). Consensus rows count as one
    layer whoever wrote them, as in :data:`workbench.store.schema.ACTIVE_UNIQUE`.
    """
    A = schema.annotations
    owner = sa.case((A.c.layer == "consensus", ""), else_=A.c.coder_id)
    unit = (A.c.clip_id, sa.func.coalesce(A.c.utterance_index, -1), A.c.code_id, A.c.layer,
            owner, sa.func.coalesce(A.c.audit_id, ""))
    ranked = sa.select(A.c.annotation_id, sa.func.row_number().over(
        partition_by=unit, order_by=A.c.annotation_id.desc()).label("rank")).where(
        A.c.status == "active").subquery()
    stale = [r.annotation_id for r in conn.execute(
        sa.select(ranked.c.annotation_id).where(ranked.c.rank > 1))]
    for start in range(0, len(stale), 500):
        conn.execute(A.update().where(A.c.annotation_id.in_(stale[start:start + 500]))
                     .values(status="superseded"))
    if stale:
        conn.execute(_AUDIT_V2.insert(), {
            "created_at": datetime.now(UTC), "actor": "system",
            "action": "duplicates_superseded", "clip_id": None,
            "detail": {"n": len(stale), "annotation_ids": stale[:1000],
                       "reason": "more than one active value per unit (schema version 2)"}})
    return len(stale)


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


def _panel_screenings(op: Operations) -> None:
    """Step 5: screenings, their members (pseudonymous), members' answers, and actions."""
    conn = op.get_bind()
    for table in (schema.screenings, schema.panel_members, schema.panel_answers,
                  schema.panel_actions):
        table.create(conn)


def _panel_learning(op: Operations) -> None:
    """Step 7: theme keyword rules, accepted clustering themes, facilitator logins."""
    conn = op.get_bind()
    for table in (schema.panel_theme_rules, schema.panel_comment_themes,
                  schema.facilitator_logins):
        table.create(conn)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema: clips, utterances, coders, assignments, annotations, audit",
              _initial),
    Migration(2, "people and layers: roles, grants, scopes, coder status, assignment kind, "
                 "hint flag, review layers, one active value per unit", _people_and_layers),
    Migration(3, "hash-chained audit trail: hashes in the chain, erasable detail beside it",
              _hash_chain_audit),
    Migration(4, "speaker roles set per clip", _speaker_roles),
    Migration(5, "panel screenings: screenings, members, answers, actions on themes",
              _panel_screenings),
    Migration(6, "panel learning: theme keyword rules, accepted clustering themes, "
                 "facilitator logins", _panel_learning),
)

LATEST = MIGRATIONS[-1].version


def current_version(conn: sa.Connection) -> int | None:
    """The store's schema version, or None for an empty database."""
    if not sa.inspect(conn).has_table("schema_version"):
        return None
    return conn.execute(sa.select(sa.func.max(schema.schema_version.c.version))).scalar()


def pending(conn: sa.Connection) -> list[int]:
    """Versions of the steps this store has not had yet (empty: the schema is current)."""
    if current_version(conn) is None:
        return [m.version for m in MIGRATIONS]
    done = set(conn.execute(sa.select(schema.schema_version.c.version)).scalars())
    return [m.version for m in MIGRATIONS if m.version not in done]


def _refuse_foreign_sqlite(conn: sa.Connection) -> None:
    """A SQLite file with tables but no schema version is another program's database: adding
    the store's tables to it would change it behind its owner's back."""
    if conn.dialect.name != "sqlite":
        return
    tables = sorted(sa.inspect(conn).get_table_names())
    if tables:
        shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        raise StoreError(f"store {conn.engine.url}: this SQLite database holds tables ({shown}) "
                         "but is not a workbench store; expected a store made by `bwv init` "
                         "(or a new file); nothing was changed")


def upgrade(conn: sa.Connection) -> list[int]:
    """Create or bring the schema to :data:`LATEST`; returns the versions applied."""
    version = current_version(conn)
    now = datetime.now(UTC)
    if version is None:
        _refuse_foreign_sqlite(conn)
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
    todo = pending(conn)
    applied = []
    for m in MIGRATIONS:  # every step not yet applied (steps merged out of order included)
        if m.version in todo:
            m.upgrade(op)
            conn.execute(
                schema.schema_version.insert(),
                {"version": m.version, "description": m.description, "applied_at": now},
            )
            applied.append(m.version)
    return applied
