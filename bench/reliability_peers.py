"""Benchmark: the workbench against its peers on the same SYNTHETIC data, as ratios.

Peers: the ``krippendorff`` package, NLTK's AnnotationTask and irrCAC. irrCAC pins old scipy and
numpy, so it is installed only here, in a throw-away venv of its own (bench/.venv-irrcac,
made on first use; ``--fresh-irrcac`` remakes it); if the install fails its column is skipped
with the reason. Also ``bwv irr FILE`` end to end (a subprocess, start-up included) against a
minimal script that reads the same CSV and calls the krippendorff package.

    python bench/reliability_peers.py [--units 30000] [--nltk-units 3000] [--no-irrcac]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
from nltk.metrics.agreement import AnnotationTask
from nltk.metrics.distance import binary_distance, interval_distance

from workbench.reliability import (
    ReliabilityData,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
)

BENCH = Path(__file__).resolve().parent
IRRCAC_VENV = BENCH / ".venv-irrcac"
IRRCAC_SCRIPT = """
import json, sys, time, warnings
import numpy as np, pandas as pd
from irrCAC.raw import CAC
warnings.simplefilter("ignore")
matrix = np.load(sys.argv[1])
out = {}
for level, weights in (("nominal", "identity"), ("interval", "quadratic")):
    frame = pd.DataFrame(matrix)
    start = time.perf_counter()
    cac = CAC(frame, weights=weights)
    alpha = cac.krippendorff()["est"]["coefficient_value"]
    out[level] = {"alpha": alpha, "alpha_s": time.perf_counter() - start}
    if level == "nominal":
        start = time.perf_counter()
        out[level]["fleiss"] = CAC(frame).fleiss()["est"]["coefficient_value"]
        out[level]["fleiss_s"] = time.perf_counter() - start
        start = time.perf_counter()
        out[level]["ac1"] = CAC(frame).gwet()["est"]["coefficient_value"]
        out[level]["ac1_s"] = time.perf_counter() - start
print(json.dumps(out))
"""
MINIMAL_SCRIPT = """
import csv, sys
import numpy as np, krippendorff
units, coders, cells = {}, {}, []
with open(sys.argv[1], newline="") as handle:
    for row in csv.DictReader(handle):
        u = units.setdefault(row["unit"], len(units))
        c = coders.setdefault(row["coder"], len(coders))
        cells.append((c, u, float(row["value"])))
data = np.full((len(coders), len(units)), np.nan)
for c, u, v in cells:
    data[c, u] = v
print(krippendorff.alpha(reliability_data=data, level_of_measurement=sys.argv[2]))
"""


def ratings(n_units: int, n_coders: int = 3, q: int = 5, seed: int = 0) -> np.ndarray:
    """SYNTHETIC units × coders ratings 1..q, coders agree ~70%, 10% missing (NaN)."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, q + 1, n_units)
    noise = rng.integers(1, q + 1, (n_units, n_coders))
    out = np.where(rng.random((n_units, n_coders)) < 0.7, truth[:, None], noise).astype(float)
    out[rng.random(out.shape) < 0.1] = np.nan
    return out


def best_of(repeats: int, work: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def ours(matrix: np.ndarray, level: str, function: Callable[..., float] = krippendorff_alpha
         ) -> float:
    """The workbench from a units × coders array: building the data included."""
    return function(ReliabilityData.from_matrix(matrix, level))


def nltk_alpha(matrix: np.ndarray, level: str) -> float:
    triples = [(f"c{j}", f"u{i}", float(matrix[i, j])) for i in range(len(matrix))
               for j in range(matrix.shape[1]) if not np.isnan(matrix[i, j])]
    distance = binary_distance if level == "nominal" else interval_distance
    return AnnotationTask(triples, distance=distance).alpha()


def irrcac_python(fresh: bool) -> tuple[Path | None, str]:
    """The irrCAC venv's python, made on first use; (None, reason) if it cannot be made."""
    python = IRRCAC_VENV / "bin" / "python"
    if fresh and IRRCAC_VENV.exists():
        shutil.rmtree(IRRCAC_VENV)
    if python.exists():
        return python, "reused"
    try:
        subprocess.run([sys.executable, "-m", "venv", str(IRRCAC_VENV)], check=True,
                       capture_output=True, timeout=300)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "irrCAC==0.4.4"],
                       check=True, capture_output=True, timeout=900, text=True)
    except (subprocess.SubprocessError, OSError) as error:
        detail = getattr(error, "stderr", "") or str(error)
        shutil.rmtree(IRRCAC_VENV, ignore_errors=True)
        return None, f"install failed: {detail.strip().splitlines()[-1] if detail else error}"
    return python, "installed"


def run_irrcac(python: Path, matrix: np.ndarray) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ratings.npy"
        np.save(path, matrix)
        out = subprocess.run([str(python), "-c", IRRCAC_SCRIPT, str(path)], check=True,
                             capture_output=True, text=True, timeout=3600)
    return json.loads(out.stdout.strip().splitlines()[-1])


def ratio(theirs: float, mine: float) -> str:
    return f"{theirs / mine:.1f}×"


def peers(n_units: int, nltk_units: int, use_irrcac: bool, fresh: bool) -> None:
    matrix = ratings(n_units)
    small = matrix[:nltk_units]
    print(f"\nSYNTHETIC ratings: {n_units:,} units × 3 coders, values 1–5, 10% missing; "
          f"NLTK on the first {nltk_units:,} units. Times: shortest of 3 runs, building the "
          "inputs from a units × coders array included. Ratio = peer time / workbench time "
          "(above 1: the workbench is faster).")
    python, how = (irrcac_python(fresh) if use_irrcac else (None, "skipped (--no-irrcac)"))
    cac = run_irrcac(python, matrix) if python else None
    if python is None:
        print(f"  irrCAC: column skipped — {how}")
    else:
        print(f"  irrCAC 0.4.4 in {IRRCAC_VENV} ({how}); it prints 5 decimals")
    header = f"  {'coefficient':<28}{'workbench':>11}{'krippendorff':>14}{'irrCAC':>10}{'NLTK':>10}"
    print(header)
    for level in ("nominal", "interval"):
        t_ours, v_ours = best_of(3, lambda lv=level: ours(matrix, lv))
        t_k, v_k = best_of(3, lambda lv=level: krippendorff.alpha(
            reliability_data=matrix.T, level_of_measurement=lv))
        t_small, v_small = best_of(3, lambda lv=level: ours(small, lv))
        t_n, v_n = best_of(1, lambda lv=level: nltk_alpha(small, lv))
        irr = ratio(cac[level]["alpha_s"], t_ours) if cac else "–"
        print(f"  {'alpha ' + level:<28}{t_ours * 1000:>9.0f}ms{ratio(t_k, t_ours):>14}"
              f"{irr:>10}{ratio(t_n, t_small):>10}")
        gaps = [f"krippendorff {abs(v_ours - v_k):.1e}", f"NLTK {abs(v_small - v_n):.1e}"]
        if cac:
            gaps.append(f"irrCAC {abs(v_ours - cac[level]['alpha']):.1e}")
        print(f"    |difference| of the values: {', '.join(gaps)}")
    for name, function, key in (("Fleiss' kappa (nominal)", fleiss_kappa, "fleiss"),
                                ("Gwet's AC1 (nominal)", gwet_ac1, "ac1")):
        t_ours, v_ours = best_of(3, lambda f=function: ours(matrix, "nominal", f))
        irr = ratio(cac["nominal"][f"{key}_s"], t_ours) if cac else "–"
        gap = f"  (|difference| irrCAC {abs(v_ours - cac['nominal'][key]):.1e})" if cac else ""
        print(f"  {name:<28}{t_ours * 1000:>9.0f}ms{'–':>14}{irr:>10}{'–':>10}{gap}")


def end_to_end(n_units: int) -> None:
    matrix = ratings(n_units, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ratings.csv"
        with path.open("w") as handle:
            handle.write("unit,coder,value\n")
            for i, row in enumerate(matrix):
                for j, value in enumerate(row):
                    if not np.isnan(value):
                        handle.write(f"u{i},c{j},{int(value)}\n")
        size = path.stat().st_size
        bwv = [str(Path(sys.executable).with_name("bwv")), "irr", str(path), "--level",
               "nominal", "--format", "json"]
        script = [sys.executable, "-c", MINIMAL_SCRIPT, str(path), "nominal"]

        def run(command: list[str]) -> str:
            return subprocess.run(command, check=True, capture_output=True, text=True).stdout

        t_script, out_script = best_of(3, lambda: run(script))
        t_zero, out_zero = best_of(3, lambda: run([*bwv, "--bootstrap", "0"]))
        t_full, _ = best_of(1, lambda: run([*bwv, "--bootstrap", "1000"]))
    alpha = json.loads(out_zero)["coefficients"]["krippendorff_alpha"]["estimate"]
    print(f"\n`bwv irr FILE` end to end on {n_units:,} units × 3 coders ({size / 1e6:.1f} MB "
          "CSV, subprocess, start-up included; shortest of 3):")
    print(f"  minimal script (csv module + krippendorff.alpha): {t_script:.2f} s")
    print(f"  bwv irr --bootstrap 0 (5 coefficients, checks, definitions): {t_zero:.2f} s "
          f"→ {t_zero / t_script:.2f}× the script's time")
    print(f"  bwv irr --bootstrap 1000 (with every interval): {t_full:.2f} s")
    print(f"  same alpha: |difference| {abs(alpha - float(out_script)):.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=30_000)
    parser.add_argument("--nltk-units", type=int, default=3_000)
    parser.add_argument("--cli-units", type=int, default=30_000)
    parser.add_argument("--no-irrcac", action="store_true")
    parser.add_argument("--fresh-irrcac", action="store_true")
    args = parser.parse_args()
    peers(args.units, args.nltk_units, not args.no_irrcac, args.fresh_irrcac)
    end_to_end(args.cli_units)


if __name__ == "__main__":
    main()
