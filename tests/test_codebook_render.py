"""The coder's manual: every code, its values and the derived formulas, in HTML and Markdown."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from workbench.codebook import Codebook, load_ref, render_html, render_markdown
from workbench.codebook.render import TEMPLATES, render
from workbench.exceptions import ParameterError


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return load_ref("stop-search@1.0.0")


@pytest.fixture(scope="module", params=["html", "md"])
def manual(request: pytest.FixtureRequest, codebook: Codebook) -> str:
    text = render(codebook, request.param)
    return html.unescape(text) if request.param == "html" else text


def test_manual_contains_every_code_id_and_label(manual: str, codebook: Codebook) -> None:
    missing = [c.id for c in codebook.codes if c.id not in manual or c.label not in manual]
    assert missing == []


def test_manual_contains_every_option_anchor_and_example(manual: str,
                                                         codebook: Codebook) -> None:
    for code in codebook.codes:
        for option in [*code.options, *code.scale]:
            assert option.key in manual and option.anchor in manual, (code.id, option.key)
        for example in code.examples:
            assert example.text in manual, code.id


def test_manual_states_version_hash_changelog_and_formulas(manual: str,
                                                           codebook: Codebook) -> None:
    assert codebook.hash in manual and "1.0.0" in manual
    assert codebook.changelog[0].changes[0][:40] in manual
    by_id = {c.id: c for c in codebook.codes}
    for measure in codebook.derived:
        assert measure.id in manual and measure.formula(by_id) in manual


def test_ordinal_scale_is_listed_in_order(codebook: Codebook) -> None:
    text = render_markdown(codebook)
    section = text[text.index("— `out_force`"):]
    positions = [section.index(f"`{o.key}`") for o in codebook.code("out_force").scale]
    assert positions == sorted(positions)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_manual_is_self_contained(codebook: Codebook) -> None:
    text = render_html(codebook)
    parser = _Collector()
    parser.feed(text)
    tags = [t for t, _ in parser.tags]
    assert "style" in tags
    assert (TEMPLATES / "manual.css").read_text(encoding="utf-8") in text, "CSS inlined raw"
    assert not {"script", "link", "img", "iframe"} & set(tags)
    assert not re.search(r"(src|href)=\"https?:", text)
    anchors = {a["href"][1:] for t, a in parser.tags if t == "a" and a.get("href", "")[:1] == "#"}
    ids = {a["id"] for _, a in parser.tags if a.get("id")}
    assert anchors <= ids, "every in-page link has a target"


def test_html_escapes_text(codebook: Codebook) -> None:
    assert "person&#39;s account" in render_html(codebook)


def test_unknown_format_is_refused(codebook: Codebook) -> None:
    with pytest.raises(ParameterError, match="expected one of html, md"):
        render(codebook, "pdf")
