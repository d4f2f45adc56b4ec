"""Coders' notes and review flags on utterances (mixed into ``Store``): autosaved, audited,
and read under the same rules as annotations (a coder their own; reviewers not on the clips
they re-code blind)."""

from __future__ import annotations

import sqlalchemy as sa

from workbench.exceptions import AccessError
from workbench.model import UserRole, UtteranceNote
from workbench.store import schema
from workbench.store.access import Rule, rule
from workbench.store.connection import utc_now


class NoteQueries:
    """``set_note`` and ``notes``; requires ``transaction``, ``principal`` and ``audit``."""

    @rule(Rule.CODE)
    def set_note(self, clip_id: str, utterance_index: int, coder_id: str, *,
                 note: str | None = None, flagged: bool | None = None) -> UtteranceNote:
        """Set a coder's note and/or review flag on an utterance (audited)."""
        N = schema.utterance_notes
        key = ((N.c.clip_id == clip_id) & (N.c.utterance_index == utterance_index)
               & (N.c.coder_id == coder_id))
        with self.transaction() as conn:
            self.principal.require_self(coder_id, "write notes")
            row = conn.execute(sa.select(N).where(key)).first()
            new_note = note if note is not None else (row.note if row else "")
            new_flag = flagged if flagged is not None else (bool(row.flagged) if row else False)
            values = {"note": new_note, "flagged": new_flag, "updated_at": utc_now()}
            if row is None:
                conn.execute(N.insert(), {"clip_id": clip_id, "utterance_index": utterance_index,
                                          "coder_id": coder_id, **values})
            else:
                conn.execute(N.update().where(key).values(**values))
            self.audit(coder_id if self.principal.is_owner else None, "note_set",
                       clip_id=clip_id, utterance_index=utterance_index, flagged=new_flag,
                       has_note=bool(new_note))
            return UtteranceNote(clip_id, utterance_index, coder_id, new_note, new_flag)

    @rule(Rule.READ_ANNOTATIONS)
    def notes(self, clip_id: str | None = None,
              coder_id: str | None = None) -> list[UtteranceNote]:
        """Coders' notes and flags (a coder: their own; an analyst: none)."""
        p = self.principal
        if p.coder_only:
            if coder_id not in (None, p.user_id):
                raise AccessError(f"{p.name} may read only their own notes")
            coder_id = p.user_id
        elif not (p.has(UserRole.ADMIN) or p.has(UserRole.REVIEWER)):
            raise AccessError(f"{p.name} may not read coders' notes")
        N = schema.utterance_notes
        query = sa.select(N).order_by(N.c.clip_id, N.c.utterance_index, N.c.coder_id)
        if clip_id is not None:
            query = query.where(N.c.clip_id == clip_id)
        if coder_id is not None:
            query = query.where(N.c.coder_id == coder_id)
        if p.blind_clips:  # an audit's reviewer: no coder's notes on the blind clips
            query = query.where(N.c.clip_id.not_in(sorted(p.blind_clips))
                                | (N.c.coder_id == p.user_id))
        with self.transaction.read() as conn:
            return [UtteranceNote(r.clip_id, r.utterance_index, r.coder_id, r.note,
                                  bool(r.flagged)) for r in conn.execute(query)]
