"""The codebook side of an import: a codebook of the other tool's codes, or a mapping to ours.

- :func:`imported_codebook` turns the project's codes into a workbench codebook of its **own
  id** (never a version of an existing one): every codable code becomes a nominal,
  utterance-level code; its top-level folder becomes its group. Fields the other tool has no
  place for are filled with a placeholder and listed in the code's ``imported`` field
  (definition, examples, level, unit, applies_to), so a team can fill them in later.
- :func:`map_codes` links the project's codes to an existing workbench codebook: by the GUIDs
  a workbench export writes, then by the path of names (group / code / option labels).
  Codes that match nothing are listed, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from workbench.exchange.from_store import code_guid
from workbench.exchange.qda import QdaProject

if TYPE_CHECKING:
    from workbench.codebook.book import Codebook

PLACEHOLDER_DEFINITION = "(imported: no definition in the source project)"
PLACEHOLDER_EXAMPLE = "(imported: no example in the source project)"
IMPORTED_FIELDS = ["definition", "examples", "level", "unit", "applies_to"]


@dataclass(frozen=True)
class Target:
    """Where one QDA code lands: a workbench code, and the option it stands for (if any)."""

    code_id: str
    option: str | None = None


@dataclass
class CodeMapping:
    """QDA code GUID → :class:`Target`; ``unmatched`` lists the codable codes left out."""

    codebook_id: str
    targets: dict[str, Target] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)


def slug(text: str, *, limit: int = 60) -> str:
    """A slug of ``text``: lower-case letters, digits and underscores, starting with a letter."""
    value = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if not value or not value[0].isalpha():
        value = f"c_{value}" if value else "code"
    return value[:limit].rstrip("_")


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        suffix = f"_{n}"
        candidate = base[: 64 - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate


def imported_codebook(project: QdaProject, codebook_id: str) -> tuple[Codebook, CodeMapping]:
    """A codebook of the project's codable codes, and the mapping of GUIDs onto it."""
    from workbench.codebook.book import Codebook

    groups: list[dict] = []
    codes: list[dict] = []
    mapping = CodeMapping(codebook_id)
    taken_groups: set[str] = set()
    taken_codes: set[str] = set()
    loose: str | None = None
    for top in project.codes:
        entries = [(path, code) for path, code in top.walk() if code.codable]
        if not entries:
            continue
        if top.children or not top.codable:
            group_id = _unique(slug(top.name), taken_groups)
            groups.append({"id": group_id, "label": top.name,
                           "description": top.description or ""})
        else:
            if loose is None:
                loose = _unique("ungrouped", taken_groups)
                groups.append({"id": loose, "label": "Codes without a folder"})
            group_id = loose
        for path, code in entries:
            code_id = _unique(slug("_".join(path)), taken_codes)
            codes.append({
                "id": code_id, "label": " / ".join(path), "group": group_id,
                "unit": "utterance", "applies_to": "any", "level": "nominal",
                "definition": code.description.strip() or PLACEHOLDER_DEFINITION,
                "examples": [PLACEHOLDER_EXAMPLE],
                "imported": IMPORTED_FIELDS if not code.description.strip()
                else [f for f in IMPORTED_FIELDS if f != "definition"]})
            mapping.targets[code.guid] = Target(code_id)
    raw = {"id": codebook_id, "version": "1.0.0",
           "title": f"{project.name} (imported from {project.origin or 'a REFI-QDA project'})",
           "description": "Imported from a REFI-QDA project exchange file. Fields listed under "
                          "'imported' in a code have placeholders to be filled in.",
           "groups": groups or [{"id": "ungrouped", "label": "Codes"}], "codes": codes}
    return Codebook.model_validate(raw), mapping


def _our_targets(codebook: Codebook) -> tuple[dict[str, Target], dict[tuple[str, ...], Target]]:
    """Our codes and options by export GUID and by (group, code, option) label path."""
    by_guid: dict[str, Target] = {}
    by_path: dict[tuple[str, ...], Target] = {}
    for code in codebook.codes:
        group = codebook.group(code.group).label.casefold()
        options = [*code.options, *code.scale]
        if code.not_applicable is not None:
            options.append(code.not_applicable)
        by_guid[code_guid(codebook.id, code.id)] = Target(code.id)
        by_path[(group, code.label.casefold())] = Target(code.id)
        for option in options:
            target = Target(code.id, option.key)
            by_guid[code_guid(codebook.id, code.id, option.key)] = target
            by_path[(group, code.label.casefold(), option.label.casefold())] = target
    return by_guid, by_path


def map_codes(project: QdaProject, codebook: Codebook) -> CodeMapping:
    """Link the project's codes to ``codebook`` (by export GUID, then by label path)."""
    by_guid, by_path = _our_targets(codebook)
    mapping = CodeMapping(codebook.id)
    for path, code in project.all_codes():
        target = by_guid.get(code.guid) or by_path.get(tuple(n.casefold() for n in path))
        if target is not None:
            mapping.targets[code.guid] = target
        elif code.codable:
            mapping.unmatched.append(" / ".join(path))
    return mapping
