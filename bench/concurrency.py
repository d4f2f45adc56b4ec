"""Benchmark of concurrent coding: 8 coders in 8 processes, each on their own store handle.

Each coder (a person with the coder role, opened with ``Store.open(url, as_user=…)``) applies
and removes codes on the utterances of their own clips as fast as the store lets them, all at
once (a barrier starts them together). Prints actions per second (acknowledged actions over the
wall time from the start to the last coder's end) on SQLite and on PostgreSQL, and checks that
nothing was lost or duplicated: every coder's last acknowledged value of every unit is the
store's one active value, every acknowledged change has its audit event, and no unit has two
active values. Target: ≥ 100 actions/s on SQLite on 2 cores.

PostgreSQL: a throw-away server from Debian's ``postgresql`` binaries (``--postgres URL`` to use
another; ``--no-postgres`` to skip).

Run: ``.venv/bin/python bench/concurrency.py [--coders 8] [--actions 300]``
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import random
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.codebook import load_ref, register_codebook
from workbench.model import Assignment, Clip, Coder, Role, Utterance
from workbench.project import BUNDLED_CODEBOOKS
from workbench.store import Store, default_sqlite_url, schema

CODE = "esc_command"
VALUES = ("none", "softened_request", "bare_order", "repeated_or_shouted")
CLIPS_PER_CODER = 3
TURNS = 10


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"machine: {platform.platform()} | {platform.processor() or platform.machine()} | "
            f"{os.cpu_count()} CPUs ({cores} usable) | load {load} | "
            f"Python {platform.python_version()}")


def seed_store(url: str, n_coders: int) -> list[str]:
    codebook = load_ref("stop-search@1.0.0", BUNDLED_CODEBOOKS)
    coders = [f"c{i:02d}" for i in range(1, n_coders + 1)]
    with Store(url) as store, store.transaction():
        register_codebook(store, codebook)
        for coder in coders:
            store.add_coder(Coder(coder))
            for k in range(CLIPS_PER_CODER):
                clip_id = f"{coder}-{k}"
                store.put_clip(Clip(clip_id, synthetic=True), [
                    Utterance(clip_id, i, i, i + 1, "PC A", Role.OFFICER, f"turn {i}")
                    for i in range(TURNS)], clip_id)
                store.assign([Assignment(clip_id, coder, position=k)])
    return coders


def code(url: str, coder: str, n_actions: int, seed: int, barrier, out) -> None:  # type: ignore[no-untyped-def]
    """One coder's kernel: ``n_actions`` apply/remove actions; reports its final values."""
    codebook = load_ref("stop-search@1.0.0", BUNDLED_CODEBOOKS)
    store = Store.open(url, as_user=coder)
    rng = random.Random(seed)
    final: dict[tuple[str, int], str | None] = {}
    changes = 0
    barrier.wait()
    started = time.perf_counter()
    for _ in range(n_actions):
        unit = (f"{coder}-{rng.randrange(CLIPS_PER_CODER)}", rng.randrange(TURNS))
        if rng.random() < 0.2:
            changes += store.remove_code(coder, unit[0], unit[1], CODE) > 0
            final[unit] = None
        else:
            value = rng.choice(VALUES)
            changes += final.get(unit) != value
            store.apply_code(coder, unit[0], unit[1], CODE, value, codebook.ref)
            final[unit] = value
    out.put((coder, started, time.perf_counter(), n_actions, changes, final))
    store.close()


def run(url: str, n_coders: int, n_actions: int) -> dict[str, float]:
    coders = seed_store(url, n_coders)
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(n_coders), ctx.Queue()
    procs = [ctx.Process(target=code, args=(url, c, n_actions, i, barrier, out))
             for i, c in enumerate(coders)]
    for p in procs:
        p.start()
    results = [out.get(timeout=900) for _ in procs]
    for p in procs:
        p.join()
    start = min(r[1] for r in results)
    wall = max(r[2] for r in results) - start
    acknowledged = sum(r[3] for r in results)
    lost = duplicated = 0
    A = schema.annotations
    with Store(url) as store:
        with store.transaction.read() as conn:
            duplicated = sum(n - 1 for n in conn.execute(
                sa.select(sa.func.count()).where(A.c.status == "active")
                .group_by(A.c.clip_id, A.c.utterance_index, A.c.code_id, A.c.coder_id))
                .scalars())
        active = {(a.clip_id, a.utterance_index): a.value for a in store.annotations()}
        events = store.audit_events(action="code_applied") + store.audit_events(
            action="code_removed")
        for *_, final in results:
            lost += sum(active.get(unit) != value for unit, value in final.items())
        lost += abs(sum(r[4] for r in results) - len(events))
    return {"actions": acknowledged, "wall": wall, "per_s": acknowledged / wall,
            "lost": lost, "duplicated": duplicated}


def report(name: str, figures: dict[str, float]) -> None:
    print(f"{name:<11} {figures['actions']:>6.0f} actions in {figures['wall']:6.2f} s = "
          f"{figures['per_s']:7.1f} actions/s · lost {figures['lost']:.0f} · "
          f"duplicated {figures['duplicated']:.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--coders", type=int, default=8)
    parser.add_argument("--actions", type=int, default=300, help="per coder")
    parser.add_argument("--postgres", help="a PostgreSQL URL (default: a throw-away server)")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(machine())
    print(f"{args.coders} coders × {args.actions} actions each, one process per coder")
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = run(default_sqlite_url(Path(tmp) / "store.sqlite"), args.coders,
                     args.actions)
    report("SQLite", sqlite)
    failed |= sqlite["lost"] > 0 or sqlite["duplicated"] > 0 or sqlite["per_s"] < 100
    if not args.no_postgres:
        if args.postgres:
            server = nullcontext(args.postgres)
        else:
            from tests.support.postgres import postgres_server

            server = postgres_server()
        with server as url:
            pg = run(url, args.coders, args.actions)
        report("PostgreSQL", pg)
        failed |= pg["lost"] > 0 or pg["duplicated"] > 0
    print("target: ≥ 100 actions/s on SQLite, nothing lost or duplicated: "
          + ("MISSED" if failed else "met"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
