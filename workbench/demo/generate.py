"""Generate the synthetic encounters in memory, and the tables of their ground truth.

Deterministic by seed: each clip gets its own :class:`random.Random` (and Faker seed) from
``numpy.random.SeedSequence(seed).spawn(n)``, so clip *k* does not depend on how many clips
are generated after it.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from faker import Faker
from tqdm import tqdm

from workbench.demo.encounter import Encounter, clip_codes, record
from workbench.demo.metadata import OUTCOME_LABELS, sample_setting
from workbench.demo.pii import PlantedDetail, make_people, officer_pool
from workbench.demo.plan import make_plan
from workbench.demo.script import Script
from workbench.demo.script_moves import add_grounds
from workbench.demo.speech import place, roughen
from workbench.exceptions import ParameterError

MIN_TURNS, MAX_TURNS = 20, 150
UTTERANCE_COLUMNS = ["clip_id", "utterance_index", "start", "end", "speaker", "role", "text"]
TRUTH_COLUMNS = ["clip_id", "utterance_index", "code_id", "value"]


def clip_id(i: int) -> str:
    """The id of the ``i``-th clip (0-based): ``syn-0001`` …"""
    return f"syn-{i + 1:04d}"


def generate_encounters(n_clips: int = 500, seed: int = 20211, *,
                        ethnic_disparity: Mapping[str, float] | None = None,
                        progress: bool = False) -> list[Encounter]:
    """``n_clips`` encounters with 20–150 recorded turns each.

    ``ethnic_disparity``: odds multipliers of an escalated outcome by self-defined ethnicity
    (e.g. ``{"Black or Black British": 2.0}``); default none (no planted disparity).
    ``progress`` shows a progress bar.
    """
    if not isinstance(n_clips, int) or n_clips < 1:
        raise ParameterError(f"n_clips must be a positive integer, got {n_clips!r}",
                             field="n_clips")
    for group, factor in (ethnic_disparity or {}).items():
        if not factor > 0:
            raise ParameterError(f"odds multiplier for {group!r} must be > 0, got {factor!r}",
                                 field="ethnic_disparity")
    pool = officer_pool(seed)
    fake = Faker("en_GB")
    encounters = []
    children = np.random.SeedSequence(seed).spawn(n_clips)
    for i, child in enumerate(tqdm(children, desc="synthetic clips", disable=not progress)):
        clip_seed = int(child.generate_state(1)[0])
        rng = random.Random(clip_seed)
        fake.seed_instance(clip_seed)
        setting = sample_setting(rng)
        plan = make_plan(rng, setting, ethnic_disparity)
        people = make_people(rng, fake, setting, pool, plan.n_bystanders)
        add_grounds(plan, rng, people.fields)
        for _ in range(50):
            turns = record(Script(plan, rng, people).run(), plan, people, rng)
            if MIN_TURNS <= len(turns) <= MAX_TURNS:
                break
            step = 8 if len(turns) < MIN_TURNS else -15
            plan = dataclasses.replace(plan, length=max(10, plan.length + step))
        else:  # pragma: no cover - the length search always converges in practice
            raise ParameterError(f"clip {clip_id(i)}: could not reach 20–150 turns")
        roughen(turns, rng, setting.audio_quality)
        times = place(turns, rng)
        encounters.append(Encounter(clip_id(i), plan, people, turns, times,
                                    clip_codes(turns, plan)))
    return encounters


def utterance_frame(encounters: Iterable[Encounter]) -> pd.DataFrame:
    """One row per utterance: clip_id, utterance_index (0-based), start, end (s), speaker,
    role, text."""
    rows = [(e.clip_id, i, start, end, t.speaker, t.role, t.text)
            for e in encounters for i, (t, (start, end)) in enumerate(zip(e.turns, e.times,
                                                                          strict=True))]
    return pd.DataFrame(rows, columns=UTTERANCE_COLUMNS)


def truth_frame(encounters: Iterable[Encounter]) -> pd.DataFrame:
    """The ground truth, long: clip_id, utterance_index (Int64; NA for clip codes), code_id,
    value (``present`` for nominal codes, else the option key)."""
    rows: list[tuple[str, int | None, str, str]] = []
    for e in encounters:
        rows += [(e.clip_id, None, code, value) for code, value in e.clip_codes.items()]
        rows += [(e.clip_id, i, code, value)
                 for i, t in enumerate(e.turns) for code, value in sorted(t.codes.items())]
    frame = pd.DataFrame(rows, columns=TRUTH_COLUMNS)
    frame["utterance_index"] = frame["utterance_index"].astype("Int64")
    return frame


def metadata_frame(encounters: Iterable[Encounter]) -> pd.DataFrame:
    """The clip metadata table (standard columns, extras, ``synthetic`` = true)."""
    rows = []
    for e in encounters:
        s = e.plan.setting
        rows.append({
            "clip_id": e.clip_id, "duration": round(e.duration, 3), "borough": s.borough,
            "bcu": s.bcu, "date": s.day.isoformat(), "power": s.power_label,
            "outcome": OUTCOME_LABELS[e.plan.disposal], "ethnicity": s.ethnicity,
            "age_band": s.age_band, "gender": s.gender, "n_officers": s.n_officers,
            "object_sought": s.object_label, "audio_quality": s.audio_quality,
            "lead_officer": e.people.lead.label, "synthetic": "true",
        })
    return pd.DataFrame(rows)


def latent_frame(encounters: Iterable[Encounter]) -> pd.DataFrame:
    """The hidden plan of each clip (what the generator intended), for validating analyses."""
    return pd.DataFrame([{
        "clip_id": e.clip_id, "opening": e.plan.opening, "escalated": e.plan.escalated,
        "intended_trajectory": e.plan.trajectory, "officer_style": e.plan.style,
        "planned_grounds": e.plan.grounds, "n_explain_planned": e.plan.n_explain,
        "peak_resistance": e.plan.peak, "vulnerable": e.plan.vulnerable,
    } for e in encounters])


def planted_details(encounters: Iterable[Encounter]) -> list[PlantedDetail]:
    """Every personal detail on the recordings, with the utterance it is in."""
    return [PlantedDetail(e.clip_id, i, kind, text)
            for e in encounters for i, t in enumerate(e.turns) for kind, text in t.pii]
