"""Benchmark: the whole study pipeline on the synthetic demo (500 clips) and a 5,000-clip corpus.

    python bench/study.py [--clips 500] [--large 5000] [--cores 2] [--workdir DIR]

1. The demo: ``bwv demo`` (:func:`create_demo_project`: corpus files, ingest, simulated coders,
   adjudication) with ``--clips`` clips.
2. Scaling: two SYNTHETIC corpora of ``--clips`` and ``--large`` clips built the same quick way
   (generator → store directly; consensus = the generator's ground truth; two simulated coders
   on a 20% overlap sample), because the full demo build is slow at 5,000 clips.

Building is not timed. Each study runs as ``bwv study run`` would, in a fresh process pinned
to ``--cores`` CPUs. The demo runs twice, side by side: sequential (``--jobs 1``: one kernel,
notebooks one after the other) and parallel (``--jobs`` = ``--cores``: one kernel per worker);
reported: wall time, the speed-up, and peak resident memory of the whole process tree (runner
plus kernels, sampled every 0.2 s with psutil). The PDF (Chromium) is timed on its own.
CPU seconds (runner and kernels) are printed too: on a shared machine they, not the wall
time, say what the run costs; so are the load average before each run, the rounds of the
run's disclosure audit (sections run again) and ``bwv --help`` (shortest of 3, target
< 1 s). Targets: the demo in ≤ 30 s on 2 cores and ≤ 1.5 GB; time
growing no worse than linearly with the number of clips (ratio of wall times ≤ ratio of
sizes).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TARGET_SECONDS = 30.0
TARGET_MB = 1536.0


def machine() -> str:
    """CPU model, CPUs usable, memory, Python and OS, in one line."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.1f} GiB RAM"
    except (ValueError, OSError):
        memory = "RAM unknown"
    return (f"{model}; {os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable); {memory}; "
            f"Python {platform.python_version()}; {platform.platform()}")


def build(folder: Path, n_clips: int) -> float:
    """Build the demo project (``bwv demo``) in a separate process; seconds."""
    started = time.perf_counter()
    code = ("from workbench.demo.project import create_demo_project; "
            f"print(create_demo_project({str(folder)!r}, n_clips={n_clips}, progress=False))")
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def built(folder: Path, n_clips: int, builder: Callable[[Path, int], float]) -> float:
    """Seconds ``builder`` took to make the project in ``folder``; 0 when one is there."""
    return 0.0 if (folder / "bwv.yaml").exists() else builder(folder, n_clips)


def build_quick(folder: Path, n_clips: int, seed: int = 20211) -> float:
    """A SYNTHETIC project straight from the generator, in a separate process; seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--quick-build", str(folder), "--clips",
                    str(n_clips), "--seed", str(seed)], check=True)
    return time.perf_counter() - started


def _quick_build(folder: Path, n_clips: int, seed: int) -> None:
    import pandas as pd

    from workbench.codebook import load_ref, register_codebook
    from workbench.demo import (
        generate_encounters,
        metadata_frame,
        simulate_coding,
        truth_frame,
        utterance_frame,
    )
    from workbench.ingest.batch import content_hash
    from workbench.model import (
        CLIP_METADATA_FIELDS,
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

    encounters = generate_encounters(n_clips, seed)
    meta, utts, truth = (metadata_frame(encounters), utterance_frame(encounters),
                         truth_frame(encounters))
    project = Project.init(folder)
    codebook = load_ref(project.codebook, project.codebooks_dir)
    ref = codebook.ref
    turns_by_clip = {k: g for k, g in utts.groupby("clip_id", sort=False)}
    overlap = set(meta["clip_id"].sample(frac=0.2, random_state=seed))
    coders = {c: ["c01", "c02"] if c in overlap else ["c01" if i % 2 else "c02"]
              for i, c in enumerate(meta["clip_id"])}
    coded = simulate_coding(truth, utts[["clip_id", "utterance_index", "role"]],
                            ["c01", "c02"], clip_assignment=coders, seed=seed)

    def annotation(r: object, coder: str, layer: Layer) -> Annotation:
        index = None if pd.isna(r.utterance_index) else int(r.utterance_index)
        return Annotation(r.clip_id, index, r.code_id, str(r.value), coder, ref.codebook_id,
                          ref.version, ref.hash, layer=layer)

    with project.open_store() as store, store.bulk():
        register_codebook(store, codebook)
        for coder in ("c01", "c02"):
            store.add_coder(Coder(coder, f"Simulated coder {coder}"))
        for row in meta.to_dict("records"):
            turns = [Utterance(t.clip_id, int(t.utterance_index), float(t.start), float(t.end),
                               t.speaker, Role(t.role), t.text)
                     for t in turns_by_clip[row["clip_id"]].itertuples()]
            extra = {k: v for k, v in row.items()
                     if k not in (*CLIP_METADATA_FIELDS, "clip_id", "duration", "synthetic")}
            fields = {k: row[k] for k in CLIP_METADATA_FIELDS}
            fields["date"] = dt.date.fromisoformat(fields["date"])
            store.put_clip(Clip(row["clip_id"], f"{row['clip_id']}.vtt",
                                duration=row["duration"], extra=extra, synthetic=True,
                                **fields), turns, content_hash(turns))
        store.add_annotations([annotation(r, "consensus", Layer.CONSENSUS)
                               for r in truth.itertuples(index=False)])
        store.add_annotations([annotation(r, r.coder_id, Layer.CODER)
                               for r in coded.itertuples(index=False)])
        store.assign([Assignment(c, coder, reliability=c in overlap,
                                 status=AssignmentStatus.DONE)
                      for c, names in coders.items() for coder in names])


class TreeMemory:
    """Peak resident memory (MB) of this process and all its children, sampled."""

    def __init__(self, every: float = 0.2) -> None:
        import threading

        self.peak = 0.0
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        import psutil

        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += proc.memory_info().rss
            self.peak = max(self.peak, total / 2**20)
            self._stop.wait(self._every)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure(project: Path, cores: int, jobs: int) -> dict[str, object]:
    """Run the study in this process (called in a child: ``--measure``) and report figures."""
    cpus = sorted(os.sched_getaffinity(0))[:cores]
    os.sched_setaffinity(0, cpus)
    from workbench.study.report import write_report_pdf
    from workbench.study.runner import run_study

    with TreeMemory() as memory:
        started = time.perf_counter()
        result = run_study(None, project=project, run_name=f"bench-j{jobs}", overwrite=True,
                           progress=False, jobs=jobs, pdf=False)
        wall = time.perf_counter() - started
    used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    cpu = sum(u.ru_utime + u.ru_stime for u in used)  # runner + its (finished) kernels
    tick = time.perf_counter()
    pdf, skipped = write_report_pdf(result.report)
    pdf_s = time.perf_counter() - tick
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    record = json.loads(result.provenance.read_text())
    notebooks = record["notebooks"]
    audit = record.get("disclosure_audit", {})
    return {"audit_rounds": len(audit.get("rounds", [])),
            "audit_sections": sorted({s for r in audit.get("rounds", [])
                                      for s in r["sections"]}),
            "imposed_cells": audit.get("imposed_cells", 0), "wall_s": wall, "cpu_s": cpu,
            "runner_mb": own,
            "peak_mb": max(memory.peak, own), "cpus": cpus,
            "jobs": jobs, "report": str(result.report), "notebooks": notebooks,
            "pdf_s": pdf_s if pdf else None, "pdf_skipped": skipped}


def run_measured(project: Path, cores: int, jobs: int | None = None) -> dict[str, object]:
    print(f"  (load average before: {', '.join(f'{x:.1f}' for x in os.getloadavg())})")
    done = subprocess.run([sys.executable, __file__, "--measure", str(project), "--cores",
                           str(cores), "--jobs", str(jobs or cores)], check=True,
                          capture_output=True, text=True, cwd=project)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=500)
    parser.add_argument("--large", type=int, default=5000, help="0: skip the scaling runs")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the projects here (default: a temporary folder)")
    parser.add_argument("--seed", type=int, default=20211, help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--quick-build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.cores, args.jobs or args.cores)))
        return
    if args.quick_build is not None:
        _quick_build(args.quick_build, args.clips, args.seed)
        return
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="bwv-bench-study-") as scratch:
        root = args.workdir or Path(scratch)
        folder = root / f"demo-{args.clips}"
        seconds = built(folder, args.clips, build)
        print(f"\ndemo project, {args.clips} clips: built in {seconds:.0f} s (not timed)")
        print("  sequential (--jobs 1):")
        sequential = report(run_measured(folder, args.cores, jobs=1))
        print(f"  parallel (--jobs {args.cores}):")
        demo = report(run_measured(folder, args.cores, jobs=args.cores))
        print(f"\n{'demo study':<22}{'sequential':>12}{'parallel':>12}\n"
              f"{'wall (s)':<22}{sequential['wall_s']:>12.1f}{demo['wall_s']:>12.1f}\n"
              f"{'CPU (s)':<22}{sequential['cpu_s']:>12.1f}{demo['cpu_s']:>12.1f}\n"
              f"{'peak memory (MB)':<22}{sequential['peak_mb']:>12.0f}{demo['peak_mb']:>12.0f}"
              f"\nspeed-up: {sequential['wall_s'] / demo['wall_s']:.2f}× with "
              f"{args.cores} workers on {args.cores} cores")
        print(f"PDF (Chromium): {demo['pdf_s']:.1f} s" if demo["pdf_s"] is not None
              else demo["pdf_skipped"])
        help_s = help_time()
        print(f"bwv --help: {help_s:.2f} s (shortest of 3; target < 1 s: "
              f"{'met' if help_s < 1 else 'MISSED'})")
        results = {}
        for n in (args.clips, args.large) if args.large > 0 else ():
            folder = root / f"quick-{n}"
            seconds = built(folder, n, build_quick)
            print(f"\nquick project, {n} clips: built in {seconds:.0f} s (not timed)")
            results[n] = report(run_measured(folder, args.cores))
    print(f"\ndemo, {args.clips} clips: {demo['wall_s']:.1f} s (target ≤ {TARGET_SECONDS:.0f} s:"
          f" {'met' if demo['wall_s'] <= TARGET_SECONDS else 'MISSED'}), "
          f"{demo['peak_mb']:.0f} MB (target ≤ {TARGET_MB:.0f} MB: "
          f"{'met' if demo['peak_mb'] <= TARGET_MB else 'MISSED'})")
    if not results:
        return
    small, large = results[args.clips], results[args.large]
    ratio = large["wall_s"] / small["wall_s"]
    size_ratio = args.large / args.clips
    print(f"scaling: {small['wall_s']:.1f} s for {args.clips} clips, {large['wall_s']:.1f} s "
          f"({large['peak_mb']:.0f} MB) for {args.large}: ratio {ratio:.2f} for "
          f"{size_ratio:.0f}× the clips (linear or better: "
          f"{'yes' if ratio <= size_ratio else 'NO'}); "
          f"{1000 * small['wall_s'] / args.clips:.0f} vs "
          f"{1000 * large['wall_s'] / args.large:.0f} ms per clip")


def help_time(repeats: int = 3) -> float:
    """Shortest wall time of ``bwv --help`` in a fresh process (seconds)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from cli_start import shortest

    return shortest([str(Path(sys.executable).with_name("bwv")), "--help"], repeats)


def report(figures: dict) -> dict:
    """Print one study's figures; return them."""
    print(f"  study: {figures['wall_s']:.1f} s wall ({figures['cpu_s']:.1f} s CPU) on CPUs "
          f"{figures['cpus']}, "
          f"{figures['jobs']} worker(s); peak RSS of runner and kernels "
          f"{figures['peak_mb']:.0f} MB (runner alone {figures['runner_mb']:.0f} MB)")
    slowest = sorted(figures["notebooks"], key=lambda x: -x["seconds"])[:3]
    print("  slowest notebooks: " + ", ".join(f"{x['notebook']} {x['seconds']:.1f} s"
                                             for x in slowest))
    print(f"  run's disclosure audit: {figures['audit_rounds']} round(s) of further "
          f"suppression ({figures['imposed_cells']} cells; sections run again: "
          f"{', '.join(figures['audit_sections']) or 'none'})")
    return figures


if __name__ == "__main__":
    main()
