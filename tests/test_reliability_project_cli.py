"""``bwv irr`` without a file: the project's table fits the terminal without abbreviating code
ids or verdicts, and prints as CSV, JSON or markdown with the same numbers."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.test_adjudication import CODEBOOK_YAML, review_store
from workbench.cli_review import app


@pytest.fixture(scope="module")
def project_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from workbench.project import Project

    tmp_path = tmp_path_factory.mktemp("irr-project")
    folder = tmp_path / "codebooks" / "review-test"
    folder.mkdir(parents=True)
    (folder / "1.0.0.yaml").write_text(CODEBOOK_YAML, encoding="utf-8")
    project = Project.init(tmp_path / "p", codebook="review-test@1.0.0")
    project.codebooks_dir = tmp_path / "codebooks"
    project.save()
    review_store(project.root / "store.sqlite").close()
    return project.root


def invoke(root: Path, *args: str, width: int = 80):
    result = CliRunner().invoke(app, ["irr-project", "--project", str(root), "--bootstrap",
                                      "30", *args], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("width", [60, 80, 120])
def test_code_ids_and_verdicts_are_never_abbreviated(project_root: Path, width: int) -> None:
    output = invoke(project_root, width=width)
    table = pd.read_csv(io.StringIO(invoke(project_root, "--format", "csv")))
    assert "…" not in output
    for code in table["code_id"]:
        assert code in output, code
    for verdict in set(table["verdict"]):
        assert verdict in output
    assert max(len(line) for line in output.splitlines()) <= max(width, 80)


def test_wide_terminals_show_the_optional_columns_and_labels(project_root: Path) -> None:
    narrow = invoke(project_root, width=60)
    wide = invoke(project_root, "--labels", width=200)
    assert "prevalence" in wide and "prevalence" not in narrow
    table = pd.read_csv(io.StringIO(invoke(project_root, "--format", "csv")))
    assert table["label"].iloc[0][:10] in wide


def test_csv_json_and_markdown_agree(project_root: Path) -> None:
    table = pd.read_csv(io.StringIO(invoke(project_root, "--format", "csv")))
    records = json.loads(invoke(project_root, "--format", "json"))
    assert [r["code_id"] for r in records] == list(table["code_id"])
    assert {"n_units", "n_valid", "verdict"} <= set(records[0])
    markdown = invoke(project_root, "--format", "markdown")
    lines = markdown.strip().splitlines()
    assert lines[0].startswith("| code | alpha |")
    assert len(lines) == 2 + len(table)
