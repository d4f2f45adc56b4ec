"""Assignments of clips to coders, and where each coder is in a clip (mixed into ``Store``).

A trainee gets only practice and gold-standard clips and a retired coder none, so their work
never enters the study's layers by an assignment; a coder's handle reads only its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from workbench.exceptions import AccessError, StoreError
from workbench.model import (
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    CoderStatus,
    UserRole,
)
from workbench.store import schema
from workbench.store.access import Rule, rule
from workbench.store.connection import utc_now


class AssignmentQueries:
    """``assign``, ``assignments``, ``set_progress``, ``reliability_clip_ids``; requires
    ``transaction``, ``principal`` and ``audit``."""

    @rule(Rule.ASSIGN)
    def assign(self, assignments: Iterable[Assignment]) -> int:
        """Add assignments (existing ones for the same clip and coder are kept as they are).

        A trainee gets only practice and gold-standard clips, a retired coder none: an
        ordinary assignment for them is refused (:class:`AccessError`), so their work can
        never enter the study's layers by an assignment.
        """
        rows = list(assignments)
        with self.transaction() as conn:
            status = dict(conn.execute(sa.select(schema.coders.c.coder_id,
                                                 schema.coders.c.status)).all())
            for a in rows:
                if a.coder_id not in status:
                    raise StoreError(f"unknown coder {a.coder_id!r}; add them with "
                                     "`bwv coder add`")
                kind = AssignmentKind(a.kind)
                if status[a.coder_id] == CoderStatus.RETIRED:
                    raise AccessError(f"{a.coder_id} is retired: no new assignments")
                if (status[a.coder_id] == CoderStatus.TRAINEE
                        and kind in (AssignmentKind.ORDINARY, AssignmentKind.REVIEW)):
                    raise AccessError(
                        f"{a.coder_id} is a trainee: assign practice or gold-standard clips "
                        f"(not {kind} work on clip {a.clip_id!r}) until a reviewer certifies "
                        "them (`bwv coder certify`)")
            existing = {(r.clip_id, r.coder_id) for r in conn.execute(
                sa.select(schema.assignments.c.clip_id, schema.assignments.c.coder_id))}
            new = [
                {"clip_id": a.clip_id, "coder_id": a.coder_id, "reliability": a.reliability,
                 "status": str(a.status), "position": a.position,
                 "last_utterance": a.last_utterance, "updated_at": utc_now(),
                 "kind": str(AssignmentKind(a.kind))}
                for a in rows if (a.clip_id, a.coder_id) not in existing
            ]
            if new:
                conn.execute(schema.assignments.insert(), new)
                self.audit(self.principal.acting_as(None), "assigned", new_content=[
                    {k: r[k] for k in ("clip_id", "coder_id", "reliability")} for r in new],
                    n=len(new))
            return len(new)

    @rule(Rule.READ_ASSIGNMENTS)
    def assignments(self, coder_id: str | None = None,
                    clip_id: str | None = None,
                    kind: AssignmentKind | None = None) -> list[Assignment]:
        """Assignments by coder and position (a coder's handle: their own only)."""
        p = self.principal
        if p.coder_only:
            if coder_id not in (None, p.user_id):
                raise AccessError(f"{p.name} may not read {coder_id!r}'s assignments")
            coder_id = p.user_id
        elif not p.sees_all_people:
            raise AccessError(f"{p.name} may not read assignments: they name coders "
                              "(grant coder_identities needed)")
        query = sa.select(schema.assignments).order_by(
            schema.assignments.c.coder_id, schema.assignments.c.position,
            schema.assignments.c.clip_id)
        if coder_id is not None:
            query = query.where(schema.assignments.c.coder_id == coder_id)
        if clip_id is not None:
            query = query.where(schema.assignments.c.clip_id == clip_id)
        if kind is not None:
            query = query.where(schema.assignments.c.kind == str(kind))
        with self.transaction.read() as conn:
            return [Assignment(r.clip_id, r.coder_id, bool(r.reliability),
                               AssignmentStatus(r.status), r.position, r.last_utterance,
                               r.updated_at, AssignmentKind(r.kind))
                    for r in conn.execute(query)]

    @rule(Rule.PROGRESS)
    def set_progress(self, clip_id: str, coder_id: str, *,
                     status: AssignmentStatus | None = None,
                     last_utterance: int | None = None) -> None:
        """Record where a coder is in a clip, and its status (a coder: their own clips)."""
        if not self.principal.has(UserRole.ADMIN) and not self.principal.has(
                UserRole.REVIEWER):
            self.principal.require_self(coder_id, "record progress")
        values: dict[str, Any] = {"updated_at": utc_now()}
        if status is not None:
            values["status"] = str(status)
        if last_utterance is not None:
            values["last_utterance"] = last_utterance
        with self.transaction() as conn:
            result = conn.execute(schema.assignments.update().where(
                (schema.assignments.c.clip_id == clip_id)
                & (schema.assignments.c.coder_id == coder_id)).values(**values))
            if result.rowcount == 0:
                raise StoreError(f"clip {clip_id!r} is not assigned to coder {coder_id!r}")
            if status is not None:
                actor = coder_id if self.principal.is_owner else None
                self.audit(self.principal.acting_as(actor), f"clip_{status}", clip_id=clip_id)

    @rule(Rule.READ_ASSIGNMENTS)
    def reliability_clip_ids(self) -> set[str]:
        with self.transaction.read() as conn:
            return {r.clip_id for r in conn.execute(
                sa.select(schema.assignments.c.clip_id).where(
                    schema.assignments.c.reliability.is_(True)).distinct())}
