"""The bundle manifest: one versioned description of every file in a bundle, with hashes.

A bundle is a folder (or a ``.zip`` of one) holding ``manifest.json`` and the files it lists.
The same manifest serves every kind of bundle:

* ``store`` — a whole store: one Parquet file per table, the codebooks, the audit chain;
  imported into an empty store (``bwv import``).
* ``review`` — one ``review:<audit id>`` layer and its report, made against a known chain
  head (``audit.base``); merged into a live store, extending its chain.
* ``data`` — derived data (a study's export, ``bwv study reproduce`` inputs): files only.

Readers refuse a format version newer than theirs, any file whose size or SHA-256 differs,
and any file on disk that the manifest does not list.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from workbench.exceptions import BundleError

FORMAT = "bwv-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
KINDS = ("store", "review", "data")


@dataclass(frozen=True)
class FileEntry:
    """One file of the bundle: where, how big (bytes), its SHA-256, and what it is.

    ``role``: table | codebook | report | data. Tables also give ``table`` and ``rows``.
    """

    path: str
    sha256: str
    bytes: int
    role: str
    table: str | None = None
    rows: int | None = None


@dataclass(frozen=True)
class Manifest:
    """What a bundle holds.

    ``schema_version``: the store schema of its tables. ``audit``: ``head`` (event id and
    hash of the last record carried), ``records`` (how many), and for review bundles
    ``base`` (the head of the live chain the review was made against). ``layers``: the
    annotation layers carried. ``codebooks``: id, version, hash and path of each.
    """

    kind: str
    created_at: str
    created_by: str
    workbench_version: str
    schema_version: int | None = None
    files: tuple[FileEntry, ...] = ()
    codebooks: tuple[dict[str, str], ...] = ()
    layers: tuple[str, ...] = ()
    audit: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_json(self) -> str:
        data = asdict(self)
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @property
    def digest(self) -> str:
        """SHA-256 of the manifest text: the bundle's identity (it covers every file hash)."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    def table_files(self) -> dict[str, FileEntry]:
        return {f.table: f for f in self.files if f.role == "table" and f.table}

    @classmethod
    def from_json(cls, text: str, *, source: str) -> Manifest:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BundleError(f"manifest is not JSON: {exc}", path=source) from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BundleError(f"not a bundle manifest (expected format {FORMAT!r})",
                              path=source, field="format")
        version = data.get("format_version")
        if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
            raise BundleError(f"bundle format version {version!r}; this workbench reads "
                              f"1 to {FORMAT_VERSION}: upgrade the workbench", path=source,
                              field="format_version")
        if data.get("kind") not in KINDS:
            raise BundleError(f"kind {data.get('kind')!r}; expected one of {', '.join(KINDS)}",
                              path=source, field="kind")
        try:
            files = tuple(FileEntry(**f) for f in data.get("files", []))
            manifest = cls(**{**data, "files": files,
                              "codebooks": tuple(data.get("codebooks", [])),
                              "layers": tuple(data.get("layers", []))})
        except TypeError as exc:
            raise BundleError(f"manifest fields are not as expected: {exc}",
                              path=source) from exc
        if manifest.kind == "review":
            check_review(manifest, source)
        return manifest


def check_review(manifest: Manifest, source: str) -> None:
    """A review bundle carries only ``review:<audit id>`` layers and names the live chain's
    head it was made against (``audit.base``), so a merge can extend that chain."""
    if not manifest.layers or not all(layer.startswith("review:") and len(layer) > 7
                                      for layer in manifest.layers):
        raise BundleError(f"a review bundle carries only review:<audit id> layers, not "
                          f"{list(manifest.layers)}", path=source, field="layers")
    base = manifest.audit.get("base")
    if not (isinstance(base, dict) and isinstance(base.get("event_id"), int)
            and isinstance(base.get("hash"), str) and len(base["hash"]) == 64):
        raise BundleError("a review bundle names the chain head it was made against "
                          "(audit.base: event_id and a 64-digit hash)", path=source,
                          field="audit.base")


def file_entry(root: Path, path: Path, role: str, **extra: Any) -> FileEntry:
    """Describe ``path`` (inside ``root``) for the manifest."""
    data = path.read_bytes()
    return FileEntry(path.relative_to(root).as_posix(), hashlib.sha256(data).hexdigest(),
                     len(data), role, **extra)


def check_files(root: Path, manifest: Manifest) -> None:
    """Every listed file present with its size and hash; nothing unlisted beside them."""
    listed = {f.path for f in manifest.files}
    for entry in manifest.files:
        path = root / entry.path
        if ".." in Path(entry.path).parts or Path(entry.path).is_absolute():
            raise BundleError("a file path leaves the bundle", path=entry.path, field="path")
        if not path.is_file():
            raise BundleError("listed in the manifest but missing", path=entry.path)
        data = path.read_bytes()
        if len(data) != entry.bytes or hashlib.sha256(data).hexdigest() != entry.sha256:
            raise BundleError(f"size or SHA-256 differs from the manifest ({len(data)} bytes, "
                              f"expected {entry.bytes}): the file was changed or damaged",
                              path=entry.path)
    extra = sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                   if p.is_file() and p.name != MANIFEST
                   and p.relative_to(root).as_posix() not in listed)
    if extra:
        raise BundleError(f"{len(extra)} file(s) not in the manifest, e.g. {extra[0]}: refusing "
                          "a bundle with unlisted content", path=root)
