"""Transcript edits after ingest (mixed into ``Store``): speaker roles, text corrections,
re-ingest of changed content for a coded clip.

- **Speaker → role per clip**: diarised labels such as ``SPEAKER_00`` mean different people in
  different files, so a role can be set for one label in one clip. It is kept (and applied again
  by later ingests of the clip), updates the clip's utterances, and is audited.
- **Corrections**: an utterance's text can be corrected; its codes stay (they point at the
  utterance's position) and the edit is audited (hashes of the old and new text, not the text).
- **Re-ingest of a coded clip** (:meth:`TranscriptEdits.realign_clip`): old and new utterances
  are aligned with :class:`difflib.SequenceMatcher` on (speaker, text); codes move with a turn
  that is unchanged (its times may differ), and codes on a changed or removed turn are marked
  ``needs_recode`` on the new turn that took its place. Nothing is deleted.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from workbench.exceptions import StoreError
from workbench.model import AnnotationStatus, Clip, Role, Utterance
from workbench.store import schema
from workbench.store.access import Principal, Rule, rule
from workbench.store.connection import utc_now

if TYPE_CHECKING:
    from workbench.store.connection import TransactionScope

A = schema.annotations
U = schema.utterances
R = schema.speaker_roles


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _key(u: Utterance) -> tuple[str, str]:
    return (u.speaker, " ".join(u.text.split()))


def align_utterances(old: Sequence[Utterance],
                     new: Sequence[Utterance]) -> dict[int, tuple[int, bool]]:
    """Old index → (new index, unchanged?) by a diff on (speaker, text).

    An unchanged turn maps to its new position; a changed one to the new turn that replaced it
    (pairwise within a replaced block, the last one for surplus old turns); a removed one to the
    nearest new turn. Empty ``new`` maps nothing.
    """
    mapping: dict[int, tuple[int, bool]] = {}
    if not new:
        return mapping
    matcher = difflib.SequenceMatcher(a=[_key(u) for u in old], b=[_key(u) for u in new],
                                      autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(i2 - i1):
            if tag == "equal":
                mapping[old[i1 + k].index] = (new[j1 + k].index, True)
            elif tag == "replace":
                mapping[old[i1 + k].index] = (new[j1 + min(k, j2 - j1 - 1)].index, False)
            elif tag == "delete":
                mapping[old[i1 + k].index] = (new[min(j1, len(new) - 1)].index, False)
    return mapping


@dataclass
class Realignment:
    """What :meth:`TranscriptEdits.realign_clip` did: turns kept, codes carried and flagged."""

    clip_id: str
    unchanged_turns: int = 0
    changed_turns: int = 0
    carried: int = 0
    flagged: int = 0
    mapping: dict[int, tuple[int, bool]] = field(default_factory=dict)


class TranscriptEdits:
    """Speaker roles, corrections and realignment; requires ``transaction`` and ``audit``."""

    transaction: TransactionScope
    principal: Principal

    def audit(self, actor: str, action: str, clip_id: str | None = None,
              **detail: Any) -> None:  # pragma: no cover - provided by Store
        raise NotImplementedError

    def utterances(self, clip_id: str) -> list[Utterance]:  # pragma: no cover - Store
        raise NotImplementedError

    def _visible_clip(self, clip_id: str) -> None:  # pragma: no cover - Store
        raise NotImplementedError

    def _clip_filter(self) -> sa.ColumnElement[bool] | None:  # pragma: no cover - Store
        raise NotImplementedError

    # ---- speaker roles ---------------------------------------------------------------------
    @rule(Rule.READ_CORPUS)
    def speaker_roles(self, clip_id: str | None = None) -> dict[str, dict[str, Role]]:
        """Roles set for labels of a clip (or of every clip): clip id → label → role."""
        query = sa.select(R).order_by(R.c.clip_id, R.c.speaker)
        if clip_id is not None:
            self._visible_clip(clip_id)
            query = query.where(R.c.clip_id == clip_id)
        elif (visible := self._clip_filter()) is not None:
            query = query.where(R.c.clip_id.in_(
                sa.select(schema.clips.c.clip_id).where(visible)))
        found: dict[str, dict[str, Role]] = {}
        with self.transaction.read() as conn:
            for row in conn.execute(query):
                found.setdefault(row.clip_id, {})[row.speaker] = Role(row.role)
        return found

    @rule(Rule.WRITE_CORPUS)
    def set_speaker_role(self, actor: str, clip_id: str, speaker: str, role: Role | str, *,
                         reason: str = "") -> int:
        """Give ``speaker`` the ``role`` in one clip; returns the utterances changed.

        Kept for later ingests of the clip (which apply it instead of the project's rules).

        Raises
        ------
        StoreError
            for an unknown clip, a label that does not occur in it, or an unknown role.
        """
        actor = self.principal.acting_as(actor)
        try:
            role = Role(str(role).strip().lower())
        except ValueError:
            raise StoreError(f"unknown role {role!r}; expected one of "
                             + ", ".join(r.value for r in Role)) from None
        with self.transaction() as conn:
            labels = {r.speaker: r.role for r in conn.execute(
                sa.select(U.c.speaker, U.c.role).where(U.c.clip_id == clip_id).distinct())}
            if not labels:
                raise StoreError(f"unknown clip {clip_id!r} (or it has no utterances)")
            if speaker not in labels:
                raise StoreError(f"clip {clip_id!r} has no speaker {speaker!r}; its speakers: "
                                 + ", ".join(repr(s) for s in sorted(labels)))
            previous = labels[speaker]
            key = (R.c.clip_id == clip_id) & (R.c.speaker == speaker)
            values = {"role": str(role), "set_by": actor, "set_at": utc_now()}
            if conn.execute(sa.select(R.c.speaker).where(key)).first() is None:
                conn.execute(R.insert(), {"clip_id": clip_id, "speaker": speaker, **values})
            else:
                conn.execute(R.update().where(key).values(**values))
            n = conn.execute(U.update().where((U.c.clip_id == clip_id) & (U.c.speaker == speaker))
                             .values(role=str(role))).rowcount
            self.audit(actor, "speaker_role_set", clip_id=clip_id, speaker=speaker,
                       role=str(role), previous=previous, n_utterances=n, reason=reason)
            return n

    # ---- corrections ------------------------------------------------------------------------
    @rule(Rule.WRITE_CORPUS)
    def correct_utterance(self, actor: str, clip_id: str, utterance_index: int, text: str, *,
                          reason: str = "") -> Utterance:
        """Replace an utterance's text (white space collapsed); its codes are kept.

        Raises
        ------
        StoreError
            for an unknown utterance or empty text.
        """
        actor = self.principal.acting_as(actor)
        new_text = " ".join(text.split())
        if not new_text:
            raise StoreError("empty text; expected the corrected words of the utterance")
        key = (U.c.clip_id == clip_id) & (U.c.idx == utterance_index)
        with self.transaction() as conn:
            row = conn.execute(sa.select(U.c.text).where(key)).first()
            if row is None:
                raise StoreError(f"clip {clip_id!r} has no utterance {utterance_index}")
            if row.text != new_text:
                conn.execute(U.update().where(key).values(text=new_text))
                self.audit(actor, "utterance_corrected", clip_id=clip_id,
                           utterance_index=utterance_index, before_sha256=_digest(row.text),
                           after_sha256=_digest(new_text), reason=reason)
        return next(u for u in self.utterances(clip_id) if u.index == utterance_index)

    # ---- re-ingest of a coded clip ----------------------------------------------------------
    @rule(Rule.READ_CORPUS)
    def clip_source_hash(self, clip_id: str) -> str | None:
        """The content hash the clip was last ingested with (None for an unknown clip)."""
        self._visible_clip(clip_id)
        with self.transaction.read() as conn:
            return conn.execute(sa.select(schema.clips.c.source_hash)
                                .where(schema.clips.c.clip_id == clip_id)).scalar()

    @rule(Rule.READ_CORPUS)
    def clip_source_hashes(self) -> dict[str, str]:
        """Clip id → the content hash it was last ingested with, for every clip one may see."""
        query = sa.select(schema.clips.c.clip_id, schema.clips.c.source_hash)
        if (visible := self._clip_filter()) is not None:
            query = query.where(visible)
        with self.transaction.read() as conn:
            return {clip_id: source_hash for clip_id, source_hash in conn.execute(query)}

    @rule(Rule.WRITE_CORPUS)
    def coded_clip_ids(self) -> set[str]:
        """Clips with at least one annotation row (any layer or status)."""
        with self.transaction.read() as conn:
            return set(conn.execute(sa.select(A.c.clip_id).distinct()).scalars())

    @rule(Rule.WRITE_CORPUS)
    def add_new_clips(self, clips: Sequence[tuple[Clip, list[Utterance], str]]) -> None:
        """Insert clips that are not in the store yet, with their utterances, in one go
        (bulk ingest); a clip id already stored is refused and nothing is written."""
        if not clips:
            return
        with self.transaction() as conn:
            ids = [c.clip_id for c, _, _ in clips]
            clash = conn.execute(sa.select(schema.clips.c.clip_id).where(
                schema.clips.c.clip_id.in_(ids))).scalars().first()
            if clash is not None or any(not u for _, u, _ in clips):
                raise StoreError(f"clip {clash!r} is already stored; expected new clips"
                                 if clash else "a clip has no utterances")
            now = utc_now()
            conn.execute(schema.clips.insert(), [
                {**dataclasses.asdict(c), "source_hash": h, "ingested_at": now}
                for c, _, h in clips])
            conn.execute(U.insert(), [
                {"clip_id": u.clip_id, "idx": u.index, "start_s": u.start, "end_s": u.end,
                 "speaker": u.speaker, "role": str(u.role), "text": u.text}
                for _, utterances, _ in clips for u in utterances])

    @rule(Rule.READ_CORPUS)
    def count_clip_annotations(self, clip_id: str) -> int:
        """Annotation rows (any layer and status) on a clip."""
        self._visible_clip(clip_id)
        query = sa.select(sa.func.count()).select_from(A).where(A.c.clip_id == clip_id)
        if clip_id in self.principal.blind_clips:  # an audit's reviewer: their own rows only
            query = query.where((A.c.layer == "review") & (A.c.coder_id == self.principal.user_id))
        with self.transaction.read() as conn:
            return conn.execute(query).scalar_one()

    @rule(Rule.WRITE_CORPUS)
    def realign_clip(self, actor: str, clip: Clip, utterances: list[Utterance],
                     source_hash: str) -> Realignment:
        """Replace a coded clip's utterances, carrying codes over (see the module)."""
        actor = self.principal.acting_as(actor)
        if not utterances:
            raise StoreError(f"clip {clip.clip_id!r} has no utterances")
        with self.transaction() as conn:
            old = self.utterances(clip.clip_id)
            if not old:
                raise StoreError(f"unknown clip {clip.clip_id!r}")
            mapping = align_utterances(old, utterances)
            result = Realignment(clip.clip_id, mapping=mapping)
            result.unchanged_turns = sum(1 for _, same in mapping.values() if same)
            result.changed_turns = len(old) - result.unchanged_turns
            rows = conn.execute(sa.select(A.c.annotation_id, A.c.utterance_index, A.c.status)
                                .where((A.c.clip_id == clip.clip_id)
                                       & A.c.utterance_index.is_not(None))).all()
            # two steps, so that no row passes through a position another active row holds
            # (one active value per unit and layer is a unique index): moved rows first go to
            # -1 - their new position, then all come back at once
            for row in rows:
                new_index, same = mapping[row.utterance_index]
                values: dict[str, Any] = {}
                if new_index != row.utterance_index:
                    values["utterance_index"] = -1 - new_index
                if row.status == AnnotationStatus.ACTIVE.value:
                    if same:
                        result.carried += 1
                    else:
                        values["status"] = AnnotationStatus.NEEDS_RECODE.value
                        result.flagged += 1
                if values:
                    conn.execute(A.update().where(A.c.annotation_id == row.annotation_id)
                                 .values(**values))
            conn.execute(A.update().where((A.c.clip_id == clip.clip_id)
                                          & (A.c.utterance_index < 0))
                         .values(utterance_index=-1 - A.c.utterance_index))
            self._move_notes(conn, clip.clip_id, mapping)
            conn.execute(U.delete().where(U.c.clip_id == clip.clip_id))
            conn.execute(U.insert(), [
                {"clip_id": clip.clip_id, "idx": u.index, "start_s": u.start, "end_s": u.end,
                 "speaker": u.speaker, "role": str(u.role), "text": u.text} for u in utterances])
            row = dataclasses.asdict(clip)
            row.update(source_hash=source_hash, ingested_at=utc_now())
            conn.execute(schema.clips.update().where(schema.clips.c.clip_id == clip.clip_id)
                         .values(**row))
            self.audit(actor, "clip_realigned", clip_id=clip.clip_id, source=clip.source_file,
                       unchanged_turns=result.unchanged_turns, changed_turns=result.changed_turns,
                       new_turns=len(utterances), carried=result.carried, flagged=result.flagged)
            return result

    def _move_notes(self, conn: sa.Connection, clip_id: str,
                    mapping: dict[int, tuple[int, bool]]) -> None:
        N = schema.utterance_notes
        notes = conn.execute(sa.select(N).where(N.c.clip_id == clip_id)).all()
        if not notes:
            return
        moved: dict[tuple[int, str], dict[str, Any]] = {}
        for note in notes:
            new_index, same = mapping.get(note.utterance_index, (note.utterance_index, False))
            key = (new_index, note.coder_id)
            if key in moved:
                moved[key]["note"] = " | ".join(filter(None, (moved[key]["note"], note.note)))
                moved[key]["flagged"] = moved[key]["flagged"] or bool(note.flagged)
                continue
            moved[key] = {"clip_id": clip_id, "utterance_index": new_index,
                          "coder_id": note.coder_id, "note": note.note,
                          "flagged": bool(note.flagged) or not same,
                          "updated_at": note.updated_at}
        conn.execute(N.delete().where(N.c.clip_id == clip_id))
        conn.execute(N.insert(), list(moved.values()))
