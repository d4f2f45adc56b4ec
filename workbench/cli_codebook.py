"""``bwv codebook``: validate, show, diff, render and migrate codebooks.

Mounted by :mod:`workbench.cli` as a sub-app. Commands only parse arguments, call
:mod:`workbench.codebook` and print; every error is a :class:`WorkbenchError` printed as one
line, with exit code 1.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from workbench import textfiles
from workbench.codebook import (
    Codebook,
    apply_migration,
    check_immutable,
    default_codebooks_dir,
    load_codebook,
    load_ref,
    plan_migration,
)
from workbench.codebook.diff import diff_codebooks, diff_markdown, diff_table, diff_text
from workbench.codebook.render import FORMATS, render
from workbench.codebook.tables import rich_table
from workbench.exceptions import ParameterError, WorkbenchError
from workbench.model import AnnotationStatus

app = typer.Typer(help="Codebooks: validate, show, diff, render, migrate.",
                  no_args_is_help=True)
console = Console()

STORE_HELP = "Store URL (default: the project's, from bwv.yaml)."
CODEBOOKS_HELP = "Folder holding <name>/<version>.yaml (default: the project's, else bundled)."


@contextmanager
def _reported() -> Iterator[None]:
    try:
        yield
    except WorkbenchError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False,
                      soft_wrap=True)
        raise typer.Exit(1) from None


def _project() -> Any | None:
    """The project in the current folder (or $BWV_PROJECT), if there is one."""
    try:
        from workbench.project import Project

        return Project.load()
    except WorkbenchError:
        return None


def _store_url(store: str | None) -> str:
    if store:
        return store
    project = _project()
    if project is None:
        raise ParameterError("no store: pass --store URL or run inside a project (bwv init)",
                             field="--store")
    return str(project.store_url)


def _codebooks_dir(codebooks: Path | None) -> Path:
    if codebooks is not None:
        return codebooks
    project = _project()
    return Path(project.codebooks_dir) if project is not None else default_codebooks_dir()


def _default_ref(ref: str | None) -> str:
    if ref:
        return ref
    project = _project()
    return str(project.codebook) if project is not None else "stop-search"


def _open_store(url: str) -> Any:
    from workbench.store import Store

    return Store(url)


@app.command()
def validate(
    path: Path = typer.Argument(..., help="A codebook YAML file."),
    store: str | None = typer.Option(None, "--store", help="Also check the version against "
                                     "this store (a used version is immutable)."),
) -> None:
    """Check a codebook file; print its id, version and content hash."""
    with _reported():
        codebook = load_codebook(path)
        state = ""
        if store:
            recorded = _open_store(store).codebook_hash(codebook.id, codebook.version)
            check_immutable(codebook, recorded)
            state = "; store: " + ("matches the version in use" if recorded
                                   else "not used in this store yet")
        console.print(f"[green]OK[/green] {codebook.label}: {len(codebook.codes)} codes in "
                      f"{len(codebook.groups)} groups, {len(codebook.derived)} derived "
                      f"measures; hash {codebook.hash}{state}", highlight=False,
                      soft_wrap=True)


@app.command()
def show(
    ref: str | None = typer.Argument(None, help="Path, NAME@VERSION or NAME (newest)."),
    codebooks: Path | None = typer.Option(None, "--codebooks", help=CODEBOOKS_HELP),
) -> None:
    """Summarise a codebook: its codes, values, shortcuts and derived measures."""
    with _reported():
        codebook = load_ref(_default_ref(ref), _codebooks_dir(codebooks))
        _print_summary(codebook)


def _print_summary(codebook: Codebook) -> None:
    console.print(f"[bold]{codebook.title}[/bold]\n{codebook.label}  hash {codebook.hash}",
                  highlight=False, soft_wrap=True)
    for group in codebook.groups:
        rows = [[c.id, c.unit, c.applies_to, c.level,
                 " ".join(c.option_keys()) or (c.range.unit if c.range else ""),
                 c.shortcut or ""] for c in codebook.codes_in(group.id)]
        console.print(rich_table(f"{group.label} ({group.id})",
                                 ["id", "unit", "applies to", "level", "values", "key"], rows))
    if codebook.derived:
        measures = [[m.id, m.kind, m.label] for m in codebook.derived]
        console.print(rich_table("derived measures", ["id", "kind", "label"], measures))


@app.command()
def diff(
    a: str = typer.Argument(..., help="Older codebook: path or NAME@VERSION."),
    b: str = typer.Argument(..., help="Newer codebook: path or NAME@VERSION."),
    fmt: str = typer.Option("table", "--format", help="table, text or md."),
    codebooks: Path | None = typer.Option(None, "--codebooks", help=CODEBOOKS_HELP),
) -> None:
    """What changed from A to B: added, removed, renamed, merged, split, changed codes."""
    with _reported():
        root = _codebooks_dir(codebooks)
        old, new = load_ref(a, root), load_ref(b, root)
        changes = diff_codebooks(old, new)
        writers: dict[str, Callable[[], None]] = {
            "table": lambda: console.print(diff_table(old, new, changes)),
            "text": lambda: sys.stdout.write(diff_text(old, new, changes)),
            "md": lambda: sys.stdout.write(diff_markdown(old, new, changes)),
        }
        if fmt not in writers:
            raise ParameterError(f"unknown format '{fmt}'; expected table, text or md",
                                 field="--format")
        writers[fmt]()


@app.command("render")
def render_command(
    ref: str | None = typer.Argument(None, help="Path, NAME@VERSION or NAME (newest)."),
    fmt: str = typer.Option("html", "--format", help="html or md."),
    out: Path | None = typer.Option(None, "--out", help="File to write (default: stdout)."),
    codebooks: Path | None = typer.Option(None, "--codebooks", help=CODEBOOKS_HELP),
) -> None:
    """Write the coder's manual (self-contained HTML or Markdown)."""
    with _reported():
        if fmt not in FORMATS:
            raise ParameterError(f"unknown format '{fmt}'; expected one of "
                                 f"{', '.join(FORMATS)}", field="--format")
        codebook = load_ref(_default_ref(ref), _codebooks_dir(codebooks))
        text = render(codebook, fmt)
        if out is None:
            sys.stdout.write(text)
            return
        textfiles.write_text(out, text, error=ParameterError, field="--out")
        console.print(f"wrote {out} ({codebook.label}, {len(text):,} characters)",
                      highlight=False, soft_wrap=True)


@app.command()
def migrate(
    to: str = typer.Option(..., "--to", help="Version to migrate to, e.g. 1.1.0."),
    name: str | None = typer.Option(None, "--codebook",
                                    help="Codebook name (default: the project's)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the plan; change nothing."),
    detail: bool = typer.Option(False, "--detail", help="List every unit, not a summary."),
    actor: str | None = typer.Option(None, "--actor", help="Who runs it (audit trail)."),
    store: str | None = typer.Option(None, "--store", help=STORE_HELP),
    codebooks: Path | None = typer.Option(None, "--codebooks", help=CODEBOOKS_HELP),
) -> None:
    """Move annotations to a newer codebook version, as that version declares."""
    with _reported():
        root = _codebooks_dir(codebooks)
        name = name or _default_ref(None).split("@", 1)[0]
        new = load_ref(f"{name}@{to}", root)
        if new.migrations is None:
            raise ParameterError(f"{new.label} declares no migrations (from which version?)",
                                 path=new.source_path, field="migrations")
        old = load_ref(f"{name}@{new.migrations.from_}", root)
        target = _open_store(_store_url(store))
        annotations = target.annotations(layer=None, statuses=tuple(AnnotationStatus))
        plan = plan_migration(old, new, annotations)
        console.print(plan.table(detail))
        if dry_run:
            console.print("dry run: nothing changed", highlight=False, soft_wrap=True)
            return
        who = actor or os.environ.get("BWV_ACTOR") or getpass.getuser()
        counts = apply_migration(target, plan, who)
        console.print(
            f"migrated to {new.label}: {counts['inserted']} annotations relabelled, "
            f"{counts['split'] + counts['unmapped']} need re-coding, {counts['retire']} "
            "retired; old rows kept (superseded / needs_recode)", highlight=False,
            soft_wrap=True)
        if store is None:
            _point_project_at(new)


def _point_project_at(codebook: Codebook) -> None:
    project = _project()
    if project is not None and str(project.codebook).split("@", 1)[0] == codebook.id:
        project.codebook = codebook.label
        project.save()
        console.print(f"project now codes with {codebook.label}", highlight=False,
                      soft_wrap=True)
