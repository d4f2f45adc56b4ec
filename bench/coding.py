"""Benchmark of the coding session: code actions and opening a clip, on the widget objects.

Builds a SQLite store with the 500-clip synthetic demo corpus (``workbench.demo``), three
simulated coders' annotations on every clip, and one extra 150-utterance clip; then drives a
:class:`widgets.SessionWidget` in-process as the browser would (the comm messages of a
click, a key, a queue pick), with every outgoing widget message serialised to JSON as a
kernel does. Prints medians and the machine. Targets: a code action persisted and
re-rendered in ≤ 50 ms (median); opening a 150-utterance clip in ≤ 300 ms.

Then the same store in a real JupyterLab in Chromium (:mod:`coding_browser`): key → visible
change median ≤ 25 ms and p95 ≤ 50 ms (the chip the front end paints at once), with the
kernel's confirmation (code stored) printed beside it, media seek ≤ 100 ms (``--no-browser``
skips it).

Run: ``.venv/bin/python bench/coding.py [--clips 500] [--actions 300] [--no-browser]``
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pandas as pd

from widgets.recording import click, recording, send_from_browser, set_from_browser
from widgets.session import SessionWidget
from workbench.codebook.loading import load_ref
from workbench.coding import CodingSession
from workbench.demo import (
    generate_encounters,
    metadata_frame,
    simulate_coding,
    truth_frame,
    utterance_frame,
)
from workbench.model import Annotation, Assignment, Clip, Coder, Role, Utterance
from workbench.store import Store, default_sqlite_url

LONG_CLIP = "bench-0150"
CODER = "bench"
SIMULATED = ["sim1", "sim2", "sim3"]


def _clip(row: tuple) -> Clip:
    return Clip(row.clip_id, source_file=f"{row.clip_id}.vtt", duration=float(row.duration),
                borough=row.borough, bcu=row.bcu, date=date.fromisoformat(row.date),
                power=row.power, outcome=row.outcome, ethnicity=row.ethnicity,
                age_band=row.age_band, gender=row.gender, n_officers=int(row.n_officers),
                extra={"object_sought": row.object_sought}, synthetic=True)


def _utterances(clip_id: str, rows: pd.DataFrame) -> list[Utterance]:
    return [Utterance(clip_id, i, float(r.start), float(r.end), r.speaker, Role(r.role), r.text)
            for i, r in enumerate(rows.itertuples())]


def build_store(path: Path, n_clips: int) -> tuple[Store, float]:
    """The demo corpus, a 150-utterance clip and simulated coding in a SQLite file."""
    started = time.perf_counter()
    encounters = generate_encounters(n_clips, seed=20211)
    meta, utts, truth = (metadata_frame(encounters), utterance_frame(encounters),
                         truth_frame(encounters))
    codebook = load_ref("stop-search@1.0.0")
    store = Store(default_sqlite_url(path))
    by_clip = dict(tuple(utts.groupby("clip_id")))
    with store.bulk():
        for row in meta.itertuples():
            store.put_clip(_clip(row), _utterances(row.clip_id, by_clip[row.clip_id]),
                           source_hash=f"demo-{row.clip_id}")
        long_rows = utts.iloc[:150]  # the first 150 turns of the corpus, re-timed as one clip
        long_rows = long_rows.assign(start=[4.0 * i for i in range(150)],
                                     end=[4.0 * i + 3.5 for i in range(150)])
        first = next(meta.iloc[[0]].itertuples())
        store.put_clip(_clip(first._replace(clip_id=LONG_CLIP, duration=600.0)),
                       _utterances(LONG_CLIP, long_rows), source_hash="bench-150")
        for coder in [CODER, *SIMULATED]:
            store.add_coder(Coder(coder, f"{coder} (synthetic)"))
        clip_ids = [LONG_CLIP, *meta.clip_id]
        store.assign(Assignment(c, CODER, reliability=i % 5 == 0, position=i)
                     for i, c in enumerate(clip_ids[:125]))
        store.assign(Assignment(c, s, position=i) for s in SIMULATED
                     for i, c in enumerate(meta.clip_id))
    simulated = simulate_coding(truth, utts[["clip_id", "utterance_index", "role"]], SIMULATED)
    ref = codebook.ref
    store.add_annotations(
        Annotation(r.clip_id, None if pd.isna(r.utterance_index) else int(r.utterance_index),
                   r.code_id, r.value, r.coder_id, ref.codebook_id, ref.version, ref.hash)
        for r in simulated.itertuples())
    return store, time.perf_counter() - started


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def run(n_clips: int, n_actions: int, browser: bool = True) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        store, build_s = build_store(Path(tmp) / "store.sqlite", n_clips)
        n_annotations = len(store.annotations_frame())
        print(f"store: {store.count_clips()} clips, {n_annotations} annotations "
              f"(built in {build_s:.1f} s)")
        codebook = load_ref("stop-search@1.0.0")
        reader = Store(store.url)
        with recording() as log:
            first_ms = _timed(lambda: SessionWidget(CodingSession(store, codebook, CODER)))
            view = SessionWidget(CodingSession(store, codebook, CODER))
            assert view.session.clip is not None and view.session.clip.clip_id == LONG_CLIP
            opens = []
            for i in range(10):  # another clip first, then time opening the long one
                set_from_browser(view.queue.clips, index=1 + i)
                opens.append(_timed(lambda: set_from_browser(view.queue.clips, index=0)))
                assert len(view.transcript.turns) == 150
            officer_turns = [i for i, u in enumerate(view.session.utterances)
                             if u.role == Role.OFFICER]
            clicks, keys, moves = [], [], []
            for n in range(n_actions):
                send_from_browser(view.transcript, {"type": "goto",
                                                    "index": officer_turns[n % len(officer_turns)]})
                log.clear()
                button = view._panel().buttons[("pj_courtesy", "present")]
                before = button.button_style
                clicks.append(_timed(lambda b=button: click(b)))
                assert button.button_style != before, f"click did nothing: {view.status.value}"
                if n % 10 == 0:  # committed? read it back on another connection
                    turn = view.session.index
                    applied = button.button_style == "success"
                    seen = {(a.utterance_index, a.code_id) for a in reader.annotations(
                        clip_id=LONG_CLIP, coder_id=CODER)}
                    assert ((turn, "pj_courtesy") in seen) == applied, "not persisted"
                keys.append(_timed(lambda: send_from_browser(
                    view.transcript, {"type": "key", "key": "e", "code": None})))
                moves.append(_timed(lambda: send_from_browser(
                    view.transcript, {"type": "key", "key": "j", "code": None})))
            sent = sum(m.size for m in log.messages)
        active = store.annotations(clip_id=LONG_CLIP, coder_id=CODER)
        for a in active:  # a clean clip for the browser run
            store.remove_code(CODER, LONG_CLIP, a.utterance_index, a.code_id)
        store.set_progress(LONG_CLIP, CODER, last_utterance=0)
        url = store.url
        store.close()
        reader.close()
        in_browser = {}
        if browser:
            from coding_browser import run_browser

            in_browser = run_browser(url, LONG_CLIP, CODER)
    print(f"last action cycle sent {sent} characters of widget messages; "
          f"{len(active)} codes stay applied on {LONG_CLIP}")
    return {"first_open_ms": first_ms, "open_150_median_ms": statistics.median(opens),
            "open_150_max_ms": max(opens), "click_median_ms": statistics.median(clicks),
            "click_p95_ms": sorted(clicks)[int(0.95 * len(clicks)) - 1],
            "key_median_ms": statistics.median(keys), "move_median_ms": statistics.median(moves),
            **{f"browser_{k}": v for k, v in in_browser.items()}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=500)
    parser.add_argument("--actions", type=int, default=300)
    parser.add_argument("--no-browser", action="store_true",
                        help="skip the real-browser figures (JupyterLab in Chromium)")
    args = parser.parse_args(argv)
    print(f"machine: {platform.platform()} · {os.cpu_count()} CPUs · "
          f"Python {sys.version.split()[0]} · {platform.processor() or platform.machine()} · "
          f"load average {os.getloadavg()[0]:.1f}")
    figures = run(args.clips, args.actions, browser=not args.no_browser)
    print(f"open session (first clip, panels built):  {figures['first_open_ms']:7.1f} ms")
    print(f"open 150-utterance clip, median of 10:    {figures['open_150_median_ms']:7.1f} ms "
          f"(max {figures['open_150_max_ms']:.1f}; target ≤ 300)")
    print(f"code action by click, median of {args.actions}:   {figures['click_median_ms']:7.1f} ms "
          f"(p95 {figures['click_p95_ms']:.1f}; target ≤ 50)")
    print(f"code action by key, median:               {figures['key_median_ms']:7.1f} ms")
    print(f"move to next turn by key, median:         {figures['move_median_ms']:7.1f} ms")
    ok = figures["click_median_ms"] <= 50 and figures["key_median_ms"] <= 50 \
        and figures["open_150_median_ms"] <= 300
    if not args.no_browser:
        from coding_browser import report

        ok = report({k.removeprefix("browser_"): v for k, v in figures.items()
                     if k.startswith("browser_")}) and ok
    print(f"load average after: {os.getloadavg()[0]:.1f} (figures on a busy machine are "
          "slower; compare runs at similar load)")
    print("targets met" if ok else "TARGETS MISSED")


if __name__ == "__main__":
    main()
