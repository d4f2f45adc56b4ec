"""``provenance.json``: what produced a run, so a reader can reproduce or audit it.

Records the workbench's git commit ("unknown" outside a checkout), the codebook id, version
and content hash, the data hash, the parameters (any store password hidden), the versions of
the main packages, Python and the platform, start and end times (UTC) and the sha256 of every
published CSV.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import subprocess
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from workbench.study.data import StudyData
from workbench.study.params import StudyParams

REPO_ROOT = Path(__file__).resolve().parents[2]

#: Distributions whose versions are recorded.
PACKAGES: tuple[str, ...] = (
    "bwv-workbench", "numpy", "pandas", "scipy", "statsmodels", "scikit-learn", "krippendorff",
    "matplotlib", "SQLAlchemy", "pydantic", "PyYAML", "papermill", "nbformat", "nbclient",
    "ipykernel", "jinja2", "openpyxl", "scrubadub", "Faker",
)


def git_commit(repo: Path = REPO_ROOT) -> dict[str, Any]:
    """``{"commit": sha or "unknown", "dirty": bool | None}`` of the workbench checkout.

    "unknown" unless ``repo`` is the top of a git work tree (an installed copy inside some
    other repository must not report that repository's commit).
    """
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True,
                                  text=True, timeout=10, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    top = git("rev-parse", "--show-toplevel")
    if not top or Path(top).resolve() != repo.resolve():  # e.g. installed inside another repo
        return {"commit": "unknown", "dirty": None}
    commit = git("rev-parse", "HEAD")
    if not commit:
        return {"commit": "unknown", "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": None if status is None else bool(status)}


def package_versions(names: Sequence[str] = PACKAGES) -> dict[str, str]:
    """Installed version of each distribution ("not installed" when absent)."""
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def public_params(params: StudyParams) -> dict[str, Any]:
    """The parameters as JSON-ready values, with any password in the store URL hidden."""
    values = params.model_dump(mode="json")
    if values.get("store"):
        try:
            values["store"] = sa.engine.make_url(values["store"]).render_as_string(
                hide_password=True)
        except sa.exc.ArgumentError:
            values["store"] = "(unparseable URL hidden)"
    return values


def file_hashes(run_dir: Path, pattern: str = "tables/*.csv") -> dict[str, str]:
    """sha256 of each file matching ``pattern`` in ``run_dir`` (relative POSIX paths)."""
    return {p.relative_to(run_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(run_dir.glob(pattern))}


def build_provenance(data: StudyData, *, run_dir: Path, started: dt.datetime,
                     finished: dt.datetime, notebooks: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The provenance record of a run (see the module docstring)."""
    codebook = data.codebook
    return {
        "run": run_dir.name,
        "started_utc": started.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "finished_utc": finished.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "workbench": git_commit(),
        "codebook": {"id": codebook.id, "version": codebook.version, "hash": codebook.hash},
        "data": {
            "hash": data.data_hash,
            "hash_method": "sha256 of the full-precision canonical CSV of clips, utterances "
                           "and codes (workbench.study.canonical.frames_hash)",
            "layer": data.params.layer,
            "clips_in_store": data.store_clips,
            "clips": len(data.clips), "utterances": len(data.utterances),
            "codes": len(data.codes), "clips_excluded": len(data.exclusions),
            "codes_from_other_codebook_versions": data.other_version_codes,
            "synthetic": bool(data.clips["synthetic"].fillna(False).astype(bool).all())
            if "synthetic" in data.clips and len(data.clips) else None,
        },
        "parameters": public_params(data.params),
        "notebooks": list(notebooks),
        "outputs_sha256": file_hashes(run_dir),
        "packages": package_versions(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
    }


def write_provenance(record: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
