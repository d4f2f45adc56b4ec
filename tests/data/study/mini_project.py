"""A tiny SYNTHETIC project for the study-pipeline tests: 40 clips, the mini-study codebook.

Deterministic: clip ``M000``…``M039`` in two boroughs over 2021, six turns each (officer and
subject alternating), consensus codes on some turns and a disposal per clip. Clips M038 and
M039 have no consensus codes (not adjudicated). A few subject turns carry :data:`PLANTED`
identifying strings, which no study output may contain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from workbench.codebook.loading import load_ref
from workbench.model import (
    Annotation,
    Assignment,
    AssignmentStatus,
    Clip,
    Coder,
    Layer,
    Role,
    Utterance,
)
from workbench.project import Project

HERE = Path(__file__).resolve().parent
CODEBOOKS = HERE / "codebooks"
NOTEBOOKS = HERE / "notebooks"
CODEBOOK = "mini-study@1.0.0"
N_CLIPS = 40
UNCODED = ("M038", "M039")
PLANTED: tuple[str, ...] = ("Darnell Okafor", "07700 900123", "SW9 8QT")

ETHNICITIES = ("Asian", "Black", "White", "Mixed")
BOROUGHS = ("Lambeth", "Hackney")


def _clip(i: int) -> Clip:
    return Clip(
        clip_id=f"M{i:03d}", source_file=f"/tmp/somewhere/M{i:03d}.vtt", duration=300.0 + i,
        borough=BOROUGHS[i % 2], bcu="Central South" if i % 2 == 0 else "Central East",
        date=dt.date(2021, 1 + i % 12, 1 + i % 27), power="s23 MDA" if i % 3 else "s1 PACE",
        outcome="nfa" if i % 4 else "arrest", ethnicity=ETHNICITIES[i % 4],
        age_band="18-24" if i % 2 else "25-34", gender="male" if i % 5 else "female",
        n_officers=1 + i % 3, synthetic=True)


def _utterances(i: int) -> list[Utterance]:
    turns = []
    for k in range(6):
        role = Role.OFFICER if k % 2 == 0 else Role.SUBJECT
        text = f"Officer turn {k} of a synthetic stop." if role == Role.OFFICER else \
            f"Subject turn {k}, synthetic."
        if role == Role.SUBJECT and k == 1 and i % 7 == 0:
            text = (f"My name is {PLANTED[0]}, call my mum on {PLANTED[1]}, "
                    f"I live near {PLANTED[2]}.")
        turns.append(Utterance(f"M{i:03d}", k, 10.0 * k, 10.0 * k + 8.0,
                               "PC 1" if role == Role.OFFICER else "Subject", role, text))
    return turns


def _codes(i: int, ref: tuple[str, str, str], layer: Layer, coder: str) -> list[Annotation]:
    cid = f"M{i:03d}"
    book, version, digest = ref

    def ann(index: int | None, code: str, value: str) -> Annotation:
        return Annotation(cid, index, code, value, coder, book, version, digest, layer=layer)

    rows = [ann(None, "out_disposal", "arrest" if i % 4 == 0 else "nfa")]
    if i % 3 != 0:
        rows.append(ann(0, "pj_courtesy", "present"))
    if i % 2 == 0:
        rows.append(ann(2, "pj_courtesy", "present"))
    scale = ("compliant", "verbal_refusal", "active")
    rows.append(ann(1, "subj_resistance", scale[i % 3]))
    rows.append(ann(3, "subj_resistance", scale[(i // 3) % 3]))
    return rows


def build_mini_project(root: Path) -> Project:
    """Create the project at ``root`` (SQLite store) and return it."""
    project = Project.init(root, codebook=CODEBOOK)
    project.codebooks_dir = CODEBOOKS
    project.save()
    codebook = load_ref(CODEBOOK, CODEBOOKS)
    ref = (codebook.id, codebook.version, codebook.hash)
    with project.open_store() as store:
        store.record_codebook(codebook.id, codebook.version, codebook.hash,
                              codebook.canonical_json())
        store.add_coder(Coder("c01", "Coder One (synthetic)"))
        annotations: list[Annotation] = []
        assignments = []
        for i in range(N_CLIPS):
            turns = _utterances(i)
            digest = hashlib.sha256("".join(t.text for t in turns).encode()).hexdigest()
            store.put_clip(_clip(i), turns, digest)
            if f"M{i:03d}" not in UNCODED:
                annotations += _codes(i, ref, Layer.CONSENSUS, "consensus")
            if i < 20:
                own = _codes(i, ref, Layer.CODER, "c01")
                annotations += [a for a in own if i % 2 == 0 or a.code_id != "pj_courtesy"]
                assignments.append(Assignment(f"M{i:03d}", "c01", status=AssignmentStatus.DONE
                                              if i < 15 else AssignmentStatus.IN_PROGRESS))
        store.add_annotations(annotations)
        store.assign(assignments)
    return project
