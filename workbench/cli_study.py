"""``bwv study``: run the study pipeline; parses arguments and calls :mod:`workbench.study`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from workbench.cli_options import ProjectOption, fail
from workbench.exceptions import WorkbenchError

app = typer.Typer(
    name="study",
    help="The study pipeline: parameters → notebooks (papermill) → report, workbook, CSVs, "
         "figures and provenance in outputs/<run>/.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()

ParamsOption = Annotated[
    Path | None,
    typer.Option("--params", help="Study parameter file (YAML); default: all defaults"),
]



@app.command("run")
def run(
    params: ParamsOption = None,
    project: ProjectOption = None,
    run_name: Annotated[str | None, typer.Option("--run-name", help="Run folder name "
                                                 "(default: a timestamp)")] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing run folder of the "
                                            "same name")] = False,
    progress: Annotated[bool, typer.Option(help="Show a progress bar")] = True,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", min=1, help="Notebooks run "
                                             "at once (default: the usable CPUs, at most 4)")
                    ] = None,
    pdf: Annotated[bool, typer.Option(help="Also print report.pdf with Chromium")] = True,
) -> None:
    """Run every study notebook (in parallel) and assemble the run folder."""
    from workbench.study.runner import run_study

    try:
        result = run_study(params, project=project, run_name=run_name, overwrite=overwrite,
                           progress=progress, jobs=jobs, pdf=pdf)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    typer.echo(f"study finished in {result.seconds:.0f} s\n"
               f"report:   {result.report}\n"
               + (f"pdf:      {result.pdf}\n" if result.pdf else "")
               + f"workbook: {result.workbook}\nfolder:   {result.run_dir}")
    if result.pdf_skipped:
        typer.echo(result.pdf_skipped)


@app.command("params")
def params_command(
    check: Annotated[Path | None, typer.Option("--check", help="Validate this parameter "
                                               "file instead of printing the defaults")] = None,
) -> None:
    """Print a parameter file with every default (or validate one with --check)."""
    from workbench.study.params import StudyParams, load_params

    if check is None:
        typer.echo(StudyParams().to_yaml(), nl=False)
        return
    try:
        loaded = load_params(check)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    typer.echo(f"# {check}: valid\n{loaded.to_yaml()}", nl=False)


@app.command("reproduce")
def reproduce_command(
    provenance: Annotated[Path, typer.Argument(help="The published run's provenance.json "
                                               "(its tables/ folder beside it, if you have it)")],
    params: Annotated[Path | None, typer.Option(
        "--params", help="Run with this parameter file instead of the published parameters "
        "(the differences are reported)")] = None,
    project: ProjectOption = None,
    run_name: Annotated[str | None, typer.Option("--run-name", help="Run folder name "
                                                 "(default: reproduce-<run>)")] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar")] = True,
    pdf: Annotated[bool, typer.Option(help="Also render the report's PDF (no table depends "
                                           "on it)")] = True,
) -> None:
    """Re-run a published run from its provenance and compare every table with it."""
    from workbench.study.reproduce import reproduce

    try:
        report = reproduce(provenance, project=project or Path("."), params_path=params,
                           run_name=run_name, progress=progress, pdf=pdf)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    typer.echo(report.summary())
    if not report.identical:
        raise typer.Exit(code=1)
