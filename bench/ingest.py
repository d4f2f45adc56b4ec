"""Benchmark: ingest the 500-clip SYNTHETIC demo corpus (mixed formats + metadata) into SQLite.

The corpus is written by ``workbench.demo.build_demo_corpus`` (seeded) into a temporary folder:
WebVTT, SRT, ELAN, CSV and JSON Lines files plus ``metadata.csv``. ``--corpus DIR`` times an
existing folder instead; ``--metadata FILE`` adds its metadata CSV.

Prints the machine, the wall time of reading alone and of the full ingest (read + one store
transaction) — target ≤ 2 s — the time of an idempotent re-ingest, and peak memory: Python
allocations (tracemalloc, on a second fresh store, since tracing slows the run) and the
process's maximum resident set size (getrusage) — target ≤ 500 MB.

Then two generated worst cases of the real-world dialects, each read ≤ 1 s: a YouTube-style
rolling-caption file of 1,000 cues (500 lines typed word by word plus their 10 ms echoes) and an
ELAN file of 2,000 annotations on a speech tier plus dependent and gesture tiers (4,000
annotation elements in all).

    python bench/ingest.py [--clips 500] [--seed 20211] [--corpus DIR [--metadata FILE]]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from workbench.demo.corpus import build_demo_corpus
from workbench.ingest import collect_files, ingest_paths, read_transcript
from workbench.ingest import read_transcript as read_one
from workbench.store import Store, default_sqlite_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=500)
    parser.add_argument("--seed", type=int, default=20211)
    parser.add_argument("--corpus", type=Path, help="time this folder instead of generating")
    parser.add_argument("--metadata", type=Path, help="metadata CSV for --corpus")
    args = parser.parse_args()

    print(f"machine: {platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f} (wall times "
          "on a loaded machine are long; CPU times are this process's own)")
    with tempfile.TemporaryDirectory(prefix="bwv-bench-ingest-") as tmp:
        tmp_dir = Path(tmp)
        if args.corpus:
            corpus, meta = args.corpus, args.metadata
            print(f"corpus: {corpus}")
        else:
            demo = build_demo_corpus(tmp_dir / "corpus", n_clips=args.clips, seed=args.seed)
            corpus, meta = demo.out_dir / "transcripts", demo.metadata_path
            print(f"corpus: SYNTHETIC demo, {args.clips} clips, {len(demo.utterances)} "
                  f"utterances, written in {demo.build_seconds:.1f} s")
        files = collect_files([corpus])
        sizes = {}
        for f in files:
            sizes[f.suffix] = sizes.get(f.suffix, 0) + 1
        print("files: " + ", ".join(f"{n} {ext}" for ext, n in sorted(sizes.items())))

        t0, c0 = time.perf_counter(), time.process_time()
        n_read = sum(len(c.turns) for f in files for c in read_transcript(f))
        read_s = time.perf_counter() - t0
        print(f"read only:        {read_s:6.2f} s  (CPU {time.process_time() - c0:5.2f} s; "
              f"{n_read} utterances)")

        store = Store(default_sqlite_url(tmp_dir / "store.sqlite"))
        t0, c0 = time.perf_counter(), time.process_time()
        report = ingest_paths(store, [corpus], metadata=meta, progress=False)
        ingest_s, ingest_cpu = time.perf_counter() - t0, time.process_time() - c0
        verdict = ("OK" if ingest_s <= 2 else "OK on CPU time (the wall time waited for cores)"
                   if ingest_cpu <= 2 else "OVER TARGET")
        print(f"full ingest:      {ingest_s:6.2f} s  (CPU {ingest_cpu:5.2f} s; "
              f"{len(report.added)} clips added, {report.n_utterances} utterances; "
              f"target ≤ 2 s) {verdict}")
        t0 = time.perf_counter()
        again = ingest_paths(store, [corpus], metadata=meta, progress=False)
        print(f"re-ingest (same): {time.perf_counter() - t0:6.2f} s  "
              f"({len(again.unchanged)} unchanged)")
        store.close()

        traced = Store(default_sqlite_url(tmp_dir / "traced.sqlite"))
        tracemalloc.start()
        ingest_paths(traced, [corpus], metadata=meta, progress=False)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        traced.close()
        _dialect_cases(tmp_dir)
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak Python allocations (tracemalloc, one ingest): {peak / 2**20:6.1f} MB")
    print(f"max resident set size (whole run, getrusage):      {maxrss_mb:6.1f} MB; "
          f"target ≤ 500 MB {'OK' if maxrss_mb <= 500 else 'OVER TARGET'}")


def _rolling_file(path: Path, n_lines: int = 500) -> Path:
    """YouTube-style rolling captions: each line typed (with inline times), then echoed."""
    def ts(ms: int) -> str:
        hours, minutes, seconds = ms // 3_600_000, ms // 60_000 % 60, ms // 1000 % 60
        return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{ms % 1000:03d}"

    parts, t, previous = ["WEBVTT\nKind: captions\nLanguage: en\n"], 0, " "
    for k in range(n_lines):
        words = [f"word{k}x{j}" for j in range(6)]
        typed = words[0] + "".join(f"<{ts(t + 300 * (j + 1))}><c> {w}</c>"
                                   for j, w in enumerate(words[1:]))
        parts.append(f"{ts(t)} --> {ts(t + 2000)} align:start position:0%\n{previous}\n{typed}\n")
        parts.append(f"{ts(t + 2000)} --> {ts(t + 2010)} align:start position:0%\n"
                     f"{' '.join(words)}\n \n")
        previous, t = " ".join(words), t + 2010
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _elan_file(path: Path, n: int = 2000) -> Path:
    """An ELAN file: 2,000 speech annotations, a dependent translation and a gesture tier."""
    slots = "".join(f'<TIME_SLOT TIME_SLOT_ID="ts{i}" TIME_VALUE="{i * 500}"/>\n'
                    for i in range(2 * n + 2))
    speech = "".join(f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a{i}" '
                     f'TIME_SLOT_REF1="ts{2 * i}" TIME_SLOT_REF2="ts{2 * i + 1}">'
                     f"<ANNOTATION_VALUE>utterance number {i}</ANNOTATION_VALUE>"
                     "</ALIGNABLE_ANNOTATION></ANNOTATION>\n" for i in range(n))
    ft = "".join(f'<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="f{i}" ANNOTATION_REF="a{i}">'
                 f"<ANNOTATION_VALUE>translation {i}</ANNOTATION_VALUE></REF_ANNOTATION>"
                 "</ANNOTATION>\n" for i in range(n // 2))
    gestures = "".join(f'<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="g{i}" '
                       f'TIME_SLOT_REF1="ts{2 * i}" TIME_SLOT_REF2="ts{2 * i + 2}">'
                       "<ANNOTATION_VALUE>beat</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION>"
                       "</ANNOTATION>\n" for i in range(n // 2))
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<ANNOTATION_DOCUMENT>\n'
        f'<HEADER TIME_UNITS="milliseconds"/>\n<TIME_ORDER>\n{slots}</TIME_ORDER>\n'
        f'<TIER TIER_ID="PC A" PARTICIPANT="PC A" LINGUISTIC_TYPE_REF="utt">\n{speech}</TIER>\n'
        f'<TIER TIER_ID="ft@PC A" PARENT_REF="PC A" LINGUISTIC_TYPE_REF="assoc">\n{ft}</TIER>\n'
        f'<TIER TIER_ID="gestures" LINGUISTIC_TYPE_REF="gest">\n{gestures}</TIER>\n'
        '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="utt" TIME_ALIGNABLE="true"/>\n'
        '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="assoc" CONSTRAINTS="Symbolic_Association" '
        'TIME_ALIGNABLE="false"/>\n'
        '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="gest" TIME_ALIGNABLE="true" '
        'CONTROLLED_VOCABULARY_REF="Gestures"/>\n</ANNOTATION_DOCUMENT>\n', encoding="utf-8")
    return path


def _dialect_cases(tmp_dir: Path) -> None:
    for label, path, expected in (
            ("rolling captions, 1,000 cues", _rolling_file(tmp_dir / "rolling.vtt"), 500),
            ("ELAN, 2,000 speech annotations", _elan_file(tmp_dir / "big.eaf"), 2000)):
        best, cpu = float("inf"), float("inf")
        for _ in range(3):
            t0, c0 = time.perf_counter(), time.process_time()
            [clip] = read_one(path)
            best = min(best, time.perf_counter() - t0)
            cpu = min(cpu, time.process_time() - c0)
        assert len(clip.turns) == expected, (label, len(clip.turns))
        print(f"{label + ':':34}{best:6.2f} s  (CPU {cpu:5.2f} s; {len(clip.turns)} utterances, "
              f"{clip.dialect}; target ≤ 1 s) {'OK' if best <= 1 else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
