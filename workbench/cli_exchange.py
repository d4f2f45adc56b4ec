"""``bwv qdpx export|import`` and ``bwv export-data``: exchange with QDA tools, Stata, SPSS, R.

Parses, calls :mod:`workbench.exchange`, prints; heavy imports happen inside the commands.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from workbench.cli_options import ProjectOption, fail
from workbench.exceptions import WorkbenchError

app = typer.Typer(help="REFI-QDA (.qdpx) projects for ATLAS.ti, MAXQDA, QualCoder and NVivo.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
console = Console()

LayerOption = Annotated[str, typer.Option(
    help="Layer: 'consensus' (the adjudicated codes), 'coder:<id>', or 'all' (qdpx only)")]
ShareableOption = Annotated[bool, typer.Option(
    "--shareable/--internal",
    help="Shareable (outside the coding team): text redacted, identifiers dropped")]


@app.command("export")
def export(
    out: Annotated[Path, typer.Argument(help="The .qdpx file to write")],
    layer: LayerOption = "consensus",
    shareable: ShareableOption = False,
    project: ProjectOption = None,
) -> None:
    """Write the project's clips, codebook, coders and one layer as a .qdpx."""
    from workbench.exchange import export_qdpx
    from workbench.project import Project

    try:
        proj = Project.load(project)
        codebook = proj.load_codebook()
        with proj.open_store() as store:
            path = export_qdpx(store, codebook, out, layer=layer, shareable=shareable,
                               name=proj.root.name, media_root=proj.root)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(f"wrote {path} (layer {layer}, {'shareable' if shareable else 'internal'})")


@app.command("import")
def import_(
    source: Annotated[Path, typer.Argument(help="A .qdpx (or .qde) written by another tool")],
    map_to: Annotated[str | None, typer.Option(
        help="Map its codes onto this workbench codebook (NAME@VERSION) instead of "
             "importing them as a codebook of their own")] = None,
    codebook_id: Annotated[str | None, typer.Option(
        help="Id of the imported codebook (default: imported-<project name>)")] = None,
    project: ProjectOption = None,
) -> None:
    """Import a REFI-QDA project: sources → clips, codes → a codebook, codings → annotations."""
    import yaml

    from workbench.codebook.loading import load_ref
    from workbench.exchange import import_qdpx
    from workbench.project import Project

    try:
        proj = Project.load(project)
        target = load_ref(map_to, proj.codebooks_dir) if map_to else None
        with proj.open_store() as store:
            report, codebook = import_qdpx(store, source, codebook=target,
                                           codebook_id=codebook_id)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(report.summary(), highlight=False)
    if target is None and codebook is not None:
        folder = proj.root / "codebooks" / codebook.id
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{codebook.version}.yaml"
        data = codebook.model_dump(mode="json", by_alias=True, exclude_defaults=True)
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
        console.print(f"imported codebook written to {path}; placeholders are listed under "
                      "'imported' in each code")


def export_data(
    out: Annotated[Path, typer.Argument(help="Folder to write the tables into")],
    layer: LayerOption = "consensus",
    shareable: ShareableOption = False,
    format: Annotated[str, typer.Option(
        "--format", help="Comma-separated: csv, parquet, dta, sav, r")] = "csv,parquet,dta,sav,r",
    project: ProjectOption = None,
) -> None:
    """Analysis-ready tables (one row per utterance, one per clip) with labels."""
    from workbench.exchange import export_data as write
    from workbench.project import Project

    formats = tuple(f.strip().lower() for f in format.split(",") if f.strip())
    try:
        proj = Project.load(project)
        codebook = proj.load_codebook()
        with proj.open_store() as store:
            result = write(store, codebook, out, layer=layer, shareable=shareable,
                           formats=formats)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    for path in result.files:
        console.print(f"wrote {path}")
