"""The ``bwv`` command: parses arguments and calls the library; no logic of its own."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from workbench.acting import act_as
from workbench.cli_mount import LazyGroup, mount
from workbench.cli_options import ProjectOption, fail
from workbench.exceptions import ParameterError, WorkbenchError

# Importing this module must stay light: no pandas, SQLAlchemy, scikit-learn, statsmodels or
# matplotlib (tests/test_cli_start.py). Import the library inside the command functions, and
# mount an area's commands with `mount` (imported when the command runs).

app = typer.Typer(
    cls=LazyGroup,
    name="bwv",
    help=(
        "BWV coding workbench: code police body-worn-video transcripts against a versioned "
        "codebook, check inter-rater reliability, adjudicate, and run the study.\n\n"
        "Start with `bwv init FOLDER` (or `bwv demo FOLDER` for the synthetic 500-clip demo), "
        "then `bwv ingest FILES…`, code in JupyterLab (`make lab`), check `bwv irr`, and run "
        "`bwv study run`."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="Project folder to create")],
    store: Annotated[str | None, typer.Option(help="Store URL (default: SQLite file in "
                                              "FOLDER; or postgresql://user@host/db)")] = None,
    codebook: Annotated[str, typer.Option(help="Codebook as NAME@VERSION")] = "stop-search@1.0.0",
) -> None:
    """Create a project folder with a config (bwv.yaml) and an empty store."""
    from workbench.project import Project

    try:
        project = Project.init(folder, store_url=store, codebook=codebook)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(f"project ready: {project.config_path}\nstore: {project.store_url}")


@app.command()
def clips(
    project: ProjectOption = None,
    borough: Annotated[str | None, typer.Option(help="Only this borough")] = None,
    bcu: Annotated[str | None, typer.Option(help="Only this BCU")] = None,
    outcome: Annotated[str | None, typer.Option(help="Only this outcome")] = None,
    power: Annotated[str | None, typer.Option(help="Only this power")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many rows")] = 50,
) -> None:
    """List clips in the store, optionally filtered by metadata."""
    from workbench.project import Project

    filters = {k: v for k, v in {"borough": borough, "bcu": bcu, "outcome": outcome,
                                 "power": power}.items() if v is not None}
    try:
        with Project.load(project).open_store() as store:
            rows = store.clips(**filters)
            counts = store.clips_frame().set_index("clip_id")["n_utterances"]
    except WorkbenchError as exc:
        raise fail(exc) from exc
    table = Table(title=f"{len(rows)} clips")
    for col in ("clip", "borough", "date", "power", "outcome", "utterances", "minutes"):
        table.add_column(col)
    for clip in rows[:limit]:
        minutes = f"{clip.duration / 60:.1f}" if clip.duration else ""
        table.add_row(clip.clip_id, clip.borough or "", str(clip.date or ""), clip.power or "",
                      clip.outcome or "", str(counts.get(clip.clip_id, 0)), minutes)
    console.print(table)
    if len(rows) > limit:
        console.print(f"… {len(rows) - limit} more (use --limit)")


coder_app = typer.Typer(help="Coders and reviewers.", no_args_is_help=True)
app.add_typer(coder_app, name="coder")


@app.callback()
def acting_as(
    as_user: Annotated[str | None, typer.Option(
        "--as", envvar="BWV_USER", help="Act as this person (their roles apply; default: "
        "the store's owner, i.e. whoever can open the SQLite file)")] = None,
) -> None:
    """BWV coding workbench."""
    act_as(as_user)


@coder_app.command("add")
def coder_add(
    coder_id: Annotated[str, typer.Argument(help="Short id, e.g. c01")],
    name: Annotated[str, typer.Option(help="Display name")] = "",
    role: Annotated[list[str] | None, typer.Option(
        help="Role (repeat for several): admin, reviewer, analyst, coder, facilitator, "
        "panel_member; default coder")] = None,
    reviewer: Annotated[bool, typer.Option(help="Shortcut for --role coder --role "
                                           "reviewer")] = False,
    trainee: Annotated[bool, typer.Option(help="A trainee: practice and gold-standard clips "
                                          "only, until `bwv coder certify`")] = False,
    project: ProjectOption = None,
) -> None:
    """Add a person (or update their name, roles and status); admins only."""
    from workbench.model import Coder, CoderStatus, UserRole
    from workbench.project import Project

    try:
        roles = {UserRole(r) for r in (role or ["coder"])}
    except ValueError as exc:
        raise fail(ParameterError(str(exc), field="role")) from exc
    if reviewer:
        roles |= {UserRole.CODER, UserRole.REVIEWER}
    status = CoderStatus.TRAINEE if trainee else CoderStatus.CERTIFIED
    try:
        with Project.load(project).open_store() as store:
            store.add_coder(Coder(coder_id, name, frozenset(roles), status))
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(f"{coder_id} saved: {', '.join(sorted(roles))}; {status}")


@coder_app.command("list")
def coder_list(project: ProjectOption = None) -> None:
    """List people with their roles and coder status."""
    from workbench.project import Project

    try:
        with Project.load(project).open_store() as store:
            for c in store.coders():
                console.print(f"{c.coder_id}\t{c.name}\t{','.join(sorted(c.roles))}\t"
                              f"{c.status}")
    except WorkbenchError as exc:
        raise fail(exc) from exc


@coder_app.command("certify")
def coder_certify(
    coder_id: Annotated[str, typer.Argument(help="The trainee to certify")],
    reviewer: Annotated[str, typer.Option(help="The reviewer certifying (audited)")],
    reason: Annotated[str, typer.Option(help="Why (recorded in the audit)")],
    min_alpha: Annotated[float | None, typer.Option(
        help="Refuse unless the trainee's Krippendorff alpha against the gold standard's "
        "consensus is at least this")] = None,
    project: ProjectOption = None,
) -> None:
    """Certify a trainee (reviewers only): their ordinary work counts from now on."""
    from workbench.project import Project
    from workbench.review.certification import certify

    try:
        proj = Project.load(project)
        codebook = proj.load_codebook()
        with proj.open_store() as store:
            report = certify(store, codebook, coder_id, reviewer=reviewer, reason=reason,
                             min_alpha=min_alpha)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(f"{coder_id} certified by {reviewer}" + (
        "" if report is None else f" (alpha {report.alpha:.3f} on {report.n_units} "
        "gold-standard units)"))


@app.command()
def demo(
    folder: Annotated[Path, typer.Argument(help="Project folder for the demo")] = Path(
        "demo-project"),
    clips: Annotated[int, typer.Option("--clips", help="Number of synthetic clips")] = 500,
    seed: Annotated[int, typer.Option(help="Random seed of the synthetic corpus")] = 20211,
    store: Annotated[str | None, typer.Option(help="Store URL (default: SQLite file)")] = None,
) -> None:
    """Build the SYNTHETIC demo corpus (files in every format), ingest it, and load
    simulated coders' work, so the whole pipeline can be tried."""
    from workbench.demo.project import create_demo_project

    try:
        summary = create_demo_project(folder, n_clips=clips, seed=seed, store_url=store)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(str(summary))


mount("codebook", "workbench.cli_codebook:app",
      "Codebooks: validate, show, diff, render, migrate.")
mount("ingest", "workbench.cli_ingest:ingest",
      "Read transcripts into the store (all or none); --dry-run reports without storing.")
mount("transcript", "workbench.cli_ingest:transcript_app",
      "Fix transcripts after ingest: speaker roles per clip, text corrections.")
mount("irr", "workbench.cli_irr:app",
      "Inter-rater reliability of a ratings file, or of the project's double-coded clips.")
mount("assign", "workbench.cli_review:assign",
      "Allocate the clips nobody is assigned yet to coders (with an overlap sample).")
mount("study", "workbench.cli_study:app",
      "The study: run every notebook, check parameters, reproduce.")
mount("qdpx", "workbench.cli_exchange:app",
      "REFI-QDA (.qdpx) projects for ATLAS.ti, MAXQDA, QualCoder and NVivo: export, import.")
mount("export-data", "workbench.cli_exchange:export_data",
      "Analysis-ready tables with labels: CSV, Parquet, Stata, SPSS, R.")
mount("audit", "workbench.cli_audit:app",
      "The tamper-evident audit trail: verify the hash chain, export its head.")
mount("clip", "workbench.cli_audit:clip_app",
      "Clips: erase a clip's text and codes (admin only, audited).")
mount("doctor", "workbench.cli_audit:doctor",
      "Check a deployment: store, schema, codebook hashes, audit chain, roles.")
mount("panel", "workbench.cli_panel:app",
      "Community panel screenings: create, close, serve, report, expire.")
mount("export", "workbench.cli_bundle:export",
      "Write the store as a portable bundle (Parquet, codebooks, audit chain, manifest).")
mount("import", "workbench.cli_bundle:import_",
      "Restore a bundle into an empty store, verifying every hash and the chain.")
mount("review", "workbench.cli_quality:app",
      "Quality review: audit samples re-coded blind, the quality report, feedback, bundles.")
mount("assist", "workbench.cli_assist:app",
      "Assisted coding: markers, suggestion models, the active-learning queue, respect.")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
