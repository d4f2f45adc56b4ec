"""Annotation, note and consensus operations of the store (mixed into ``Store``).

Rows are never deleted: taking a code off marks it ``removed``; a new value for the same unit
marks the old row ``superseded`` and links the new row to it. That keeps the full history for
audit and for codebook migrations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa

from workbench.exceptions import AccessError
from workbench.model import (
    Annotation,
    AnnotationStatus,
    CodebookRef,
    Layer,
    UtteranceNote,
)
from workbench.store import schema
from workbench.store.audit import annotation_content
from workbench.store.connection import utc_now

if TYPE_CHECKING:
    from workbench.store.connection import TransactionScope

A = schema.annotations


def _annotation_from_row(row: sa.Row) -> Annotation:
    m = row._mapping
    return Annotation(
        clip_id=m["clip_id"], utterance_index=m["utterance_index"], code_id=m["code_id"],
        value=m["value"], coder_id=m["coder_id"], codebook_id=m["codebook_id"],
        codebook_version=m["codebook_version"], codebook_hash=m["codebook_hash"],
        layer=Layer(m["layer"]), status=AnnotationStatus(m["status"]), note=m["note"],
        created_at=m["created_at"], annotation_id=m["annotation_id"],
    )


def _unit_clause(clip_id: str, utterance_index: int | None) -> sa.ColumnElement[bool]:
    if utterance_index is None:
        return (A.c.clip_id == clip_id) & A.c.utterance_index.is_(None)
    return (A.c.clip_id == clip_id) & (A.c.utterance_index == utterance_index)


class AnnotationQueries:
    """Coding operations; requires ``self.transaction`` (a TransactionScope) and ``audit``."""

    transaction: TransactionScope

    def audit(self, actor: str, action: str, clip_id: str | None = None,
              **detail: Any) -> Any:  # pragma: no cover - provided by Store
        raise NotImplementedError

    def apply_code(self, coder_id: str, clip_id: str, utterance_index: int | None,
                   code_id: str, value: str, codebook: CodebookRef, *,
                   layer: Layer = Layer.CODER, note: str = "",
                   actor: str | None = None) -> Annotation:
        """Set ``code_id`` = ``value`` on one unit for one coder (or the consensus layer).

        Applying the same value again changes nothing; a different value supersedes the old
        row. Returns the active annotation. ``actor`` (default: the coder) goes to the audit.
        """
        with self.transaction() as conn:
            key = (_unit_clause(clip_id, utterance_index) & (A.c.code_id == code_id)
                   & (A.c.coder_id == coder_id) & (A.c.layer == str(layer))
                   & (A.c.status == AnnotationStatus.ACTIVE.value))
            current = conn.execute(sa.select(A).where(key)).first()
            if current is not None and current.value == value and current.note == note:
                return _annotation_from_row(current)
            if current is not None:
                conn.execute(A.update().where(A.c.annotation_id == current.annotation_id)
                             .values(status=AnnotationStatus.SUPERSEDED.value))
            row = {
                "clip_id": clip_id, "utterance_index": utterance_index, "code_id": code_id,
                "value": value, "coder_id": coder_id, "layer": str(layer),
                "codebook_id": codebook.codebook_id, "codebook_version": codebook.version,
                "codebook_hash": codebook.hash, "status": AnnotationStatus.ACTIVE.value,
                "note": note, "created_at": utc_now(),
                "supersedes": current.annotation_id if current is not None else None,
            }
            new_id = conn.execute(A.insert().returning(A.c.annotation_id), row).scalar_one()
            self.audit(actor or coder_id, "code_applied", clip_id=clip_id,
                       old=None if current is None else annotation_content(current),
                       new=annotation_content(row), utterance_index=utterance_index,
                       code_id=code_id, value=value, layer=str(layer), annotation_id=new_id)
            return _annotation_from_row(conn.execute(
                sa.select(A).where(A.c.annotation_id == new_id)).one())

    def remove_code(self, coder_id: str, clip_id: str, utterance_index: int | None,
                    code_id: str, *, layer: Layer = Layer.CODER,
                    actor: str | None = None) -> int:
        """Take a code off a unit (the row is kept, marked removed); returns rows changed."""
        with self.transaction() as conn:
            key = (_unit_clause(clip_id, utterance_index) & (A.c.code_id == code_id)
                   & (A.c.coder_id == coder_id) & (A.c.layer == str(layer))
                   & (A.c.status == AnnotationStatus.ACTIVE.value))
            n = conn.execute(A.update().where(key)
                             .values(status=AnnotationStatus.REMOVED.value)).rowcount
            if n:
                self.audit(actor or coder_id, "code_removed", clip_id=clip_id,
                           utterance_index=utterance_index, code_id=code_id, layer=str(layer))
            return n

    def add_annotations(self, rows: Iterable[Annotation], *, actor: str = "system",
                        action: str = "annotations_loaded") -> list[int]:
        """Insert annotations as given (bulk: demo data, migrations); returns their ids."""
        rows = list(rows)
        if not rows:
            return []
        now = utc_now()
        records = [{
            "clip_id": a.clip_id, "utterance_index": a.utterance_index, "code_id": a.code_id,
            "value": a.value, "coder_id": a.coder_id, "layer": str(a.layer),
            "codebook_id": a.codebook_id, "codebook_version": a.codebook_version,
            "codebook_hash": a.codebook_hash, "status": str(a.status), "note": a.note,
            "created_at": a.created_at or now, "supersedes": None,
        } for a in rows]
        with self.transaction() as conn:
            ids = list(conn.execute(
                A.insert().returning(A.c.annotation_id, sort_by_parameter_order=True),
                records).scalars())
            self.audit(actor, action, n=len(ids))
            return ids

    def set_annotation_status(self, annotation_ids: Sequence[int], status: AnnotationStatus,
                              *, actor: str, reason: str) -> int:
        """Change the status of annotations (never deletes); audited with ``reason``."""
        with self.transaction() as conn:
            n = 0
            for start in range(0, len(annotation_ids), 500):
                chunk = list(annotation_ids[start:start + 500])
                n += conn.execute(A.update().where(A.c.annotation_id.in_(chunk))
                                  .values(status=str(status))).rowcount
            self.audit(actor, "annotation_status", status=str(status), n=n, reason=reason)
            return n

    def annotations(self, *, clip_id: str | None = None, coder_id: str | None = None,
                    layer: Layer | None = Layer.CODER, code_id: str | None = None,
                    statuses: Sequence[AnnotationStatus] = (AnnotationStatus.ACTIVE,),
                    viewer: str | None = None) -> list[Annotation]:
        """Annotations matching the filters, in insertion order.

        ``viewer``: the coder asking. A coder who is not a reviewer never sees another
        coder's annotations on a clip in the reliability sample (blind coding): asking for
        them raises :class:`AccessError`; an unfiltered query leaves them out.
        """
        query = sa.select(A).order_by(A.c.annotation_id)
        if clip_id is not None:
            query = query.where(A.c.clip_id == clip_id)
        if coder_id is not None:
            query = query.where(A.c.coder_id == coder_id)
        if layer is not None:
            query = query.where(A.c.layer == str(layer))
        if code_id is not None:
            query = query.where(A.c.code_id == code_id)
        if statuses:
            query = query.where(A.c.status.in_([str(s) for s in statuses]))
        if viewer is not None and not self._is_reviewer(viewer):
            blind = sa.select(schema.assignments.c.clip_id).where(
                schema.assignments.c.reliability.is_(True))
            if coder_id is not None and coder_id != viewer:
                with self.transaction.read() as conn:
                    hidden = conn.execute(query.where(A.c.clip_id.in_(blind))).first()
                if hidden is not None:
                    raise AccessError(
                        f"coder {viewer!r} may not see coder {coder_id!r}'s annotations on "
                        f"clip {hidden.clip_id!r}: it is in the reliability sample (blind)")
            query = query.where((A.c.coder_id == viewer) | A.c.clip_id.not_in(blind))
        with self.transaction.read() as conn:
            return [_annotation_from_row(r) for r in conn.execute(query)]

    def annotations_frame(self, *, layer: Layer | None = Layer.CODER,
                          statuses: Sequence[AnnotationStatus] = (AnnotationStatus.ACTIVE,),
                          coder_id: str | None = None) -> pd.DataFrame:
        """Annotations as a DataFrame (utterance_index is pandas Int64, NA for clip codes)."""
        query = sa.select(
            A.c.annotation_id, A.c.clip_id, A.c.utterance_index, A.c.code_id, A.c.value,
            A.c.coder_id, A.c.layer, A.c.codebook_id, A.c.codebook_version, A.c.codebook_hash,
            A.c.status, A.c.created_at,
        ).order_by(A.c.annotation_id)
        if layer is not None:
            query = query.where(A.c.layer == str(layer))
        if statuses:
            query = query.where(A.c.status.in_([str(s) for s in statuses]))
        if coder_id is not None:
            query = query.where(A.c.coder_id == coder_id)
        with self.transaction.read() as conn:
            frame = pd.read_sql(query, conn)
        frame["utterance_index"] = frame["utterance_index"].astype("Int64")
        return frame

    def _is_reviewer(self, coder_id: str) -> bool:
        with self.transaction.read() as conn:
            return bool(conn.execute(sa.select(schema.coders.c.is_reviewer).where(
                schema.coders.c.coder_id == coder_id)).scalar())

    # ---- notes and flags -------------------------------------------------------------------
    def set_note(self, clip_id: str, utterance_index: int, coder_id: str, *,
                 note: str | None = None, flagged: bool | None = None) -> UtteranceNote:
        """Set a coder's note and/or review flag on an utterance (audited)."""
        N = schema.utterance_notes
        key = ((N.c.clip_id == clip_id) & (N.c.utterance_index == utterance_index)
               & (N.c.coder_id == coder_id))
        with self.transaction() as conn:
            row = conn.execute(sa.select(N).where(key)).first()
            new_note = note if note is not None else (row.note if row else "")
            new_flag = flagged if flagged is not None else (bool(row.flagged) if row else False)
            values = {"note": new_note, "flagged": new_flag, "updated_at": utc_now()}
            if row is None:
                conn.execute(N.insert(), {"clip_id": clip_id, "utterance_index": utterance_index,
                                          "coder_id": coder_id, **values})
            else:
                conn.execute(N.update().where(key).values(**values))
            self.audit(coder_id, "note_set", clip_id=clip_id, utterance_index=utterance_index,
                       flagged=new_flag, has_note=bool(new_note))
            return UtteranceNote(clip_id, utterance_index, coder_id, new_note, new_flag)

    def notes(self, clip_id: str | None = None,
              coder_id: str | None = None) -> list[UtteranceNote]:
        N = schema.utterance_notes
        query = sa.select(N).order_by(N.c.clip_id, N.c.utterance_index, N.c.coder_id)
        if clip_id is not None:
            query = query.where(N.c.clip_id == clip_id)
        if coder_id is not None:
            query = query.where(N.c.coder_id == coder_id)
        with self.transaction.read() as conn:
            return [UtteranceNote(r.clip_id, r.utterance_index, r.coder_id, r.note,
                                  bool(r.flagged)) for r in conn.execute(query)]
