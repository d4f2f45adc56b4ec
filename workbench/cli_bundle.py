"""``bwv export`` and ``bwv import``: whole-store bundles (Parquet, codebooks, audit chain)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from workbench.acting import acting_user
from workbench.cli_options import ProjectOption, fail
from workbench.exceptions import WorkbenchError

console = Console()


def export(
    dest: Annotated[Path, typer.Argument(help="New folder, or a .zip file, for the bundle")],
    project: ProjectOption = None,
) -> None:
    """Write the whole store as a portable bundle: Parquet tables, codebooks, the audit
    chain, and a manifest of hashes (admins: `bwv --as ADMIN export …`; refused if the
    chain is broken)."""
    from workbench.bundle import export_bundle
    from workbench.project import Project

    try:
        with Project.load(project).open_store() as store:
            manifest = export_bundle(store, dest)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    rows = sum(f.rows or 0 for f in manifest.files)
    console.print(f"exported {rows} rows in {len(manifest.files)} files to {dest}; audit head "
                  f"{manifest.audit['head']['event_id']}; bundle {manifest.digest[:16]}…",
                  highlight=False)


def import_(
    source: Annotated[Path, typer.Argument(help="A bundle folder or .zip from bwv export")],
    project: ProjectOption = None,
) -> None:
    """Restore a bundle into the project's empty store, verifying every hash and the chain
    (admins: `bwv --as ADMIN import …`; on an empty store, the admin must be in the bundle)."""
    import os

    from workbench.bundle import import_bundle
    from workbench.deployment.team import store_url_for
    from workbench.project import Project
    from workbench.store import Store

    user = acting_user() or os.environ.get("BWV_USER") or None
    try:
        url = store_url_for(Project.load(project).store_url, user)
        with Store(url) as store:  # the owner's handle: an empty store knows nobody yet
            report = import_bundle(store, source, actor=user)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(report.summary(), highlight=False)
