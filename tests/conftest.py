"""Shared fixtures: stores on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support.postgres import postgres_server
from workbench.store import Store, default_sqlite_url
from workbench.store import schema as store_schema

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
_counter = itertools.count()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty store, on each back-end in turn."""
    if request.param == "sqlite":
        yield default_sqlite_url(tmp_path / "store.sqlite")
        return
    base = request.getfixturevalue("postgres_url")
    # a fresh schema-free database per test: drop everything the last test made
    engine = sa.create_engine(base)
    with engine.begin() as conn:
        store_schema.metadata.drop_all(conn)
    engine.dispose()
    yield base


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty SQLite store in a temporary file."""
    s = Store(default_sqlite_url(tmp_path / f"store{next(_counter)}.sqlite"))
    yield s
    s.close()


@pytest.fixture(scope="session")
def study_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 500-clip synthetic demo project (seed 20211), built once per session."""
    from workbench.demo.project import create_demo_project

    root = tmp_path_factory.mktemp("study-demo") / "demo"
    create_demo_project(root, n_clips=500, seed=20211, progress=False)
    return root


@pytest.fixture(scope="session")
def study_run(study_demo: Path):
    """One full study run on :func:`study_demo` (default parameters, 100 bootstrap
    resamples), shared by every test that reads a run's outputs."""
    from workbench.study.runner import run_study

    params = study_demo.parent / "study.yaml"
    params.write_text("bootstrap_resamples: 100\noutput_dir: runs\n", encoding="utf-8")
    return run_study(params, project=study_demo, run_name="shared", progress=False)
