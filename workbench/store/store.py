"""The store: clips, utterances, coders, assignments, codebook identities and the audit trail.

Annotations (:mod:`.annotations`), assignments (:mod:`.assignments`), notes (:mod:`.notes`),
people, transcripts edits, screenings and the audit trail are mixins that together form
:class:`Store`. Every write runs inside :meth:`Store.transaction`, which nests, so callers can
group many writes into one all-or-nothing unit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import sqlalchemy as sa

from workbench.exceptions import AccessError, ConflictError, StoreError
from workbench.model import (
    CLIP_METADATA_FIELDS,
    CODER_VISIBLE_EXTRA,
    Clip,
    Role,
    ScopeKind,
    Utterance,
)
from workbench.store import migrations, schema
from workbench.store.access import Principal, Rule, rule
from workbench.store.annotations import AnnotationQueries
from workbench.store.assignments import AssignmentQueries
from workbench.store.audit import AuditTrail
from workbench.store.connection import (
    TransactionScope,
    create_engine,
    default_sqlite_url,
    utc_now,
)
from workbench.store.erasure import ClipErasure
from workbench.store.notes import NoteQueries
from workbench.store.panel_learning import PanelLearning
from workbench.store.people import PeopleQueries, load_principal
from workbench.store.pg_security import check_login
from workbench.store.screenings import ScreeningQueries
from workbench.store.transcripts import TranscriptEdits

__all__ = ["Store", "default_sqlite_url"]


def _clip_from_row(row: sa.Row) -> Clip:
    m = row._mapping  # a coder's query leaves the hidden columns out
    return Clip(
        clip_id=m["clip_id"], source_file=m["source_file"], media_path=m["media_path"],
        duration=m["duration"], borough=m["borough"], bcu=m["bcu"], date=m["date"],
        power=m["power"], outcome=m.get("outcome"), ethnicity=m.get("ethnicity"),
        age_band=m.get("age_band"), gender=m.get("gender"), n_officers=m["n_officers"],
        extra=dict(m["extra"] or {}), synthetic=bool(m["synthetic"]),
    )


def _utterance_from_row(row: sa.Row) -> Utterance:
    m = row._mapping
    return Utterance(
        clip_id=m["clip_id"], index=m["idx"], start=m["start_s"], end=m["end_s"],
        speaker=m["speaker"], role=Role(m["role"]), text=m["text"],
    )


#: Clip fields a coder's handle never reads (see :mod:`workbench.coding.visibility`).
HIDDEN_CLIP_FIELDS: tuple[str, ...] = ("outcome", "ethnicity", "age_band", "gender")


class Store(AuditTrail, ClipErasure, AnnotationQueries, AssignmentQueries, NoteQueries,
            PeopleQueries, TranscriptEdits, ScreeningQueries, PanelLearning):
    """All persistent state of a project, behind one SQLAlchemy URL, opened as someone.

    ``as_user``: the person this handle acts for (their roles and scopes decide what each
    method returns or refuses, :mod:`workbench.store.access`); None opens the store as its
    owner (file-level trust on SQLite).

    >>> store = Store("sqlite://")          # in memory, as the owner
    >>> store.count_clips()
    0
    """

    def __init__(self, url: str, *, as_user: str | None = None) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.transaction = TransactionScope(self.engine)
        with self.transaction() as conn:
            migrations.upgrade(conn)
            if as_user is not None:
                check_login(conn, as_user)
            self.principal = (Principal.owner() if as_user is None
                              else load_principal(conn, as_user))

    @classmethod
    def open(cls, url: str, *, as_user: str | None = None) -> Store:
        """Open the store at ``url`` as ``as_user`` (None: as the owner)."""
        return cls(url, as_user=as_user)

    @property
    @rule(Rule.HANDLE)
    def user_id(self) -> str | None:
        """Whom this handle acts for (None: the owner)."""
        return self.principal.user_id

    @property
    @rule(Rule.HANDLE)
    def dialect(self) -> str:
        return self.engine.dialect.name

    @rule(Rule.HANDLE)
    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _visible_clip(self, clip_id: str) -> None:
        """Refuse a clip this handle may not read (coders: assigned; panel: screened)."""
        p = self.principal
        if p.screening_only:
            if clip_id not in p.scoped_clips(ScopeKind.SCREENING):
                raise AccessError(f"{p.name} may not read clip {clip_id!r}: it is not in "
                                  "their screening")
        elif p.coder_only and clip_id not in self._own_clip_ids():
            raise AccessError(f"{p.name} may not read clip {clip_id!r}: it is not assigned "
                              "to them")

    def _own_clip_ids(self) -> set[str]:
        with self.transaction.read() as conn:
            return set(conn.execute(sa.select(schema.assignments.c.clip_id).where(
                schema.assignments.c.coder_id == self.principal.user_id)).scalars())

    def _clip_filter(self) -> sa.ColumnElement[bool] | None:
        """Rows of ``clips`` (or ``utterances``) this handle may read; None: all."""
        p = self.principal
        if p.screening_only:
            return schema.clips.c.clip_id.in_(sorted(p.scoped_clips(ScopeKind.SCREENING)))
        if p.coder_only:
            return schema.clips.c.clip_id.in_(sa.select(schema.assignments.c.clip_id).where(
                schema.assignments.c.coder_id == p.user_id))
        return None

    def _clip_select(self) -> sa.Select:
        """``SELECT`` of the clip columns this handle may read (on PostgreSQL a coder's login
        has no privilege on the hidden ones, :mod:`workbench.store.pg_security`)."""
        if self.principal.sees_hidden_metadata:
            return sa.select(schema.clips)
        return sa.select(*(c for c in schema.clips.c if c.name not in HIDDEN_CLIP_FIELDS))

    def _shown(self, clip: Clip) -> Clip:
        """Blank what this handle may not see of a clip (hidden fields; extra columns)."""
        if self.principal.sees_hidden_metadata:
            return clip
        extra = {k: v for k, v in clip.extra.items() if k in CODER_VISIBLE_EXTRA}
        return dataclasses.replace(clip, extra=extra, **dict.fromkeys(HIDDEN_CLIP_FIELDS))

    # ---- clips and utterances -------------------------------------------------------------
    @rule(Rule.WRITE_CORPUS)
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
            self.audit("system", f"clip_{status}", clip_id=clip.clip_id,
                       old_content=None if old is None else old.source_hash,
                       new_content=source_hash,
                       source=clip.source_file, n_utterances=len(utterances))
            return status

    @rule(Rule.WRITE_CORPUS)
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
            self.audit("system", "clip_metadata", clip_id=clip_id, new_content=fields,
                       fields=sorted(fields))

    @rule(Rule.READ_CORPUS)
    def clip(self, clip_id: str) -> Clip:
        self._visible_clip(clip_id)
        with self.transaction.read() as conn:
            row = conn.execute(self._clip_select().where(
                schema.clips.c.clip_id == clip_id)).first()
        if row is None:
            raise StoreError(f"unknown clip {clip_id!r}")
        return self._shown(_clip_from_row(row))

    @rule(Rule.READ_CORPUS)
    def has_clip(self, clip_id: str) -> bool:
        query = sa.select(schema.clips.c.clip_id).where(schema.clips.c.clip_id == clip_id)
        if (visible := self._clip_filter()) is not None:
            query = query.where(visible)
        with self.transaction.read() as conn:
            return conn.execute(query).first() is not None

    @rule(Rule.READ_CORPUS)
    def clips(self, **filters: Any) -> list[Clip]:
        """Clips ordered by id; ``filters`` are equality tests on metadata columns."""
        query = self._clip_select().order_by(schema.clips.c.clip_id)
        for name, value in filters.items():
            if name not in schema.clips.c:
                raise StoreError(f"cannot filter clips by {name!r}; columns: "
                                 + ", ".join(schema.clips.c.keys()))
            if name in HIDDEN_CLIP_FIELDS and not self.principal.sees_hidden_metadata:
                raise AccessError(f"{self.principal.name} may not filter clips by {name!r}: "
                                  "it is hidden from coders")
            query = query.where(schema.clips.c[name] == value)
        if (visible := self._clip_filter()) is not None:
            query = query.where(visible)
        with self.transaction.read() as conn:
            return [self._shown(_clip_from_row(r)) for r in conn.execute(query)]

    @rule(Rule.READ_CORPUS)
    def count_clips(self) -> int:
        query = sa.select(sa.func.count()).select_from(schema.clips)
        if (visible := self._clip_filter()) is not None:
            query = query.where(visible)
        with self.transaction.read() as conn:
            return conn.execute(query).scalar_one()

    @rule(Rule.READ_CORPUS)
    def utterances(self, clip_id: str) -> list[Utterance]:
        self._visible_clip(clip_id)
        query = (sa.select(schema.utterances).where(schema.utterances.c.clip_id == clip_id)
                 .order_by(schema.utterances.c.idx))
        with self.transaction.read() as conn:
            found = [_utterance_from_row(r) for r in conn.execute(query)]
        if self.principal.screening_only:  # a panel sees redacted text only
            from workbench.privacy.redaction import redact

            found = [dataclasses.replace(u, text=redact(u.text)) for u in found]
        return found

    @rule(Rule.READ_CORPUS)
    def clips_frame(self) -> pd.DataFrame:
        """One row per clip: metadata, extra columns flattened, duration, turn counts."""
        query = self._clip_select().order_by(schema.clips.c.clip_id)
        if (visible := self._clip_filter()) is not None:
            query = query.where(visible)
        with self.transaction.read() as conn:
            clips = pd.read_sql(query, conn)
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
        frame = frame.drop(columns=["source_hash", "ingested_at"])
        if not self.principal.sees_hidden_metadata:
            keep = [c for c in frame.columns if c in schema.clips.c or c in CODER_VISIBLE_EXTRA
                    or c in ("n_utterances", "n_officer_turns")]
            frame = frame[[c for c in keep if c not in HIDDEN_CLIP_FIELDS]]
        return frame

    @rule(Rule.READ_CORPUS)
    def utterances_frame(self) -> pd.DataFrame:
        """All utterances: clip_id, utterance_index, start, end, speaker, role, text."""
        query = sa.select(
            schema.utterances.c.clip_id, schema.utterances.c.idx.label("utterance_index"),
            schema.utterances.c.start_s.label("start"), schema.utterances.c.end_s.label("end"),
            schema.utterances.c.speaker, schema.utterances.c.role, schema.utterances.c.text,
        ).order_by(schema.utterances.c.clip_id, schema.utterances.c.idx)
        if (visible := self._clip_filter()) is not None:
            query = query.where(schema.utterances.c.clip_id.in_(
                sa.select(schema.clips.c.clip_id).where(visible)))
        with self.transaction.read() as conn:
            frame = pd.read_sql(query, conn)
        if self.principal.screening_only:
            from workbench.privacy.redaction import redact

            frame["text"] = [redact(t) for t in frame["text"]]
        return frame

    # ---- codebook identities ---------------------------------------------------------------
    @rule(Rule.REGISTER_CODEBOOK)
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
            self.audit("system", "codebook_recorded", new_content=content_hash,
                       codebook_id=codebook_id, version=version, hash=content_hash)

    @rule(Rule.READ_CODEBOOKS)
    def codebook_hash(self, codebook_id: str, version: str) -> str | None:
        with self.transaction.read() as conn:
            return conn.execute(sa.select(schema.codebooks.c.hash).where(
                (schema.codebooks.c.codebook_id == codebook_id)
                & (schema.codebooks.c.version == version))).scalar()

    @rule(Rule.READ_CODEBOOKS)
    def codebook_versions(self, codebook_id: str) -> list[tuple[str, str]]:
        """(version, hash) pairs recorded for a codebook, oldest first."""
        with self.transaction.read() as conn:
            return [(r.version, r.hash) for r in conn.execute(
                sa.select(schema.codebooks.c.version, schema.codebooks.c.hash)
                .where(schema.codebooks.c.codebook_id == codebook_id)
                .order_by(schema.codebooks.c.recorded_at))]


    @rule(Rule.ADJUDICATE)
    def table_counts(self) -> dict[str, int]:
        """Rows per table: used to show that a failed operation changed nothing."""
        with self.transaction.read() as conn:
            return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                    for t in schema.metadata.sorted_tables}

    @rule(Rule.WRITE_CORPUS)
    @contextmanager
    def bulk(self) -> Iterator[sa.Connection]:
        """Alias of :meth:`transaction` for readers: many writes, one commit."""
        with self.transaction() as conn:
            yield conn
