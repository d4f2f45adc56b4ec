"""The data of one study run: clips, utterances and codes, filtered by the parameters.

:func:`load_study_data` reads the store once and returns a :class:`StudyData` bundle in the
contract of :mod:`workbench.analysis.frames` (validated and sorted), with the codebook, the
ordinal ranks, the exclusions (which clips were left out and why) and the data hash: sha256 of
the full-precision canonical CSV of the three frames (:func:`workbench.study.canonical
.frames_hash`), so two runs on the same data carry the same hash.

The runner snapshots the bundle once (:meth:`StudyData.save`) so every notebook of a run sees
the same data even if coders keep working; a notebook opened on its own reads the store.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from workbench.analysis.frames import (
    CLIP_COLUMNS,
    CLIP_ID,
    CODE_COLUMNS,
    UTTERANCE_COLUMNS,
    validate_frames,
)
from workbench.codebook.book import Codebook
from workbench.codebook.loading import load_ref
from workbench.exceptions import ParameterError, StoreError
from workbench.model import AssignmentKind, AssignmentStatus, CoderStatus, Layer
from workbench.store import Store
from workbench.study.canonical import frames_hash
from workbench.study.params import StudyParams, check_groupings

#: Clip columns not carried into the study (machine-specific paths, not data).
DROPPED_CLIP_COLUMNS: tuple[str, ...] = ("source_file", "media_path")

#: Exclusion reasons, in the order they are tested.
REASONS: tuple[str, ...] = (
    "no date (a date range is set)", "outside the date range", "borough not selected",
    "BCU not selected", "not coded in the layer",
)

Ranks = dict[str, dict[str, int]]


@dataclass(frozen=True)
class StudyData:
    """Everything an analysis notebook needs, filtered by :class:`StudyParams`.

    ``clips``/``utterances``/``codes`` follow :mod:`workbench.analysis.frames`; ``clips`` has
    ``date`` as ISO text. ``exclusions`` has one row per clip left out: ``clip_id``, ``reason``
    (one of :data:`REASONS`). ``other_version_codes`` counts annotations in the layer made
    against another codebook version (left out; migrate them to include them).
    """

    params: StudyParams
    codebook: Codebook
    clips: pd.DataFrame
    utterances: pd.DataFrame
    codes: pd.DataFrame
    ranks: Ranks
    exclusions: pd.DataFrame
    data_hash: str
    other_version_codes: int = 0
    store_clips: int = field(default=0)

    @property
    def codebook_hash(self) -> str:
        return self.codebook.hash

    def save(self, path: str | Path) -> Path:
        """Snapshot the bundle to ``path`` (pickle; for the runner's private temp folder)."""
        path = Path(path)
        with path.open("wb") as handle:
            pickle.dump(self, handle, protocol=pickle.HIGHEST_PROTOCOL)
        return path

    @staticmethod
    def load(path: str | Path) -> StudyData:
        """Read a snapshot written by :meth:`save` (only ever our own files)."""
        with Path(path).open("rb") as handle:
            data = pickle.load(handle)  # our own snapshot, never user input
        if not isinstance(data, StudyData):
            raise ParameterError("not a study data snapshot", path=path)
        return data


def codebook_ranks(codebook: Codebook) -> Ranks:
    """``{code_id: {option_key: rank}}`` for every ordinal code (not_applicable left out)."""
    ranks: Ranks = {}
    for code in codebook.codes:
        if code.level == "ordinal":
            ranks[code.id] = {o.key: code.ordinal_rank(o.key) or 0 for o in code.scale}
    return ranks


def _check_store_url(url: str) -> None:
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise ParameterError(f"{url!r} is not a SQLAlchemy URL; expected sqlite:///path or "
                             "postgresql://user@host/db", field="store") from None
    local = parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "",
                                                                                ":memory:")
    if local and not Path(str(parsed.database)).exists():
        raise ParameterError(f"no store at {parsed.database}; expected an existing SQLite "
                                 "file (run `bwv init` / `bwv demo` first)", field="store")


def load_study_data(params: StudyParams, *, codebooks_dir: str | Path | None = None) -> StudyData:
    """Read, filter and validate the study data named by resolved ``params``.

    ``params.store`` and ``params.codebook`` must be set (see :meth:`StudyParams.resolved`).

    Raises
    ------
    ParameterError
        store missing, unknown coder, a ``group_by`` column the clips lack.
    CodebookError
        the codebook cannot be found or is invalid.
    InputError
        the data breaks the analysis contract (:func:`validate_frames`).
    """
    if params.store is None or params.codebook is None:
        raise ParameterError("store and codebook must be resolved before loading data "
                             "(StudyParams.resolved)", field="store" if params.store is None
                             else "codebook")
    _check_store_url(params.store)
    codebook = load_ref(params.codebook, codebooks_dir)
    with Store(params.store) as store:
        clips = store.clips_frame()
        utterances = store.utterances_frame()
        coded_ids, annotations = _layer_codes(store, params)
    codes, other_version = _codes_of_codebook(annotations, codebook)
    _check_group_by(clips, params)
    kept, exclusions = _filter_clips(clips, params, coded_ids)
    kept_ids = set(kept[CLIP_ID])
    utterances = utterances[utterances[CLIP_ID].isin(kept_ids)]
    codes = codes[codes[CLIP_ID].isin(kept_ids)]
    ranks = codebook_ranks(codebook)
    frames = validate_frames(_clip_columns(kept), utterances[list(UTTERANCE_COLUMNS)],
                             codes[list(CODE_COLUMNS)], ranks=ranks)
    assert frames.clips is not None and frames.utterances is not None
    assert frames.codes is not None
    data_hash = frames_hash([("clips", frames.clips), ("utterances", frames.utterances),
                             ("codes", frames.codes)])
    return StudyData(params=params, codebook=codebook, clips=frames.clips,
                     utterances=frames.utterances, codes=frames.codes, ranks=ranks,
                     exclusions=exclusions, data_hash=data_hash,
                     other_version_codes=other_version, store_clips=len(clips))


def _layer_codes(store: Store, params: StudyParams) -> tuple[set[str], pd.DataFrame]:
    """(clip ids coded in the layer, its active annotations)."""
    coder = params.coder_id
    if coder is None:
        annotations = store.annotations_frame(layer=Layer.CONSENSUS)
        return set(annotations[CLIP_ID]), annotations
    try:
        person = store.coder(coder)
    except StoreError:
        known = ", ".join(c.coder_id for c in store.coders()) or "(none)"
        raise ParameterError(f"unknown coder {coder!r}; coders in the store: {known}",
                             field="layer") from None
    if person.status == CoderStatus.TRAINEE:
        raise ParameterError(f"{coder!r} is a trainee: a trainee's work never enters the "
                             "study (certify them first, `bwv coder certify`)", field="layer")
    # only the coder's ordinary assignments count (never practice or gold-standard clips)
    annotations = store.annotations_frame(layer=Layer.CODER, coder_id=coder, counted_only=True)
    assigned = store.assignments(coder_id=coder, kind=AssignmentKind.ORDINARY)
    if assigned:
        done = {a.clip_id for a in assigned if a.status == AssignmentStatus.DONE}
    else:
        done = set(annotations[CLIP_ID])
    return done, annotations


def _codes_of_codebook(annotations: pd.DataFrame, codebook: Codebook) -> tuple[pd.DataFrame, int]:
    same = ((annotations["codebook_id"] == codebook.id)
            & (annotations["codebook_version"] == codebook.version))
    hashes = set(annotations.loc[same, "codebook_hash"])
    if hashes - {codebook.hash}:
        other = sorted(hashes - {codebook.hash})[0]
        raise ParameterError(
            f"annotations were made against {codebook.label} with content hash {other[:12]}…, "
            f"but the codebook file hashes to {codebook.hash[:12]}…: the file was edited after "
            "use. Restore it, or publish the change as a new version.", field="codebook")
    return annotations.loc[same, list(CODE_COLUMNS)].copy(), int((~same).sum())


def _check_group_by(clips: pd.DataFrame, params: StudyParams) -> None:
    usable = sorted(c for c in clips.columns if c not in (CLIP_ID, *DROPPED_CLIP_COLUMNS))
    for name in params.group_by:
        if name not in clips.columns or name in DROPPED_CLIP_COLUMNS:
            raise ParameterError(f"{name!r} is not a clip metadata column; expected one of "
                                 f"{', '.join(usable)}", field="group_by")
    check_groupings(clips, params.group_by)


def _filter_clips(clips: pd.DataFrame, params: StudyParams,
                  coded: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    dates = pd.to_datetime(clips["date"], errors="coerce")
    has_range = params.date_from is not None or params.date_to is not None
    tests = [
        has_range & dates.isna(),
        dates.notna() & _outside(dates, params),
        _not_selected(clips["borough"], params.boroughs),
        _not_selected(clips["bcu"], params.bcus),
        ~clips[CLIP_ID].isin(coded),
    ]
    reason = pd.Series(pd.NA, index=clips.index, dtype="object")
    for name, test in zip(REASONS, tests, strict=True):
        reason = reason.where(reason.notna() | ~pd.Series(test, index=clips.index), name)
    excluded = reason.notna()
    exclusions = pd.DataFrame({CLIP_ID: clips.loc[excluded, CLIP_ID].astype(str),
                               "reason": reason[excluded].astype(str)})
    return clips[~excluded].copy(), exclusions.sort_values(CLIP_ID).reset_index(drop=True)


def _outside(dates: pd.Series, params: StudyParams) -> pd.Series:
    out = pd.Series(False, index=dates.index)
    if params.date_from is not None:
        out |= dates < pd.Timestamp(params.date_from)
    if params.date_to is not None:
        out |= dates > pd.Timestamp(params.date_to)
    return out


def _not_selected(column: pd.Series, wanted: list[str]) -> pd.Series:
    if not wanted:
        return pd.Series(False, index=column.index)
    return ~column.isin(wanted)


def _clip_columns(clips: pd.DataFrame) -> pd.DataFrame:
    frame = clips.drop(columns=[c for c in DROPPED_CLIP_COLUMNS if c in clips.columns])
    frame["date"] = pd.to_datetime(frame["date"], errors="coerce").dt.strftime("%Y-%m-%d")
    rest = sorted(c for c in frame.columns if c not in CLIP_COLUMNS)
    return frame[[*CLIP_COLUMNS, *rest]]
