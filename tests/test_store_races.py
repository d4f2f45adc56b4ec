"""Races: many processes writing the same unit leave exactly one active value (SQLite and
PostgreSQL). Before the unit lock, 8 processes left hundreds of active rows on one unit."""

from __future__ import annotations

import multiprocessing as mp

import pytest
import sqlalchemy as sa

from workbench.codebook import load_ref, register_codebook
from workbench.model import REVIEWER_ROLES, Assignment, Clip, Coder, Layer, Role, Utterance
from workbench.project import BUNDLED_CODEBOOKS
from workbench.review.adjudication import decide
from workbench.store import Store, schema

N_PROCESSES = 8
N_WRITES = 15
VALUES = ("none", "softened_request", "bare_order", "repeated_or_shouted")
CODEBOOK = "stop-search@1.0.0"


def _seed(url: str) -> None:
    codebook = load_ref(CODEBOOK, BUNDLED_CODEBOOKS)
    with Store(url) as store:
        register_codebook(store, codebook)
        utterances = [Utterance("k1", i, i, i + 1, "PC A", Role.OFFICER, f"turn {i}")
                      for i in range(4)]
        store.put_clip(Clip("k1", synthetic=True), utterances, "h")
        store.add_coder(Coder("c1"))
        for r in ("r1", "r2"):
            store.add_coder(Coder(r, roles=REVIEWER_ROLES))
        store.assign([Assignment("k1", "c1")])


def _code_same_unit(url: str, worker: int, barrier: mp.synchronize.Barrier) -> None:
    """One of the coder's notebooks: write the same unit again and again, as c1."""
    codebook = load_ref(CODEBOOK, BUNDLED_CODEBOOKS)
    store = Store.open(url, as_user="c1")
    barrier.wait()
    for i in range(N_WRITES):
        store.apply_code("c1", "k1", 0, "esc_command", VALUES[(worker + i) % len(VALUES)],
                         codebook.ref)
    store.close()


def _adjudicate(url: str, reviewer: str, barrier: mp.synchronize.Barrier) -> None:
    codebook = load_ref(CODEBOOK, BUNDLED_CODEBOOKS)
    store = Store.open(url, as_user=reviewer)
    barrier.wait()
    for i in range(N_WRITES):
        for index in range(4):
            decide(store, ("k1", index), "esc_command", VALUES[(i + index) % 4], reviewer,
                   f"round {i}", codebook=codebook)
    store.close()


def _active_per_unit(url: str, layer: Layer) -> list[int]:
    A = schema.annotations
    with Store(url).transaction.read() as conn:
        return list(conn.execute(
            sa.select(sa.func.count()).where((A.c.status == "active")
                                             & (A.c.layer == str(layer)))
            .group_by(A.c.clip_id, A.c.utterance_index, A.c.code_id, A.c.coder_id)
            if layer == Layer.CODER else
            sa.select(sa.func.count()).where((A.c.status == "active")
                                             & (A.c.layer == str(layer)))
            .group_by(A.c.clip_id, A.c.utterance_index, A.c.code_id)).scalars())


def _run(target, args_list) -> None:  # type: ignore[no-untyped-def]
    ctx = mp.get_context("fork")  # no re-import per process; each opens its own store
    barrier = ctx.Barrier(len(args_list))
    procs = [ctx.Process(target=target, args=(*args, barrier)) for args in args_list]
    for p in procs:
        p.start()
    for p in procs:
        p.join(180)
    assert [p.exitcode for p in procs] == [0] * len(procs)


@pytest.mark.slow
def test_one_coder_in_eight_processes_leaves_one_active_value(store_url: str) -> None:
    _seed(store_url)
    _run(_code_same_unit, [(store_url, w) for w in range(N_PROCESSES)])
    assert _active_per_unit(store_url, Layer.CODER) == [1]
    with Store(store_url) as store:
        history = store.annotations(layer=Layer.CODER, statuses=())
        events = store.audit_events(action="code_applied")
        assert store.verify_audit().ok  # 8 writers at once: one chain, unforked
    # every write that changed the value is one row and one audit event: nothing lost
    assert len(history) == len(events) >= N_WRITES
    assert {e.actor for e in events} == {"c1"}


@pytest.mark.slow
def test_two_reviewers_deciding_the_same_units_leave_one_consensus_value(
        store_url: str) -> None:
    _seed(store_url)
    _run(_adjudicate, [(store_url, "r1"), (store_url, "r2")])
    assert _active_per_unit(store_url, Layer.CONSENSUS) == [1, 1, 1, 1]
    with Store(store_url) as store:
        assert len(store.audit_events(action="adjudicated")) == 2 * N_WRITES * 4
        assert store.verify_audit().ok
