"""One small SYNTHETIC demo project shared by the exchange tests (built once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.codebook.book import Codebook
from workbench.codebook.loading import load_ref
from workbench.demo.project import create_demo_project
from workbench.project import Project


@pytest.fixture(scope="session")
def exchange_demo(tmp_path_factory: pytest.TempPathFactory) -> Project:
    folder = tmp_path_factory.mktemp("exchange") / "demo"
    create_demo_project(folder, n_clips=16, seed=11, progress=False)
    return Project.load(folder)


@pytest.fixture(scope="session")
def demo_codebook(exchange_demo: Project) -> Codebook:
    return load_ref(exchange_demo.codebook, exchange_demo.codebooks_dir)


@pytest.fixture
def fresh_store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'fresh.sqlite'}"
