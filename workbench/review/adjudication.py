"""Adjudication: where coders disagree, a reviewer's decisions, and the consensus layer.

A *unit* is one utterance (utterance-level codes) or one clip (clip-level codes). A coder's
rating of a unit for a code is their active annotation's value; where they have none, it is
``"absent"`` (:data:`ABSENT`) if their assignment on the clip is done and absence is a value
of the code (every nominal code, and categorical or ordinal codes at the utterance level),
else no rating (work in progress, or a clip-level code left blank). A code whose own option
key is "absent" cannot tell that option from no annotation. A *disagreement* is a unit with
two or more ratings that are not all equal.

The consensus layer (``Layer.CONSENSUS``) holds one value per unit. A reviewer's decision is
written with the reviewer as ``coder_id`` and the rationale as the note, and audited as
"adjudicated"; :func:`workbench.review.consensus.build_consensus` copies agreed and
single-coded values with coder id :data:`AUTO_CONSENSUS`, never touching a unit a reviewer
decided. Coders' own annotations are never changed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import pandas as pd

from workbench.exceptions import AccessError, ParameterError, StoreError
from workbench.model import (
    AssignmentKind,
    AssignmentStatus,
    Layer,
    UnitType,
    UserRole,
)
from workbench.reliability.long_table import ABSENT
from workbench.store import Store

if TYPE_CHECKING:
    from workbench.codebook.book import Codebook
    from workbench.codebook.schema import Code

#: ``coder_id`` of consensus rows copied by ``build_consensus`` (:mod:`.consensus`).
AUTO_CONSENSUS = "consensus_auto"
#: Audit action of a reviewer's decision.
ADJUDICATED = "adjudicated"
UNIT_KEYS = ["clip_id", "utterance_index", "code_id"]
UnitKey = tuple[str, int | None, str]


@dataclass(frozen=True)
class Unit:
    """One coding unit: an utterance of a clip, or the clip itself (``utterance_index`` None)."""

    clip_id: str
    utterance_index: int | None = None


@dataclass(frozen=True)
class Turn:
    """One utterance shown as context; ``current`` marks the unit's own turn."""

    index: int
    speaker: str
    role: str
    text: str
    current: bool = False


@dataclass(frozen=True)
class Decision:
    """A reviewer's final value for a unit (None: the code is absent) and why."""

    value: str | None
    reviewer: str
    rationale: str


@dataclass(frozen=True)
class Disagreement:
    """A unit on which coders' ratings differ, with what a reviewer needs to decide it.

    ``values`` maps coder id → rating (an option key, "present" or :data:`ABSENT`);
    ``options`` are the values the reviewer may choose; ``context`` the turns around the unit
    (± the context window; the whole clip for clip-level codes); ``decision`` the latest
    reviewer decision, None while open.
    """

    clip_id: str
    utterance_index: int | None
    code_id: str
    label: str
    level: str
    definition: str
    values: dict[str, str]
    options: tuple[str, ...]
    context: tuple[Turn, ...] = ()
    decision: Decision | None = None

    @property
    def unit(self) -> Unit:
        return Unit(self.clip_id, self.utterance_index)

    @property
    def is_open(self) -> bool:
        return self.decision is None

    @property
    def text(self) -> str:
        """The unit's own utterance text ("" for clip-level codes)."""
        return next((t.text for t in self.context if t.current), "")


# ---------------------------------------------------------------------------- ratings
def absence_is_a_value(code: Code) -> bool:
    """Whether a done coder's missing annotation counts as the rating :data:`ABSENT`."""
    return code.level == "nominal" or (
        code.unit == UnitType.UTTERANCE and code.level in ("categorical", "ordinal"))


def coder_ratings(store: Store, codebook: Codebook, *,
                  coders: Sequence[str] | None = None) -> pd.DataFrame:
    """Coders' ratings of every unit that some coder annotated, long.

    Returns
    -------
    DataFrame with columns clip_id, utterance_index (Int64, NA for clip codes), code_id,
    coder_id, value (:data:`ABSENT` rows added for done coders, see the module docstring),
    done (the coder's assignment on the clip is done). Codes outside ``codebook`` are left
    out; ``coders`` restricts the coders. Only work that counts is read: certified (or
    retired) coders' ordinary assignments (:func:`counted_done`).
    """
    ann = store.annotations_frame(layer=Layer.CODER, counted_only=True)
    ann = ann.loc[ann["code_id"].isin(codebook.code_ids), [*UNIT_KEYS, "coder_id", "value"]]
    assignments = counted_done(store)
    if coders is not None:
        ann = ann.loc[ann["coder_id"].isin(coders)]
        assignments = assignments.loc[assignments["coder_id"].isin(coders)]
    interval = [c.id for c in codebook.codes if c.level == "interval"]
    if interval:
        rows = ann["code_id"].isin(interval)
        ann.loc[rows, "value"] = ann.loc[rows, "value"].map(_canonical_number)
    done = assignments.assign(done=True)
    ann = ann.merge(done, on=["clip_id", "coder_id"], how="left")
    ann["done"] = ann["done"].fillna(False).astype(bool)
    absent_codes = [c.id for c in codebook.codes if absence_is_a_value(c)]
    units = ann.loc[ann["code_id"].isin(absent_codes), UNIT_KEYS].drop_duplicates()
    candidates = units.merge(assignments, on="clip_id")
    keyed = candidates.merge(ann[[*UNIT_KEYS, "coder_id"]], how="left", indicator=True)
    absent = keyed.loc[keyed["_merge"] == "left_only", [*UNIT_KEYS, "coder_id"]]
    absent = absent.assign(value=ABSENT, done=True)
    ratings = pd.concat([ann, absent], ignore_index=True)
    ratings["utterance_index"] = ratings["utterance_index"].astype("Int64")
    return ratings.sort_values([*UNIT_KEYS, "coder_id"], ignore_index=True)


def counted_done(store: Store) -> pd.DataFrame:
    """(clip_id, coder_id) of finished ordinary assignments of coders whose work counts
    (certified or retired): practice, gold-standard and trainees' clips never enter."""
    counted = store.counted_coder_ids()
    return pd.DataFrame(
        [(a.clip_id, a.coder_id) for a in store.assignments(kind=AssignmentKind.ORDINARY)
         if a.status == AssignmentStatus.DONE and a.coder_id in counted],
        columns=["clip_id", "coder_id"])


def unit_summary(ratings: pd.DataFrame) -> pd.DataFrame:
    """Per unit (index clip_id, utterance_index, code_id): n_ratings, n_values, all_done,
    value (the first rating) and coder (the first coder)."""
    return ratings.groupby(UNIT_KEYS, dropna=False, sort=False).agg(
        n_ratings=("value", "size"), n_values=("value", "nunique"),
        all_done=("done", "all"), value=("value", "first"), coder=("coder_id", "first"))


# ---------------------------------------------------------------------------- disagreements
def find_disagreements(store: Store, codebook: Codebook, *,
                       coders: Sequence[str] | None = None, open_only: bool = False,
                       context: int = 2, viewer: str | None = None) -> list[Disagreement]:
    """Units on which coders disagree, in clip, turn and codebook order.

    ``open_only``: leave out units a reviewer has decided. ``context``: turns shown before
    and after the unit's own turn. ``viewer``: who is asking; anyone but a reviewer gets
    :class:`AccessError`, because the records show every coder's values (blind coding).
    """
    if viewer is not None:
        require_reviewer(store, viewer)
    ratings = coder_ratings(store, codebook, coders=coders)
    summary = unit_summary(ratings)
    split = summary.index[(summary["n_ratings"] >= 2) & (summary["n_values"] > 1)]
    if split.empty:
        return []
    decided = decisions(store)
    keys = pd.DataFrame(list(split), columns=UNIT_KEYS)
    keys["utterance_index"] = keys["utterance_index"].astype("Int64")
    values = ratings.merge(keys, on=UNIT_KEYS)
    by_unit: dict[UnitKey, dict[str, str]] = {}
    for row in values.itertuples(index=False):
        by_unit.setdefault(unit_key(row.clip_id, row.utterance_index, row.code_id), {})[
            row.coder_id] = row.value
    turns = _turns_by_clip(store, set(keys["clip_id"]))
    order = {code_id: i for i, code_id in enumerate(codebook.code_ids)}
    found = []
    for key in sorted(by_unit, key=lambda k: (k[0], -1 if k[1] is None else k[1], order[k[2]])):
        if open_only and key in decided:
            continue
        clip_id, index, code_id = key
        code = codebook.code(code_id)
        found.append(Disagreement(
            clip_id, index, code_id, code.label, code.level, code.definition, by_unit[key],
            choices(code), _context(turns.get(clip_id, []), index, context), decided.get(key)))
    return found


def choices(code: Code) -> tuple[str, ...]:
    """Values a reviewer may choose for a code: its option keys, then :data:`ABSENT`."""
    keys = code.option_keys()
    return tuple(keys) if ABSENT in keys else (*keys, ABSENT)


def decisions(store: Store) -> dict[UnitKey, Decision]:
    """The latest reviewer decision per unit (clip_id, utterance_index, code_id).

    Read from the hash-chained audit records, each verified as it is read: an edited or
    re-linked record raises :class:`~workbench.exceptions.AuditError` rather than count.
    Records of an erased clip (detail cleared) are left out.
    """
    found: dict[UnitKey, Decision] = {}
    for event in store.audit_events(action=ADJUDICATED):
        d = event.detail
        if not d:
            continue
        found[unit_key(event.clip_id or "", d.get("utterance_index"), d["code_id"])] = Decision(
            d.get("value"), event.actor, d.get("rationale", ""))
    return found


# ---------------------------------------------------------------------------- decisions
def decide(store: Store, unit: Unit | tuple[str, int | None], code_id: str,
           value: str | None, reviewer: str, rationale: str, *,
           codebook: Codebook) -> Decision:
    """Record a reviewer's final value for a unit in the consensus layer.

    ``value``: an option key, "present", or None / "absent" for "the code is absent"
    (any consensus value on the unit is then taken off). Other reviewers' or automatic
    consensus rows on the unit are replaced. Audited as "adjudicated" with the rationale.

    Raises
    ------
    ParameterError : empty rationale, or a unit that does not fit the code's unit.
    AccessError : ``reviewer`` is not a coder with the reviewer flag.
    CodebookError : a value the code cannot take.
    """
    clip_id, index = (unit.clip_id, unit.utterance_index) if isinstance(unit, Unit) else unit
    rationale = (rationale or "").strip()
    if not rationale:
        raise ParameterError(f"a rationale is required to adjudicate {code_id} on clip "
                             f"{clip_id!r}: say why this value is right", field="rationale")
    require_reviewer(store, reviewer)
    code = codebook.code(code_id)
    _check_unit(store, code, clip_id, index)
    if value == ABSENT and ABSENT not in code.option_keys():
        value = None
    if value is not None:
        value = codebook.validate_value(code_id, str(value))
    with store.transaction():  # lock first: two reviewers on one unit leave one value
        store.lock_unit(clip_id, index, code_id, layer=Layer.CONSENSUS)
        for current in store.annotations(clip_id=clip_id, layer=Layer.CONSENSUS,
                                         code_id=code_id):
            if current.utterance_index == index and (value is None
                                                     or current.coder_id != reviewer):
                store.remove_code(current.coder_id, clip_id, index, code_id,
                                  layer=Layer.CONSENSUS, actor=reviewer)
        if value is not None:
            store.apply_code(reviewer, clip_id, index, code_id, value, codebook.ref,
                             layer=Layer.CONSENSUS, note=rationale, actor=reviewer)
        store.audit(reviewer, ADJUDICATED, clip_id=clip_id, utterance_index=index,
                    code_id=code_id, value=value, rationale=rationale)
    return Decision(value, reviewer, rationale)


def require_reviewer(store: Store, reviewer: str) -> None:
    """Raise :class:`AccessError` unless ``reviewer`` is a person with the reviewer role
    (and, on a user's handle, the handle's own user)."""
    if store.user_id is not None and store.user_id != reviewer:
        raise AccessError(f"{store.user_id} may not adjudicate as {reviewer!r}")
    coder = next((c for c in store.coders() if c.coder_id == reviewer), None)
    if coder is None or not coder.has_role(UserRole.REVIEWER):
        what = "is not a coder" if coder is None else "is not a reviewer"
        raise AccessError(f"{reviewer!r} {what}; only reviewers may adjudicate "
                          f"(`bwv coder add {reviewer} --reviewer`)")


# ---------------------------------------------------------------------------- private
def unit_key(clip_id: Any, index: Any, code_id: Any) -> UnitKey:
    return (str(clip_id), None if index is None or pd.isna(index) else int(index), str(code_id))


def _canonical_number(value: str) -> str:
    try:
        return format(Decimal(value).normalize(), "f")
    except InvalidOperation:
        return value


def _check_unit(store: Store, code: Code, clip_id: str, index: int | None) -> None:
    if code.unit == UnitType.CLIP and index is not None:
        raise ParameterError(f"{code.id} is a clip-level code: give the clip without an "
                             f"utterance index (got {index})", field="utterance_index")
    if code.unit == UnitType.UTTERANCE and index is None:
        raise ParameterError(f"{code.id} is an utterance-level code: give the utterance index",
                             field="utterance_index")
    if not store.has_clip(clip_id):
        raise StoreError(f"unknown clip {clip_id!r}")
    if index is not None and not 0 <= index < len(store.utterances(clip_id)):
        raise StoreError(f"clip {clip_id!r} has no utterance {index}")


def _turns_by_clip(store: Store, clip_ids: set[str]) -> dict[str, list[Turn]]:
    frame = store.utterances_frame()
    frame = frame.loc[frame["clip_id"].isin(clip_ids)]
    turns: dict[str, list[Turn]] = {}
    for row in frame.itertuples(index=False):
        turns.setdefault(row.clip_id, []).append(
            Turn(int(row.utterance_index), row.speaker, row.role, row.text))
    return turns


def _context(turns: list[Turn], index: int | None, window: int) -> tuple[Turn, ...]:
    if index is None:
        return tuple(turns)
    return tuple(Turn(t.index, t.speaker, t.role, t.text, t.index == index)
                 for t in turns if abs(t.index - index) <= window)
