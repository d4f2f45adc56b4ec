"""What every ``bwv`` sub-command shares: the ``--project`` option and how errors are shown."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from workbench.exceptions import WorkbenchError

ProjectOption = Annotated[
    Path | None,
    typer.Option("--project", "-p", help="Project folder (default: $BWV_PROJECT or .)"),
]


def fail(exc: WorkbenchError) -> typer.Exit:
    """Print the error (it names the file, line or field) and exit with code 2."""
    Console(stderr=True).print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False,
                               soft_wrap=True)  # one line, brackets in the message kept
    return typer.Exit(code=2)
