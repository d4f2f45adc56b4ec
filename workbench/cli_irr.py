"""``bwv irr [FILE.csv]``: agreement coefficients of one ratings file, or the project's table.

A typer sub-app mounted lazily by `workbench.cli`; it parses and calls the library only:
`workbench.reliability.irr_file.summarise_file` (a file) and
`workbench.review.project_report.reliability_table` (the project, via `cli_review`).
Heavy modules are imported inside the command.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from workbench.cli_options import ProjectOption, fail
from workbench.exceptions import WorkbenchError


class LevelChoice(StrEnum):
    NOMINAL = "nominal"
    ORDINAL = "ordinal"
    INTERVAL = "interval"
    RATIO = "ratio"


class OutputFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    MARKDOWN = "markdown"


app = typer.Typer(
    help="Inter-rater reliability: of one CSV file with columns unit,coder,value, or (without"
    " a file) of the project's double-coded clips, per code.",
    context_settings={"allow_interspersed_args": True},
    pretty_exceptions_enable=False,
)


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


@app.callback(invoke_without_command=True)
def irr(
    file: Annotated[Path | None, typer.Argument(
        help="CSV with a header unit,coder,value; a missing rating is an absent row or an "
             "empty value. Without a file: the project's reliability table per code")] = None,
    level: Annotated[LevelChoice | None, typer.Option(
        "--level", help="Level of measurement (default: from --code, or nominal for text "
                        "labels, ordinal with --categories; numbers need it)")] = None,
    categories: Annotated[str, typer.Option(
        "--categories", help="The labels, comma-separated, lowest first for ordinal data "
                             "(e.g. none,mild,severe)")] = "",
    code: Annotated[str, typer.Option(
        "--code", help="Take the level and categories of this code of the project's "
                       "codebook")] = "",
    missing: Annotated[str, typer.Option(
        "--missing", help="Texts that mean 'not rated', comma-separated (e.g. NA,-99); by "
                          "default every non-empty text is a value")] = "",
    agreement: Annotated[str, typer.Option(
        "--agreement", help="Percent agreement per 'unit' (Gwet) or over 'pairable' values "
                            "(Krippendorff)")] = "unit",
    fleiss: Annotated[str, typer.Option(
        "--fleiss", help="Fleiss' kappa over 'all' units (Gwet's generalisation) or "
                         "'complete' units only (Fleiss 1971)")] = "all",
    weights_by: Annotated[str, typer.Option(
        "--weights-by", help="Cohen's kappa weights by 'rank' (R irr, statsmodels) or "
                             "'value' (Gwet, irrCAC)")] = "rank",
    method: Annotated[str, typer.Option(
        "--method", help="Alpha's interval from resampled 'units' or KALPHA pairs "
                         "('kalpha')")] = "units",
    undefined: Annotated[str, typer.Option(
        "--undefined", help="Resamples without a value: 'drop' (counted) or 'zero' "
                            "(KALPHA)")] = "drop",
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=0, help="Bootstrap resamples "
                                           "for the intervals (0: none)")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the resampling")] = 0,
    confidence: Annotated[float, typer.Option("--confidence", min=0.5, max=0.999,
                                              help="Coverage of the intervals")] = 0.95,
    output: Annotated[OutputFormat, typer.Option("--format", help="Output format")] = (
        OutputFormat.TABLE),
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format json")] = False,
    labels: Annotated[bool, typer.Option("--labels", help="Project table: show the "
                                         "codebook's labels beside the code ids")] = False,
    masi: Annotated[bool, typer.Option("--masi", help="Project table: set-valued codes also "
                                       "by MASI distance (Passonneau 2006)")] = False,
    memory_limit: Annotated[str | None, typer.Option(
        "--memory-limit", help="Largest array to build, e.g. 2GiB (default: "
                               "$BWV_MEMORY_LIMIT or 256MiB)")] = None,
    project: ProjectOption = None,
    coders: Annotated[str, typer.Option("--coders", help="Project table: only these coders, "
                                        "comma-separated")] = "",
    csv: Annotated[Path | None, typer.Option("--csv", help="Project table: also write it "
                                             "to this CSV file")] = None,
) -> None:
    """Percent agreement, Krippendorff's alpha, Fleiss' kappa, Cohen's kappa (two coders)
    and Gwet's AC1, each with a percentile bootstrap interval, the units it used, how many
    resamples gave a value, and its definition.

    With FILE: the coefficients of that ratings file. Without: the project's per-code table
    (Krippendorff's alpha at each code's level, interval, verdict), worst codes first.
    """
    fmt = OutputFormat.JSON if as_json else output
    if file is None:
        from workbench.cli_review import irr_project

        irr_project(bootstrap=bootstrap, seed=seed, coders=coders, csv=csv, project=project,
                    output=fmt.value, labels=labels, masi=masi)
        return
    from workbench.reliability.definitions import Choices
    from workbench.reliability.irr_file import summarise_file

    try:
        chosen_level, cats, source = _level_and_categories(level, categories, code, project)
        summary = summarise_file(
            file, chosen_level, categories=cats, missing=_names(missing),
            n_resamples=bootstrap, seed=seed, confidence=confidence,
            choices=Choices(agreement=agreement, fleiss=fleiss, weights_by=weights_by,
                            bootstrap=method, undefined=undefined),
            memory_limit=memory_limit, level_source=source,
        )
    except WorkbenchError as error:
        raise fail(error) from error
    typer.echo(render_summary(summary, fmt.value, file, confidence), nl=False)


def _level_and_categories(level: LevelChoice | None, categories: str, code: str,
                          project: Path | None) -> tuple[str | None, list[str] | None, str]:
    cats = _names(categories) or None
    if not code:
        return (level.value if level else None), cats, "given"
    from workbench.project import Project
    from workbench.review.project_report import ALPHA_LEVEL
    from workbench.review.project_report import categories as code_categories

    proj = Project.load(project)
    book = proj.load_codebook()
    entry = book.code(code)
    return (level.value if level else ALPHA_LEVEL[entry.level],
            cats or code_categories(entry), "codebook")


def summary_rows(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """One flat row per coefficient (for CSV and markdown)."""
    rows = []
    for name, values in summary["coefficients"].items():
        ci = values["ci"] or [None, None]
        rows.append({"coefficient": name, "label": values["label"],
                     "estimate": values["estimate"], "ci_low": ci[0], "ci_high": ci[1],
                     "n_units": values["n_units"], "n_valid": values["n_valid"],
                     "n_undefined": values["n_undefined"], "verdict": values["verdict"],
                     "definition": values["definition"], "note": values["note"] or ""})
    return rows


_SOURCE = {"given": "level given", "data": "level read from the data",
           "codebook": "level from the codebook"}


def _fixed(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def render_summary(summary: dict[str, Any], fmt: str, file: Path, confidence: float) -> str:
    """`summarise_file`'s result as text: a table, CSV, JSON or markdown."""
    if fmt == "json":
        return json.dumps(summary) + "\n"
    rows = summary_rows(summary)
    if fmt == "csv":
        import csv as csv_module
        import io

        buffer = io.StringIO()
        writer = csv_module.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue()
    heading = (f"{file.name}: {summary['n_units']} units, {summary['n_coders']} coders, "
               f"{summary['level']} ({_SOURCE[summary['level_source']]})")
    domain = _domain(summary["domain"])
    if fmt == "markdown":
        lines = [f"**{heading}**", "", f"Values: {domain}", "",
                 f"| coefficient | estimate | {confidence:.0%} interval | units | valid "
                 "resamples | reading |", "|---|---:|---:|---:|---:|---|"]
        for row in rows:
            interval = ("–" if row["ci_low"] is None else
                        f"{_fixed(row['ci_low'])} – {_fixed(row['ci_high'])}")
            valid = "–" if row["n_valid"] is None else row["n_valid"]
            lines.append(f"| {row['label']} | {_fixed(row['estimate'])} | {interval} | "
                         f"{row['n_units']} | {valid} | {row['verdict']} |")
        lines += ["", *[f"- {row['definition']}" for row in rows]]
        lines += [f"- **{', '.join(names)}**: {note}" for note, names in _notes(rows).items()]
        return "\n".join(lines) + "\n"
    return _rich_text(heading, domain, rows, confidence)


def _domain(labels: list[str], shown: int = 12) -> str:
    text = ", ".join(labels[:shown])
    return f"{text}, … ({len(labels):,} values)" if len(labels) > shown else text


def _rich_text(heading: str, domain: str, rows: list[dict[str, Any]], confidence: float) -> str:
    from rich.markup import escape
    from rich.table import Table

    console = Console(record=True, soft_wrap=False)
    table = Table(title=heading, caption=f"values: {domain}", title_justify="left",
                  caption_justify="left")
    table.add_column("coefficient", overflow="fold")
    table.add_column("estimate", justify="right", no_wrap=True)
    table.add_column(f"{confidence:.0%} interval", justify="right", overflow="fold")
    table.add_column("units", justify="right", no_wrap=True)
    table.add_column("valid", justify="right", no_wrap=True)
    table.add_column("reading", overflow="fold")
    for row in rows:
        interval = ("–" if row["ci_low"] is None else
                    f"{_fixed(row['ci_low'])} – {_fixed(row['ci_high'])}")
        table.add_row(row["label"], _fixed(row["estimate"]), interval, str(row["n_units"]),
                      "–" if row["n_valid"] is None else str(row["n_valid"]), row["verdict"])
    with console.capture() as capture:
        console.print(table)
        for row in rows:
            console.print(f"• {row['definition']}", highlight=False, markup=False)
        for note, names in _notes(rows).items():
            console.print(f"[bold]{', '.join(names)}[/]: {escape(note)}", highlight=False)
    return capture.get()


def _notes(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Each distinct note once, with the coefficients it concerns."""
    notes: dict[str, list[str]] = {}
    for row in rows:
        if row["note"]:
            notes.setdefault(row["note"], []).append(row["label"])
    return notes
