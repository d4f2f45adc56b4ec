"""Benchmark: ingest the 500-clip SYNTHETIC demo corpus (mixed formats + metadata) into SQLite.

The corpus is written by ``workbench.demo.build_demo_corpus`` (seeded) into a temporary folder:
WebVTT, SRT, ELAN, CSV and JSON Lines files plus ``metadata.csv``. ``--corpus DIR`` times an
existing folder instead; ``--metadata FILE`` adds its metadata CSV.

Prints the machine, the wall time of reading alone and of the full ingest (read + one store
transaction) — target ≤ 10 s — the time of an idempotent re-ingest, and peak memory: Python
allocations (tracemalloc, on a second fresh store, since tracing slows the run) and the
process's maximum resident set size (getrusage) — target ≤ 500 MB.

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
from workbench.store import Store, default_sqlite_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=500)
    parser.add_argument("--seed", type=int, default=20211)
    parser.add_argument("--corpus", type=Path, help="time this folder instead of generating")
    parser.add_argument("--metadata", type=Path, help="metadata CSV for --corpus")
    args = parser.parse_args()

    print(f"machine: {platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]}")
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

        t0 = time.perf_counter()
        n_read = sum(len(c.turns) for f in files for c in read_transcript(f))
        read_s = time.perf_counter() - t0
        print(f"read only:        {read_s:6.2f} s  ({n_read} utterances)")

        store = Store(default_sqlite_url(tmp_dir / "store.sqlite"))
        t0 = time.perf_counter()
        report = ingest_paths(store, [corpus], metadata=meta, progress=False)
        ingest_s = time.perf_counter() - t0
        print(f"full ingest:      {ingest_s:6.2f} s  ({len(report.added)} clips added, "
              f"{report.n_utterances} utterances; target ≤ 10 s) "
              f"{'OK' if ingest_s <= 10 else 'OVER TARGET'}")
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
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"peak Python allocations (tracemalloc, one ingest): {peak / 2**20:6.1f} MB")
    print(f"max resident set size (whole run, getrusage):      {maxrss_mb:6.1f} MB; "
          f"target ≤ 500 MB {'OK' if maxrss_mb <= 500 else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
