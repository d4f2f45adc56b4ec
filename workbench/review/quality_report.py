"""The quality report of an audit as a document of the one report renderer (HTML, PDF).

Sections: the sample design (audit, codebook version, reviewers, clips per original coder);
agreement per code with intervals; codes below the threshold with the direction of error; per
original coder (who over- or under-codes what, with prevalence bias); agreement over time;
disagreements as examples (turn text redacted); hinted against unhinted original values;
agreement between reviewers (where two or
more re-coded a clip); and the lead reviewer's sign-off (an audited record; without it the
report is marked a draft). The provenance (:mod:`workbench.review.quality_run`) is an appendix.
Codes and set elements are shown by their codebook labels; the CSVs beside the report keep ids.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.report import Cell, Document, Paragraph, Section, Table, write_html
from workbench.review.quality import QualityResult, variable_labels

if TYPE_CHECKING:
    from workbench.codebook.book import Codebook


def _n(value: Any, digits: int = 3) -> Cell:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return Cell(str(value))
    if number != number:  # NaN
        return Cell("–", numeric=True)
    return Cell(f"{number:.{digits}f}", numeric=True)


def labeller(codebook: Codebook) -> Callable[[str], str]:
    """id → label for codes and set elements (``code[option]``); unknown ids as they are."""
    labels = variable_labels(codebook)
    labels.update({c.id: c.label for c in codebook.codes if c.id not in labels})
    return lambda code_id: labels.get(code_id, code_id)


def quality_document(result: QualityResult, codebook: Codebook,
                     signoff: dict[str, Any] | None,
                     provenance: dict[str, Any] | None = None) -> Document:
    """Build the report document (validated); ``provenance`` (:mod:`workbench.review.
    quality_run`) becomes an appendix, and a review not signed off is marked a draft."""
    audit = result.audit
    design = audit.get("design", {})
    label = labeller(codebook)
    per_coder: dict[str, int] = {}
    for clip in audit.get("clips", []):
        per_coder[clip["coder_id"]] = per_coder.get(clip["coder_id"], 0) + 1
    design_rows = [
        [Cell("Audit"), Cell(str(audit.get("audit_id")))],
        [Cell("Codebook"), Cell(f"{audit.get('codebook', {}).get('id', codebook.id)} "
                                f"{audit.get('codebook', {}).get('version', codebook.version)}")],
        [Cell("Sample"), Cell(f"{len(audit.get('clips', []))} clips coded once; size "
                              f"{design.get('size')}, share {design.get('share')}, seed "
                              f"{design.get('seed')}")],
        [Cell("Stratified by"), Cell(", ".join(design.get("stratify", [])) or "nothing")],
        [Cell("Codes of concern"), Cell(", ".join(label(c) for c in
                                                  design.get("concern_codes", [])) or "none")],
        [Cell("Reviewers"), Cell(", ".join(audit.get("reviewers", [])))],
        [Cell("Lead reviewer"), Cell(str(audit.get("lead")))],
        *[[Cell(f"Clips by {coder}"), Cell(str(n), numeric=True)]
          for coder, n in sorted(per_coder.items())],
    ]
    by_code = [[Cell(label(r.code_id)), _n(r.alpha), _n(r.ci_low), _n(r.ci_high),
                Cell(str(r.n_units), numeric=True), Cell(str(r.n_clips), numeric=True),
                _n(100 * r.original_rate, 1), _n(100 * r.review_rate, 1), Cell(r.verdict)]
               for r in result.by_code.itertuples()]
    below = [[Cell(label(r.code_id)), _n(r.alpha),
              Cell(r.direction or "no direction"),
              _n(100 * (r.original_rate - r.review_rate), 1)]
             for r in result.below.itertuples()]
    coders = [[Cell(r.coder_id), Cell(label(r.code_id)),
               Cell(str(r.n_units), numeric=True), Cell(str(r.b), numeric=True),
               Cell(str(r.c), numeric=True), _n(100 * r.prevalence_bias, 1), _n(r.p_holm, 4),
               Cell(r.flag or "–")]
              for r in result.by_coder.itertuples() if r.flag or r.p_holm < 0.5]
    periods = [[Cell(label(r.code_id)), Cell(str(r.period)), _n(r.alpha),
                Cell(str(r.n_units), numeric=True)] for r in result.by_period.itertuples()]
    examples = [[Cell(label(r.code_id)), Cell(str(r.clip_id)),
                 Cell("clip" if r.turn is None or r.turn != r.turn else str(int(r.turn)),
                      numeric=True),
                 Cell(str(r.original)), Cell(str(r.review)), Cell(str(r.text))]
                for r in result.examples.itertuples()]
    sign = ([Paragraph(f"Signed off by {signoff['lead']} at {signoff['at']} (audit record "
                       f"{signoff.get('event_id')}): {signoff['statement']}")]
            if signoff else [Paragraph("Not signed off yet: the review is still blind.")])
    sections = [
        Section("design", "Sample design", blocks=[Table(
            "design", "The audit sample", ["Item", "Value"], design_rows)]),
        Section("agreement", "Agreement per code", intro=(
            "Krippendorff's alpha between the original coding and the blind review, with a "
            "95% percentile interval from resampling clips (turns of a clip together); rates "
            "are the shares of units where each applied the code."), blocks=[Table(
                "by-code", "Agreement between original and review coding",
                ["Code", "Alpha", "Low", "High", "Units", "Clips", "Original %", "Review %",
                 "Verdict"], by_code)]),
        Section("below", "Codes below the threshold", intro=(
            f"Codes whose alpha is below {result.threshold:.3f}, with the direction of error: "
            "over-codes where the original coding applies the code more often than the "
            "review."), blocks=[Table("below", "Codes below the agreed threshold",
                                      ["Code", "Alpha", "Direction", "Difference (points)"],
                                      below or [[Cell("none"), Cell(""), Cell(""),
                                                 Cell("")]])]),
        Section("coders", "Per original coder", intro=(
            "Units where only the coder applied the code (b) or only the reviewer did (c); "
            "McNemar's exact test, Holm-adjusted over every coder and code; flagged where the "
            "adjusted p is below 0.05."), blocks=[Table(
                "by-coder", "Who over- or under-codes what",
                ["Coder", "Code", "Units", "Coder only", "Reviewer only",
                 "Prevalence bias (points)", "Adjusted p", "Flag"],
                coders or [[Cell("none")] + [Cell("")] * 7])]),
        Section("time", "Agreement over time", blocks=[Table(
            "by-period", "Agreement by month the clip was coded",
            ["Code", "Month", "Alpha", "Units"],
            periods or [[Cell("none"), Cell(""), Cell(""), Cell("")]])]),
        Section("examples", "Disagreements", intro=(
            "Examples from the codes below the threshold; the turn's text is redacted."),
                blocks=[Table("examples", "Examples of disagreement",
                              ["Code", "Clip", "Turn", "Original", "Review", "Text"],
                              examples or [[Cell("none")] + [Cell("")] * 5])]),
        _hint_section(result, label),
        _reviewers_section(result, label),
        Section("signoff", "Sign-off", blocks=sign),
    ]
    appendix = [_provenance_section(provenance)] if provenance else []
    synthetic = bool(provenance and provenance.get("data", {}).get("synthetic"))
    banner = " ".join(filter(None, [
        "SYNTHETIC data: no real encounter." if synthetic else "",
        "" if signoff else "Draft: the lead reviewer has not signed this review off."]))
    return Document(f"Quality review {audit.get('audit_id')}", sections,
                    meta=[f"Codebook {codebook.id} {codebook.version}"], banner=banner,
                    appendix=appendix).validate()


def _reviewers_section(result: QualityResult, label: Callable[[str], str]) -> Section:
    frame = result.between_reviewers
    if frame is None or frame.empty:
        return Section("reviewers", "Agreement between reviewers", blocks=[Paragraph(
            "No clip was re-coded by two or more reviewers, so the reviewers' agreement with "
            "each other is not measured here.")])
    rows = [[Cell(label(r.code_id)), _n(r.alpha), _n(r.ci_low), _n(r.ci_high),
             Cell(str(r.n_units), numeric=True), Cell(str(r.n_clips), numeric=True),
             Cell(str(r.n_reviewers), numeric=True), Cell(r.verdict)]
            for r in frame.itertuples()]
    return Section("reviewers", "Agreement between reviewers", intro=(
        "Krippendorff's alpha among the reviewers on the clips two or more of them re-coded "
        "blind, with a 95% interval from resampling clips: how far the review itself is "
        "reproducible."), blocks=[Table(
            "by-reviewers", "Agreement among the reviewers",
            ["Code", "Alpha", "Low", "High", "Units", "Clips", "Reviewers", "Verdict"], rows)])


def _hint_section(result: QualityResult, label: Callable[[str], str]) -> Section:
    frame = result.by_hint
    title = "Hinted and unhinted coding"
    if frame is None or frame.empty or not frame["n_hinted"].any():
        return Section("hints", title, blocks=[Paragraph(
            "No original value in this audit came from an accepted assistance hint, so hinted "
            "and unhinted coding are not compared here.")])
    shown = frame.loc[(frame["code_id"] == "all") | (frame["n_hinted"] > 0)]
    rows = [[Cell("All codes (pooled)" if r.code_id == "all" else label(r.code_id)),
             Cell(str(r.n_hinted), numeric=True), _n(100 * r.agreement_hinted, 1),
             _n(r.alpha_hinted), Cell(str(r.n_unhinted), numeric=True),
             _n(100 * r.agreement_unhinted, 1), _n(r.alpha_unhinted), Cell(r.note or "–")]
            for r in shown.itertuples()]
    return Section("hints", title, intro=(
        "The original coding against the blind review (re-coded with hints off), separately "
        "for units whose original value came from an accepted hint and for the others (coded "
        "by hand or left uncoded): percent agreement and Krippendorff's alpha; the pooled row "
        "treats every code's values as nominal categories (units where neither applied a "
        "code weigh in it). A group with too few units is not "
        "estimated. Coders chose which hints to accept, so a difference describes those "
        "units, not the effect of hints. Codes without a hinted value are left out."),
        blocks=[Table("by-hint", "Agreement with the review, hinted and unhinted values",
                      ["Code", "Hinted units", "Hinted agreement %", "Hinted alpha",
                       "Unhinted units", "Unhinted agreement %", "Unhinted alpha", "Note"],
                      rows)])


def _provenance_section(provenance: dict[str, Any]) -> Section:
    book = provenance.get("codebook", {})
    data = provenance.get("data", {})
    commit = provenance.get("workbench", {})
    rows = [
        ["Codebook", f"{book.get('id')} {book.get('version')} (sha256 {book.get('hash')})"],
        ["Data compared", f"sha256 {data.get('hash')} ({data.get('rows')} ratings of "
                          f"{data.get('clips')} clips)"],
        ["Parameters", ", ".join(f"{k} = {v}" for k, v in
                                 sorted(provenance.get("parameters", {}).items()))],
        ["Workbench commit", f"{commit.get('commit')}"
                             + (" (uncommitted changes)" if commit.get("dirty") else "")],
        ["Audit chain head", str(provenance.get("audit_head", ""))],
        ["Python", f"{provenance.get('python')} on {provenance.get('platform')}"],
        ["Packages", ", ".join(f"{k} {v}" for k, v in
                               sorted(provenance.get("packages", {}).items()))],
    ]
    return Section("provenance", "Provenance", blocks=[Table(
        "provenance", "What produced this report", ["Item", "Value"],
        [[Cell(a), Cell(str(b))] for a, b in rows])])


def write_quality_report(result: QualityResult, codebook: Codebook,
                         signoff: dict[str, Any] | None, out_dir: Path, *,
                         pdf: bool = False,
                         provenance: dict[str, Any] | None = None) -> list[Path]:
    """Write report.html (and report.pdf with ``pdf``) and the CSV tables to ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [write_html(quality_document(result, codebook, signoff, provenance),
                          out_dir / "report.html")]
    for name, frame in (("by_code", result.by_code), ("by_coder", result.by_coder),
                        ("by_period", result.by_period), ("examples", result.examples),
                        ("by_reviewers", result.between_reviewers),
                        ("by_hint", result.by_hint)):
        path = out_dir / f"{name}.csv"
        frame.to_csv(path, index=False, float_format="%.6g")
        written.append(path)
    if pdf:
        from workbench.report import write_pdf

        written.append(write_pdf(written[0], out_dir / "report.pdf"))
    return written
