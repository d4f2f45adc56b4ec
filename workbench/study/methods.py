"""The report's appendices, generated from the run: methods, disclosure control, provenance.

:func:`methods_facts` reads what the methods appendix states from the data and the store
(coders, the double-coded sample, how the consensus layer was made) and the runner keeps it
in ``provenance.json`` under ``methods``; :func:`methods_sections` turns the provenance
record into report sections: sample, codebook, coders and reliability, consensus rule,
disclosure rule, software versions.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workbench import report as rp

#: The reliability section's table of codes per verdict (its counts feed the appendix).
VERDICTS = "reliability_verdicts.csv"
CONSENSUS_RULE = (
    "The study reads the consensus layer. A unit (a turn for turn-level codes, an encounter "
    "for encounter-level codes) gets the value all its coders agreed on, or the value of its "
    "only coder; where coders disagreed, a reviewer decided, with a recorded rationale "
    "(workbench.review.consensus.build_consensus). Disagreements not yet decided are left "
    "out. The sensitivity section shows the headline results under the other rules "
    "(majority vote, unanimous only, any coder).")


def methods_facts(data: Any, store_url: str, run_dir: Path | None = None) -> dict[str, Any]:
    """Coders, reliability sample and consensus sources of the analysed clips (JSON-ready).

    Coders are those whose work counts (certified or retired, ordinary assignments); trainees'
    practice and gold-standard clips are counted apart, as they never enter the study.
    """
    from workbench.model import AssignmentKind, Layer, UserRole
    from workbench.review.adjudication import AUTO_CONSENSUS
    from workbench.store import Store

    analysed = set(data.clips["clip_id"])
    with Store(store_url) as store:
        people = store.coders()
        counted = set(store.counted_coder_ids())
        assignments = [a for a in store.assignments() if a.clip_id in analysed]
        consensus = store.annotations_frame(layer=Layer.CONSENSUS)
    consensus = consensus[consensus["clip_id"].isin(analysed)]
    ordinary = [a for a in assignments if a.kind == AssignmentKind.ORDINARY
                and a.coder_id in counted]
    overlap: dict[str, set[str]] = {}
    for a in ordinary:
        if a.reliability:
            overlap.setdefault(a.clip_id, set()).add(a.coder_id)
    auto = int((consensus["coder_id"] == AUTO_CONSENSUS).sum())
    verdicts: dict[str, int] = {}
    published = run_dir / "tables" / VERDICTS if run_dir is not None else None
    if published is not None and published.is_file():
        with published.open(encoding="utf-8", newline="") as handle:
            verdicts = {row["verdict"]: int(row["codes"]) for row in csv.DictReader(handle)
                        if row.get("codes", "").isdigit()}
    return {
        "coders": sorted({a.coder_id for a in ordinary}),
        "trainees": sorted({p.coder_id for p in people if p.coder_id not in counted
                            and UserRole.CODER in p.roles}),
        "reviewers": sorted(p.coder_id for p in people if UserRole.REVIEWER in p.roles),
        "clips_double_coded": sum(1 for who in overlap.values() if len(who) >= 2),
        "consensus_units": len(consensus),
        "consensus_automatic": auto,
        "consensus_reviewer": len(consensus) - auto,
        "reliability_verdicts": verdicts,
    }


def _facts_table(table_id: str, title: str, rows: Sequence[tuple[str, str]],
                 headers: tuple[str, str] = ("Item", "Detail")) -> rp.Table:
    return rp.Table(table_id, title, list(headers),
                    [[rp.Cell(k), rp.Cell(v)] for k, v in rows])


def methods_sections(provenance: dict[str, Any], *, footnote: str) -> list[rp.Section]:
    """The appendices (methods, disclosure control, provenance) of a run's report."""
    data, codebook = provenance["data"], provenance["codebook"]
    params = provenance.get("parameters", {})
    facts = provenance.get("methods", {})
    sample = [("Encounters in the store", str(data["clips_in_store"])),
              ("Encounters analysed", str(data["clips"])),
              ("Encounters excluded (dates, areas, not coded)", str(data["clips_excluded"])),
              ("Turns analysed", str(data.get("utterances", "not recorded"))),
              ("Codes in the consensus layer used", str(data.get("codes", "not recorded")))]
    book = [("Codebook", f"{codebook['id']} {codebook['version']}"),
            ("Content hash (sha256)", codebook["hash"]),
            ("Codes made against other versions (left out)",
             str(data.get("codes_from_other_codebook_versions", 0)))]
    blocks: list[rp.Block] = [
        _facts_table("methods_sample", "Sample", sample),
        _facts_table("methods_codebook", "Codebook version", book)]
    if facts:
        coders = [("Coders whose work counts (certified)", ", ".join(facts["coders"]) or "none"),
                  ("Trainees (practice and gold-standard work only; not in the study)",
                   ", ".join(facts.get("trainees", [])) or "none"),
                  ("Reviewers", ", ".join(facts["reviewers"]) or "none"),
                  ("Encounters coded independently by two or more coders",
                   str(facts["clips_double_coded"]))]
        if facts.get("reliability_verdicts"):
            coders.append(("Codes by reliability verdict", ", ".join(
                f"{verdict} {n}" for verdict, n in facts["reliability_verdicts"].items())))
        blocks.append(_facts_table("methods_coders", "Coders and reliability", coders))
        blocks.append(rp.Paragraph(
            "Reliability: Krippendorff's alpha per code on the double-coded encounters, with "
            "percentile bootstrap intervals (Hayes & Krippendorff 2007); alpha ≥ 0.800 "
            "reliable, 0.667–0.800 tentative (Krippendorff 2004). See the reliability "
            "section for every code."))
        consensus = [("Consensus units (turn or encounter × code)",
                      str(facts["consensus_units"])),
                     ("Agreed or single-coded (automatic)", str(facts["consensus_automatic"])),
                     ("Decided by a reviewer", str(facts["consensus_reviewer"]))]
        blocks.append(_facts_table("methods_consensus", "Consensus rule", consensus))
    blocks.append(rp.Paragraph(CONSENSUS_RULE))
    disclosure = [("Threshold (counts below it are confidential)",
                   str(params.get("disclosure_threshold", ""))),
                  ("Rounding of published counts",
                   f"to a multiple of {params['rounding_base']}"
                   if params.get("rounding_base") else "none")]
    methods = rp.Section("methods", "Methods", "How the published figures were made.", [
        *blocks,
        _facts_table("methods_disclosure", "Disclosure rule", disclosure),
        rp.Paragraph(footnote)])
    packages = sorted(provenance.get("packages", {}).items())
    software = [("Workbench commit", str(provenance["workbench"]["commit"])
                 + (" (with uncommitted changes)" if provenance["workbench"].get("dirty")
                    else "")),
                ("Python", str(provenance.get("python", ""))),
                ("Platform", str(provenance.get("platform", "")))]
    software += [(name, version) for name, version in packages]
    record = [("Data hash (sha256)", data["hash"]),
              ("Layer", str(data["layer"])),
              ("Started (UTC)", provenance["started_utc"]),
              ("Finished (UTC)", provenance["finished_utc"])]
    record += [(f"Parameter {key}", str(value)) for key, value in params.items()]
    prov = rp.Section("provenance", "Provenance and software",
                      "The full record is provenance.json in the run folder; the executed "
                      "notebooks are in notebooks/.", [
                          _facts_table("software_versions", "Software versions", software,
                                       ("Software", "Version")),
                          _facts_table("run_record", "Data and parameters", record)])
    return [methods, prov]
