"""What an ingest (or a dry run) found, file by file: dialect, speakers and roles, tiers.

``bwv ingest --dry-run`` prints :meth:`IngestReport.details` without storing anything, so a
user can check a new source — which dialect was recognised, which speaker labels got which
role, which ELAN tiers were taken as speech and why the others were skipped — before the first
real ingest.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from workbench.ingest.records import TierChoice
from workbench.model import Role


@dataclass
class FileReport:
    """What one file gave: clips, utterances, dialect, speakers, tiers and warnings.

    ``speakers`` maps each label to (role, number of utterances); ``tiers`` lists every ELAN
    tier with what was done with it.
    """

    path: Path
    clip_ids: list[str] = field(default_factory=list)
    n_utterances: int = 0
    warnings: list[str] = field(default_factory=list)
    dialect: str = ""
    speakers: dict[str, tuple[Role, int]] = field(default_factory=dict)
    tiers: list[TierChoice] = field(default_factory=list)

    def add_speakers(self, labels: Counter[tuple[str, Role]]) -> None:
        """Count (label, role) pairs of one clip into :attr:`speakers`."""
        for (label, role), n in labels.items():
            _, before = self.speakers.get(label, (role, 0))
            self.speakers[label] = (role, before + n)

    def lines(self) -> list[str]:
        """Human-readable lines for this file (used by :meth:`IngestReport.details`)."""
        head = (f"{self.path}: {self.dialect or 'unknown dialect'}, {len(self.clip_ids)} "
                f"clip(s), {self.n_utterances} utterances")
        out = [head]
        if self.speakers:
            out.append("  speakers: " + "; ".join(
                f"{label or '(no label)'} → {role} ({n})"
                for label, (role, n) in sorted(self.speakers.items())))
        for tier in self.tiers:
            what = f"speech, speaker {tier.speaker!r}" if tier.used else f"skipped: {tier.reason}"
            out.append(f"  tier {tier.tier_id!r} ({tier.n_annotations} annotations): {what}")
        out.extend(f"  warning: {w}" for w in self.warnings)
        return out


@dataclass
class IngestReport:
    """Outcome of :func:`~workbench.ingest.batch.ingest_paths`: clip ids by status, per file.

    ``realigned`` lists coded clips whose changed content was aligned with the old (codes
    carried over where a turn is unchanged, the rest flagged ``needs_recode``);
    ``metadata_updated`` lists clips whose transcript was unchanged but whose metadata changed;
    ``dry_run`` says nothing was stored (the lists say what *would* happen).
    """

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    realigned: list[str] = field(default_factory=list)
    metadata_updated: list[str] = field(default_factory=list)
    n_utterances: int = 0
    files: list[FileReport] = field(default_factory=list)
    dry_run: bool = False
    recode: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        """Every warning, prefixed with its file."""
        return [f"{f.path}: {w}" for f in self.files for w in f.warnings]

    def summary(self) -> str:
        """One line for the command line, plus one line per warning."""
        verb = "would be " if self.dry_run else ""
        head = (f"{'DRY RUN (nothing stored): ' if self.dry_run else ''}{len(self.files)} files, "
                f"{self.n_utterances} utterances: {len(self.added)} clips {verb}added, "
                f"{len(self.replaced)} {verb}replaced, {len(self.realigned)} {verb}realigned, "
                f"{len(self.unchanged)} unchanged, {len(self.metadata_updated)} with new "
                f"metadata")
        extra = [f"realigned {clip}: {carried} codes carried, {flagged} flagged for re-coding"
                 for clip, (carried, flagged) in sorted(self.recode.items())]
        return "\n".join([head, *extra, *(f"warning: {w}" for w in self.warnings)])

    def details(self) -> str:
        """The summary, then per file: dialect, speakers with roles, tiers, warnings."""
        lines = [self.summary().splitlines()[0]]
        lines.extend(self.summary().splitlines()[1:len(self.recode) + 1])
        for f in self.files:
            lines.extend(f.lines())
        return "\n".join(lines)
