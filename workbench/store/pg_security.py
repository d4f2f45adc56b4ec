"""PostgreSQL: the store's roles as real database roles, with row-level security.

On a team server each person connects with their own database login (named as their person
id), a member of one group role per workbench role (``bwv_coder``, ``bwv_reviewer``, …). The
policies below let a coder's connection read and write only their own coder-layer rows, their
own notes and assignments, the clips assigned to them and never the hidden metadata columns
(outcome, ethnicity, age band, gender) — even with hand-written SQL; an analyst's connection
reads only the consensus layer. The store's owner (the role that created the tables) is not
subject to the policies. The library's own checks (:mod:`workbench.store.access`) apply on top.

Limits: ``clips.extra`` is readable by a coder's connection as a whole (the library shows them
only :data:`workbench.model.CODER_VISIBLE_EXTRA`); keep identifying columns out of ``extra``.
Group roles are cluster-wide: one store per cluster, or one cluster per study.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from workbench.exceptions import AccessError, StoreError
from workbench.model import UserRole
from workbench.store import schema

#: Database group role of each workbench role.
GROUP: dict[UserRole, str] = {r: f"bwv_{r.value}" for r in UserRole}

_VISIBLE_CLIP_COLUMNS = [c.name for c in schema.clips.c
                         if c.name not in ("outcome", "ethnicity", "age_band", "gender")]
_TABLES = ("clips", "utterances", "coders", "user_roles", "user_grants", "scopes",
           "assignments", "annotations", "utterance_notes", "codebooks", "audit_events",
           "audit_details", "audit_head", "schema_version")
_SEQUENCES = ("annotations_annotation_id_seq", "scopes_scope_id_seq")
_OWN_EVENT = "event_id IN (SELECT e.event_id FROM audit_events e WHERE e.actor = current_user)"

_MINE_ASSIGNED = ("clip_id IN (SELECT a.clip_id FROM assignments a "
                  "WHERE a.coder_id = current_user)")
_STAFF = "bwv_admin, bwv_reviewer"

#: (table, policy, command, roles, USING, WITH CHECK)
POLICIES: tuple[tuple[str, str, str, str, str, str | None], ...] = (
    *((t, f"{t}_staff", "ALL", _STAFF, "true", "true") for t in _TABLES
      if t not in ("schema_version",)),
    ("clips", "clips_coder", "SELECT", "bwv_coder", _MINE_ASSIGNED, None),
    ("clips", "clips_analyst", "SELECT", "bwv_analyst, bwv_facilitator", "true", None),
    ("utterances", "utterances_coder", "SELECT", "bwv_coder", _MINE_ASSIGNED, None),
    ("utterances", "utterances_analyst", "SELECT", "bwv_analyst, bwv_facilitator", "true",
     None),
    ("annotations", "annotations_coder", "ALL", "bwv_coder",
     "coder_id = current_user AND layer = 'coder'",
     f"coder_id = current_user AND layer = 'coder' AND {_MINE_ASSIGNED}"),
    ("annotations", "annotations_analyst", "SELECT", "bwv_analyst", "layer = 'consensus'",
     None),
    ("utterance_notes", "notes_coder", "ALL", "bwv_coder", "coder_id = current_user",
     f"coder_id = current_user AND {_MINE_ASSIGNED}"),
    ("assignments", "assignments_coder", "SELECT", "bwv_coder", "coder_id = current_user",
     None),
    ("assignments", "assignments_progress", "UPDATE", "bwv_coder", "coder_id = current_user",
     "coder_id = current_user"),
    *((t, f"{t}_self", "SELECT", "PUBLIC", "coder_id = current_user", None)
      for t in ("coders", "user_roles", "user_grants", "scopes")),
    ("codebooks", "codebooks_read", "SELECT", "PUBLIC", "true", None),
    ("codebooks", "codebooks_record", "INSERT", "bwv_coder", None, "true"),
    ("audit_events", "audit_own", "SELECT", "bwv_coder", "actor = current_user", None),
    ("audit_events", "audit_append", "INSERT", "PUBLIC", None, "actor = current_user"),
    # the chain's detail: a coder reads their own; anyone appends (its primary and foreign
    # keys tie it to one existing record that has none yet); only staff change (erasure)
    ("audit_details", "audit_details_own", "SELECT", "bwv_coder", _OWN_EVENT, None),
    ("audit_details", "audit_details_append", "INSERT", "PUBLIC", None, "true"),
    # the chain's head: every writer locks and moves it (the chain itself refuses forks)
    ("audit_head", "audit_head_move", "ALL", "PUBLIC", "true", "true"),
)

#: Table privileges per group (row-level policies then narrow the rows).
GRANTS: tuple[tuple[str, str, str], ...] = (
    ("SELECT, INSERT, UPDATE, DELETE", ", ".join(_TABLES), _STAFF),
    ("SELECT", "schema_version, codebooks, coders, user_roles, user_grants, scopes",
     "PUBLIC"),
    ("SELECT", "clips, utterances, annotations", "bwv_analyst, bwv_facilitator"),
    (f"SELECT ({', '.join(_VISIBLE_CLIP_COLUMNS)})", "clips", "bwv_coder"),
    ("SELECT", "utterances", "bwv_coder"),
    ("SELECT, INSERT, UPDATE", "annotations, utterance_notes", "bwv_coder"),
    ("SELECT, UPDATE (status, last_utterance, updated_at)", "assignments", "bwv_coder"),
    ("INSERT", "codebooks", "bwv_coder"),
    ("SELECT", "audit_events", "bwv_coder"),
    ("INSERT", "audit_events", "PUBLIC"),
    ("SELECT", "audit_details", "bwv_coder"),
    ("INSERT", "audit_details", "PUBLIC"),
    ("SELECT, UPDATE", "audit_head", "PUBLIC"),
)


def _require_postgres(conn: sa.Connection) -> None:
    if conn.dialect.name != "postgresql":
        raise StoreError("database roles and row-level security need a PostgreSQL store; "
                         "a SQLite store is single-user, with file-level trust")


def install_row_security(conn: sa.Connection) -> None:
    """Create the group roles, grant table rights, and enable the policies (idempotent).

    Run as the store's owner (the role that owns the tables).
    """
    _require_postgres(conn)
    for group in GROUP.values():
        conn.execute(sa.text(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{group}') "
            f"THEN CREATE ROLE {group} NOLOGIN; END IF; END $$"))
    schema_name = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
    conn.execute(sa.text(f"GRANT USAGE ON SCHEMA {schema_name} TO PUBLIC"))
    for table in _TABLES:
        conn.execute(sa.text(f"REVOKE ALL ON {table} FROM PUBLIC"))
    for privilege, tables, roles in GRANTS:
        conn.execute(sa.text(f"GRANT {privilege} ON {tables} TO {roles}"))
    conn.execute(sa.text(f"GRANT USAGE ON {', '.join(_SEQUENCES)} TO PUBLIC"))
    for table in _TABLES:
        conn.execute(sa.text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
    conn.execute(sa.text("ALTER TABLE schema_version DISABLE ROW LEVEL SECURITY"))
    for table, name, command, roles, using, check in POLICIES:
        conn.execute(sa.text(f"DROP POLICY IF EXISTS {name} ON {table}"))
        clauses = (f" USING ({using})" if using else "") + (
            f" WITH CHECK ({check})" if check else "")
        conn.execute(sa.text(f"CREATE POLICY {name} ON {table} FOR {command} TO {roles}"
                             f"{clauses}"))


def provision_login(conn: sa.Connection, user_id: str, roles: Iterable[UserRole], *,
                    password: str | None = None) -> None:
    """Create (or update) the database login of a person, member of their roles' groups."""
    _require_postgres(conn)
    name = conn.dialect.identifier_preparer.quote(user_id)
    exists = conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                          {"n": user_id}).first()
    verb = "ALTER" if exists else "CREATE"
    secret = "" if password is None else " PASSWORD " + conn.execute(
        sa.text("SELECT quote_literal(:p)"), {"p": password}).scalar_one()
    conn.execute(sa.text(f"{verb} ROLE {name} LOGIN{secret}"))
    for role, group in GROUP.items():
        action = "GRANT {g} TO {n}" if role in set(roles) else "REVOKE {g} FROM {n}"
        conn.execute(sa.text(action.format(g=group, n=name)))


def check_login(conn: sa.Connection, user_id: str) -> None:
    """On PostgreSQL, a user's handle must connect as that user (or as the store's owner)."""
    if conn.dialect.name != "postgresql":
        return
    current = conn.execute(sa.text("SELECT current_user")).scalar_one()
    member = conn.execute(sa.text(
        "SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = current_user "
        "AND g.rolname LIKE 'bwv\\_%'")).first()
    if member is not None and current != user_id:
        raise AccessError(f"this connection is the database login {current!r}; it cannot "
                          f"open the store as {user_id!r}")
