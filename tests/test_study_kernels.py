"""The study's kernel pool (workbench.study.kernels): kernels started and warmed up before
the first notebook, reused for later rounds, and no notebook sees another's names (or the
warm-up's). Real kernels, real papermill."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from workbench.study import kernels
from workbench.study.kernels import Job, KernelPool, execute_all

pytestmark = pytest.mark.slow

#: Fails if an earlier notebook's (or the warm-up's) names leaked into this one.
CLEAN = ('assert "leftover" not in globals() and "_analysis" not in globals(), '
         'sorted(globals())\nleftover = 1\nimport os\nprint("pid", os.getpid())')


def _notebook(folder: Path, name: str) -> Path:
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_code_cell(CLEAN)]
    book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                   "language": "python"}
    path = folder / f"{name}.ipynb"
    nbformat.write(book, path)
    return path


def _pid(executed: Path) -> int:
    outputs = nbformat.read(executed, as_version=4).cells[-1].outputs
    (line,) = [o["text"] for o in outputs if o.get("name") == "stdout"]
    return int(line.split()[1])


def _jobs(folder: Path, names: list[str], tag: str) -> list[Job]:
    return [Job(_notebook(folder, n), folder / f"{n}-{tag}.out.ipynb", {}) for n in names]


def test_a_pool_warms_up_clears_names_and_serves_every_round(tmp_path: Path) -> None:
    with KernelPool(1, str(tmp_path)) as pool:
        first = execute_all(_jobs(tmp_path, ["a", "b"], "1"), workers=1, cwd=str(tmp_path),
                            pool=pool)
        again = execute_all(_jobs(tmp_path, ["c"], "2"), workers=1, cwd=str(tmp_path),
                            pool=pool)
    assert [d.error for d in first + again] == [None, None, None]
    pids = {_pid(d.job.output) for d in first + again}
    assert len(pids) == 1  # one kernel for both rounds


def test_a_failed_warm_up_costs_only_its_time(tmp_path: Path, monkeypatch) -> None:
    """The warm-up cannot even reach its kernel: the first notebook starts one afresh."""
    def broken(self: object) -> None:
        raise RuntimeError("no kernel for the warm-up")

    original = kernels._Kernel._start
    calls = []

    def start_once_broken(self: kernels._Kernel) -> None:
        calls.append(1)
        if len(calls) == 1:
            broken(self)
        original(self)

    monkeypatch.setattr(kernels._Kernel, "_start", start_once_broken)
    with KernelPool(1, str(tmp_path)) as pool:
        done = execute_all(_jobs(tmp_path, ["a"], "1"), workers=1, cwd=str(tmp_path),
                           pool=pool)
    assert done[0].error is None and len(calls) == 2
