"""People, their roles, grants, coder status and scopes (mixed into ``Store``).

Only an admin adds people and changes roles and grants; only a reviewer changes a coder's
status (certification is an audited step, see :mod:`workbench.review.certification`). A
coder, a panel member, and an analyst without :data:`Grant.CODER_IDENTITIES` see only
themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from workbench.exceptions import AccessError, StoreError
from workbench.model import Coder, CoderStatus, Grant, Scope, ScopeKind, UserRole
from workbench.store import schema
from workbench.store.access import Principal, Rule, rule
from workbench.store.connection import utc_now

if TYPE_CHECKING:
    from workbench.store.connection import TransactionScope

C, R, G, S = schema.coders, schema.user_roles, schema.user_grants, schema.scopes


def load_principal(conn: sa.Connection, user_id: str) -> Principal:
    """The principal of a known person; :class:`AccessError` for anyone else."""
    row = conn.execute(sa.select(C).where(C.c.coder_id == user_id)).first()
    if row is None:
        raise AccessError(f"{user_id!r} is not a person known to this store; an admin adds "
                          f"them with `bwv coder add {user_id} --role …`")
    roles = frozenset(UserRole(r) for r in conn.execute(
        sa.select(R.c.role).where(R.c.coder_id == user_id)).scalars())
    grants = frozenset(Grant(g) for g in conn.execute(
        sa.select(G.c.grant_name).where(G.c.coder_id == user_id)).scalars())
    scopes = tuple(_scope_from_row(r) for r in conn.execute(
        sa.select(S).where((S.c.coder_id == user_id) & S.c.active.is_(True))))
    return Principal(user_id, roles, CoderStatus(row.status), grants, scopes)


def _scope_from_row(r: sa.Row) -> Scope:
    return Scope(r.coder_id, ScopeKind(r.kind), r.ref, frozenset(r.clip_ids or ()),
                 bool(r.active), r.scope_id)


class PeopleQueries:
    """People operations; requires ``transaction``, ``principal`` and ``audit``."""

    transaction: TransactionScope
    principal: Principal

    def audit(self, actor: str, action: str, clip_id: str | None = None,
              **detail: Any) -> None:  # pragma: no cover - provided by Store
        raise NotImplementedError

    @rule(Rule.MANAGE_PEOPLE)
    def add_coder(self, coder: Coder) -> None:
        """Add a person, or update their name, roles and status (admin; audited)."""
        with self.transaction() as conn:
            exists = conn.execute(sa.select(C.c.coder_id).where(
                C.c.coder_id == coder.coder_id)).first()
            values = {"name": coder.name, "status": str(coder.status)}
            if exists:
                conn.execute(C.update().where(C.c.coder_id == coder.coder_id).values(**values))
            else:
                conn.execute(C.insert(), {"coder_id": coder.coder_id, **values})
            self._write_roles(conn, coder.coder_id, coder.roles)
            self.audit(self.principal.acting_as(None), "coder_added" if not exists
                       else "coder_updated", coder=coder.coder_id,
                       roles=sorted(coder.roles), status=str(coder.status))

    @rule(Rule.MANAGE_PEOPLE)
    def set_roles(self, coder_id: str, roles: Iterable[UserRole | str]) -> None:
        """Replace a person's roles (admin; audited with the old and new roles)."""
        new = frozenset(UserRole(r) for r in roles)
        with self.transaction() as conn:
            old = self._require_person(conn, coder_id).roles
            self._write_roles(conn, coder_id, new)
            self.audit(self.principal.acting_as(None), "roles_set", coder=coder_id,
                       old=sorted(old), new=sorted(new))

    @rule(Rule.MANAGE_PEOPLE)
    def set_grants(self, coder_id: str, grants: Iterable[Grant | str]) -> None:
        """Replace a person's extra grants (admin; audited)."""
        new = sorted({Grant(g) for g in grants})
        with self.transaction() as conn:
            self._require_person(conn, coder_id)
            conn.execute(G.delete().where(G.c.coder_id == coder_id))
            if new:
                conn.execute(G.insert(), [{"coder_id": coder_id, "grant_name": str(g)}
                                          for g in new])
            self.audit(self.principal.acting_as(None), "grants_set", coder=coder_id,
                       new=[str(g) for g in new])

    @rule(Rule.CERTIFY)
    def set_coder_status(self, coder_id: str, status: CoderStatus | str, *,
                         reason: str, actor: str | None = None) -> None:
        """Change a coder's status (reviewer; audited with the old status and ``reason``).

        Prefer :func:`workbench.review.certification.certify`, which can gate on agreement.
        """
        status = CoderStatus(status)
        if not reason.strip():
            raise StoreError(f"a reason is required to make {coder_id!r} {status}")
        with self.transaction() as conn:
            old = self._require_person(conn, coder_id).status
            if status == old:
                return
            conn.execute(C.update().where(C.c.coder_id == coder_id).values(status=str(status)))
            self.audit(self.principal.acting_as(actor), "coder_status", coder=coder_id,
                       old=str(old), new=str(status), reason=reason)

    @rule(Rule.READ_PEOPLE)
    def coders(self) -> list[Coder]:
        """People, by id (coders, panel members and analysts without the grant: themselves)."""
        with self.transaction.read() as conn:
            query = sa.select(C).order_by(C.c.coder_id)
            if not self.principal.sees_all_people:
                query = query.where(C.c.coder_id == self.principal.user_id)
            rows = list(conn.execute(query))
            roles: dict[str, set[UserRole]] = {}
            for r in conn.execute(sa.select(R)):
                roles.setdefault(r.coder_id, set()).add(UserRole(r.role))
        return [Coder(r.coder_id, r.name, frozenset(roles.get(r.coder_id, ())),
                      CoderStatus(r.status)) for r in rows]

    @rule(Rule.READ_PEOPLE)
    def coder(self, coder_id: str) -> Coder:
        if not self.principal.sees_all_people and coder_id != self.principal.user_id:
            raise AccessError(f"{self.principal.name} may not look up other people")
        for c in self.coders():
            if c.coder_id == coder_id:
                return c
        raise StoreError(f"unknown coder {coder_id!r}; add them with `bwv coder add`")

    @rule(Rule.READ_PEOPLE)
    def counted_coder_ids(self) -> set[str]:
        """Coders whose ordinary work counts: certified or retired (never trainees)."""
        if not self.principal.sees_all_people:
            raise AccessError(f"{self.principal.name} may not list coders")
        with self.transaction.read() as conn:
            return set(conn.execute(sa.select(C.c.coder_id).where(
                C.c.status.in_([CoderStatus.CERTIFIED.value, CoderStatus.RETIRED.value])))
                .scalars())

    # ---- scopes ----------------------------------------------------------------------------
    @rule(Rule.ASSIGN)
    def add_scope(self, scope: Scope) -> int:
        """Narrow someone's role to some clips (audit sample, screening); returns its id."""
        if scope.kind == ScopeKind.AUDIT_SAMPLE:
            self.principal.require_role(UserRole.REVIEWER, "open an audit sample")
        with self.transaction() as conn:
            self._require_person(conn, scope.user_id)
            scope_id = conn.execute(S.insert().returning(S.c.scope_id), {
                "coder_id": scope.user_id, "kind": str(scope.kind), "ref": scope.ref,
                "clip_ids": sorted(scope.clip_ids), "active": True,
                "created_at": utc_now()}).scalar_one()
            self.audit(self.principal.acting_as(None), "scope_added", coder=scope.user_id,
                       kind=str(scope.kind), ref=scope.ref, n_clips=len(scope.clip_ids))
            return int(scope_id)

    @rule(Rule.ASSIGN)
    def end_scope(self, kind: ScopeKind | str, ref: str) -> int:
        """End every active scope of ``kind`` and ``ref`` (an audit review signed off)."""
        with self.transaction() as conn:
            n = conn.execute(S.update().where(
                (S.c.kind == str(ScopeKind(kind))) & (S.c.ref == ref) & S.c.active.is_(True))
                .values(active=False)).rowcount
            self.audit(self.principal.acting_as(None), "scope_ended", kind=str(kind), ref=ref,
                       n=n)
            return n

    @rule(Rule.READ_PEOPLE)
    def scopes(self, user_id: str | None = None) -> list[Scope]:
        """Active scopes (someone without the right to see others: their own)."""
        query = sa.select(S).where(S.c.active.is_(True)).order_by(S.c.scope_id)
        if not self.principal.sees_all_people:
            user_id = self.principal.user_id
        if user_id is not None:
            query = query.where(S.c.coder_id == user_id)
        with self.transaction.read() as conn:
            return [_scope_from_row(r) for r in conn.execute(query)]

    # ---- private ---------------------------------------------------------------------------
    def _require_person(self, conn: sa.Connection, coder_id: str) -> Principal:
        try:
            return load_principal(conn, coder_id)
        except AccessError:
            raise StoreError(f"unknown coder {coder_id!r}; add them with `bwv coder add`")\
                from None

    @staticmethod
    def _write_roles(conn: sa.Connection, coder_id: str, roles: Iterable[UserRole]) -> None:
        conn.execute(R.delete().where(R.c.coder_id == coder_id))
        rows = [{"coder_id": coder_id, "role": str(r)} for r in sorted(set(roles))]
        if rows:
            conn.execute(R.insert(), rows)
