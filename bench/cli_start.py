"""Benchmark: CLI start — ``import workbench.cli`` and ``bwv --help`` (target under 1 s).

Each in a fresh subprocess, shortest of 5 runs; prints the machine and which heavy libraries
the import loaded (none expected: pandas, SQLAlchemy, scikit-learn, statsmodels, matplotlib).

    python bench/cli_start.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HEAVY = ["pandas", "sqlalchemy", "sklearn", "statsmodels", "matplotlib", "scipy", "numpy"]


def shortest(command: list[str], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {platform.platform()} | cpu_count={os.cpu_count()} | load {load} | "
          f"python {sys.version.split()[0]}")
    bare = shortest([sys.executable, "-c", "pass"], args.repeats)
    imported = shortest([sys.executable, "-c", "import workbench.cli"], args.repeats)
    bwv = str(Path(sys.executable).with_name("bwv"))
    help_time = shortest([bwv, "--help"], args.repeats)
    probe = ("import sys, json, workbench.cli; "
             f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    heavy = json.loads(subprocess.run([sys.executable, "-c", probe], check=True,
                                      capture_output=True, text=True).stdout)
    print(f"python -c pass: {bare:.3f} s")
    print(f"python -c 'import workbench.cli': {imported:.3f} s (heavy modules loaded: "
          f"{', '.join(heavy) or 'none'})")
    print(f"bwv --help: {help_time:.3f} s (target < 1 s: {'met' if help_time < 1 else 'MISSED'})")


if __name__ == "__main__":
    main()
