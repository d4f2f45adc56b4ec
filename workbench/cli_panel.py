"""``bwv panel``: create and close screenings, serve the members' and facilitators' pages,
the quarterly report, retention (facilitators)."""

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
        app_ = create_app(loaded.store_url, join_as=acting_user(), project=loaded.root)
        code = None
        if acting_user():
            with loaded.open_store() as store:
                code = store.issue_facilitator_login()
    except WorkbenchError as exc:
        raise fail(exc) from exc
    if code:
        console.print(f"facilitator pages: http://{host}:{port}/facilitator/login — login "
                      f"code (valid 12 h): {code}", highlight=False)
    uvicorn.run(app_, host=host, port=port)


@app.command("demo")
def demo(seed: Annotated[int, typer.Option(help="Seed of the synthetic panel")] = 17,
         project: ProjectOption = None) -> None:
    """Add a SYNTHETIC panel (four closed quarterly screenings) to a demo project."""
    from workbench.panels.demo import add_synthetic_panel
    from workbench.project import Project

    try:
        with Project.load(project).open_store() as store:
            made = add_synthetic_panel(store, seed=seed)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(f"SYNTHETIC panel: {len(made.screening_ids)} screenings, {made.n_members} "
                  f"members, {made.n_answers} answers", highlight=False)


@app.command("groups")
def groups(group: Annotated[str, typer.Argument(help="A self-described group, e.g. age_band")],
           threshold: Annotated[int, typer.Option(help="Disclosure threshold (members)")] = 10,
           project: ProjectOption = None) -> None:
    """Pooled group means (small groups [c]) and the pairs of groups that differ (Holm)."""
    from workbench.panels.comparison import group_differences, group_means, ratings_frame
    from workbench.project import Project

    try:
        with Project.load(project).open_store() as store:
            ratings = ratings_frame(store)
        means = group_means(ratings, group, threshold=threshold)
        diffs = group_differences(ratings, group, threshold=threshold)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(means.to_string(index=False), highlight=False)
    flagged = diffs[diffs["flagged"]]
    console.print(f"\n{len(flagged)} of {len(diffs)} comparisons differ (Holm p < 0.05)",
                  highlight=False)
    if len(flagged):
        console.print(flagged.to_string(index=False), highlight=False)


@app.command("report")
def report(quarter: Annotated[str, typer.Option("--quarter", help="Quarter, e.g. 2026Q3")],
           out: Annotated[str | None, typer.Option("--out", help="Output folder (default: "
                                                   "<project>/outputs/panels/<quarter>)")] = None,
           pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also print the PDF")]
           = True,
           project: ProjectOption = None) -> None:
    """The quarterly learning report (HTML and PDF), read as the acting user."""
    from workbench.acting import acting_user
    from workbench.panels.learning_report import run_learning_report
    from workbench.project import Project

    try:
        root = Project.load(project).root
        html, printed = run_learning_report(root, quarter, out_dir=out, as_user=acting_user(),
                                            pdf=pdf)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(f"report: {html}" + (f"\nPDF: {printed}" if printed else ""),
                  highlight=False)


@app.command("expire")
def expire(project: ProjectOption = None) -> None:
    """Erase members' comments, pseudonyms and self-descriptions of screenings closed longer
    than the retention period (``panels: retention_days`` in bwv.yaml; default 365)."""
    from workbench.panels import PanelSettings
    from workbench.project import Project

    try:
        loaded = Project.load(project)
        settings = PanelSettings.from_project(loaded.root)
        with loaded.open_store() as store:
            done = store.expire_panel_data(settings.retention_days)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(done.summary(), highlight=False)


@app.command("login")
def login(hours: Annotated[float, typer.Option(help="Hours the code is valid")] = 12,
          project: ProjectOption = None) -> None:
    """A login code for the facilitator pages of `bwv panel serve` (run with --as FAC)."""
    from workbench.project import Project

    try:
        with Project.load(project).open_store() as store:
            code = store.issue_facilitator_login(hours=hours)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(f"facilitator login code (valid {hours:g} h): {code}\n"
                  f"open /facilitator/login on the panel server and enter it", highlight=False)
