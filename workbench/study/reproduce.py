"""Re-run a published study run from its ``provenance.json`` and compare every table.

An academic holds a run's ``provenance.json`` (with its ``tables/`` beside it, as a run folder
has them) and the matching data: a project into which the coding team's bundle was imported
(``bwv import``), or the team's own project. :func:`reproduce`

1. takes the run's parameters from the record (the store and output folder are this project's;
   a parameter file given instead is compared with the record, parameter by parameter);
2. re-runs the study into ``P/outputs/reproduce-<run>/``;
3. compares what produced the run — codebook id, version and hash, data hash, the package
   versions and Python — and says exactly what differs;
4. compares every published table: byte-identical (sha256), or the cells that differ (row,
   column, published, reproduced), and tables missing on either side.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from workbench.exceptions import ParameterError

#: Parameters that belong to the machine that ran the study, not to the analysis.
LOCAL_PARAMETERS = ("store", "output_dir")
MAX_CELLS_LISTED = 20


@dataclass(frozen=True)
class Difference:
    """One input that differs: what, as published, as here."""

    what: str
    published: str
    here: str


@dataclass
class TableComparison:
    table: str
    identical: bool
    note: str = ""
    cells: list[tuple[int, str, str, str]] = field(default_factory=list)  # row, col, pub, here


@dataclass
class ReproduceReport:
    """The outcome: input differences and every table's comparison."""

    run_dir: Path
    inputs: list[Difference]
    tables: list[TableComparison]

    @property
    def identical(self) -> bool:
        """Every published table reproduced byte for byte."""
        return bool(self.tables) and all(t.identical for t in self.tables)

    def summary(self) -> str:
        same = sum(t.identical for t in self.tables)
        lines = [f"re-run in {self.run_dir}",
                 f"tables: {same} of {len(self.tables)} identical"]
        if self.inputs:
            lines.append("inputs that differ from the published run:")
            lines += [f"  {d.what}: published {d.published}, here {d.here}" for d in self.inputs]
        else:
            lines.append("inputs: codebook, data, parameters and package versions as published")
        for table in self.tables:
            if table.identical:
                continue
            lines.append(f"  {table.table}: {table.note}")
            lines += [f"    row {r}, {c}: published {p!r}, reproduced {h!r}"
                      for r, c, p, h in table.cells]
        return "\n".join(lines)


def read_provenance(path: str | Path) -> dict[str, Any]:
    """The record in a ``provenance.json`` (refused with the file named if it is not one)."""
    path = Path(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ParameterError(f"cannot read the provenance record: {exc.strerror}",
                             path=path) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParameterError(f"not a provenance record (JSON): {exc}", path=path) from None
    missing = [k for k in ("parameters", "codebook", "data", "outputs_sha256")
               if not isinstance(record, dict) or k not in record]
    if missing:
        raise ParameterError(f"not a study provenance record: missing {', '.join(missing)}",
                             path=path)
    return record


def _analysis_parameters(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in LOCAL_PARAMETERS}


def _compare(what: str, published: Any, here: Any) -> list[Difference]:
    if published == here:
        return []
    return [Difference(what, json.dumps(published, default=str),
                       json.dumps(here, default=str))]


def _input_differences(published: dict[str, Any], here: dict[str, Any]) -> list[Difference]:
    found: list[Difference] = []
    for key in ("id", "version", "hash"):
        found += _compare(f"codebook {key}", published["codebook"].get(key),
                          here["codebook"].get(key))
    found += _compare("data hash", published["data"].get("hash"), here["data"].get("hash"))
    old, new = (_analysis_parameters(r["parameters"]) for r in (published, here))
    for key in sorted(set(old) | set(new)):
        found += _compare(f"parameter {key}", old.get(key), new.get(key))
    for name in sorted(set(published.get("packages", {})) | set(here.get("packages", {}))):
        found += _compare(f"package {name}", published.get("packages", {}).get(name),
                          here.get("packages", {}).get(name))
    found += _compare("python", published.get("python"), here.get("python"))
    return found


def compare_table(name: str, published: Path, reproduced: Path) -> TableComparison:
    """Byte comparison, then (if both exist and differ) the differing cells."""
    import pandas as pd

    if not reproduced.is_file():
        return TableComparison(name, False, "not produced by the re-run")
    if not published.is_file():
        return TableComparison(name, False, "published hash only (the table is not beside "
                                            "provenance.json); the reproduced table differs")
    if published.read_bytes() == reproduced.read_bytes():
        return TableComparison(name, True)
    old, new = (pd.read_csv(p, dtype=str, keep_default_na=False) for p in (published,
                                                                           reproduced))
    if list(old.columns) != list(new.columns) or len(old) != len(new):
        return TableComparison(name, False, f"shape or columns differ: published {old.shape} "
                                            f"{list(old.columns)[:6]}, reproduced {new.shape} "
                                            f"{list(new.columns)[:6]}")
    cells = [(row, column, old.at[row, column], new.at[row, column])
             for column in old.columns for row in old.index
             if old.at[row, column] != new.at[row, column]]
    return TableComparison(name, False, f"{len(cells)} cells differ", cells[:MAX_CELLS_LISTED])


def reproduce(provenance_path: str | Path, *, project: str | Path,
              params_path: str | Path | None = None, run_name: str | None = None,
              **run_options: Any) -> ReproduceReport:
    """Re-run the study of ``provenance_path`` on ``project`` and compare (module docstring).

    ``run_options`` go to :func:`workbench.study.runner.run_study` (``notebooks_dir``,
    ``jobs``, ``pdf``, ``progress``, ``execute``).
    """
    from workbench.project import Project
    from workbench.study.runner import run_study

    provenance_path = Path(provenance_path)
    record = read_provenance(provenance_path)
    proj = Project.load(project)
    name = run_name or f"reproduce-{record.get('run', 'run')}"
    with tempfile.TemporaryDirectory(prefix="bwv-reproduce-") as private:
        if params_path is None:
            values = _analysis_parameters(record["parameters"])
            values["output_dir"] = str((proj.root / "outputs").resolve())
            params_path = Path(private) / "study.yaml"
            params_path.write_text(yaml.safe_dump(values, sort_keys=True), encoding="utf-8")
        result = run_study(params_path, project=proj.root, run_name=name, overwrite=True,
                           **run_options)
    here = json.loads(result.provenance.read_text(encoding="utf-8"))
    published_dir = provenance_path.parent
    tables = []
    for table, digest in sorted(record["outputs_sha256"].items()):
        mine = result.run_dir / table
        if mine.is_file() and hashlib.sha256(mine.read_bytes()).hexdigest() == digest:
            tables.append(TableComparison(table, True))
        else:
            tables.append(compare_table(table, published_dir / table, mine))
    for extra in sorted(set(here["outputs_sha256"]) - set(record["outputs_sha256"])):
        tables.append(TableComparison(extra, False, "produced by the re-run, not published"))
    return ReproduceReport(result.run_dir, _input_differences(record, here), tables)
