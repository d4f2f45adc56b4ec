"""Benchmark: Krippendorff's alpha with 1,000 bootstrap resamples for every code of a study.

A SYNTHETIC data set shaped like the study: 500 clips × ~60 utterances, 20% of clips double
coded (~6,000 utterances rated by two of six coders), the 24 utterance-level codes of the
stop-search 1.0.0 codebook. To be conservative every code is rated on every double-coded
utterance (in the study, officer codes apply to officer turns only, so fewer units).

Prints the machine, the wall time of alpha + bootstrap intervals for every code (target
≤ 15 s on 2 cores) and the speed of the same alphas against NLTK's AnnotationTask (target
≥ 20× faster), checking that both give the same values. Then, in the same run, the workbench
against the krippendorff package, irrCAC (in a throw-away venv of its own) and NLTK on the
same data as ratios, and ``bwv irr FILE`` end to end against a minimal krippendorff script
(`reliability_peers`).

    python bench/reliability.py [--resamples 1000] [--nltk-codes 24] [--seed 0] [--no-irrcac]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from importlib import metadata
from typing import TypeVar

import numpy as np
import pandas as pd
from nltk.metrics.agreement import AnnotationTask

from workbench.reliability import ReliabilityData, code_report, krippendorff_alpha, variables

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reliability_peers

T = TypeVar("T")

#: code id → (level, categories with the "nothing" value first, probabilities of the truth)
CODES: dict[str, tuple[str, list[str], list[float]]] = {}
for _code in ["pj_invites_account", "pj_explains_action", "pj_courtesy", "pj_disrespect",
              "pj_safety_motive", "pj_protects_dignity", "esc_threat", "esc_accusation",
              "deesc_calm_after_provocation", "deesc_humanises", "deesc_empathy",
              "deesc_reassurance", "deesc_offers_options", "deesc_creates_space",
              "subj_disrespect", "subj_distress", "evt_search_begins", "evt_handcuffs"]:
    CODES[_code] = ("nominal", ["absent", "present"], [0.9, 0.1])
CODES["pj_responds_to_question"] = (
    "nominal", ["absent", "answers", "ignores", "talks_over"], [0.85, 0.1, 0.03, 0.02])
CODES["legal_explanation"] = (
    "nominal", ["absent", "grounds", "object", "identity", "station", "entitlement",
                "legal_power", "detained"], [0.86, 0.03, 0.03, 0.02, 0.02, 0.01, 0.02, 0.01])
CODES["subj_participation"] = (
    "nominal", ["absent", "account", "question", "challenge", "rights_request"],
    [0.8, 0.08, 0.07, 0.04, 0.01])
CODES["esc_command"] = (
    "ordinal", ["none", "softened_request", "bare_order", "repeated_or_shouted"],
    [0.75, 0.12, 0.1, 0.03])
CODES["esc_hostility"] = (
    "ordinal", ["none", "raised_voice", "swearing", "crowding_in"], [0.9, 0.06, 0.03, 0.01])
CODES["subj_resistance"] = (
    "ordinal", ["compliant", "verbal_refusal", "passive", "active", "assaultive"],
    [0.8, 0.1, 0.05, 0.04, 0.01])


def synthetic_study(seed: int) -> tuple[pd.DataFrame, dict[str, str], dict[str, list[str]]]:
    """SYNTHETIC double-coded ratings: long table (unit, code_id, coder_id, value)."""
    rng = np.random.default_rng(seed)
    n_clips = 500
    turns = rng.integers(45, 76, n_clips)  # ~60 utterances a clip
    double = rng.choice(n_clips, size=n_clips // 5, replace=False)
    coders = np.array([f"coder{k}" for k in range(1, 7)])
    units, pairs = [], []
    for clip in sorted(double):
        pair = rng.choice(coders, size=2, replace=False)
        for index in range(turns[clip]):
            units.append(f"clip{clip:03d}:{index}")
            pairs.append(pair)
    units_arr, pairs_arr = np.array(units), np.array(pairs)
    n = len(units_arr)
    frames = []
    for code, (_level, categories, probabilities) in CODES.items():
        truth = rng.choice(len(categories), size=n, p=probabilities)
        accuracy = rng.uniform(0.85, 0.97)
        for side in range(2):
            guess = rng.choice(len(categories), size=n, p=probabilities)
            value = np.where(rng.random(n) < accuracy, truth, guess)
            frames.append(pd.DataFrame({
                "unit": units_arr, "code_id": code, "coder_id": pairs_arr[:, side],
                "value": np.array(categories)[value],
            }))
    long = pd.concat(frames, ignore_index=True)
    levels = {code: spec[0] for code, spec in CODES.items()}
    scales = {code: spec[1] for code, spec in CODES.items()}
    return long, levels, scales


def nltk_task(rows: pd.DataFrame) -> AnnotationTask:
    """NLTK's input for one code (binary distance: nominal alpha)."""
    return AnnotationTask(list(zip(rows["coder_id"], rows["unit"], rows["value"], strict=True)))


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"machine: {platform.platform()} | {platform.processor() or platform.machine()} | "
        f"cpu_count={os.cpu_count()} usable={cores} | load average {load}\n"
        f"python {sys.version.split()[0]} | numpy {np.__version__} | pandas {pd.__version__} | "
        f"krippendorff {metadata.version('krippendorff')} | nltk {metadata.version('nltk')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--nltk-codes", type=int, default=len(CODES),
                        help="how many codes to time with NLTK (time is scaled to all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-irrcac", action="store_true", help="skip the irrCAC column")
    parser.add_argument("--peer-units", type=int, default=30_000)
    args = parser.parse_args()
    print(machine())

    start = time.perf_counter()
    long, levels, scales = synthetic_study(args.seed)
    built = time.perf_counter() - start
    n_units = long["unit"].nunique()
    print(f"SYNTHETIC data: {n_units:,} double-coded utterances, {len(CODES)} codes, "
          f"{len(long):,} ratings (built in {built:.1f} s)")

    start = time.perf_counter()
    report = code_report(long, levels, scales=scales, extras=(), n_resamples=args.resamples,
                         seed=args.seed)
    wall = time.perf_counter() - start
    print(f"alpha + {args.resamples:,} bootstrap resamples for every code: {wall:.2f} s "
          f"(target ≤ 15 s) — {wall / len(CODES) * 1000:.0f} ms a code, "
          "long table → report included")
    start = time.perf_counter()
    code_report(long, levels, scales=scales, n_resamples=args.resamples, seed=args.seed)
    full = time.perf_counter() - start
    print(f"  the full code report (adds kappa, percent agreement, AC1, AC2, Brennan–Prediger): "
          f"{full:.2f} s")
    worst = report.iloc[0]
    print(f"  worst code: {worst['code_id']} alpha {worst['estimate']:.3f} "
          f"[{worst['ci_low']:.3f}, {worst['ci_high']:.3f}] {worst['verdict']}")

    # the same alphas: workbench (krippendorff on value counts) against NLTK AnnotationTask
    timed = list(CODES)[: args.nltk_codes]
    scale_up = len(CODES) / len(timed)
    scaled = "" if len(timed) == len(CODES) else f" (NLTK timed on {len(timed)} codes, scaled)"
    build_ours, datas = best_of(5, lambda: dict(variables(long, levels, scales)))
    alpha_ours, ours = best_of(
        10, lambda: {c: krippendorff_alpha(uncached(d)) for c, d in datas.items()}
    )
    groups = dict(tuple(long.groupby("code_id")))
    build_nltk, tasks = best_of(3, lambda: {c: nltk_task(groups[c]) for c in timed})
    alpha_nltk, theirs = best_of(3, lambda: {c: t.alpha() for c, t in tasks.items()})
    build_nltk, alpha_nltk = build_nltk * scale_up, alpha_nltk * scale_up
    print(f"alpha point estimates for all {len(CODES)} codes (shortest of 5–10 runs for the "
          f"workbench, 3 for NLTK){scaled}:")
    print(f"  computing alpha (value counts included): workbench {alpha_ours * 1000:.0f} ms, "
          f"NLTK {alpha_nltk * 1000:.0f} ms → {alpha_nltk / alpha_ours:.0f}× faster "
          "(target ≥ 20×)")
    end_ours, end_nltk = build_ours + alpha_ours, build_nltk + alpha_nltk
    print(f"  from the long table (building the inputs included): workbench "
          f"{end_ours * 1000:.0f} ms, NLTK {end_nltk * 1000:.0f} ms → "
          f"{end_nltk / end_ours:.1f}× faster")
    compared = [c for c in timed if levels[c] == "nominal"]
    gap = max(abs(ours[c] - theirs[c]) for c in compared)
    print(f"  largest |difference| from NLTK over {len(compared)} nominal codes: {gap:.1e} "
          "(ordinal codes timed only: NLTK has no ordinal metric)")
    reliability_peers.peers(args.peer_units, 3_000, not args.no_irrcac, fresh=False)
    reliability_peers.end_to_end(args.peer_units)


def uncached(data: ReliabilityData) -> ReliabilityData:
    """Forget the value counts computed by an earlier run, so that each run counts them."""
    for name in ("value_counts", "ratings_per_unit"):
        data.__dict__.pop(name, None)
    return data


def best_of(repeats: int, work: Callable[[], T]) -> tuple[float, T]:
    """Shortest wall time of ``repeats`` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result  # type: ignore[return-value]


if __name__ == "__main__":
    main()
