"""The study-wide disclosure audit (workbench.privacy.audit) and, through the outputs
registry, the leaks found in issue 12: each is a regression test that the adversary of
tests/support/adversary.py (published CSVs only, its own integer programme) confirms."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.support.adversary import leaks
from workbench.privacy.audit import Cell, DisclosureAuditError, check, protect
from workbench.study.gate import PrivacyGate, counts
from workbench.study.outputs import StudyOutputs

S60, S23, PACE = "CJPOA 1994 s60", "Misuse of Drugs Act 1971 s23", "PACE 1984 s1"
LEVELS = ["none", "label_only", "generic", "specific", "not_applicable"]
#: The demo's grounds quality by power (issue 12): s60 searches need no grounds.
GROUNDS = {S60: [1, 0, 0, 0, 15], S23: [35, 57, 115, 98, 0], PACE: [24, 24, 70, 61, 0]}
PCT = ["pct"]


def _key(**conditions: str) -> frozenset[tuple[str, str]]:
    return frozenset(conditions.items())


def _issue_cells(hidden: set[tuple[str, str]]) -> list[Cell]:
    """The three tables of the first leak, with ``hidden`` (power, level) cells suppressed."""
    cells = [Cell("sample_by_power", 0, "clips", _key(), 500, True)]
    cells += [Cell("sample_by_power", 0, "clips", _key(power=g), sum(v), True)
              for g, v in GROUNDS.items()]
    for i, level in enumerate(LEVELS):
        cells.append(Cell("gowisely_elements", 0, "count", _key(gow_grounds=level),
                          sum(v[i] for v in GROUNDS.values()), True))
        cells += [Cell("grounds_quality_by_power", 0, "count",
                       _key(power=g, gow_grounds=level), v[i], (g, level) not in hidden)
                  for g, v in GROUNDS.items()]
    return cells


MAIN_PATTERN = {(S60, "none"), (S60, "not_applicable"), (S23, "none"), (S23, "label_only"),
                (PACE, "none"), (PACE, "label_only")}


def test_the_audit_finds_the_cell_pinned_across_tables() -> None:
    """main's pattern: each table alone is safe, together s60/none is exactly 1."""
    (finding,) = [f for f in check(_issue_cells(MAIN_PATTERN), 10)
                  if f.population == _key(power=S60, gow_grounds="none")]
    assert (finding.value, finding.low, finding.high) == (1, 1.0, 1.0)


def test_secondary_suppression_across_tables_protects_it() -> None:
    cells = _issue_cells(MAIN_PATTERN)
    extra = protect(cells, 10, candidates=lambda c: c.table == "grounds_quality_by_power")
    assert extra and {c.table for c in extra} == {"grounds_quality_by_power"}
    hidden = {c.population for c in extra}
    final = [Cell(c.table, c.row, c.column, c.population, c.value,
                  c.published and c.population not in hidden) for c in cells]
    assert check(final, 10) == []


def test_the_run_is_refused_naming_the_tables_when_nothing_may_be_suppressed() -> None:
    with pytest.raises(DisclosureAuditError) as info:
        protect(_issue_cells(MAIN_PATTERN), 10, candidates=lambda c: False)
    assert {"gowisely_elements", "grounds_quality_by_power"} <= set(info.value.tables)
    assert "power=CJPOA 1994 s60" in str(info.value)


def test_an_unshown_complement_counts_like_a_count() -> None:
    """27 clips, 26 resisted: the 1 who did not is pinned although no column shows it."""
    cells = [Cell("t", 0, "clips", _key(ethnicity="Mixed", resisted="*"), 27, True),
             Cell("t", 0, "resisted", _key(ethnicity="Mixed", resisted="yes"), 26, True)]
    found = {f.population: f for f in check(cells, 10, events=["resisted"])}
    finding = found[_key(ethnicity="Mixed", resisted="no")]
    assert (finding.value, finding.low, finding.high) == (1, 1.0, 1.0)
    cells[1] = Cell("t", 0, "resisted", _key(ethnicity="Mixed", resisted="yes"), 17, True)
    assert check(cells, 10, events=["resisted"]) == []  # 10 did not: shown


# ---- through the outputs registry, checked by the adversary -------------------------------
def _register_issue_tables(out: StudyOutputs) -> None:
    sizes = {g: sum(v) for g, v in GROUNDS.items()}
    sample = pd.DataFrame({"group_var": ["all", *["power"] * 3], "group": ["all", *sizes],
                           "clips": [500, *sizes.values()]})
    sample["pct"] = 100 * sample["clips"] / 500
    out.table("sample_by_power", sample, title="Encounters by power",
              protect=counts("clips", values=PCT, count_lines=[["group_var"]],
                             population=["group_var:group"]), keys=[])
    totals = [sum(v[i] for v in GROUNDS.values()) for i in range(len(LEVELS))]
    elements = pd.DataFrame({"group_var": "all", "group": "all", "element": "gow_grounds",
                             "value": LEVELS, "clips": 500, "count": totals})
    elements["pct"] = 100 * elements["count"] / 500
    out.table("gowisely_elements", elements, title="Elements",
              protect=counts("count", base="clips", values=PCT, count_lines=[["element"]],
                             population=["group_var:group"], level="element:value"), keys=[])
    rows = [{"group_var": "all", "group": "all", "element": "gow_grounds", "value": level,
             "clips": 500, "count": totals[i]} for i, level in enumerate(LEVELS)]
    rows += [{"group_var": "power", "group": g, "element": "gow_grounds", "value": level,
              "clips": sizes[g], "count": v[i]} for g, v in GROUNDS.items()
             for i, level in enumerate(LEVELS)]
    by_power = pd.DataFrame(rows)
    by_power["pct"] = 100 * by_power["count"] / by_power["clips"]
    out.table("grounds_quality_by_power", by_power, title="Grounds by power",
              protect=counts("count", base="clips", values=PCT,
                             count_lines=[["group"], ["value"]], base_lines=[["value"]],
                             population=["group_var:group"], level="element:value"), keys=[])


def test_regression_grounds_by_power_is_not_recoverable_from_the_other_tables(
        tmp_path: Path) -> None:
    out = StudyOutputs(tmp_path / "run", "04_gowisely", "G", gate=PrivacyGate(10))
    _register_issue_tables(out)
    assert leaks(out.run_dir, 10) == []
    table = pd.read_csv(out.run_dir / "tables" / "grounds_quality_by_power.csv", dtype=str)
    s60 = table[(table["group"] == S60) & (table["value"] == "none")]
    assert s60["count"].tolist() == ["[c]"]


def test_regression_a_small_complement_is_suppressed_without_a_complement_column(
        tmp_path: Path) -> None:
    out = StudyOutputs(tmp_path / "run", "07_dynamics", "D", gate=PrivacyGate(10))
    frame = pd.DataFrame({"group_var": "ethnicity", "group": ["Mixed", "White", "Black"],
                          "clips": [27, 169, 173], "resisted": [26, 150, 153],
                          "median_s": [39.4, 34.9, 32.9]})
    shown = out.table("time_to_resistance_ethnicity", frame, title="Time to resistance",
                      protect=counts("resisted", base="clips", values=["median_s"],
                                     count_lines=[["group_var"]],
                                     population=["group_var:group"]), keys=[])
    mixed = shown[shown["group"] == "Mixed"].iloc[0]
    assert mixed["resisted"] == "[c]" and mixed["median_s"] == "[c]"
    assert leaks(out.run_dir, 10) == []


def test_the_adversary_finds_the_leak_in_main_s_tables(tmp_path: Path) -> None:
    """Not vacuous: the CSVs as main published them give s60/none away (exactly 1)."""
    tables = tmp_path / "tables"
    tables.mkdir()
    sizes = {g: sum(v) for g, v in GROUNDS.items()}
    sample = ["group_var,group,clips", "all,all,500",
              *(f"power,{g},{n}" for g, n in sizes.items())]
    (tables / "sample_by_power.csv").write_text("\n".join(sample) + "\n")
    totals = [sum(v[i] for v in GROUNDS.values()) for i in range(len(LEVELS))]
    rows = ["group_var,group,element,value,clips,count"]
    rows += [f"all,all,gow_grounds,{level},500,{totals[i]}" for i, level in enumerate(LEVELS)]
    (tables / "gowisely_elements.csv").write_text("\n".join(rows) + "\n")
    rows += [f"power,{g},gow_grounds,{level},{sizes[g]},"
             f"{'[c]' if (g, level) in MAIN_PATTERN else v[i]}"
             for g, v in GROUNDS.items() for i, level in enumerate(LEVELS)]
    (tables / "grounds_quality_by_power.csv").write_text("\n".join(rows) + "\n")
    found = {leak.what: leak for leak in leaks(tmp_path, 10)}
    s60 = found[f"{('power', S60)} gow_grounds=none"]
    assert (s60.low, s60.high) == (1.0, 1.0)


def _random_run_cells(seed: int, threshold: int) -> list[Cell]:
    """Three tables of one generated sample (a grouping, a coded level within it, a yes/no
    event), small groups, cells from 1 to ``threshold − 1`` suppressed."""
    import numpy as np

    rng = np.random.default_rng(seed)
    n = 240
    group = rng.choice([f"g{i}" for i in range(12)], size=n, p=np.r_[[0.02] * 4, [0.115] * 8])
    level = rng.choice(["a", "b", "c", None], size=n, p=[0.5, 0.3, 0.15, 0.05])
    event = rng.random(n) < 0.2
    cells = [Cell("sample", 0, "clips", _key(), n, True)]

    def add(table: str, column: str, key: frozenset, value: int) -> None:
        cells.append(Cell(table, len(cells), column, key, value,
                          not 0 < value < threshold))

    for g in sorted(set(group)):
        inside = group == g
        add("sample", "clips", _key(group=g), int(inside.sum()))
        add("levels", "base", _key(group=g, level="*"), int((inside & (level != None)).sum()))  # noqa: E711
        for lv in ("a", "b", "c"):
            add("levels", "count", _key(group=g, level=lv), int((inside & (level == lv)).sum()))
        add("events", "count", _key(group=g, event="yes"), int((inside & event).sum()))
    for lv in ("a", "b", "c"):
        add("levels", "count", _key(level=lv), int((level == lv).sum()))
    return cells


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_warm_and_cold_programmes_find_and_protect_the_same(seed: int) -> None:
    """The warm HiGHS model (one basis kept between objectives) answers exactly as solving
    every objective from scratch with scipy's milp: same findings, same ranges, same
    further suppressions."""
    from workbench.privacy.programmes import solving_with

    cells = _random_run_cells(seed, 5)
    answers = {}
    for kind in ("warm", "cold"):
        with solving_with(kind):
            findings = check(cells, 5, events=["event"])
            extra = protect(cells, 5, events=["event"])
        answers[kind] = (sorted((sorted(f.population), f.low, f.high) for f in findings),
                         sorted((c.table, c.row) for c in extra))
    assert answers["warm"][0], "the generated tables leave something to find"
    assert answers["warm"] == answers["cold"]


#: The opening-move table (escalated among each move's encounters) and the predictor
#: crosstab of the models section: "opening command: no" is every other coded move.
MOVES = {"command": (40, 3), "request": (100, 20), "greeting": (50, 10)}


def _opening_cells(*, hidden_moves: set[str], crosstab_hidden: set[tuple[str, str]]
                   ) -> list[Cell]:
    v, e = "esc_opening_move", "escalated"
    cells = [Cell("opening_moves", i, "clips", _key(**{v: m, e: "*"}), n, True)
             for i, (m, (n, _)) in enumerate(MOVES.items())]
    cells += [Cell("opening_moves", i, "escalated", _key(**{v: m, e: "yes"}), k,
                   m not in hidden_moves) for i, (m, (_, k)) in enumerate(MOVES.items())]
    total, escalated = (sum(x[i] for x in MOVES.values()) for i in (0, 1))
    cells += [Cell("opening_moves", 3, "clips", _key(**{v: "*", e: "*"}), total, True),
              Cell("opening_moves", 3, "escalated", _key(**{v: "*", e: "yes"}), escalated,
                   True)]
    yes_n, yes_k = MOVES["command"]
    grid = {("yes", "yes"): yes_k, ("yes", "no"): yes_n - yes_k,
            ("no", "yes"): escalated - yes_k, ("no", "no"): total - escalated - yes_n + yes_k}
    for r in ("yes", "no", "*"):
        for c in ("yes", "no", "*"):
            value = sum(n for (rr, cc), n in grid.items() if r in (rr, "*") and c in (cc, "*"))
            cells.append(Cell("predictor_opening_command", 0, f"{r}/{c}",
                              _key(opening_command=r, escalated=c), value,
                              (r, c) not in crosstab_hidden))
    return cells


def test_a_derived_variable_links_its_table_to_its_source_s() -> None:
    """Each table alone hides "command, escalated" (3), but "opening command: no, escalated"
    (30) is request + greeting, so with request (20) published greeting is 10 and command
    3 = 33 − 20 − 10. Audited as separate variables the leak is missed; as a derived
    variable it is found, and protected."""
    from workbench.privacy.audit import Derived

    command = Derived.of("opening_command", "esc_opening_move", {"yes": ["command"]},
                         rest="no")
    cells = _opening_cells(hidden_moves={"command", "greeting"},
                           crosstab_hidden={("yes", "yes"), ("yes", "no"), ("*", "yes"),
                                            ("*", "no")})
    target = _key(esc_opening_move="command", escalated="yes")
    assert target not in {f.population for f in check(cells, 10, events=["escalated"])}
    found = {f.population: f for f in check(cells, 10, events=["escalated"],
                                            derived=[command])}
    assert (found[target].low, found[target].high) == (3.0, 3.0)
    extra = protect(cells, 10, events=["escalated"], derived=[command])
    hidden = {(c.table, c.row, c.column) for c in extra}
    final = [Cell(c.table, c.row, c.column, c.population, c.value,
                  c.published and (c.table, c.row, c.column) not in hidden) for c in cells]
    assert check(final, 10, events=["escalated"], derived=[command]) == []


#: Force used (rows) against the highest resistance met (columns), close to the demo's counts
#: (scale order; ranks 0–5 and 0–4), and the force factor (force rank − resistance rank).
FORCE = ["none", "guiding_holds", "restraint", "unarmed_strikes", "weapon_drawn",
         "weapon_used"]
RESISTANCE = ["compliant", "verbal_refusal", "passive", "active", "assaultive"]
FORCE_COUNTS = [[42, 144, 64, 43, 32], [7, 38, 18, 24, 28], [0, 6, 4, 18, 10],
                [0, 0, 4, 6, 5], [0, 2, 0, 3, 0], [0, 0, 0, 2, 5]]
#: The cells main published as [c] (the crosstab's own suppression) and its force factor.
MAIN_FORCE_HIDDEN = {(0, 0), (0, 4), (1, 0), (1, 1), (1, 2), (1, 4), (2, 1), (2, 2), (2, 4),
                     (3, 2), (3, 3), (3, 4), (4, 1), (4, 3), (5, 3), (5, 4)}


def _force_ranks() -> dict[str, dict[str, int]]:
    return {"out_force": {f: i for i, f in enumerate(FORCE)},
            "subj_resistance": {r: i for i, r in enumerate(RESISTANCE)}}


def _factor_counts() -> pd.DataFrame:
    factor: dict[int, int] = {}
    for i, row in enumerate(FORCE_COUNTS):
        for j, n in enumerate(row):
            factor[i - j] = factor.get(i - j, 0) + n
    levels = sorted(k for k, n in factor.items() if n)
    return pd.DataFrame({"force_factor": levels, "clips": [factor[k] for k in levels]})


def _register_force_tables(out: StudyOutputs, *, derived: bool) -> None:
    from workbench.study.summaries import (
        FORCE_AXIS,
        MAX_RESISTANCE_AXIS,
        force_factor_derived,
    )

    crosstab = pd.DataFrame(FORCE_COUNTS, index=pd.Index(FORCE, name="force_used"),
                            columns=RESISTANCE)
    out.crosstab("force_vs_resistance", crosstab, title="Force against resistance",
                 rows=FORCE_AXIS, columns=MAX_RESISTANCE_AXIS)
    rule = counts("clips", count_lines=[()], population=["force_factor=force_factor"],
                  derived=[force_factor_derived(_force_ranks())] if derived else [])
    out.table("force_factor", _factor_counts(), title="Force factor", protect=rule, keys=[])


def test_the_adversary_recovers_main_s_force_table_from_the_force_factor(
        tmp_path: Path) -> None:
    """Not vacuous: as main published them, the factor −4 (32: only "none" against
    "assaultive") gives a suppressed cell, then its row and column the rest: "guiding holds"
    against "compliant" is exactly 7."""
    tables = tmp_path / "tables"
    tables.mkdir()
    rows = ["force_used," + ",".join(RESISTANCE) + ",Total"]
    for i, force in enumerate(FORCE):
        cells = ["[c]" if (i, j) in MAIN_FORCE_HIDDEN else str(n)
                 for j, n in enumerate(FORCE_COUNTS[i])]
        rows.append(",".join([force, *cells, "[c]" if i >= 3 else str(sum(FORCE_COUNTS[i]))]))
    rows.append(",".join(["Total", *(str(sum(r[j] for r in FORCE_COUNTS))
                                     for j in range(len(RESISTANCE))),
                         str(sum(map(sum, FORCE_COUNTS)))]))
    (tables / "force_vs_resistance.csv").write_text("\n".join(rows) + "\n")
    factor = _factor_counts()
    (tables / "force_factor.csv").write_text(factor.to_csv(index=False))
    found = {(leak.what, leak.low, leak.high) for leak in leaks(tmp_path, 10)}
    assert ("guiding_holds / compliant", 7.0, 7.0) in found


def test_regression_the_force_factor_does_not_give_the_force_table_away(
        tmp_path: Path) -> None:
    """Declared as derived from force and resistance, the factor table is audited with the
    crosstab: the adversary, which knows how the factor is made, recovers nothing. Without
    the declaration the same tables leak (the audit cannot see the link)."""
    out = StudyOutputs(tmp_path / "run", "09_deescalation", "D", gate=PrivacyGate(10))
    _register_force_tables(out, derived=True)
    assert leaks(out.run_dir, 10) == []
    blind = StudyOutputs(tmp_path / "blind", "09_deescalation", "D", gate=PrivacyGate(10))
    _register_force_tables(blind, derived=False)
    assert leaks(blind.run_dir, 10) != []


def test_a_grouping_made_from_a_code_links_score_tables_to_the_code_s() -> None:
    """Scores by grounds quality publish each group's n; the GOWISELY table hides
    "not applicable" (6) and, to protect it, "none" (60). n = 60 for the "none" group gives
    "not applicable" away, but only if the audit knows the grouping is the grounds code
    (its "(missing)" group: encounters without it)."""
    from workbench.study.summaries import grouping_of_code

    levels = {"none": 60, "generic": 185, "specific": 245, "not_applicable": 6}
    missing = 4
    total = sum(levels.values()) + missing
    cells = [Cell("sample", 0, "clips", _key(), total, True),
             Cell("gowisely_elements", 0, "clips", _key(gow_grounds="*"), total - missing, True)]
    cells += [Cell("gowisely_elements", i, "count", _key(gow_grounds=lv), n,
                   lv not in ("none", "not_applicable"))
              for i, (lv, n) in enumerate(levels.items())]
    groups = {**levels, "(missing)": missing}
    cells += [Cell("pj_scores_by_grounds_quality", i, "n", _key(grounds_quality=lv), n,
                   lv not in ("not_applicable", "(missing)"))
              for i, (lv, n) in enumerate(groups.items())]
    grouping = grouping_of_code("grounds_quality", "gow_grounds", list(levels))
    target = _key(gow_grounds="not_applicable")
    assert target not in {f.population for f in check(cells, 10)}
    found = {f.population: f for f in check(cells, 10, derived=[grouping])}
    assert (found[target].low, found[target].high) == (6.0, 6.0)


def test_score_tables_declare_n_as_group_size_only_when_every_encounter_is_scored() -> None:
    """n is the group's size only if every encounter has every score; declared otherwise,
    the audit would see two counts for one group and refuse the run."""
    from workbench.study.summaries import score_counts

    clips = pd.DataFrame({"clip_id": ["a", "b", "c"]})
    scored = pd.DataFrame({"clip_id": ["a", "b", "c"], "pj_voice": [50.0, 70.0, 20.0]})
    assert score_counts(scored, clips, ["pj_voice"]).population == ("group_var:group",)
    gap = scored.assign(pj_voice=[50.0, None, 20.0])
    assert score_counts(gap, clips, ["pj_voice"]).population == ()
    assert score_counts(scored.iloc[:2], clips, ["pj_voice"]).population == ()
