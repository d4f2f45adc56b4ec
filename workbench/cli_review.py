"""``bwv assign`` and ``bwv irr-project``: allocate clips, and a project's reliability table.

A typer app the main CLI mounts (commands parse, call the library and print; no logic):
``app.command("assign")(cli_review.assign)`` and
``app.command("reliability")(cli_review.irr_project)``, or ``app.add_typer(cli_review.app)``.
The logic is :mod:`workbench.review.assignment` and
:mod:`workbench.review.project_report`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from workbench import textfiles
from workbench.cli_options import ProjectOption, fail
from workbench.exceptions import ParameterError, WorkbenchError
from workbench.project import Project
from workbench.review.assignment import assign_clips, summarise
from workbench.review.project_report import reliability_table

app = typer.Typer(help="Assign clips to coders; the project's reliability table.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
console = Console()

VERDICT_STYLE = {"acceptable": "green", "tentative": "yellow", "unreliable": "bold red",
                 "undefined": "dim", "no data": "dim"}


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]



@app.command("assign")
def assign(
    coders: Annotated[str, typer.Option("--coders", help="Coder ids, comma-separated, e.g. "
                                        "c01,c02,c03")],
    overlap: Annotated[float, typer.Option("--overlap", help="Share of the unassigned clips "
                                           "coded by several coders (reliability sample)")] = 0.2,
    overlap_coders: Annotated[int, typer.Option("--overlap-coders", help="Coders per overlap "
                                                "clip")] = 2,
    stratify: Annotated[str, typer.Option("--stratify", help="Clip metadata columns to "
                                          "stratify the overlap sample by, e.g. bcu,outcome")
                        ] = "",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the sample")] = 0,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan and show, write "
                                          "nothing")] = False,
    project: ProjectOption = None,
) -> None:
    """Allocate the clips nobody is assigned yet to coders.

    A stratified overlap sample (reliability) coded by several coders, workloads within one
    clip of each other, overlap clips spread through each queue; deterministic by seed."""
    columns = _names(stratify)
    try:
        with Project.load(project).open_store() as store:
            plan = assign_clips(store, _names(coders), overlap=overlap,
                                overlap_coders=overlap_coders, stratify=columns, seed=seed,
                                actor="cli", dry_run=dry_run)
            everything = plan if dry_run else store.assignments()
            summary = summarise(everything, store.clips_frame(), columns)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    verb = "would assign" if dry_run else "assigned"
    shared = len({a.clip_id for a in plan if a.reliability})
    console.print(f"{verb} {len({a.clip_id for a in plan})} clips ({shared} in the overlap "
                  f"sample, {overlap_coders} coders each; seed {seed})")
    console.print(frame_table(summary.per_coder, "clips per coder"))
    console.print(frame_table(summary.per_pair, "overlap clips per pair of coders"))
    console.print(frame_table(summary.strata, "strata: corpus vs overlap sample",
                              percent=("corpus_share", "overlap_share")))


@app.command("irr-project")
def irr_project(
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=0, help="Bootstrap resamples "
                                           "of units for the intervals (0: none)")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the resampling")] = 0,
    coders: Annotated[str, typer.Option("--coders", help="Only these coders, "
                                        "comma-separated (default: all)")] = "",
    csv: Annotated[Path | None, typer.Option("--csv", help="Also write the table to this "
                                             "CSV file")] = None,
    project: ProjectOption = None,
) -> None:
    """Krippendorff's alpha per code on the project's overlap clips, worst first."""
    from workbench.codebook.loading import load_ref

    try:
        proj = Project.load(project)
        codebook = load_ref(proj.codebook, proj.codebooks_dir)
        with proj.open_store() as store:
            table = reliability_table(store, codebook, bootstrap=bootstrap, seed=seed,
                                      coders=_names(coders) or None)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    if csv is not None:
        try:
            textfiles.write_text(csv, table.to_csv(index=False), error=ParameterError,
                                 field="--csv")
        except WorkbenchError as exc:
            raise fail(exc) from exc
    console.print(reliability_rich_table(table, f"{codebook.label}: reliability per code "
                                                f"(Krippendorff's alpha, B={bootstrap})"))


def reliability_rich_table(table: pd.DataFrame, title: str) -> Table:
    """The reliability table with verdicts coloured (green / yellow / red)."""
    out = Table(title=title)
    for column, justify in (("code", "left"), ("level", "left"), ("alpha", "right"),
                            ("95% CI", "right"), ("units", "right"), ("coders", "right"),
                            ("prevalence", "right"), ("verdict", "left")):
        out.add_column(column, justify=justify)  # type: ignore[arg-type]
    for row in table.itertuples(index=False):
        ci = "–" if pd.isna(row.ci_low) else f"{row.ci_low:.3f} – {row.ci_high:.3f}"
        style = VERDICT_STYLE.get(row.verdict, "")
        out.add_row(row.code_id, row.alpha_level, _number(row.alpha), ci, str(row.n_units),
                    str(row.n_coders), _percent(row.prevalence),
                    f"[{style}]{row.verdict}[/]" if style else row.verdict)
    return out


def frame_table(frame: pd.DataFrame, title: str, percent: tuple[str, ...] = ()) -> Table:
    """A DataFrame as a rich table (``percent`` columns shown as percentages)."""
    out = Table(title=title)
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        out.add_column(str(column), justify="right" if numeric else "left")
    for row in frame.itertuples(index=False):
        out.add_row(*[_percent(v) if c in percent else str(v)
                      for c, v in zip(frame.columns, row, strict=True)])
    return out


def _number(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:.3f}"


def _percent(value: float) -> str:
    return "–" if pd.isna(value) else f"{value:.1%}"
