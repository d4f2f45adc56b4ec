"""Ingest a batch of transcript files (and clip metadata) into the store, all or nothing.

Everything is read and checked first; then one store transaction writes every clip, so any
error — a malformed file, a duplicate clip id, an unknown clip in the metadata, a transcript
running past the clip's recorded duration — leaves the store exactly as it was. With
``dry_run=True`` nothing is written and the report says what would happen.

Roles: a label's role is, first, one set for that clip in the store after an earlier ingest
(:meth:`~workbench.store.Store.set_speaker_role`), else one given for the clip id or file name in
``file_roles`` (``bwv.yaml``'s ``speaker_roles``), else the project's speaker rules.

Each clip's content is identified by the SHA-256 of its normalised utterances (times to the
millisecond, speaker, role, text — not the file's bytes, path or metadata), so re-ingesting
the same transcript, even re-saved with other line endings or as another format, is
"unchanged". Changed content replaces an uncoded clip; for a coded clip it is aligned with the
old utterances (:meth:`~workbench.store.Store.realign_clip`: codes carried over where a turn is
unchanged, flagged ``needs_recode`` elsewhere). The role is part of the content, so changing
the project's speaker rules changes the hash too.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from workbench.exceptions import IngestError, LimitError
from workbench.ingest.metadata import STANDARD, MetadataRow, read_clip_metadata
from workbench.ingest.readers import READERS, extension, read_transcript
from workbench.ingest.records import ParsedClip, ReadOptions
from workbench.ingest.report import FileReport, IngestReport
from workbench.ingest.roles import SpeakerRoles
from workbench.model import Clip, Role, Utterance
from workbench.store import Store, limits, schema
from workbench.store.transcripts import align_utterances

PathLike = str | Path
#: How far (seconds) the last utterance may run past a duration given in the metadata.
DURATION_TOLERANCE = 1.0

__all__ = ["FileReport", "IngestReport", "assemble", "collect_files", "content_hash",
           "ingest_paths"]


def content_hash(utterances: Sequence[Utterance]) -> str:
    """SHA-256 (hex) of the normalised utterances of one clip."""
    payload = json.dumps([[f"{u.start:.3f}", f"{u.end:.3f}", u.speaker, str(u.role), u.text]
                          for u in utterances], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def assemble(parsed: ParsedClip, roles: SpeakerRoles,
             overrides: Mapping[str, Role] | None = None) -> list[Utterance]:
    """Utterances ordered by start time (stable: ties keep file order), indices 0..n-1.

    ``overrides``: roles for this clip's labels that win over the file's role column and the
    rules (roles set per clip or per file).
    """
    ordered = sorted(parsed.turns, key=lambda turn: turn.start)
    chosen = overrides or {}

    def role(label: str, stated: Role | None) -> Role:
        if label in chosen:
            return chosen[label]
        return stated if stated is not None else roles.role(label)

    return [Utterance(parsed.clip_id, i, t.start, t.end, t.speaker, role(t.speaker, t.role),
                      t.text) for i, t in enumerate(ordered)]


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


def _read_all(files: list[Path], progress: bool,
              options: ReadOptions | None) -> tuple[list[ParsedClip], list[FileReport]]:
    clips: list[ParsedClip] = []
    reports: list[FileReport] = []
    origin: dict[str, Path] = {}
    for path in tqdm(files, desc="reading transcripts", unit="file", disable=not progress):
        report = FileReport(path)
        for parsed in read_transcript(path, options):
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
            report.dialect = parsed.dialect
            report.tiers.extend(parsed.tiers)
        reports.append(report)
    return clips, reports


def _file_roles(file_roles: Mapping[str, Mapping[str, str]] | None,
                parsed: ParsedClip) -> dict[str, Role]:
    """Roles given for this clip id or file name (``speaker_roles`` in ``bwv.yaml``)."""
    found: dict[str, Role] = {}
    for key in (parsed.path.name, parsed.clip_id):
        for label, role in ((file_roles or {}).get(key) or {}).items():
            try:
                found[str(label)] = Role(str(role).strip().lower())
            except ValueError:
                raise IngestError(f"unknown role {role!r} for speaker {label!r}; expected one "
                                  "of " + ", ".join(r.value for r in Role), path=parsed.path,
                                  field=f"speaker_roles[{key!r}]") from None
    return found


def _check_duration(parsed: ParsedClip, utterances: list[Utterance],
                    duration: float | None) -> None:
    """Refuse a transcript running past the clip's recorded duration (a cut or wrong file)."""
    if duration is None or not utterances:
        return
    last = max(utterances, key=lambda u: u.end)
    if last.end > duration + DURATION_TOLERANCE:
        turn = next((t for t in parsed.turns if t.end == last.end and t.text == last.text), None)
        raise IngestError(f"utterance {last.start:.3f}–{last.end:.3f} s ends after the clip's "
                          f"recorded duration {duration:.3f} s; expected every utterance within "
                          "the recording (wrong file, wrong clip id, or a wrong duration?)",
                          path=parsed.path, line=turn.line if turn else None, field="duration")


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
                 progress: bool = True, options: ReadOptions | None = None,
                 file_roles: Mapping[str, Mapping[str, str]] | None = None,
                 dry_run: bool = False, actor: str = "system") -> IngestReport:
    """Read transcript files and folders (and metadata CSVs) and store them in one transaction.

    Parameters
    ----------
    store : the project's store (only read when ``dry_run``).
    paths : files, or folders searched recursively for the registered extensions.
    speaker_rules : a :class:`SpeakerRoles`, or the project config's ``speakers`` list
        (default: :data:`workbench.project.DEFAULT_SPEAKER_RULES`).
    metadata : clip metadata CSV file(s), joined by ``clip_id``; rows may also update clips
        already in the store. A row for a clip neither in the batch nor the store is refused.
    progress : show tqdm progress bars (on stderr).
    options : reader settings (ELAN ``speech_tiers`` / ``skip_tiers``).
    file_roles : clip id or file name → {speaker label: role} (``speaker_roles`` in bwv.yaml).
    dry_run : read, check and report, but store nothing.
    actor : who ingests, for the audit trail.

    Clip ``duration`` comes from the metadata, else stays as stored, else is the end of the
    last utterance (a lower bound on the recording's length). A duration from the metadata is
    checked: an utterance ending more than :data:`DURATION_TOLERANCE` after it is refused.

    Raises
    ------
    IngestError
        for any malformed file, duplicate clip id, unknown clip in the metadata, or a
        transcript longer than its clip's recorded duration.
    """
    roles = SpeakerRoles.coerce(speaker_rules)
    meta = _read_metadata(metadata)
    skip = [Path(p) for p in ([metadata] if isinstance(metadata, str | Path) else metadata or [])]
    paths = list(paths)
    files = collect_files(paths, skip) if paths else []
    parsed, file_reports = _read_all(files, progress, options)
    for p in parsed:
        _check_limits(p)
    report = IngestReport(files=file_reports, dry_run=dry_run,
                          n_utterances=sum(f.n_utterances for f in file_reports))
    by_file = {f.path: f for f in file_reports}
    stored_roles = store.speaker_roles()
    in_batch = {p.clip_id for p in parsed}
    with store.transaction():
        existing = {c.clip_id: c for c in store.clips()}
        for clip_id, row in meta.items():
            if clip_id not in in_batch and clip_id not in existing:
                raise IngestError(f"unknown clip {clip_id!r}: no transcript for it in this batch "
                                  "or in the store; expected a clip id of an ingested transcript",
                                  path=row.path, line=row.line, field="clip_id")
        built = []
        from_config: dict[str, dict[str, Role]] = {}
        for p in parsed:
            configured = _file_roles(file_roles, p)
            if configured:
                from_config[p.clip_id] = configured
            overrides = {**configured, **stored_roles.get(p.clip_id, {})}
            utterances = assemble(p, roles, overrides)
            old = existing.get(p.clip_id)
            clip = _with_metadata(old or Clip(p.clip_id), meta.get(p.clip_id), p.path,
                                  utterances)
            row = meta.get(p.clip_id)
            _check_duration(p, utterances, row.fields.get("duration") if row else None)
            by_file[p.path].add_speakers(Counter((u.speaker, u.role) for u in utterances))
            built.append((p, clip, utterances))
        hashes, coded = store.clip_source_hashes(), store.coded_clip_ids()
        fresh = [(clip, utterances, content_hash(utterances)) for p, clip, utterances in built
                 if p.clip_id not in existing]
        if not dry_run:
            store.add_new_clips(fresh)
        report.added.extend(clip.clip_id for clip, _, _ in fresh)
        for p, clip, utterances in tqdm(built, desc="storing clips", unit="clip",
                                        disable=not progress):
            if p.clip_id in existing:
                _store_clip(store, report, p, clip, utterances, existing[p.clip_id], meta,
                            dry_run, actor, hashes.get(p.clip_id), p.clip_id in coded)
        for clip_id, row in meta.items():
            if clip_id not in in_batch and _differs(existing[clip_id], row.fields):
                if not dry_run:
                    store.update_clip_metadata(clip_id, row.fields)
                report.metadata_updated.append(clip_id)
        if not dry_run:
            changed = set(report.added) | set(report.replaced) | set(report.realigned)
            for clip_id, chosen in sorted(from_config.items()):
                if clip_id in changed:  # roles given per file in bwv.yaml, applied: audited
                    store.audit(actor, "speaker_roles_applied", clip_id=clip_id,
                                roles={label: str(role) for label, role in chosen.items()},
                                source="bwv.yaml speaker_roles")
        if not dry_run and (report.added or report.replaced or report.realigned
                            or report.metadata_updated):
            store.audit(actor, "ingest", files=len(files), added=len(report.added),
                        replaced=len(report.replaced), realigned=len(report.realigned),
                        unchanged=len(report.unchanged),
                        metadata_updated=len(report.metadata_updated))
    return report


def _store_clip(store: Store, report: IngestReport, p: ParsedClip, clip: Clip,
                utterances: list[Utterance], old: Clip, meta: Mapping[str, MetadataRow],
                dry_run: bool, actor: str, old_hash: str | None, is_coded: bool) -> None:
    """Store (or, in a dry run, classify) a clip already in the store; coded clips with new
    content are realigned."""
    new_hash = content_hash(utterances)
    status = "unchanged" if old_hash == new_hash else "replaced"
    if status == "replaced" and is_coded:
        status = "realigned"
        if dry_run:
            mapping = align_utterances(store.utterances(p.clip_id), utterances)
            kept = {i for i, (_, same) in mapping.items() if same}
            active = [a for a in store.annotations(clip_id=p.clip_id, layer=None)
                      if a.utterance_index is not None]
            carried = sum(1 for a in active if a.utterance_index in kept)
            report.recode[p.clip_id] = (carried, len(active) - carried)
        else:
            result = store.realign_clip(actor, clip, utterances, new_hash)
            report.recode[p.clip_id] = (result.carried, result.flagged)
    elif not dry_run:
        status = store.put_clip(clip, utterances, new_hash)
    getattr(report, status).append(p.clip_id)
    row = meta.get(p.clip_id)
    if status == "unchanged" and row and _differs(old, row.fields):
        if not dry_run:
            store.update_clip_metadata(p.clip_id, row.fields)
        report.metadata_updated.append(p.clip_id)
