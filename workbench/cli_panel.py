"""``bwv panel``: create and close screenings, serve the members' page (facilitators)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console

from workbench.cli_options import ProjectOption, fail
from workbench.exceptions import ParameterError, WorkbenchError

app = typer.Typer(help="Community panel screenings (facilitators).", no_args_is_help=True)
console = Console()


@app.command("create")
def create(
    panel: Annotated[str, typer.Argument(help="The panel's name, e.g. 'Lambeth PEP'")],
    held_on: Annotated[str, typer.Option("--date", help="Date of the screening, YYYY-MM-DD")],
    code: Annotated[str, typer.Option("--code", help="Access code members will type "
                                                      "(at least 6 characters)")],
    clip: Annotated[list[str] | None, typer.Option("--clip", help="A clip, chosen by hand "
                                                                  "(repeat)")] = None,
    random_n: Annotated[int | None, typer.Option("--random", help="Draw N clips at random "
                                                                  "from the study sample")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random draw")] = 0,
    power: Annotated[str | None, typer.Option("--power", help="Rule: clips of this power")
                     ] = None,
    bcu: Annotated[str | None, typer.Option("--bcu", help="Rule: clips of this BCU")] = None,
    project: ProjectOption = None,
) -> None:
    """Create an open screening; print its id (give members the id and the code)."""
    from workbench.panels import at_random, by_hand, by_rule
    from workbench.project import Project

    try:
        when = date.fromisoformat(held_on)
    except ValueError:
        raise fail(ParameterError(f"--date {held_on!r}: expected YYYY-MM-DD")) from None
    try:
        with Project.load(project).open_store() as store:
            if clip:
                ids, selection = by_hand(store, clip)
            elif random_n is not None:
                ids, selection = at_random(store, random_n, seed=seed)
            else:
                rule = {k: v for k, v in (("power", power), ("bcu", bcu)) if v is not None}
                if not rule:
                    raise ParameterError("choose clips: --clip, --random N or a rule "
                                         "(--power, --bcu)")
                ids, selection = by_rule(store, **rule)
            screening = store.create_screening(panel, when, ids, code, selection=selection)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(f"{screening.screening_id}: {len(ids)} clips", highlight=False)


@app.command("close")
def close(screening: Annotated[str, typer.Argument(help="Screening id")],
          project: ProjectOption = None) -> None:
    """Close a screening: its members can read and answer nothing more."""
    from workbench.project import Project

    try:
        with Project.load(project).open_store() as store:
            n = store.close_screening(screening)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(f"{screening} closed ({n} members)", highlight=False)


@app.command("serve")
def serve(host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Port")] = 8040,
          project: ProjectOption = None) -> None:
    """Serve the members' page (joins go through the acting facilitator's handle)."""
    import uvicorn

    from workbench.acting import acting_user
    from workbench.panels.app import create_app
    from workbench.project import Project

    try:
        loaded = Project.load(project)
        app_ = create_app(loaded.store_url, join_as=acting_user())
    except WorkbenchError as exc:
        raise fail(exc) from exc
    uvicorn.run(app_, host=host, port=port)
