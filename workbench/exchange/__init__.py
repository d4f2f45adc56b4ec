"""Exchange with other research tools: REFI-QDA ``.qdpx`` projects (ATLAS.ti, MAXQDA, QualCoder,
NVivo) and analysis-ready data for Stata, SPSS and R.

Front door:

- :func:`export_qdpx` — a project (one layer: consensus, one coder's, or all) as a ``.qdpx``;
- :func:`import_qdpx` — a ``.qdpx`` from another tool into a store, with an
  :class:`ImportReport` of everything that did not map;
- :func:`read_qdpx` — the neutral :class:`QdaProject` of a file, schema-validated;
- :func:`export_data` — tidy tables (one row per utterance, one per clip) as CSV + data
  dictionary, Parquet, Stata ``.dta`` and SPSS ``.sav`` with labels, and an R loader.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from workbench.exchange.codes import CodeMapping, imported_codebook, map_codes
from workbench.exchange.data import DataExport, export_data
from workbench.exchange.qda import QdaProject
from workbench.exchange.qde_read import QdpxError, read_qdpx
from workbench.exchange.to_store import ImportReport, import_project

if TYPE_CHECKING:
    from workbench.codebook.book import Codebook
    from workbench.store import Store

__all__ = ["CodeMapping", "DataExport", "ImportReport", "QdaProject", "QdpxError",
           "export_data", "export_qdpx", "import_qdpx", "read_qdpx"]


def export_qdpx(store: Store, codebook: Codebook, path: str | Path, *,
                layer: str = "consensus", shareable: bool = False,
                name: str = "BWV coding project", media_root: Path | None = None) -> Path:
    """Write the store's clips and one layer as a REFI-QDA project (see ``from_store``)."""
    from workbench.exchange.from_store import project_from_store
    from workbench.exchange.qde_write import write_qdpx

    project = project_from_store(store, codebook, layer=layer, shareable=shareable, name=name,
                                 media_root=media_root)
    return write_qdpx(project, path)


def import_qdpx(store: Store, path: str | Path, *, codebook: Codebook | None = None,
                codebook_id: str | None = None, actor: str = "system",
                ) -> tuple[ImportReport, Codebook | None]:
    """Import ``path``; map its codes onto ``codebook``, or build an imported codebook.

    Without ``codebook`` the project's codes become a new codebook ``codebook_id`` (default:
    ``imported-<project name>``), returned so the caller can save it beside the project; a
    project without codes brings its transcripts only (no codebook: None).
    """
    from workbench.exchange.codes import slug

    project = read_qdpx(path)
    if codebook is None and not any(code.codable for _, code in project.all_codes()):
        report = import_project(store, project, None, CodeMapping(""), path=str(path),
                                actor=actor)
        return report, None
    if codebook is None:
        new_id = codebook_id or ("imported-" + slug(project.name or "project").replace("_", "-"))
        codebook, mapping = imported_codebook(project, new_id[:64])
    else:
        mapping = map_codes(project, codebook)
    report = import_project(store, project, codebook, mapping, path=str(path), actor=actor)
    return report, codebook
