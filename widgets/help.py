"""The codebook at hand: a code's help (panel and hover text) and a searchable browser."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

import ipywidgets as W

from workbench.codebook.book import Codebook
from workbench.coding import CodeHelp, code_help, search_codes


def tooltip_text(help_: CodeHelp) -> str:
    """Plain text for a code button's hover: definition, rules, examples, options."""
    lines = [f"{help_.label} — {help_.definition}"]
    lines += [f"Include: {rule}" for rule in help_.include]
    lines += [f"Exclude: {rule}" for rule in help_.exclude]
    lines += [f"{key}: {anchor}" for key, _, anchor in help_.options if anchor]
    lines += [f"e.g. “{text}”" + (f" → {value}" if value else "")
              for text, value in help_.examples]
    if help_.shortcut:
        lines.append(f"Shortcut: {help_.shortcut}   (? then {help_.shortcut}: full help)")
    return "\n".join(lines)


def help_html(help_: CodeHelp) -> str:
    """HTML for one code's full help."""
    def items(title: str, values: tuple[str, ...]) -> str:
        if not values:
            return ""
        lis = "".join(f"<li>{escape(v)}</li>" for v in values)
        return f"<div><b>{title}</b><ul style='margin:0'>{lis}</ul></div>"

    options = "".join(
        f"<li><code>{escape(key)}</code> {escape(label)}"
        + (f" — <i>{escape(anchor)}</i>" if anchor else "") + "</li>"
        for key, label, anchor in help_.options)
    examples = tuple(f"“{text}”" + (f" → {value}" if value else "")
                     for text, value in help_.examples)
    shortcut = f" · key <kbd>{escape(help_.shortcut)}</kbd>" if help_.shortcut else ""
    return (
        f"<div class='bwv-help' data-code='{escape(help_.code_id)}'>"
        f"<div><b>{escape(help_.label)}</b> <code>{escape(help_.code_id)}</code></div>"
        f"<div style='color:#666;font-size:11px'>{escape(help_.group)} · {help_.unit} · "
        f"{escape(help_.applies_to)} · {help_.level}{shortcut}</div>"
        f"<p style='margin:4px 0'>{escape(help_.definition)}</p>"
        + (f"<div><b>{'Scale' if help_.level == 'ordinal' else 'Options'}</b>"
           f"<ul style='margin:0'>{options}</ul></div>" if options else "")
        + items("Include", help_.include) + items("Exclude", help_.exclude)
        + items("Examples", examples) + "</div>")


def keymap_html(rows: Sequence[tuple[str, str]], codes: Sequence[tuple[str, str]] = ()) -> str:
    """The key map: session keys, then the code keys where the coder is (key, label)."""
    def table(items: Iterable[tuple[str, str]]) -> str:  # one wrapping line per row
        return "<div class='bwv-keys'>" + "".join(
            f"<div class='bwv-key-row'><kbd>{escape(k)}</kbd> {escape(v)}</div>"
            for k, v in items) + "</div>"

    return ("<div class='bwv-help bwv-keymap'><b>Keys</b>" + table(rows)
            + ("<b>Code keys here</b>" + table(codes) if codes else "")
            + "<div style='color:#666;font-size:11px'>Esc closes</div></div>")


class HelpPanel(W.HTML):
    """Shows one code's help or the key map, under the status line; empty until asked."""

    def __init__(self) -> None:
        super().__init__(_dom_classes=("bwv-help-panel",))

    def show(self, codebook: Codebook, code_id: str) -> None:
        self.value = help_html(code_help(codebook, code_id))
        self.add_class("bwv-help--shown")

    def show_keymap(self, rows: Sequence[tuple[str, str]],
                    codes: Sequence[tuple[str, str]] = ()) -> None:
        self.value = keymap_html(rows, codes)
        self.add_class("bwv-help--shown")

    def clear(self) -> None:
        if self.value:
            self.value = ""
            self.remove_class("bwv-help--shown")


class CodebookBrowser(W.VBox):
    """The whole codebook, filtered as the coder types (every word must match)."""

    def __init__(self, codebook: Codebook) -> None:
        self.codebook = codebook
        self.search = W.Text(placeholder="search the codebook (id, words in definitions, "
                             "examples…)", layout=W.Layout(width="100%"))
        self.count = W.HTML()
        self.results = W.HTML(layout=W.Layout(max_height="420px", overflow="auto"))
        self.search.observe(lambda _: self.refresh(), names="value")
        super().__init__([self.search, self.count, self.results])
        self.refresh()

    def refresh(self) -> None:
        codes = search_codes(self.codebook, self.search.value)
        self.count.value = (f"<small>{len(codes)} of {len(self.codebook.codes)} codes · "
                            f"{escape(self.codebook.label)}</small>")
        self.results.value = "<hr style='margin:4px 0'>".join(
            help_html(code_help(self.codebook, c.id)) for c in codes)
