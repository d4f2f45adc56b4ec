"""Erasing a clip for retention or a person's request, without breaking the audit chain.

The clip's transcript text, metadata, codes, notes and assignments are deleted — the one
place the store deletes rows — and the details of its earlier audit records are cleared.
The chain itself holds only hashes, so it still verifies: the erasure is one more record
(``clip_erased``, with the hash of what was removed and the reason), and verification
accepts a missing detail only where such a record names its clip. Admins only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from workbench.exceptions import AccessError, ParameterError, StoreError
from workbench.model import UserRole
from workbench.store import schema
from workbench.store.access import Principal, Rule, rule
from workbench.store.audit import CLIP_ERASED, append_record
from workbench.store.chain import content_hash

if TYPE_CHECKING:
    from workbench.store.connection import TransactionScope

_AUDIT_TABLES = {schema.audit_events.name, schema.audit_details.name, schema.audit_head.name}


@dataclass(frozen=True)
class ErasureReport:
    """What an erasure removed: rows per table, audit details cleared, the erasure record."""

    clip_id: str
    rows: dict[str, int]
    details_cleared: int
    event_id: int

    def summary(self) -> str:
        removed = ", ".join(f"{n} {t}" for t, n in self.rows.items() if n)
        return (f"clip {self.clip_id} erased: {removed}; {self.details_cleared} audit details "
                f"cleared; audit record {self.event_id}")


def _clip_tables() -> list[sa.Table]:
    """Tables holding rows of a clip, children before the clip itself."""
    return [t for t in reversed(schema.metadata.sorted_tables)
            if "clip_id" in t.c and t.name not in _AUDIT_TABLES]


def require_admin(conn: sa.Connection, principal: Principal, actor: str | None,
                  what: str) -> str:
    """The admin to record as doing ``what``: the handle's user, who must hold the admin
    role; on the owner's handle, the named ``actor``, who must be a person with that role
    (so the audit always names an admin). :class:`AccessError` otherwise."""
    actor = principal.acting_as(actor)
    if not principal.is_owner:
        principal.require_role(UserRole.ADMIN, what)
        return actor
    held = conn.execute(sa.select(schema.user_roles.c.role).where(
        (schema.user_roles.c.coder_id == actor)
        & (schema.user_roles.c.role == UserRole.ADMIN.value))).first()
    if held is None:
        raise AccessError(f"{actor!r} is not an admin; only an admin may {what} "
                          f"(`bwv coder add {actor} --role admin`)")
    return actor


class ClipErasure:
    """``erase_clip``; requires ``transaction`` and ``principal``."""

    transaction: TransactionScope
    principal: Principal

    @rule(Rule.WRITE_CORPUS)
    def erase_clip(self, clip_id: str, *, reason: str,
                   actor: str | None = None) -> ErasureReport:
        """Delete a clip's text, metadata and codes; clear its audit details (one transaction).

        Admins only (:func:`require_admin`; ``actor`` names the admin on the owner's handle).
        Raises :class:`ParameterError` without a reason, :class:`StoreError` for an unknown
        clip. The reason is kept in the erasure record: say why (retention, request
        reference), not who the person is.
        """
        reason = (reason or "").strip()
        if not reason:
            raise ParameterError(f"a reason is required to erase clip {clip_id!r} (retention "
                                 "period, request reference)", field="reason")
        with self.transaction() as conn:
            actor = require_admin(conn, self.principal, actor, "erase a clip")
            if conn.execute(sa.select(schema.clips.c.clip_id).where(
                    schema.clips.c.clip_id == clip_id)).first() is None:
                raise StoreError(f"unknown clip {clip_id!r}: nothing to erase")
            removed: dict[str, Any] = {}
            rows: dict[str, int] = {}
            for table in _clip_tables():
                found = conn.execute(sa.select(table).where(table.c.clip_id == clip_id)
                                     .order_by(*table.primary_key.columns)).all()
                removed[table.name] = [dict(r._mapping) for r in found]
                rows[table.name] = len(found)
                conn.execute(table.delete().where(table.c.clip_id == clip_id))
            record = append_record(conn, actor, CLIP_ERASED, clip_id,
                                   {"reason": reason, "rows": rows},
                                   old_hash=content_hash(removed))
            D = schema.audit_details
            cleared = conn.execute(D.update().where(
                (D.c.clip_id == clip_id) & (D.c.event_id < record.event_id)
                & D.c.detail.is_not(None)).values(detail=None, erased_by=record.event_id)
            ).rowcount
        return ErasureReport(clip_id, rows, cleared, record.event_id)
