"""Archive-scale scoring on Dask: markers (and suggestions) over partitions of transcripts.

Input: tabular transcripts (:data:`workbench.demo.writers.TABULAR_COLUMNS`: ``clip_id, start,
end, speaker, role, text``, plus ``utterance_index`` if present) as Parquet or CSV files (a glob
or a folder), or a pandas frame. Each partition is scored by
:func:`workbench.assist.features.marker_table` (and, given trained models, by
:meth:`SuggestionModels.suggest`) on a Dask cluster: a ``LocalCluster`` by default
(``workers`` processes, one thread each), or the scheduler at ``scheduler`` (e.g.
``tcp://10.0.0.5:8786``). Output: Parquet files under ``out_dir`` (``markers/``, and
``suggestions/`` when models are given), one file a partition; a clip never spans partitions
when the input is a frame (rows are partitioned by clip).
"""

from __future__ import annotations

import glob
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from workbench.assist.markers import MARKER_NAMES
from workbench.exceptions import InputError, ParameterError

COLUMNS = ("clip_id", "utterance_index", "role", "text")


@dataclass(frozen=True)
class ArchiveRun:
    """What :func:`score_archive` wrote: folders, row and partition counts, workers used."""

    markers_dir: Path
    suggestions_dir: Path | None
    utterances: int
    partitions: int
    workers: int


def _with_index(part: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("clip_id", "role", "text") if c not in part.columns]
    if missing:
        raise InputError(f"archive partition: missing column(s) {', '.join(missing)}; "
                         f"expected {', '.join(COLUMNS)}", field=missing[0])
    if "utterance_index" not in part.columns:
        part = part.copy()
        order = part["start"] if "start" in part.columns else pd.Series(range(len(part)),
                                                                         index=part.index)
        part["utterance_index"] = order.groupby(part["clip_id"]).rank(method="first"
                                                                     ).astype(int) - 1
    return part


def score_markers(part: pd.DataFrame) -> pd.DataFrame:
    """Markers of one partition (``clip_id, utterance_index`` and :data:`MARKER_NAMES`)."""
    from workbench.assist.features import marker_table

    part = _with_index(part)
    table = marker_table(part).reset_index(drop=True)
    return table.astype({"clip_id": "string", "utterance_index": "int64"})


def _meta() -> pd.DataFrame:
    cols = {"clip_id": pd.Series(dtype="string"), "utterance_index": pd.Series(dtype="int64")}
    cols.update({m: pd.Series(dtype="float64") for m in MARKER_NAMES})
    return pd.DataFrame(cols)


def _read(source: str | Path | pd.DataFrame, partitions: int):
    import dask.dataframe as dd

    if isinstance(source, pd.DataFrame):
        frame = source.sort_values("clip_id", kind="stable").reset_index(drop=True)
        clips = frame["clip_id"].astype(str)
        codes = pd.Series(pd.factorize(clips)[0], index=frame.index)
        frame = frame.set_index(codes.rename("_clip_no"))
        n = max(1, min(partitions, codes.max() + 1 if len(codes) else 1))
        return dd.from_pandas(frame, npartitions=n, sort=True)
    path = Path(source)
    pattern = str(path / "*") if path.is_dir() else str(path)
    files = [Path(f) for f in sorted(glob.glob(pattern))]
    if not files:
        raise InputError(f"archive: no transcript files at {source}", path=str(source))
    if all(f.suffix == ".parquet" for f in files):
        return dd.read_parquet([str(f) for f in files])
    if all(f.suffix == ".csv" for f in files):
        return dd.read_csv([str(f) for f in files], dtype={"clip_id": "object",
                                                             "text": "object"},
                           keep_default_na=False, blocksize=None)
    raise InputError(f"archive: {source}: expected .parquet or .csv files, got "
                     f"{sorted({f.suffix for f in files})}", path=str(source))


def score_archive(source: str | Path | pd.DataFrame, out_dir: str | Path, *,
                  scheduler: str | None = None, workers: int = 2, partitions: int = 8,
                  models=None) -> ArchiveRun:
    """Score ``source`` on Dask and write Parquet under ``out_dir`` (see the module docstring).

    ``models``: a :class:`~workbench.assist.suggest.SuggestionModels` to also write
    suggestions. Raises `InputError` (unreadable input) or `ParameterError`.
    """
    from distributed import Client, LocalCluster

    if scheduler is None and (not isinstance(workers, int) or workers < 1):
        raise ParameterError(f"workers = {workers!r}: expected a whole number ≥ 1",
                             field="workers")
    out = Path(out_dir)
    markers_dir, suggestions_dir = out / "markers", out / "suggestions"
    for folder in (markers_dir, suggestions_dir):
        if folder.exists() and any(folder.iterdir()):
            raise ParameterError(f"{folder} is not empty; choose a new output folder",
                                 field="out_dir")
    cluster = None if scheduler else LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        with Client(scheduler or cluster) as client:
            n_workers = len(client.scheduler_info()["workers"])
            frame = _read(source, partitions)
            marks = frame.map_partitions(score_markers, meta=_meta())
            marks.to_parquet(str(markers_dir), write_index=False)
            n_rows = int(marks.map_partitions(len).sum().compute())
            wrote_suggestions = None
            if models is not None:
                meta = pd.DataFrame({"clip_id": pd.Series(dtype="object"),
                                     "utterance_index": pd.Series(dtype="int64"),
                                     "key": pd.Series(dtype="object"),
                                     "code_id": pd.Series(dtype="object"),
                                     "value": pd.Series(dtype="object"),
                                     "probability": pd.Series(dtype="float64")})
                future = client.scatter(models, broadcast=True)
                sugg = frame.map_partitions(
                    lambda p, m: m.suggest(_with_index(p)).astype(meta.dtypes.to_dict()),
                    future, meta=meta)
                sugg.to_parquet(str(suggestions_dir), write_index=False)
                wrote_suggestions = suggestions_dir
            return ArchiveRun(markers_dir, wrote_suggestions, n_rows, frame.npartitions,
                              n_workers)
    finally:
        if cluster is not None:
            cluster.close()
