"""``bwv assist``: markers, suggestion models, their evaluation, the active-learning queue,
its simulation and the respect comparison.

Commands parse, call the library (:mod:`workbench.assist`) and print. Suggestions are
probabilities: nothing here writes an annotation. Model files are Python pickles (joblib):
load only files you made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from workbench.cli_options import ProjectOption, fail
from workbench.exceptions import InputError, ParameterError, WorkbenchError

app = typer.Typer(help="Assisted coding: linguistic markers, learned suggestions (never "
                  "applied by themselves), the active-learning queue, respect comparison.",
                  no_args_is_help=True, pretty_exceptions_enable=False)
console = Console()

ModelsOption = Annotated[Path | None, typer.Option(
    "--models", help="Model file from `bwv assist train` (default: PROJECT/assist/"
    "models.joblib)")]
OnlyOption = Annotated[str, typer.Option("--only", help="Targets, comma-separated, e.g. "
                                         "pj_courtesy,esc_command=bare_order (default: all)")]


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _study_data(project: Path | None):
    from workbench.project import Project
    from workbench.study.data import load_study_data
    from workbench.study.params import StudyParams

    p = Project.load(project)
    params = StudyParams().resolved(store=p.store_url, codebook=p.codebook)
    return p, load_study_data(params, codebooks_dir=p.codebooks_dir)


def _models_path(project_root: Path, models: Path | None) -> Path:
    return models if models is not None else project_root / "assist" / "models.joblib"


def load_models(path: Path, codebook_hash: str) -> Any:
    """A model file of `bwv assist train`, checked against the project's codebook."""
    import joblib

    from workbench.assist.suggest import SuggestionModels

    if not path.is_file():
        raise InputError("no model file; make one with `bwv assist train`",
                         path=str(path))
    try:
        models = joblib.load(path)
    except Exception as exc:  # any unreadable pickle is the same user error
        raise InputError(f"not a model file of `bwv assist train` ({exc})",
                         path=str(path)) from exc
    if not isinstance(models, SuggestionModels):
        raise InputError("not a model file of `bwv assist train`", path=str(path))
    if models.codebook_hash != codebook_hash:
        raise InputError(f"trained on another codebook (hash "
                         f"{models.codebook_hash[:12]}, the project's is {codebook_hash[:12]});"
                         " train again", path=str(path))
    return models


def _print(frame, title: str, digits: int = 3) -> None:
    table = Table(title=title)
    for column in frame.columns:
        table.add_column(str(column))
    for row in frame.itertuples(index=False):
        table.add_row(*[f"{v:.{digits}f}" if isinstance(v, float) else str(v) for v in row])
    console.print(table)


def _write_csv(frame, path: Path | None) -> None:
    if path is not None:
        from workbench import textfiles

        textfiles.write_text(path, frame.to_csv(index=False), error=ParameterError)
        console.print(f"wrote {path}")


@app.command("markers")
def markers(
    out: Annotated[Path, typer.Option("--out", help="Folder for the Parquet output "
                                      "(markers/, one file a partition)")],
    source: Annotated[str | None, typer.Option("--source", help="Tabular transcripts (a "
                                               "folder or glob of .parquet/.csv); default: "
                                               "the project's store")] = None,
    workers: Annotated[int, typer.Option("--workers", help="Local Dask workers")] = 2,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="A Dask scheduler "
                                                  "address, e.g. tcp://host:8786")] = None,
    partitions: Annotated[int, typer.Option("--partitions", help="Partitions of a store's "
                                            "utterances")] = 8,
    project: ProjectOption = None,
) -> None:
    """Score the linguistic markers of every utterance on Dask, writing Parquet."""
    from workbench.assist.archive import score_archive

    try:
        if source is None:
            from workbench.project import Project

            with Project.load(project).open_store() as store:
                data: Any = store.utterances_frame()
        else:
            data = source
        run = score_archive(data, out, scheduler=scheduler, workers=workers,
                            partitions=partitions)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(f"{run.utterances} utterances scored in {run.partitions} partitions on "
                  f"{run.workers} worker(s) → {run.markers_dir}")


@app.command("train")
def train(
    out: Annotated[Path | None, typer.Option(
        "--out", help="Model file to write (default: PROJECT/assist/models.joblib)")] = None,
    only: OnlyOption = "",
    project: ProjectOption = None,
) -> None:
    """Train the suggestion models on the consensus layer (versioned by codebook and data)."""
    import joblib

    from workbench.assist.suggest import train as fit

    try:
        p, data = _study_data(project)
        models = fit(data.utterances, data.codes, data.codebook, only=_names(only) or None)
        path = _models_path(p.root, out)
        path.parent.mkdir(parents=True, exist_ok=True)
        joblib.dump(models, path)
    except (WorkbenchError, OSError) as exc:
        raise fail(exc if isinstance(exc, WorkbenchError) else InputError(str(exc))) from exc
    console.print(f"models {models.version}: {len(models.models)} targets trained, "
                  f"{len(models.too_few)} with too few positives (no suggestions) → {path}")
    for key, n in sorted(models.too_few.items()):
        console.print(f"  too few: {key} ({n} positive turns)")


@app.command("evaluate")
def evaluate(
    only: OnlyOption = "",
    folds: Annotated[int, typer.Option("--folds", help="Cross-validation folds")] = 5,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    csv: Annotated[Path | None, typer.Option("--csv", help="Also write the table")] = None,
    project: ProjectOption = None,
) -> None:
    """Cross-validated precision, recall, F1 and kappa per target, with the demo's phrase
    templates held out (the figure that counts) and within templates."""
    from workbench.assist.evaluate import cross_validate

    try:
        _, data = _study_data(project)
        table = cross_validate(data.utterances, data.codes, data.codebook, folds=folds,
                               seed=seed, only=_names(only) or None)
        _write_csv(table, csv)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    wide = table.pivot(index="key", columns="scheme", values=["f1", "kappa"])
    wide.columns = [f"{a}_{b}" for a, b in wide.columns]
    _print(wide.reset_index(), "suggestions against the consensus (held_out counts)")


@app.command("suggest")
def suggest(
    clip: Annotated[str, typer.Option("--clip", help="The clip to suggest codes for")],
    threshold: Annotated[float, typer.Option("--threshold", help="Show suggestions from "
                                             "this probability")] = 0.5,
    models: ModelsOption = None,
    project: ProjectOption = None,
) -> None:
    """Print the suggestions for one clip (nothing is written: coders accept hints in the
    coding widget, where hints are allowed)."""
    from workbench.coding.hints import utterance_frame
    from workbench.project import Project

    try:
        p = Project.load(project)
        fitted = load_models(_models_path(p.root, models), p.load_codebook().hash)
        with p.open_store() as store:
            turns = store.utterances(clip)
        if not turns:
            raise InputError(f"clip {clip!r} has no utterances in the store", field="clip")
        table = fitted.suggest(utterance_frame(turns))
    except WorkbenchError as exc:
        raise fail(exc) from exc
    shown = table[table["probability"] >= threshold].sort_values(
        ["utterance_index", "probability"], ascending=[True, False])
    _print(shown[["utterance_index", "key", "probability"]],
           f"suggestions for {clip} (p ≥ {threshold}; models {fitted.version})")


@app.command("queue")
def queue(
    strategy: Annotated[str, typer.Option("--strategy", help="uncertainty, diversity "
                                          "(uncertainty with diversity) or random")
                        ] = "diversity",
    balance: Annotated[float, typer.Option("--balance", help="Diversity: weight of "
                                           "uncertainty, 0–1")] = 0.5,
    limit: Annotated[int | None, typer.Option("--limit", help="Rank this many")] = None,
    include_assigned: Annotated[bool, typer.Option(
        "--include-assigned", help="Also rank clips already assigned but not yet in the "
        "consensus")] = False,
    csv: Annotated[Path | None, typer.Option("--csv", help="Write the order (for `bwv "
                                             "assign --order`)")] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    models: ModelsOption = None,
    project: ProjectOption = None,
) -> None:
    """Order the uncoded clips by the models' uncertainty (and diversity from the coded ones):
    code the clips the models learn most from first."""
    from workbench.assist.active import queue as rank
    from workbench.model import AssignmentKind, Layer
    from workbench.project import Project

    try:
        p = Project.load(project)
        fitted = load_models(_models_path(p.root, models), p.load_codebook().hash)
        with p.open_store() as store:
            utterances = store.utterances_frame()
            coded = sorted(set(store.annotations_frame(layer=Layer.CONSENSUS)["clip_id"]))
            assigned = {a.clip_id for a in store.assignments(kind=AssignmentKind.ORDINARY)}
            every = set(store.clips_frame()["clip_id"])
        uncoded = sorted(every - set(coded) - (set() if include_assigned else assigned))
        if not uncoded:
            console.print("no uncoded clips to rank (all are in the consensus"
                          + ("" if include_assigned else " or assigned") + ")")
            return
        order = rank(fitted, utterances, uncoded, strategy=strategy, coded=coded,
                     balance=balance, seed=seed, limit=limit)
        _write_csv(order, csv)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    _print(order.head(30), f"{len(order)} uncoded clips by {strategy} (first 30)")


@app.command("simulate")
def simulate(
    keys: Annotated[str, typer.Option("--keys", help="Targets whose mean F1 is tracked")
                    ] = "pj_courtesy,esc_command=bare_order,pj_explains_action",
    start: Annotated[int, typer.Option("--start", help="Random clips coded first")] = 20,
    batch: Annotated[int, typer.Option("--batch", help="Clips added per step")] = 20,
    max_clips: Annotated[int | None, typer.Option("--max-clips")] = None,
    target: Annotated[float | None, typer.Option(
        "--target", help="Target mean F1 (default: 95% of the whole pool's)")] = None,
    scheme: Annotated[str, typer.Option("--scheme", help="held_out (templates held out; "
                                        "counts) or within")] = "held_out",
    repeats: Annotated[int, typer.Option("--repeats", help="Runs from different starts")
                       ] = 1,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    project: ProjectOption = None,
) -> None:
    """Replay coding on the consensus: coded clips each strategy needs to reach a target F1,
    random order beside it."""
    from workbench.assist.active import simulate as run

    try:
        _, data = _study_data(project)
        sim = run(data.utterances, data.codes, data.codebook, keys=_names(keys), start=start,
                  batch=batch, max_clips=max_clips, target_f1=target, scheme=scheme,
                  repeats=repeats, seed=seed)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    curves = sim.curves.pivot(index="n_clips", columns="strategy", values="f1").reset_index()
    _print(curves, f"mean F1 of {', '.join(sim.keys)} by coded clips ({sim.scheme})")
    _print(sim.needed, "coded clips needed to reach the target")


@app.command("respect")
def respect(
    by: Annotated[str, typer.Option("--by", help="Clip column to compare by (the subject's "
                                    "self-defined ethnicity by default)")] = "ethnicity",
    reference: Annotated[str | None, typer.Option("--reference", help="Group the "
                                                  "differences are from")] = None,
    threshold: Annotated[int, typer.Option("--threshold", help="Disclosure: fewest clips "
                                           "a published figure may rest on")] = 10,
    measure: Annotated[str, typer.Option("--measure", help="respect or a marker; 'all' "
                                         "for every one")] = "respect",
    cluster: Annotated[str | None, typer.Option("--cluster", help="Clip column whose values "
                                                "are the units of the intervals, e.g. "
                                                "lead_officer (default: clips)")] = None,
    csv: Annotated[Path | None, typer.Option("--csv", help="Also write the (disclosure-"
                                             "controlled) table")] = None,
    project: ProjectOption = None,
) -> None:
    """Respect score and markers of officers' and subjects' turns by group, with intervals,
    after disclosure control (Voigt et al. 2017 style)."""
    from workbench.assist.respect import respect_comparison

    try:
        _, data = _study_data(project)
        table = respect_comparison(data.utterances, data.clips, by=by, reference=reference,
                                   threshold=threshold, cluster=cluster)
        _write_csv(table, csv)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    shown = table if measure == "all" else table[table["measure"] == measure]
    _print(shown.drop(columns=["p_groups"]),
           f"{measure} by {by} (differences from {table.attrs['reference']}; [c]: fewer than "
           f"{threshold} clips)")
