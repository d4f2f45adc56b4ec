"""``bwv codebook``: the commands parse, call the library and print; errors exit 1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from workbench import cli_codebook
from workbench.codebook import load_codebook
from workbench.model import AnnotationStatus, Clip, Role, Utterance
from workbench.store import Store, default_sqlite_url

DATA = Path(__file__).parent / "data" / "codebooks"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_project(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("BWV_PROJECT", raising=False)
    monkeypatch.chdir(tmp_path)


def _run(*args: str) -> Any:
    return runner.invoke(cli_codebook.app, list(args), catch_exceptions=False,
                         env={"COLUMNS": "200"})


def test_validate_prints_id_version_and_hash() -> None:
    result = _run("validate", str(DATA / "mini" / "1.0.0.yaml"))
    assert result.exit_code == 0
    assert "OK mini@1.0.0" in result.output
    assert load_codebook(DATA / "mini" / "1.0.0.yaml").hash in result.output


def test_validate_reports_the_location_of_an_error_and_exits_1() -> None:
    result = _run("validate", str(DATA / "invalid" / "shortcut_clash.yaml"))
    assert result.exit_code == 1
    assert "line 25" in result.output and "field 'shortcut'" in result.output


def test_validate_against_a_store_refuses_an_edited_version(tmp_path: Path) -> None:
    url = default_sqlite_url(tmp_path / "s.sqlite")
    Store(url).record_codebook("mini", "1.0.0", "0" * 64, "{}")
    result = _run("validate", str(DATA / "mini" / "1.0.0.yaml"), "--store", url)
    assert result.exit_code == 1
    assert "immutable once used" in result.output


@pytest.mark.parametrize(("fmt", "expected"), [
    ("md", "| merged | threat, accuse → pressure |"),
    ("text", "split"),
    ("table", "retired"),
])
def test_diff_between_references(fmt: str, expected: str) -> None:
    result = _run("diff", "mini@1.0.0", "mini@1.1.0", "--format", fmt,
                  "--codebooks", str(DATA))
    assert result.exit_code == 0
    assert expected in result.output


def test_diff_accepts_paths() -> None:
    result = _run("diff", str(DATA / "mini" / "1.0.0.yaml"), str(DATA / "mini" / "1.1.0.yaml"),
                  "--format", "text")
    assert result.exit_code == 0 and "rude → disrespect" in result.output


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_render_writes_the_manual(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "manual" / f"mini.{fmt}"
    result = _run("render", "mini@1.0.0", "--format", fmt, "--out", str(out),
                  "--codebooks", str(DATA))
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert all(code.id in text for code in load_codebook(DATA / "mini" / "1.0.0.yaml").codes)


def test_render_refuses_an_unknown_format() -> None:
    result = _run("render", "mini@1.0.0", "--format", "pdf", "--codebooks", str(DATA))
    assert result.exit_code == 1 and "expected one of html, md" in result.output


def test_show_lists_codes_by_group() -> None:
    result = _run("show", "mini@1.1.0", "--codebooks", str(DATA))
    assert result.exit_code == 0
    assert "Officer behaviour (officer)" in result.output and "polite_greeting" in result.output


def _coded_store(tmp_path: Path) -> tuple[str, Store]:
    url = default_sqlite_url(tmp_path / "store.sqlite")
    store = Store(url)
    turns = [Utterance("k1", i, float(i), i + 0.5, "PC A", Role.OFFICER, f"synthetic {i}")
             for i in range(2)]
    store.put_clip(Clip("k1", synthetic=True), turns, source_hash="x")
    ref = load_codebook(DATA / "mini" / "1.0.0.yaml").ref
    store.apply_code("c1", "k1", 0, "rude", "present", ref)
    store.apply_code("c1", "k1", 1, "polite", "present", ref)
    return url, store


def test_migrate_dry_run_shows_the_plan_and_changes_nothing(tmp_path: Path) -> None:
    url, store = _coded_store(tmp_path)
    before = store.table_counts()
    result = _run("migrate", "--to", "1.1.0", "--codebook", "mini", "--dry-run",
                  "--store", url, "--codebooks", str(DATA))
    assert result.exit_code == 0
    assert "rename" in result.output and "split" in result.output
    assert "dry run: nothing changed" in result.output
    assert store.table_counts() == before


def test_migrate_applies_the_plan_as_the_actor(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    url, _ = _coded_store(tmp_path)
    calls: list[tuple[Any, Any, str]] = []

    def fake_apply(store: Any, plan: Any, actor: str) -> dict[str, int]:
        calls.append((store, plan, actor))
        return {**plan.counts()}

    monkeypatch.setattr(cli_codebook, "apply_migration", fake_apply)
    result = _run("migrate", "--to", "1.1.0", "--codebook", "mini", "--actor", "lead",
                  "--store", url, "--codebooks", str(DATA))
    assert result.exit_code == 0
    [(_, plan, actor)] = calls
    assert actor == "lead"
    assert plan.new_codebook.label == "mini@1.1.0" and plan.old_codebook.label == "mini@1.0.0"
    assert sorted(s.action for s in plan.steps) == ["rename", "split"]
    assert "1 need re-coding" in result.output


def test_migrate_without_a_store_or_project_says_what_to_do() -> None:
    result = _run("migrate", "--to", "1.1.0", "--codebook", "mini", "--codebooks", str(DATA))
    assert result.exit_code == 1 and "pass --store URL" in result.output


def test_migrate_end_to_end_relabels_and_flags(tmp_path: Path) -> None:
    url, store = _coded_store(tmp_path)
    result = _run("migrate", "--to", "1.1.0", "--codebook", "mini", "--actor", "lead",
                  "--store", url, "--codebooks", str(DATA))
    assert result.exit_code == 0
    active = [(a.code_id, a.codebook_version) for a in store.annotations(layer=None)]
    assert active == [("disrespect", "1.1.0")]
    flagged = store.annotations(layer=None, statuses=[AnnotationStatus.NEEDS_RECODE])
    assert [a.code_id for a in flagged] == ["polite"]
    assert [e.actor for e in store.audit_events(action="codebook_migration")] == ["lead"]
