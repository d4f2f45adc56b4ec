"""What changed between two codebook versions, as records and as readable tables.

Renames, merges, splits and retirements come from the newer version's ``migrations`` when it
declares them for the older version; a removed and an added code whose definitions match
(similarity ≥ :data:`RENAME_SIMILARITY`) are reported as an *inferred* rename.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from rich.table import Table

from workbench.codebook.book import Codebook
from workbench.codebook.measures import DerivedMeasure
from workbench.codebook.schema import Code, Option
from workbench.codebook.tables import markdown_table, plain_table, rich_table

#: Definition similarity (difflib ratio) above which an undeclared rename is inferred.
RENAME_SIMILARITY = 0.9

HEADERS = ("change", "code", "field", "detail")


@dataclass(frozen=True)
class CodeChange:
    """One difference. ``kind`` is one of: added, removed, renamed, merged, split, retired,
    level_changed, definition_changed, options_changed, changed (another field),
    group_added, group_removed, measure_added, measure_removed, measure_changed.
    """

    kind: str
    old_ids: tuple[str, ...] = ()
    new_ids: tuple[str, ...] = ()
    field: str | None = None
    detail: str = ""
    declared: bool = True

    @property
    def code(self) -> str:
        """``old → new`` for renames/merges/splits, else the one id."""
        old, new = ", ".join(self.old_ids), ", ".join(self.new_ids)
        if old and new and old != new:
            return f"{old} → {new}"
        return new or old

    def row(self) -> list[str]:
        kind = self.kind if self.declared else f"{self.kind} (inferred)"
        return [kind, self.code, self.field or "", self.detail]


def diff_codebooks(old: Codebook, new: Codebook) -> list[CodeChange]:
    """Differences from ``old`` to ``new`` (codes, groups, derived measures)."""
    changes: list[CodeChange] = []
    old_ids, new_ids = set(old.code_ids), set(new.code_ids)
    used_old: set[str] = set()
    used_new: set[str] = set()
    migrations = new.migrations if new.migrations and new.migrations.from_ == old.version \
        else None
    for rule in migrations.rules if migrations else []:
        sources = tuple(s for s in rule.sources() if s in old_ids)
        targets = tuple(t for t in rule.targets() if t in new_ids)
        if rule.recode_options is not None:
            recode = rule.recode_options
            pairs = ", ".join(f"{k} → {v}" for k, v in recode.map.items())
            changes.append(CodeChange("options_changed", (recode.code,), (recode.code,),
                                      "values", f"declared recode: {pairs}"))
            continue
        if not sources:
            continue
        used_old.update(sources)
        used_new.update(t for t in targets if t not in old_ids)
        if rule.kind == "rename" and targets:
            changes.append(CodeChange("renamed", sources, targets))
            changes += compare_codes(old.code(sources[0]), new.code(targets[0]))
        elif rule.kind == "retire":
            changes.append(CodeChange("retired", sources, (), detail="kept under the old "
                                      "version; not carried forward"))
        else:
            verb = "re-code by hand" if rule.kind == "split" else "relabelled"
            kind = "merged" if rule.kind == "merge" else "split"
            changes.append(CodeChange(kind, sources, targets, detail=f"annotations: {verb}"))
    removed = [c for c in old.code_ids if c not in new_ids and c not in used_old]
    added = [c for c in new.code_ids if c not in old_ids and c not in used_new]
    for old_id, new_id in _inferred_renames(old, new, removed, added):
        removed.remove(old_id)
        added.remove(new_id)
        changes.append(CodeChange("renamed", (old_id,), (new_id,), declared=False,
                                  detail="undeclared: definitions match"))
        changes += compare_codes(old.code(old_id), new.code(new_id))
    changes += [CodeChange("removed", (c,), ()) for c in removed]
    changes += [CodeChange("added", (), (c,), detail=new.code(c).label) for c in added]
    for code_id in new.code_ids:
        if code_id in old_ids:
            changes += compare_codes(old.code(code_id), new.code(code_id))
    changes += _group_changes(old, new) + _measure_changes(old, new)
    return changes


def compare_codes(old: Code, new: Code) -> list[CodeChange]:
    """Field-by-field changes of one code (``new`` may carry a new id)."""
    ids = ((old.id,), (new.id,))
    out: list[CodeChange] = []
    if old.level != new.level:
        out.append(CodeChange("level_changed", *ids, "level", f"{old.level} → {new.level}"))
    if old.multiple != new.multiple:
        shape = {False: "one value per unit", True: "a set of values per unit"}
        out.append(CodeChange("level_changed", *ids, "multiple",
                              f"{shape[old.multiple]} → {shape[new.multiple]}"))
    if old.definition != new.definition:
        out.append(CodeChange("definition_changed", *ids, "definition",
                              _text_change(old.definition, new.definition)))
    for field in ("options", "scale"):
        detail = _options_change(getattr(old, field), getattr(new, field))
        if detail:
            out.append(CodeChange("options_changed", *ids, field, detail))
    if old.not_applicable != new.not_applicable:
        out.append(CodeChange("options_changed", *ids, "not_applicable",
                              f"{_key(old.not_applicable)} → {_key(new.not_applicable)}"))
    if old.range != new.range:
        out.append(CodeChange("options_changed", *ids, "range", f"{old.range} → {new.range}"))
    for field in ("label", "group", "unit", "applies_to", "shortcut"):
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            out.append(CodeChange("changed", *ids, field, f"{before} → {after}"))
    for field in ("include", "exclude", "examples"):
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            out.append(CodeChange("changed", *ids, field,
                                  f"{len(before)} → {len(after)} item(s), wording changed"))
    return out


def _inferred_renames(old: Codebook, new: Codebook, removed: list[str],
                      added: list[str]) -> list[tuple[str, str]]:
    scored = sorted(
        ((_similarity(old.code(r).definition, new.code(a).definition), r, a)
         for r in removed for a in added), reverse=True)
    pairs: list[tuple[str, str]] = []
    taken: set[str] = set()
    for score, r, a in scored:
        if score >= RENAME_SIMILARITY and r not in taken and a not in taken:
            pairs.append((r, a))
            taken.update((r, a))
    return pairs


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio()


def _text_change(before: str, after: str, width: int = 60) -> str:
    def cut(text: str) -> str:
        return text if len(text) <= width else text[:width - 1] + "…"

    return f"“{cut(before)}” → “{cut(after)}”"


def _options_change(before: list[Option], after: list[Option]) -> str:
    old_keys, new_keys = [o.key for o in before], [o.key for o in after]
    parts = []
    added = [k for k in new_keys if k not in old_keys]
    removed = [k for k in old_keys if k not in new_keys]
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    kept_old = [k for k in old_keys if k in new_keys]
    kept_new = [k for k in new_keys if k in old_keys]
    if kept_old != kept_new:
        parts.append("order " + " < ".join(kept_new))
    old_by_key = {o.key: o for o in before}
    reworded = [o.key for o in after if o.key in old_by_key and o != old_by_key[o.key]]
    if reworded:
        parts.append("label/anchor reworded: " + ", ".join(reworded))
    return "; ".join(parts)


def _key(option: Option | None) -> str:
    return option.key if option is not None else "(none)"


def _group_changes(old: Codebook, new: Codebook) -> list[CodeChange]:
    old_groups = {g.id for g in old.groups}
    new_groups = {g.id for g in new.groups}
    return ([CodeChange("group_added", (), (g,)) for g in sorted(new_groups - old_groups)]
            + [CodeChange("group_removed", (g,), ()) for g in sorted(old_groups - new_groups)])


def _measure_changes(old: Codebook, new: Codebook) -> list[CodeChange]:
    before = {m.id: m for m in old.derived}
    after = {m.id: m for m in new.derived}
    out = [CodeChange("measure_removed", (m,), ()) for m in before if m not in after]
    for measure_id, measure in after.items():
        if measure_id not in before:
            out.append(CodeChange("measure_added", (), (measure_id,), detail=measure.label))
        elif measure != before[measure_id]:
            out.append(CodeChange("measure_changed", (measure_id,), (measure_id,),
                                  detail=_measure_detail(before[measure_id], measure)))
    return out


def _measure_detail(before: DerivedMeasure, after: DerivedMeasure) -> str:
    parts = []
    for name in ("indicators", "negative", "plus", "minus"):
        old = [i.describe() for i in getattr(before, name)]
        new = [i.describe() for i in getattr(after, name)]
        if old != new:
            gone = [i for i in old if i not in new]
            came = [i for i in new if i not in old]
            parts.append(f"{name}: {', '.join(gone) or '—'} → {', '.join(came) or '—'}"
                         if gone or came else f"{name}: reordered")
    for name in ("kind", "role", "per", "label", "description", "reference"):
        if getattr(before, name) != getattr(after, name):
            parts.append(f"{name} changed")
    return "; ".join(parts)


# ---- renderings ------------------------------------------------------------------------------
def _title(old: Codebook, new: Codebook) -> str:
    return f"{old.label} → {new.label}"


def diff_text(old: Codebook, new: Codebook, changes: list[CodeChange] | None = None) -> str:
    changes = diff_codebooks(old, new) if changes is None else changes
    body = plain_table(HEADERS, [c.row() for c in changes]) if changes else "(no changes)"
    return f"{_title(old, new)}\n\n{body}\n"


def diff_markdown(old: Codebook, new: Codebook,
                  changes: list[CodeChange] | None = None) -> str:
    changes = diff_codebooks(old, new) if changes is None else changes
    body = markdown_table(HEADERS, [c.row() for c in changes]) if changes else "No changes."
    return f"### {_title(old, new)}\n\n{body}\n"


def diff_table(old: Codebook, new: Codebook, changes: list[CodeChange] | None = None) -> Table:
    changes = diff_codebooks(old, new) if changes is None else changes
    return rich_table(_title(old, new), HEADERS, [c.row() for c in changes])
