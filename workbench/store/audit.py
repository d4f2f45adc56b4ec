"""The store's tamper-evident audit trail (mixed into ``Store``).

Every write appends one record to a hash chain (:mod:`workbench.store.chain`) inside the
writer's own transaction: the chain and the change commit together or not at all. Appends
lock the one-row ``audit_head`` table (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite has one
writer at a time), and the unique ``prev_hash`` makes a forked chain impossible even so.

Reads verify what they return: :meth:`AuditTrail.audit_events` checks each record's own hash,
its detail's hash and its links to both neighbours, and raises :class:`AuditError` rather
than hand back an edited record — so logic that reads decisions from the records
(:func:`workbench.review.adjudication.decisions`) cannot be fed an invented one.
:meth:`AuditTrail.verify_audit` walks the whole chain (``bwv audit verify``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from workbench.exceptions import AccessError, AuditError
from workbench.model import AuditEvent
from workbench.store import schema
from workbench.store.access import Principal, Rule, rule
from workbench.store.chain import (
    GENESIS,
    ChainHead,
    ChainRecord,
    ChainReport,
    canonical_json,
    check_record,
    content_hash,
    record_hash,
    sha256,
    verify_chain,
)
from workbench.store.connection import utc_now

if TYPE_CHECKING:
    from workbench.store.connection import TransactionScope

E, D, H = schema.audit_events, schema.audit_details, schema.audit_head
#: Action of the record that erases a clip (its earlier details may then be missing).
CLIP_ERASED = "clip_erased"
_UNSET: Any = object()
_CHUNK = 500


def _record_query() -> sa.Select:
    return (sa.select(E, D.c.detail, D.c.erased_by)
            .select_from(E.outerjoin(D, D.c.event_id == E.c.event_id))
            .order_by(E.c.event_id))


def _record(row: sa.Row) -> ChainRecord:
    m = row._mapping
    return ChainRecord(m["event_id"], m["created_at"], m["actor"], m["action"], m["clip_id"],
                       m["old_hash"], m["new_hash"], m["detail_hash"], m["prev_hash"],
                       m["hash"], m["detail"], m["erased_by"])


def _event(record: ChainRecord) -> AuditEvent:
    detail = json.loads(record.detail) if record.detail is not None else {}
    return AuditEvent(record.actor, record.action, detail, record.clip_id, record.created_at,
                      record.event_id, record.hash)


_HEAD = sa.select(H.c.event_id, H.c.hash).where(H.c.id == 1)
_HEAD_LOCKED = _HEAD.with_for_update()
_INSERT_EVENT = E.insert()
_INSERT_DETAIL = D.insert()
_MOVE_HEAD = H.update().where(H.c.id == 1).values(event_id=sa.bindparam("p_id"),
                                                   hash=sa.bindparam("p_hash"))


def stored_head(conn: sa.Connection, *, lock: bool = False) -> ChainHead:
    """The head the store keeps (event 0 and :data:`GENESIS` for an empty chain)."""
    row = conn.execute(_HEAD_LOCKED if lock else _HEAD).first()
    return ChainHead(0, GENESIS) if row is None else ChainHead(row.event_id, row.hash)


def append_record(conn: sa.Connection, actor: str, action: str, clip_id: str | None,
                  detail: dict[str, Any], *, old_hash: str | None = None,
                  new_hash: str | None = None,
                  created_at: datetime | None = None) -> ChainRecord:
    """Append one record to the chain on ``conn`` (the caller's transaction).

    ``created_at``: only for chaining records written before the chain existed.
    """
    head = stored_head(conn, lock=True)
    text = canonical_json(detail)
    event_id, created = head.event_id + 1, created_at or utc_now()
    if created.tzinfo is None:  # SQLite hands back the UTC it was given, without the zone
        created = created.replace(tzinfo=UTC)
    detail_hash = sha256(text)
    digest = record_hash(event_id, created, actor, action, clip_id, old_hash, new_hash,
                         detail_hash, head.hash)
    record = ChainRecord(event_id, created, actor, action, clip_id, old_hash, new_hash,
                         detail_hash, head.hash, digest, text)
    conn.execute(_INSERT_EVENT, {
        "event_id": event_id, "created_at": created, "actor": actor, "action": action,
        "clip_id": clip_id, "old_hash": old_hash, "new_hash": new_hash,
        "detail_hash": detail_hash, "prev_hash": head.hash, "hash": digest})
    conn.execute(_INSERT_DETAIL, {"event_id": event_id, "clip_id": clip_id, "detail": text})
    if conn.execute(_MOVE_HEAD, {"p_id": event_id, "p_hash": digest}).rowcount == 0:
        conn.execute(H.insert(), {"id": 1, "event_id": event_id, "hash": digest})
    return record


def annotation_content(row: Any) -> dict[str, Any]:
    """What an annotation row says (hashed as the old or new content of a coding action)."""
    m = row if isinstance(row, dict) else row._mapping
    return {k: m[k] for k in ("clip_id", "utterance_index", "code_id", "value", "coder_id",
                              "layer", "codebook_hash", "note")}


def verify_on(conn: sa.Connection, exported: ChainHead | None = None) -> ChainReport:
    """Verify the whole chain as ``conn`` sees it (see :meth:`AuditTrail.verify_audit`)."""
    head = stored_head(conn)
    erased = erase_events(conn)
    rows = conn.execute(_record_query().execution_options(yield_per=2000))
    return verify_chain((_record(r) for r in rows), stored_head=head, exported=exported,
                        erase_events=erased)


def erase_events(conn: sa.Connection) -> dict[int, str | None]:
    """event id → clip id of every erasure record."""
    return {r.event_id: r.clip_id for r in conn.execute(
        sa.select(E.c.event_id, E.c.clip_id).where(E.c.action == CLIP_ERASED))}


class AuditTrail:
    """Audit operations; requires ``engine``, ``transaction`` and ``principal``."""

    engine: sa.Engine
    transaction: TransactionScope
    principal: Principal

    @rule(Rule.APPEND_AUDIT)
    def audit(self, actor: str, action: str, clip_id: str | None = None, *,
              old_content: Any = _UNSET, new_content: Any = _UNSET,
              **detail: Any) -> AuditEvent:
        """Append an audit record (inside the caller's transaction, if any).

        ``old_content`` / ``new_content``: before and after the change; only their hashes go
        into the chain. ``detail``: what else describes the event (ids, counts, reasons);
        kept beside the chain, hashed into it, erased with its clip. A user's handle records
        the user as the actor, whatever the caller names.
        """
        actor = self.principal.acting_as(actor)
        with self.transaction() as conn:
            record = append_record(
                conn, actor, action, clip_id, detail,
                old_hash=None if old_content is _UNSET else content_hash(old_content),
                new_hash=None if new_content is _UNSET else content_hash(new_content))
        return _event(record)

    @rule(Rule.READ_AUDIT)
    def audit_events(self, clip_id: str | None = None, action: str | None = None, *,
                     since: int = 0) -> list[AuditEvent]:
        """Audit records in chain order, each verified (own hash, detail, both links).

        ``since``: only records after this event id. Raises :class:`AuditError` naming the
        first record that fails; an erased detail reads as ``{}``. A coder's handle reads
        their own records only.
        """
        query = _record_query().where(E.c.event_id > since)
        if clip_id is not None:
            query = query.where(E.c.clip_id == clip_id)
        if action is not None:
            query = query.where(E.c.action == action)
        if self.principal.coder_only:  # their own records, and re-coding asked of them
            query = query.where((E.c.actor == self.principal.user_id)
                                | (E.c.action == f"recode_requested:{self.principal.user_id}"))
        if self.principal.blind_clips:  # an audit's reviewer: nothing others did there
            query = query.where(E.c.clip_id.is_(None)
                                | E.c.clip_id.not_in(sorted(self.principal.blind_clips))
                                | (E.c.actor == self.principal.user_id))
        with self.transaction.read() as conn:
            records = [_record(r) for r in conn.execute(query)]
            _check_in_place(conn, records, partial=self.principal.coder_only
                            or bool(self.principal.blind_clips))
        return [_event(r) for r in records]

    @rule(Rule.READ_AUDIT)
    def audit_head(self) -> ChainHead:
        """The chain's last record as the store keeps it (not verified: see verify_audit)."""
        with self.transaction.read() as conn:
            return stored_head(conn)

    @rule(Rule.READ_AUDIT)
    def verify_audit(self, exported: ChainHead | None = None) -> ChainReport:
        """Walk the whole chain and report its first break (staff: the whole chain is read).

        ``exported``: a head exported earlier (``bwv audit head``); a chain recomputed after
        an edit, or cut short, no longer contains it and fails.
        """
        if self.principal.coder_only:
            raise AccessError(f"{self.principal.name} may not verify the whole chain: it reads "
                              "every record; reviewers and admins verify it")
        if self.principal.blind_clips and self.engine.dialect.name == "postgresql":
            raise AccessError(f"{self.principal.name} is re-coding an audit sample blind: "
                              "their database login does not read others' records on its "
                              "clips, so the whole chain is verified after the sign-off (or "
                              "by an admin)")
        with self.transaction.read() as conn:
            return verify_on(conn, exported)

    @rule(Rule.READ_AUDIT)
    def export_audit_head(self) -> ChainHead:
        """The head of a verified chain, to export, sign and keep outside the store."""
        report = self.verify_audit()
        if not report.ok:
            assert report.first_break is not None
            raise AuditError(f"not exporting the head of a broken chain: "
                             f"{report.first_break.message}",
                             event_id=report.first_break.event_id)
        return report.head


def _check_in_place(conn: sa.Connection, records: Sequence[ChainRecord], *,
                    partial: bool = False) -> None:
    """Each record's own hash and detail, and its links to the records either side.

    ``partial``: the connection may not see every record (a coder's own database login, under
    row-level security): a neighbour it cannot see is not taken as missing, and links are
    checked where both records are visible. Whole-chain checks are for staff
    (:meth:`AuditTrail.verify_audit`).
    """
    if not records:
        return
    ids = sorted({r.event_id - 1 for r in records} | {r.event_id + 1 for r in records})
    near: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(ids):
        near.update({r.event_id: (r.hash, r.prev_hash) for r in conn.execute(
            sa.select(E.c.event_id, E.c.hash, E.c.prev_hash).where(E.c.event_id.in_(chunk)))})
    head = stored_head(conn)
    erased = erase_events(conn) if any(r.detail is None for r in records) else {}
    for record in records:
        n = record.event_id
        prev = GENESIS if n == 1 else near.get(n - 1, (None, None))[0]
        if prev is None and not partial:
            raise AuditError("the record before it is missing", event_id=n)
        fault = check_record(record, prev if prev is not None else record.prev_hash, n, erased)
        if fault is not None:
            raise AuditError(fault.message, event_id=n)
        follower = near.get(n + 1)
        if follower is None and partial and n != head.event_id:
            continue
        if follower is None and n != head.event_id:
            raise AuditError("the record after it is missing (or the head is wrong)",
                             event_id=n)
        if follower is not None and follower[1] != record.hash:
            raise AuditError("the record after it does not follow it: it was rewritten",
                             event_id=n)
        if follower is None and head.hash != record.hash:
            raise AuditError("the store's head does not match the last record", event_id=n)


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield list(ids[start:start + _CHUNK])
