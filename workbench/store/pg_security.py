"""PostgreSQL: the store's roles as real database roles, with row-level security.

On a team server each person connects with their own database login (named as their person
id), a member of one group role per workbench role (``bwv_coder``, ``bwv_reviewer``, …). The
policies (:mod:`workbench.store.pg_policies`) let a coder's connection read and write only
their own coder-layer rows, their own notes and assignments, the clips assigned to them and
never the hidden metadata columns (outcome, ethnicity, age band, gender) — even with
hand-written SQL; an analyst's connection reads only the consensus layer; a reviewer's is
blind to the layers of their open audit sample until its lead signs it off; a panel member's
reads only their own answers in their own open screening; a facilitator's reaches only their
own login codes. The store's owner (the role that
created the tables) is not subject to the policies. The library's own checks
(:mod:`workbench.store.access`) apply on top.

Limits: ``clips.extra`` is readable by a coder's connection as a whole (the library shows them
only :data:`workbench.model.CODER_VISIBLE_EXTRA`); keep identifying columns out of ``extra``.
Group roles are cluster-wide: one store per cluster, or one cluster per study.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from workbench.exceptions import AccessError, StoreError
from workbench.model import UserRole
from workbench.store.pg_policies import FUNCTIONS, GRANTS, POLICIES, SEQUENCES, TABLES

#: Database group role of each workbench role.
GROUP: dict[UserRole, str] = {r: f"bwv_{r.value}" for r in UserRole}


def _require_postgres(conn: sa.Connection) -> None:
    if conn.dialect.name != "postgresql":
        raise StoreError("database roles and row-level security need a PostgreSQL store; "
                         "a SQLite store is single-user, with file-level trust")


def install_row_security(conn: sa.Connection) -> None:
    """Create the group roles, grant table rights, and enable the policies (idempotent: a
    later install replaces every policy of the store's tables, so it also upgrades one).

    Run as the store's owner (the role that owns the tables).
    """
    _require_postgres(conn)
    for group in GROUP.values():
        conn.execute(sa.text(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{group}') "
            f"THEN CREATE ROLE {group} NOLOGIN; END IF; END $$"))
    schema_name = conn.execute(sa.text("SELECT current_schema()")).scalar_one()
    conn.execute(sa.text(f"GRANT USAGE ON SCHEMA {schema_name} TO PUBLIC"))
    for table in TABLES:
        conn.execute(sa.text(f"REVOKE ALL ON {table} FROM PUBLIC, "
                             + ", ".join(GROUP.values())))
    for privilege, tables, roles in GRANTS:
        conn.execute(sa.text(f"GRANT {privilege} ON {tables} TO {roles}"))
    conn.execute(sa.text(f"GRANT USAGE ON {', '.join(SEQUENCES)} TO PUBLIC"))
    for name, roles, create in FUNCTIONS:
        conn.execute(sa.text(create.format(schema=schema_name)))
        conn.execute(sa.text(f"REVOKE ALL ON FUNCTION {name} FROM PUBLIC"))
        conn.execute(sa.text(f"GRANT EXECUTE ON FUNCTION {name} TO {roles}"))
    for table in TABLES:
        conn.execute(sa.text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
    conn.execute(sa.text("ALTER TABLE schema_version DISABLE ROW LEVEL SECURITY"))
    old = conn.execute(sa.text(
        "SELECT tablename, policyname FROM pg_policies WHERE schemaname = current_schema() "
        "AND tablename = ANY(:t)"), {"t": list(TABLES)}).all()
    for table, name in old:
        conn.execute(sa.text(f'DROP POLICY "{name}" ON {table}'))
    for table, name, command, roles, using, check in POLICIES:
        kind = "RESTRICTIVE" if name.endswith("_only") else "PERMISSIVE"
        clauses = (f" USING ({using})" if using else "") + (
            f" WITH CHECK ({check})" if check else "")
        conn.execute(sa.text(f"CREATE POLICY {name} ON {table} AS {kind} FOR {command} "
                             f"TO {roles}{clauses}"))


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
