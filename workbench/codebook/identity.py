"""Codebook identity: a content hash, and the rule that a used version never changes.

The hash is the sha256 of a canonical JSON rendering of the *validated* model (keys sorted,
defaults left out, text normalised, no insignificant whitespace), so YAML comments, key
order, quoting, spelt-out defaults and re-flowed text do not change it, while any change of
content does.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel

from workbench.exceptions import CodebookError

if TYPE_CHECKING:
    from workbench.codebook.book import Codebook


class CodebookRegistry(Protocol):
    """The part of :class:`workbench.store.Store` that records codebook versions in use."""

    def record_codebook(self, codebook_id: str, version: str, content_hash: str,
                        content_json: str) -> None: ...

    def codebook_hash(self, codebook_id: str, version: str) -> str | None: ...


def canonical_json(model: BaseModel) -> str:
    """Compact JSON of the model: sorted keys, aliases (``from``), UTF-8, defaults left out.

    Leaving defaults out means an optional field added to the schema later does not change
    the hash of codebooks already in use.
    """
    data = model.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(model: BaseModel) -> str:
    """sha256 (hex) of :func:`canonical_json`."""
    return hashlib.sha256(canonical_json(model).encode("utf-8")).hexdigest()


def check_immutable(codebook: Codebook, recorded_hash: str | None) -> None:
    """Refuse a codebook whose content differs from the version already in use.

    ``recorded_hash`` is the hash recorded for the same id and version (None: the version
    has not been used yet, so anything goes).
    """
    if recorded_hash is None or recorded_hash == codebook.hash:
        return
    raise CodebookError(
        f"{codebook.label} is already in use with content hash {recorded_hash[:12]}…, but "
        f"this file hashes to {codebook.hash[:12]}…. A version is immutable once used: "
        "undo the edit, or publish the change as a new version (and declare migrations).",
        path=codebook.source_path, field="version")


def register_codebook(registry: CodebookRegistry, codebook: Codebook) -> str:
    """Check ``codebook`` against the store and record it as in use; returns its hash.

    Raises :class:`CodebookError` when the same id and version was recorded with other
    content (see :func:`check_immutable`).
    """
    check_immutable(codebook, registry.codebook_hash(codebook.id, codebook.version))
    registry.record_codebook(codebook.id, codebook.version, codebook.hash,
                             codebook.canonical_json())
    return codebook.hash
