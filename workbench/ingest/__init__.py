"""Transcript ingestion: one reader per format → utterances → the store, all or nothing.

Formats (by extension): WebVTT ``.vtt`` (webvtt-py, cross-checked), SubRip ``.srt``, ELAN
``.eaf`` (pympi-ling), tabular ``.csv`` / ``.jsonl`` (``clip_id,start,end,speaker,role,text``);
plus a clip metadata CSV joined by ``clip_id``. Speaker labels map to roles through the
project's ``speakers`` rules (:class:`SpeakerRoles`).

>>> from workbench.ingest import READERS
>>> READERS.names()
['csv', 'eaf', 'jsonl', 'srt', 'vtt']
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
from workbench.ingest.records import ParsedClip, Reader, Turn
from workbench.ingest.roles import SpeakerRoles

__all__ = [
    "READERS",
    "FileReport",
    "IngestReport",
    "MetadataRow",
    "ParsedClip",
    "Reader",
    "SpeakerRoles",
    "Turn",
    "assemble",
    "collect_files",
    "content_hash",
    "ingest_paths",
    "read_clip_metadata",
    "read_transcript",
]
