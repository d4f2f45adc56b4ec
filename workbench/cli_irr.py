"""``bwv irr FILE.csv``: agreement coefficients of one ratings file (parses and calls only).

A typer sub-app; the main CLI mounts it with ``app.add_typer(cli_irr.app, name="irr")``.
The logic is `workbench.reliability.irr_file.summarise_file`.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from workbench.exceptions import WorkbenchError
from workbench.reliability.catalogue import COEFFICIENTS
from workbench.reliability.irr_file import summarise_file


class LevelChoice(StrEnum):
    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"
    RATIO = "ratio"


app = typer.Typer(
    help="Inter-rater reliability: of one CSV file with columns unit,coder,value, or (without"
    " a file) of the project's double-coded clips, per code.",
    context_settings={"allow_interspersed_args": True},
    pretty_exceptions_enable=False,
)


@app.callback(invoke_without_command=True)
def irr(
    file: Annotated[Path | None, typer.Argument(
        help="CSV with a header unit,coder,value; a missing rating is an absent row. "
             "Without a file: the project's reliability table per code")] = None,
    level: Annotated[LevelChoice | None, typer.Option(
        "--level", help="Level of measurement (required with a file)")] = None,
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=0, help="Bootstrap resamples "
                                           "of units for the intervals (0: none)")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the resampling")] = 0,
    confidence: Annotated[float, typer.Option("--confidence", min=0.5, max=0.999,
                                              help="Coverage of the intervals")] = 0.95,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
    project: Annotated[Path | None, typer.Option(
        "--project", "-p", help="Project folder, when no FILE is given")] = None,
    coders: Annotated[str, typer.Option("--coders", help="Project table: only these coders, "
                                        "comma-separated")] = "",
    csv: Annotated[Path | None, typer.Option("--csv", help="Project table: also write it "
                                             "to this CSV file")] = None,
) -> None:
    """Percent agreement, Krippendorff's alpha, Fleiss' kappa, Cohen's kappa (two coders)
    and Gwet's AC1, each with a percentile bootstrap interval.

    With FILE: the coefficients of that ratings file. Without: the project's per-code table
    (Krippendorff's alpha at each code's level, interval, verdict), worst codes first.
    """
    if file is None:
        from workbench.cli_review import irr_project

        irr_project(bootstrap=bootstrap, seed=seed, coders=coders, csv=csv, project=project)
        return
    if level is None:
        Console(stderr=True).print("[bold red]error:[/] --level is required with a FILE "
                                   "(nominal, ordinal, interval or ratio)")
        raise typer.Exit(code=2)
    try:
        summary = summarise_file(
            file, level.value, n_resamples=bootstrap, seed=seed, confidence=confidence
        )
    except WorkbenchError as error:
        Console(stderr=True).print(f"[bold red]error:[/] {escape(str(error))}", highlight=False,
                                   soft_wrap=True)
        raise typer.Exit(code=2) from error
    if as_json:
        typer.echo(json.dumps(summary))
    else:
        Console().print(summary_table(summary, file, confidence))


def summary_table(summary: dict[str, Any], file: Path, confidence: float) -> Table:
    """A rich table of `summarise_file`'s result."""
    table = Table(
        title=f"{file.name}: {summary['n_units']} units, {summary['n_coders']} coders, "
        f"{summary['level']}",
    )
    table.add_column("coefficient")
    table.add_column("estimate", justify="right")
    table.add_column(f"{confidence:.0%} interval", justify="right")
    table.add_column("reading")
    for name, values in summary["coefficients"].items():
        entry = COEFFICIENTS.get(name)
        estimate = values["estimate"]
        ci = values["ci"]
        interval = "–" if not ci or None in ci else f"{ci[0]:.3f} – {ci[1]:.3f}"
        table.add_row(
            entry.label,
            "undefined" if estimate is None else f"{estimate:.3f}",
            interval,
            entry.verdict(float("nan") if estimate is None else estimate),
        )
    return table
