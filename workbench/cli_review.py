"""``bwv assign`` and ``bwv irr-project``: allocate clips, and a project's reliability table.

A typer app the main CLI mounts (commands parse, call the library and print; no logic):
``app.command("assign")(cli_review.assign)`` and
``app.command("reliability")(cli_review.irr_project)``, or ``app.add_typer(cli_review.app)``.
The logic is :mod:`workbench.review.assignment` and
:mod:`workbench.review.project_report`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from workbench import textfiles
from workbench.cli_options import ProjectOption, fail
from workbench.exceptions import ParameterError, WorkbenchError
from workbench.project import Project
from workbench.review.assignment import assign_clips, summarise

app = typer.Typer(help="Assign clips to coders; the project's reliability table.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
console = Console()

VERDICT_STYLE = {"acceptable": "green", "tentative": "yellow", "unreliable": "bold red",
                 "undefined": "dim", "no data": "dim"}


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]



def clip_order(path: Path) -> list[str]:
    """The ``clip_id`` column of a CSV, in file order (a clear error if it has none)."""
    import io

    try:
        frame = pd.read_csv(io.StringIO(textfiles.read_text(path)), dtype=str)
    except (pd.errors.EmptyDataError, pd.errors.ParserError) as exc:
        raise ParameterError(f"{path}: not a CSV with a clip_id column ({exc})",
                             field="order") from exc
    if "clip_id" not in frame.columns:
        raise ParameterError(f"{path}: no clip_id column (columns: "
                             f"{', '.join(map(str, frame.columns))})", field="order")
    return frame["clip_id"].dropna().astype(str).tolist()


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
    order: Annotated[Path | None, typer.Option("--order", help="A CSV with a clip_id column "
                                               "(e.g. from `bwv assist queue --csv`): deal "
                                               "the single clips in that order")] = None,
    project: ProjectOption = None,
) -> None:
    """Allocate the clips nobody is assigned yet to coders.

    A stratified overlap sample (reliability) coded by several coders, workloads within one
    clip of each other, overlap clips spread through each queue; deterministic by seed."""
    columns = _names(stratify)
    try:
        ranked = [] if order is None else clip_order(order)
        with Project.load(project).open_store() as store:
            plan = assign_clips(store, _names(coders), overlap=overlap,
                                overlap_coders=overlap_coders, stratify=columns, seed=seed,
                                actor="cli", dry_run=dry_run, order=ranked)
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
    output: Annotated[str, typer.Option("--format", help="table, csv, json or "
                                        "markdown")] = "table",
    labels: Annotated[bool, typer.Option("--labels", help="Show the codebook's labels")
                      ] = False,
    masi: Annotated[bool, typer.Option("--masi", help="Set-valued codes: also alpha of the "
                                       "whole sets with MASI distance")] = False,
) -> None:
    """Krippendorff's alpha per code on the project's overlap clips, worst first."""
    from workbench.project import Project
    from workbench.review.project_report import reliability_table

    if output not in PROJECT_FORMATS:
        raise fail(ParameterError(f"unknown format '{output}'; expected one of: "
                                  f"{', '.join(PROJECT_FORMATS)}", field="format"))
    try:
        proj = Project.load(project)
        codebook = proj.load_codebook()
        with proj.open_store() as store:
            table = reliability_table(store, codebook, bootstrap=bootstrap, seed=seed,
                                      coders=_names(coders) or None, masi=masi)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    if csv is not None:
        try:
            textfiles.write_text(csv, table.to_csv(index=False), error=ParameterError,
                                 field="--csv")
        except WorkbenchError as exc:
            raise fail(exc) from exc
    if output == "csv":
        typer.echo(table.to_csv(index=False), nl=False)
    elif output == "json":
        typer.echo(table.to_json(orient="records"))
    elif output == "markdown":
        typer.echo(markdown_table(table, labels))
    else:
        console.print(reliability_rich_table(
            table, f"{codebook.label}: reliability per code (Krippendorff's alpha, "
                   f"B={bootstrap})", width=console.width, labels=labels))


PROJECT_FORMATS = ("table", "csv", "json", "markdown")
#: (header, table column, justify, essential), in display order. Code, alpha and verdict are
#: always shown; the others join in `OPTIONAL_PRIORITY` order while the table fits the
#: terminal, so nothing is abbreviated (a cell that still does not fit folds, never "…").
PROJECT_COLUMNS = (("code", "code_id", "left", True), ("alpha", "alpha", "right", True),
                   ("95% CI", "ci", "right", False), ("verdict", "verdict", "left", True),
                   ("units", "n_units", "right", False), ("valid", "n_valid", "right", False),
                   ("level", "alpha_level", "left", False),
                   ("coders", "n_coders", "right", False),
                   ("prevalence", "prevalence", "right", False))
OPTIONAL_PRIORITY = ("ci", "label", "n_units", "n_valid", "alpha_level", "n_coders",
                     "prevalence")


def _cells(row: Any) -> dict[str, str]:
    ci = "–" if pd.isna(row.ci_low) else f"{row.ci_low:.3f} – {row.ci_high:.3f}"
    return {"code_id": row.code_id, "alpha": _number(row.alpha), "ci": ci,
            "verdict": row.verdict, "n_units": str(row.n_units), "n_valid": str(row.n_valid),
            "alpha_level": row.alpha_level, "n_coders": str(row.n_coders),
            "prevalence": _percent(row.prevalence), "label": row.label}


def fitting_columns(table: pd.DataFrame, width: int, labels: bool = False
                    ) -> list[tuple[str, str, str, bool]]:
    """The columns that fit ``width`` characters: essential ones always, then the others in
    order while they fit (each column costs its widest cell plus 3 for borders)."""
    rows = [_cells(r) for r in table.itertuples(index=False)]
    columns = list(PROJECT_COLUMNS)
    if labels:
        columns.insert(1, ("label", "label", "left", False))

    def cost(column: tuple[str, str, str, bool]) -> int:
        widest = max([len(column[0]), *(len(r[column[1]]) for r in rows)])
        return (min(widest, 24) if column[1] == "label" else widest) + 3

    used = 1 + sum(cost(c) for c in columns if c[3])
    keep = {c[1] for c in columns if c[3]}
    by_key = {c[1]: c for c in columns}
    for key in OPTIONAL_PRIORITY:
        if key in by_key and used + cost(by_key[key]) <= width:
            keep.add(key)
            used += cost(by_key[key])
    return [c for c in columns if c[1] in keep]


def reliability_rich_table(table: pd.DataFrame, title: str, *, width: int = 120,
                           labels: bool = False) -> Table:
    """The reliability table with verdicts coloured (green / yellow / red), its columns
    chosen to fit ``width`` so that code ids and verdicts are never abbreviated."""
    columns = fitting_columns(table, width, labels)
    out = Table(title=title)
    for header, _key, justify, _essential in columns:
        out.add_column(header, justify=justify, overflow="fold",  # type: ignore[arg-type]
                       no_wrap=header not in ("label",))
    for row in table.itertuples(index=False):
        cells = _cells(row)
        style = VERDICT_STYLE.get(row.verdict, "")
        values = []
        for _header, key, _justify, _essential in columns:
            value = cells[key]
            values.append(f"[{style}]{value}[/]" if key == "verdict" and style else value)
        out.add_row(*values)
    return out


def markdown_table(table: pd.DataFrame, labels: bool = False) -> str:
    """The reliability table as a markdown pipe table (every column)."""
    columns = [c for c in PROJECT_COLUMNS]
    if labels:
        columns.insert(1, ("label", "label", "left", False))
    head = "| " + " | ".join(c[0] for c in columns) + " |"
    rule = "|" + "|".join("---:" if c[2] == "right" else "---" for c in columns) + "|"
    body = ["| " + " | ".join(_cells(r)[c[1]] for c in columns) + " |"
            for r in table.itertuples(index=False)]
    return "\n".join([head, rule, *body])


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
