"""The consensus layer: agreed and single-coded values copied beside reviewers' decisions.

:func:`build_consensus` writes one value per unit into ``Layer.CONSENSUS`` with coder id
:data:`~workbench.review.adjudication.AUTO_CONSENSUS`, never touching a unit a reviewer decided
(:func:`~workbench.review.adjudication.decide`); coders' own annotations are never changed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from workbench.model import Annotation, AnnotationStatus, Layer
from workbench.reliability.long_table import ABSENT
from workbench.review.adjudication import (
    AUTO_CONSENSUS,
    UNIT_KEYS,
    coder_ratings,
    decisions,
    require_reviewer,
    unit_key,
    unit_summary,
)
from workbench.store import Store

if TYPE_CHECKING:
    from workbench.codebook.book import Codebook


@dataclass(frozen=True)
class ConsensusCounts:
    """What :func:`build_consensus` did, in units (utterance or clip × code).

    agreed / single : units copied or already in place (two or more coders agreeing; one
    coder only). written, unchanged, withdrawn : consensus rows added, left as they were,
    taken off because the coders no longer agree. reviewer_kept : agreed or single units left
    alone because a reviewer decided them. open : undecided disagreements. pending : agreed
    units skipped because a coder who rated them has not finished the clip.
    seconds : wall time of the build.
    """

    agreed: int = 0
    single: int = 0
    written: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    reviewer_kept: int = 0
    open: int = 0
    pending: int = 0
    seconds: float = field(default=0.0, compare=False)



def build_consensus(store: Store, codebook: Codebook, reviewer: str, *,
                    coders: Sequence[str] | None = None,
                    completed_only: bool = True) -> ConsensusCounts:
    """Copy agreed and single-coded values into the consensus layer (one transaction).

    Units a reviewer decided (an "adjudicated" event, or a consensus row not written by this
    function) are never changed. Earlier automatic rows follow the coders: a changed agreed
    value supersedes the old row; a unit no longer agreed (or now pending) loses its row.
    ``completed_only``: skip units rated by a coder whose clip is not done.
    Audited as "consensus_auto" (the rows) and "consensus_built" (the counts).
    """
    started = time.perf_counter()
    require_reviewer(store, reviewer)
    summary = unit_summary(coder_ratings(store, codebook, coders=coders))
    agreed = summary["n_values"] == 1
    eligible = summary["all_done"] if completed_only else pd.Series(True, index=summary.index)
    # "absent" as a rating means no annotation (nothing to copy), unless it is a real option
    # of the code (e.g. a GOWISELY element rated absent), which must reach the consensus.
    absent_is_option = summary.index.get_level_values("code_id").isin(
        [c.id for c in codebook.codes if ABSENT in c.option_keys()])
    wanted = summary.loc[agreed & eligible & ((summary["value"] != ABSENT) | absent_is_option)]
    existing = store.annotations_frame(layer=Layer.CONSENSUS)
    existing_keys = [unit_key(*k) for k in existing[UNIT_KEYS].itertuples(index=False)]
    reviewed = set(decisions(store)) | {
        k for k, coder in zip(existing_keys, existing["coder_id"], strict=True)
        if coder != AUTO_CONSENSUS}
    auto = {k: (int(i), v) for k, i, v, coder in zip(
        existing_keys, existing["annotation_id"], existing["value"], existing["coder_id"],
        strict=True) if coder == AUTO_CONSENSUS}
    rows: list[Annotation] = []
    replaced: list[int] = []
    counts: dict[str, int] = dict.fromkeys(("agreed", "single", "unchanged", "reviewer_kept"), 0)
    ref = codebook.ref
    for key_tuple, n_ratings, value, coder in zip(
            wanted.index, wanted["n_ratings"], wanted["value"], wanted["coder"], strict=True):
        key = unit_key(*key_tuple)
        if key in reviewed:
            counts["reviewer_kept"] += 1
            continue
        counts["agreed" if n_ratings > 1 else "single"] += 1
        old = auto.pop(key, None)
        if old is not None and old[1] == value:
            counts["unchanged"] += 1
            continue
        if old is not None:
            replaced.append(old[0])
        note = f"{AUTO_CONSENSUS}: " + (f"agreed by {n_ratings} coders" if n_ratings > 1
                                        else f"single coder {coder}")
        rows.append(Annotation(key[0], key[1], key[2], value, AUTO_CONSENSUS, ref.codebook_id,
                               ref.version, ref.hash, layer=Layer.CONSENSUS, note=note))
    withdrawn = [i for i, _ in auto.values()]
    split = (summary["n_ratings"] >= 2) & ~agreed
    open_units = sum(1 for k in summary.index[split] if unit_key(*k) not in reviewed)
    with store.transaction():
        if replaced:
            store.set_annotation_status(replaced, AnnotationStatus.SUPERSEDED, actor=reviewer,
                                        reason=f"{AUTO_CONSENSUS}: coders' agreed value changed")
        if withdrawn:
            store.set_annotation_status(withdrawn, AnnotationStatus.REMOVED, actor=reviewer,
                                        reason=f"{AUTO_CONSENSUS}: no longer agreed")
        store.add_annotations(rows, actor=reviewer, action=AUTO_CONSENSUS)
        result = ConsensusCounts(
            **counts, written=len(rows), withdrawn=len(withdrawn), open=open_units,
            pending=int((agreed & ~eligible).sum()),
            seconds=time.perf_counter() - started)
        store.audit(reviewer, "consensus_built",
                    **{k: v for k, v in asdict(result).items() if k != "seconds"})
    return result
