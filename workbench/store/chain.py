"""The audit chain's hashing and verification: pure functions over records, no SQL.

Each audit record holds who (``actor``), when (``created_at``), what (``action``, ``clip_id``)
and **hashes** of content — ``old_hash`` and ``new_hash`` of the thing changed, and
``detail_hash`` of the event's detail — never the content itself. Its ``hash`` is SHA-256 over
those fields and the previous record's hash (``prev_hash``; :data:`GENESIS` for the first), so
editing, inserting, deleting or moving any record breaks the chain from that point on. The
content (the detail) lives beside the chain and can be erased (:mod:`workbench.store.erasure`)
without breaking it, because the chain only holds its hash.

A chain recomputed after an edit is internally consistent; it is caught by comparing with a
:class:`ChainHead` exported earlier (``bwv audit head``) and kept, signed or published,
outside the store.

References: the construction is a plain hash chain (Haber & Stornetta 1991, "How to
time-stamp a digital document"); canonical JSON as in RFC 8785 (sorted keys, no spaces).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

#: ``prev_hash`` of the first record.
GENESIS = "0" * 64
#: Version of the record-hash layout (part of every hash, so a new layout cannot collide).
CHAIN_VERSION = 1
HEAD_FORMAT = "bwv-audit-head"


def _default(value: Any) -> str:
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot hash a {type(value).__name__} in audit content: {value!r}")


def canonical_json(obj: Any) -> str:
    """One text per value: sorted keys, no spaces, UTF-8 kept, dates as ISO 8601."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_default, allow_nan=False)


def sha256(text: str) -> str:
    """Hex SHA-256 of ``text`` encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_hash(obj: Any) -> str:
    """The hash the chain keeps in place of ``obj`` (any JSON-able value)."""
    return sha256(canonical_json(obj))


def timestamp(value: datetime) -> str:
    """A time stamp as hashed: UTC, microseconds, ``Z`` (naive values are taken as UTC,
    which is how SQLite returns what the store wrote in UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class ChainRecord:
    """One audit record as stored (``detail`` is its canonical JSON text, None if erased)."""

    event_id: int
    created_at: datetime
    actor: str
    action: str
    clip_id: str | None
    old_hash: str | None
    new_hash: str | None
    detail_hash: str
    prev_hash: str
    hash: str
    detail: str | None = None
    erased_by: int | None = None


def record_hash(event_id: int, created_at: datetime, actor: str, action: str,
                clip_id: str | None, old_hash: str | None, new_hash: str | None,
                detail_hash: str, prev_hash: str) -> str:
    """SHA-256 of a record's fields and the previous record's hash."""
    return content_hash({
        "v": CHAIN_VERSION, "seq": event_id, "at": timestamp(created_at), "actor": actor,
        "action": action, "clip": clip_id, "old": old_hash, "new": new_hash,
        "detail": detail_hash, "prev": prev_hash})


def own_hash(record: ChainRecord) -> str:
    """What ``record.hash`` must be, given its fields."""
    return record_hash(record.event_id, record.created_at, record.actor, record.action,
                       record.clip_id, record.old_hash, record.new_hash, record.detail_hash,
                       record.prev_hash)


@dataclass(frozen=True)
class ChainHead:
    """The last record of a chain: its position and hash. Export it, keep it elsewhere."""

    event_id: int
    hash: str

    def to_json(self, **extra: Any) -> str:
        return json.dumps({"format": HEAD_FORMAT, "version": CHAIN_VERSION,
                           "event_id": self.event_id, "hash": self.hash, **extra},
                          indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, *, source: str = "head file") -> ChainHead:
        """Read an exported head; :class:`ValueError` naming the field if it is not one."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{source}: not JSON ({exc})") from exc
        if not isinstance(data, dict) or data.get("format") != HEAD_FORMAT:
            raise ValueError(f"{source}: expected a JSON object with format {HEAD_FORMAT!r}")
        event_id, digest = data.get("event_id"), data.get("hash")
        if not isinstance(event_id, int) or isinstance(event_id, bool) or event_id < 0:
            raise ValueError(f"{source}: field 'event_id' must be a whole number ≥ 0")
        if not (isinstance(digest, str) and len(digest) == 64
                and all(c in "0123456789abcdef" for c in digest)):
            raise ValueError(f"{source}: field 'hash' must be 64 lower-case hex digits")
        return cls(event_id, digest)


@dataclass(frozen=True)
class ChainBreak:
    """The first place the chain fails: the record's position and what is wrong there."""

    event_id: int
    kind: str  # edited | detail_edited | detail_missing | linked_wrongly | gap | head
    message: str


@dataclass(frozen=True)
class ChainReport:
    """Result of verifying a chain: records checked, its head, and the first break (if any)."""

    n_records: int
    head: ChainHead
    first_break: ChainBreak | None = None
    n_erased: int = 0

    @property
    def ok(self) -> bool:
        return self.first_break is None

    def summary(self) -> str:
        if self.first_break is None:
            erased = f", {self.n_erased} with erased detail" if self.n_erased else ""
            return (f"audit chain intact: {self.n_records} records{erased}; head "
                    f"{self.head.event_id} {self.head.hash[:16]}…")
        return f"audit chain BROKEN at record {self.first_break.event_id}: " \
               f"{self.first_break.message}"


def check_record(record: ChainRecord, prev_hash: str, expected_id: int,
                 erase_events: dict[int, str | None]) -> ChainBreak | None:
    """The first fault of one record given its predecessor's hash, or None.

    ``erase_events``: event id → clip id of every ``clip_erased`` record, to accept a detail
    that was erased by one of them (for the same clip) and nothing else.
    """
    n = record.event_id
    if n != expected_id:
        what = "deleted" if n > expected_id else "inserted or duplicated"
        return ChainBreak(n, "gap", f"expected record {expected_id} here, found {n}: "
                          f"records were {what}")
    if record.prev_hash != prev_hash:
        return ChainBreak(n, "linked_wrongly", "does not follow the record before it (its "
                          "previous-hash differs): a record was deleted, inserted or moved "
                          "here, or the one before it was rewritten")
    if own_hash(record) != record.hash:
        return ChainBreak(n, "edited", f"its fields do not match its hash (action "
                          f"{record.action!r}): the record was edited")
    if record.detail is None:
        if record.erased_by is None or record.erased_by not in erase_events \
                or erase_events[record.erased_by] != record.clip_id or record.clip_id is None:
            return ChainBreak(n, "detail_missing", "its detail is missing without an erasure "
                              "of its clip recorded in the chain")
    elif sha256(record.detail) != record.detail_hash:
        return ChainBreak(n, "detail_edited", "its detail does not match the hash in the "
                          "chain: the detail was edited")
    return None


def verify_chain(records: Iterable[ChainRecord], *, stored_head: ChainHead | None = None,
                 exported: ChainHead | None = None,
                 erase_events: dict[int, str | None] | None = None) -> ChainReport:
    """Walk ``records`` in event order and report the first break.

    ``stored_head``: the head the store keeps (catches records cut off the end).
    ``exported``: a head exported earlier; the chain must contain it unchanged (catches a
    chain recomputed after an edit, and records cut off before it).
    """
    erase_events = erase_events or {}
    prev, expected, n, n_erased = GENESIS, 1, 0, 0
    exported_seen = exported is None or exported.event_id == 0
    first: ChainBreak | None = None
    for record in records:
        n += 1
        if first is None:
            first = check_record(record, prev, expected, erase_events)
        if first is None and exported is not None and record.event_id == exported.event_id:
            exported_seen = True
            if record.hash != exported.hash:
                first = ChainBreak(record.event_id, "head", "its hash differs from the exported "
                                   "head: the chain was rewritten up to here since it was "
                                   "exported")
        n_erased += record.detail is None
        prev, expected = record.hash, record.event_id + 1
    head = ChainHead(expected - 1, prev)
    if first is None and stored_head is not None and stored_head != head:
        first = ChainBreak(head.event_id, "head", f"the chain ends at record {head.event_id} "
                           f"but the store's head is record {stored_head.event_id}: records "
                           "were removed from the end, or added without moving the head")
    if first is None and not exported_seen:
        first = ChainBreak(head.event_id, "head", f"the chain ends at record {head.event_id}, "
                           f"before the exported head (record {exported.event_id}): "  # type: ignore[union-attr]
                           "records were removed")
    return ChainReport(n, head, first, n_erased)
