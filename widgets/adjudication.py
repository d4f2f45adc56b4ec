"""The adjudication widget: walk the coders' disagreements and decide each one, by keyboard.

Thin: it shows :class:`workbench.review.adjudication.Disagreement` records with the context
of :func:`workbench.review.citations.review_context` (a few turns, numbered as coders see
them) and calls :func:`workbench.review.adjudication.decide`; refusals (no rationale, not a
reviewer) are shown in the status line, never raised into the notebook.

Keys (:data:`REVIEW_KEYS`): 1–9 choose the final value (the numbered buttons; each coder's
value carries its number), ``w`` writes the rationale (Ctrl+Enter in it decides), Enter
decides, ``n``/→ next open, ``p``/← previous.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from html import escape
from typing import Any

import ipywidgets as W

from widgets.keyboard import KeyListener
from workbench.codebook.book import Codebook
from workbench.exceptions import WorkbenchError
from workbench.model import PRESENT
from workbench.review.adjudication import (
    ABSENT,
    Disagreement,
    decide,
    find_disagreements,
)
from workbench.review.citations import review_context
from workbench.store import Store

#: The reviewer's keys, as shown under the panel.
REVIEW_KEYS: tuple[tuple[str, str], ...] = (
    ("1–9", "choose the final value"), ("w", "write the rationale"),
    ("Ctrl+Enter / Enter", "decide and move on"), ("n or →", "next open"),
    ("p or ←", "previous"))

_BUTTON_LAYOUT = W.Layout(width="auto", height="28px", margin="1px")
_CURRENT = "background:#fff3b0;border-left:4px solid #d4a72c;font-weight:600"
_TURN = "padding:2px 6px;margin:1px 0;border-left:4px solid transparent"


def value_label(codebook: Codebook, code_id: str, value: str | None) -> str:
    """How a rating reads: "Present", "Absent (not coded)", or the option's label."""
    if value is None or (value == ABSENT and ABSENT not in codebook.option_keys(code_id)):
        return "Absent (not coded)"
    if value == PRESENT and codebook.code(code_id).level == "nominal":
        return "Present"
    try:
        return codebook.code(code_id).option(value).label
    except WorkbenchError:  # a value from another codebook version: show it raw
        return value


def context_html(item: Disagreement, turns: Sequence[Any] | None = None,
                 cited: dict[int, tuple[str, ...]] | None = None, summary: str = "") -> str:
    """The turns shown (default: the item's context), the unit's own turn highlighted;
    turn numbers 1-based, as coders see them; ``cited``: who cited each turn."""
    rows = []
    for turn in item.context if turns is None else turns:
        style = f"{_TURN};{_CURRENT}" if turn.current else _TURN
        css = "bwv-turn bwv-turn--current" if turn.current else "bwv-turn"
        who = (cited or {}).get(turn.index)
        by = f" <i style='color:#666'>(cited by {escape(', '.join(who))})</i>" if who else ""
        rows.append(f"<div class='{css}' style='{style}'><span style='color:#666'>"
                    f"turn {turn.index + 1} · {escape(turn.speaker)} ({escape(turn.role)}):"
                    f"</span> {escape(turn.text)}{by}</div>")
    note = f"<div class='bwv-context-summary' style='color:#555'>{escape(summary)}</div>" \
        if summary else ""
    return "<div class='bwv-context'>" + note + "".join(rows) + "</div>"


def values_html(codebook: Codebook, item: Disagreement) -> str:
    """Each coder's value, side by side, with the key that chooses it."""
    number = {v: n for n, v in enumerate(item.options, 1)}

    def key(value: str | None) -> str:
        n = number.get(value if value is not None else ABSENT)
        return f"<kbd>{n}</kbd> " if n is not None and n <= 9 else ""

    cells = "".join(
        f"<td style='padding:4px 10px;border:1px solid #ddd'><b>{escape(coder)}</b><br>"
        f"{key(value)}{escape(value_label(codebook, item.code_id, value))}</td>"
        for coder, value in sorted(item.values.items()))
    return f"<table class='bwv-values' style='border-collapse:collapse'><tr>{cells}</tr></table>"


class AdjudicationPanel(W.VBox):
    """One disagreement at a time: context, coders' values, definition; choose and decide.

    Parameters
    ----------
    store, codebook : the project.
    reviewer : the coder id deciding. Anyone else sees no disagreements (blind coding) and
        cannot decide; the refusal is shown in the header.
    disagreements : the items to walk (default: every disagreement in the store).
    """

    def __init__(self, store: Store, codebook: Codebook, reviewer: str, *,
                 disagreements: Sequence[Disagreement] | None = None) -> None:
        self.store, self.codebook, self.reviewer = store, codebook, reviewer
        try:
            self.items = list(disagreements if disagreements is not None
                              else find_disagreements(store, codebook, viewer=reviewer))
            refusal = ""
        except WorkbenchError as exc:  # not a reviewer: show no coder's values
            self.items, refusal = [], str(exc)
        self.position = 0
        self.chosen: str | None = None
        self.header = W.HTML()
        self.progress = W.IntProgress(min=0, max=max(len(self.items), 1),
                                      layout=W.Layout(width="240px"))
        self.progress_text = W.HTML()
        self.definition = W.HTML()
        self.context = W.HTML()
        self.values = W.HTML()
        self.options = W.HBox(layout=W.Layout(flex_flow="row wrap"))
        self.option_buttons: dict[str, W.Button] = {}
        self.rationale = W.Textarea(placeholder="Why is this the right value? (required; "
                                    "w to write, Ctrl+Enter to decide)",
                                    layout=W.Layout(width="100%", height="60px"),
                                    _dom_classes=("bwv-rationale",))
        self.decide_button = W.Button(description="Decide", button_style="primary",
                                      icon="check")
        self.previous_button = W.Button(description="◀ Previous")
        self.next_button = W.Button(description="Next ▶")
        self.next_open_button = W.Button(description="Next open ▶▶")
        self.status = W.HTML(_dom_classes=("bwv-review-status",))
        self.keyboard = KeyListener(self.press, on_text=self._typed, container_class="bwv-review",
                                field_class="bwv-rationale",
                                hint=" · ".join(f"{k}: {v}" for k, v in REVIEW_KEYS))
        self.decide_button.on_click(lambda _b: self.decide())
        self.previous_button.on_click(lambda _b: self.show(self.position - 1))
        self.next_button.on_click(lambda _b: self.show(self.position + 1))
        self.next_open_button.on_click(lambda _b: self.show(self._next_open()))
        super().__init__([
            W.HBox([self.progress, self.progress_text]), self.header, self.definition,
            self.context, self.values, W.HTML("<b>Final value</b>"), self.options,
            self.rationale,
            W.HBox([self.decide_button, self.previous_button, self.next_button,
                    self.next_open_button]),
            self.status, self.keyboard,
        ])
        self.add_class("bwv-review")
        self.show(self._next_open(start=0))
        if refusal:
            self.header.value = f"<span style='color:#cf222e'>{escape(refusal)}</span>"

    # ---- state -----------------------------------------------------------------------------
    @property
    def current(self) -> Disagreement | None:
        return self.items[self.position] if self.items else None

    @property
    def n_decided(self) -> int:
        return sum(not item.is_open for item in self.items)

    @property
    def n_open(self) -> int:
        return len(self.items) - self.n_decided

    def _next_open(self, start: int | None = None) -> int:
        begin = self.position + 1 if start is None else start
        for offset in range(len(self.items)):
            i = (begin + offset) % len(self.items)
            if self.items[i].is_open:
                return i
        return self.position

    # ---- display ---------------------------------------------------------------------------
    def show(self, position: int) -> None:
        """Show the disagreement at ``position`` (clamped to the list)."""
        self._show_progress()
        if not self.items:
            self.header.value = "<b>No disagreements</b>: nothing to adjudicate."
            for w in (self.decide_button, self.previous_button, self.next_button,
                      self.next_open_button):
                w.disabled = True
            return
        self.position = min(max(position, 0), len(self.items) - 1)
        item = self.items[self.position]
        where = "whole clip" if item.utterance_index is None else \
            f"turn {item.utterance_index + 1}"
        self.header.value = (f"<h4 style='margin:4px 0'>{escape(item.label)} "
                             f"<code>{escape(item.code_id)}</code> · {item.level} · clip "
                             f"<b>{escape(item.clip_id)}</b>, {where} "
                             f"({self.position + 1} of {len(self.items)})</h4>")
        self.definition.value = (f"<div class='bwv-definition' style='color:#333'><i>Definition"
                                 f":</i> {escape(item.definition)}</div>")
        shown = review_context(self.store, self.codebook, item, self.reviewer)
        self.context.value = context_html(item, shown.turns, shown.cited, shown.summary)
        self.values.value = values_html(self.codebook, item)
        self._show_options(item)
        decided = item.decision
        self.rationale.value = decided.rationale if decided else ""
        self.choose((decided.value or ABSENT) if decided else None)
        if decided:
            final = value_label(self.codebook, item.code_id, decided.value)
            self.status.value = f"decided by {escape(decided.reviewer)}: {escape(final)}"
        else:
            self.status.value = "open"
        self.previous_button.disabled = self.position == 0
        self.next_button.disabled = self.position == len(self.items) - 1

    def _show_options(self, item: Disagreement) -> None:
        self.option_buttons = {}
        for n, value in enumerate(item.options, 1):
            label = value_label(self.codebook, item.code_id, value)
            button = W.Button(description=f"{n} · {label}" if n <= 9 else label,
                              tooltip=value, layout=_BUTTON_LAYOUT)
            button.add_class("bwv-option")
            button.on_click(lambda _b, v=value: self.choose(v))
            self.option_buttons[value] = button
        self.options.children = tuple(self.option_buttons.values())

    def _show_progress(self) -> None:
        self.progress.max = max(len(self.items), 1)
        self.progress.value = self.n_decided
        self.progress_text.value = f"{self.n_decided} decided / {self.n_open} open"

    # ---- keys ------------------------------------------------------------------------------
    def _typed(self, text: str) -> None:
        self.rationale.value = text

    def press(self, key: str) -> None:
        """A key pressed in the panel (see :data:`REVIEW_KEYS`)."""
        item = self.current
        if item is None:
            return
        if len(key) == 1 and key.isdigit() and key != "0":
            n = int(key)
            if n <= len(item.options):
                self.choose(item.options[n - 1])
                label = value_label(self.codebook, item.code_id, item.options[n - 1])
                self.status.value = f"chosen: {escape(label)} — w to write why, then Ctrl+Enter"
            else:
                self.status.value = f"there are {len(item.options)} values, not {n}"
        elif key == "w":
            self.keyboard.focus_field()
        elif key in ("submit", "Enter"):
            self.decide()
        elif key in ("n", "ArrowRight"):
            self.show(self._next_open())
        elif key in ("p", "ArrowLeft"):
            self.show(self.position - 1)

    # ---- actions ---------------------------------------------------------------------------
    def choose(self, value: str | None) -> None:
        """Select the final value (an option key, "present" or "absent")."""
        self.chosen = value
        for key, button in self.option_buttons.items():
            button.button_style = "success" if key == value else ""

    def decide(self) -> None:
        """Write the chosen value with the rationale; on success move to the next open one."""
        item = self.current
        if item is None:
            return
        if self.chosen is None:
            self.status.value = "<span style='color:#cf222e'>Choose a final value first.</span>"
            return
        try:
            decision = decide(self.store, item.unit, item.code_id, self.chosen, self.reviewer,
                              self.rationale.value, codebook=self.codebook)
        except WorkbenchError as exc:
            self.status.value = f"<span style='color:#cf222e'>{escape(str(exc))}</span>"
            return
        self.items[self.position] = dataclasses.replace(item, decision=decision)
        if self.n_open:
            self.show(self._next_open())
        else:
            self.show(self.position)
            self.status.value = "<b>All disagreements decided.</b>"
