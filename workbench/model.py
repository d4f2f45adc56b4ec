"""The domain records, as plain immutable dataclasses.

The store persists them; ingestion, coding, reliability and analysis exchange them. None of
them knows about SQL or UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    """Who speaks an utterance."""

    OFFICER = "officer"
    SUBJECT = "subject"
    THIRD_PARTY = "third_party"
    UNKNOWN = "unknown"


class UnitType(StrEnum):
    """What an annotation is about: one speaker turn, or the whole encounter."""

    UTTERANCE = "utterance"
    CLIP = "clip"


class Layer(StrEnum):
    """Whose annotations: a coder's own, or the adjudicated consensus the study uses."""

    CODER = "coder"
    CONSENSUS = "consensus"


class AnnotationStatus(StrEnum):
    """Lifecycle of an annotation row; rows are never deleted."""

    ACTIVE = "active"
    REMOVED = "removed"  # the coder took the code off again
    SUPERSEDED = "superseded"  # replaced by a newer value or migrated to a new codebook version
    NEEDS_RECODE = "needs_recode"  # a codebook migration could not map it unambiguously


class AssignmentStatus(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"


#: Metadata columns every clip may carry; other columns are kept in ``Clip.extra``.
CLIP_METADATA_FIELDS: tuple[str, ...] = (
    "borough",
    "bcu",
    "date",
    "power",
    "outcome",
    "ethnicity",
    "age_band",
    "gender",
    "n_officers",
)


@dataclass(frozen=True)
class Clip:
    """One BWV recording of one encounter.

    ``duration`` is in seconds. ``ethnicity`` is the subject's self-defined ethnicity.
    ``extra`` keeps metadata columns beyond the standard ones (never dropped).
    """

    clip_id: str
    source_file: str = ""
    media_path: str | None = None
    duration: float | None = None
    borough: str | None = None
    bcu: str | None = None
    date: date | None = None
    power: str | None = None
    outcome: str | None = None
    ethnicity: str | None = None
    age_band: str | None = None
    gender: str | None = None
    n_officers: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    synthetic: bool = False


@dataclass(frozen=True)
class Utterance:
    """One speaker turn: times in seconds from the start of the clip; ``index`` is 0-based."""

    clip_id: str
    index: int
    start: float
    end: float
    speaker: str
    role: Role
    text: str


@dataclass(frozen=True)
class Coder:
    coder_id: str
    name: str = ""
    is_reviewer: bool = False


@dataclass(frozen=True)
class Assignment:
    """A clip allocated to a coder; ``reliability`` marks the overlap (double-coded) sample."""

    clip_id: str
    coder_id: str
    reliability: bool = False
    status: AssignmentStatus = AssignmentStatus.TODO
    position: int = 0
    last_utterance: int = 0
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Annotation:
    """One code applied to one unit by one coder (or the consensus layer).

    ``utterance_index`` is None for clip-level codes. ``value`` is a string: "present" for
    nominal codes, an option key for categorical and ordinal codes, a decimal for interval.
    """

    clip_id: str
    utterance_index: int | None
    code_id: str
    value: str
    coder_id: str
    codebook_id: str
    codebook_version: str
    codebook_hash: str
    layer: Layer = Layer.CODER
    status: AnnotationStatus = AnnotationStatus.ACTIVE
    note: str = ""
    created_at: datetime | None = None
    annotation_id: int | None = None

    @property
    def unit_type(self) -> UnitType:
        return UnitType.CLIP if self.utterance_index is None else UnitType.UTTERANCE


@dataclass(frozen=True)
class UtteranceNote:
    """A coder's free-text note and review flag on one utterance."""

    clip_id: str
    utterance_index: int
    coder_id: str
    note: str = ""
    flagged: bool = False


@dataclass(frozen=True)
class AuditEvent:
    """Who did what, when: every change of coding state writes one."""

    actor: str
    action: str
    detail: dict[str, Any] = field(default_factory=dict)
    clip_id: str | None = None
    created_at: datetime | None = None
    event_id: int | None = None
    hash: str | None = None  # the record's place in the hash chain (None before it is stored)


PRESENT = "present"


@dataclass(frozen=True)
class CodebookRef:
    """Which exact codebook an annotation was made against."""

    codebook_id: str
    version: str
    hash: str
