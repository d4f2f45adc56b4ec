"""The `bwv` command: parses, calls the library, prints; errors exit 2 with a message."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from workbench.cli import app
from workbench.exceptions import ParameterError
from workbench.model import Clip, Role, Utterance
from workbench.project import CONFIG_NAME, Project

runner = CliRunner()


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("init", "ingest", "clips", "coder", "demo"):
        assert command in result.output


def test_init_creates_config_and_store_and_is_repeatable(tmp_path: Path) -> None:
    folder = tmp_path / "study"
    result = runner.invoke(app, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    config = yaml.safe_load((folder / CONFIG_NAME).read_text())
    assert config["store"].startswith("sqlite:///") and config["codebook"] == "stop-search@1.0.0"
    assert (folder / "store.sqlite").exists()
    assert runner.invoke(app, ["init", str(folder)]).exit_code == 0


def test_clips_lists_and_filters(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    with project.open_store() as store:
        for cid, borough in (("a1", "Lambeth"), ("b2", "Hackney")):
            store.put_clip(Clip(cid, borough=borough, duration=120.0),
                           [Utterance(cid, 0, 0, 1, "PC 1", Role.OFFICER, "hello")], cid)
    result = runner.invoke(app, ["clips", "--project", str(project.root), "--borough", "Hackney"])
    assert result.exit_code == 0, result.output
    assert "b2" in result.output and "a1" not in result.output


def test_coder_add_then_list(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    assert runner.invoke(app, ["coder", "add", "c01", "--name", "Coder One", "--project",
                               str(project.root)]).exit_code == 0
    result = runner.invoke(app, ["coder", "list", "--project", str(project.root)])
    assert "c01" in result.output and "Coder One" in result.output


def test_a_command_outside_a_project_says_how_to_start(tmp_path: Path) -> None:
    result = runner.invoke(app, ["clips", "--project", str(tmp_path)])
    assert result.exit_code == 2
    assert "bwv init" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("store: [unclosed", "YAML syntax error"),
        ("codebook: stop-search\n", "'store'"),
        ("store: sqlite://\ncodebook: stop-search\n", "NAME@VERSION"),
    ],
)
def test_a_broken_config_is_named_in_the_error(tmp_path: Path, content: str,
                                               message: str) -> None:
    (tmp_path / CONFIG_NAME).write_text(content)
    with pytest.raises(ParameterError, match=message) as info:
        Project.load(tmp_path)
    assert CONFIG_NAME in str(info.value)
