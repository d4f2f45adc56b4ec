"""Locking a coding unit for a read-modify-write (no duplicate active values under races).

SQLite writers already hold the database's write lock (``BEGIN IMMEDIATE``, see
:class:`workbench.store.connection.TransactionScope`). On PostgreSQL, whose default READ
COMMITTED isolation lets two transactions read the same "current value" and both write, the
store takes a transaction-scoped advisory lock on the unit first (``pg_advisory_xact_lock``:
released at commit or rollback, needs no table privilege, and also serialises the first write
of a unit, when there is no row yet to ``SELECT … FOR UPDATE``). The partial unique indexes of
:data:`workbench.store.schema.ACTIVE_UNIQUE` make a second active value impossible whatever
happens.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa


def unit_lock_key(*parts: object) -> int:
    """A signed 64-bit key for ``parts`` (blake2b; the same parts give the same key)."""
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_unit(conn: sa.Connection, clip_id: str, utterance_index: int | None, code_id: str,
              layer: str, owner: str | None) -> None:
    """Hold a lock on one unit of one layer until the transaction ends (PostgreSQL only).

    ``owner``: the coder (coder layers), the audit id (review layers), None (consensus: one
    lock per unit whoever decides it).
    """
    if conn.dialect.name != "postgresql":
        return
    key = unit_lock_key(clip_id, utterance_index, code_id, layer, owner)
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
