"""Benchmark of assisted coding: training the suggestion models, scoring one clip, and markers
over a synthetic archive on a local Dask cluster with 1 and 2 workers.

Prints: seconds to train every code model on the demo's consensus layer (target ≤ 60 s),
milliseconds to suggest for one clip (target ≤ 50 ms), and archive throughput (utterances per
second) and its scaling from 1 to 2 workers, with the machine. The archive repeats the demo's
utterances under new clip ids (``--archive-clips``, default 50,000).

Not yet here: per-code F1 against the demo's ground truth (use
``workbench.assist.cross_validate`` against ``corpus/_truth/codes.csv``).

Run: ``.venv/bin/python bench/assist.py [--project DEMO] [--archive-clips 50000]``
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd

from workbench.assist import score_archive, train


def machine() -> str:
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"machine: {platform.platform()} | {os.cpu_count()} CPUs | load {load} | "
            f"Python {platform.python_version()}")


def _data(project: Path | None, tmp: Path):
    from workbench.demo.project import create_demo_project
    from workbench.project import Project
    from workbench.study.data import load_study_data
    from workbench.study.params import StudyParams

    if project is None:
        project = tmp / "demo"
        create_demo_project(project, n_clips=500, seed=20211, progress=False)
    p = Project.load(project)
    params = StudyParams().resolved(store=p.store_url, codebook=p.codebook)
    return load_study_data(params, codebooks_dir=p.codebooks_dir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=None,
                        help="a demo project folder (default: build the 500-clip demo)")
    parser.add_argument("--archive-clips", type=int, default=50_000)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        data = _data(args.project, tmp)
        u = data.utterances
        start = time.perf_counter()
        models = train(u, data.codes, data.codebook)
        print(f"train: {len(models.models)} models ({len(models.too_few)} too few) on "
              f"{u['clip_id'].nunique()} clips, {len(u)} utterances: "
              f"{time.perf_counter() - start:.1f} s (target ≤ 60 s)")
        clip = u[u["clip_id"] == u["clip_id"].iloc[0]]
        models.suggest(clip)
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            models.suggest(clip)
            runs.append(time.perf_counter() - start)
        print(f"suggest one clip ({len(clip)} utterances): {1000 * min(runs):.0f} ms best of 5 "
              f"(target ≤ 50 ms)")
        n_clips = u["clip_id"].nunique()
        copies = -(-args.archive_clips // n_clips)
        parts = []
        for k in range(copies):
            part = u.copy()
            part["clip_id"] = f"a{k:04d}-" + part["clip_id"].astype(str)
            parts.append(part)
        archive = pd.concat(parts, ignore_index=True)
        keep = sorted(archive["clip_id"].unique())[:args.archive_clips]
        archive = archive[archive["clip_id"].isin(set(keep))]
        archive_dir = tmp / "archive"
        archive_dir.mkdir()
        for i, chunk in enumerate(range(0, len(archive), 200_000)):
            archive.iloc[chunk:chunk + 200_000].to_parquet(archive_dir / f"{i:04d}.parquet")
        rates = {}
        for workers in (1, 2):
            start = time.perf_counter()
            run = score_archive(archive_dir, tmp / f"out{workers}", workers=workers)
            seconds = time.perf_counter() - start
            rates[workers] = run.utterances / seconds
            print(f"archive markers, {workers} worker(s): {len(keep)} clips, {run.utterances} "
                  f"utterances in {seconds:.1f} s = {rates[workers]:.0f} utterances/s")
        print(f"scaling 1 → 2 workers: ×{rates[2] / rates[1]:.2f}")


if __name__ == "__main__":
    main()
