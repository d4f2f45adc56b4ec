"""CLI start (ROUND2 "Speed and CLI start"): importing the CLI and ``bwv --help`` load none of
the heavy libraries; every mounted sub-command still loads and runs. The time is measured in
bench/cli_start.py, not here."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from workbench import cli
from workbench.cli_mount import LAZY, load

HEAVY = ("sklearn", "statsmodels", "matplotlib", "pandas", "scipy", "sqlalchemy")
REPO = Path(__file__).resolve().parents[1]


def loaded_after(code: str) -> list[str]:
    probe = (f"import sys\n{code}\nimport json\n"
             f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, cwd=REPO)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert loaded_after("import workbench.cli") == []


def test_bwv_help_lists_every_command_without_importing_them() -> None:
    code = ("from workbench.cli import app\ntry:\n    app(['--help'])\n"
            "except SystemExit:\n    pass")
    assert loaded_after(code) == []
    result = CliRunner().invoke(cli.app, ["--help"], terminal_width=120)
    assert result.exit_code == 0
    for name in ("init", "ingest", *LAZY):
        assert f" {name} " in result.output, name


@pytest.mark.parametrize("name", sorted(LAZY))
def test_every_mounted_command_loads_and_answers_help(name: str) -> None:
    command = load(name)
    assert command.name == name
    result = CliRunner().invoke(cli.app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "--install-completion" not in result.output


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("path", sorted((REPO / "workbench" / "reliability").glob("*.py")),
                         ids=lambda p: p.name)
def test_reliability_statistics_never_import_the_store_or_the_review_workflow(
        path: Path) -> None:
    forbidden = [m for m in imported_modules(path)
                 if m.split(".")[:2] in (["workbench", "store"], ["workbench", "review"])]
    assert forbidden == []
