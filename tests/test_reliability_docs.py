"""The runnable examples in the reliability modules' docstrings still give what they show."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "workbench.reliability.bootstrap",
    "workbench.reliability.catalogue",
    "workbench.reliability.coefficients",
    "workbench.reliability.data",
    "workbench.reliability.definitions",
    "workbench.reliability.encoding",
    "workbench.reliability.limits",
    "workbench.reliability.set_codes",
    "workbench.reliability.gwet",
    "workbench.reliability.long_table",
    "workbench.reliability.verdicts",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
