"""``bwv study run``: every study notebook in order with papermill, then the run folder.

1. Resolve the parameters (file + project), read the data once and snapshot it into a
   private temporary folder (so all notebooks see the same data).
2. Execute ``notebooks/study/NN_*.ipynb`` in name order, one after the other, with the
   ``python3`` kernel; the executed notebooks go to ``<run>/notebooks/``. Each registers its
   tables and figures (:mod:`workbench.study.outputs`).
3. Assemble ``<run>/``: ``provenance.json``, ``manifest.json``, ``tables.xlsx`` and
   ``report.html`` (alongside ``tables/*.csv`` and ``figures/*.png|svg``).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from workbench import textfiles
from workbench.exceptions import ParameterError, StudyRunError
from workbench.study.data import load_study_data
from workbench.study.outputs import read_sections
from workbench.study.provenance import build_provenance, write_provenance
from workbench.study.report import write_report
from workbench.study.session import make_gate, resolve_params
from workbench.study.workbook import write_workbook

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks" / "study"
NOTEBOOK_GLOB = "[0-9][0-9]_*.ipynb"
KERNEL = "python3"
#: The kernel's own log is silenced: jupyter_client interrupts a kernel before shutting it
#: down, which ipykernel logs as an error. Cell errors still fail the run (papermill), and a
#: kernel that dies is still detected (nbclient).
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]


@dataclass(frozen=True)
class RunResult:
    """Where a run's outputs are, and how long each notebook took (seconds)."""

    run_dir: Path
    report: Path
    workbook: Path
    provenance: Path
    notebooks: list[Path]
    seconds: float


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
              overwrite: bool = False, progress: bool = True,
              execute: Callable[..., Any] | None = None) -> RunResult:
    """Run the whole study and assemble the run folder (see the module docstring).

    Parameters
    ----------
    params_path : study parameter file (None: defaults).
    project : project folder (None: ``$BWV_PROJECT`` or the current folder).
    run_name : the run folder's name (default: a timestamp).
    notebooks_dir : where the ``NN_name.ipynb`` notebooks are.
    execute : the notebook executor (default ``papermill.execute_notebook``; tests may
        substitute it).

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
    data = load_study_data(params, codebooks_dir=codebooks_dir)
    run_dir = run_folder(params.output_dir, run_name, overwrite=overwrite)
    executed_dir = run_dir / "notebooks"
    executed_dir.mkdir()
    timings: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bwv-study-") as private:
        snapshot = data.save(Path(private) / "data.pickle")
        parameters = {"params_path": str(params_path) if params_path else None,
                      "project": str(project) if project else None,
                      "run_dir": str(run_dir), "snapshot": str(snapshot)}
        for notebook in _progress(notebooks, progress):
            output = executed_dir / notebook.name
            tick = time.perf_counter()
            _execute(execute, notebook, output, parameters, cwd=private)
            timings.append({"notebook": notebook.name,
                            "seconds": round(time.perf_counter() - tick, 2)})
    finished = dt.datetime.now(dt.UTC)
    gate = make_gate(params)
    sections = read_sections(run_dir)
    record = build_provenance(data, run_dir=run_dir, started=started, finished=finished,
                              notebooks=timings)
    provenance = write_provenance(record, run_dir / "provenance.json")
    manifest = {"run": run_dir.name, "sections": [asdict(s) for s in sections]}
    (run_dir / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False)
                                           + "\n", encoding="utf-8")
    workbook = write_workbook(run_dir, sections, footnote=gate.footnote())
    report = write_report(run_dir, sections, provenance=record, footnote=gate.footnote())
    return RunResult(run_dir, report, workbook, provenance,
                     sorted(executed_dir.glob("*.ipynb")), time.perf_counter() - clock)


def _progress(notebooks: list[Path], enabled: bool) -> Any:
    from tqdm.auto import tqdm

    bar = tqdm(notebooks, desc="study", unit="notebook", disable=not enabled)
    for notebook in bar:
        bar.set_postfix_str(notebook.stem)
        yield notebook


@cache
def local_kernel_manager() -> type:
    """A kernel manager that talks to its kernel over IPC sockets (files in the user's private
    Jupyter runtime folder) instead of unencrypted localhost TCP."""
    from jupyter_client import AsyncKernelManager
    from traitlets import CaselessStrEnum

    class LocalKernelManager(AsyncKernelManager):  # type: ignore[misc]
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    return LocalKernelManager


def _execute(execute: Callable[..., Any] | None, notebook: Path, output: Path,
             parameters: dict[str, Any], *, cwd: str) -> None:
    import papermill

    run = execute or papermill.execute_notebook
    try:
        run(str(notebook), str(output), parameters=parameters, kernel_name=KERNEL,
            progress_bar=False, cwd=cwd, log_output=False,
            kernel_manager_class=local_kernel_manager(), extra_arguments=KERNEL_ARGUMENTS)
    except papermill.PapermillExecutionError as exc:
        raise StudyRunError(notebook.name, cell=exc.exec_count, error=exc.ename,
                            detail=exc.evalue, executed=output) from None
