"""Adjudication and the consensus layer; the project reliability table (synthetic data).

``review_store`` builds a small hand-checked project that the widget tests reuse:

clip r1 (reliability; ana and ben done), r2 (reliability; ana done, ben still coding),
s1 (ana only, done), s2 (ben only, still coding). Turns alternate officer / subject.
"""

from __future__ import annotations

import math
from pathlib import Path

import krippendorff
import pandas as pd
import pytest
from nltk.metrics.agreement import AnnotationTask

from workbench.codebook.book import Codebook
from workbench.codebook.loading import loads_codebook
from workbench.exceptions import AccessError, CodebookError, ParameterError, StoreError
from workbench.model import (
    REVIEWER_ROLES,
    Assignment,
    AssignmentStatus,
    Clip,
    Coder,
    Layer,
    Role,
    Utterance,
)
from workbench.review.adjudication import (
    ABSENT,
    ADJUDICATED,
    AUTO_CONSENSUS,
    Unit,
    decide,
    decisions,
    find_disagreements,
)
from workbench.review.consensus import build_consensus
from workbench.review.project_report import reliability_ratings, reliability_table
from workbench.store import Store, default_sqlite_url

CODEBOOK_YAML = """
id: review-test
version: 1.0.0
title: Review test codebook (synthetic)
groups:
  - {id: officer, label: Officer}
  - {id: subject, label: Subject}
  - {id: outcomes, label: Outcomes}
codes:
  - {id: pj_courtesy, label: Courtesy, group: officer, unit: utterance, applies_to: officer,
     level: nominal, definition: "The officer is polite (please, thanks, sir or madam).",
     examples: ["Thanks for waiting, sir."]}
  - id: pj_responds_to_question
    label: Responds to question
    group: officer
    unit: utterance
    applies_to: officer
    level: categorical
    definition: How the officer deals with a question the person just asked.
    options: [{key: answers, label: Answers}, {key: ignores, label: Ignores},
              {key: talks_over, label: Talks over}]
    examples: [{text: "It's under section 23.", value: answers}]
  - id: esc_command
    label: Command
    group: officer
    unit: utterance
    applies_to: officer
    level: ordinal
    definition: The strongest command in the turn.
    scale:
      - {key: none, label: None, anchor: No command.}
      - {key: softened_request, label: Softened request, anchor: Could you ...}
      - {key: bare_order, label: Bare order, anchor: Hands out.}
    examples: [{text: "Hands out.", value: bare_order}]
  - {id: subj_distress, label: Distress, group: subject, unit: utterance, applies_to: subject,
     level: nominal, definition: "A cue of distress.", examples: ["I can't breathe."]}
  - id: out_find
    label: Find
    group: outcomes
    unit: clip
    applies_to: any
    level: categorical
    definition: What the search found.
    options: [{key: object_of_search, label: Object}, {key: other_item, label: Other},
              {key: nothing, label: Nothing}]
    examples: [{text: "Nothing found.", value: nothing}]
  - id: gow_grounds
    label: Grounds
    group: outcomes
    unit: clip
    applies_to: any
    level: ordinal
    definition: How well the grounds were explained.
    scale:
      - {key: none, label: None, anchor: No grounds.}
      - {key: generic, label: Generic, anchor: A general reason.}
      - {key: specific, label: Specific, anchor: Specific to this person.}
    not_applicable: {key: not_applicable, label: N/A, anchor: No search.}
    examples: [{text: "You match the description.", value: specific}]
"""

TEXTS = ["Evening, sir. Thanks for stopping.", "What is this about?",
         "Hands out of your pockets.", "Fine, fine.", "I'm searching you under s23.",
         "Am I under arrest?"]
#: (clip, coder, reliability, status)
ASSIGNMENTS = [("r1", "ana", True, AssignmentStatus.DONE), ("r1", "ben", True,
               AssignmentStatus.DONE), ("r2", "ana", True, AssignmentStatus.DONE),
               ("r2", "ben", True, AssignmentStatus.IN_PROGRESS),
               ("s1", "ana", False, AssignmentStatus.DONE),
               ("s2", "ben", False, AssignmentStatus.IN_PROGRESS)]
#: (coder, clip, turn or None, code, value)
CODING = [
    ("ana", "r1", 0, "pj_courtesy", "present"), ("ben", "r1", 0, "pj_courtesy", "present"),
    ("ana", "r1", 2, "pj_courtesy", "present"),
    ("ana", "r1", 0, "pj_responds_to_question", "answers"),
    ("ben", "r1", 0, "pj_responds_to_question", "ignores"),
    ("ana", "r1", 2, "esc_command", "bare_order"),
    ("ben", "r1", 2, "esc_command", "softened_request"),
    ("ana", "r1", 0, "esc_command", "none"), ("ben", "r1", 0, "esc_command", "none"),
    ("ana", "r1", None, "out_find", "nothing"), ("ben", "r1", None, "out_find", "nothing"),
    ("ana", "r1", None, "gow_grounds", "specific"),
    ("ana", "r2", 0, "pj_courtesy", "present"), ("ben", "r2", 2, "pj_courtesy", "present"),
    ("ana", "s1", 0, "pj_courtesy", "present"), ("ana", "s1", None, "out_find", "other_item"),
    ("ben", "s2", 0, "pj_courtesy", "present"),
]
OPEN = {("r1", 0, "pj_responds_to_question"), ("r1", 2, "pj_courtesy"),
        ("r1", 2, "esc_command"), ("r2", 2, "pj_courtesy")}


def review_codebook() -> Codebook:
    return loads_codebook(CODEBOOK_YAML)


def review_store(path: Path, codebook: Codebook | None = None) -> Store:
    """The project described in the module docstring, in a SQLite file at ``path``."""
    codebook = codebook or review_codebook()
    store = Store(default_sqlite_url(path))
    for coder in (Coder("ana"), Coder("ben"), Coder("rev", "Reviewer", roles=REVIEWER_ROLES)):
        store.add_coder(coder)
    for clip_id in ("r1", "r2", "s1", "s2"):
        utterances = [Utterance(clip_id, i, 3.0 * i, 3.0 * i + 2.5,
                                "PC 1" if i % 2 == 0 else "Subject",
                                Role.OFFICER if i % 2 == 0 else Role.SUBJECT, text)
                      for i, text in enumerate(TEXTS)]
        store.put_clip(Clip(clip_id, synthetic=True), utterances, f"h-{clip_id}")
    store.assign(Assignment(c, k, rel) for c, k, rel, _ in ASSIGNMENTS)
    for coder, clip_id, turn, code, value in CODING:
        store.apply_code(coder, clip_id, turn, code, value, codebook.ref)
    for clip_id, coder, _, status in ASSIGNMENTS:
        store.set_progress(clip_id, coder, status=status)
    return store


@pytest.fixture
def codebook() -> Codebook:
    return review_codebook()


@pytest.fixture
def store(tmp_path: Path, codebook: Codebook):
    s = review_store(tmp_path / "review.sqlite", codebook)
    yield s
    s.close()


def _coder_layer(store: Store) -> pd.DataFrame:
    return store.annotations_frame(layer=Layer.CODER, statuses=())


def _consensus(store: Store) -> dict[tuple[str, int | None, str], tuple[str, str]]:
    return {(a.clip_id, a.utterance_index, a.code_id): (a.value, a.coder_id)
            for a in store.annotations(layer=Layer.CONSENSUS)}


# ---------------------------------------------------------------------------- disagreements
def test_disagreements_are_the_units_where_ratings_differ(store: Store,
                                                          codebook: Codebook) -> None:
    found = find_disagreements(store, codebook)
    assert {(d.clip_id, d.utterance_index, d.code_id) for d in found} == OPEN


@pytest.mark.parametrize(
    ("clip_id", "turn", "code_id", "values"),
    [
        ("r1", 2, "pj_courtesy", {"ana": "present", "ben": ABSENT}),  # nominal
        ("r1", 0, "pj_responds_to_question", {"ana": "answers", "ben": "ignores"}),  # categorical
        ("r1", 2, "esc_command", {"ana": "bare_order", "ben": "softened_request"}),  # ordinal
        ("r2", 2, "pj_courtesy", {"ana": ABSENT, "ben": "present"}),  # ana done, ben coding
    ],
)
def test_each_level_reports_every_coders_value(store: Store, codebook: Codebook, clip_id: str,
                                               turn: int, code_id: str,
                                               values: dict[str, str]) -> None:
    found = {(d.clip_id, d.utterance_index, d.code_id): d
             for d in find_disagreements(store, codebook)}
    assert found[(clip_id, turn, code_id)].values == values


@pytest.mark.parametrize(
    ("clip_id", "turn", "code_id", "why"),
    [
        ("r2", 0, "pj_courtesy", "ben has not finished r2, so his absence is no rating"),
        ("r1", 0, "pj_courtesy", "both present"),
        ("r1", 0, "esc_command", "both none"),
        ("r1", None, "gow_grounds", "a blank clip-level code is not a rating"),
        ("s2", 0, "pj_courtesy", "one coder only"),
    ],
)
def test_no_disagreement_without_two_differing_ratings(store: Store, codebook: Codebook,
                                                       clip_id: str, turn: int | None,
                                                       code_id: str, why: str) -> None:
    keys = {(d.clip_id, d.utterance_index, d.code_id)
            for d in find_disagreements(store, codebook)}
    assert (clip_id, turn, code_id) not in keys, why


def test_a_disagreement_shows_the_turn_in_context_and_the_definition(
        store: Store, codebook: Codebook) -> None:
    found = {(d.clip_id, d.utterance_index, d.code_id): d
             for d in find_disagreements(store, codebook)}
    item = found[("r1", 2, "esc_command")]
    assert [t.index for t in item.context] == [0, 1, 2, 3, 4]
    assert [t.index for t in item.context if t.current] == [2]
    assert item.text == "Hands out of your pockets."
    assert item.definition == "The strongest command in the turn."
    assert item.options == ("none", "softened_request", "bare_order", ABSENT)
    first_turn = found[("r1", 0, "pj_responds_to_question")]
    assert [t.index for t in first_turn.context] == [0, 1, 2]
    clip_level = [d for d in find_disagreements(store, codebook) if d.utterance_index is None]
    assert clip_level == []


@pytest.mark.parametrize("viewer", ["ana", "nobody"])
def test_only_a_reviewer_may_see_the_disagreements(store: Store, codebook: Codebook,
                                                   viewer: str) -> None:
    with pytest.raises(AccessError, match="only reviewers"):
        find_disagreements(store, codebook, viewer=viewer)
    assert len(find_disagreements(store, codebook, viewer="rev")) == len(OPEN)


def test_a_clip_level_disagreement_shows_the_whole_clip(store: Store,
                                                        codebook: Codebook) -> None:
    store.apply_code("ben", "r1", None, "out_find", "other_item", codebook.ref)
    [item] = [d for d in find_disagreements(store, codebook) if d.utterance_index is None]
    assert (item.clip_id, item.code_id, item.values) == (
        "r1", "out_find", {"ana": "nothing", "ben": "other_item"})
    assert [t.index for t in item.context] == list(range(len(TEXTS)))
    assert item.text == "" and not any(t.current for t in item.context)


# ---------------------------------------------------------------------------- decide
def test_decide_writes_the_consensus_value_and_an_audit_event(store: Store,
                                                              codebook: Codebook) -> None:
    decide(store, Unit("r1", 2), "esc_command", "bare_order", "rev",
           "A bare order: no softening words.", codebook=codebook)
    [row] = store.annotations(layer=Layer.CONSENSUS)
    assert (row.clip_id, row.utterance_index, row.value, row.coder_id) == (
        "r1", 2, "bare_order", "rev")
    assert row.note == "A bare order: no softening words."
    [event] = store.audit_events(action=ADJUDICATED)
    assert event.actor == "rev" and event.detail["rationale"] == row.note
    assert event.detail["value"] == "bare_order"
    left = {(d.clip_id, d.utterance_index, d.code_id)
            for d in find_disagreements(store, codebook, open_only=True)}
    assert left == OPEN - {("r1", 2, "esc_command")}


def test_deciding_absent_takes_the_consensus_value_off(store: Store,
                                                       codebook: Codebook) -> None:
    decide(store, ("r1", 2), "pj_courtesy", "present", "rev", "Says thanks.",
           codebook=codebook)
    decide(store, ("r1", 2), "pj_courtesy", None, "rev", "On reflection: an order, not a "
           "courtesy.", codebook=codebook)
    assert store.annotations(layer=Layer.CONSENSUS) == []
    assert decisions(store)[("r1", 2, "pj_courtesy")].value is None


@pytest.mark.parametrize("rationale", ["", "   ", None])
def test_an_empty_rationale_is_refused_and_nothing_changes(store: Store, codebook: Codebook,
                                                           rationale: str | None) -> None:
    before = store.table_counts()
    with pytest.raises(ParameterError, match="rationale is required"):
        decide(store, Unit("r1", 2), "esc_command", "bare_order", "rev", rationale,
               codebook=codebook)  # type: ignore[arg-type]
    assert store.table_counts() == before


@pytest.mark.parametrize(("who", "message"), [("ana", "not a reviewer"),
                                              ("nobody", "not a coder")])
def test_only_a_reviewer_may_decide(store: Store, codebook: Codebook, who: str,
                                    message: str) -> None:
    before = store.table_counts()
    with pytest.raises(AccessError, match=message):
        decide(store, Unit("r1", 2), "esc_command", "bare_order", who, "because",
               codebook=codebook)
    assert store.table_counts() == before


@pytest.mark.parametrize(
    ("unit", "code_id", "value", "error", "message"),
    [
        (Unit("r1", 2), "esc_command", "shouted", CodebookError, "allowed: none"),
        (Unit("r1", 2), "out_find", "nothing", ParameterError, "clip-level code"),
        (Unit("r1"), "esc_command", "none", ParameterError, "utterance-level code"),
        (Unit("zz", 0), "esc_command", "none", StoreError, "unknown clip"),
        (Unit("r1", 99), "esc_command", "none", StoreError, "no utterance 99"),
    ],
)
def test_decide_refuses_a_bad_value_or_unit(store: Store, codebook: Codebook, unit: Unit,
                                            code_id: str, value: str, error: type,
                                            message: str) -> None:
    with pytest.raises(error, match=message):
        decide(store, unit, code_id, value, "rev", "because", codebook=codebook)


# ---------------------------------------------------------------------------- consensus
def test_build_consensus_copies_agreed_and_single_coded_units(store: Store,
                                                              codebook: Codebook) -> None:
    counts = build_consensus(store, codebook, "rev")
    assert (counts.agreed, counts.single, counts.written, counts.open, counts.pending) == (
        3, 4, 7, 4, 1)
    assert _consensus(store) == {
        ("r1", 0, "pj_courtesy"): ("present", AUTO_CONSENSUS),
        ("r1", 0, "esc_command"): ("none", AUTO_CONSENSUS),
        ("r1", None, "out_find"): ("nothing", AUTO_CONSENSUS),
        ("r1", None, "gow_grounds"): ("specific", AUTO_CONSENSUS),
        ("r2", 0, "pj_courtesy"): ("present", AUTO_CONSENSUS),
        ("s1", 0, "pj_courtesy"): ("present", AUTO_CONSENSUS),
        ("s1", None, "out_find"): ("other_item", AUTO_CONSENSUS),
    }
    [built] = store.audit_events(action="consensus_built")
    assert built.actor == "rev" and built.detail["written"] == 7
    assert len(store.audit_events(action=AUTO_CONSENSUS)) == 1


def test_build_consensus_twice_changes_nothing(store: Store, codebook: Codebook) -> None:
    build_consensus(store, codebook, "rev")
    again = build_consensus(store, codebook, "rev")
    assert (again.written, again.unchanged, again.withdrawn) == (0, 7, 0)


def test_build_consensus_never_overwrites_a_reviewer_decision(store: Store,
                                                              codebook: Codebook) -> None:
    build_consensus(store, codebook, "rev")
    decide(store, Unit("r1"), "out_find", "other_item", "rev", "A knife was found at 03:10.",
           codebook=codebook)
    decide(store, Unit("r1", 0), "pj_courtesy", None, "rev", "Sarcastic, not polite.",
           codebook=codebook)
    counts = build_consensus(store, codebook, "rev")
    consensus = _consensus(store)
    assert consensus[("r1", None, "out_find")] == ("other_item", "rev")
    assert ("r1", 0, "pj_courtesy") not in consensus
    assert counts.reviewer_kept == 2 and counts.written == 0


def test_an_auto_value_follows_the_coders_but_a_decision_stays(store: Store,
                                                               codebook: Codebook) -> None:
    build_consensus(store, codebook, "rev")
    store.apply_code("ana", "s1", None, "out_find", "nothing", codebook.ref)  # ana recodes
    store.remove_code("ana", "s1", 0, "pj_courtesy")
    counts = build_consensus(store, codebook, "rev")
    assert (counts.written, counts.withdrawn) == (1, 1)
    consensus = _consensus(store)
    assert consensus[("s1", None, "out_find")] == ("nothing", AUTO_CONSENSUS)
    assert ("s1", 0, "pj_courtesy") not in consensus


def test_consensus_building_and_deciding_leave_coder_annotations_alone(
        store: Store, codebook: Codebook) -> None:
    before = _coder_layer(store)
    build_consensus(store, codebook, "rev")
    for item in find_disagreements(store, codebook):
        decide(store, item.unit, item.code_id, item.options[0], "rev", "Reviewed.",
               codebook=codebook)
    pd.testing.assert_frame_equal(_coder_layer(store), before)


def test_only_a_reviewer_may_build_the_consensus(store: Store, codebook: Codebook) -> None:
    with pytest.raises(AccessError, match="reviewer"):
        build_consensus(store, codebook, "ana")
    assert store.annotations(layer=Layer.CONSENSUS) == []


# ---------------------------------------------------------------------------- reliability
def test_reliability_units_are_every_applicable_turn_of_clips_done_twice(
        store: Store, codebook: Codebook) -> None:
    long = reliability_ratings(store, codebook)
    courtesy = long[long["code_id"] == "pj_courtesy"].pivot(
        index="unit", columns="coder_id", values="value")
    assert list(courtesy.index) == ["r1:0", "r1:2", "r1:4"]  # officer turns of r1 only
    assert courtesy.to_dict("list") == {"ana": ["present", "present", ABSENT],
                                        "ben": ["present", ABSENT, ABSENT]}


def test_reliability_table_matches_independent_alpha(store: Store, codebook: Codebook) -> None:
    table = reliability_table(store, codebook, bootstrap=200, seed=3).set_index("code_id")
    # pj_courtesy on r1's officer turns: ana P P A, ben P A A (NLTK as the oracle)
    task = AnnotationTask([("ana", "0", "P"), ("ana", "2", "P"), ("ana", "4", "A"),
                           ("ben", "0", "P"), ("ben", "2", "A"), ("ben", "4", "A")])
    assert table.loc["pj_courtesy", "alpha"] == pytest.approx(task.alpha())
    # esc_command: ana none, bare_order, absent; ben none, softened, absent (ordinal ranks)
    expected = krippendorff.alpha(reliability_data=[[1, 3, 0], [1, 2, 0]],
                                  level_of_measurement="ordinal")
    assert table.loc["esc_command", "alpha"] == pytest.approx(expected)
    assert table.loc["pj_courtesy", "n_units"] == 3
    assert table.loc["pj_courtesy", "prevalence"] == pytest.approx(3 / 6)
    assert table.loc["gow_grounds", "verdict"] == "no data"
    assert table.loc["subj_distress", "verdict"] == "undefined"  # all absent: no variation
    # worst first: no data, then undefined, then alpha ascending
    assert list(table.index[:3]) == ["gow_grounds", "out_find", "subj_distress"]
    alphas = table["alpha"].iloc[3:].tolist()
    assert alphas == sorted(alphas) and not any(math.isnan(a) for a in alphas)


def test_cli_irr_project_prints_the_table_worst_first(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from workbench.cli_review import app
    from workbench.project import Project

    folder = tmp_path / "codebooks" / "review-test"
    folder.mkdir(parents=True)
    (folder / "1.0.0.yaml").write_text(CODEBOOK_YAML, encoding="utf-8")
    project = Project.init(tmp_path / "p", codebook="review-test@1.0.0")
    project.codebooks_dir = tmp_path / "codebooks"
    project.save()
    review_store(project.root / "store.sqlite").close()
    out = tmp_path / "irr.csv"
    result = CliRunner().invoke(app, ["irr-project", "--project", str(project.root),
                                      "--bootstrap", "50", "--csv", str(out)],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if line.startswith("│")]
    codes = [row.split("│")[1].strip() for row in rows]
    assert codes[:3] == ["gow_grounds", "out_find", "subj_distress"]
    assert "unreliable" in result.output and "no data" in result.output
    assert list(pd.read_csv(out)["code_id"]) == codes


def test_an_agreed_absent_option_of_a_clip_code_reaches_the_consensus(tmp_path: Path) -> None:
    """GOWISELY elements have a real option "absent": agreement on it is a value to keep."""
    from workbench.codebook.loading import load_ref
    from workbench.model import CodebookRef

    codebook = load_ref("stop-search@1.0.0")
    store = Store(default_sqlite_url(tmp_path / "gow.sqlite"))
    store.put_clip(Clip("g1"), [Utterance("g1", 0, 0, 1, "PC 1", Role.OFFICER, "Hello.")], "h")
    for coder in ("ana", "ben"):
        store.add_coder(Coder(coder))
    store.add_coder(Coder("rev", roles=REVIEWER_ROLES))
    store.assign([Assignment("g1", "ana", True), Assignment("g1", "ben", True)])
    ref: CodebookRef = codebook.ref
    for coder in ("ana", "ben"):
        store.apply_code(coder, "g1", None, "gow_object", "absent", ref)
        store.apply_code(coder, "g1", None, "gow_detained", "clear", ref)
        store.set_progress("g1", coder, status=AssignmentStatus.DONE)
    build_consensus(store, codebook, "rev")
    consensus = {a.code_id: a.value for a in store.annotations(layer=Layer.CONSENSUS)}
    assert consensus == {"gow_object": "absent", "gow_detained": "clear"}
