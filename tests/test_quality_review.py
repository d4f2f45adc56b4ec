"""Quality review of coding: audit samples, blind re-coding, the quality tables (issue 14).

One small demo project (module fixture) with two planted biases: c02 over-applies
esc_accusation and c04 over-applies pj_courtesy on officer turns the truth leaves uncoded.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.codebook import load_ref
from workbench.demo.project import DEMO_REVIEWER, create_demo_project
from workbench.demo.review import read_truth, simulate_review
from workbench.exceptions import AccessError, ParameterError
from workbench.model import Layer, ScopeKind
from workbench.project import Project
from workbench.review.audit_sample import (
    AuditDesign,
    audit_record,
    draw_sample,
    open_review,
    precision_plan,
)
from workbench.review.quality import OVER, assess

PLANTED = {"c02": {"esc_accusation": 0.12}, "c04": {"pj_courtesy": 0.12}}
N_CLIPS, SEED = 260, 7


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("quality") / "demo"
    create_demo_project(root, n_clips=N_CLIPS, seed=SEED, progress=False, media_clips=0,
                        coder_bias=PLANTED)
    return Project.load(root)


def _codebook(project: Project):
    return load_ref(project.codebook, project.codebooks_dir)


def _review(project: Project, audit_id: str, seed: int, size: int = 60):
    book = _codebook(project)
    with project.open_store() as store:
        sample = draw_sample(store, AuditDesign(audit_id, size=size, seed=seed), book)
        open_review(store, sample, [DEMO_REVIEWER], lead=DEMO_REVIEWER)
        ref = book.ref
        simulate_review(store, read_truth(project.root), audit_id, DEMO_REVIEWER,
                        sample.clip_ids, (ref.codebook_id, ref.version, ref.hash), seed=seed)
    return sample


def test_sample_is_reproducible_stratified_and_recorded(audited: Project) -> None:
    book = _codebook(audited)
    with audited.open_store() as store:
        design = AuditDesign("S1", size=40, stratify=("coder",), seed=3)
        a, b = draw_sample(store, design, book), draw_sample(store, design, book)
        assert a.clip_ids == b.clip_ids and len(a.clip_ids) == 40
        other = draw_sample(store, AuditDesign("S1", size=40, seed=4), book)
        assert other.clip_ids != a.clip_ids
        counts = a.clips["coder_id"].value_counts()
        assert counts.max() - counts.min() <= 1 + counts.max() // 4  # proportional by coder
        double = {x.clip_id for x in store.assignments() if x.reliability}
        assert not double & set(a.clip_ids)  # only clips coded once
        with pytest.raises(ParameterError, match="either a size or a share"):
            AuditDesign("S2")
        with pytest.raises(ParameterError, match="stratify"):
            AuditDesign("S2", size=3, stratify=("ethnicity",))


def test_concern_weighting_draws_more_clips_with_the_code(audited: Project) -> None:
    book = _codebook(audited)
    with audited.open_store() as store:
        plain = draw_sample(store, AuditDesign("W", size=50, seed=1,
                                               concern_codes=("esc_threat",)), book)
        heavy = draw_sample(store, AuditDesign("W", size=50, seed=1, concern_weight=20.0,
                                               concern_codes=("esc_threat",)), book)
    assert heavy.clips["concern"].sum() > plain.clips["concern"].sum()


def test_review_is_blind_and_never_alters_the_original_layer(audited: Project) -> None:
    """Through the store's public calls, a reviewer in an open audit sees nothing of the
    original coding of the sample, cannot change it, and writes only the review layer."""
    book = _codebook(audited)
    with audited.open_store() as store:
        sample = draw_sample(store, AuditDesign("B1", size=6, seed=11), book)
        open_review(store, sample, [DEMO_REVIEWER], lead=DEMO_REVIEWER)
        before = store.annotations_frame(layer=None, statuses=())
        coder_of = sample.original_coder()
    clip = sample.clip_ids[0]
    blind = set(sample.clip_ids)
    rev = audited.open_store(DEMO_REVIEWER)
    try:
        assert rev.principal.blind_clips == frozenset(blind)
        seen = rev.annotations(layer=None, statuses=())
        assert not [a for a in seen if a.clip_id in blind]
        frame = rev.annotations_frame(layer=None, statuses=())
        assert not set(frame["clip_id"]) & blind
        assert not [n for n in rev.notes() if n.clip_id in blind]
        assert not [e for e in rev.audit_events() if e.clip_id in blind]
        assert rev.annotations(clip_id=clip, coder_id=coder_of[clip]) == []
        assert rev.count_clip_annotations(clip) == 0
        assert set(VALUE_READS) | set(NO_VALUES) == set(_read_methods())
        # the coding session in review mode: queue = the sample, writes = review layer
        from workbench.coding.session import CodingSession

        session = CodingSession(rev, book, DEMO_REVIEWER, audit_id="B1")
        assert sorted(e.clip_id for e in session.queue) == sample.clip_ids
        session.open(clip)
        assert all(not t.codes for t in session.turns) and not session.clip_codes
        officer = next(i for i, u in enumerate(session.utterances) if str(u.role) == "officer")
        session.index = officer
        session.apply("pj_courtesy", index=officer)
        mine = rev.annotations(clip_id=clip, layer=Layer.REVIEW)
        assert [(a.audit_id, a.code_id) for a in mine] == [("B1", "pj_courtesy")]
        # refused: the original and consensus layers of a blind clip, other audits
        with pytest.raises(AccessError):
            rev.apply_code(DEMO_REVIEWER, clip, officer, "pj_courtesy", "present", book.ref,
                           layer=Layer.CONSENSUS)
        with pytest.raises(AccessError):
            rev.apply_code(DEMO_REVIEWER, clip, officer, "pj_courtesy", "present", book.ref,
                           layer=Layer.REVIEW, audit_id="other")
        ids = [int(i) for i in before.loc[before["clip_id"] == clip, "annotation_id"]]
        from workbench.model import AnnotationStatus

        with pytest.raises(AccessError):
            rev.set_annotation_status(ids[:1], AnnotationStatus.REMOVED, actor=DEMO_REVIEWER,
                                      reason="x")
    finally:
        rev.close()
    with audited.open_store() as store:
        after = store.annotations_frame(layer=None, statuses=())
        kept = after.loc[after["layer"] != Layer.REVIEW.value]
        pd.testing.assert_frame_equal(
            kept.reset_index(drop=True),
            before.loc[before["layer"] != Layer.REVIEW.value].reset_index(drop=True))
        store.end_scope(ScopeKind.AUDIT_SAMPLE, "B1")
    rev = audited.open_store(DEMO_REVIEWER)
    try:  # signed off: the originals are readable again
        assert rev.annotations(clip_id=clip, coder_id=coder_of[clip])
    finally:
        rev.close()


#: Read methods that return coding (values, notes, events about them): checked above.
VALUE_READS = ("annotations", "annotations_frame", "notes", "audit_events",
               "count_clip_annotations")
#: Read methods that return no coding values (corpus, people, assignments, codebooks, chain
#: heads); a new read method must be put in one of the two lists.
NO_VALUES = ("assignments", "audit_head", "clip", "clip_source_hash", "clip_source_hashes",
             "clips", "clips_frame", "codebook_hash", "codebook_versions", "coder", "coders",
             "count_clips", "counted_coder_ids", "export_audit_head", "has_clip",
             "reliability_clip_ids", "scopes", "speaker_roles", "utterances",
             "utterances_frame", "verify_audit",
             # panel screenings: members' ratings and facilitators' actions, not a coding layer
             "screening", "screenings", "panel_members", "panel_answers", "panel_actions",
             # panel learning: theme rules and accepted themes of members' comments
             "theme_rules", "comment_themes")


def _read_methods() -> list[str]:
    import inspect

    from workbench.store import Store
    from workbench.store.access import rule_of

    return [name for name, member in inspect.getmembers(Store)
            if not name.startswith("_") and (r := rule_of(member)) is not None
            and str(r).startswith("read")]


def test_review_of_60_clips_finds_the_planted_coder_biases(audited: Project) -> None:
    _review(audited, "Q60", seed=5)
    with audited.open_store() as store:
        result = assess(store, _codebook(audited), "Q60", n_resamples=300)
        record = audit_record(store, "Q60")
    assert record["design"]["size"] == 60 and len(record["clips"]) == 60
    flags = {(r.coder_id, r.code_id): r.flag for r in result.flags.itertuples()}
    planted = {(c, k) for c, codes in PLANTED.items() for k in codes}
    for key in planted:
        assert flags.get(key) == OVER, (key, result.by_coder.head(8))
    assert len(set(flags) - planted) <= 1, flags
    assert len(result.by_code) > 20 and result.by_code["ci_low"].le(result.by_code["alpha"]).all()


@pytest.mark.slow
def test_precision_tool_predicts_the_obtained_width(demo_project, tmp_path) -> None:
    """On (a copy of) the 500-clip demo: the width predicted for 60 clips from the overlap
    sample is within 25 % of the mean width obtained over 20 seeded draws, each a 60-clip
    sample re-coded blind by a simulated reviewer (in memory: nothing is written)."""
    import shutil

    from workbench.demo.coders import simulate_coding
    from workbench.review.quality import agreement_by_code, pairs_of

    root = tmp_path / "demo"
    shutil.copytree(demo_project, root)
    project = Project.load(root)
    book = _codebook(project)
    codes = ["esc_command", "pj_explains_action"]
    truth = read_truth(root)
    with project.open_store() as store:
        plan = precision_plan(store, book, codes, sizes=[60], n_resamples=400, seed=1)
        coder_rows = store.annotations_frame(layer=Layer.CODER)
        turns = store.utterances_frame()
        widths: dict[str, list[float]] = {c: [] for c in codes}
        for draw in range(20):
            sample = draw_sample(store, AuditDesign(f"P{draw}", size=60, seed=100 + draw),
                                 book)
            clips = sample.clip_ids
            review = simulate_coding(truth.loc[truth["clip_id"].isin(clips)],
                                     turns.loc[turns["clip_id"].isin(clips)],
                                     [DEMO_REVIEWER], seed=100 + draw)
            pairs = pairs_of(store, book, sample.original_coder(),
                             dict.fromkeys(clips, DEMO_REVIEWER), review,
                             coder_rows=coder_rows, turns=turns)
            table = agreement_by_code(pairs.loc[pairs["code_id"].isin(codes)], book,
                                      n_resamples=400, seed=draw).set_index("code_id")
            for c in codes:
                widths[c].append(float(table.loc[c, "width"]))
    for c in codes:
        predicted = float(plan.loc[plan["code_id"] == c, "predicted_width"].iloc[0])
        obtained = float(np.mean(widths[c]))
        assert abs(predicted - obtained) <= 0.25 * obtained, (c, predicted, obtained)


def test_cluster_alpha_matches_the_reliability_package() -> None:
    """Alpha from per-clip coincidences equals workbench.reliability's alpha (and the
    `krippendorff` package's) on the same data, at each level."""
    import krippendorff

    from workbench.reliability import ReliabilityData, krippendorff_alpha
    from workbench.reliability.clustered import ClusteredCoincidences

    rng = np.random.default_rng(0)
    n = 300
    truth = rng.integers(0, 4, n)
    a = np.where(rng.random(n) < 0.8, truth, rng.integers(0, 4, n))
    b = np.where(rng.random(n) < 0.8, truth, rng.integers(0, 4, n))
    long = pd.DataFrame({"cluster": np.repeat(np.arange(30), 10).tolist() * 2,
                         "unit": list(range(n)) * 2, "rater": ["a"] * n + ["b"] * n,
                         "value": np.concatenate([a, b]).astype(str)})
    for level in ("nominal", "ordinal", "interval"):
        cc = ClusteredCoincidences.from_long(long, level, ["0", "1", "2", "3"]
                                             if level != "interval" else None)
        reference = krippendorff.alpha(reliability_data=np.vstack([a, b]).astype(float),
                                       level_of_measurement=level)
        assert cc.alpha() == pytest.approx(reference, abs=1e-9)
    data = ReliabilityData.from_long(long.rename(columns={"rater": "coder"}), "nominal")
    assert ClusteredCoincidences.from_long(long, "nominal").alpha() == pytest.approx(
        krippendorff_alpha(data), abs=1e-9)


def test_mcnemar_and_holm_against_published_values() -> None:
    from workbench.reliability.paired import holm, mcnemar_exact

    # exact binomial: b=1, c=5 → 2·(1+6)/64 = 0.21875 (R: binom.test(1, 6)$p.value)
    assert mcnemar_exact(1, 5) == pytest.approx(0.21875)
    assert mcnemar_exact(0, 0) == 1.0
    # Holm (1979): p = .01, .04, .03 → .03, .06, .06 (R: p.adjust(method="holm"))
    assert holm([0.01, 0.04, 0.03]).tolist() == pytest.approx([0.03, 0.06, 0.06])


def test_cross_organisation_round_trip(audited: Project, tmp_path) -> None:
    """Coding team exports → reviewers import, sample, re-code blind, sign off, report,
    return a review bundle → the coding team merges it. Nothing but the review layer (and
    the chain's new records) changes on the coding side; the report is the same on both."""
    from workbench.bundle import export_bundle, import_bundle
    from workbench.bundle.review import export_review_bundle, import_review_bundle
    from workbench.exceptions import BundleError
    from workbench.model import Coder, UserRole
    from workbench.review.audit_sample import review_record, sign_off, signed_off
    from workbench.review.quality_report import write_quality_report
    from workbench.store import Store, default_sqlite_url

    book = _codebook(audited)
    with audited.open_store() as team:
        if "lead" not in {c.coder_id for c in team.coders()}:
            team.add_coder(Coder("lead", "Coding team admin", frozenset({UserRole.ADMIN})))
        export_bundle(team, tmp_path / "team.zip", actor="lead")
        before = team.annotations_frame(layer=None, statuses=())
        counts = team.table_counts()
    reviewers = Store(default_sqlite_url(tmp_path / "mopac.sqlite"))
    import_bundle(reviewers, tmp_path / "team.zip", actor="lead")
    sample = draw_sample(reviewers, AuditDesign("X1", size=30, seed=2), book)
    open_review(reviewers, sample, [DEMO_REVIEWER], lead=DEMO_REVIEWER)
    ref = book.ref
    simulate_review(reviewers, read_truth(audited.root), "X1", DEMO_REVIEWER, sample.clip_ids,
                    (ref.codebook_id, ref.version, ref.hash), seed=2)
    lead = Store(reviewers.url, as_user=DEMO_REVIEWER)
    sign_off(lead, "X1", lead=DEMO_REVIEWER, statement="Reviewed 30 clips blind.")
    lead.close()
    result = assess(reviewers, book, "X1", n_resamples=200)
    files = write_quality_report(result, book, signed_off(reviewers, "X1"), tmp_path / "rep")
    html = files[0].read_text(encoding="utf-8")
    assert "Signed off by r01" in html and "Quality review X1" in html
    manifest = export_review_bundle(reviewers, "X1", review_record(reviewers, "X1"),
                                    tmp_path / "review.zip", report_files=(files[0],),
                                    actor="lead")
    assert manifest.kind == "review" and manifest.layers == ("review:X1",)
    with audited.open_store() as team:
        head = team.audit_head()
        outcome = import_review_bundle(team, tmp_path / "review.zip", actor="lead",
                                       report_dir=tmp_path / "received")
        with pytest.raises(BundleError, match="imported already"):
            import_review_bundle(team, tmp_path / "review.zip", actor="lead")
        after = team.annotations_frame(layer=None, statuses=())
        assert team.verify_audit().ok and team.audit_head().event_id == head.event_id + 1
        new_counts = team.table_counts()
        changed = {t for t in counts if counts[t] != new_counts[t]}
        assert changed <= {"annotations", "audit_events", "audit_details"}, changed
        kept = after.loc[after["layer"] != Layer.REVIEW.value].reset_index(drop=True)
        pd.testing.assert_frame_equal(
            kept, before.loc[before["layer"] != Layer.REVIEW.value].reset_index(drop=True))
        assert outcome["rows"] == int((after["layer"] == Layer.REVIEW.value).sum()
                                      - (before["layer"] == Layer.REVIEW.value).sum())
        here = assess(team, book, "X1", n_resamples=200)
    pd.testing.assert_frame_equal(here.by_code, result.by_code)
    pd.testing.assert_frame_equal(here.by_coder, result.by_coder)
    assert (tmp_path / "received" / "X1" / "report.html").is_file()
    # a store outside the lineage refuses the review (its base is not in that chain)
    stranger = Store(default_sqlite_url(tmp_path / "other.sqlite"))
    stranger.add_coder(Coder("lead", roles=frozenset({UserRole.ADMIN})))
    with pytest.raises(BundleError, match="another store"):
        import_review_bundle(stranger, tmp_path / "review.zip", actor="lead")
    reviewers.close()
    stranger.close()


def test_feedback_recode_request_reaches_the_coders_queue(audited: Project, tmp_path) -> None:
    from workbench.coding.session import CodingSession
    from workbench.model import AnnotationStatus, AssignmentStatus
    from workbench.review.feedback import (
        propose_codebook_change,
        recode_requests,
        request_recode,
    )

    book = _codebook(audited)
    with audited.open_store() as store:
        flagged_before = store.annotations(coder_id="c02", code_id="esc_accusation")
        out = request_recode(store, book, audit_id="Q60", code_id="esc_accusation",
                             coder_id="c02", reviewer=DEMO_REVIEWER,
                             note="Accusation is applied to plain questions; re-check.")
        assert out["rows"] == len(flagged_before) > 0
        assert store.annotations(coder_id="c02", code_id="esc_accusation") == []
        flagged = store.annotations(coder_id="c02", code_id="esc_accusation",
                                    statuses=(AnnotationStatus.NEEDS_RECODE,))
        assert len(flagged) == out["rows"]
        assert any(e.detail.get("code_id") == "esc_accusation"
                   for e in store.audit_events(action="recode_requested:c02"))
        source = audited.codebooks_dir / book.id / f"{book.version}.yaml"
        draft = propose_codebook_change(store, book, source, tmp_path,
                                        code_ids=["esc_accusation"],
                                        note="Say what is not an accusation.",
                                        reviewer=DEMO_REVIEWER, next_version="9.9.9")
        assert "version: 9.9.9" in draft.read_text() and "esc_accusation" in \
            draft.read_text().splitlines()[3]
        assert store.audit_events(action="codebook_change_proposed")
    with audited.open_store("c02") as mine:
        requests = recode_requests(mine, "c02")
        assert {r["note"] for r in requests} == {
            "Accusation is applied to plain questions; re-check."}
        session = CodingSession(mine, book, "c02")
        reopened = {e.clip_id for e in session.queue
                    if e.status == AssignmentStatus.IN_PROGRESS}
        assert reopened == {r["clip_id"] for r in requests}
    with audited.open_store("c01") as other:
        assert recode_requests(other, "c02") == []


def test_cli_plan_and_dry_run_sample(audited: Project) -> None:
    from typer.testing import CliRunner

    from workbench.cli import app

    runner = CliRunner()
    out = runner.invoke(app, ["review", "plan", "--codes", "esc_command", "--sizes", "30,60",
                              "--width", "0.5", "-p", str(audited.root)])
    assert out.exit_code == 0, out.output
    assert "esc_command: 30 clips reach width 0.5" in out.output
    out = runner.invoke(app, ["review", "sample", "D1", "--size", "12", "--reviewers", "r01",
                              "--lead", "r01", "--precision", "esc_command", "--dry-run",
                              "-p", str(audited.root)])
    assert out.exit_code == 0, out.output
    assert "predicted 95% interval width with 12 clips" in out.output
    assert "dry run: 12 clips drawn, nothing written" in out.output
    with audited.open_store() as store:
        assert audit_record(store, "D1", missing_ok=True) is None
    out = runner.invoke(app, ["review", "sample", "D2", "--share", "2", "--reviewers", "r01",
                              "--lead", "r01", "-p", str(audited.root)])
    assert out.exit_code == 2 and "share" in out.output
    for args, message in ((["--audit", "NOPE"], "no audit 'NOPE'"),
                          (["--audit", "D1", "--threshold", "1.5"], "threshold 1.5"),
                          ([], "name one audit")):
        out = runner.invoke(app, ["review", "report", *args, "-p", str(audited.root)])
        assert out.exit_code != 0 and message in out.output, out.output
        assert "Traceback" not in out.output


@pytest.mark.slow
def test_the_report_notebook_runs_with_provenance_redaction_and_two_reviewers(
        audited: Project) -> None:
    """`bwv review report --audit` runs the papermill notebook: HTML and PDF through the one
    renderer, provenance (codebook hash, data hash, parameters, packages, commit), examples
    redacted (no planted detail of the sampled clips anywhere in the outputs), agreement
    between two reviewers (checked against the `krippendorff` package), and the issued
    report recorded in the audit chain by its hashes."""
    import hashlib
    import json

    import krippendorff
    from typer.testing import CliRunner

    from workbench.cli import app
    from workbench.model import REVIEWER_ROLES, Coder
    from workbench.review.audit_sample import sign_off
    from workbench.review.quality import review_pairs
    from workbench.study.canonical import frames_hash
    from workbench.study.pii_scan import scan_outputs

    book = _codebook(audited)
    ref = book.ref
    with audited.open_store() as store:
        if "r02" not in {c.coder_id for c in store.coders()}:
            store.add_coder(Coder("r02", "Second simulated reviewer", REVIEWER_ROLES))
        sample = draw_sample(store, AuditDesign("N1", size=24, seed=9), book)
        open_review(store, sample, [DEMO_REVIEWER, "r02"], lead=DEMO_REVIEWER)
        for seed, reviewer in enumerate((DEMO_REVIEWER, "r02")):
            simulate_review(store, read_truth(audited.root), "N1", reviewer, sample.clip_ids,
                            (ref.codebook_id, ref.version, ref.hash), seed=40 + seed)
    early = CliRunner().invoke(app, ["--as", "r02", "review", "report", "--audit", "N1",
                                     "-p", str(audited.root)])
    assert early.exit_code != 0 and "still blind" in early.output  # before the sign-off
    with audited.open_store(DEMO_REVIEWER) as lead:
        sign_off(lead, "N1", lead=DEMO_REVIEWER, statement="Reviewed 24 clips blind.")
    out = audited.root / "outputs" / "quality-N1"
    done = CliRunner().invoke(app, ["--as", "r02", "review", "report", "--audit", "N1",
                                    "--bootstrap", "200",
                                    "--threshold", "0.99", "--examples", "25",
                                    "-p", str(audited.root)])
    assert done.exit_code == 0, done.output
    assert {"report.html", "report.pdf", "quality_report.ipynb", "provenance.json",
            "by_code.csv", "by_reviewers.csv", "examples.csv"} <= {p.name for p in
                                                                 out.iterdir()}
    assert out.joinpath("report.pdf").read_bytes()[:5] == b"%PDF-"
    executed = json.loads(out.joinpath("quality_report.ipynb").read_text(encoding="utf-8"))
    injected = [c for c in executed["cells"]
                if "injected-parameters" in c["metadata"].get("tags", [])]
    assert injected and "threshold = 0.99" in "".join(injected[0]["source"])
    record = json.loads(out.joinpath("provenance.json").read_text(encoding="utf-8"))
    with audited.open_store() as store:
        pairs = review_pairs(store, book, "N1")
        issued = [e for e in store.audit_events(action="quality_report_issued")
                  if e.detail["audit_id"] == "N1"]
        courtesy = {(a.coder_id, a.clip_id, a.utterance_index)
                    for a in store.annotations(layer=Layer.REVIEW, code_id="pj_courtesy")
                    if a.audit_id == "N1"}
        turns = store.utterances_frame()
    assert record["codebook"] == {"id": book.id, "version": book.version, "hash": ref.hash}
    assert record["data"]["hash"] == frames_hash([("pairs", pairs)])
    assert record["parameters"]["threshold"] == 0.99 and record["parameters"]["seed"] == 0
    assert record["workbench"]["commit"] and record["packages"]["papermill"] != "not installed"
    assert record["data"]["synthetic"] is True and record["audit_chain_ok"] is True
    assert record["made_by"] == "r02"  # the kernel's store was opened as `bwv --as`
    [event] = issued
    assert event.actor == "r02"
    assert event.detail["files"]["report.html"] == hashlib.sha256(
        out.joinpath("report.html").read_bytes()).hexdigest()
    html = out.joinpath("report.html").read_text(encoding="utf-8")
    assert "Signed off by r01" in html and "Agreement among the reviewers" in html
    assert "Provenance" in html and ref.hash in html
    # agreement between the two reviewers on one nominal code, by an independent library
    officer = turns.loc[(turns["clip_id"].isin(sample.clip_ids))
                        & (turns["role"] == "officer"), ["clip_id", "utterance_index"]]
    matrix = np.array([[float((r, c, int(i)) in courtesy)
                        for c, i in officer.itertuples(index=False)]
                       for r in (DEMO_REVIEWER, "r02")])
    between = pd.read_csv(out / "by_reviewers.csv").set_index("code_id")
    assert between.loc["pj_courtesy", "n_reviewers"] == 2
    assert between.loc["pj_courtesy", "alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"),
        abs=1e-5)
    # disclosure: example turns are shown redacted; nothing planted leaks into any output
    planted = json.loads((audited.root / "corpus" / "_truth" / "planted_pii.json")
                         .read_text(encoding="utf-8"))["planted"]
    examples = pd.read_csv(out / "examples.csv")
    shown = {(c, int(t) - 1) for c, t in zip(examples["clip_id"], examples["turn"],
                                              strict=True) if t == t}
    at_risk = [p["text"] for c in sample.clip_ids for p in planted.get(c, [])
               if (c, p["utterance_index"]) in shown]
    assert at_risk, "no example turn carries a planted detail: the check would be empty"
    items = [p["text"] for c in sample.clip_ids for p in planted.get(c, [])]
    assert scan_outputs(out, items) == []
