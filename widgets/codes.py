"""Code buttons: one panel per set of codes (a speaker role's, or the clip-level form).

A nominal code is one toggle button; a categorical or ordinal code is a row of option buttons
(scale order for ordinal codes); an interval code is a number box. Buttons carry the CSS
classes ``bwv-code bwv-code--<id>`` so the front end knows which code is under the pointer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape

import ipywidgets as W

from widgets.help import tooltip_text
from workbench.codebook.book import Codebook
from workbench.codebook.schema import Code, Group
from workbench.codebook.sets import split_set
from workbench.coding import code_help
from workbench.model import PRESENT

Choose = Callable[[str, str | None], None]


def chip_text(code: Code, value: str) -> str:
    """How an applied code reads on a transcript turn: "Courtesy", "Command: bare order"."""
    if value == PRESENT and code.level == "nominal":
        return code.label
    if code.level == "interval":
        return f"{code.label}: {value}"
    return f"{code.label}: {' + '.join(v.lower() for v in code.value_labels(value))}"


class CodePanel(W.VBox):
    """Buttons for ``groups`` of codes; clicks call ``on_choose(code_id, value)``.

    ``value`` is None for a nominal code (toggle), an option key, or the typed number.
    ``numbered``: show the group numbers used by the 1–9 keys; ``keys``: code id → a key
    shown in [brackets] for codes without a codebook shortcut (the clip-level form's letters).
    """

    def __init__(self, codebook: Codebook, groups: Sequence[tuple[Group, Sequence[Code]]],
                 on_choose: Choose, *, numbered: bool = True, title: str = "",
                 keys: Mapping[str, str] | None = None) -> None:
        self.buttons: dict[tuple[str, str], W.Button] = {}
        self.numbers: dict[str, W.FloatText] = {}
        self.rows: dict[str, W.Widget] = {}
        self._on_choose = on_choose
        self._quiet = False
        # one layout and style model shared by all buttons of the panel: fewer widget models
        self._layout = W.Layout(width="auto", height="26px", margin="1px")
        self._nominal_layout = W.Layout(width="auto", height="26px", margin="1px",
                                        align_self="flex-start", flex="0 0 auto")
        self._label_layout = W.Layout(width="100%", flex="0 0 auto")
        self._row_layout = W.Layout(flex_flow="row wrap", flex="0 0 auto")
        self._style = W.ButtonStyle()
        self._sets = {c.id for _, codes in groups for c in codes if c.multiple}
        self._keys = dict(keys or {})
        rows: list[W.Widget] = [W.HTML(f"<b>{title}</b>")] if title else []
        for n, (group, codes) in enumerate(groups, 1):
            prefix = f"<kbd>{n}</kbd> " if numbered and len(groups) > 1 else ""
            rows.append(W.HTML(f"<div style='margin-top:4px;color:#444'>{prefix}"
                               f"<b>{escape(group.label)}</b></div>"))
            for code in codes:
                self.rows[code.id] = self._row(codebook, code)
                rows.append(self.rows[code.id])
        super().__init__(rows)
        self._marked: str | None = None

    def _button(self, code: Code, value: str, description: str, tooltip: str) -> W.Button:
        button = W.Button(description=description, tooltip=tooltip, layout=self._layout,
                          style=self._style, _dom_classes=("bwv-code", f"bwv-code--{code.id}"))
        chosen = None if value == PRESENT else value
        button.on_click(lambda _b, c=code.id, v=chosen: self._on_choose(c, v))
        self.buttons[(code.id, value)] = button
        return button

    def _row(self, codebook: Codebook, code: Code) -> W.Widget:
        tip = tooltip_text(code_help(codebook, code.id))
        shortcut = code.shortcut or self._keys.get(code.id)
        key = f" [{shortcut}]" if shortcut else ""
        if code.level == "nominal":
            button = self._button(code, PRESENT, code.label + key, tip)
            button.layout = self._nominal_layout
            return button
        label = W.HTML(f"<span title='{escape(tip, quote=True)}'>{escape(code.label)}{key}"
                       "</span>", layout=self._label_layout,
                       _dom_classes=("bwv-code", f"bwv-code--{code.id}"))
        if code.level == "interval":
            box = W.FloatText(layout=W.Layout(width="110px"))
            box.observe(lambda ch, c=code.id: self._typed(c, ch["new"]), names="value")
            self.numbers[code.id] = box
            return W.HBox([label, box])
        options = [*code.options, *code.scale]
        if code.not_applicable is not None:
            options.append(code.not_applicable)
        def shown(n: int, label: str) -> str:  # a set code's elements carry their number key
            return f"{n} {label}" if code.multiple else label

        buttons = [self._button(code, o.key, shown(n, o.label),
                                f"{o.label}: {o.anchor}" if o.anchor else o.label)
                   for n, o in enumerate(options, 1)]
        return W.HBox([label, *buttons], layout=self._row_layout)

    def mark(self, code_id: str | None) -> None:
        """Highlight the row the keyboard is on (the clip-level form); None: no row."""
        if code_id == self._marked:
            return
        if self._marked in self.rows:
            self.rows[self._marked].remove_class("bwv-form-current")
        if code_id in self.rows:
            self.rows[code_id].add_class("bwv-form-current")
        self._marked = code_id

    def _typed(self, code_id: str, number: float) -> None:
        if not self._quiet:
            self._on_choose(code_id, format(number, "g"))

    def show(self, values: dict[str, str]) -> None:
        """Mark the buttons of the applied values; only changed buttons are re-sent."""
        for (code_id, value), button in self.buttons.items():
            held = values.get(code_id)
            on = value in split_set(held) if code_id in self._sets else held == value
            style = "success" if on else ""
            if button.button_style != style:
                button.button_style = style
        self._quiet = True
        try:
            for code_id, box in self.numbers.items():
                box.value = float(values[code_id]) if code_id in values else 0.0
        finally:
            self._quiet = False
