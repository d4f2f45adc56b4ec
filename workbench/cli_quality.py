"""``bwv review``: quality review of coding — plan, sample, sign off, report, feed back, bundle.

Commands parse, call the library and print; the logic is :mod:`workbench.review.audit_sample`,
:mod:`workbench.review.quality`, :mod:`workbench.review.quality_report`,
:mod:`workbench.review.feedback` and :mod:`workbench.bundle.review`. Run them as the person
acting (``bwv --as r01 review …``): the store's roles decide what each may do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from workbench.cli_options import ProjectOption, fail
from workbench.exceptions import WorkbenchError

app = typer.Typer(help="Quality review of coding: audit samples re-coded blind, the quality "
                  "report, feedback, review bundles.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
console = Console()
#: Files of a quality report folder that a review bundle returns (report, tables, provenance,
#: the executed notebook).
REPORT_SUFFIXES = (".html", ".pdf", ".csv", ".json", ".ipynb")


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _project(project: Path | None):
    from workbench.project import Project

    p = Project.load(project)
    return p, p.load_codebook()


@app.command("plan")
def plan(
    codes: Annotated[str, typer.Option("--codes", help="Codes to plan for, comma-separated")],
    width: Annotated[float, typer.Option("--width", help="Target width of the 95% alpha "
                                         "interval")] = 0.2,
    sizes: Annotated[str, typer.Option("--sizes", help="Sample sizes (clips) to try, e.g. "
                                       "30,60,90")] = "20,40,60,80,100,150,200",
    seed: Annotated[int, typer.Option("--seed")] = 0,
    project: ProjectOption = None,
) -> None:
    """How many clips give an alpha interval of a given width, by resampling the overlap
    sample's clips (its prevalence and agreement)."""
    from workbench.review.audit_sample import precision_plan

    try:
        p, book = _project(project)
        with p.open_store() as store:
            frame = precision_plan(store, book, _names(codes), width=width,
                                   sizes=[int(s) for s in _names(sizes)], seed=seed)
    except (WorkbenchError, ValueError) as exc:
        raise fail(exc if isinstance(exc, WorkbenchError) else WorkbenchError(str(exc))) \
            from exc
    for code_id, group in frame.groupby("code_id", sort=False):
        enough = group.loc[group["enough"], "n_clips"]
        verdict = (f"{int(enough.iloc[0])} clips reach width {width}" if len(enough)
                   else f"no size tried reaches width {width}")
        widths = ", ".join(f"{n}: {w:.3f}" for n, w in zip(group["n_clips"],
                                                           group["predicted_width"],
                                                           strict=True))
        console.print(f"{code_id}: {verdict} (predicted width by clips — {widths})",
                      highlight=False)


@app.command("sample")
def sample(
    audit_id: Annotated[str, typer.Argument(help="Id of the new audit, e.g. A2026-12")],
    reviewers: Annotated[str, typer.Option("--reviewers", help="Reviewer ids, comma-separated")],
    lead: Annotated[str, typer.Option("--lead", help="The lead reviewer (signs off)")],
    size: Annotated[int | None, typer.Option("--size", help="Clips to draw")] = None,
    share: Annotated[float | None, typer.Option("--share", help="Or a share of the clips "
                                                "coded once")] = None,
    stratify: Annotated[str, typer.Option("--stratify", help="Any of coder, period, bcu, "
                                          "outcome")] = "coder",
    concern: Annotated[str, typer.Option("--concern", help="Codes of concern to weight the "
                                         "draw towards")] = "",
    weight: Annotated[float, typer.Option("--weight", help="Weight of a clip with a code of "
                                          "concern")] = 3.0,
    precision: Annotated[str, typer.Option("--precision", help="Codes whose predicted "
                                           "interval width to show before drawing")] = "",
    seed: Annotated[int, typer.Option("--seed")] = 0,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Draw and show; write "
                                          "nothing")] = False,
    project: ProjectOption = None,
) -> None:
    """Draw an audit sample of clips coded once, and open it for blind re-coding."""
    from workbench.review.audit_sample import AuditDesign, draw_sample, open_review

    try:
        p, book = _project(project)
        design = AuditDesign(audit_id, size=size, share=share, stratify=tuple(_names(stratify)),
                             concern_codes=tuple(_names(concern)), concern_weight=weight,
                             seed=seed)
        with p.open_store() as store:
            drawn = draw_sample(store, design, book)
            if precision:
                from workbench.review.audit_sample import precision_plan

                n = len(drawn.clip_ids)
                for r in precision_plan(store, book, _names(precision), sizes=[n],
                                        seed=seed).itertuples():
                    console.print(f"{r.code_id}: predicted 95% interval width with {n} clips "
                                  f"{r.predicted_width:.3f}", highlight=False)
            strata = drawn.clips.groupby("stratum").size()
            for stratum, count in strata.items():
                console.print(f"  {stratum}: {count} clips", highlight=False)
            if dry_run:
                console.print(f"dry run: {len(drawn.clip_ids)} clips drawn, nothing written")
                return
            open_review(store, drawn, _names(reviewers), lead=lead)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(f"audit {audit_id}: {len(drawn.clip_ids)} clips in the queues of "
                  f"{reviewers}, blind to the original coding until {lead} signs off",
                  highlight=False)


@app.command("signoff")
def signoff(
    audit_id: Annotated[str, typer.Argument()],
    lead: Annotated[str, typer.Option("--lead", help="The lead reviewer")],
    statement: Annotated[str, typer.Option("--statement", help="What is signed off")],
    project: ProjectOption = None,
) -> None:
    """The lead reviewer signs the review off (audited); the blindness ends."""
    from workbench.review.audit_sample import sign_off

    try:
        p, _ = _project(project)
        with p.open_store() as store:
            done = sign_off(store, audit_id, lead=lead, statement=statement)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(f"audit {audit_id} signed off by {done['lead']} ({len(done['finished'])} "
                  f"clips reviewed; audit record {done['event_id']})", highlight=False)


@app.command("report")
def report(
    audit_id: Annotated[str | None, typer.Argument(help="The audit (or --audit)")] = None,
    audit: Annotated[str | None, typer.Option("--audit", help="The audit")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Folder (default: the project's "
                                             "outputs/quality-<audit>)")] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also print report.pdf")] = True,
    resamples: Annotated[int, typer.Option("--bootstrap", help="Clip resamples")] = 1000,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    threshold: Annotated[float, typer.Option("--threshold", help="Agreed alpha threshold")
                         ] = 0.667,
    examples: Annotated[int, typer.Option("--examples", help="Examples of disagreement per "
                                          "code below the threshold (0: none)")] = 3,
    text: Annotated[bool, typer.Option("--text/--no-text", help="Show the examples' turns "
                                       "(redacted) or withhold them")] = True,
    project: ProjectOption = None,
) -> None:
    """The quality report of an audit: the notebook run with papermill (HTML, PDF, CSVs,
    provenance), recorded in the audit chain."""
    from workbench.review.quality_run import QualityParams, run_quality_report

    try:
        chosen = audit or audit_id
        if not chosen or (audit and audit_id and audit != audit_id):
            raise WorkbenchError("name one audit: bwv review report --audit ID")
        params = QualityParams(chosen, project=str(project) if project else None,
                               out_dir=str(out) if out else None, threshold=threshold,
                               n_resamples=resamples, seed=seed, per_code=examples,
                               show_text=text)
        done = run_quality_report(params, pdf=pdf)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    flags = _read_csv(done.out_dir / "by_coder.csv", "flag")
    below = _read_csv(done.out_dir / "by_code.csv", "below")
    console.print(f"{sum(v == 'True' for v in below)} code(s) below {threshold:.3f}; "
                  f"{sum(bool(v) for v in flags)} coder flag(s)", highlight=False)
    if done.pdf_skipped:
        console.print(done.pdf_skipped, highlight=False)
    console.print(f"report: {done.report} (notebook {done.notebook.name}, "
                  f"{done.seconds:.1f} s; audit record {done.event_id})", highlight=False)


def _read_csv(path: Path, column: str) -> list[str]:
    import csv

    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [row.get(column, "") or "" for row in csv.DictReader(handle)]


@app.command("recode")
def recode(
    audit_id: Annotated[str, typer.Argument()],
    code: Annotated[str, typer.Option("--code")],
    coder: Annotated[str, typer.Option("--coder")],
    reviewer: Annotated[str, typer.Option("--reviewer")],
    note: Annotated[str, typer.Option("--note", help="What the coder should look at")],
    period: Annotated[str | None, typer.Option("--period", help="Only clips done in this "
                                               "month, YYYY-MM")] = None,
    project: ProjectOption = None,
) -> None:
    """Flag a code for re-coding on every clip a coder finished (audited)."""
    from workbench.review.feedback import request_recode

    try:
        p, book = _project(project)
        with p.open_store() as store:
            out = request_recode(store, book, audit_id=audit_id, code_id=code,
                                 coder_id=coder, reviewer=reviewer, note=note, period=period)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(f"{out['clips']} clips back in {coder}'s queue; {out['rows']} rows of {code} "
                  "flagged for re-coding", highlight=False)


@app.command("propose")
def propose(
    codes: Annotated[str, typer.Option("--codes")],
    version: Annotated[str, typer.Option("--version", help="The draft's version number")],
    reviewer: Annotated[str, typer.Option("--reviewer")],
    note: Annotated[str, typer.Option("--note")],
    project: ProjectOption = None,
) -> None:
    """Propose a codebook change: a draft of the next version (audited)."""
    from workbench.codebook.loading import resolve_ref
    from workbench.review.feedback import propose_codebook_change

    try:
        p, book = _project(project)
        with p.open_store() as store:
            draft = propose_codebook_change(
                store, book, resolve_ref(p.codebook, p.codebooks_dir), p.root / "codebooks",
                code_ids=_names(codes), note=note, reviewer=reviewer, next_version=version)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(f"draft written: {draft}", highlight=False)


@app.command("export")
def export(
    audit_id: Annotated[str, typer.Argument()],
    dest: Annotated[Path, typer.Argument(help="New folder or .zip")],
    report_dir: Annotated[Path | None, typer.Option("--report", help="Folder of the quality "
                                                    "report to include")] = None,
    project: ProjectOption = None,
) -> None:
    """Return a review: a bundle with only the review layer and its report (admins)."""
    from workbench.bundle.review import export_review_bundle
    from workbench.review.audit_sample import review_record

    try:
        p, _ = _project(project)
        files = tuple(sorted(f for f in (report_dir.iterdir() if report_dir else ())
                             if f.suffix in REPORT_SUFFIXES))
        with p.open_store() as store:
            manifest = export_review_bundle(store, audit_id, review_record(store, audit_id),
                                            dest, report_files=files)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(f"review bundle {manifest.digest[:16]}… written to {dest}", highlight=False)


@app.command("import")
def import_(
    source: Annotated[Path, typer.Argument(help="A review bundle from `bwv review export`")],
    project: ProjectOption = None,
) -> None:
    """Merge a returned review into the live store (admins; only the review layer)."""
    from workbench.bundle.review import import_review_bundle

    try:
        p, _ = _project(project)
        with p.open_store() as store:
            out = import_review_bundle(store, source, report_dir=p.root / "outputs")
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(f"review {out['audit_id']}: {out['rows']} rows merged; "
                  f"{len(out['reports'])} report file(s) in outputs/{out['audit_id']}",
                  highlight=False)
