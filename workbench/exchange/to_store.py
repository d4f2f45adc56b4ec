"""Import a REFI-QDA project into the store: sources → clips, selections → annotations.

- **Units**: a source written by the workbench is read back line by line (``speaker: text``);
  any other text becomes one utterance per non-empty paragraph (line), with a leading
  ``Name:`` taken as the speaker. A transcript's sync points give each utterance its start (the
  last sync point at or before it) and end (the first at or after it), in seconds; a text
  source has no times (0 s), and the report says so.
- **Selections** become annotations on every utterance they overlap. A selection that covers
  only part of an utterance, or runs over several, is coded on each utterance it touches and
  **listed in the report** (never silently widened): "coded on turn 7 (the selection covers
  part of it)", or "coded on 40 turns (3-42), of which 3 and 42 in part" for a selection
  spread over turns (a whole-document selection of another tool, say). One outside every
  utterance is listed and skipped. A clip-level code (mapped codebook) applies to the clip
  whatever the span.
- **Values**: a code → ``present``; an option's sub-code → its key (several options of a
  set-valued code on one selection → one canonical set); an interval code → the number in
  the selection's description (``value: 12``).
- **Users** become coders (the user's ``id``, else a slug of the name); a workbench export's
  ``consensus:<coder>`` user goes back to the consensus layer.
- Everything is written in one transaction: an import stores all or nothing.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workbench.codebook.sets import canonical_set
from workbench.exceptions import InputError
from workbench.exchange.codes import CodeMapping, Target, slug
from workbench.exchange.from_store import CONSENSUS_PREFIX, ORIGIN
from workbench.exchange.qda import QdaProject, QdaSelection, QdaSource
from workbench.model import Annotation, Clip, Coder, Layer, Role, Utterance

if TYPE_CHECKING:
    from workbench.codebook.book import Codebook
    from workbench.store import Store

SPEAKER = re.compile(r"^([^:\n]{1,40}):\s+(.*)$")
INTERVAL_VALUE = re.compile(r"value:\s*(-?\d+(?:\.\d+)?)")


@dataclass
class ImportReport:
    """What an import did, and everything it could not carry over."""

    path: str
    origin: str
    clips: int = 0
    utterances: int = 0
    coders: list[str] = field(default_factory=list)
    annotations: int = 0
    codebook: str = ""
    unmatched_codes: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unmapped: dict[str, int] = field(default_factory=dict)
    untimed_sources: int = 0
    position_unit: str = "code points"

    def summary(self) -> str:
        """A plain-text report (what was imported, then what was not)."""
        lines = [f"{self.path} (written by {self.origin or 'an unnamed tool'})",
                 f"imported: {self.clips} clips, {self.utterances} utterances, "
                 f"{self.annotations} annotations by {len(self.coders)} coders "
                 f"({', '.join(self.coders)}); codebook {self.codebook}"]
        if self.position_unit != "code points":
            lines.append(f"selection positions were written in {self.position_unit} (as "
                         f"{self.origin.split()[0]} writes them) and read as characters")
        if self.untimed_sources:
            lines.append(f"{self.untimed_sources} text sources have no times (no sync points): "
                         "their utterances start and end at 0 s, one per paragraph")
        if self.unmatched_codes:
            lines.append(f"codes not mapped ({len(self.unmatched_codes)}): "
                         + "; ".join(self.unmatched_codes))
        if self.partial:
            lines.append(f"selections that do not match whole utterances ({len(self.partial)}):")
            lines += [f"  {item}" for item in self.partial]
        if self.skipped:
            lines.append(f"selections or codings skipped ({len(self.skipped)}):")
            lines += [f"  {item}" for item in self.skipped]
        if self.unmapped:
            lines.append("not imported: " + ", ".join(
                f"{n} {what}" for what, n in sorted(self.unmapped.items())))
        return "\n".join(lines)


@dataclass
class _Units:
    utterances: list[Utterance]
    spans: list[tuple[int, int]]


def _units(source: QdaSource, clip_id: str, from_workbench: bool,
           speaker_role: dict[str, Role]) -> _Units:
    text = source.text or ""
    utterances: list[Utterance] = []
    spans: list[tuple[int, int]] = []
    times = sorted((p.position, p.time_ms) for p in source.sync_points)
    positions = [p for p, _ in times]
    position = 0
    for raw in text.split("\n"):
        offset = position
        position += len(raw) + 1
        line = raw.removesuffix("\r")  # a CRLF text (NVivo's): the CR is no part of the turn
        if not line.strip():
            continue
        match = SPEAKER.match(line)
        if match and (from_workbench or len(match.group(1).split()) <= 4):
            speaker, body = match.group(1), match.group(2)
            start = offset + match.start(2)
        else:
            speaker, body, start = "unknown", line, offset
        end = start + len(body)
        begin_s = end_s = 0.0
        if times:
            i = bisect.bisect_right(positions, start) - 1
            j = bisect.bisect_left(positions, end)
            begin_s = times[max(i, 0)][1] / 1000
            end_s = max(begin_s, times[min(j, len(times) - 1)][1] / 1000)
        utterances.append(Utterance(clip_id, len(utterances), begin_s, end_s, speaker,
                                    speaker_role.get(speaker, Role.UNKNOWN), body))
        spans.append((start, end))
    return _Units(utterances, spans)


def _overlaps(units: _Units, sel: QdaSelection) -> list[tuple[int, bool]]:
    """(utterance index, whole) for each utterance the selection touches."""
    found = []
    for index, (start, end) in enumerate(units.spans):
        if sel.start < end and start < sel.end:
            found.append((index, sel.start <= start and end <= sel.end))
    return found


def _coder_of(user_guid: str | None, users: dict[str, str]) -> tuple[str, Layer]:
    user = users.get(user_guid or "", "imported")
    if user.startswith(CONSENSUS_PREFIX):
        return user.removeprefix(CONSENSUS_PREFIX), Layer.CONSENSUS
    return user, Layer.CODER


def _value(codebook: Codebook, target: Target, sel: QdaSelection) -> str | None:
    code = codebook.code(target.code_id)
    if code.level == "interval":
        match = INTERVAL_VALUE.search(sel.description)
        return match.group(1) if match else None
    return target.option if target.option is not None else "present"


def _tally(report: ImportReport, what: str, n: int = 1) -> None:
    if n:
        report.unmapped[what] = report.unmapped.get(what, 0) + n


def import_project(store: Store, project: QdaProject, codebook: Codebook | None,
                   mapping: CodeMapping, *, path: str, speaker_role: dict[str, Role] | None = None,
                   actor: str = "system") -> ImportReport:
    """Write ``project`` into ``store`` against ``codebook`` (see the module docstring)."""
    from workbench.codebook.identity import register_codebook

    report = ImportReport(path, project.origin, codebook=f"{codebook.id}@{codebook.version}"
                          if codebook is not None else "none (the project has no codes)",
                          unmatched_codes=list(mapping.unmatched),
                          unmapped=dict(project.unmapped),
                          position_unit=project.position_unit)
    _tally(report, "notes (memos; not imported)", len(project.notes))
    from_workbench = project.origin.startswith(ORIGIN)
    users = {u.guid: (u.id or slug(u.name)) for u in project.users}
    cases = {g: case for case in project.cases for g in case.source_guids}
    variables = {v.guid: v.name for v in project.variables}
    rows: list[Annotation] = []
    clips: list[tuple[Clip, list[Utterance], str]] = []
    taken: set[str] = set()
    for source in project.sources:
        if source.text is None:
            _tally(report, f"{source.kind} without text")
            _tally(report, f"selections on a {source.kind} without text", len(source.selections))
            _tally(report, f"codings on a {source.kind} without text",
                   sum(len(sel.codings) for sel in source.selections))
            continue
        clip_id = source.name if from_workbench else slug(source.name)
        while clip_id in taken:
            clip_id += "_2"
        taken.add(clip_id)
        units = _units(source, clip_id, from_workbench, speaker_role or {})
        if not units.utterances:
            report.skipped.append(f"source {source.name!r}: no text")
            continue
        if not source.sync_points:
            report.untimed_sources += 1
        clips.append((_clip(clip_id, source, cases.get(source.guid), variables),
                      units.utterances, hashlib.sha256(source.text.encode()).hexdigest()))
        if codebook is not None:
            rows += _annotations(codebook, mapping, source, units, users, clip_id, report)
    rows = _one_value_per_unit(codebook, rows, report) if codebook is not None else []
    with store.transaction():
        if codebook is not None:
            register_codebook(store, codebook)
        known = {c.coder_id for c in store.coders()}
        for coder_id in sorted({a.coder_id for a in rows if a.layer == Layer.CODER} - known):
            store.add_coder(Coder(coder_id, name=coder_id))
        for clip, utterances, digest in clips:
            store.put_clip(clip, utterances, digest)
        store.add_annotations(rows, actor=actor, action="qdpx_imported")
    report.clips = len(clips)
    report.utterances = sum(len(u) for _, u, _ in clips)
    report.annotations = len(rows)
    report.coders = sorted({a.coder_id for a in rows})
    return report


def _clip(clip_id: str, source: QdaSource, case, variables: dict[str, str]) -> Clip:
    fields: dict[str, object] = {}
    extra: dict[str, str] = {}
    if case is not None:
        for var_guid, value in case.values.items():
            name = variables.get(var_guid, var_guid)
            extra[name] = value
    for name in ("borough", "bcu", "power", "outcome", "ethnicity", "age_band", "gender"):
        if name in extra:
            fields[name] = extra.pop(name)
    for name, cast in (("n_officers", int), ("duration", float)):
        if name in extra:
            with contextlib.suppress(ValueError):
                fields[name] = cast(extra.pop(name))
    if "date" in extra:
        with contextlib.suppress(ValueError):
            fields["date"] = dt.date.fromisoformat(extra.pop("date")[:10])
    return Clip(clip_id, source_file=f"qdpx:{source.name}", extra=extra, **fields)


def _annotations(codebook: Codebook, mapping: CodeMapping, source: QdaSource, units: _Units,
                 users: dict[str, str], clip_id: str, report: ImportReport) -> list[Annotation]:
    rows: list[Annotation] = []
    for sel in source.selections:
        label = f"{source.name}: selection {sel.name or sel.guid} [{sel.start}:{sel.end}]"
        overlaps = _overlaps(units, sel)
        for coding in sel.codings:
            target = mapping.targets.get(coding.code_guid)
            if target is None:
                report.skipped.append(f"{label}: code {coding.code_guid} is not mapped")
                continue
            code = codebook.code(target.code_id)
            value = _value(codebook, target, sel)
            if value is None:
                report.skipped.append(f"{label}: no value for interval code {code.id}")
                continue
            coder, layer = _coder_of(coding.user_guid or sel.user_guid, users)
            indexes: list[int | None]
            if str(code.unit) == "clip":
                indexes = [None]
            elif not overlaps:
                report.skipped.append(f"{label}: outside every utterance")
                continue
            else:
                indexes = [i for i, _ in overlaps]
                if len(overlaps) > 1 or not overlaps[0][1]:
                    report.partial.append(f"{label}: {_turns(overlaps)}")
            for index in indexes:
                rows.append(Annotation(clip_id, index, code.id, value, coder, codebook.id,
                                       codebook.version, codebook.hash, layer=layer))
    return rows


def _turns(overlaps: list[tuple[int, bool]]) -> str:
    """Where a selection that is not one whole turn was coded, e.g. ``coded on 40 turns
    (3-42), of which 3 and 42 in part`` or ``coded on turn 7 (part)``."""
    first, last = overlaps[0][0] + 1, overlaps[-1][0] + 1
    part = [str(i + 1) for i, whole in overlaps if not whole]
    if len(overlaps) == 1:
        return f"coded on turn {first} (the selection covers part of it)"
    where = f"coded on {len(overlaps)} turns ({first}-{last})"
    return where + (f", of which {' and '.join(part)} in part" if part else ", each whole")


def _one_value_per_unit(codebook: Codebook, rows: list[Annotation],
                        report: ImportReport) -> list[Annotation]:
    """Merge a set code's options per unit; keep the first of conflicting single values."""
    merged: dict[tuple, Annotation] = {}
    values: dict[tuple, list[str]] = {}
    for row in rows:
        key = (row.clip_id, row.utterance_index, row.code_id, row.coder_id, row.layer)
        values.setdefault(key, []).append(row.value)
        merged.setdefault(key, row)
    out = []
    for key, row in merged.items():
        seen = list(dict.fromkeys(values[key]))
        code = codebook.code(row.code_id)
        if getattr(code, "multiple", False):
            row = Annotation(**{**row.__dict__, "value": canonical_set(seen)})
        elif len(seen) > 1:
            unit = "clip" if row.utterance_index is None else f"turn {row.utterance_index + 1}"
            report.skipped.append(
                f"{row.clip_id} {unit}: {row.coder_id} gave {code.id} {len(seen)} values "
                f"({', '.join(seen)}); kept {seen[0]}")
        out.append(row)
    counts = Counter((r.layer, r.clip_id, r.utterance_index, r.code_id) for r in out
                     if r.layer == Layer.CONSENSUS)
    duplicated = [k for k, n in counts.items() if n > 1]
    if duplicated:
        raise InputError(f"{len(duplicated)} units have more than one consensus value "
                         f"(first: clip {duplicated[0][1]}, code {duplicated[0][3]})",
                         field="Users")
    return out
