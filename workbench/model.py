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
    """The kind of an annotation layer (see :func:`layer_name` for the layer's full name).

    ``coder``: one coder's own work (``coder:<id>``; practice and gold-standard work of trainees
    too, told apart by the assignment's :class:`AssignmentKind`); ``consensus``: the adjudicated
    layer the study uses (one value per unit); ``review``: a reviewer's re-coding of an audit
    sample (``review:<audit id>``).
    """

    CODER = "coder"
    CONSENSUS = "consensus"
    REVIEW = "review"


def layer_name(layer: Layer | str, owner: str | None = None) -> str:
    """The layer's full name: ``coder:<coder id>``, ``consensus`` or ``review:<audit id>``.

    >>> layer_name(Layer.CODER, "c01"), layer_name(Layer.CONSENSUS)
    ('coder:c01', 'consensus')
    """
    layer = Layer(layer)
    if layer == Layer.CONSENSUS:
        return "consensus"
    if not owner:
        raise ValueError(f"a {layer} layer needs its owner (coder id or audit id)")
    return f"{layer}:{owner}"


class UserRole(StrEnum):
    """What a person may do in a project (one person may hold several roles).

    ``admin``: adds people and changes roles, ingests clips; ``reviewer``: assigns clips,
    adjudicates, certifies coders, reads every layer; ``analyst``: reads the consensus layer and
    outputs, never coder identities unless granted (:class:`Grant`); ``coder``: reads and writes
    only their own annotations on their own assignments, never hidden metadata;
    ``facilitator`` and ``panel_member``: the panel screenings (a panel member sees only the
    redacted material of the screening their scope names).
    """

    ADMIN = "admin"
    REVIEWER = "reviewer"
    ANALYST = "analyst"
    CODER = "coder"
    FACILITATOR = "facilitator"
    PANEL_MEMBER = "panel_member"


class Grant(StrEnum):
    """An extra right an admin may give on top of a role."""

    CODER_IDENTITIES = "coder_identities"  # an analyst may see which coder coded what


#: The roles of a reviewer who also codes (the usual reviewer).
REVIEWER_ROLES: frozenset[UserRole] = frozenset({UserRole.CODER, UserRole.REVIEWER})


class CoderStatus(StrEnum):
    """Where a coder is in training; only certified coders' work counts.

    ``trainee``: codes practice and gold-standard clips only; ``certified``: their ordinary
    assignments enter reliability, adjudication, consensus and the study; ``retired``: codes
    no more, their earlier certified work still counts (retiring changes nothing published).
    """

    TRAINEE = "trainee"
    CERTIFIED = "certified"
    RETIRED = "retired"


#: Statuses whose work on ordinary assignments counts.
COUNTED_STATUSES: tuple[CoderStatus, ...] = (CoderStatus.CERTIFIED, CoderStatus.RETIRED)


class AssignmentKind(StrEnum):
    """Why a clip is assigned: study work, or training.

    ``ordinary``: the study's coding (counts if the coder is certified); ``practice``: a
    trainee's exercise; ``gold``: a gold-standard clip, whose consensus is the answer key that
    certification compares against; ``review``: a reviewer's re-coding of an audit sample.
    """

    ORDINARY = "ordinary"
    PRACTICE = "practice"
    GOLD = "gold"
    REVIEW = "review"


class ScopeKind(StrEnum):
    """How a scope narrows a role (see :class:`Scope`)."""

    AUDIT_SAMPLE = "audit_sample"  # a reviewer re-coding these clips is blind to their layers
    SCREENING = "screening"  # a panel member sees only these clips, redacted


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


#: Keys of ``Clip.extra`` a coder's store handle still reads (the object of the search);
#: every other extra column is blanked for coders, like the hidden standard fields.
CODER_VISIBLE_EXTRA: tuple[str, ...] = ("object_sought", "object")


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
    """A person known to the store (coders, reviewers, analysts, admins, panel members).

    ``roles``: what they may do (default: coder); ``status``: their training status as a
    coder (only certified coders' work counts, see :class:`CoderStatus`).
    """

    coder_id: str
    name: str = ""
    roles: frozenset[UserRole] = frozenset({UserRole.CODER})
    status: CoderStatus = CoderStatus.CERTIFIED

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", frozenset(UserRole(r) for r in self.roles))
        object.__setattr__(self, "status", CoderStatus(self.status))

    def has_role(self, role: UserRole | str) -> bool:
        return UserRole(role) in self.roles


@dataclass(frozen=True)
class Scope:
    """A narrowing of someone's role to some clips until it ends.

    ``kind`` audit_sample: a reviewer re-coding ``clip_ids`` for audit ``ref`` sees none of
    the clips' coder or consensus layers until the review is signed off (the scope ended);
    screening: a panel member sees only ``clip_ids`` of screening ``ref``, redacted.
    """

    user_id: str
    kind: ScopeKind
    ref: str
    clip_ids: frozenset[str] = frozenset()
    active: bool = True
    scope_id: int | None = None


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
    kind: AssignmentKind = AssignmentKind.ORDINARY


@dataclass(frozen=True)
class Annotation:
    """One code applied to one unit by one coder (or the consensus layer).

    ``utterance_index`` is None for clip-level codes. ``value`` is a string: "present" for
    nominal codes, an option key for categorical and ordinal codes, a decimal for interval.
    ``from_hint``: the value came from an accepted assistance hint. ``audit_id``: the audit a
    ``review`` layer belongs to (None for other layers).
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
    from_hint: bool = False
    audit_id: str | None = None

    @property
    def layer_name(self) -> str:
        """``coder:<id>``, ``consensus`` or ``review:<audit id>``."""
        owner = self.audit_id if self.layer == Layer.REVIEW else self.coder_id
        return layer_name(self.layer, owner)

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
