"""Team deployment: the JupyterHub example gives each user's server their own identity, the
store is opened as that user (a real PostgreSQL role), and `bwv doctor` checks it all."""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
import yaml
from typer.testing import CliRunner

from tests.conftest import REPO
from workbench.cli import app
from workbench.deployment import hub_environment, run_checks, store_url_for
from workbench.exceptions import ParameterError
from workbench.model import Coder, UserRole
from workbench.project import Project
from workbench.store import Store, schema
from workbench.store.pg_security import install_row_security, provision_login

HUB = REPO / "deploy" / "jupyterhub"


class _Config(SimpleNamespace):
    """What JupyterHub's get_config() returns, enough to load a config file."""

    def __getattr__(self, name: str) -> _Config:
        value = _Config()
        setattr(self, name, value)
        return value


def _spawn_env(user: str) -> dict[str, str]:
    config = _Config()
    runpy.run_path(str(HUB / "jupyterhub_config.py"), init_globals={"get_config": lambda: config})
    spawner = SimpleNamespace(user=SimpleNamespace(name=user), environment={})
    config.Spawner.pre_spawn_hook(spawner)
    return spawner.environment


def test_the_hub_example_gives_each_user_their_own_identity_and_no_secret() -> None:
    alice, bob = _spawn_env("alice"), _spawn_env("bob")
    assert alice["BWV_USER"] == alice["BWV_CODER"] == "alice" and bob["BWV_USER"] == "bob"
    assert alice["BWV_PROJECT"] == bob["BWV_PROJECT"] == "/srv/bwv/project"
    for env in (alice, bob):
        assert not any("PASSWORD" in k or "password" in v.lower() for k, v in env.items())
    shared = yaml.safe_load((HUB / "bwv.yaml").read_text())["store"]
    assert store_url_for(shared, "alice") == \
        "postgresql://alice@db.internal:5432/bwv?sslmode=require"
    with pytest.raises(ParameterError, match="database role"):
        _spawn_env("Robert'); DROP TABLE clips;--")


@pytest.mark.parametrize(("template", "user", "message"), [
    ("postgresql://{user}:secret@db/bwv", "alice", "holds a password"),
    ("postgresql://{user}@db/bwv", "Alice Smith", "cannot name a database role"),
    ("postgresql://{user}@db/bwv", "", "set \\$BWV_USER"),
    ("sqlite:///{user}.sqlite", "alice", "needs PostgreSQL"),
])
def test_bad_per_user_settings_are_clear_errors(template: str, user: str, message: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BWV_USER", raising=False)
    monkeypatch.delenv("BWV_CODER", raising=False)
    with pytest.raises(ParameterError, match=message):
        store_url_for(template, user or None)


def test_a_url_without_the_placeholder_is_used_as_it_is() -> None:
    assert store_url_for("sqlite:///x.sqlite", "alice") == "sqlite:///x.sqlite"
    assert hub_environment("bob", project="/p", pgpass="/home/{user}/.pgpass")[
        "PGPASSFILE"] == "/home/bob/.pgpass"


@pytest.fixture
def team_store(postgres_url: str) -> str:
    """The shared store, made by the database owner, with row-level security and a login
    for alice (admin, reviewer) and bob (coder); returns the per-user URL template."""
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    owner = Store(postgres_url)
    alice = Coder("alice", roles={UserRole.ADMIN, UserRole.REVIEWER})
    bob = Coder("bob")
    for person in (alice, bob):
        owner.add_coder(person)
    with owner.transaction() as conn:
        install_row_security(conn)
        for person in (alice, bob):
            provision_login(conn, person.coder_id, person.roles)
    owner.close()
    yield postgres_url.replace("bwv@", "{user}@", 1)
    with sa.create_engine(postgres_url).begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))


def _team_project(tmp_path: Path, template: str) -> Path:
    root = tmp_path / "project"
    root.mkdir(parents=True)
    shutil.copy(HUB / "bwv.yaml", root / "bwv.yaml")
    text = (root / "bwv.yaml").read_text().replace(
        "postgresql://{user}@db.internal:5432/bwv?sslmode=require", template)
    (root / "bwv.yaml").write_text(text)
    return root


@pytest.mark.slow
def test_each_users_notebook_process_opens_the_shared_store_as_that_user(
        team_store: str, tmp_path: Path) -> None:
    root = _team_project(tmp_path, team_store)
    probe = ("from workbench.project import Project\n"
             "import sqlalchemy as sa\n"
             "store = Project.load().open_store()\n"
             "with store.transaction.read() as conn:\n"
             "    print(conn.execute(sa.text('SELECT current_user')).scalar())\n"
             "print(store.audit(None, 'probe').actor)\n")
    for user in ("alice", "bob"):
        env = {**os.environ, **_spawn_env(user), "BWV_PROJECT": str(root)}
        out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                             text=True, timeout=120, cwd=REPO)
        assert out.returncode == 0, out.stderr
        assert out.stdout.split() == [user, user]  # the database role, and the audit's actor


@pytest.mark.slow
def test_doctor_passes_as_a_user_and_fails_as_the_superuser(team_store: str, tmp_path: Path,
                                                            postgres_url: str,
                                                            monkeypatch) -> None:
    root = _team_project(tmp_path, team_store)
    monkeypatch.setenv("BWV_USER", "alice")
    checks = run_checks(Project.load(root))
    assert [(c.name, c.ok) for c in checks] == [
        ("store reachable", True), ("schema current", True), ("codebook hashes", True),
        ("audit chain", True), ("roles", True)], checks
    owner = _team_project(tmp_path / "owner", postgres_url)
    [*_, roles] = run_checks(Project.load(owner))
    assert not roles.ok and "superuser" in roles.detail
    owner_store = Store(postgres_url)
    owner_store.add_coder(Coder("carol"))
    owner_store.close()
    [*_, roles] = run_checks(Project.load(root))
    assert not roles.ok and "carol" in roles.detail


def test_doctor_on_a_sqlite_project_and_what_it_catches(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    runner = CliRunner()
    no_admin = runner.invoke(app, ["doctor", "--project", str(project.root)])
    assert no_admin.exit_code == 1 and "no admin" in no_admin.output
    with project.open_store() as store:
        store.add_coder(Coder("lead", roles={UserRole.ADMIN, UserRole.REVIEWER}))
    ok = runner.invoke(app, ["doctor", "--project", str(project.root)])
    assert ok.exit_code == 0, ok.output
    with project.open_store() as store, store.transaction() as conn:
        conn.execute(schema.audit_events.update().values(actor="mallory"))
        conn.execute(schema.codebooks.insert().values(
            codebook_id="x", version="1.0.0", hash="0" * 64, content="{}",
            recorded_at=sa.func.now()))
    broken = {c.name: c for c in run_checks(project)}
    assert not broken["audit chain"].ok and "record 1" in broken["audit chain"].detail
    assert not broken["codebook hashes"].ok and "x 1.0.0" in broken["codebook hashes"].detail
    (tmp_path / "p" / "store.sqlite").unlink()
    [gone] = run_checks(project)
    assert not gone.ok and "no store file" in gone.detail


def test_doctor_reports_an_old_schema_without_upgrading_it(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "p")
    engine = sa.create_engine(project.store_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM schema_version WHERE version > 1"))
    engine.dispose()
    checks = run_checks(project)
    assert [c.name for c in checks] == ["store reachable", "schema current"]
    assert not checks[1].ok and "schema version 1, steps 2, 3, 4" in checks[1].detail
    engine = sa.create_engine(project.store_url)
    with engine.connect() as conn:  # still version 1: doctor changed nothing
        assert conn.execute(sa.text("SELECT MAX(version) FROM schema_version")).scalar() == 1
    engine.dispose()
