"""Audit samples: clips already coded once, drawn for a blind quality review.

An audit (id ``A…``) draws clips whose coding is finished by exactly one counted coder
(certified or retired, ordinary assignment), stratified by original coder, period (month the
clip was done, so drift shows), BCU or outcome, optionally weighted towards clips where codes
of concern were applied. The draw is reproducible by its seed and recorded, with every
parameter, in the audit chain (``audit_sample_drawn``). Opening the review assigns the clips to
the reviewers (assignment kind ``review``) and gives each reviewer an audit-sample scope: until
the lead reviewer signs off, the store keeps them blind to those clips' coder and consensus
layers, and they write only the ``review:<audit id>`` layer (:mod:`workbench.store.access`).

Sample size for a target precision: :func:`precision_plan` resamples clips of the overlap
(double-coded) sample — the observed prevalence and agreement — and predicts the alpha
interval's width at each size (:mod:`workbench.reliability.clustered`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from workbench.exceptions import AccessError, ParameterError, StoreError
from workbench.model import (
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    Scope,
    ScopeKind,
    UserRole,
)
from workbench.review.adjudication import counted_done

if TYPE_CHECKING:
    from workbench.codebook.book import Codebook
    from workbench.store import Store

STRATA = ("coder", "period", "bcu", "outcome")
DRAWN = "audit_sample_drawn"
SIGNED = "audit_signed_off"
IMPORTED = "review_bundle_imported"  # :mod:`workbench.bundle.review`


@dataclass(frozen=True)
class AuditDesign:
    """How an audit sample is drawn.

    ``size`` clips, or ``share`` (0–1) of the candidates; ``stratify``: any of coder, period
    (calendar month the clip was done), bcu, outcome — proportional allocation by largest
    remainder; ``concern_codes``: clips where the original coder applied any of them are
    ``concern_weight`` times as likely to be drawn within their stratum; ``seed``.
    """

    audit_id: str
    size: int | None = None
    share: float | None = None
    stratify: tuple[str, ...] = ("coder",)
    concern_codes: tuple[str, ...] = ()
    concern_weight: float = 3.0
    seed: int = 0

    def __post_init__(self) -> None:
        if not self.audit_id or not self.audit_id.replace("-", "").replace("_", "").isalnum():
            raise ParameterError(f"audit id {self.audit_id!r}: use letters, digits, - and _",
                                 field="audit_id")
        if (self.size is None) == (self.share is None):
            raise ParameterError("give either a size or a share", field="size")
        if self.size is not None and self.size < 1:
            raise ParameterError(f"size {self.size}; expected ≥ 1", field="size")
        if self.share is not None and not 0 < self.share <= 1:
            raise ParameterError(f"share {self.share}; expected 0 < share ≤ 1", field="share")
        bad = [s for s in self.stratify if s not in STRATA]
        if bad:
            raise ParameterError(f"cannot stratify by {bad}; expected any of "
                                 f"{', '.join(STRATA)}", field="stratify")
        if self.concern_weight <= 0:
            raise ParameterError("concern_weight must be > 0", field="concern_weight")
        object.__setattr__(self, "stratify", tuple(self.stratify))
        object.__setattr__(self, "concern_codes", tuple(self.concern_codes))


@dataclass(frozen=True)
class AuditSample:
    """A drawn sample: its design, the clips (with original coder and stratum), reviewers."""

    design: AuditDesign
    clips: pd.DataFrame
    reviewers: tuple[str, ...] = ()
    codebook: dict[str, str] = field(default_factory=dict)

    @property
    def clip_ids(self) -> list[str]:
        return sorted(self.clips["clip_id"])

    def original_coder(self) -> dict[str, str]:
        return dict(zip(self.clips["clip_id"], self.clips["coder_id"], strict=True))


def candidates(store: Store, codebook: Codebook | None = None,
               concern_codes: Sequence[str] = ()) -> pd.DataFrame:
    """Clips coded once and finished: clip_id, coder_id, period, bcu, outcome, concern."""
    done = counted_done(store)
    once = done.groupby("clip_id")["coder_id"].transform("size") == 1
    done = done.loc[once]
    when = {(a.clip_id, a.coder_id): a.updated_at for a in store.assignments(
        kind=AssignmentKind.ORDINARY)}
    done = done.assign(period=[
        when[(c, k)].strftime("%Y-%m") if when.get((c, k)) else "unknown"
        for c, k in zip(done["clip_id"], done["coder_id"], strict=True)])
    meta = store.clips_frame()[["clip_id", "bcu", "outcome"]]
    frame = done.merge(meta, on="clip_id", how="left").fillna({"bcu": "", "outcome": ""})
    concern = set()
    if concern_codes:
        if codebook is not None:
            unknown = [c for c in concern_codes if c not in codebook.code_ids]
            if unknown:
                raise ParameterError(f"codes of concern {unknown} are not in "
                                     f"{codebook.id} {codebook.version}", field="concern")
        ann = store.annotations_frame()
        ann = ann.loc[ann["code_id"].isin(list(concern_codes))]
        concern = set(zip(ann["clip_id"], ann["coder_id"], strict=True))
    frame["concern"] = [(c, k) in concern for c, k in
                        zip(frame["clip_id"], frame["coder_id"], strict=True)]
    return frame.sort_values("clip_id", ignore_index=True)


def _allocate(sizes: pd.Series, total: int) -> pd.Series:
    """Proportional allocation by largest remainder, never more than a stratum holds."""
    quota = sizes / sizes.sum() * total
    out = np.floor(quota).astype(int).clip(upper=sizes)
    order = (quota - np.floor(quota)).sort_values(ascending=False, kind="stable").index
    while out.sum() < total:
        room = [s for s in order if out[s] < sizes[s]]
        if not room:
            break
        for s in room[: total - int(out.sum())]:
            out[s] += 1
    return out


def draw_sample(store: Store, design: AuditDesign,
                codebook: Codebook | None = None) -> AuditSample:
    """Draw the sample (nothing is written: :func:`open_review` records and opens it)."""
    pool = candidates(store, codebook, design.concern_codes)
    if pool.empty:
        raise StoreError("no clip is coded once and finished: nothing to audit")
    total = design.size if design.size is not None else max(1, round(design.share * len(pool)))
    if total > len(pool):
        raise ParameterError(f"size {total} is more than the {len(pool)} clips coded once",
                             field="size")
    keys = [{"coder": "coder_id"}.get(s, s) for s in design.stratify]
    pool["stratum"] = (pool[keys].astype(str).agg(" / ".join, axis=1) if keys
                       else "all")
    sizes = pool.groupby("stratum").size()
    allocation = _allocate(sizes, total)
    rng = np.random.default_rng(design.seed)
    chosen = []
    for stratum in sorted(sizes.index):
        rows = pool.loc[pool["stratum"] == stratum]
        weight = np.where(rows["concern"], design.concern_weight, 1.0)
        take = rng.choice(len(rows), size=int(allocation[stratum]), replace=False,
                          p=weight / weight.sum())
        chosen.append(rows.iloc[np.sort(take)])
    clips = pd.concat(chosen).sort_values("clip_id", ignore_index=True)
    book = {} if codebook is None else {"id": codebook.id, "version": codebook.version,
                                        "hash": codebook.ref.hash}
    return AuditSample(design, clips, codebook=book)


def open_review(store: Store, sample: AuditSample, reviewers: Sequence[str], *,
                lead: str) -> AuditSample:
    """Record the sample and open it: review assignments and blind scopes for each reviewer.

    One transaction; audited as ``audit_sample_drawn`` with the design, the clips and the
    reviewers. Reviewers must hold the reviewer role; ``lead`` signs the report off.
    """
    if not reviewers or lead not in reviewers:
        raise ParameterError("name the reviewers, the lead among them", field="reviewers")
    known = {c.coder_id: c for c in store.coders()}
    for r in reviewers:
        if r not in known or not known[r].has_role(UserRole.REVIEWER):
            raise ParameterError(f"{r!r} is not a reviewer in this store", field="reviewers")
    audit_id = sample.design.audit_id
    if audit_record(store, audit_id, missing_ok=True) is not None:
        raise ParameterError(f"audit {audit_id!r} exists already", field="audit_id")
    clip_ids = sample.clip_ids
    with store.transaction():
        for reviewer in reviewers:
            store.assign(Assignment(c, reviewer, position=i, kind=AssignmentKind.REVIEW)
                         for i, c in enumerate(clip_ids))
            store.add_scope(Scope(reviewer, ScopeKind.AUDIT_SAMPLE, audit_id,
                                  frozenset(clip_ids)))
        store.audit(store.principal.acting_as(None), DRAWN, **record_detail(
            sample, tuple(reviewers), lead))
    return AuditSample(sample.design, sample.clips, tuple(reviewers), sample.codebook)


def record_detail(sample: AuditSample, reviewers: tuple[str, ...], lead: str) -> dict[str, Any]:
    return {"audit_id": sample.design.audit_id, "design": asdict(sample.design),
            "clips": sample.clips[["clip_id", "coder_id", "stratum"]].to_dict("records"),
            "reviewers": list(reviewers), "lead": lead, "codebook": sample.codebook}


def audit_record(store: Store, audit_id: str, *, missing_ok: bool = False
                 ) -> dict[str, Any] | None:
    """The recorded sample of ``audit_id`` (the ``audit_sample_drawn`` detail)."""
    for event in store.audit_events(action=DRAWN):
        if event.detail.get("audit_id") == audit_id:
            return dict(event.detail)
    for event in store.audit_events(action=IMPORTED):  # a review returned in a bundle
        if event.detail.get("audit_id") == audit_id:
            return dict(event.detail["record"])
    if missing_ok:
        return None
    raise StoreError(f"no audit {audit_id!r} in this store; draw it with `bwv review sample`")


def finished_clips(store: Store, audit_id: str) -> dict[str, str]:
    """Clip → the reviewer whose blind re-coding counts (the lead first, then in order)."""
    record = audit_record(store, audit_id)
    assert record is not None
    if "finished" in record:
        return dict(record["finished"])
    reviewers = [record["lead"], *[r for r in record["reviewers"] if r != record["lead"]]]
    sample = {c["clip_id"] for c in record["clips"]}
    finished: dict[str, str] = {}
    for a in store.assignments(kind=AssignmentKind.REVIEW):
        if a.status == AssignmentStatus.DONE and a.clip_id in sample \
                and a.coder_id in reviewers:
            best = finished.get(a.clip_id)
            if best is None or reviewers.index(a.coder_id) < reviewers.index(best):
                finished[a.clip_id] = a.coder_id
    return finished


def sign_off(store: Store, audit_id: str, *, lead: str, statement: str) -> dict[str, Any]:
    """The lead reviewer signs the review off (audited): the blind scopes end, so the report
    can compare the layers. Returns the sign-off (who, when, statement, clips reviewed)."""
    record = audit_record(store, audit_id)
    assert record is not None
    if lead != record["lead"]:
        raise AccessError(f"{lead!r} is not the lead reviewer of audit {audit_id!r} "
                          f"({record['lead']} is)")
    if not statement.strip():
        raise ParameterError("a sign-off needs a statement", field="statement")
    if any(e.detail.get("audit_id") == audit_id for e in store.audit_events(action=SIGNED)):
        raise ParameterError(f"audit {audit_id!r} is signed off already", field="audit_id")
    store.principal.require_role(UserRole.REVIEWER, "sign a review off")
    finished = finished_clips(store, audit_id)
    with store.transaction():  # the sign-off first: on PostgreSQL it unlocks the scopes
        event = store.audit(lead, SIGNED, audit_id=audit_id, statement=statement,
                            n_reviewed=len(finished))
        store.end_scope(ScopeKind.AUDIT_SAMPLE, audit_id)
    return {"audit_id": audit_id, "lead": event.actor, "statement": statement,
            "at": str(event.created_at), "event_id": event.event_id, "finished": finished}


def signed_off(store: Store, audit_id: str) -> dict[str, Any] | None:
    """The sign-off of ``audit_id`` (also one returned in a review bundle), or None."""
    for e in store.audit_events(action=SIGNED):
        if e.detail.get("audit_id") == audit_id:
            return {"lead": e.actor, "statement": e.detail.get("statement"),
                    "at": str(e.created_at), "event_id": e.event_id}
    record = audit_record(store, audit_id, missing_ok=True) or {}
    return record.get("signoff")


def review_record(store: Store, audit_id: str) -> dict[str, Any]:
    """Everything a review bundle returns about the audit: the sample, who finished which
    clip, the sign-off."""
    record = dict(audit_record(store, audit_id) or {})
    record["finished"] = finished_clips(store, audit_id)
    record["signoff"] = signed_off(store, audit_id)
    return record


def precision_plan(store: Store, codebook: Codebook, code_ids: Sequence[str], *,
                   width: float = 0.2, sizes: Sequence[int] | None = None,
                   n_resamples: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Predicted alpha-interval width per code and sample size, from the overlap sample.

    Columns code_id, n_clips, predicted_width, enough (width reached). The pilot is the
    project's double-coded clips (:func:`workbench.review.project_report.reliability_ratings`):
    their prevalence and agreement, clips resampled with their turns.
    """
    from workbench.reliability.clustered import clusters_for_width

    parts = []
    for code_id in code_ids:
        pilot = pilot_coincidences(store, codebook, code_id)
        plan = clusters_for_width(pilot, width, sizes=list(sizes) if sizes else None,
                                  n_resamples=n_resamples, seed=seed)
        parts.append(plan.assign(code_id=code_id))
    return pd.concat(parts, ignore_index=True)[["code_id", "n_clips", "predicted_width",
                                                "enough"]]


def pilot_coincidences(store: Store, codebook: Codebook, code_id: str) -> Any:
    """Per-clip coincidences of one code on the overlap sample (the pilot)."""
    from workbench.review.project_report import prepare
    from workbench.review.quality import coincidences_of

    prepared = prepare(store, codebook)
    long = prepared.usable.loc[prepared.usable["code_id"] == code_id]
    if long.empty:
        raise StoreError(f"code {code_id!r} has no double-coded units to predict from")
    return coincidences_of(long.rename(columns={"coder_id": "rater"}), code_id,
                           prepared.levels, prepared.scales)
