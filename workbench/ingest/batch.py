"""Ingest a batch of transcript files (and clip metadata) into the store, all or nothing.

Everything is read and checked first; then one store transaction writes every clip, so any
error — a malformed file, a duplicate clip id, an unknown clip in the metadata, changed content
for a clip already coded — leaves the store exactly as it was.

Each clip's content is identified by the SHA-256 of its normalised utterances (times to the
millisecond, speaker, role, text — not the file's bytes, path or metadata), so re-ingesting
the same transcript, even re-saved with other line endings or as another format, is
"unchanged"; changed content replaces an uncoded clip and is refused for a coded one. The
role is part of the content, so changing the project's speaker rules changes the hash too.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from workbench.exceptions import ConflictError, IngestError, LimitError
from workbench.ingest.metadata import STANDARD, MetadataRow, read_clip_metadata
from workbench.ingest.readers import READERS, extension, read_transcript
from workbench.ingest.records import ParsedClip
from workbench.ingest.roles import SpeakerRoles
from workbench.model import Clip, Utterance
from workbench.store import Store, limits, schema

PathLike = str | Path


@dataclass
class FileReport:
    """What one file gave: its clips, utterances and anything reported about it."""

    path: Path
    clip_ids: list[str] = field(default_factory=list)
    n_utterances: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    """Outcome of :func:`ingest_paths`: clip ids by status, counts and warnings per file.

    ``metadata_updated`` lists clips whose stored transcript was unchanged but whose metadata
    changed; ``n_utterances`` counts the utterances read from all files.
    """

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    metadata_updated: list[str] = field(default_factory=list)
    n_utterances: int = 0
    files: list[FileReport] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """Every warning, prefixed with its file."""
        return [f"{f.path}: {w}" for f in self.files for w in f.warnings]

    def summary(self) -> str:
        """One line for the command line, plus one line per warning."""
        head = (f"{len(self.files)} files, {self.n_utterances} utterances: "
                f"{len(self.added)} clips added, {len(self.replaced)} replaced, "
                f"{len(self.unchanged)} unchanged, {len(self.metadata_updated)} with new "
                f"metadata")
        return "\n".join([head, *(f"warning: {w}" for w in self.warnings)])


def content_hash(utterances: Sequence[Utterance]) -> str:
    """SHA-256 (hex) of the normalised utterances of one clip."""
    payload = json.dumps([[f"{u.start:.3f}", f"{u.end:.3f}", u.speaker, str(u.role), u.text]
                          for u in utterances], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def assemble(parsed: ParsedClip, roles: SpeakerRoles) -> list[Utterance]:
    """Utterances ordered by start time (stable: ties keep file order), indices 0..n-1."""
    ordered = sorted(parsed.turns, key=lambda turn: turn.start)
    return [Utterance(parsed.clip_id, i, t.start, t.end, t.speaker,
                      t.role if t.role is not None else roles.role(t.speaker), t.text)
            for i, t in enumerate(ordered)]


def _check_limits(parsed: ParsedClip) -> None:
    """The store's limits (the same on SQLite and PostgreSQL), checked with file and line."""
    for turn in parsed.turns:
        try:
            limits.check_row(schema.utterances, {"speaker": turn.speaker, "text": turn.text})
        except LimitError as exc:
            raise IngestError(f"clip {parsed.clip_id!r}: {exc.message}", path=parsed.path,
                              line=turn.line, field=exc.field) from None


def collect_files(paths: Iterable[PathLike], skip: Iterable[Path] = ()) -> list[Path]:
    """Files named, plus files under folders (recursively) with a registered extension.

    Hidden files and folders (names starting with '.') under a folder are skipped, and so are
    the ``skip`` files (the metadata CSVs); a file named twice is read once. Files are read in
    sorted order within each folder.
    """
    skipped = {p.resolve() for p in skip}
    found: dict[Path, Path] = {}
    for item in paths:
        path = Path(item)
        if path.is_dir():
            inside = sorted(f for f in path.rglob("*") if f.is_file()
                            and extension(f) in READERS and f.resolve() not in skipped
                            and not any(p.startswith(".") for p in f.relative_to(path).parts))
            if not inside:
                raise IngestError("no transcript files in this folder; expected files ending "
                                  + ", ".join("." + n for n in READERS), path=path)
        elif path.is_file():
            inside = [] if path.resolve() in skipped else [path]
        else:
            raise IngestError("no such file or folder", path=path)
        for f in inside:
            found.setdefault(f.resolve(), f)
    return list(found.values())


def _read_all(files: list[Path], progress: bool) -> tuple[list[ParsedClip], list[FileReport]]:
    clips: list[ParsedClip] = []
    reports: list[FileReport] = []
    origin: dict[str, Path] = {}
    for path in tqdm(files, desc="reading transcripts", unit="file", disable=not progress):
        report = FileReport(path)
        for parsed in read_transcript(path):
            if parsed.clip_id in origin:
                raise IngestError(
                    f"clip id {parsed.clip_id!r} comes from two files, here and "
                    f"{origin[parsed.clip_id]}; expected each clip once per batch (two "
                    "files with the same name stem?)", path=path, field="clip_id")
            origin[parsed.clip_id] = path
            clips.append(parsed)
            report.clip_ids.append(parsed.clip_id)
            report.n_utterances += len(parsed.turns)
            report.warnings.extend(parsed.warnings)
        reports.append(report)
    return clips, reports


def _read_metadata(metadata: PathLike | Sequence[PathLike] | None) -> dict[str, MetadataRow]:
    if metadata is None:
        return {}
    sources = [metadata] if isinstance(metadata, str | Path) else list(metadata)
    rows: dict[str, MetadataRow] = {}
    for source in sources:
        for clip_id, row in read_clip_metadata(Path(source)).items():
            if clip_id in rows:
                first = rows[clip_id]
                raise IngestError(f"clip {clip_id!r} has metadata twice (also {first.path}, "
                                  f"line {first.line}); expected one row per clip",
                                  path=row.path, line=row.line, field="clip_id")
            rows[clip_id] = row
    return rows


def _differs(clip: Clip, fields: Mapping[str, Any]) -> bool:
    missing = object()
    return any((getattr(clip, k) if k in STANDARD else clip.extra.get(k, missing)) != v
               for k, v in fields.items())


def _with_metadata(base: Clip, row: MetadataRow | None, source: Path,
                   utterances: list[Utterance]) -> Clip:
    fields = dict(row.fields) if row else {}
    standard = {k: v for k, v in fields.items() if k in STANDARD}
    extra = {**base.extra, **{k: v for k, v in fields.items() if k not in STANDARD}}
    clip = dataclasses.replace(base, source_file=str(source.resolve()), extra=extra, **standard)
    if clip.duration is None:
        clip = dataclasses.replace(clip, duration=max(u.end for u in utterances))
    return clip


def ingest_paths(store: Store, paths: Iterable[PathLike], *,
                 speaker_rules: SpeakerRoles | Sequence[Mapping[str, object]] | None = None,
                 metadata: PathLike | Sequence[PathLike] | None = None,
                 progress: bool = True) -> IngestReport:
    """Read transcript files and folders (and metadata CSVs) and store them in one transaction.

    Parameters
    ----------
    store : the project's store.
    paths : files, or folders searched recursively for the registered extensions.
    speaker_rules : a :class:`SpeakerRoles`, or the project config's ``speakers`` list
        (default: :data:`workbench.project.DEFAULT_SPEAKER_RULES`).
    metadata : clip metadata CSV file(s), joined by ``clip_id``; rows may also update clips
        already in the store. A row for a clip neither in the batch nor the store is refused.
    progress : show tqdm progress bars (on stderr).

    Clip ``duration`` comes from the metadata, else stays as stored, else is the end of the
    last utterance (a lower bound on the recording's length).

    Raises
    ------
    IngestError
        for any malformed file, duplicate clip id or unknown clip in the metadata.
    ConflictError
        if a clip already coded would get different content (the message names the file).
    """
    roles = SpeakerRoles.coerce(speaker_rules)
    meta = _read_metadata(metadata)
    skip = [Path(p) for p in ([metadata] if isinstance(metadata, str | Path) else metadata or [])]
    paths = list(paths)
    files = collect_files(paths, skip) if paths else []
    parsed, file_reports = _read_all(files, progress)
    report = IngestReport(files=file_reports, n_utterances=sum(f.n_utterances
                                                              for f in file_reports))
    for p in parsed:
        _check_limits(p)
    built = [(p, assemble(p, roles)) for p in parsed]
    in_batch = {p.clip_id for p in parsed}
    with store.transaction():
        existing = {c.clip_id: c for c in store.clips()}
        for clip_id, row in meta.items():
            if clip_id not in in_batch and clip_id not in existing:
                raise IngestError(f"unknown clip {clip_id!r}: no transcript for it in this batch "
                                  "or in the store; expected a clip id of an ingested transcript",
                                  path=row.path, line=row.line, field="clip_id")
        for p, utterances in tqdm(built, desc="storing clips", unit="clip",
                                  disable=not progress):
            old = existing.get(p.clip_id)
            clip = _with_metadata(old or Clip(p.clip_id), meta.get(p.clip_id), p.path,
                                  utterances)
            try:
                status = store.put_clip(clip, utterances, content_hash(utterances))
            except ConflictError as exc:
                raise ConflictError(f"{p.path}: {exc}") from exc
            except LimitError as exc:
                raise IngestError(f"clip {p.clip_id!r}: {exc.message}", path=p.path,
                                  field=exc.field) from None
            getattr(report, status).append(p.clip_id)
            row = meta.get(p.clip_id)
            if status == "unchanged" and old is not None and row and _differs(old, row.fields):
                store.update_clip_metadata(p.clip_id, row.fields)
                report.metadata_updated.append(p.clip_id)
        for clip_id, row in meta.items():
            if clip_id not in in_batch and _differs(existing[clip_id], row.fields):
                store.update_clip_metadata(clip_id, row.fields)
                report.metadata_updated.append(clip_id)
        if report.added or report.replaced or report.metadata_updated:
            store.audit("system", "ingest", files=len(files), added=len(report.added),
                        replaced=len(report.replaced), unchanged=len(report.unchanged),
                        metadata_updated=len(report.metadata_updated))
    return report
