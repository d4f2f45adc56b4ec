"""Archive scoring on a small local Dask cluster writes the same markers as in-process."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbench.assist import marker_table, score_archive
from workbench.exceptions import InputError, ParameterError


def _archive() -> pd.DataFrame:
    texts = ["Stand still.", "Thank you, sir.", "Why are you stopping me?",
             "You're not under arrest.", "If you don't calm down, you're going on the floor."]
    rows = [{"clip_id": f"c{c:03d}", "utterance_index": i, "start": float(i), "end": i + 0.5,
             "speaker": "PC 1" if i % 2 == 0 else "Subject",
             "role": "officer" if i % 2 == 0 else "subject", "text": texts[(c + i) % 5]}
            for c in range(40) for i in range(6)]
    return pd.DataFrame(rows)


@pytest.mark.slow
def test_markers_on_a_local_cluster_match_in_process(tmp_path: Path) -> None:
    archive = _archive()
    run = score_archive(archive, tmp_path / "out", workers=2, partitions=4)
    assert run.workers == 2 and run.partitions == 4 and run.utterances == len(archive)
    got = pd.read_parquet(run.markers_dir).sort_values(["clip_id", "utterance_index"])
    want = marker_table(archive).sort_values(["clip_id", "utterance_index"])
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True),
                                  check_dtype=False)
    with pytest.raises(ParameterError, match="not empty"):
        score_archive(archive, tmp_path / "out", workers=1)


def test_archive_refuses_a_folder_without_transcripts(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no transcript files"):
        score_archive(tmp_path / "nothing-here", tmp_path / "out", workers=1)
