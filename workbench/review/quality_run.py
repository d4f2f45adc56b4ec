"""``bwv review report``: the quality report as a papermill notebook, like the study's.

1. :func:`run_quality_report` executes ``notebooks/quality/quality_report.ipynb`` with
   papermill on the ``python3`` kernel (IPC sockets, :mod:`workbench.study.kernels`), passing
   the parameters (project, audit id, threshold, resamples, seed, examples and disclosure);
   the executed notebook is kept as ``<out>/quality_report.ipynb``.
2. The notebook is thin: :func:`open_quality` reads the store and computes every table
   (:func:`workbench.review.quality.assess`), shows them, and :meth:`QualityRun.write` writes
   ``report.html`` with the one report renderer (:mod:`workbench.report`), the CSVs and
   ``provenance.json`` (:func:`quality_provenance`: codebook version and hash, hash of the
   compared ratings, parameters, package versions, git commit, audit chain head).
3. The runner prints ``report.pdf`` (Chromium; skipped with the reason when missing) and
   records the issued report in the audit chain (``quality_report_issued``: the sha256 of each
   file, never its content), beside the lead reviewer's sign-off (``audit_signed_off``).

Disclosure: examples of disagreement show their turn redacted with the names learnt from the
whole encounter (:func:`workbench.privacy.redaction.redact_texts`), or no text at all with
``show_text=False``; ``per_code=0`` leaves the examples out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from workbench.exceptions import ParameterError, WorkbenchError
from workbench.reliability.verdicts import ALPHA_TENTATIVE

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO_ROOT / "notebooks" / "quality" / "quality_report.ipynb"
ISSUED = "quality_report_issued"
#: Distributions whose versions the provenance records.
PACKAGES = ("bwv-workbench", "numpy", "pandas", "scipy", "SQLAlchemy", "papermill",
            "nbformat", "nbclient", "ipykernel", "jinja2", "playwright", "scrubadub")


@dataclass(frozen=True)
class QualityParams:
    """What a quality report is made from (the notebook's parameters)."""

    audit_id: str
    project: str | None = None
    out_dir: str | None = None
    threshold: float = ALPHA_TENTATIVE
    n_resamples: int = 1000
    seed: int = 0
    per_code: int = 3
    show_text: bool = True
    #: whom the notebook's store is opened as (the runner passes `bwv --as` / $BWV_USER on,
    #: since the kernel is another process); None: the store's owner
    as_user: str | None = None

    def __post_init__(self) -> None:
        if not self.audit_id:
            raise ParameterError("name the audit: --audit ID", field="audit_id")
        if not 0 < self.threshold <= 1:
            raise ParameterError(f"threshold {self.threshold}; expected 0 < threshold ≤ 1",
                                 field="threshold")
        if self.n_resamples < 0 or self.per_code < 0:
            raise ParameterError("resamples and examples per code must be ≥ 0",
                                 field="n_resamples")


@dataclass(frozen=True)
class QualityRun:
    """An opened quality report: the tables, the sign-off, the provenance."""

    params: QualityParams
    result: Any  # workbench.review.quality.QualityResult
    codebook: Any
    signoff: dict[str, Any] | None
    provenance: dict[str, Any] = field(default_factory=dict)

    def write(self, out_dir: str | Path | None = None) -> list[Path]:
        """report.html, the CSVs and provenance.json in ``out_dir`` (default: the
        parameters' folder)."""
        from workbench.review.quality_report import write_quality_report

        folder = Path(out_dir or self.params.out_dir or f"quality-{self.params.audit_id}")
        files = write_quality_report(self.result, self.codebook, self.signoff, folder,
                                     provenance=self.provenance)
        path = folder / "provenance.json"
        path.write_text(json.dumps(self.provenance, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
        return [*files, path]


def open_quality(params: QualityParams) -> QualityRun:
    """Read the project's store and compute the report's tables (what the notebook calls)."""
    from workbench.project import Project
    from workbench.review.audit_sample import signed_off
    from workbench.review.quality import assess

    project = Project.load(params.project)
    codebook = project.load_codebook()
    started = dt.datetime.now(dt.UTC)
    with project.open_store(as_user=params.as_user) as store:
        check_can_compare(store, params.audit_id)
        result = assess(store, codebook, params.audit_id, n_resamples=params.n_resamples,
                        seed=params.seed, threshold=params.threshold,
                        per_code=params.per_code, show_text=params.show_text)
        signoff = signed_off(store, params.audit_id)
        record = quality_provenance(store, codebook, result, params, started=started)
    return QualityRun(params, result, codebook, signoff, record)


def check_can_compare(store: Any, audit_id: str) -> None:
    """Refuse a handle still blind to the audit's original coding (a reviewer before the
    sign-off): its report would compare the review with nothing."""
    from workbench.exceptions import AccessError
    from workbench.review.audit_sample import audit_record

    record = audit_record(store, audit_id)
    assert record is not None
    sample = {c["clip_id"] for c in record["clips"]}
    if sample & set(store.principal.blind_clips):
        raise AccessError(f"{store.principal.user_id} is still blind to the original coding of "
                          f"audit {audit_id!r}: the lead reviewer signs it off first (`bwv "
                          "review signoff`)")


def quality_provenance(store: Any, codebook: Any, result: Any, params: QualityParams, *,
                       started: dt.datetime) -> dict[str, Any]:
    """The provenance record (see the module docstring)."""
    import platform

    from workbench.study.canonical import frames_hash
    from workbench.study.provenance import git_commit, package_versions

    pairs = result.pairs
    clips = store.clips_frame()
    sample = {c["clip_id"] for c in result.audit.get("clips", [])}
    clips = clips.loc[clips["clip_id"].isin(sample)]
    head = store.audit_head()
    return {
        "audit_id": params.audit_id,
        "started_utc": started.isoformat(timespec="seconds"),
        "workbench": git_commit(),
        "codebook": {"id": codebook.id, "version": codebook.version,
                     "hash": codebook.ref.hash},
        "audit_codebook": result.audit.get("codebook", {}),
        "data": {"hash": frames_hash([("pairs", pairs)]),
                 "hash_method": "sha256 of the full-precision canonical CSV of the compared "
                                "ratings (workbench.study.canonical.frames_hash)",
                 "rows": len(pairs), "clips": int(pairs["clip_id"].nunique())
                 if len(pairs) else 0,
                 "synthetic": bool(len(clips)) and bool(clips["synthetic"].fillna(False)
                                                        .astype(bool).all())},
        "design": result.audit.get("design", {}),
        "reviewers": result.audit.get("reviewers", []),
        "lead": result.audit.get("lead"),
        "parameters": {k: v for k, v in asdict(params).items()
                       if k not in ("project", "out_dir", "as_user")},
        "made_by": params.as_user or "the store's owner",
        "audit_head": (f"event {head.event_id}, sha256 {head.hash}" if head else "empty"),
        "audit_chain_ok": bool(store.verify_audit().ok),
        "packages": package_versions(PACKAGES),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


@dataclass(frozen=True)
class ReportRun:
    """Where the report's files are, and how long the notebook took (seconds)."""

    out_dir: Path
    report: Path
    notebook: Path
    provenance: Path
    seconds: float
    pdf: Path | None = None
    pdf_skipped: str = ""
    event_id: int | None = None


def run_quality_report(params: QualityParams, *, pdf: bool = True,
                       notebook: Path = NOTEBOOK,
                       execute: Callable[..., Any] | None = None) -> ReportRun:
    """Execute the quality notebook, print the PDF, record the issued report (audited).

    Raises
    ------
    WorkbenchError
        bad input (as the library said it), or the notebook failed: names the cell and the
        error, and where the executed notebook is.
    """
    from workbench.acting import acting_user
    from workbench.project import Project

    clock = time.perf_counter()
    project = Project.load(params.project)
    out = Path(params.out_dir) if params.out_dir else \
        project.root / "outputs" / f"quality-{params.audit_id}"
    user = params.as_user or acting_user() or os.environ.get("BWV_USER") or None
    with project.open_store(as_user=user) as store:  # said before a kernel starts
        check_can_compare(store, params.audit_id)
    out.mkdir(parents=True, exist_ok=True)
    params = QualityParams(**{**asdict(params), "project": str(project.root),
                              "out_dir": str(out.resolve()), "as_user": user})
    executed = out / notebook.name
    _execute(notebook, executed, asdict(params), execute)
    report = out / "report.html"
    pdf_path, skipped = _pdf(report) if pdf else (None, "")
    files = [p for p in (report, pdf_path, out / "provenance.json") if p is not None]
    files += sorted(out.glob("*.csv"))
    with project.open_store(as_user=user) as store:
        event = store.audit(store.principal.acting_as(None), ISSUED,
                            audit_id=params.audit_id,
                            files={p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                                   for p in files})
    return ReportRun(out, report, executed, out / "provenance.json",
                     time.perf_counter() - clock, pdf_path, skipped, event.event_id)


def _pdf(report: Path) -> tuple[Path | None, str]:
    from workbench.report import PdfUnavailable, write_pdf

    try:
        return write_pdf(report), ""
    except PdfUnavailable as exc:
        return None, str(exc)


def _execute(notebook: Path, executed: Path, parameters: dict[str, Any],
             execute: Callable[..., Any] | None) -> None:
    import papermill

    from workbench.study.kernels import KERNEL, KERNEL_ARGUMENTS, local_kernel_manager

    run = execute or papermill.execute_notebook
    with tempfile.TemporaryDirectory(prefix="bwv-quality-") as private:
        try:
            run(str(notebook), str(executed), parameters=parameters, kernel_name=KERNEL,
                progress_bar=False, cwd=private, log_output=False,
                kernel_manager_class=local_kernel_manager(),
                extra_arguments=KERNEL_ARGUMENTS)
        except papermill.PapermillExecutionError as exc:
            if exc.ename in _WORKBENCH_ERRORS:  # bad input: say it as the library did
                raise WorkbenchError(f"{exc.ename}: {exc.evalue}") from None
            raise WorkbenchError(f"the quality notebook {notebook.name} failed in cell "
                                 f"[{exc.exec_count}]: {exc.ename}: {exc.evalue}; the "
                                 f"executed notebook is at {executed}") from None


#: Errors raised in the notebook that are the user's to fix (shown as the message alone).
_WORKBENCH_ERRORS = frozenset({"StoreError", "ParameterError", "AccessError",
                               "CodebookError", "WorkbenchError"})
