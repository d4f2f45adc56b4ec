"""``bwv ingest`` and ``bwv transcript …``: read transcripts in; fix roles and text after.

The ingest command parses arguments and calls :func:`workbench.ingest.ingest_paths`;
``--dry-run`` prints the per-file report (dialect, speakers with roles, ELAN tiers used and
skipped, warnings) without storing anything. Heavy modules are imported inside the commands.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from workbench.cli_options import ProjectOption, fail
from workbench.exceptions import WorkbenchError
from workbench.project import Project

console = Console(highlight=False)
ActorOption = Annotated[str | None, typer.Option(
    "--actor", help="Who makes the change (audit trail; default $BWV_ACTOR or the login)")]


def _actor(actor: str | None) -> str:
    return actor or os.environ.get("BWV_ACTOR") or getpass.getuser()


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Transcript files or folders (.vtt .srt "
                                                ".eaf .json .csv .tsv .jsonl)")],
    metadata: Annotated[Path | None, typer.Option(help="Clip metadata CSV (joined by "
                                                  "clip_id)")] = None,
    project: ProjectOption = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar")] = True,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Read and check everything and print the report per file "
                          "(dialect, speakers and roles, tiers, warnings); store nothing")] = False,
    actor: ActorOption = None,
) -> None:
    """Read transcripts into the project's store: all files or none (one transaction)."""
    from workbench.ingest import ReadOptions, ingest_paths

    try:
        proj = Project.load(project)
        options = ReadOptions(tuple(proj.speech_tiers), tuple(proj.skip_tiers))
        with proj.open_store() as store:
            report = ingest_paths(store, paths, speaker_rules=proj.speakers, metadata=metadata,
                                  progress=progress, options=options,
                                  file_roles=proj.speaker_roles, dry_run=dry_run,
                                  actor=_actor(actor))
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(report.details() if dry_run else report.summary(), soft_wrap=True)


transcript_app = typer.Typer(help="Fix transcripts after ingest: speaker roles, text.",
                             no_args_is_help=True)


@transcript_app.command("speakers")
def speakers(clip_id: Annotated[str, typer.Argument(help="Clip id")],
             project: ProjectOption = None) -> None:
    """List a clip's speaker labels with their roles (and which were set by hand)."""
    try:
        with Project.load(project).open_store() as store:
            rows = store.utterances(clip_id)
            chosen = store.speaker_roles(clip_id).get(clip_id, {})
    except WorkbenchError as exc:
        raise fail(exc) from exc
    if not rows:
        raise fail(WorkbenchError(f"unknown clip {clip_id!r} (or it has no utterances)"))
    counts: dict[tuple[str, str], int] = {}
    for u in rows:
        counts[(u.speaker, str(u.role))] = counts.get((u.speaker, str(u.role)), 0) + 1
    for (label, role), n in sorted(counts.items()):
        mark = " (set for this clip)" if label in chosen else ""
        console.print(f"{label or '(no label)'}\t{role}\t{n} utterances{mark}")


@transcript_app.command("role")
def role(clip_id: Annotated[str, typer.Argument(help="Clip id")],
         speaker: Annotated[str, typer.Argument(help="Speaker label, e.g. SPEAKER_00")],
         new_role: Annotated[str, typer.Argument(metavar="ROLE",
                                                 help="officer, subject, third_party, unknown")],
         reason: Annotated[str, typer.Option(help="Why (audit trail)")] = "",
         project: ProjectOption = None, actor: ActorOption = None) -> None:
    """Set the role of one speaker label in one clip (kept for later ingests; audited)."""
    try:
        with Project.load(project).open_store() as store:
            n = store.set_speaker_role(_actor(actor), clip_id, speaker, new_role, reason=reason)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(f"{clip_id}: {speaker} → {new_role} ({n} utterances)")


@transcript_app.command("correct")
def correct(clip_id: Annotated[str, typer.Argument(help="Clip id")],
            index: Annotated[int, typer.Argument(help="Utterance index (0-based)")],
            text: Annotated[str, typer.Argument(help="The corrected text")],
            reason: Annotated[str, typer.Option(help="Why (audit trail)")] = "",
            project: ProjectOption = None, actor: ActorOption = None) -> None:
    """Correct an utterance's text; its codes are kept (audited)."""
    try:
        with Project.load(project).open_store() as store:
            fixed = store.correct_utterance(_actor(actor), clip_id, index, text, reason=reason)
    except WorkbenchError as exc:
        raise fail(exc) from exc
    console.print(f"{clip_id} #{fixed.index}: {fixed.text}")
