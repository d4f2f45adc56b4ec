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


@pytest.fixture(autouse=True)
def _nobody_acting() -> Iterator[None]:
    """`bwv --as USER` sets whom later stores open as, for the rest of the process (one
    command in real use); reset it around every test so one CLI test cannot act for the next."""
    from workbench.acting import act_as

    act_as(None)
    yield
    act_as(None)


# ---- one demo project and one study run, shared by every test that needs them ------------
#: The demo the README's `make study` builds: 500 synthetic clips, the default seed.
DEMO_CLIPS, DEMO_SEED = 500, 20211
#: Parameters of the shared run (fewer resamples than the default, to keep CI short).
STUDY_PARAMS = "bootstrap_resamples: 200\noutput_dir: runs\n"


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 500-clip synthetic demo project (built once per test session); read only."""
    from workbench.demo.project import create_demo_project

    root = tmp_path_factory.mktemp("demo") / "demo"
    create_demo_project(root, n_clips=DEMO_CLIPS, seed=DEMO_SEED, progress=False)
    return root


@pytest.fixture(scope="session")
def study_params(demo_project: Path) -> Path:
    """The shared run's parameter file (runs go to ``<its folder>/runs``)."""
    path = demo_project.parent / "study.yaml"
    path.write_text(STUDY_PARAMS, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def study_run(demo_project: Path, study_params: Path):
    """One full study run on the demo project, notebooks in parallel, with the PDF; read
    only (tests that need a second run make their own)."""
    from workbench.study.runner import run_study

    return run_study(study_params, project=demo_project, run_name="shared", progress=False)


@pytest.fixture(scope="session")
def demo_data(demo_project: Path):
    """The consensus-layer study data of the shared demo project (read only)."""
    from workbench.project import Project
    from workbench.study.data import load_study_data
    from workbench.study.params import StudyParams

    project = Project.load(demo_project)
    params = StudyParams().resolved(store=project.store_url, codebook=project.codebook)
    return load_study_data(params, codebooks_dir=project.codebooks_dir)
