"""Map a workbench project (store + codebook) to a REFI-QDA project.

- **Sources**: one per clip. Its plain text has one line per utterance, ``speaker: text``;
  a clip with a media file becomes an Audio/VideoSource whose ``Transcript`` carries that text
  and a sync point at the start and end of every utterance's text (milliseconds).
- **Codebook**: one non-codable folder per group; a nominal or interval code is a codable
  code; a categorical or ordinal code is a non-codable code with one codable sub-code per
  option (ordinal: lowest first, then "not applicable"). Descriptions carry the definition and
  the include/exclude rules (option anchors for sub-codes).
- **Codings**: each annotation is one selection with one coding (a set-valued code: one coding
  per element) over its utterance's text, or over the whole text for clip-level codes; an
  interval value is written in the selection's description as ``value: <number>``.
- **Users**: the coders whose layer is exported; a consensus row's user is
  ``consensus:<coder>`` (the reviewer who decided it, or ``consensus_auto``).
- **Notes**: a coder's note on an utterance becomes a ``Note`` referenced from that coder's
  selections on the utterance (or from a selection made for it).
- **Cases and variables**: one case per clip with its metadata.

Layers (``layer=``): ``"consensus"`` (default: the adjudicated codes the study uses),
``"coder:<id>"`` (one coder's), or ``"all"`` (every coder's and the consensus, each under its
own user). ``shareable=True`` is the export for people outside the coding team: text is
redacted (:func:`workbench.privacy.redaction.redact_texts`), notes are left out, and only the
standard metadata is kept (extra columns may hold identifiers such as collar numbers).
GUIDs are derived from names (uuid5), so the same project gives the same file.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.codebook.sets import split_set
from workbench.exceptions import ParameterError
from workbench.exchange.qda import (
    QdaCase,
    QdaCode,
    QdaCoding,
    QdaNote,
    QdaProject,
    QdaSelection,
    QdaSource,
    QdaSyncPoint,
    QdaUser,
    QdaVariable,
    guid,
)
from workbench.model import CLIP_METADATA_FIELDS, Annotation, Clip, Layer, Utterance

if TYPE_CHECKING:
    from workbench.codebook.book import Codebook
    from workbench.codebook.schema import Code
    from workbench.store import Store

ORIGIN = "BWV coding workbench"
CONSENSUS_PREFIX = "consensus:"  # user id of a consensus row: consensus:<deciding coder>
VIDEO_SUFFIXES = (".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4v")
AUDIO_SUFFIXES = (".wav", ".mp3", ".m4a", ".ogg", ".flac", ".aac")
VARIABLE_TYPES = {"date": "Date", "n_officers": "Integer", "duration": "Float"}


@dataclass(frozen=True)
class TextLayout:
    """A clip's plain text and, per utterance index, the span of its text in it."""

    text: str
    spans: dict[int, tuple[int, int]]


def layout(utterances: list[Utterance], texts: list[str] | None = None) -> TextLayout:
    """One line per utterance, ``speaker: text``; spans cover the text part only."""
    parts: list[str] = []
    spans: dict[int, tuple[int, int]] = {}
    position = 0
    for i, utterance in enumerate(utterances):
        prefix = f"{utterance.speaker}: "
        body = texts[i] if texts is not None else utterance.text
        start = position + len(prefix)
        spans[utterance.index] = (start, start + len(body))
        line = f"{prefix}{body}\n"
        parts.append(line)
        position += len(line)
    return TextLayout("".join(parts), spans)


def code_guid(codebook_id: str, code_id: str, option: str | None = None) -> str:
    """The GUID of a code (or of one option's sub-code) in every export of this codebook."""
    if option is None:
        return guid("code", codebook_id, code_id)
    return guid("option", codebook_id, code_id, option)


def _code_description(code: Code) -> str:
    lines = [code.definition.strip()]
    lines += [f"Include: {rule}" for rule in code.include]
    lines += [f"Exclude: {rule}" for rule in code.exclude]
    lines.append(f"[workbench code {code.id}; {code.level}; unit {code.unit}; "
                 f"applies to {code.applies_to}]")
    return "\n".join(lines)


def codebook_codes(codebook: Codebook) -> list[QdaCode]:
    """The codebook as nested QDA codes (see the module docstring)."""
    folders: dict[str, QdaCode] = {}
    for group in codebook.groups:
        folders[group.id] = QdaCode(guid("group", codebook.id, group.id), group.label,
                                    codable=False, description=group.description)
    for code in codebook.codes:
        options = [*code.options, *code.scale]
        if code.not_applicable is not None:
            options.append(code.not_applicable)
        item = QdaCode(code_guid(codebook.id, code.id), code.label,
                       codable=not options, description=_code_description(code))
        item.children = [QdaCode(code_guid(codebook.id, code.id, o.key), o.label,
                                 description=o.anchor) for o in options]
        folders[code.group].children.append(item)
    return [folders[g.id] for g in codebook.groups]


def _stamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _layer_annotations(store: Store, layer: str) -> list[Annotation]:
    """Annotations of the exported layer."""
    if layer == "consensus":
        return store.annotations(layer=Layer.CONSENSUS)
    if layer == "all":
        return [*store.annotations(layer=Layer.CODER), *store.annotations(layer=Layer.CONSENSUS)]
    if layer.startswith("coder:"):
        return store.annotations(layer=Layer.CODER, coder_id=layer.removeprefix("coder:"))
    raise ParameterError(f"unknown layer {layer!r}; expected 'consensus', 'coder:<id>' or "
                         "'all'", field="layer")


def user_of(annotation: Annotation) -> str:
    """The exported user id of an annotation: its coder, or ``consensus:<coder>``."""
    if annotation.layer == Layer.CONSENSUS:
        return CONSENSUS_PREFIX + annotation.coder_id
    return annotation.coder_id


def _user_name(user_id: str, coders: dict) -> str:
    if user_id.startswith(CONSENSUS_PREFIX):
        return f"Consensus ({user_id.removeprefix(CONSENSUS_PREFIX)})"
    coder = coders.get(user_id)
    return (coder.name or user_id) if coder is not None else user_id


def _selection(codebook: Codebook, annotation: Annotation, span: tuple[int, int],
               users: dict[str, str]) -> QdaSelection:
    code = codebook.code(annotation.code_id)
    user = users[user_of(annotation)]
    created = _stamp(annotation.created_at)
    key = (annotation.clip_id, annotation.utterance_index, annotation.code_id, user_of(annotation))
    if code.level in ("nominal", "interval"):
        targets = [code_guid(codebook.id, code.id)]
    elif getattr(code, "multiple", False):
        targets = [code_guid(codebook.id, code.id, v) for v in sorted(split_set(annotation.value))]
    else:
        targets = [code_guid(codebook.id, code.id, annotation.value)]
    codings = [QdaCoding(guid("coding", *key, t), t, user, created) for t in targets]
    index = annotation.utterance_index
    unit = "clip" if index is None else f"turn {index + 1}"
    return QdaSelection(
        guid("selection", *key), span[0], span[1], name=f"{code.label} ({unit})",
        description=f"value: {annotation.value}" if code.level == "interval" else "",
        user_guid=user, created=created, codings=codings)


def _variables(clips: list[Clip], shareable: bool) -> list[QdaVariable]:
    names = [*CLIP_METADATA_FIELDS, "duration"]
    if not shareable:
        extra = sorted({k for clip in clips for k in clip.extra})
        names += [k for k in extra if k not in names]
    return [QdaVariable(guid("variable", n), n, VARIABLE_TYPES.get(n, "Text")) for n in names]


def _case(clip: Clip, variables: list[QdaVariable], source_guid: str) -> QdaCase:
    values: dict[str, str] = {}
    for var in variables:
        value = getattr(clip, var.name, None) if hasattr(clip, var.name) else \
            clip.extra.get(var.name)
        if value is None or value == "":
            continue
        values[var.guid] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return QdaCase(guid("case", clip.clip_id), clip.clip_id, values, [source_guid])


def _media_kind(clip: Clip, media_root: Path | None) -> tuple[str, str | None]:
    if not clip.media_path:
        return "TextSource", None
    media = Path(clip.media_path)
    if not media.is_absolute() and media_root is not None:
        media = media_root / media
    if not media.is_file():
        return "TextSource", None
    suffix = media.suffix.lower()
    if suffix in VIDEO_SUFFIXES:
        return "VideoSource", str(media)
    if suffix in AUDIO_SUFFIXES:
        return "AudioSource", str(media)
    return "TextSource", None


def project_from_store(store: Store, codebook: Codebook, *, layer: str = "consensus",
                       shareable: bool = False, name: str = "BWV coding project",
                       media_root: Path | None = None) -> QdaProject:
    """The REFI-QDA picture of the store's clips and the chosen layer (see module docstring)."""
    from workbench.privacy.redaction import redact_texts

    annotations = _layer_annotations(store, layer)
    coders = {c.coder_id: c for c in store.coders()}
    user_ids = sorted({user_of(a) for a in annotations})
    if layer.startswith("coder:") and not user_ids:
        user_ids = [layer.removeprefix("coder:")]
    users = {uid: guid("user", uid) for uid in user_ids}
    project = QdaProject(name=name, origin=ORIGIN, codes=codebook_codes(codebook))
    project.users = [QdaUser(users[u], _user_name(u, coders), u) for u in user_ids]
    clips = store.clips()
    project.variables = _variables(clips, shareable)
    by_clip: dict[str, list[Annotation]] = defaultdict(list)
    for annotation in annotations:
        by_clip[annotation.clip_id].append(annotation)
    notes_by_unit: dict[tuple[str, int, str], str] = {}
    if not shareable:
        for note in store.notes():
            if note.note and note.coder_id in users:
                notes_by_unit[(note.clip_id, note.utterance_index, note.coder_id)] = note.note
    for clip in clips:
        utterances = store.utterances(clip.clip_id)
        texts = redact_texts([u.text for u in utterances]) if shareable else None
        text = layout(utterances, texts)
        kind, media = _media_kind(clip, media_root) if not shareable else ("TextSource", None)
        source = QdaSource(guid("source", clip.clip_id), clip.clip_id, kind, text.text, media)
        if kind != "TextSource":
            source.transcript_guid = guid("transcript", clip.clip_id)
            for u in utterances:
                start, end = text.spans[u.index]
                source.sync_points += [
                    QdaSyncPoint(guid("sync", clip.clip_id, u.index, "start"), start,
                                 round(u.start * 1000)),
                    QdaSyncPoint(guid("sync", clip.clip_id, u.index, "end"), end,
                                 round(u.end * 1000))]
        # clip-level codes: the whole transcript, from the first line to the last utterance
        whole = (0, text.spans[utterances[-1].index][1]) if utterances else (0, 0)
        if kind != "TextSource" and utterances:
            whole = (text.spans[utterances[0].index][0], whole[1])
        for annotation in by_clip.get(clip.clip_id, []):
            span = whole if annotation.utterance_index is None \
                else text.spans[annotation.utterance_index]
            source.selections.append(_selection(codebook, annotation, span, users))
        _attach_notes(project, source, clip.clip_id, text, notes_by_unit, users)
        project.sources.append(source)
        project.cases.append(_case(clip, project.variables, source.guid))
    return project


def _attach_notes(project: QdaProject, source: QdaSource, clip_id: str, text: TextLayout,
                  notes: dict[tuple[str, int, str], str], users: dict[str, str]) -> None:
    for (note_clip, index, coder_id), body in sorted(notes.items()):
        if note_clip != clip_id or index not in text.spans:
            continue
        note = QdaNote(guid("note", clip_id, index, coder_id),
                       f"Note on turn {index + 1} by {coder_id}", body, users[coder_id])
        project.notes.append(note)
        span = text.spans[index]
        owned = [s for s in source.selections if (s.start, s.end) == span
                 and s.user_guid == users[coder_id]]
        if not owned:
            owned = [QdaSelection(guid("note-selection", clip_id, index, coder_id), *span,
                                  name=f"Note (turn {index + 1})", user_guid=users[coder_id])]
            source.selections.extend(owned)
        for selection in owned:
            selection.note_guids.append(note.guid)
