"""The store: clips, utterances, coders, assignments, codebook identities and the audit trail.

Annotation and note operations live in :mod:`workbench.store.annotations`; together they form
:class:`Store`. Every write runs inside :meth:`Store.transaction`, which nests, so callers can
group many writes into one all-or-nothing unit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import sqlalchemy as sa

from workbench.exceptions import ConflictError, StoreError
from workbench.model import (
    CLIP_METADATA_FIELDS,
    Assignment,
    AssignmentStatus,
    AuditEvent,
    Clip,
    Coder,
    Role,
    Utterance,
)
from workbench.store import migrations, schema
from workbench.store.annotations import AnnotationQueries
from workbench.store.connection import (
    TransactionScope,
    create_engine,
    default_sqlite_url,
    utc_now,
)
from workbench.store.transcripts import TranscriptEdits

__all__ = ["Store", "default_sqlite_url"]


def _clip_from_row(row: sa.Row) -> Clip:
    m = row._mapping
    return Clip(
        clip_id=m["clip_id"], source_file=m["source_file"], media_path=m["media_path"],
        duration=m["duration"], borough=m["borough"], bcu=m["bcu"], date=m["date"],
        power=m["power"], outcome=m["outcome"], ethnicity=m["ethnicity"],
        age_band=m["age_band"], gender=m["gender"], n_officers=m["n_officers"],
        extra=dict(m["extra"] or {}), synthetic=bool(m["synthetic"]),
    )


def _utterance_from_row(row: sa.Row) -> Utterance:
    m = row._mapping
    return Utterance(
        clip_id=m["clip_id"], index=m["idx"], start=m["start_s"], end=m["end_s"],
        speaker=m["speaker"], role=Role(m["role"]), text=m["text"],
    )


class Store(AnnotationQueries, TranscriptEdits):
    """All persistent state of a project, behind one SQLAlchemy URL.

    >>> store = Store("sqlite://")          # in memory
    >>> store.count_clips()
    0
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.transaction = TransactionScope(self.engine)
        with self.transaction() as conn:
            migrations.upgrade(conn)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- clips and utterances -------------------------------------------------------------
    def put_clip(self, clip: Clip, utterances: list[Utterance], source_hash: str) -> str:
        """Store a clip and its utterances; returns "added", "unchanged" or "replaced".

        Re-storing identical content (same ``source_hash``) changes nothing. Changed content
        replaces the utterances only while nobody has coded the clip; otherwise
        :class:`ConflictError`, because annotations point at utterance positions.
        """
        if not utterances:
            raise StoreError(f"clip {clip.clip_id!r} has no utterances")
        with self.transaction() as conn:
            old = conn.execute(
                sa.select(schema.clips.c.source_hash).where(
                    schema.clips.c.clip_id == clip.clip_id)
            ).first()
            if old is not None and old.source_hash == source_hash:
                return "unchanged"
            status = "added"
            if old is not None:
                n_coded = conn.execute(
                    sa.select(sa.func.count()).select_from(schema.annotations)
                    .where(schema.annotations.c.clip_id == clip.clip_id)
                ).scalar_one()
                if n_coded:
                    raise ConflictError(
                        f"clip {clip.clip_id!r} is already coded ({n_coded} annotations) and "
                        f"its transcript content changed (source {clip.source_file}); refusing "
                        "to replace it, because the annotations would lose their utterances. "
                        "Ingest it under a new clip id, or archive the old coding first."
                    )
                conn.execute(schema.utterances.delete().where(
                    schema.utterances.c.clip_id == clip.clip_id))
                status = "replaced"
            row = dataclasses.asdict(clip)
            row.update(source_hash=source_hash, ingested_at=utc_now())
            if old is None:
                conn.execute(schema.clips.insert(), row)
            else:  # update in place: assignments keep pointing at the clip
                conn.execute(schema.clips.update().where(
                    schema.clips.c.clip_id == clip.clip_id).values(**row))
            conn.execute(schema.utterances.insert(), [
                {"clip_id": clip.clip_id, "idx": u.index, "start_s": u.start, "end_s": u.end,
                 "speaker": u.speaker, "role": str(u.role), "text": u.text}
                for u in utterances
            ])
            if status == "replaced":
                self.audit("system", "clip_replaced", clip_id=clip.clip_id,
                           source=clip.source_file)
            return status

    def update_clip_metadata(self, clip_id: str, fields: dict[str, Any]) -> None:
        """Set metadata columns; names outside the standard ones go into ``extra``."""
        with self.transaction() as conn:
            row = conn.execute(sa.select(schema.clips.c.extra).where(
                schema.clips.c.clip_id == clip_id)).first()
            if row is None:
                raise StoreError(f"unknown clip {clip_id!r}")
            std = {k: v for k, v in fields.items() if k in CLIP_METADATA_FIELDS
                   or k in ("media_path", "duration", "synthetic")}
            extra = dict(row.extra or {})
            extra.update({k: v for k, v in fields.items() if k not in std})
            conn.execute(schema.clips.update().where(schema.clips.c.clip_id == clip_id)
                         .values(**std, extra=extra))

    def clip(self, clip_id: str) -> Clip:
        with self.transaction.read() as conn:
            row = conn.execute(sa.select(schema.clips).where(
                schema.clips.c.clip_id == clip_id)).first()
        if row is None:
            raise StoreError(f"unknown clip {clip_id!r}")
        return _clip_from_row(row)

    def has_clip(self, clip_id: str) -> bool:
        with self.transaction.read() as conn:
            return conn.execute(sa.select(schema.clips.c.clip_id).where(
                schema.clips.c.clip_id == clip_id)).first() is not None

    def clips(self, **filters: Any) -> list[Clip]:
        """Clips ordered by id; ``filters`` are equality tests on metadata columns."""
        query = sa.select(schema.clips).order_by(schema.clips.c.clip_id)
        for name, value in filters.items():
            if name not in schema.clips.c:
                raise StoreError(f"cannot filter clips by {name!r}; columns: "
                                 + ", ".join(schema.clips.c.keys()))
            query = query.where(schema.clips.c[name] == value)
        with self.transaction.read() as conn:
            return [_clip_from_row(r) for r in conn.execute(query)]

    def count_clips(self) -> int:
        with self.transaction.read() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(schema.clips)).scalar_one()

    def utterances(self, clip_id: str) -> list[Utterance]:
        query = (sa.select(schema.utterances).where(schema.utterances.c.clip_id == clip_id)
                 .order_by(schema.utterances.c.idx))
        with self.transaction.read() as conn:
            return [_utterance_from_row(r) for r in conn.execute(query)]

    def clips_frame(self) -> pd.DataFrame:
        """One row per clip: metadata, extra columns flattened, duration, turn counts."""
        with self.transaction.read() as conn:
            clips = pd.read_sql(sa.select(schema.clips).order_by(schema.clips.c.clip_id), conn)
            counts = pd.read_sql(
                sa.select(
                    schema.utterances.c.clip_id,
                    sa.func.count().label("n_utterances"),
                    sa.func.sum(sa.case((schema.utterances.c.role == "officer", 1), else_=0))
                    .label("n_officer_turns"),
                ).group_by(schema.utterances.c.clip_id), conn)
        extra = pd.DataFrame([dict(e or {}) for e in clips.pop("extra")], index=clips.index)
        extra = extra.drop(columns=[c for c in extra.columns if c in clips.columns])
        frame = pd.concat([clips, extra], axis=1).merge(counts, on="clip_id", how="left")
        frame["n_officer_turns"] = frame["n_officer_turns"].fillna(0).astype(int)
        return frame.drop(columns=["source_hash", "ingested_at"])

    def utterances_frame(self) -> pd.DataFrame:
        """All utterances: clip_id, utterance_index, start, end, speaker, role, text."""
        query = sa.select(
            schema.utterances.c.clip_id, schema.utterances.c.idx.label("utterance_index"),
            schema.utterances.c.start_s.label("start"), schema.utterances.c.end_s.label("end"),
            schema.utterances.c.speaker, schema.utterances.c.role, schema.utterances.c.text,
        ).order_by(schema.utterances.c.clip_id, schema.utterances.c.idx)
        with self.transaction.read() as conn:
            return pd.read_sql(query, conn)

    # ---- coders and assignments ------------------------------------------------------------
    def add_coder(self, coder: Coder) -> None:
        """Add a coder, or update their name and reviewer flag."""
        with self.transaction() as conn:
            exists = conn.execute(sa.select(schema.coders.c.coder_id).where(
                schema.coders.c.coder_id == coder.coder_id)).first()
            values = {"name": coder.name, "is_reviewer": coder.is_reviewer}
            if exists:
                conn.execute(schema.coders.update().where(
                    schema.coders.c.coder_id == coder.coder_id).values(**values))
            else:
                conn.execute(schema.coders.insert(), {"coder_id": coder.coder_id, **values})

    def coders(self) -> list[Coder]:
        with self.transaction.read() as conn:
            rows = conn.execute(sa.select(schema.coders).order_by(schema.coders.c.coder_id))
            return [Coder(r.coder_id, r.name, bool(r.is_reviewer)) for r in rows]

    def coder(self, coder_id: str) -> Coder:
        for c in self.coders():
            if c.coder_id == coder_id:
                return c
        raise StoreError(f"unknown coder {coder_id!r}; add them with `bwv coder add`")

    def assign(self, assignments: Iterable[Assignment]) -> int:
        """Add assignments (existing ones for the same clip and coder are kept as they are)."""
        rows = list(assignments)
        with self.transaction() as conn:
            existing = {(r.clip_id, r.coder_id) for r in conn.execute(
                sa.select(schema.assignments.c.clip_id, schema.assignments.c.coder_id))}
            new = [
                {"clip_id": a.clip_id, "coder_id": a.coder_id, "reliability": a.reliability,
                 "status": str(a.status), "position": a.position,
                 "last_utterance": a.last_utterance, "updated_at": utc_now()}
                for a in rows if (a.clip_id, a.coder_id) not in existing
            ]
            if new:
                conn.execute(schema.assignments.insert(), new)
            return len(new)

    def assignments(self, coder_id: str | None = None,
                    clip_id: str | None = None) -> list[Assignment]:
        query = sa.select(schema.assignments).order_by(
            schema.assignments.c.coder_id, schema.assignments.c.position,
            schema.assignments.c.clip_id)
        if coder_id is not None:
            query = query.where(schema.assignments.c.coder_id == coder_id)
        if clip_id is not None:
            query = query.where(schema.assignments.c.clip_id == clip_id)
        with self.transaction.read() as conn:
            return [Assignment(r.clip_id, r.coder_id, bool(r.reliability),
                               AssignmentStatus(r.status), r.position, r.last_utterance,
                               r.updated_at) for r in conn.execute(query)]

    def set_progress(self, clip_id: str, coder_id: str, *,
                     status: AssignmentStatus | None = None,
                     last_utterance: int | None = None) -> None:
        """Record where a coder is in a clip, and its status."""
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
                self.audit(coder_id, f"clip_{status}", clip_id=clip_id)

    def reliability_clip_ids(self) -> set[str]:
        with self.transaction.read() as conn:
            return {r.clip_id for r in conn.execute(
                sa.select(schema.assignments.c.clip_id).where(
                    schema.assignments.c.reliability.is_(True)).distinct())}

    # ---- codebook identities ---------------------------------------------------------------
    def record_codebook(self, codebook_id: str, version: str, content_hash: str,
                        content_json: str) -> None:
        """Remember that a codebook version is in use; a different hash for it is refused."""
        with self.transaction() as conn:
            known = self.codebook_hash(codebook_id, version)
            if known == content_hash:
                return
            if known is not None:
                raise ConflictError(
                    f"codebook {codebook_id} {version} is already in use with hash {known[:12]}…;"
                    f" this file hashes to {content_hash[:12]}…. A version is immutable once "
                    "used: give the changed codebook a new version number."
                )
            conn.execute(schema.codebooks.insert(), {
                "codebook_id": codebook_id, "version": version, "hash": content_hash,
                "content": content_json, "recorded_at": utc_now()})

    def codebook_hash(self, codebook_id: str, version: str) -> str | None:
        with self.transaction.read() as conn:
            return conn.execute(sa.select(schema.codebooks.c.hash).where(
                (schema.codebooks.c.codebook_id == codebook_id)
                & (schema.codebooks.c.version == version))).scalar()

    def codebook_versions(self, codebook_id: str) -> list[tuple[str, str]]:
        """(version, hash) pairs recorded for a codebook, oldest first."""
        with self.transaction.read() as conn:
            return [(r.version, r.hash) for r in conn.execute(
                sa.select(schema.codebooks.c.version, schema.codebooks.c.hash)
                .where(schema.codebooks.c.codebook_id == codebook_id)
                .order_by(schema.codebooks.c.recorded_at))]

    # ---- audit -----------------------------------------------------------------------------
    def audit(self, actor: str, action: str, clip_id: str | None = None,
              **detail: Any) -> None:
        """Append an audit event (inside the caller's transaction, if any)."""
        with self.transaction() as conn:
            conn.execute(schema.audit_events.insert(), {
                "created_at": utc_now(), "actor": actor, "action": action, "clip_id": clip_id,
                "detail": detail})

    def audit_events(self, clip_id: str | None = None,
                     action: str | None = None) -> list[AuditEvent]:
        query = sa.select(schema.audit_events).order_by(schema.audit_events.c.event_id)
        if clip_id is not None:
            query = query.where(schema.audit_events.c.clip_id == clip_id)
        if action is not None:
            query = query.where(schema.audit_events.c.action == action)
        with self.transaction.read() as conn:
            return [AuditEvent(r.actor, r.action, dict(r.detail or {}), r.clip_id, r.created_at,
                               r.event_id) for r in conn.execute(query)]

    def table_counts(self) -> dict[str, int]:
        """Rows per table: used to show that a failed operation changed nothing."""
        with self.transaction.read() as conn:
            return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                    for t in schema.metadata.sorted_tables}

    @contextmanager
    def bulk(self) -> Iterator[sa.Connection]:
        """Alias of :meth:`transaction` for readers: many writes, one commit."""
        with self.transaction() as conn:
            yield conn
