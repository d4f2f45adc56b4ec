"""Moving annotations from one codebook version to the next, as declared by the new version.

:func:`plan_migration` is pure: it decides, for every active annotation made under the old
version, what happens to it —

==========  =================================================================  ============
action      when                                                               old row
==========  =================================================================  ============
carry       same code id and value in the new version                          superseded
remap       same code id, value mapped by ``recode_options``                   superseded
rename      ``rename`` rule (values carried or mapped by ``values``)           superseded
merge       ``merge`` rule; equal values on one unit collapse into one row     superseded
split       ``split`` rule: never guessed                                      needs_recode
to_set      the code became a set per unit (``multiple: true``): the old row   needs_recode
            holds one value where the unit may have carried several
retire      ``retire`` rule: not carried forward (kept, audited as retired)    superseded
unmapped    a value the new code lacks, a unit change, or merged codes that    needs_recode
            disagree on one unit
==========  =================================================================  ============

:func:`apply_migration` carries a plan out in one store transaction: rows are never deleted;
relabelled copies are inserted under the new version and hash; every clip touched gets an
audit event naming the old and new annotation ids.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from rich.table import Table

from workbench.codebook.book import Codebook
from workbench.codebook.identity import register_codebook
from workbench.codebook.tables import markdown_table, plain_table, rich_table
from workbench.exceptions import CodebookError, ConflictError
from workbench.model import Annotation, AnnotationStatus

RELABEL_ACTIONS = ("carry", "remap", "rename", "merge")
SUMMARY_HEADERS = ("action", "from", "to", "values", "annotations", "old rows become")
DETAIL_HEADERS = ("action", "clip", "turn", "coder", "from", "to", "reason")


@dataclass(frozen=True)
class MigrationStep:
    """What happens to ``old`` (one or more annotations of one unit/coder/layer)."""

    action: str
    old: tuple[Annotation, ...]
    new: Annotation | None = None
    reason: str = ""

    @property
    def outcome(self) -> AnnotationStatus:
        """The status the old rows get."""
        if self.action in (*RELABEL_ACTIONS, "retire"):
            return AnnotationStatus.SUPERSEDED
        return AnnotationStatus.NEEDS_RECODE


@dataclass(frozen=True)
class MigrationPlan:
    """Every in-scope annotation in exactly one step; ``out_of_scope`` counts the rest."""

    old_codebook: Codebook
    new_codebook: Codebook
    steps: tuple[MigrationStep, ...]
    out_of_scope: int = 0

    @property
    def relabelled(self) -> list[MigrationStep]:
        return [s for s in self.steps if s.new is not None]

    def old_ids(self, outcome: AnnotationStatus) -> list[int]:
        """annotation_ids of old rows that get ``outcome`` (rows without an id are skipped)."""
        return [a.annotation_id for s in self.steps if s.outcome == outcome for a in s.old
                if a.annotation_id is not None]

    def counts(self) -> dict[str, int]:
        """Annotations per action, plus the number of rows to insert."""
        counts = Counter({a: 0 for a in (*RELABEL_ACTIONS, "split", "to_set", "retire",
                                          "unmapped")})
        for step in self.steps:
            counts[step.action] += len(step.old)
        return {**counts, "in_scope": sum(counts.values()), "inserted": len(self.relabelled),
                "out_of_scope": self.out_of_scope}

    def summary_rows(self) -> list[list[str]]:
        """One row per (action, old code, new code, value change), with counts."""
        tally: Counter[tuple[str, str, str, str, str]] = Counter()
        for step in self.steps:
            for old in step.old:
                to = step.new.code_id if step.new is not None else "—"
                to_value = step.new.value if step.new is not None else "?"
                values = old.value if old.value == to_value else f"{old.value} → {to_value}"
                tally[(step.action, old.code_id, to, values, str(step.outcome))] += 1
        return [[a, f, t, v, str(n), o] for (a, f, t, v, o), n in sorted(tally.items())]

    def detail_rows(self) -> list[list[str]]:
        rows = []
        for step in self.steps:
            first = step.old[0]
            turn = "clip" if first.utterance_index is None else str(first.utterance_index)
            source = ", ".join(f"{a.code_id}={a.value}" for a in step.old)
            target = f"{step.new.code_id}={step.new.value}" if step.new is not None else "—"
            rows.append([step.action, first.clip_id, turn, first.coder_id, source, target,
                         step.reason])
        return rows

    @property
    def title(self) -> str:
        return (f"migration {self.old_codebook.label} → {self.new_codebook.label} "
                f"({len(self.steps)} units, {self.counts()['in_scope']} annotations)")

    def text(self, detail: bool = False) -> str:
        headers, rows = self._table(detail)
        return f"{self.title}\n\n{plain_table(headers, rows)}\n"

    def markdown(self, detail: bool = False) -> str:
        headers, rows = self._table(detail)
        return f"### {self.title}\n\n{markdown_table(headers, rows)}\n"

    def table(self, detail: bool = False) -> Table:
        headers, rows = self._table(detail)
        return rich_table(self.title, headers, rows)

    def _table(self, detail: bool) -> tuple[tuple[str, ...], list[list[str]]]:
        return (DETAIL_HEADERS, self.detail_rows()) if detail else \
            (SUMMARY_HEADERS, self.summary_rows())


def plan_migration(old_cb: Codebook, new_cb: Codebook,
                   annotations: Iterable[Annotation]) -> MigrationPlan:
    """Decide what happens to each active annotation made under ``old_cb`` (pure).

    Annotations of other codebooks or versions, or not active, are out of scope (counted).
    Raises :class:`CodebookError` when ``new_cb`` does not declare migrations from
    ``old_cb`` but drops codes, or when an annotation's hash differs from ``old_cb``'s.
    """
    _check_pair(old_cb, new_cb)
    in_scope: list[Annotation] = []
    out_of_scope = 0
    for ann in annotations:
        if (ann.codebook_id, ann.codebook_version, ann.status) != \
                (old_cb.id, old_cb.version, AnnotationStatus.ACTIVE):
            out_of_scope += 1
            continue
        if ann.codebook_hash != old_cb.hash:
            raise CodebookError(
                f"annotation {ann.annotation_id} was made under {old_cb.label} with hash "
                f"{ann.codebook_hash[:12]}…, but the file hashes to {old_cb.hash[:12]}…: "
                "the version was edited after use", path=old_cb.source_path,
                code_id=ann.code_id, field="codebook_hash")
        in_scope.append(ann)
    steps: list[MigrationStep] = []
    pending: dict[tuple[Any, ...], list[tuple[Annotation, Annotation, str]]] = defaultdict(list)
    for ann in in_scope:
        step_or_target = _map_one(old_cb, new_cb, ann)
        if isinstance(step_or_target, MigrationStep):
            steps.append(step_or_target)
            continue
        new_ann, action = step_or_target
        key = (ann.clip_id, ann.utterance_index, new_ann.code_id, ann.coder_id, ann.layer)
        pending[key].append((ann, new_ann, action))
    for group in pending.values():
        olds = tuple(old for old, _, _ in group)
        values = {new.value for _, new, _ in group}
        actions = {action for _, _, action in group}
        if len(values) > 1:
            steps.append(MigrationStep("unmapped", olds, None, "merged codes disagree on this "
                                       f"unit ({', '.join(sorted(values))}): re-code"))
            continue
        action = "merge" if "merge" in actions or len(group) > 1 else actions.pop()
        steps.append(MigrationStep(action, olds, group[0][1]))
    order = {id(a): i for i, a in enumerate(in_scope)}
    steps.sort(key=lambda s: min(order[id(a)] for a in s.old))
    return MigrationPlan(old_cb, new_cb, tuple(steps), out_of_scope)


def _check_pair(old_cb: Codebook, new_cb: Codebook) -> None:
    if old_cb.id != new_cb.id:
        raise CodebookError(f"cannot migrate between codebooks '{old_cb.id}' and "
                            f"'{new_cb.id}'", path=new_cb.source_path, field="id")
    declared = new_cb.migrations
    if declared is not None and declared.from_ != old_cb.version:
        raise CodebookError(f"{new_cb.label} declares migrations from {declared.from_}, not "
                            f"{old_cb.version}; migrate one version at a time",
                            path=new_cb.source_path, field="migrations.from")
    for rule in declared.rules if declared else []:
        for source in rule.sources():
            if source not in old_cb:
                raise CodebookError(f"{rule.kind} rule consumes '{source}', which is not a "
                                    f"code of {old_cb.label}", path=new_cb.source_path,
                                    code_id=source, field="migrations.rules")
    dropped = [c for c in old_cb.code_ids if c not in new_cb
               and (declared is None or declared.rule_for(c) is None)]
    if dropped:
        raise CodebookError(
            f"{new_cb.label} drops {', '.join(dropped)} without a migration rule; declare "
            f"rename, merge, split or retire for each under 'migrations' (from "
            f"{old_cb.version})", path=new_cb.source_path, field="migrations")


def _map_one(old_cb: Codebook, new_cb: Codebook,
             ann: Annotation) -> MigrationStep | tuple[Annotation, str]:
    declared = new_cb.migrations
    rule = declared.rule_for(ann.code_id) if declared else None
    if rule is not None and rule.split is not None:
        return MigrationStep("split", (ann,), None, f"split into {', '.join(rule.split.to)}: "
                             "a person must choose")
    if rule is not None and rule.retire is not None:
        return MigrationStep("retire", (ann,), None, f"'{ann.code_id}' retired in "
                             f"{new_cb.version}; kept, not carried forward")
    action, target, values = "carry", ann.code_id, {}
    if rule is not None and rule.rename is not None:
        action, target, values = "rename", rule.rename.to, rule.rename.values
    elif rule is not None and rule.merge is not None:
        action, target, values = "merge", rule.merge.to, rule.merge.values
    value_map = {**(declared.recode_map(target) if declared else {}), **values}
    value = value_map.get(ann.value, ann.value)
    code = new_cb.code(target)
    if code.multiple and not (ann.code_id in old_cb and old_cb.code(ann.code_id).multiple):
        return MigrationStep("to_set", (ann,), None,
                             f"{target} takes a set of values per unit in {new_cb.version}; "
                             f"the old row holds one ('{ann.value}'): re-code the unit")
    if code.unit != ann.unit_type:
        return MigrationStep("unmapped", (ann,), None,
                             f"{target} is {code.unit}-level, the old row is not")
    try:
        code.validate_value(value)
    except CodebookError:
        return MigrationStep("unmapped", (ann,), None, f"'{ann.value}' has no counterpart in "
                             f"{target} ({', '.join(code.option_keys())}); declare it in "
                             "values or recode_options, or re-code")
    if action == "carry" and value != ann.value:
        action = "remap"
    new = dataclasses.replace(
        ann, code_id=target, value=value, codebook_version=new_cb.version,
        codebook_hash=new_cb.hash, status=AnnotationStatus.ACTIVE, annotation_id=None,
        created_at=None)
    return new, action


class MigrationStore(Protocol):
    """The :class:`workbench.store.Store` methods a migration uses."""

    def transaction(self) -> Any: ...
    def annotations(self, **filters: Any) -> list[Annotation]: ...
    def add_annotations(self, rows: Iterable[Annotation], *, actor: str = ...,
                        action: str = ...) -> list[int]: ...
    def set_annotation_status(self, annotation_ids: Any, status: AnnotationStatus, *,
                              actor: str, reason: str) -> int: ...
    def audit(self, actor: str, action: str, clip_id: str | None = None,
              **detail: Any) -> None: ...
    def record_codebook(self, codebook_id: str, version: str, content_hash: str,
                        content_json: str) -> None: ...
    def codebook_hash(self, codebook_id: str, version: str) -> str | None: ...


def apply_migration(store: MigrationStore, plan: MigrationPlan, actor: str) -> dict[str, int]:
    """Carry out ``plan`` in one transaction; returns :meth:`MigrationPlan.counts`.

    Old rows are marked superseded or needs_recode (never deleted); relabelled rows are
    inserted under the new version and hash. Raises :class:`ConflictError` (store unchanged)
    if any planned annotation is no longer active — plan again.
    """
    old_cb, new_cb = plan.old_codebook, plan.new_codebook
    planned = [a.annotation_id for s in plan.steps for a in s.old]
    if any(i is None for i in planned):
        raise ConflictError("the plan holds annotations without ids: plan from stored rows")
    with store.transaction():
        register_codebook(store, old_cb)
        register_codebook(store, new_cb)
        active = {a.annotation_id for a in store.annotations(
            layer=None, statuses=(AnnotationStatus.ACTIVE,))}
        gone = [i for i in planned if i not in active]
        if gone:
            raise ConflictError(f"{len(gone)} planned annotation(s) changed since the plan "
                                f"was made (e.g. id {gone[0]}); plan the migration again")
        steps = plan.relabelled
        reason = f"codebook migration {old_cb.label} → {new_cb.label}"
        # old rows first: one active value per unit holds at every statement (unique index)
        for outcome in (AnnotationStatus.SUPERSEDED, AnnotationStatus.NEEDS_RECODE):
            ids = plan.old_ids(outcome)
            if ids:
                store.set_annotation_status(ids, outcome, actor=actor, reason=reason)
        new_ids = store.add_annotations([s.new for s in steps if s.new is not None],
                                        actor=actor, action="codebook_migration_insert")
        new_id_of = {id(s): n for s, n in zip(steps, new_ids, strict=True)}
        by_clip: dict[str, list[MigrationStep]] = defaultdict(list)
        for step in plan.steps:
            by_clip[step.old[0].clip_id].append(step)
        for clip_id, clip_steps in by_clip.items():
            store.audit(actor, "codebook_migrated", clip_id=clip_id, codebook_id=new_cb.id,
                        from_version=old_cb.version, to_version=new_cb.version,
                        to_hash=new_cb.hash, steps=[_audit_step(s, new_id_of.get(id(s)))
                                                    for s in clip_steps])
        counts = plan.counts()
        store.audit(actor, "codebook_migration", codebook_id=new_cb.id,
                    from_version=old_cb.version, to_version=new_cb.version, **counts)
    return counts


def _audit_step(step: MigrationStep, new_id: int | None) -> dict[str, Any]:
    return {"action": step.action, "old_ids": [a.annotation_id for a in step.old],
            "new_id": new_id, "outcome": str(step.outcome), "reason": step.reason}
