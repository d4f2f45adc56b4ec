"""Fuzz ``bwv import``: a store bundle whose manifest (or one of its files) is damaged.

An import must restore the store or refuse with a WorkbenchError — never a traceback, a hang
or a half-restored store.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.harness import FUZZ, attempt
from tests.fuzz.mutations import mutated
from tests.test_bundle import _fill
from workbench.bundle import export_bundle, import_bundle
from workbench.exceptions import WorkbenchError
from workbench.store import Store, default_sqlite_url


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz-bundle")
    with Store(default_sqlite_url(folder / "source.sqlite")) as source:
        _fill(source)
        export_bundle(source, folder / "bundle", actor="lead")
    return folder / "bundle"


def test_a_damaged_bundle_is_restored_or_refused(bundle: Path,
                                                 tmp_path_factory: pytest.TempPathFactory) -> None:
    files = sorted(p.relative_to(bundle) for p in bundle.rglob("*") if p.is_file())
    manifest = (bundle / "manifest.json").read_bytes()
    work = tmp_path_factory.mktemp("fuzz-bundle-work")
    with Store("sqlite://") as store:  # the undamaged bundle restores
        import_bundle(store, bundle, actor="lead")
        assert store.count_clips() == 2  # c3 was erased before the export

    @settings(FUZZ, max_examples=40)  # each input restores a whole store: fewer of them
    @given(target=st.sampled_from(files), data=st.data())
    def run(target: Path, data: st.DataObject) -> None:
        copy = work / "b"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(bundle, copy)
        seed = manifest if target.name == "manifest.json" else (bundle / target).read_bytes()
        (copy / target).write_bytes(data.draw(mutated([seed])))
        with Store("sqlite://") as store:
            outcome = attempt("store bundle (bwv import)",
                              lambda: import_bundle(store, copy, actor="lead"))
            if isinstance(outcome, WorkbenchError):
                assert store.count_clips() == 0, "a refused import left rows behind"

    run()
