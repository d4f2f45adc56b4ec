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
