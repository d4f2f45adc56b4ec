"""The quarterly learning report: a document of the one report renderer (HTML, then PDF).

Built from :func:`workbench.panels.learning.learning_tables`; sections: screenings held,
clips reviewed, ratings, comparison with the coders, group breakdowns (pooled, [c] under
the threshold), themes with counts over time and redacted unattributed quotes, good
practice, concerns, actions against themes, and a provenance appendix. The CSVs and
``provenance.json`` are written beside ``report.html``.

Run it with ``bwv panel report --quarter 2026Q3`` (:func:`run_learning_report` executes
``notebooks/panels/quarterly_report.ipynb`` with papermill, then prints the PDF).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbench.exceptions import ParameterError
from workbench.panels.learning import LearningData
from workbench.report import Cell, Document, Paragraph, Section, Table, write_html

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO_ROOT / "notebooks" / "panels" / "quarterly_report.ipynb"
LABELS = {
    "screening": "Screening", "panel": "Panel", "held_on": "Held on", "clips": "Clips",
    "selection": "Clips chosen", "members": "Members", "screening_id": "Screening",
    "status": "Status", "clip_id": "Clip",
    "power": "Power", "bcu": "BCU", "comments": "Comments", "item": "Rated", "ratings":
    "Ratings", "mean_score": "Mean score (0–100)", "earlier_mean_score":
    "Earlier quarters", "group": "Group", "n_members": "Members", "group_a": "Group A",
    "group_b": "Group B", "n_a": "Members A", "n_b": "Members B", "difference":
    "Difference (A − B)", "p": "p", "p_holm": "Holm p", "flagged": "Differs", "theme": "Theme",
    "source": "Found by", "text": "Redacted text", "turn": "Turn", "role": "Speaker",
    "what": "What", "who": "Who", "due": "By", "comments_this_quarter":
    "Comments this quarter", "panel_score": "Panel", "consensus_score": "Consensus",
    "coder_id": "Coder", "coder_score": "Coder's score", "codes": "Coder's codes",
}
ITEM_LABELS = {"pj_voice": "Voice", "pj_neutrality": "Neutrality", "pj_respect": "Respect",
               "pj_trust": "Trustworthy motives", "respectful": "Felt respectful",
               "fair": "Felt fair", "explained": "Felt explained",
               "escalating": "Felt escalating", "safe": "Felt safe"}


def _text(value: Any) -> Cell:
    """A table cell: numbers right-aligned (p-values to 3 places, others to 1), labels for
    rating items, "–" for a missing value."""
    if value is None or value is pd.NA or value is pd.NaT or (
            isinstance(value, float | np.floating) and np.isnan(value)):
        return Cell("–", numeric=True)
    if isinstance(value, bool | np.bool_):
        return Cell("yes" if value else "no")
    if isinstance(value, int | np.integer):
        return Cell(str(int(value)), numeric=True)
    if isinstance(value, float | np.floating):
        number = float(value)
        return Cell(f"{number:.3f}" if 0 < abs(number) < 1 else f"{number:.1f}", numeric=True)
    return Cell(ITEM_LABELS.get(str(value), str(value)))


def _label(column: str) -> str:
    text = str(column).replace("_", " ")
    return LABELS.get(str(column), text[:1].upper() + text[1:])


def _table(name: str, title: str, frame: pd.DataFrame, notes: str = "",
           empty: str = "none") -> Table:
    """The table ``name`` of :func:`learning_tables` (its CSV is ``name.csv``)."""
    columns = [_label(c) for c in frame.columns]
    rows = [[_text(v) for v in row] for row in frame.itertuples(index=False)]
    if not rows:
        rows = [[Cell(empty)] + [Cell("")] * (len(columns) - 1)] if columns else []
    return Table(name.replace("_", "-"), title, columns or ["None"], rows or [[Cell(empty)]],
                 notes=notes, source=f"{name}.csv")


def learning_document(data: LearningData, tables: dict[str, pd.DataFrame],
                      provenance: dict[str, Any]) -> Document:
    """The report document (validated)."""
    q = str(data.quarter)
    threshold = data.settings.min_group_cell
    groups = [b for name in ("age_band", "ethnicity", "lived_experience")
              if f"groups_{name}" in tables for b in (
                  _table(f"groups_{name}", f"Mean scores by {name.replace('_', ' ')}",
                         tables[f"groups_{name}"], notes=f"Pooled over every screening up "
                         f"to the end of {q}; groups of fewer than {threshold} members "
                         "shown [c]."),
                  _table(f"differences_{name}", f"Differences by {name.replace('_', ' ')}",
                         tables[f"differences_{name}"], notes="Mann–Whitney U on members' "
                         "mean scores, Holm-adjusted over every pair and item; differs: "
                         "Holm p < 0.05. Groups under the threshold are not compared."))]
    coders = ([_table("coders", "Panel, consensus and each coder",
                      tables["coders"], notes="Scores 0–100: the panel's mean of (rating − "
                      "1) × 25, the consensus layer's derived score and each certified "
                      "coder's own derived score with the codes behind it (code=value "
                      "×turns).")]
              if "coders" in tables else [Paragraph(m) for m in data.missing])
    counts = tables["theme_counts"]
    sections = [
        Section("held", "Screenings held", intro=(
            f"Screenings in {q}: {len(data.screenings)}; earlier: {len(data.earlier)}."),
            blocks=[_table("screenings", f"Screenings held in {q}", tables["screenings"])]),
        Section("clips", "Clips reviewed", blocks=[_table(
            "clips", "Clips shown to the panels", tables["clips"])]),
        Section("ratings", "Ratings", intro=(
            "Members rated each clip 1–5; shown as scores 0–100 ((rating − 1) × 25)."),
            blocks=[_table("ratings", "Mean ratings this quarter and before",
                           tables["ratings"])]),
        Section("coders", "Panel beside the coders", blocks=coders),
        Section("groups", "Members' groups", intro=(
            "Breakdowns by members' self-described groups, pooled across screenings and "
            "quarters so that disclosure control leaves something to read."),
            blocks=groups or [Paragraph("No member described a group.")]),
        Section("themes", "Themes", intro=(
            "Comments grouped by the facilitator's keyword rules and the accepted "
            "clustering. Quotes are redacted and carry no member or pseudonym."),
            blocks=[_table("theme_counts", "Comments per theme and quarter", counts),
                    _table("quotes", f"Quotes from {q}", tables["quotes"])]),
        Section("good", "Good practice", blocks=[_table(
            "good_practice", "Turns members marked as good practice",
            tables["good_practice"], notes="Turn text redacted; members: how many marked it.")]),
        Section("concerns", "Concerns", blocks=[_table(
            "concern", "Turns members marked as a concern", tables["concern"],
            notes="Turn text redacted; members: how many marked it.")]),
        Section("actions", "Actions", intro=(
            "Actions recorded against themes, with their state at the end of the quarter."),
            blocks=[_table("actions", "Actions against themes", tables["actions"])]),
    ]
    appendix = [Section("provenance", "Provenance", blocks=[Table(
        "provenance", "How this report was made", ["Item", "Value"],
        [[Cell(k), Cell(str(v))] for k, v in _provenance_rows(provenance)])])]
    return Document(f"Panel learning report {q}", sections, meta=[
        f"Quarter {q}", f"Read as {data.reader}", f"Made {provenance['made_utc']}"],
        banner="SYNTHETIC data: a demonstration panel, not real members' views."
        if data.synthetic else "", appendix=appendix).validate()


def _provenance_rows(record: dict[str, Any]) -> list[tuple[str, Any]]:
    rows = [(k.replace("_", " ").capitalize(), v) for k, v in record.items()
            if k not in ("packages", "outputs_sha256")]
    rows += [(f"Package {k}", v) for k, v in record.get("packages", {}).items()]
    return rows


def build_provenance(data: LearningData, store_url: str) -> dict[str, Any]:
    """What produced the report: commit, store, reader, settings, data hash, versions."""
    import sqlalchemy as sa

    from workbench.study.provenance import git_commit, package_versions

    return {
        "quarter": str(data.quarter),
        "made_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "workbench": git_commit(),
        "store": sa.engine.make_url(store_url).render_as_string(hide_password=True),
        "read_as": data.reader,
        "screenings": sorted(data.screening_ids),
        "answers_sha256": data.data_hash,
        "retention_days": data.settings.retention_days,
        "min_group_cell": data.settings.min_group_cell,
        "theme_rules": len(data.rules),
        "accepted_cluster_themes": int((data.themed["source"] == "cluster").sum()),
        "notebook": str(NOTEBOOK.relative_to(REPO_ROOT)),
        "python": sys.version.split()[0], "platform": platform.platform(),
        "packages": package_versions(("bwv-workbench", "pandas", "scipy", "scikit-learn",
                                      "papermill", "jinja2", "playwright")),
    }


def write_learning_report(data: LearningData, tables: dict[str, pd.DataFrame],
                          store_url: str, out_dir: str | Path) -> Path:
    """Write the CSVs, ``provenance.json`` and ``report.html`` to ``out_dir``; returns the
    HTML's path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    hashes = {}
    for name, frame in tables.items():
        path = out / f"{name}.csv"
        frame.to_csv(path, index=False)
        hashes[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    record = build_provenance(data, store_url)
    document = learning_document(data, tables, record)
    record["outputs_sha256"] = hashes
    (out / "provenance.json").write_text(json.dumps(record, indent=2, ensure_ascii=False)
                                         + "\n", encoding="utf-8")
    return write_html(document, out / "report.html")


def run_learning_report(project: str | Path, quarter: str, *, out_dir: str | Path | None = None,
                        as_user: str | None = None, pdf: bool = True) -> tuple[Path, Path | None]:
    """Execute the report notebook with papermill (as ``as_user``), then print the PDF.

    Returns (report.html, report.pdf or None when ``pdf`` is off). Output folder default:
    ``<project>/outputs/panels/<quarter>``. A failing cell raises :class:`StudyRunError`.
    """
    import papermill

    from workbench.exceptions import StudyRunError
    from workbench.panels.learning import parse_quarter
    from workbench.project import Project
    from workbench.study.kernels import KERNEL, KERNEL_ARGUMENTS, local_kernel_manager

    period = str(parse_quarter(quarter))
    with Project.load(project).open_store(as_user=as_user) as store:  # fail before a kernel
        if not any(str(pd.Period(s.held_on, "Q")) == period for s in store.screenings()):
            raise ParameterError(f"no screening was held in {period}", field="quarter")
    out = Path(out_dir) if out_dir else Path(project) / "outputs" / "panels" / period
    out.mkdir(parents=True, exist_ok=True)
    executed = out / "quarterly_report.ipynb"
    with tempfile.TemporaryDirectory(prefix="bwv-panel-report-") as private:
        try:  # the kernel talks over IPC sockets in a private folder, as the study's do
            papermill.execute_notebook(
                str(NOTEBOOK), str(executed), parameters={
                    "project": str(Path(project).resolve()), "quarter": period,
                    "out_dir": str(out.resolve()), "as_user": as_user},
                progress_bar=False, log_output=False, kernel_name=KERNEL, cwd=private,
                kernel_manager_class=local_kernel_manager(), extra_arguments=KERNEL_ARGUMENTS)
        except papermill.PapermillExecutionError as exc:
            if exc.ename in ("ParameterError", "AccessError", "StoreError"):
                from workbench import exceptions

                raise getattr(exceptions, exc.ename)(exc.evalue) from None
            raise StudyRunError(NOTEBOOK.name, cell=exc.exec_count, error=exc.ename,
                                detail=exc.evalue, executed=executed) from None
    html = out / "report.html"
    if not pdf:
        return html, None
    from workbench.report import write_pdf

    return html, write_pdf(html, out / "report.pdf")
