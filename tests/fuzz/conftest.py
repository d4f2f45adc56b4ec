"""Prints the fuzz suite's count of inputs tried per reader at the end of the session (and
writes them as JSON to ``$BWV_FUZZ_REPORT`` when that is set, e.g. for a CI artefact)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tests.fuzz.harness import COUNTS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not COUNTS:
        return
    terminalreporter.section("fuzz: inputs tried per reader")
    total = 0
    for reader, counts in sorted(COUNTS.items()):
        n = sum(counts.values())
        total += n
        terminalreporter.write_line(f"fuzz {reader}: {n} inputs ({counts['read']} read, "
                                    f"{counts['refused']} refused with a clear error)")
    terminalreporter.write_line(f"fuzz total: {total} inputs; every one read or refused with "
                                "a WorkbenchError (a traceback, hang or silent alteration "
                                "fails its test)")
    report = os.environ.get("BWV_FUZZ_REPORT")
    if report:
        Path(report).write_text(json.dumps({r: dict(c) for r, c in sorted(COUNTS.items())},
                                           indent=1) + "\n", encoding="utf-8")
