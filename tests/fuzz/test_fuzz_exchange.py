"""Fuzz the REFI-QDA reader (``bwv import`` of a ``.qdpx`` from another tool).

A damaged ``project.qde`` inside an archive must be read or refused with a WorkbenchError —
never a traceback or a hang (entity expansion included).
"""

from __future__ import annotations

import zipfile

import pytest
from hypothesis import given

from tests.exchange.test_qdpx_import import C1, C2, HEADER, K1, S1, SEL1, U1
from tests.fuzz.harness import FUZZ, attempt
from tests.fuzz.mutations import mutated
from workbench.exchange import read_qdpx

TEXT = "Interviewer: How did the stop start?\nResident: They just grabbed my arm.\n"
SEED = (f'{HEADER}<Users><User guid="{U1}" name="Ana Researcher"/></Users>'
        f'<CodeBook><Codes><Code guid="{C1}" name="Force" isCodable="true">'
        f'<Description>Physical contact</Description>'
        f'<Code guid="{C2}" name="Grab" isCodable="true"/></Code></Codes></CodeBook>'
        f'<Sources><TextSource guid="{S1}" name="Interview 1" '
        f'plainTextPath="internal://{S1}.txt">'
        f'<PlainTextSelection guid="{SEL1}" startPosition="38" endPosition="71" '
        f'creatingUser="{U1}"><Coding guid="{K1}" creatingUser="{U1}">'
        f'<CodeRef targetGUID="{C2}"/></Coding></PlainTextSelection>'
        '</TextSource></Sources></Project>').encode()


def test_a_damaged_qdpx_is_read_or_refused(tmp_path_factory: pytest.TempPathFactory) -> None:
    path = tmp_path_factory.mktemp("fuzz-qdpx") / "project.qdpx"
    assert read_qdpx(_write(path, SEED)).sources  # the seed itself reads

    @FUZZ
    @given(data=mutated([SEED]))
    def run(data: bytes) -> None:
        attempt("REFI-QDA (.qdpx)", lambda: read_qdpx(_write(path, data)))

    run()


def _write(path, qde: bytes):  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr(f"Sources/{S1}.txt", TEXT)
    return path
