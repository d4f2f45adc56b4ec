"""``bwv doctor``: is this deployment sound? Each check says what it found and what to do.

Checks, in order (a failed connection stops the rest):

1. **store reachable** — the project's store URL (for this user) connects.
2. **schema current** — the store's schema version is this workbench's; doctor never
   upgrades it (opening the store with ``bwv`` does, after a backup).
3. **codebook hashes** — every recorded codebook's content hashes to its recorded hash,
   every annotation names a recorded codebook version with that hash, and the project's
   codebook file on disk hashes as recorded.
4. **audit chain** — the whole chain verifies (and contains an exported head, if given).
5. **roles** — at least one admin; on PostgreSQL, every coder has a database role and the
   session does not connect as a superuser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from workbench.exceptions import WorkbenchError
from workbench.model import UserRole
from workbench.store import schema
from workbench.store.chain import ChainHead, sha256

if TYPE_CHECKING:
    from workbench.project import Project
    from workbench.store import Store


@dataclass(frozen=True)
class Check:
    """One finding: its name, whether it passed, and what was found (or what to do)."""

    name: str
    ok: bool
    detail: str


def _reachable(url: str) -> tuple[Check, sa.Engine | None]:
    from workbench.store.connection import create_engine

    file = sa.engine.make_url(url).database if url.startswith("sqlite") else None
    if file and file != ":memory:" and not Path(file).is_file():
        return Check("store reachable", False, f"no store file at {file}: run `bwv init`"), None
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except (WorkbenchError, sa.exc.SQLAlchemyError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return Check("store reachable", False, f"cannot connect: {first}"), None
    return Check("store reachable", True, f"{engine.dialect.name} store answers"), engine


def _schema(engine: sa.Engine) -> Check:
    from workbench.store import migrations

    with engine.connect() as conn:
        version = migrations.current_version(conn)
        todo = migrations.pending(conn) if version is not None else []
    if version is None:
        return Check("schema current", False, "no workbench schema here: run `bwv init`")
    if version > migrations.LATEST:
        return Check("schema current", False, f"schema version {version} is newer than this "
                     f"workbench ({migrations.LATEST}): upgrade the workbench")
    if not todo:
        return Check("schema current", True, f"schema version {version}")
    return Check("schema current", False,
                 f"schema version {version}, steps {', '.join(map(str, todo))} not applied "
                 "yet: back up (pg_dump or bwv export), then any `bwv` command upgrades it")


def _codebooks(store: Store, project: Project) -> Check:
    C, A = schema.codebooks, schema.annotations
    with store.transaction.read() as conn:
        recorded = {(r.codebook_id, r.version): (r.hash, r.content)
                    for r in conn.execute(sa.select(C))}
        used = conn.execute(sa.select(A.c.codebook_id, A.c.codebook_version,
                                      A.c.codebook_hash).distinct()).all()
    bad = [f"{cid} {v}: content does not hash to its recorded hash"
           for (cid, v), (h, content) in recorded.items() if sha256(content) != h]
    for u in used:
        known = recorded.get((u.codebook_id, u.codebook_version), ("",))[0]
        if known != u.codebook_hash:
            bad.append(f"annotations name {u.codebook_id} {u.codebook_version} with hash "
                       f"{u.codebook_hash[:12]}…, recorded as {known[:12] or 'nothing'}…")
    try:
        from workbench.codebook.loading import load_ref

        on_disk = load_ref(project.codebook, project.codebooks_dir)
        known = recorded.get((on_disk.id, on_disk.version))
        if known is not None and known[0] != on_disk.hash:
            bad.append(f"the project's codebook file {on_disk.source_path} hashes to "
                       f"{on_disk.hash[:12]}…, recorded as {known[0][:12]}…: it was edited")
    except WorkbenchError as exc:
        bad.append(f"the project's codebook {project.codebook} does not load: {exc}")
    if bad:
        return Check("codebook hashes", False, f"{len(bad)} problem(s); first: {bad[0]}")
    return Check("codebook hashes", True, f"{len(recorded)} codebook version(s) recorded, "
                 f"{len(used)} in use, all consistent")


def _audit(store: Store, head: ChainHead | None) -> Check:
    report = store.verify_audit(head)
    against = f" (contains the exported head {head.event_id})" if head and report.ok else ""
    return Check("audit chain", report.ok, report.summary() + against)


def _roles(store: Store) -> Check:
    coders = store.coders()
    admins = [c.coder_id for c in coders if c.has_role(UserRole.ADMIN)]
    if not admins:
        return Check("roles", False, "no admin: add one (`bwv coder add ID --role admin`)")
    if store.dialect != "postgresql":
        return Check("roles", True, f"{len(coders)} people, admin(s) {', '.join(admins)}; "
                     "SQLite: one file, trusted as a whole (no database roles)")
    with store.transaction.read() as conn:
        roles = {r[0] for r in conn.execute(sa.text("SELECT rolname FROM pg_roles"))}
        superuser = conn.execute(sa.text(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
    missing = [c.coder_id for c in coders if c.coder_id not in roles]
    if superuser:
        return Check("roles", False, "this session connects as a database superuser, which "
                     "row-level security does not bind: connect as the user's own role")
    if missing:
        return Check("roles", False, f"{len(missing)} coder(s) without a database role, e.g. "
                     f"{missing[0]}: create their roles")
    return Check("roles", True, f"{len(coders)} people, each with a database role; admin(s) "
                 f"{', '.join(admins)}")


def run_checks(project: Project, *, head: ChainHead | None = None,
               open_store: Callable[[str], Store] | None = None) -> list[Check]:
    """Run every check on ``project``'s store as this session's user; see module docstring."""
    from workbench.deployment.team import store_url_for
    from workbench.store import Store

    try:
        url = store_url_for(project.store_url)
    except WorkbenchError as exc:
        return [Check("store reachable", False, str(exc))]
    reachable, engine = _reachable(url)
    checks = [reachable]
    if engine is None:
        return checks
    checks.append(_schema(engine))
    engine.dispose()
    if not checks[-1].ok:
        return checks
    store = (open_store or Store)(url)
    try:
        steps: list[tuple[str, Callable[[], Check]]] = [
            ("codebook hashes", lambda: _codebooks(store, project)),
            ("audit chain", lambda: _audit(store, head)), ("roles", lambda: _roles(store))]
        for name, step in steps:
            try:
                checks.append(step())
            except WorkbenchError as exc:
                checks.append(Check(name, False, str(exc)))
    finally:
        store.close()
    return checks
