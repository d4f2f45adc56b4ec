"""``bwv study run``: every study notebook in order with papermill, then the run folder.

1. Resolve the parameters (file + project), read the data once and snapshot it into a
   private temporary folder (so all notebooks see the same data).
2. Execute ``notebooks/study/NN_*.ipynb`` with the ``python3`` kernel: the sections are
   independent, so ``jobs`` workers run them in parallel, each on one kernel started once
   (:mod:`workbench.study.kernels`: started while the data loads, warming up with the study's
   imports); the executed notebooks go to ``<run>/notebooks/``. Each
   registers its tables and figures (:mod:`workbench.study.outputs`).
3. Audit every table of the run together (:mod:`workbench.study.crosstable`): further
   suppressions across sections are imposed and their sections run again (their files
   replaced whole), until nothing more is needed; or the run is refused, naming the tables.
4. Assemble ``<run>/``: ``provenance.json``, ``manifest.json``, ``tables.xlsx`` and
   ``report.html`` (alongside ``tables/*.csv`` and ``figures/*.png|svg``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from workbench import textfiles
from workbench.exceptions import ParameterError, StudyRunError, WorkbenchError
from workbench.privacy.audit import DisclosureAuditError
from workbench.study.crosstable import audit_run, impose, imposed, sections_of
from workbench.study.data import load_study_data
from workbench.study.kernels import (
    KERNEL,
    KERNEL_ARGUMENTS,
    Done,
    Job,
    KernelPool,
    default_jobs,
    execute_all,
    local_kernel_manager,
)
from workbench.study.labels import Labels
from workbench.study.methods import methods_facts
from workbench.study.outputs import read_sections
from workbench.study.provenance import build_provenance, write_provenance
from workbench.study.report import write_report, write_report_pdf
from workbench.study.session import audit_folder, make_gate, resolve_params
from workbench.study.workbook import write_workbook

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks" / "study"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"


@dataclass(frozen=True)
class RunResult:
    """Where a run's outputs are, and how long each notebook took (seconds)."""

    run_dir: Path
    report: Path
    workbook: Path
    provenance: Path
    notebooks: list[Path]
    seconds: float
    pdf: Path | None = None
    #: why no PDF was printed ("" when it was, or when it was not asked for)
    pdf_skipped: str = ""


def study_notebooks(folder: str | Path = NOTEBOOKS_DIR) -> list[Path]:
    """The study notebooks of ``folder`` (``NN_name.ipynb``), in order."""
    found = sorted(Path(folder).glob(NOTEBOOK_GLOB))
    if not found:
        raise ParameterError(f"no study notebooks (NN_name.ipynb) in {folder}",
                             path=folder, field="notebooks")
    return found


def run_folder(output_dir: Path, run_name: str | None, *, overwrite: bool = False,
               now: dt.datetime | None = None) -> Path:
    """``output_dir/<run_name or YYYYMMDD-HHMMSS>``, created; an existing non-empty folder
    is refused unless ``overwrite``."""
    name = run_name or (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        raise ParameterError(f"run name {name!r}; expected a plain folder name",
                             field="run_name")
    folder = output_dir / name
    if folder.exists() and any(folder.iterdir()) and not overwrite:
        raise ParameterError(f"run folder {folder} exists and is not empty; choose another "
                             "--run-name or pass --overwrite", path=folder, field="run_name")
    if folder.exists() and overwrite:
        _clear(folder)
    return textfiles.make_folder(folder, error=ParameterError, field="output_dir")


def _clear(folder: Path) -> None:
    import shutil

    for child in folder.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()


def run_study(params_path: str | Path | None = None, *, project: str | Path | None = None,
              run_name: str | None = None, notebooks_dir: str | Path = NOTEBOOKS_DIR,
              overwrite: bool = False, progress: bool = True, jobs: int | None = None,
              pdf: bool = True, execute: Callable[..., Any] | None = None) -> RunResult:
    """Run the whole study and assemble the run folder (see the module docstring).

    Parameters
    ----------
    params_path : study parameter file (None: defaults).
    project : project folder (None: ``$BWV_PROJECT`` or the current folder).
    run_name : the run folder's name (default: a timestamp).
    notebooks_dir : where the ``NN_name.ipynb`` notebooks are.
    jobs : notebooks run at once (default: the usable CPUs, at most 4; 1: one after the
        other, still on one kernel).
    pdf : also print ``report.pdf`` with Chromium (skipped, with a message, when Chromium
        or playwright is missing).
    execute : a papermill-compatible notebook executor (tests substitute it); given, the
        notebooks run one after the other in name order through it.

    Raises
    ------
    StudyRunError
        a notebook failed; names it, the cell and the error, and where the executed notebook
        (with the traceback) is.
    """
    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    params, codebooks_dir = resolve_params(params_path, project)
    notebooks = study_notebooks(notebooks_dir)
    workers = 1 if execute is not None else min(jobs or default_jobs(), len(notebooks))
    with tempfile.TemporaryDirectory(prefix="bwv-study-") as private, (
            KernelPool(workers, private) if execute is None  # start while the data loads
            else contextlib.nullcontext()) as pool:
        data = load_study_data(params, codebooks_dir=codebooks_dir)
        run_dir = run_folder(params.output_dir, run_name, overwrite=overwrite)
        executed_dir = run_dir / "notebooks"
        executed_dir.mkdir()
        snapshot = data.save(Path(private) / "data.pickle")
        parameters = {"params_path": str(params_path) if params_path else None,
                      "project": str(project) if project else None,
                      "run_dir": str(run_dir), "snapshot": str(snapshot)}
        todo = [Job(nb, executed_dir / nb.name, parameters) for nb in notebooks]
        if execute is None and workers > 1:  # longest first: the last to start ends soonest
            cost = previous_timings(params.output_dir, exclude=run_dir)
            todo.sort(key=lambda job: -cost.get(job.notebook.name, float("inf")))
        done = _run_jobs(todo, execute, workers, private, progress, pool)
        audit = _audit_run(todo, done, audit_folder(snapshot), params.disclosure_threshold,
                           lambda again: _run_jobs(again, execute, workers, private, False,
                                                   pool))
    timings = [{"notebook": d.job.notebook.name, "seconds": round(d.seconds, 2),
                "worker": d.worker} for d in sorted(done, key=lambda d: d.job.notebook.name)]
    finished = dt.datetime.now(dt.UTC)
    gate = make_gate(params)
    sections = read_sections(run_dir)
    check_unique_names(sections)
    record = build_provenance(data, run_dir=run_dir, started=started, finished=finished,
                              notebooks=timings)
    record["execution"] = {"jobs": workers, "wall_s": round(time.perf_counter() - clock, 2)}
    record["disclosure_audit"] = audit
    assert params.store is not None
    record["methods"] = methods_facts(data, params.store, run_dir)
    provenance = write_provenance(record, run_dir / "provenance.json")
    manifest = {"run": run_dir.name, "sections": [asdict(s) for s in sections]}
    (run_dir / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False)
                                           + "\n", encoding="utf-8")
    labels = Labels(data.codebook)
    workbook = write_workbook(run_dir, sections, footnote=gate.footnote(), labels=labels)
    report = write_report(run_dir, sections, provenance=record, footnote=gate.footnote(),
                          labels=labels)
    pdf, skipped = write_report_pdf(report) if pdf else (None, "")
    return RunResult(run_dir, report, workbook, provenance,
                     sorted(executed_dir.glob("*.ipynb")), time.perf_counter() - clock,
                     pdf=pdf, pdf_skipped=skipped)


def previous_timings(output_dir: Path, *, exclude: Path | None = None) -> dict[str, float]:
    """Seconds per notebook in the newest earlier run under ``output_dir`` (its
    provenance.json); empty when there is none. Used only to order the work."""
    records = sorted((p for p in output_dir.glob("*/provenance.json")
                      if exclude is None or p.parent != exclude),
                     key=lambda p: p.stat().st_mtime)
    for path in reversed(records):
        try:
            notebooks = json.loads(path.read_text(encoding="utf-8"))["notebooks"]
            return {n["notebook"]: float(n["seconds"]) for n in notebooks}
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return {}


def check_unique_names(sections: list[Any]) -> None:
    """Refuse a run whose sections registered the same table or figure name twice (notebooks
    running at once cannot see each other's names while they run)."""
    seen: dict[tuple[str, str], str] = {}
    for section in sections:
        for item in section.items:
            key = (item.kind, item.name)
            if key in seen:
                raise ParameterError(f"{item.kind} name {item.name!r} is used in sections "
                                     f"{seen[key]} and {section.section}; {item.kind} names "
                                     "are unique in a run", field="name")
            seen[key] = section.section


#: Rounds of the run's disclosure audit (each runs again the sections it added suppressions to).
AUDIT_ROUNDS = 4


def _run_jobs(todo: list[Job], execute: Callable[..., Any] | None, workers: int, cwd: str,
              progress: bool, pool: KernelPool | None = None) -> list[Done]:
    """Run ``todo``; raise the first notebook failure."""
    if execute is not None:
        done = []
        for job in _progress(todo, progress):
            done.append(_execute_with(execute, job, cwd=cwd))
            if done[-1].error is not None:
                break
    else:
        done = _execute_parallel(todo, workers, cwd, progress, pool)
    for result in done:
        if result.error is not None:
            raise _run_error(result)
    return done


def _audit_run(todo: list[Job], done: list[Done], folder: Path, threshold: int,
               again: Callable[[list[Job]], list[Done]]) -> dict[str, Any]:
    """The run's disclosure audit over every table of every section
    (:func:`~workbench.study.crosstable.audit_run`): while it finds further suppressions,
    impose them and run the sections that own them again (``done`` gets their new timings).
    Returns what was done, for the provenance."""
    rounds: list[dict[str, Any]] = []
    for _ in range(AUDIT_ROUNDS):
        extra = audit_run(folder, threshold)
        if not extra:
            return {"rounds": rounds, "imposed_cells": sum(len(v) for v in
                                                            imposed(folder).values())}
        impose(folder, extra)
        sections = sections_of(folder, list(extra))
        rerun = [job for job in todo if job.notebook.stem in sections]
        rounds.append({"tables": sorted(extra), "cells": sum(len(v) for v in extra.values()),
                       "sections": sections})
        timing = {d.job.notebook.name: d for d in done}
        for result in again(rerun):
            timing[result.job.notebook.name] = Done(
                result.job, timing[result.job.notebook.name].seconds + result.seconds,
                result.worker)
        done[:] = list(timing.values())
    raise DisclosureAuditError(
        f"the run's disclosure audit still finds counts to hide after {AUDIT_ROUNDS} rounds "
        f"(tables {', '.join(rounds[-1]['tables'])}); the run is refused",
        tables=rounds[-1]["tables"], population="")


def _execute_parallel(todo: list[Job], workers: int, cwd: str, progress: bool,
                      pool: KernelPool | None = None) -> list[Done]:
    from tqdm.auto import tqdm

    with tqdm(total=len(todo), desc="study", unit="notebook", disable=not progress) as bar:
        def tick(done: Done) -> None:
            bar.set_postfix_str(done.job.notebook.stem)
            bar.update(1)

        return execute_all(todo, workers=workers, cwd=cwd, on_done=tick, pool=pool)


def _progress(jobs: list[Job], enabled: bool) -> Any:
    from tqdm.auto import tqdm

    bar = tqdm(jobs, desc="study", unit="notebook", disable=not enabled)
    for job in bar:
        bar.set_postfix_str(job.notebook.stem)
        yield job


def _execute_with(execute: Callable[..., Any], job: Job, *, cwd: str) -> Done:
    tick = time.perf_counter()
    try:
        execute(str(job.notebook), str(job.output), parameters=job.parameters,
                kernel_name=KERNEL, progress_bar=False, cwd=cwd, log_output=False,
                kernel_manager_class=local_kernel_manager(), extra_arguments=KERNEL_ARGUMENTS)
    except Exception as exc:
        return Done(job, time.perf_counter() - tick, 0, exc)
    return Done(job, time.perf_counter() - tick, 0)


def _run_error(done: Done) -> Exception:
    import papermill

    exc = done.error
    if isinstance(exc, papermill.PapermillExecutionError):
        return StudyRunError(done.job.notebook.name, cell=exc.exec_count, error=exc.ename,
                             detail=exc.evalue, executed=done.job.output)
    if isinstance(exc, WorkbenchError):
        return exc
    return StudyRunError(done.job.notebook.name, cell=None, error=type(exc).__name__,
                         detail=str(exc), executed=done.job.output)
