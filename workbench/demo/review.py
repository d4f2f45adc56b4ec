"""A simulated reviewer for the demo's quality review (SYNTHETIC): blind re-coding from truth.

The reviewer is one more simulated coder (:func:`workbench.demo.coders.simulate_coding`) with
the default error profile scaled by ``error_scale`` and no bias, coding the audit's clips from
the generator's ground truth (``corpus/_truth/codes.csv``). Rows go to the
``review:<audit id>`` layer in one bulk load (as the store's owner, like the demo's coders),
and the reviewer's review assignments are marked done.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.demo import effects
from workbench.demo.coders import simulate_coding
from workbench.model import Annotation, AssignmentKind, AssignmentStatus, Layer
from workbench.store import Store


def read_truth(project_root: str | Path) -> pd.DataFrame:
    """The demo's ground-truth codes (clip_id, utterance_index [Int64], code_id, value)."""
    path = Path(project_root) / "corpus" / "_truth" / "codes.csv"
    return pd.read_csv(path, dtype={"utterance_index": "Int64", "value": str})


def simulate_review(store: Store, truth: pd.DataFrame, audit_id: str, reviewer: str,
                    clip_ids: list[str], codebook_ref: tuple[str, str, str], *,
                    seed: int = 0, error_scale: float = 1.0) -> int:
    """Write the simulated reviewer's blind re-coding of ``clip_ids``; returns rows written."""
    roles = store.utterances_frame()[["clip_id", "utterance_index", "role"]]
    roles = roles.loc[roles["clip_id"].isin(clip_ids)]
    profile = {k: min(1.0, v * error_scale) for k, v in effects.DEFAULT_ERROR_PROFILE.items()}
    coded = simulate_coding(truth.loc[truth["clip_id"].isin(clip_ids)], roles, [reviewer],
                            profile, seed=seed)
    cid, version, digest = codebook_ref
    rows = [Annotation(r.clip_id, None if pd.isna(r.utterance_index) else int(r.utterance_index),
                       r.code_id, str(r.value), reviewer, cid, version, digest,
                       layer=Layer.REVIEW, audit_id=audit_id)
            for r in coded.itertuples(index=False)]
    with store.transaction():
        store.add_annotations(rows, actor=reviewer, action="demo_review_loaded")
        for a in store.assignments(coder_id=reviewer, kind=AssignmentKind.REVIEW):
            if a.clip_id in set(clip_ids) and a.status != AssignmentStatus.DONE:
                store.set_progress(a.clip_id, reviewer, status=AssignmentStatus.DONE)
    return len(rows)
