"""Benchmark of active learning on the demo: coded clips each strategy needs to reach a target F1.

Replays coding on the 500-clip demo's consensus layer with
:func:`workbench.assist.active.simulate`: ``--start`` random clips first, then ``--batch``
clips at a time chosen by uncertainty, by uncertainty with diversity, or at random, until the
pool is coded. Prints the mean F1 (over ``--keys``) by coded clips per strategy, the clips
each needs to reach the target (default: 95% of the F1 with the whole pool coded), the
seconds taken, and the machine. Both schemes are run: ``held_out`` (clips and demo phrase
templates held out — the figure that counts) and ``within`` templates.

Run: ``.venv/bin/python bench/assist_active.py [--project DEMO] [--repeats 3]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd

from bench.assist import demo_data, machine  # the same machine line and demo data
from workbench.assist.active import simulate

KEYS = "pj_courtesy,esc_command=bare_order,pj_explains_action,deesc_reassurance,esc_threat"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=None,
                        help="a demo project folder (default: build the 500-clip demo)")
    parser.add_argument("--keys", default=KEYS, help="targets whose mean F1 is tracked")
    parser.add_argument("--start", type=int, default=20)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--max-clips", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--schemes", default="held_out,within")
    args = parser.parse_args()
    print(machine())
    pd.set_option("display.width", 160)
    with tempfile.TemporaryDirectory() as tmp_name:
        data = demo_data(args.project, Path(tmp_name))
        keys = [k for k in args.keys.split(",") if k]
        for scheme in args.schemes.split(","):
            t0 = time.perf_counter()
            sim = simulate(data.utterances, data.codes, data.codebook, keys=keys,
                           start=args.start, batch=args.batch, max_clips=args.max_clips,
                           scheme=scheme, repeats=args.repeats)
            seconds = time.perf_counter() - t0
            print(f"\n== scheme {scheme}: mean F1 of {', '.join(keys)} "
                  f"({args.repeats} repeats; {seconds:.0f} s)")
            print(sim.curves.pivot(index="n_clips", columns="strategy", values="f1")
                  .round(3).to_string())
            print("\ncoded clips needed to reach the target:")
            print(sim.needed.round(3).to_string(index=False))


if __name__ == "__main__":
    main()
