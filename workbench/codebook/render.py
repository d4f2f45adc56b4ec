"""The codebook as a coder's manual: self-contained HTML, or Markdown (jinja2 templates).

Both show, per group, every code with its definition, include/exclude rules, examples, level
and values (ordinal scales in order with their anchors), shortcut key; then the derived
measures with their formulas in words, the migration rules, the changelog, and the version
and content hash on the first page. Output is deterministic (no timestamps).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from workbench.codebook.book import Codebook
from workbench.codebook.schema import Code, Group, Option

TEMPLATES = Path(__file__).with_name("templates")
FORMATS = ("html", "md")


@dataclass(frozen=True)
class _Value:
    """One row of a code's value table."""

    rank: str
    key: str
    label: str
    anchor: str


def _values(code: Code) -> list[_Value]:
    if code.level == "nominal":
        return [_Value("", "present", "Present", "Apply when the definition is met; "
                       "leave uncoded otherwise (absent).")]
    if code.level == "interval":
        assert code.range is not None
        r = code.range
        return [_Value("", "number", f"{r.min:g} to {r.max:g} {r.unit}",
                       "A decimal number in this range.")]

    def row(rank: str, option: Option) -> _Value:
        return _Value(rank, option.key, option.label, option.anchor)

    if code.level == "categorical":
        return [row("", o) for o in code.options]
    rows = [row(str(i), o) for i, o in enumerate(code.scale)]
    if code.not_applicable is not None:
        rows.append(row("n/a", code.not_applicable))
    return rows


def _level_text(code: Code) -> str:
    if code.level == "ordinal":
        order = " < ".join(o.key for o in code.scale)
        na = f" (or {code.not_applicable.key})" if code.not_applicable else ""
        return f"ordinal: {order}{na}"
    if code.level == "categorical" and code.multiple:
        return ("categorical, several may apply: " + " + ".join(o.key for o in code.options))
    if code.level == "categorical":
        return "categorical: " + " | ".join(o.key for o in code.options)
    if code.level == "interval" and code.range is not None:
        return f"interval ({code.range.unit})"
    return "nominal: present / absent"


def _who(code: Code) -> str:
    unit = "each turn" if code.unit == "utterance" else "the whole encounter (clip)"
    who = {"officer": "officer turns", "subject": "subject turns", "any": "any speaker"}
    return f"{unit}; {who[code.applies_to]}" if code.unit == "utterance" else unit


def _md_cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md_cell"] = _md_cell
    return env


def _context(codebook: Codebook) -> dict[str, Any]:
    from workbench.coding.keys import KeyMap, form_letters  # the one key map
    from workbench.coding.state import grouped

    by_id = {c.id: c for c in codebook.codes}
    sections: list[tuple[Group, list[Code]]] = [
        (g, codebook.codes_in(g.id)) for g in codebook.groups]
    shortcuts = [(c.shortcut, c) for c in codebook.codes if c.shortcut]
    keymap = KeyMap.for_codebook(codebook)
    return {
        "cb": codebook,
        "sections": [(g, codes) for g, codes in sections if codes],
        "values": _values,
        "level_text": _level_text,
        "who": _who,
        "formulas": {m.id: m.formula(by_id) for m in codebook.derived},
        "shortcuts": shortcuts,
        "session_keys": keymap.rows(),
        "form_keys": [(key, by_id[code_id]) for code_id, key in form_letters(
            [c for _, cs in grouped(codebook, codebook.codes_for("clip")) for c in cs],
            keymap).items()],
        "n_utterance": len(codebook.codes_for("utterance")),
        "n_clip": len(codebook.codes_for("clip")),
    }


def render_html(codebook: Codebook) -> str:
    """A self-contained HTML manual (inline CSS, no scripts or external files)."""
    css = (TEMPLATES / "manual.css").read_text(encoding="utf-8")
    template = _environment(autoescape=True).get_template("manual.html.j2")
    return template.render(css=css, **_context(codebook))


def render_markdown(codebook: Codebook) -> str:
    """The manual as Markdown (GitHub flavour: pipe tables)."""
    template = _environment(autoescape=False).get_template("manual.md.j2")
    return template.render(**_context(codebook))


def render(codebook: Codebook, fmt: str = "html") -> str:
    """:func:`render_html` or :func:`render_markdown` by ``fmt`` ("html" or "md")."""
    if fmt == "html":
        return render_html(codebook)
    if fmt == "md":
        return render_markdown(codebook)
    from workbench.exceptions import ParameterError

    raise ParameterError(f"unknown format '{fmt}'; expected one of {', '.join(FORMATS)}",
                         field="format")
