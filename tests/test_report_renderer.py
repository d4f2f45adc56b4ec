"""The one report renderer (workbench.report): the document's rules, the HTML, the PDF."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from workbench import report as rp
from workbench.exceptions import ParameterError


def _doc(*blocks: rp.Block, appendix: tuple[rp.Section, ...] = ()) -> rp.Document:
    return rp.Document("A report", [rp.Section("s1", "First part", "Intro.", list(blocks))],
                       meta=["Run 1"], banner="SYNTHETIC", appendix=appendix)


def _table(table_id: str = "t", title: str = "A table", **kw) -> rp.Table:
    rows = kw.pop("rows", [[rp.Cell("Brent"), rp.Cell("25", True)]])
    return rp.Table(table_id, title, ["Borough", "Encounters"], rows, **kw)


@pytest.mark.parametrize(("blocks", "problem"), [
    ((_table(title="lower case"),), "sentence case"),
    ((_table(title="Prevalence of pj_invites_account"),), "shows an id (pj_invites_account)"),
    ((_table("a"), _table("b")), "titles are unique"),
    ((_table("a"), _table("a", title="Other")), "id used twice"),
    ((_table(rows=[[rp.Cell("x")]]),), "row 1 has 1 cells for 2 columns"),
    ((_table(rows=[[rp.Cell("x"), rp.Cell("[c]", True, "a")]]),), "footnote 'a'"),
])
def test_the_document_refuses_what_a_reader_would_stumble_on(blocks, problem: str) -> None:
    with pytest.raises(ParameterError, match=re.escape(problem)):
        _doc(*blocks).validate()


def test_html_numbers_items_escapes_text_and_links_footnotes(tmp_path: Path) -> None:
    table = _table(rows=[[rp.Cell("Lambeth <b>"), rp.Cell("[c]", True, "a")]],
                   footnotes=[rp.Footnote("a", "Fewer than 10.")], notes="Note.",
                   source="tables/t.csv")
    figure = rp.Figure("f", "A figure", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    html = rp.render_html(_doc(table, figure, appendix=(rp.Section("m", "Methods"),)))
    assert "Table 1.</span> A table" in html and "Figure 1.</span> A figure" in html
    assert "Appendix A. Methods" in html and "1. First part" in html
    assert "Lambeth &lt;b&gt;" in html and "<b>" not in html.split("<body>")[1].split(
        "Lambeth")[0][-10:]
    assert '[c]<sup><a href="#fn-t-a">a</a></sup>' in html
    assert '<li id="fn-t-a"><sup>a</sup> Fewer than 10.</li>' in html
    assert "data:image/svg+xml;base64," in html and "SYNTHETIC" in html


def test_long_tables_scroll_with_a_fixed_header_and_print_without_a_box() -> None:
    rows = [[rp.Cell(f"r{i}"), rp.Cell(str(i), True)] for i in range(40)]
    html = rp.render_html(_doc(_table(rows=rows)))
    assert 'class="tablewrap scrolls"' in html
    assert re.search(r"thead th \{[^}]*position: sticky", html)
    printed = html.split("@media print")[1]
    assert "overflow: visible" in printed and "display: table-header-group" in printed
    assert "@page { size: A4" in printed


def test_grouped_tables_show_every_group_with_the_first_open() -> None:
    groups = [rp.RowGroup(f"Group {g}", [[rp.Cell(f"{g}{i}"), rp.Cell("1", True)]
                                         for i in range(3)]) for g in "ABC"]
    html = rp.render_html(_doc(rp.Table("g", "Grouped", ["Row", "N"], groups=groups)))
    assert html.count("<details") == 3 and html.count("<details open>") == 1
    assert all(f"<td>{g}{i}</td>" in html for g in "ABC" for i in range(3))
    assert "addEventListener(\"beforeprint\"" in html  # printing opens them all


def test_a_missing_browser_skips_the_pdf_and_says_how_to_get_it(tmp_path: Path,
                                                                monkeypatch) -> None:
    monkeypatch.setenv("BWV_CHROMIUM", str(tmp_path / "no-such-chromium"))
    page = rp.write_html(_doc(_table()), tmp_path / "r.html")
    with pytest.raises(rp.PdfUnavailable, match="apt-get install chromium"):
        rp.write_pdf(page)
    assert not (tmp_path / "r.pdf").exists()


@pytest.mark.slow
def test_chromium_prints_every_group_into_the_pdf(tmp_path: Path) -> None:
    groups = [rp.RowGroup(f"Group {g}", [[rp.Cell(f"row-{g}-{i}"), rp.Cell("1", True)]
                                         for i in range(3)]) for g in "ABC"]
    page = rp.write_html(_doc(rp.Table("g", "Grouped", ["Row", "N"], groups=groups)),
                         tmp_path / "r.html")
    pdf = rp.write_pdf(page)
    assert pdf == tmp_path / "r.pdf" and pdf.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "row-C-2" in text and "row-A-0" in text  # the closed groups were opened to print
