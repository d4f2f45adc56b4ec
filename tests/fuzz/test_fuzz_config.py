"""Fuzz the YAML readers: codebooks, study parameters and the project's ``bwv.yaml``.

Damaged files must be read or refused with a WorkbenchError (never a traceback or a hang —
alias bombs and deep nesting included); generated parameters must survive a round trip through
their YAML unaltered.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.harness import FUZZ, attempt
from tests.fuzz.mutations import any_text, mutated
from workbench.codebook.loading import BUNDLED_CODEBOOKS, load_codebook
from workbench.exceptions import WorkbenchError
from workbench.project import Project
from workbench.study.params import load_params, parse_params, validate_params

DATA = Path(__file__).resolve().parents[1] / "data"
CODEBOOK_SEEDS = [p.read_bytes() for p in [*sorted((DATA / "codebooks" / "mini").glob("*.yaml")),
                                           BUNDLED_CODEBOOKS / "stop-search" / "1.0.0.yaml"]]
PARAM_SEED = b"""\
codebook: stop-search@1.0.0
layer: consensus
date_from: 2021-01-01
date_to: 2021-12-31
boroughs: [Lambeth, Hackney]
group_by: [ethnicity, age_band]
disclosure_threshold: 10
rounding_base: 5
bootstrap_resamples: 200
seed: 7
output_dir: outputs
"""


def test_a_damaged_codebook_is_read_or_refused(tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("fuzz-codebook") / "fuzz.yaml"

    @FUZZ
    @given(data=mutated(CODEBOOK_SEEDS))
    def run(data: bytes) -> None:
        path.write_bytes(data)
        attempt("codebook", lambda: load_codebook(path))

    run()


def test_a_damaged_parameter_file_is_read_or_refused(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("fuzz-params") / "study.yaml"

    @FUZZ
    @given(data=mutated([PARAM_SEED]))
    def run(data: bytes) -> None:
        path.write_bytes(data)
        attempt("study parameters", lambda: load_params(path))

    run()


params = st.fixed_dictionaries({}, optional={
    "layer": st.one_of(st.just("consensus"), st.from_regex(r"coder:[A-Za-z0-9_.@-]{1,12}",
                                                           fullmatch=True)),
    "date_from": st.dates(dt.date(1990, 1, 1), dt.date(2040, 1, 1)),
    "boroughs": st.lists(any_text, max_size=4),
    "bcus": st.lists(any_text, max_size=3),
    "group_by": st.lists(st.from_regex(r"[a-z_][a-z0-9_]{0,15}", fullmatch=True), min_size=1,
                         max_size=5, unique=True),
    "disclosure_threshold": st.integers(1, 2**63 - 1),
    "rounding_base": st.one_of(st.none(), st.integers(1, 1000)),
    "bootstrap_resamples": st.integers(0, 100_000),
    "seed": st.integers(0, 2**63 - 1),
    "output_dir": any_text.filter(lambda t: "\x00" not in t and t.strip()),
})


def test_parameters_survive_their_yaml_unaltered() -> None:
    @FUZZ
    @given(raw=params)
    def run(raw: dict[str, object]) -> None:
        try:
            made = validate_params(raw)
        except WorkbenchError:
            return
        text = made.to_yaml()
        back = attempt("study parameters (round trip)", lambda: parse_params(text))
        assert back == made, "a parameter changed on its way through YAML"

    run()


def test_a_damaged_project_config_is_read_or_refused(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("fuzz-project")
    seed = Project.init(folder).config_path.read_bytes()

    @FUZZ
    @given(data=mutated([seed]))
    def run(data: bytes) -> None:
        (folder / "bwv.yaml").write_bytes(data)
        attempt("bwv.yaml", lambda: Project.load(folder))

    run()
