"""``bwv audit`` (verify the hash chain, export its head) and ``bwv clip erase``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from workbench.cli_options import ProjectOption, fail
from workbench.exceptions import ParameterError, WorkbenchError

app = typer.Typer(help="The tamper-evident audit trail: verify it, export its head.",
                  no_args_is_help=True)
clip_app = typer.Typer(help="Clip administration (admins).", no_args_is_help=True)


@clip_app.callback()
def _clip_group() -> None:
    """Clip administration (admins). A callback keeps `bwv clip erase` a sub-command even
    while `erase` is the group's only command."""
console = Console()


@clip_app.callback()
def clip_group() -> None:
    """Clip administration (admins)."""  # a callback keeps `clip` a group of one command


def _read_head(path: Path):  # type: ignore[no-untyped-def]
    from workbench.store.chain import ChainHead

    try:
        return ChainHead.from_json(path.read_text(encoding="utf-8"), source=str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise ParameterError(f"cannot read the exported head: {exc}", path=path) from exc
    except ValueError as exc:
        raise ParameterError(str(exc), path=path) from exc


@app.command("verify")
def verify(
    head: Annotated[Path | None, typer.Option(
        "--head", help="A head exported earlier (bwv audit head): the chain must contain it "
                       "unchanged")] = None,
    project: ProjectOption = None,
) -> None:
    """Walk the whole chain; name the first edited, inserted, deleted or moved record.

    Exits 1 if the chain is broken, 2 on bad input."""
    from workbench.project import Project

    try:
        exported = _read_head(head) if head is not None else None
        with Project.load(project).open_store() as store:
            report = store.verify_audit(exported)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(report.summary(), highlight=False)
    if not report.ok:
        raise typer.Exit(code=1)


@app.command("head")
def head(
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write the head (JSON) here to sign or publish; default: print it")
                   ] = None,
    project: ProjectOption = None,
) -> None:
    """Export the head of the verified chain (refused if the chain is broken)."""
    from workbench.project import Project
    from workbench.store.connection import utc_now

    try:
        with Project.load(project).open_store() as store:
            text = store.export_audit_head().to_json(exported_at=utc_now().isoformat())
        if out is not None:
            try:
                out.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise ParameterError(f"cannot write the head: {exc}", path=out) from exc
    except WorkbenchError as exc:
        raise fail(exc) from exc
    if out is None:
        typer.echo(text, nl=False)
    else:
        console.print(f"audit head written to {out}")


@clip_app.command("erase")
def erase(
    clip_id: Annotated[str, typer.Argument(help="The clip to erase")],
    reason: Annotated[str, typer.Option(help="Why: retention period or request reference "
                                             "(never the person's name)")],
    project: ProjectOption = None,
) -> None:
    """Erase a clip's text, metadata and codes (admins: `bwv --as ADMIN clip erase …`;
    audited; the chain stays intact)."""
    from workbench.project import Project

    try:
        with Project.load(project).open_store() as store:
            report = store.erase_clip(clip_id, reason=reason)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(report.summary(), highlight=False)


def doctor(
    head: Annotated[Path | None, typer.Option(
        "--head", help="An exported audit head the chain must contain")] = None,
    project: ProjectOption = None,
) -> None:
    """Check a deployment: store reachable, schema current, codebook hashes consistent,
    audit chain intact, roles set. Exits 1 if any check fails."""
    from rich.table import Table

    from workbench.deployment import run_checks
    from workbench.project import Project

    try:
        exported = _read_head(head) if head is not None else None
        checks = run_checks(Project.load(project), head=exported)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    table = Table(title="bwv doctor")
    for col in ("check", "", "found"):
        table.add_column(col)
    for check in checks:
        table.add_row(check.name, "ok" if check.ok else "FAIL", check.detail)
    console.print(table)
    if not all(c.ok for c in checks):
        raise typer.Exit(code=1)
