"""The adjudication and reliability widgets, driven as objects (no browser).

The store is the hand-checked project of ``tests.test_adjudication`` (four disagreements).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from tests.test_adjudication import OPEN, review_codebook, review_store
from widgets.adjudication import AdjudicationPanel
from widgets.reliability_report import ReliabilityReport, table_html
from workbench.codebook.book import Codebook
from workbench.model import Layer
from workbench.review.adjudication import ABSENT, ADJUDICATED, decisions
from workbench.store import Store


@pytest.fixture
def codebook() -> Codebook:
    return review_codebook()


@pytest.fixture
def store(tmp_path: Path, codebook: Codebook):
    s = review_store(tmp_path / "review.sqlite", codebook)
    yield s
    s.close()


def _decide(panel: AdjudicationPanel, value: str, rationale: str) -> None:
    panel.option_buttons[value].click()
    panel.rationale.value = rationale
    panel.decide_button.click()


def test_the_panel_shows_the_first_disagreement_in_context(store: Store,
                                                           codebook: Codebook) -> None:
    panel = AdjudicationPanel(store, codebook, "rev")
    item = panel.current
    assert item is not None and (item.clip_id, item.utterance_index, item.code_id) == (
        "r1", 0, "pj_responds_to_question")
    assert panel.progress_text.value == "0 decided / 4 open"
    current = re.findall(r"bwv-turn--current'[^>]*>(.*?)</div>", panel.context.value)
    assert len(current) == 1 and "Evening, sir. Thanks for stopping." in current[0]
    assert "Answers" in panel.values.value and "Ignores" in panel.values.value
    assert "How the officer deals with a question" in panel.definition.value
    assert list(panel.option_buttons) == ["answers", "ignores", "talks_over", ABSENT]


def test_deciding_through_the_buttons_writes_the_consensus_and_moves_on(
        store: Store, codebook: Codebook) -> None:
    panel = AdjudicationPanel(store, codebook, "rev")
    _decide(panel, "answers", "He tells the person the power used.")
    [row] = store.annotations(layer=Layer.CONSENSUS)
    assert (row.clip_id, row.utterance_index, row.code_id, row.value, row.coder_id) == (
        "r1", 0, "pj_responds_to_question", "answers", "rev")
    [event] = store.audit_events(action=ADJUDICATED)
    assert event.detail["rationale"] == "He tells the person the power used."
    assert panel.progress_text.value == "1 decided / 3 open"
    assert panel.progress.value == 1
    assert panel.current is not None and panel.current.is_open
    assert panel.rationale.value == ""


def test_choosing_absent_records_a_decision_without_a_consensus_row(
        store: Store, codebook: Codebook) -> None:
    panel = AdjudicationPanel(store, codebook, "rev")
    panel.show(next(i for i, d in enumerate(panel.items)
                    if (d.clip_id, d.utterance_index, d.code_id) == ("r1", 2, "pj_courtesy")))
    assert panel.option_buttons["present"].description == "1 · Present"   # its key, then label
    _decide(panel, ABSENT, "An order, not a courtesy.")
    assert store.annotations(layer=Layer.CONSENSUS) == []
    assert decisions(store)[("r1", 2, "pj_courtesy")].value is None


def test_a_missing_rationale_is_shown_and_nothing_is_written(store: Store,
                                                             codebook: Codebook) -> None:
    panel = AdjudicationPanel(store, codebook, "rev")
    before = store.table_counts()
    _decide(panel, "ignores", "  ")
    assert "rationale is required" in panel.status.value
    assert store.table_counts() == before
    assert panel.n_decided == 0 and panel.chosen == "ignores"


def test_no_value_chosen_is_shown_and_nothing_is_written(store: Store,
                                                         codebook: Codebook) -> None:
    panel = AdjudicationPanel(store, codebook, "rev")
    panel.rationale.value = "Clear."
    panel.decide_button.click()
    assert "Choose a final value" in panel.status.value
    assert store.audit_events(action=ADJUDICATED) == []


def test_a_coder_who_is_not_a_reviewer_sees_no_other_coders_values(
        store: Store, codebook: Codebook) -> None:
    panel = AdjudicationPanel(store, codebook, "ana")
    assert "not a reviewer" in panel.header.value
    assert panel.items == [] and panel.decide_button.disabled
    assert "ben" not in panel.values.value + panel.context.value


def test_a_decision_refused_by_the_library_is_shown_in_the_status_line(
        store: Store, codebook: Codebook) -> None:
    items = AdjudicationPanel(store, codebook, "rev").items
    panel = AdjudicationPanel(store, codebook, "ana", disagreements=items)
    _decide(panel, "answers", "I think so.")
    assert "not a reviewer" in panel.status.value
    assert store.annotations(layer=Layer.CONSENSUS) == []


def test_deciding_everything_reports_completion_and_a_decided_item_shows_its_decision(
        store: Store, codebook: Codebook) -> None:
    panel = AdjudicationPanel(store, codebook, "rev")
    for _ in range(len(OPEN)):
        _decide(panel, panel.current.options[0], "Per the definition.")
    assert panel.progress_text.value == "4 decided / 0 open"
    assert "All disagreements decided" in panel.status.value
    assert set(decisions(store)) == OPEN
    panel.previous_button.click()
    assert panel.status.value.startswith("decided by rev")
    assert panel.rationale.value == "Per the definition."
    styled = [k for k, b in panel.option_buttons.items() if b.button_style == "success"]
    assert styled == [panel.current.options[0]]


def test_reopening_the_panel_counts_earlier_decisions(store: Store, codebook: Codebook) -> None:
    _decide(AdjudicationPanel(store, codebook, "rev"), "answers", "Answers the question.")
    panel = AdjudicationPanel(store, codebook, "rev")
    assert panel.progress_text.value == "1 decided / 3 open"
    assert panel.current is not None and panel.current.is_open


def test_no_disagreements_disables_the_buttons(store: Store, codebook: Codebook) -> None:
    panel = AdjudicationPanel(store, codebook, "rev", disagreements=[])
    assert "No disagreements" in panel.header.value
    assert panel.decide_button.disabled and panel.next_button.disabled


# ---------------------------------------------------------------------------- reliability
def _rows(html: str) -> list[tuple[str, str]]:
    """(code_id, verdict class) of each table row, in order."""
    return re.findall(r"bwv-irr--([a-z-]+)'><td[^>]*><code>([a-z_]+)</code>", html)


def test_the_reliability_widget_lists_codes_worst_first_from_the_store(
        store: Store, codebook: Codebook) -> None:
    report = ReliabilityReport.from_store(store, codebook, bootstrap=50, seed=1)
    rows = [(code, verdict) for verdict, code in _rows(report.html.value)]
    assert rows == [("gow_grounds", "no-data"), ("out_find", "undefined"),
                    ("subj_distress", "undefined"), ("pj_courtesy", "unreliable"),
                    ("pj_responds_to_question", "unreliable"), ("esc_command", "acceptable")]
    assert "1 acceptable" in report.summary.value and "2 unreliable" in report.summary.value


SYNTHETIC_TABLE = pd.DataFrame({
    "code_id": ["esc_threat", "pj_courtesy", "esc_command"],
    "label": ["Threat", "Courtesy", "Command"], "group": ["esc", "pj", "esc"],
    "unit": ["utterance"] * 3, "level": ["nominal", "nominal", "ordinal"],
    "alpha_level": ["nominal", "nominal", "ordinal"], "alpha": [0.41, 0.72, 0.91],
    "ci_low": [0.30, 0.60, 0.85], "ci_high": [0.52, 0.80, 0.95], "n_units": [300] * 3,
    "n_coders": [2] * 3, "prevalence": [0.05, 0.2, 0.3],
    "verdict": ["unreliable", "tentative", "acceptable"],
})


@pytest.mark.parametrize(("verdict", "colour"), [("unreliable", "#cf222e"),
                                                 ("tentative", "#9a6700"),
                                                 ("acceptable", "#1a7f37")])
def test_verdicts_are_coloured(verdict: str, colour: str) -> None:
    html = table_html(SYNTHETIC_TABLE)
    row = re.search(rf"bwv-irr--{verdict}'.*?</tr>", html)
    assert row is not None and f"color:{colour}" in row.group(0)
    assert "0.300 – 0.520" in html


def test_the_needs_work_filter_hides_acceptable_codes_and_refresh_recomputes() -> None:
    calls: list[int] = []

    def compute() -> pd.DataFrame:
        calls.append(1)
        return SYNTHETIC_TABLE.iloc[:1]

    report = ReliabilityReport(SYNTHETIC_TABLE, compute=compute)
    report.filter.value = "needs_work"
    assert [c for _, c in _rows(report.html.value)] == ["esc_threat", "pj_courtesy"]
    report.refresh_button.click()
    assert calls == [1] and [c for _, c in _rows(report.html.value)] == ["esc_threat"]
