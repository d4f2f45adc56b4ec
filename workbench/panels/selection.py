"""Choosing a screening's clips: by hand, by a sampling rule, or at random (seeded).

Each function returns the clip ids and a ``selection`` record (method and parameters) that
the screening keeps, so anyone can see — and re-run — how its clips were chosen.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from workbench.exceptions import ParameterError, StoreError
from workbench.store import Store

#: Clip fields a sampling rule may test for equality (besides the date range).
RULE_FIELDS: tuple[str, ...] = ("borough", "bcu", "power", "outcome", "n_officers")


def by_hand(store: Store, clip_ids: list[str]) -> tuple[list[str], dict[str, Any]]:
    """The clips the facilitator names (each must exist and be readable)."""
    missing = [c for c in clip_ids if not store.has_clip(c)]
    if missing:
        raise StoreError(f"unknown clips: {', '.join(missing)}")
    return list(dict.fromkeys(clip_ids)), {"method": "by_hand"}


def by_rule(store: Store, *, since: date | None = None, until: date | None = None,
            limit: int | None = None, **equals: Any) -> tuple[list[str], dict[str, Any]]:
    """Clips matching every ``equals`` field, dated ``since``…``until`` (inclusive), by id.

    E.g. ``by_rule(store, power="use_of_force", bcu="Central South", since=q_start,
    until=q_end)``; ``limit`` keeps the first clips by id.
    """
    bad = sorted(set(equals) - set(RULE_FIELDS))
    if bad:
        raise ParameterError(f"sampling rule fields {bad}: expected some of "
                             f"{', '.join(RULE_FIELDS)}")
    found = [c for c in store.clips(**equals)
             if (since is None or (c.date is not None and c.date >= since))
             and (until is None or (c.date is not None and c.date <= until))]
    ids = [c.clip_id for c in found][:limit]
    if not ids:
        raise StoreError(f"no clip matches the sampling rule {equals} "
                         f"({since or '…'} to {until or '…'})")
    return ids, {"method": "by_rule", "equals": equals,
                 "since": since.isoformat() if since else None,
                 "until": until.isoformat() if until else None, "limit": limit}


def at_random(store: Store, n: int, *, seed: int,
              pool: list[str] | None = None) -> tuple[list[str], dict[str, Any]]:
    """``n`` clips drawn without replacement from ``pool`` (default: the whole study sample)
    with ``random.Random(seed)``; the same seed and pool give the same clips."""
    ids = sorted(pool if pool is not None else (c.clip_id for c in store.clips()))
    if not 1 <= n <= len(ids):
        raise ParameterError(f"n = {n}: expected 1 to {len(ids)} (the clips in the pool)")
    chosen = sorted(random.Random(seed).sample(ids, n))
    return chosen, {"method": "at_random", "n": n, "seed": seed, "pool_size": len(ids)}
