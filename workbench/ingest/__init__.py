"""Transcript ingestion: one reader per format → utterances → the store, all or nothing.

Formats (by extension): WebVTT ``.vtt`` (cross-checked with webvtt-py), SubRip ``.srt``, ELAN
``.eaf`` (streaming parse, cross-checked by a raw count; tier rules in
:mod:`~workbench.ingest.elan_tiers`), Whisper/WhisperX ``.json``, tabular ``.csv`` / ``.tsv`` /
``.jsonl`` (``start,end,text`` plus optional ``clip_id,speaker,role``; Whisper's own TSV in
milliseconds); plus a clip metadata CSV joined by ``clip_id``. Dialects (classic Teams timing,
YouTube rolling captions, word-highlight subtitles, Zoom name prefixes, voice spans) are
recognised from each file as a whole and named in the report. Speaker labels map to roles
through the project's ``speakers`` rules (:class:`SpeakerRoles`), per-file ``speaker_roles``,
or roles set per clip in the store.

>>> from workbench.ingest import READERS
>>> READERS.names()
['csv', 'eaf', 'json', 'jsonl', 'srt', 'tsv', 'vtt']
"""

from workbench.ingest.batch import (
    FileReport,
    IngestReport,
    assemble,
    collect_files,
    content_hash,
    ingest_paths,
)
from workbench.ingest.metadata import MetadataRow, read_clip_metadata
from workbench.ingest.readers import READERS, read_transcript
from workbench.ingest.records import ParsedClip, Reader, ReadOptions, TierChoice, Turn
from workbench.ingest.roles import SpeakerRoles

__all__ = [
    "READERS",
    "FileReport",
    "IngestReport",
    "MetadataRow",
    "ParsedClip",
    "ReadOptions",
    "Reader",
    "SpeakerRoles",
    "TierChoice",
    "Turn",
    "assemble",
    "collect_files",
    "content_hash",
    "ingest_paths",
    "read_clip_metadata",
    "read_transcript",
]
