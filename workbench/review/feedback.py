"""Findings of a quality review turned into action: re-coding requests and codebook drafts.

- :func:`request_recode`: flag a code for re-coding on every clip a coder finished (optionally
  within one period, the month the clip was done). The coder's active rows of that code become
  ``needs_recode`` (kept, never deleted), each clip goes back to *in progress* in the coder's
  queue, and one ``recode_requested:<coder>`` record per clip carries the reviewer's note,
  which that coder's own handle reads (and no other coder's) (:func:`recode_requests`).
- :func:`propose_codebook_change`: a draft of the next codebook version (``<id>/<version>-
  draft.yaml`` in the project's codebooks folder) headed by the definitions in question and
  the reviewer's note; audited with the draft's hash. The draft is a proposal: a version is
  adopted only by saving it under its version number and validating it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.exceptions import ParameterError
from workbench.model import AnnotationStatus, AssignmentKind, AssignmentStatus, Layer
from workbench.store.chain import sha256

if TYPE_CHECKING:
    from workbench.codebook.book import Codebook
    from workbench.store import Store

REQUESTED = "recode_requested"
PROPOSED = "codebook_change_proposed"


def request_recode(store: Store, codebook: Codebook, *, audit_id: str, code_id: str,
                   coder_id: str, reviewer: str, note: str,
                   period: str | None = None) -> dict[str, int]:
    """Flag ``code_id`` for re-coding on ``coder_id``'s finished clips (in ``period``,
    "YYYY-MM", if given); returns the clips reopened and the rows flagged. One transaction.
    A flagged element of a set code (``legal_explanation[grounds]``, as the report names it)
    flags the set code: a set is re-coded whole."""
    if code_id.endswith("]") and "[" in code_id:
        code_id = code_id.split("[", 1)[0]
    if code_id not in codebook.code_ids:
        raise ParameterError(f"code {code_id!r} is not in {codebook.id} {codebook.version}",
                             field="code")
    if not note.strip():
        raise ParameterError("a re-coding request needs the reviewer's note", field="note")
    clips = [a.clip_id for a in store.assignments(coder_id=coder_id,
                                                  kind=AssignmentKind.ORDINARY)
             if a.status == AssignmentStatus.DONE and (
                 period is None or (a.updated_at and a.updated_at.strftime("%Y-%m") == period))]
    if not clips:
        raise ParameterError(f"{coder_id!r} has no finished clips"
                             + (f" in {period}" if period else ""), field="coder")
    rows = [a.annotation_id for a in store.annotations(coder_id=coder_id, code_id=code_id,
                                                        layer=Layer.CODER)
            if a.clip_id in set(clips) and a.annotation_id is not None]
    with store.transaction():
        if rows:
            store.set_annotation_status(rows, AnnotationStatus.NEEDS_RECODE, actor=reviewer,
                                        reason=f"quality review {audit_id}: {note}")
        for clip_id in clips:
            store.set_progress(clip_id, coder_id, status=AssignmentStatus.IN_PROGRESS)
            store.audit(reviewer, f"{REQUESTED}:{coder_id}", clip_id=clip_id, audit_id=audit_id,
                        code_id=code_id, coder=coder_id, note=note, period=period)
    return {"clips": len(clips), "rows": len(rows)}


def recode_requests(store: Store, coder_id: str) -> list[dict[str, Any]]:
    """Open re-coding requests for a coder: clip, code, the reviewer's note, who asked."""
    return [{"clip_id": e.clip_id, "code_id": e.detail.get("code_id"),
             "note": e.detail.get("note"), "reviewer": e.actor,
             "audit_id": e.detail.get("audit_id")}
            for e in store.audit_events(action=f"{REQUESTED}:{coder_id}")]


def propose_codebook_change(store: Store, codebook: Codebook, source: Path, dest_dir: Path, *,
                            code_ids: list[str], note: str, reviewer: str,
                            next_version: str) -> Path:
    """Write a draft of ``next_version`` to ``dest_dir``/<id>/<version>-draft.yaml from
    ``source`` (the codebook's YAML file): the file unchanged but its version, headed by the
    codes in question (their current definitions) and the note. Audited with the draft's
    SHA-256. Returns the draft's path."""
    unknown = [c for c in code_ids if c not in codebook.code_ids]
    if unknown or not code_ids:
        raise ParameterError(f"codes {unknown or code_ids} are not in {codebook.id} "
                             f"{codebook.version}", field="codes")
    if next_version == codebook.version:
        raise ParameterError("the draft needs a new version number", field="version")
    text = Path(source).read_text(encoding="utf-8")
    old = f"version: {codebook.version}"
    if old not in text and f'version: "{codebook.version}"' not in text:
        raise ParameterError(f"cannot find the version line in {source}", field="source")
    body = text.replace(old, f"version: {next_version}", 1).replace(
        f'version: "{codebook.version}"', f'version: "{next_version}"', 1)
    header = [f"# DRAFT of {codebook.id} {next_version}, proposed by {reviewer} from a quality "
              "review", f"# Reviewer's note: {note}", "# Definitions in question:"]
    for code_id in code_ids:
        code = codebook.code(code_id)
        definition = " ".join(str(getattr(code, "definition", "")).split())
        header.append(f"#   {code_id} ({code.label}): {definition}")
    draft = Path(dest_dir) / codebook.id / f"{next_version}-draft.yaml"
    draft.parent.mkdir(parents=True, exist_ok=True)
    if draft.exists():
        raise ParameterError("a draft of that version exists already", field="version")
    content = "\n".join(header) + "\n" + body
    draft.write_text(content, encoding="utf-8")
    store.audit(reviewer, PROPOSED, new_content=sha256(content), codebook_id=codebook.id,
                from_version=codebook.version, version=next_version, codes=code_ids,
                note=note, draft=draft.name)
    return draft
