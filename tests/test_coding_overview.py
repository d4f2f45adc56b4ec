"""The lead's overview (progress and pace) and the codebook at hand (help and search)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from tests.test_coding_session import coding_store, mini_codebook
from workbench.coding import active_hours, code_help, coder_overview, search_codes
from workbench.exceptions import CodebookError
from workbench.model import AssignmentStatus
from workbench.store import Store
from workbench.store import annotations as store_annotations

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _code_at(store: Store, monkeypatch: pytest.MonkeyPatch, coder: str,
             minutes: list[float]) -> None:
    """``coder`` applies a code on clip c2 at each of ``minutes`` after T0 (a fake clock)."""
    ref = mini_codebook().ref
    for i, m in enumerate(minutes):
        monkeypatch.setattr(store_annotations, "utc_now", lambda m=m: T0 + timedelta(minutes=m))
        store.apply_code(coder, "c2", i % 3, "pj_courtesy" if i < 3 else "esc_threat",
                         "present", ref)


@pytest.mark.parametrize(("minutes", "hours"), [
    ([], 0.0),
    ([0], 0.0),
    ([0, 10, 20], 20 / 60),
    ([0, 10, 20, 240], 20 / 60),          # a 3 h 40 min break is not work
    ([0, 15, 31], 15 / 60),               # exactly the idle gap counts; 16 min does not
])
def test_active_hours_sum_the_short_gaps_only(minutes, hours):
    times = pd.Series([T0 + timedelta(minutes=m) for m in minutes], dtype="datetime64[ns, UTC]")
    assert active_hours(times) == pytest.approx(hours)


def test_overview_counts_each_coders_clips_and_pace(tmp_path: Path, monkeypatch):
    store = coding_store(tmp_path / "s.sqlite")
    store.set_progress("c1", "ana", status=AssignmentStatus.DONE)
    store.set_progress("c2", "ana", status=AssignmentStatus.IN_PROGRESS)
    # ana: 4 annotations, active 0:00-0:20 (then a break) = 1/3 h -> 12 per hour
    _code_at(store, monkeypatch, "ana", [0, 10, 20, 240])
    rows = {r.coder_id: r for r in coder_overview(store)}
    ana, ben = rows["ana"], rows["ben"]
    assert (ana.done, ana.in_progress, ana.todo, ana.total) == (1, 1, 1, 3)
    assert ana.annotations == 4
    assert ana.active_hours == pytest.approx(1 / 3)
    assert ana.per_hour == pytest.approx(12.0)
    assert ana.last_active == T0 + timedelta(minutes=240)
    assert (ben.todo, ben.annotations, ben.per_hour, ben.last_active) == (2, 0, None, None)
    assert set(rows) == {"ana", "ben"}  # the reviewer has no work and is not listed
    store.close()


@pytest.mark.parametrize(("query", "ids"), [
    ("threat", ["esc_threat"]),
    ("pat pockets", ["pj_explains_action"]),         # found in an example
    ("SHOUTED", ["esc_command"]),                    # an ordinal anchor, any case
    ("officer polite", ["pj_courtesy"]),             # every word must match
    ("subject", ["subj_resistance", "subj_distress"]),
    ("zebra", []),
])
def test_codebook_search_looks_in_every_text_of_a_code(query, ids):
    assert [c.id for c in search_codes(mini_codebook(), query)] == ids


def test_an_empty_search_lists_the_whole_codebook():
    codebook = mini_codebook()
    assert [c.id for c in search_codes(codebook, "  ")] == codebook.code_ids


def test_code_help_gives_definition_rules_examples_and_scale():
    help_ = code_help(mini_codebook(), "gow_grounds")
    assert help_.group == "Outcomes" and help_.level == "ordinal" and help_.unit == "clip"
    assert [key for key, _, _ in help_.options] == ["none", "label_only", "specific",
                                                    "not_applicable"]
    assert help_.examples == (("You match the description given by the caller.", "specific"),)
    courtesy = code_help(mini_codebook(), "pj_courtesy")
    assert courtesy.include == ("Greetings and thanks",) and courtesy.shortcut == "c"
    assert courtesy.exclude[0].startswith("Sarcastic politeness")


def test_help_for_an_unknown_code_suggests_near_ids():
    with pytest.raises(CodebookError, match="did you mean pj_courtesy"):
        code_help(mini_codebook(), "pj_curtesy")
