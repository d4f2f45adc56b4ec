"""The checks every annotation write passes first: who may write which layer on which clip,
whether the code and value fit the recorded codebook, and where an accepted hint may be
recorded (a mixin of the store's annotation operations, :mod:`.annotations`)."""

from __future__ import annotations

import json

import sqlalchemy as sa

from workbench.exceptions import AccessError, CodebookError, CodingError, ConflictError
from workbench.model import (
    Assignment,
    AssignmentKind,
    CodebookRef,
    CoderStatus,
    Layer,
    ScopeKind,
    UserRole,
)
from workbench.store import schema


def check_hint(conn: sa.Connection, coder_id: str, clip_id: str, layer: Layer,
               audit_id: str | None = None) -> None:
    """An accepted hint is recorded only where hints are allowed: a coder's own layer on an
    ordinary clip outside the reliability sample (the rule: :mod:`workbench.coding.hints`)."""
    from workbench.coding.hints import hints_refusal  # the coding package imports the store

    if layer == Layer.REVIEW:  # ROUND2: hints are off for review re-coding
        raise AccessError(f"a value on the review layer of audit {audit_id!r} cannot come "
                          "from a hint: review re-coding is blind, with hints off")
    if layer != Layer.CODER:
        raise CodingError(f"an accepted hint goes on a coder's own layer, not {layer}")
    t = schema.assignments
    rows = conn.execute(sa.select(t.c.reliability, t.c.kind).where(
        (t.c.clip_id == clip_id) & (t.c.coder_id == coder_id)
        & (t.c.kind != AssignmentKind.REVIEW.value))).all()
    mine = [Assignment(clip_id, coder_id, bool(r.reliability), kind=AssignmentKind(r.kind))
            for r in rows]
    refusal = hints_refusal(mine[0] if mine else None)
    if refusal is not None:
        raise CodingError(f"clip {clip_id!r}, coder {coder_id!r}: no accepted hint can be "
                          f"recorded here: {refusal}")


class WriteChecks:
    """Refusals of writes this handle may not make; requires ``principal`` (and caches the
    clips known to be assigned and the codebooks read)."""

    def _check_write(self, conn: sa.Connection, coder_id: str, clip_id: str, layer: Layer,
                     audit_id: str | None, *, removing: bool) -> None:
        """Refuse a write of ``coder_id``'s ``layer`` on ``clip_id`` this handle may not make."""
        p = self.principal
        if p.is_owner:
            return
        if layer == Layer.CONSENSUS:
            p.require_role(UserRole.REVIEWER, "write the consensus layer")
            if clip_id in p.blind_clips:
                raise AccessError(f"{p.name} is re-coding clip {clip_id!r} blind for an "
                                  "audit: no consensus decisions on it until the review is "
                                  "signed off")
            if not removing:
                p.require_self(coder_id, "decide")
            return
        p.require_self(coder_id, "code")
        if layer == Layer.REVIEW:
            p.require_role(UserRole.REVIEWER, "write a review layer")
            if not audit_id:
                raise AccessError("a review layer needs its audit id")
            if p.has(UserRole.ADMIN):
                return
            mine = frozenset().union(*(s.clip_ids for s in p.scopes if s.active
                                       and s.kind == ScopeKind.AUDIT_SAMPLE
                                       and s.ref == audit_id))
            if clip_id not in mine:
                raise AccessError(f"{p.name} may write review:{audit_id} only on the clips "
                                  f"of that audit's open sample; {clip_id!r} is not one")
            return
        if clip_id in p.blind_clips:
            raise AccessError(f"{p.name} is re-coding clip {clip_id!r} blind for an audit: "
                              f"they write its review layer only, never its {layer} layer")
        if p.status == CoderStatus.RETIRED:
            raise AccessError(f"{p.name} is retired and codes no more")
        known = self.__dict__.setdefault("_assigned_clips", set())
        if clip_id in known:  # assignments are never taken away
            return
        assigned = conn.execute(sa.select(schema.assignments.c.kind).where(
            (schema.assignments.c.clip_id == clip_id)
            & (schema.assignments.c.coder_id == coder_id))).first()
        if assigned is not None:
            known.add(clip_id)
        else:
            raise AccessError(f"{p.name} may code only clips assigned to them; "
                              f"{clip_id!r} is not")

    def _check_value(self, conn: sa.Connection, ref: CodebookRef, code_id: str,
                     value: str) -> None:
        """The code and value must fit the codebook recorded under ``ref`` (CodebookError).

        A user's handle may write only against a recorded codebook; the owner may write
        against an unrecorded one (bulk loads of old data), never against a changed one.
        """
        book = self._codebook_cache.get(ref.hash) if hasattr(self, "_codebook_cache") else None
        if book is None:
            row = conn.execute(sa.select(schema.codebooks.c.hash, schema.codebooks.c.content)
                               .where((schema.codebooks.c.codebook_id == ref.codebook_id)
                                      & (schema.codebooks.c.version == ref.version))).first()
            if row is None:
                if self.principal.is_owner:
                    return
                raise CodebookError(f"{ref.codebook_id} {ref.version} is not recorded in this "
                                    "store: register the codebook before coding with it")
            if row.hash != ref.hash:
                raise ConflictError(f"{ref.codebook_id} {ref.version} is recorded with hash "
                                    f"{row.hash[:12]}…, not {ref.hash[:12]}…")
            from workbench.codebook.book import Codebook

            book = Codebook.model_validate(json.loads(row.content))
            if not hasattr(self, "_codebook_cache"):
                self._codebook_cache = {}
            self._codebook_cache[ref.hash] = book
        book.validate_value(code_id, value)
