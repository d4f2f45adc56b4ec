"""A ready-to-use SYNTHETIC demo project: corpus files, store, coders, coding and consensus.

``bwv demo FOLDER`` (and ``make study``) calls :func:`create_demo_project`, which goes through
the same steps a real study team would, with simulated people:

1. write the synthetic corpus (VTT, SRT, ELAN, CSV/JSONL files + metadata.csv);
2. ingest it with the ordinary readers (one transaction);
3. register the codebook version in the store;
4. add four coders and a reviewer, and assign clips with a 20% double-coded sample
   stratified by BCU;
5. simulated coders code their clips from the hidden ground truth with known error rates
   (:mod:`workbench.demo.effects`), and mark them done;
6. the consensus layer is built (agreed and single-coded units copied), and the simulated
   reviewer adjudicates the remaining disagreements by the ground truth, each with a rationale;
7. a trainee, ``trainee``, gets ten practice clips still to do, for ``make lab`` (a trainee's
   work changes nothing published until a reviewer certifies them);
8. the trainee's first few clips get synthetic spoken audio (:mod:`workbench.demo.audio`,
   needs Debian's espeak-ng; skipped with a clear message without it).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from workbench.codebook import Codebook, load_ref, register_codebook
from workbench.demo.audio import add_demo_media
from workbench.demo.coders import simulate_coding
from workbench.demo.corpus import build_demo_corpus
from workbench.ingest import ingest_paths
from workbench.model import (
    REVIEWER_ROLES,
    Annotation,
    Assignment,
    AssignmentKind,
    AssignmentStatus,
    Coder,
    CoderStatus,
)
from workbench.project import Project
from workbench.review.adjudication import decide, find_disagreements
from workbench.review.assignment import assign_clips
from workbench.review.consensus import build_consensus
from workbench.store import Store

DEMO_CODERS = ("c01", "c02", "c03", "c04")
DEMO_REVIEWER = "r01"
#: A coder with clips still to do, so that `make lab` opens a live coding session.
DEMO_TRAINEE = "trainee"
N_TRAINEE_CLIPS = 10
#: How many of the trainee's clips (in queue order) get synthetic spoken audio.
N_MEDIA_CLIPS = 4
SIMULATED = "simulated reviewer (synthetic demo): value of the generator's ground truth"


@dataclass(frozen=True)
class DemoSummary:
    folder: Path
    n_clips: int
    n_utterances: int
    n_annotations: int
    n_reliability_clips: int
    n_adjudicated: int
    seconds: float
    already_built: bool = False
    media: str = ""
    panel: str = ""

    def __str__(self) -> str:
        if self.already_built:
            return (f"demo project already built at {self.folder} ({self.n_clips} synthetic "
                    "clips); delete the folder to rebuild it")
        return (f"SYNTHETIC demo project ready at {self.folder}: {self.n_clips} clips, "
                f"{self.n_utterances} utterances, {self.n_annotations} coder annotations "
                f"({self.n_reliability_clips} clips double-coded), {self.n_adjudicated} "
                f"disagreements adjudicated, in {self.seconds:.1f} s"
                + (f"\n{self.media}" if self.media else "")
                + (f"\n{self.panel}" if self.panel else ""))


def create_demo_project(folder: str | Path, *, n_clips: int = 500, seed: int = 20211,
                        store_url: str | None = None, progress: bool = True,
                        media_clips: int = N_MEDIA_CLIPS,
                        coder_bias: dict[str, dict[str, float]] | None = None) -> DemoSummary:
    """Build (or find already built) the synthetic demo project in ``folder``.

    ``media_clips``: how many of the trainee's clips get synthetic spoken audio (0: none).
    ``coder_bias``: planted over-coding, coder id → {code id → extra false-positive rate}
    (:func:`workbench.demo.coders.simulate_coding`); none by default.
    """
    started = time.perf_counter()
    project = Project.init(folder, store_url=store_url)
    with project.open_store() as store:
        if store.count_clips() and store.annotations(layer=None, statuses=()):
            return DemoSummary(project.root, store.count_clips(), 0, 0, 0, 0, 0.0, True)
        corpus = build_demo_corpus(project.root / "corpus", n_clips=n_clips, seed=seed,
                                   progress=progress)
        report = ingest_paths(store, [corpus.out_dir / "transcripts"],
                              speaker_rules=project.speakers, metadata=corpus.metadata_path,
                              progress=progress)
        codebook = load_ref(project.codebook, project.codebooks_dir)
        register_codebook(store, codebook)
        for coder_id in DEMO_CODERS:
            store.add_coder(Coder(coder_id, f"Simulated coder {coder_id}"))
        store.add_coder(Coder(DEMO_REVIEWER, "Simulated reviewer", REVIEWER_ROLES))
        plan = assign_clips(store, DEMO_CODERS, overlap=0.2, overlap_coders=2,
                            stratify=("bcu",), seed=seed)
        coded = _simulate(store, corpus.truth, plan, codebook, seed, coder_bias)
        build_consensus(store, codebook, DEMO_REVIEWER)
        n_adjudicated = _adjudicate_by_truth(store, codebook, corpus.truth, progress)
        _add_trainee(store, seed)
        trainee = sorted(store.assignments(DEMO_TRAINEE), key=lambda a: a.position)
        media = add_demo_media(store, project.root,
                               [a.clip_id for a in trainee[:media_clips]])
        panel = _add_panel(store)
        return DemoSummary(project.root, len(report.added) + len(report.unchanged),
                           report.n_utterances, coded,
                           len({a.clip_id for a in plan if a.reliability}), n_adjudicated,
                           time.perf_counter() - started, media=str(media), panel=panel)


def _add_panel(store: Store) -> str:
    """The SYNTHETIC community panel (:mod:`workbench.panels.demo`), once."""
    from workbench.panels.demo import add_synthetic_panel

    if store.screenings():
        return ""
    made = add_synthetic_panel(store)
    return (f"SYNTHETIC community panel: {len(made.screening_ids)} quarterly screenings, "
            f"{made.n_members} invented members (`bwv panel report --quarter 2026Q4`)")


def _simulate(store: Store, truth: pd.DataFrame, plan: list[Assignment], codebook: Codebook,
              seed: int, coder_bias: dict[str, dict[str, float]] | None = None) -> int:
    """Simulated coders code their assigned clips; their assignments are then done."""
    by_clip: dict[str, list[str]] = {}
    for a in plan:
        by_clip.setdefault(a.clip_id, []).append(a.coder_id)
    roles = store.utterances_frame()[["clip_id", "utterance_index", "role"]]
    coded = simulate_coding(truth, roles, list(DEMO_CODERS), clip_assignment=by_clip, seed=seed,
                            coder_bias=coder_bias)
    ref = codebook.ref
    rows = [
        Annotation(r.clip_id, None if pd.isna(r.utterance_index) else int(r.utterance_index),
                   r.code_id, str(r.value), r.coder_id, ref.codebook_id, ref.version, ref.hash)
        for r in coded.itertuples(index=False)
    ]
    with store.transaction():
        store.add_annotations(rows, actor="simulated_coders", action="demo_coding_loaded")
        for a in plan:
            store.set_progress(a.clip_id, a.coder_id, status=AssignmentStatus.DONE)
    return len(rows)


def _add_trainee(store: Store, seed: int) -> None:
    """A trainee with practice clips to do: their work never enters the study's layers."""
    store.add_coder(Coder(DEMO_TRAINEE, "Trainee coder (practice)",
                          status=CoderStatus.TRAINEE))
    clip_ids = sorted(c.clip_id for c in store.clips())
    rng = random.Random(seed)
    chosen = rng.sample(clip_ids, min(N_TRAINEE_CLIPS, len(clip_ids)))
    store.assign(Assignment(c, DEMO_TRAINEE, position=i, kind=AssignmentKind.PRACTICE)
                 for i, c in enumerate(chosen))


def _adjudicate_by_truth(store: Store, codebook: Codebook, truth: pd.DataFrame,
                         progress: bool) -> int:
    """The simulated reviewer settles each open disagreement with the true value."""
    key = truth.assign(utterance_index=truth["utterance_index"].astype("Int64"))
    true_value = {(r.clip_id, None if pd.isna(r.utterance_index) else int(r.utterance_index),
                   r.code_id): str(r.value) for r in key.itertuples(index=False)}
    open_ = find_disagreements(store, codebook, open_only=True)
    with store.transaction():
        for d in tqdm(open_, desc="adjudicating (simulated)", unit="unit",
                      disable=not progress):
            value = true_value.get((d.clip_id, d.utterance_index, d.code_id))
            decide(store, (d.clip_id, d.utterance_index), d.code_id, value, DEMO_REVIEWER,
                   SIMULATED, codebook=codebook)
    return len(open_)

