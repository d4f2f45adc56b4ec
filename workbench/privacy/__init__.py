"""Privacy: disclosure control for published tables (each table, and study-wide across
tables), and redaction of transcript text."""

from workbench.privacy.audit import Cell, DisclosureAuditError, Finding, check, protect
from workbench.privacy.disclosure import (
    CONFIDENTIAL,
    Suppression,
    footnote,
    publish_counts,
    recoverable_cells,
    round_to_base,
    suppress_counts,
    suppress_rows,
)
from workbench.privacy.redaction import (
    PLACEHOLDERS,
    PiiSpan,
    find_pii,
    redact,
    redact_texts,
    scan_for_pii,
)

__all__ = [
    "CONFIDENTIAL",
    "PLACEHOLDERS",
    "Cell",
    "DisclosureAuditError",
    "Finding",
    "PiiSpan",
    "Suppression",
    "check",
    "find_pii",
    "footnote",
    "protect",
    "publish_counts",
    "recoverable_cells",
    "redact",
    "redact_texts",
    "round_to_base",
    "scan_for_pii",
    "suppress_counts",
    "suppress_rows",
]
