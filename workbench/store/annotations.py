"""Annotation and consensus operations of the store (mixed into ``Store``; notes and flags:
:mod:`.notes`; who may write what: :mod:`.write_checks`).

Rows are never deleted: taking a code off marks it ``removed``; a new value for the same unit
marks the old row ``superseded`` and links the new row to it. That keeps the full history for
audit and for codebook migrations. Each read-modify-write locks its unit first
(:mod:`workbench.store.locks`), and a partial unique index allows one active value per unit and
layer. Who may read and write which rows: :mod:`workbench.store.access`.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa

from workbench.exceptions import AccessError
from workbench.model import (
    COUNTED_STATUSES,
    Annotation,
    AnnotationStatus,
    AssignmentKind,
    CodebookRef,
    Grant,
    Layer,
    UserRole,
)
from workbench.store import schema
from workbench.store.access import Principal, Rule, pseudonym, rule
from workbench.store.audit import annotation_content
from workbench.store.connection import utc_now
from workbench.store.locks import lock_unit
from workbench.store.write_checks import WriteChecks, check_hint

if TYPE_CHECKING:
    from workbench.codebook.book import Codebook
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
        from_hint=bool(m["from_hint"]), audit_id=m["audit_id"],
    )


@functools.cache
def _current_statement(layer: Layer, clip_level: bool) -> sa.Select:
    """The active row of a unit in a layer, with bind parameters (built once: the coding hot
    path). Consensus: whoever wrote it; review: of one audit."""
    where = ((A.c.clip_id == sa.bindparam("p_clip")) & (A.c.code_id == sa.bindparam("p_code"))
             & (A.c.layer == layer.value) & (A.c.status == AnnotationStatus.ACTIVE.value))
    where &= (A.c.utterance_index.is_(None) if clip_level
              else A.c.utterance_index == sa.bindparam("p_index"))
    if layer != Layer.CONSENSUS:
        where &= A.c.coder_id == sa.bindparam("p_coder")
    if layer == Layer.REVIEW:
        where &= A.c.audit_id == sa.bindparam("p_audit")
    return sa.select(A).where(where)


_SUPERSEDE = A.update().where(A.c.annotation_id == sa.bindparam("p_id")).values(
    status=AnnotationStatus.SUPERSEDED.value)
_INSERT = A.insert().returning(A.c.annotation_id)


def _unit_clause(clip_id: str, utterance_index: int | None) -> sa.ColumnElement[bool]:
    if utterance_index is None:
        return (A.c.clip_id == clip_id) & A.c.utterance_index.is_(None)
    return (A.c.clip_id == clip_id) & (A.c.utterance_index == utterance_index)


def counted_clause() -> sa.ColumnElement[bool]:
    """Rows that enter reliability, adjudication, consensus and the study.

    Every consensus row; a coder-layer row only if its coder is certified (or retired) and the
    clip is not a practice or gold-standard (or review) assignment of theirs.
    """
    S = schema.assignments
    counted_coders = sa.select(schema.coders.c.coder_id).where(
        schema.coders.c.status.in_([str(s) for s in COUNTED_STATUSES]))
    training = sa.select(S.c.clip_id).where(
        (S.c.clip_id == A.c.clip_id) & (S.c.coder_id == A.c.coder_id)
        & (S.c.kind != AssignmentKind.ORDINARY.value))
    return (A.c.layer == Layer.CONSENSUS.value) | (
        (A.c.layer == Layer.CODER.value) & A.c.coder_id.in_(counted_coders)
        & ~training.exists())


def _row_of(a: Annotation, now: Any) -> dict[str, Any]:
    return {
        "clip_id": a.clip_id, "utterance_index": a.utterance_index, "code_id": a.code_id,
        "value": a.value, "coder_id": a.coder_id, "layer": str(a.layer),
        "codebook_id": a.codebook_id, "codebook_version": a.codebook_version,
        "codebook_hash": a.codebook_hash, "status": str(a.status), "note": a.note,
        "created_at": a.created_at or now, "supersedes": None, "from_hint": a.from_hint,
        "audit_id": a.audit_id,
    }


class AnnotationQueries(WriteChecks):
    """Coding operations; requires ``transaction``, ``principal`` and ``audit``."""

    transaction: TransactionScope
    principal: Principal
    _codebook_cache: dict[str, Codebook]

    def audit(self, actor: str, action: str, clip_id: str | None = None,
              **detail: Any) -> Any:  # pragma: no cover - provided by Store
        raise NotImplementedError

    @rule(Rule.CODE)
    def apply_code(self, coder_id: str, clip_id: str, utterance_index: int | None,
                   code_id: str, value: str, codebook: CodebookRef, *,
                   layer: Layer = Layer.CODER, note: str = "",
                   actor: str | None = None, from_hint: bool = False,
                   audit_id: str | None = None) -> Annotation:
        """Set ``code_id`` = ``value`` on one unit for one coder (or the consensus layer).

        Applying the same value again changes nothing; a different value supersedes the old
        row (on the consensus layer: whoever wrote it). Returns the active annotation.
        ``actor`` (default: the coder) goes to the audit; ``from_hint``: the value is an
        accepted hint; ``audit_id``: the audit of a ``review`` layer. The code and value are
        checked against the codebook recorded in the store (:class:`CodebookError`).
        """
        layer = Layer(layer)
        with self.transaction() as conn:
            self._check_write(conn, coder_id, clip_id, layer, audit_id, removing=False)
            if from_hint:
                check_hint(conn, coder_id, clip_id, layer, audit_id)
            self._check_value(conn, codebook, code_id, value)
            lock_unit(conn, clip_id, utterance_index, code_id, str(layer),
                      None if layer == Layer.CONSENSUS else audit_id or coder_id)
            current = conn.execute(
                _current_statement(layer, utterance_index is None),
                {"p_clip": clip_id, "p_code": code_id, "p_index": utterance_index,
                 "p_coder": coder_id, "p_audit": audit_id}).first()
            if current is not None and current.value == value and current.note == note:
                return _annotation_from_row(current)
            if current is not None:
                conn.execute(_SUPERSEDE, {"p_id": current.annotation_id})
            row = {
                "clip_id": clip_id, "utterance_index": utterance_index, "code_id": code_id,
                "value": value, "coder_id": coder_id, "layer": str(layer),
                "codebook_id": codebook.codebook_id, "codebook_version": codebook.version,
                "codebook_hash": codebook.hash, "status": AnnotationStatus.ACTIVE.value,
                "note": note, "created_at": utc_now(),
                "supersedes": current.annotation_id if current is not None else None,
                "from_hint": from_hint, "audit_id": audit_id,
            }
            new_id = conn.execute(_INSERT, row).scalar_one()
            self.audit(actor or coder_id, "code_applied", clip_id=clip_id,
                       old_content=None if current is None else annotation_content(current),
                       new_content=annotation_content(row), utterance_index=utterance_index,
                       code_id=code_id, value=value, layer=str(layer), annotation_id=new_id)
            return Annotation(
                clip_id, utterance_index, code_id, value, coder_id, codebook.codebook_id,
                codebook.version, codebook.hash, layer, AnnotationStatus.ACTIVE, note,
                row["created_at"], new_id, from_hint, audit_id)

    @rule(Rule.CODE)
    def remove_code(self, coder_id: str, clip_id: str, utterance_index: int | None,
                    code_id: str, *, layer: Layer = Layer.CODER,
                    actor: str | None = None, audit_id: str | None = None) -> int:
        """Take a code off a unit (the row is kept, marked removed); returns rows changed."""
        layer = Layer(layer)
        with self.transaction() as conn:
            self._check_write(conn, coder_id, clip_id, layer, audit_id, removing=True)
            lock_unit(conn, clip_id, utterance_index, code_id, str(layer),
                      None if layer == Layer.CONSENSUS else audit_id or coder_id)
            key = (_unit_clause(clip_id, utterance_index) & (A.c.code_id == code_id)
                   & (A.c.coder_id == coder_id) & (A.c.layer == str(layer))
                   & (A.c.status == AnnotationStatus.ACTIVE.value))
            if layer == Layer.REVIEW:
                key &= A.c.audit_id == audit_id
            n = conn.execute(A.update().where(key)
                             .values(status=AnnotationStatus.REMOVED.value)).rowcount
            if n:
                self.audit(actor or coder_id, "code_removed", clip_id=clip_id,
                           utterance_index=utterance_index, code_id=code_id, layer=str(layer))
            return n

    @rule(Rule.CODE)
    def lock_unit(self, clip_id: str, utterance_index: int | None, code_id: str, *,
                  layer: Layer = Layer.CONSENSUS, owner: str | None = None) -> None:
        """Lock one unit of a layer until the caller's transaction ends.

        Call inside ``with store.transaction():`` before reading the unit's current value
        (a consensus decision reads, then writes). SQLite already holds the write lock.
        """
        with self.transaction() as conn:
            lock_unit(conn, clip_id, utterance_index, code_id, str(Layer(layer)),
                      None if Layer(layer) == Layer.CONSENSUS else owner)

    @rule(Rule.ADJUDICATE)
    def add_annotations(self, rows: Iterable[Annotation], *, actor: str = "system",
                        action: str = "annotations_loaded") -> list[int]:
        """Insert annotations as given (bulk: demo data, migrations, the consensus build).

        Returns their ids. A reviewer (not admin) may add consensus rows only. Codes and
        values are checked against the codebooks recorded in the store.
        """
        rows = list(rows)
        if not rows:
            return []
        p = self.principal
        if not p.has(UserRole.ADMIN):
            wrong = next((a for a in rows if a.layer != Layer.CONSENSUS), None)
            if wrong is not None:
                raise AccessError(f"{p.name} may add consensus rows only in bulk, not "
                                  f"{wrong.layer_name} rows")
        blind = next((a for a in rows if a.clip_id in p.blind_clips), None)
        if blind is not None:
            raise AccessError(f"{p.name} is re-coding clip {blind.clip_id!r} blind for an "
                              "audit: no bulk rows on it until the review is signed off")
        now = utc_now()
        records = [_row_of(a, now) for a in rows]
        with self.transaction() as conn:
            for a in rows:
                self._check_value(conn, CodebookRef(a.codebook_id, a.codebook_version,
                                                    a.codebook_hash), a.code_id, a.value)
            ids = list(conn.execute(
                A.insert().returning(A.c.annotation_id, sort_by_parameter_order=True),
                records).scalars())
            self.audit(actor, action, n=len(ids))
            return ids

    @rule(Rule.ADJUDICATE)
    def set_annotation_status(self, annotation_ids: Sequence[int], status: AnnotationStatus,
                              *, actor: str, reason: str) -> int:
        """Change the status of annotations (never deletes); audited with ``reason``."""
        with self.transaction() as conn:
            if self.principal.blind_clips:
                hit = conn.execute(sa.select(A.c.clip_id).where(
                    A.c.annotation_id.in_(list(annotation_ids))
                    & A.c.clip_id.in_(sorted(self.principal.blind_clips)))).first()
                if hit is not None:
                    raise AccessError(f"{self.principal.name} is re-coding clip "
                                      f"{hit.clip_id!r} blind for an audit: its rows are not "
                                      "theirs to change")
            n = 0
            for start in range(0, len(annotation_ids), 500):
                chunk = list(annotation_ids[start:start + 500])
                n += conn.execute(A.update().where(A.c.annotation_id.in_(chunk))
                                  .values(status=str(status))).rowcount
            self.audit(actor, "annotation_status", status=str(status), n=n, reason=reason)
            return n

    @rule(Rule.READ_ANNOTATIONS)
    def annotations(self, *, clip_id: str | None = None, coder_id: str | None = None,
                    layer: Layer | None = Layer.CODER, code_id: str | None = None,
                    statuses: Sequence[AnnotationStatus] = (AnnotationStatus.ACTIVE,),
                    viewer: str | None = None,
                    counted_only: bool = False) -> list[Annotation]:
        """Annotations matching the filters, in insertion order.

        What the handle may read narrows the rows (:meth:`_readable`): a coder only their own,
        an analyst only the consensus layer (coder ids pseudonymised without the grant).
        ``viewer`` (an owner's handle speaking for a coder): a coder who is not a reviewer
        never sees another coder's annotations on a clip in the reliability sample: asking
        for them raises :class:`AccessError`; an unfiltered query leaves them out.
        ``counted_only``: only rows that count (:func:`counted_clause`).
        """
        query = self._readable(sa.select(A).order_by(A.c.annotation_id), coder_id, layer)
        if counted_only:
            query = query.where(counted_clause())
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
            found = [_annotation_from_row(r) for r in conn.execute(query)]
        if self._masks_coders:
            known = self._person_ids()
            found = [dataclasses.replace(a, coder_id=pseudonym(a.coder_id, known))
                     for a in found]
        return found

    @rule(Rule.READ_ANNOTATIONS)
    def annotations_frame(self, *, layer: Layer | None = Layer.CODER,
                          statuses: Sequence[AnnotationStatus] = (AnnotationStatus.ACTIVE,),
                          coder_id: str | None = None,
                          counted_only: bool = False) -> pd.DataFrame:
        """Annotations as a DataFrame (utterance_index is pandas Int64, NA for clip codes).

        The same rows as :meth:`annotations` would give this handle. ``counted_only``: only
        rows that count (certified coders' ordinary work, and the consensus layer).
        """
        query = sa.select(
            A.c.annotation_id, A.c.clip_id, A.c.utterance_index, A.c.code_id, A.c.value,
            A.c.coder_id, A.c.layer, A.c.codebook_id, A.c.codebook_version, A.c.codebook_hash,
            A.c.status, A.c.created_at,
        ).order_by(A.c.annotation_id)
        query = self._readable(query, coder_id, layer)
        if layer is not None:
            query = query.where(A.c.layer == str(layer))
        if statuses:
            query = query.where(A.c.status.in_([str(s) for s in statuses]))
        if coder_id is not None:
            query = query.where(A.c.coder_id == coder_id)
        if counted_only:
            query = query.where(counted_clause())
        with self.transaction.read() as conn:
            frame = pd.read_sql(query, conn)
        frame["utterance_index"] = frame["utterance_index"].astype("Int64")
        if self._masks_coders:
            known = self._person_ids()
            frame["coder_id"] = [pseudonym(c, known) for c in frame["coder_id"]]
        return frame

    def _is_reviewer(self, coder_id: str) -> bool:
        with self.transaction.read() as conn:
            return conn.execute(sa.select(schema.user_roles.c.role).where(
                (schema.user_roles.c.coder_id == coder_id)
                & (schema.user_roles.c.role == UserRole.REVIEWER.value))).first() is not None

    # ---- access ----------------------------------------------------------------------------
    @property
    def _masks_coders(self) -> bool:
        p = self.principal
        return (not p.has(UserRole.ADMIN) and not p.has(UserRole.REVIEWER)
                and not p.granted(Grant.CODER_IDENTITIES) and not p.coder_only)

    def _person_ids(self) -> list[str]:
        with self.transaction.read() as conn:
            return list(conn.execute(sa.select(schema.coders.c.coder_id)
                                     .order_by(schema.coders.c.coder_id)).scalars())

    def _readable(self, query: Any, coder_id: str | None, layer: Layer | None) -> Any:
        """Narrow an annotations query to what this handle may read (or refuse the ask)."""
        p = self.principal
        if p.is_owner or p.has(UserRole.ADMIN):
            return query
        if p.has(UserRole.REVIEWER):
            blind = sorted(p.blind_clips)
            if blind:  # re-coding an audit sample: only their own review rows there
                query = query.where(A.c.clip_id.not_in(blind) | (
                    (A.c.layer == Layer.REVIEW.value) & (A.c.coder_id == p.user_id)))
            return query
        if p.has(UserRole.ANALYST):
            if layer not in (None, Layer.CONSENSUS):
                raise AccessError(f"{p.name} (analyst) reads the consensus layer only, not "
                                  f"the {layer} layer")
            if coder_id is not None and not p.granted(Grant.CODER_IDENTITIES):
                raise AccessError(f"{p.name} may not select by coder: coder identities "
                                  "need the coder_identities grant")
            return query.where(A.c.layer == Layer.CONSENSUS.value)
        if layer not in (None, Layer.CODER) or coder_id not in (None, p.user_id):
            what = f"coder {coder_id!r}'s" if coder_id not in (None, p.user_id) else \
                f"the {layer} layer's"
            raise AccessError(f"{p.name} may read only their own annotations, not {what}")
        return query.where((A.c.coder_id == p.user_id) & (A.c.layer == Layer.CODER.value))
