"""Benchmark of the quality review on the 500-clip demo: draw a sample, plan its precision,
re-code it (simulated), sign off and run the report notebook.

Prints, with the machine: seconds to draw a 60-clip audit sample (and to open it: review
assignments and blind scopes), the precision tool for two codes at four sizes, the simulated
blind re-coding, the tables alone (:func:`workbench.review.quality.assess`), and the whole
report (``bwv review report``: papermill notebook, HTML, PDF when Chromium is there).

Run: ``.venv/bin/python bench/quality.py [--clips 500] [--size 60] [--bootstrap 1000]``
(builds the demo in a temporary folder first; that build is not timed).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.demo.project import DEMO_REVIEWER, create_demo_project
from workbench.demo.review import read_truth, simulate_review
from workbench.project import Project
from workbench.review.audit_sample import (
    AuditDesign,
    draw_sample,
    open_review,
    precision_plan,
    sign_off,
)
from workbench.review.quality import assess
from workbench.review.quality_run import QualityParams, run_quality_report
from workbench.store import Store

T = TypeVar("T")
PLAN_CODES = ["esc_command", "pj_explains_action"]
PLAN_SIZES = [30, 60, 90, 120]


def machine() -> str:
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"machine: {platform.platform()} | {os.cpu_count()} CPUs | load {load} | "
            f"Python {platform.python_version()}")


def timed(label: str, action: Callable[[], T]) -> T:
    """Run ``action``, print its wall time (seconds) and return its result."""
    started = time.perf_counter()
    out = action()
    print(f"{label}: {time.perf_counter() - started:.2f} s", flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=500)
    parser.add_argument("--size", type=int, default=60)
    parser.add_argument("--bootstrap", type=int, default=1000)
    args = parser.parse_args()
    print(machine())
    root = Path(tempfile.mkdtemp(prefix="bwv-bench-quality-")) / "demo"
    create_demo_project(root, n_clips=args.clips, progress=False, media_clips=0)
    project = Project.load(root)
    book = project.load_codebook()
    print(f"demo: {args.clips} clips; sample {args.size} clips; {args.bootstrap} resamples")
    with project.open_store() as store:
        design = AuditDesign("B1", size=args.size, stratify=("coder", "period"), seed=1)
        sample = timed("draw the sample", lambda: draw_sample(store, design, book))
        timed("open it (assignments, blind scopes, audited)",
              lambda: open_review(store, sample, [DEMO_REVIEWER], lead=DEMO_REVIEWER))
        plan = timed(f"precision tool ({len(PLAN_CODES)} codes × {len(PLAN_SIZES)} sizes, "
                     f"{args.bootstrap} resamples)",
                     lambda: precision_plan(store, book, PLAN_CODES, sizes=PLAN_SIZES,
                                            n_resamples=args.bootstrap, seed=1))
        for r in plan.itertuples():
            print(f"  {r.code_id} {r.n_clips} clips: predicted width {r.predicted_width:.3f}")
        ref = book.ref
        timed("simulated blind re-coding", lambda: simulate_review(
            store, read_truth(root), "B1", DEMO_REVIEWER, sample.clip_ids,
            (ref.codebook_id, ref.version, ref.hash), seed=1))
    with Store(project.store_url, as_user=DEMO_REVIEWER) as lead:
        sign_off(lead, "B1", lead=DEMO_REVIEWER, statement="Benchmark review.")
    with project.open_store() as store:
        timed("the tables alone (assess)",
              lambda: assess(store, book, "B1", n_resamples=args.bootstrap))
    run = timed("the report (papermill notebook, HTML, PDF, audited)",
                lambda: run_quality_report(QualityParams(
                    "B1", project=str(root), n_resamples=args.bootstrap)))
    print(f"  notebook {run.seconds:.2f} s in all; PDF "
          f"{'written' if run.pdf else 'skipped: ' + run.pdf_skipped}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
