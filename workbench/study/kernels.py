"""Running the study notebooks: in parallel, each worker on one kernel started once.

The study's sections are independent given the data snapshot (each writes only its own
section manifest, tables and figures), so the DAG is flat: every notebook can run as soon as
a worker is free. :func:`execute_all` starts ``jobs`` workers (threads); each starts one
``python3`` kernel and runs notebooks from a shared queue with papermill, passing its kernel
manager (papermill reuses a kernel it is given), so the imports (pandas, statsmodels,
matplotlib) are paid once per worker instead of once per notebook. Between notebooks the
kernel's namespace is cleared (``%reset -f``), so no notebook can lean on another's names.

A :class:`KernelPool` starts the kernels before the runner reads its data, and has each
import the study's modules (:data:`WARM_UP`) while it does: the kernels' start and imports,
the larger part of a short notebook's time, overlap the runner's own work instead of
following it; the pool's kernels then serve every round of the run (the audit's re-runs
too).

Each kernel talks to its worker over IPC sockets (files in the run's private temporary
folder, where the kernel also starts), not over unencrypted localhost TCP.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

KERNEL = "python3"
#: The kernel's own log is silenced: jupyter_client interrupts a kernel before shutting it
#: down, which ipykernel logs as an error. Cell errors still fail the run (papermill), and a
#: kernel that dies is still detected (nbclient).
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=CRITICAL"]
#: Most workers used by default (the sections are few; more kernels only cost memory).
MAX_JOBS = 4
#: Run in each pooled kernel as soon as it is up: the modules every study notebook imports.
#: The namespace is cleared before the first notebook (as between notebooks).
WARM_UP = ("import workbench.study, workbench.study.plots, workbench.study.summaries\n"
           "import workbench.analysis as _analysis\n"
           "for _name in _analysis.__all__:\n"
           "    getattr(_analysis, _name)\n")


@dataclass(frozen=True)
class Job:
    """One notebook to run: source, executed copy, parameters."""

    notebook: Path
    output: Path
    parameters: dict[str, Any]


@dataclass(frozen=True)
class Done:
    """A finished job: seconds of wall time, the worker that ran it, its error (if any)."""

    job: Job
    seconds: float
    worker: int
    error: BaseException | None = None


def default_jobs() -> int:
    """Workers by default: the CPUs this process may use, at most :data:`MAX_JOBS`."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    return max(1, min(usable, MAX_JOBS))


@cache
def local_kernel_manager() -> type:
    """A kernel manager that talks to its kernel over IPC sockets (files in the user's private
    Jupyter runtime folder) instead of unencrypted localhost TCP."""
    from jupyter_client import AsyncKernelManager
    from traitlets import CaselessStrEnum

    class LocalKernelManager(AsyncKernelManager):  # type: ignore[misc]
        transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    return LocalKernelManager


class KernelPool:
    """``workers`` kernels started now, each warming up (:data:`WARM_UP`) in the background;
    used by :func:`execute_all` and shut down on leaving the ``with`` block."""

    def __init__(self, workers: int, cwd: str) -> None:
        self.kernels = [_Kernel(cwd, i) for i in range(max(1, workers))]
        for kernel in self.kernels:
            kernel.start_warming(WARM_UP)
        _import_papermill()  # here, while the kernels start, not in two threads at once

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc: object) -> None:
        for kernel in self.kernels:
            kernel.shutdown()


def execute_all(jobs: Sequence[Job], *, workers: int, cwd: str,
                on_done: Callable[[Done], None] | None = None,
                pool: KernelPool | None = None) -> list[Done]:
    """Run ``jobs`` on ``workers`` kernels (in the order given, as workers come free); on
    the kernels of ``pool`` when given (left running), else on kernels started here.

    Returns one :class:`Done` per job, in the order of ``jobs``. A failing notebook does not
    stop the others already running, but no new notebook starts after a failure.
    """
    _import_papermill()
    pending: queue.Queue[Job] = queue.Queue()
    for job in jobs:
        pending.put(job)
    results: dict[Path, Done] = {}
    failed = threading.Event()
    lock = threading.Lock()

    def work(worker: int) -> None:
        kernel = pool.kernels[worker] if pool is not None else _Kernel(cwd, worker)
        try:
            while not failed.is_set():
                try:
                    job = pending.get_nowait()
                except queue.Empty:
                    return
                done = kernel.run(job, worker)
                with lock:
                    results[job.notebook] = done
                if done.error is not None:
                    failed.set()
                if on_done is not None:
                    on_done(done)
        finally:
            if pool is None:
                kernel.shutdown()

    count = len(pool.kernels) if pool is not None else workers
    threads = [threading.Thread(target=work, args=(i,), name=f"bwv-study-{i}", daemon=True)
               for i in range(max(1, min(count, len(jobs))))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [results[j.notebook] for j in jobs if j.notebook in results]


def _import_papermill() -> None:
    """Import papermill (and nbclient, jupyter_client) in the calling thread: worker threads
    importing it at once can meet a module another thread has half initialised."""
    import papermill  # noqa: F401


class _Kernel:
    """One worker's kernel, started on first use and reused for every notebook it runs."""

    def __init__(self, cwd: str, worker: int = 0) -> None:
        self.cwd = cwd
        self.worker = worker
        self.km: Any = None
        self.used = False
        self._warming: threading.Thread | None = None
        self._warm_failed = False

    def start_warming(self, code: str) -> None:
        """Start the kernel now (in this thread: the Jupyter modules are imported once, not
        by several threads at once) and run ``code`` in it from a background thread; the
        first :meth:`run` waits for it. A warm-up that fails only costs its time: that run
        starts a kernel afresh (and reports its errors)."""
        from jupyter_core.utils import run_sync

        try:
            self._start()
            self.km.client()  # imports the client classes here too
        except Exception:
            self._warm_failed = True
            return

        def warm() -> None:
            try:
                client = self.km.client()
                client.start_channels()
                try:
                    run_sync(client.wait_for_ready)(timeout=60)
                    run_sync(client.execute_interactive)(code, store_history=False,
                                                         output_hook=lambda _msg: None,
                                                         timeout=120)
                finally:
                    client.stop_channels()
                self.used = True  # its names are cleared before the first notebook
            except Exception:
                self._warm_failed = True

        self._warming = threading.Thread(target=warm, name=f"bwv-kernel-{self.worker}",
                                         daemon=True)
        self._warming.start()

    def _ready(self) -> None:
        if self._warming is not None:
            self._warming.join()
            self._warming = None
        if self._warm_failed:
            self._warm_failed = False
            self.shutdown()
            self.km, self.used = None, False

    def _start(self) -> None:
        from jupyter_core.utils import run_sync

        # IPC socket files are named after ``ip``: an absolute path in the private folder, one
        # per worker (a relative one would resolve against each side's own cwd)
        self.km = local_kernel_manager()(kernel_name=KERNEL,
                                         ip=str(Path(self.cwd) / f"kernel-{self.worker}"))
        run_sync(self.km.start_kernel)(cwd=self.cwd, extra_arguments=KERNEL_ARGUMENTS)

    def _reset(self) -> None:
        """Clear the namespace a previous notebook left (imported modules stay loaded)."""
        from jupyter_core.utils import run_sync

        client = self.km.client()
        client.start_channels()
        try:
            run_sync(client.wait_for_ready)(timeout=60)
            run_sync(client.execute_interactive)("%reset -f", store_history=False,
                                                 output_hook=lambda _msg: None, timeout=60)
        finally:
            client.stop_channels()

    def run(self, job: Job, worker: int) -> Done:
        import papermill

        tick = time.perf_counter()
        try:
            self._ready()
            if self.km is None:
                self._start()
            elif self.used:
                self._reset()
            self.used = True
            papermill.execute_notebook(
                str(job.notebook), str(job.output), parameters=job.parameters,
                kernel_name=KERNEL, progress_bar=False, log_output=False, km=self.km)
        except Exception as exc:  # reported by the runner, naming the notebook
            return Done(job, time.perf_counter() - tick, worker, exc)
        return Done(job, time.perf_counter() - tick, worker)

    def shutdown(self) -> None:
        if self._warming is not None:
            self._warming.join()
            self._warming = None
        if self.km is None:
            return
        from jupyter_core.utils import run_sync

        with contextlib.suppress(Exception):  # a kernel that died already
            run_sync(self.km.shutdown_kernel)(now=True)
