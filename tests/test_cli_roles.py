"""`bwv --as`, `bwv coder add --role`, `bwv coder certify`: the CLI acts as a person."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from workbench.cli import app
from workbench.model import CoderStatus, UserRole
from workbench.project import Project

runner = CliRunner()


def test_roles_are_set_by_an_admin_and_certification_by_a_reviewer(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    root = ["--project", str(project.root)]
    assert runner.invoke(app, ["coder", "add", "boss", "--role", "admin", *root]).exit_code == 0
    assert runner.invoke(app, ["--as", "boss", "coder", "add", "r01", "--reviewer",
                               *root]).exit_code == 0
    assert runner.invoke(app, ["--as", "boss", "coder", "add", "t01", "--trainee",
                               *root]).exit_code == 0
    # a trainee cannot make themselves a reviewer, nor certify themselves
    denied = runner.invoke(app, ["--as", "t01", "coder", "add", "t01", "--reviewer", *root])
    assert denied.exit_code == 2 and "may not" in denied.output
    denied = runner.invoke(app, ["--as", "t01", "coder", "certify", "t01", "--reviewer", "t01",
                                 "--reason", "me", *root])
    assert denied.exit_code == 2
    ok = runner.invoke(app, ["--as", "r01", "coder", "certify", "t01", "--reviewer", "r01",
                             "--reason", "passed the practice round", *root])
    assert ok.exit_code == 0, ok.output
    with project.open_store() as store:
        people = {c.coder_id: c for c in store.coders()}
        event = store.audit_events(action="coder_status")[-1]
    assert people["t01"].status == CoderStatus.CERTIFIED
    assert people["r01"].roles == {UserRole.CODER, UserRole.REVIEWER}
    assert event.actor == "r01"
    listed = runner.invoke(app, ["coder", "list", *root])
    assert "coder,reviewer" in listed.output and "certified" in listed.output
    unknown = runner.invoke(app, ["coder", "add", "x", "--role", "king", *root])
    assert unknown.exit_code == 2 and "king" in unknown.output
