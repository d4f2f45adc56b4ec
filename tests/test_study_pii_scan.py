"""The PII scan finds planted strings in every text-bearing output format."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from openpyxl import Workbook

from workbench.study.pii_scan import scan_outputs

PLANTED = ["Darnell Okafor", "07700 900123", "14 Acacia Road"]


def _html(path: Path, text: str) -> None:
    path.write_text(f"<html><body><p>{text}</p></body></html>", encoding="utf-8")


def _csv(path: Path, text: str) -> None:
    path.write_text(f"clip_id,quote\nC1,\"{text}\"\n", encoding="utf-8")


def _xlsx(path: Path, text: str) -> None:
    book = Workbook()
    book.active.append(["clip", "quote"])
    book.create_sheet("deep").cell(row=40, column=7, value=text)
    book.save(path)


def _ipynb(path: Path, text: str) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(x)", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="fine\n"),
        nbformat.v4.new_output("execute_result", data={"text/html": f"<td>{text}</td>"},
                               execution_count=1)])])
    nbformat.write(nb, path)


def _svg(path: Path, text: str) -> None:
    path.write_text(f'<svg xmlns="http://www.w3.org/2000/svg"><text>{text}</text></svg>',
                    encoding="utf-8")


def _json(path: Path, text: str) -> None:
    path.write_text(json.dumps({"notes": [f"said {text}"]}), encoding="utf-8")


WRITERS = {"report.html": _html, "tables/t.csv": _csv, "tables.xlsx": _xlsx,
           "notebooks/01.ipynb": _ipynb, "figures/f.svg": _svg, "provenance.json": _json}


@pytest.mark.parametrize("name", sorted(WRITERS))
@pytest.mark.parametrize("planted", PLANTED)
def test_a_planted_string_is_found_in_each_format(tmp_path: Path, name: str,
                                                  planted: str) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    WRITERS[name](path, f"and then {planted.upper()} said")  # case is ignored
    hits = scan_outputs(tmp_path, PLANTED)
    assert [(h.path, h.planted) for h in hits] == [(name, planted)]


def test_clean_outputs_give_no_hits(tmp_path: Path) -> None:
    for name, write in WRITERS.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path, "My name is [NAME], call [PHONE].")
    assert scan_outputs(tmp_path, PLANTED) == []


def test_json_escapes_do_not_hide_a_string(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text(json.dumps({"q": "Zoë Ward"}), encoding="utf-8")
    assert "\\u00eb" in (tmp_path / "x.json").read_text()
    assert [h.planted for h in scan_outputs(tmp_path, ["Zoë Ward"])] == ["Zoë Ward"]


def test_whitespace_runs_and_line_breaks_still_match(tmp_path: Path) -> None:
    (tmp_path / "r.html").write_text("<p>Darnell\n   Okafor</p>", encoding="utf-8")
    assert len(scan_outputs(tmp_path, ["Darnell Okafor"])) == 1


def test_raster_images_are_not_read(tmp_path: Path) -> None:
    (tmp_path / "f.png").write_bytes(b"\x89PNG Darnell Okafor")
    assert scan_outputs(tmp_path, PLANTED) == []


@pytest.mark.parametrize(("text", "hit"), [
    ("Officer Long arrived", True),
    ("how long did it take", False),  # single words match as capitalised
    ("the Longfield estate", False),  # whole words only
    ("Black or Black British", False),  # vocabulary: a category label, not a name
    ("then PC Black said", True),  # ... unless after a title or rank
    ("Sergeant  Black", True),
])
def test_single_word_names_match_as_names(tmp_path: Path, text: str, hit: bool) -> None:
    (tmp_path / "t.csv").write_text(f"quote\n{text}\n", encoding="utf-8")
    hits = scan_outputs(tmp_path, ["Long", "Black"], vocabulary=["Black or Black British"])
    assert bool(hits) is hit
