"""Benchmark: the disclosure audit of the prevalence tables under hostile parameters, solved
with warm HiGHS programmes (the default) and with cold ones, side by side.

    python bench/disclosure.py [--clips 500] [--groups borough] [--threshold 5] [--workdir DIR]

A SYNTHETIC project is built straight from the generator (as ``bench/study.py --large``
does; not timed). Then section ``03_prevalence`` registers its overall table and one
"prevalence by group" table per ``--groups`` variable, with a small-cells waiver and
``--threshold`` (32 boroughs at threshold 5: small groups, many small cells, one large
linked programme), twice in this process: solved by
:class:`workbench.privacy.programmes.Programme` (one HiGHS model kept between objectives,
primal simplex from the last basis) and by
:class:`~workbench.privacy.programmes.ColdProgramme` (``scipy.optimize.milp`` from scratch
each time, as before). Printed: the machine, seconds for each (registering = the section's
audit with its secondary suppression), the linear programmes solved, the speed-up, and
whether both published the same tables byte for byte (they must: the audit's answers are
exact either way).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from study import build_quick, built, machine  # noqa: E402  (bench/study.py)

HOSTILE = ("disclosure_threshold: {threshold}\nallow_small_cells: true\n"
           "small_cells_reason: benchmark of the disclosure audit with small groups\n"
           "group_by: [{groups}]\n")


def register(project: Path, params: Path, run_dir: Path, kind: str,
             counter: SolveCounter) -> dict[str, float]:
    """Register the prevalence tables with ``kind`` programmes; seconds and solves."""
    from workbench.analysis import prevalence_table
    from workbench.privacy import programmes
    from workbench.study import counts, open_study
    from workbench.study.summaries import option_lines

    study = open_study("03_prevalence", "Prevalence of codes", params_path=params,
                       project=project, run_dir=run_dir)
    data, out = study.data, study.out
    protect = counts("clips_with", base="clips",
                     values=["pct", "pct_low", "pct_high", "turns", "coded_turns",
                             "rate_per_100_turns"],
                     count_lines=[["code_id", "value"], ["group", "options_line"]],
                     base_lines=[["code_id", "value"]], population=["group_var:group"],
                     level="code_id:value", level_when="unit=clip")
    tables = {"prevalence_overall": ("Prevalence of every code", prevalence_table(
        data.clips, data.utterances, data.codes))}
    for group in study.params.group_by:
        tables[f"prevalence_by_{group}"] = (
            f"Prevalence of every code by {out.labels.phrase(group)}",
            prevalence_table(data.clips, data.utterances, data.codes, group=group))
    before = counter.count
    started = time.perf_counter()
    with programmes.solving_with(kind):
        for name, (title, table) in tables.items():
            out.table(name, option_lines(table), title=title, protect=protect,
                      drop=["options_line"], keys=[])
    return {"seconds": time.perf_counter() - started, "solves": counter.count - before}


class SolveCounter:
    """Counts calls of both programmes' ``minimise`` (wrapped once, for this process)."""

    def __init__(self) -> None:
        from workbench.privacy import programmes

        self.count = 0
        for cls in (programmes.Programme, programmes.ColdProgramme):
            original = cls.minimise

            def minimise(programme: object, c: object, _original: object = original) -> object:
                self.count += 1
                return _original(programme, c)  # type: ignore[operator]

            cls.minimise = minimise  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=500)
    parser.add_argument("--groups", default="borough",
                        help="comma-separated group_by variables (default: borough)")
    parser.add_argument("--threshold", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the project here (default: a temporary folder)")
    args = parser.parse_args()
    print(f"machine: {machine()}; load {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="bwv-bench-disclosure-") as scratch:
        root = args.workdir or Path(scratch)
        project = root / f"quick-{args.clips}"
        seconds = built(project, args.clips, build_quick)
        print(f"SYNTHETIC project, {args.clips} clips: built in {seconds:.0f} s (not timed)")
        params = root / "hostile.yaml"
        params.write_text(HOSTILE.format(threshold=args.threshold,
                                         groups=", ".join(args.groups.split(","))),
                          encoding="utf-8")
        counter = SolveCounter()
        figures = {kind: register(project, params, root / f"run-{kind}", kind, counter)
                   for kind in ("warm", "cold")}
        tables = sorted(p.name for p in (root / "run-warm" / "tables").glob("*.csv"))
        same = all(filecmp.cmp(root / "run-warm" / "tables" / t,
                               root / "run-cold" / "tables" / t, shallow=False)
                   for t in tables)
    print(f"\nsection audit of the prevalence tables (group_by: {args.groups}; threshold "
          f"{args.threshold}; {len(tables)} tables)")
    print(f"{'':<28}{'warm HiGHS':>12}{'cold milp':>12}")
    for key, unit, form in (("seconds", "s", ".1f"), ("solves", "LPs", ".0f")):
        print(f"{key + f' ({unit})':<28}{figures['warm'][key]:>12{form}}"
              f"{figures['cold'][key]:>12{form}}")
    print(f"speed-up: {figures['cold']['seconds'] / figures['warm']['seconds']:.1f}×; "
          f"published tables identical: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
