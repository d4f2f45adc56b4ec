"""A SYNTHETIC community panel for the demo: four quarterly screenings, invented members,
ratings with one planted difference between groups, and template comments.

Planted: members of age band ``18-24`` rate **respect** (``pj_respect``) lower, by
:data:`PLANTED_RESPECT_GAP` points of the 1–5 scale; bands ``25-39`` and ``40+`` are drawn
from the same distribution on every item (the pair that must not be flagged). Everything is
marked synthetic (panel names, pseudonyms) and drawn from ``numpy.random.default_rng(seed)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from workbench.exceptions import StoreError
from workbench.model import Coder, UserRole
from workbench.panels.selection import at_random
from workbench.store import Store
from workbench.store.screenings import RATING_ITEMS

FACILITATOR = "fac-demo"
PANEL_NAME = "SYNTHETIC panel (demo)"
AGE_BANDS = ("18-24", "25-39", "40+")
PLANTED_RESPECT_GAP = 1.5  # rating points, 18-24 lower on pj_respect
QUARTERS = (date(2026, 2, 10), date(2026, 5, 12), date(2026, 8, 11), date(2026, 11, 10))
COMMENTS = (
    "The officer never explained why he was being searched.",
    "Calm and polite throughout, he thanked him at the end.",
    "The handcuffs seemed unnecessary, the young man was not resisting.",
    "Good that the officer gave his name and the grounds for the search.",
    "They talked over him every time he tried to answer.",
    "Respectful tone, explained each step of the search.",
    "Too many officers arrived, it felt intimidating and escalating.",
    "No reason was given for the stop and nothing was explained.",
)


@dataclass(frozen=True)
class SyntheticPanel:
    screening_ids: tuple[str, ...]
    n_members: int
    n_answers: int


def add_synthetic_panel(store: Store, *, seed: int = 17, members_per_screening: int = 12,
                        clips_per_screening: int = 3) -> SyntheticPanel:
    """Add the synthetic panel to ``store`` (opened as its owner); returns what was added."""
    if any(s.panel.startswith(PANEL_NAME) for s in store.screenings()):
        raise StoreError(f"the store has the {PANEL_NAME} already")
    rng = np.random.default_rng(seed)
    if FACILITATOR not in {c.coder_id for c in store.coders()}:
        store.add_coder(Coder(FACILITATOR, "SYNTHETIC facilitator",
                              roles=frozenset({UserRole.FACILITATOR})))
    fac = Store.open(store.url, as_user=FACILITATOR)
    clip_ids = [c.clip_id for c in fac.clips()]
    latent = {c: rng.uniform(2.0, 4.5) for c in clip_ids}  # the clip's "true" rating
    screenings, n_members, n_answers = [], 0, 0
    for q, held_on in enumerate(QUARTERS):
        chosen, selection = at_random(fac, clips_per_screening, seed=seed + q)
        code = f"synthetic-{seed}-{q}"
        screening = fac.create_screening(f"{PANEL_NAME} Q{q + 1}", held_on, chosen,
                                         code, selection=selection)
        screenings.append(screening.screening_id)
        for m in range(members_per_screening):
            band = AGE_BANDS[m % len(AGE_BANDS)]
            lived = "yes" if rng.random() < 0.5 else "no"
            member_id, _ = fac.join_screening(
                screening.screening_id, code, f"SYNTHETIC member {q + 1}-{m + 1}",
                group={"age_band": band, "lived_experience": lived}, consent=True)
            n_members += 1
            with Store.open(store.url, as_user=member_id) as me, me.transaction():
                for clip in chosen:
                    for item in RATING_ITEMS:
                        mean = latent[clip] - (PLANTED_RESPECT_GAP if band == "18-24"
                                               and item == "pj_respect" else 0.0)
                        rating = int(np.clip(np.rint(mean + rng.normal(0, 0.7)), 1, 5))
                        me.save_answer(clip, "rating", item, str(rating))
                        n_answers += 1
                    comment = COMMENTS[int(rng.integers(len(COMMENTS)))]
                    me.save_answer(clip, "comment", "", comment)
                    flag = int(rng.integers(2))
                    me.save_answer(clip, "flag", "0", ("good_practice", "concern")[flag])
                    n_answers += 2
        fac.close_screening(screening.screening_id)
    fac.close()
    return SyntheticPanel(tuple(screenings), n_members, n_answers)
