"""Clip metadata of the synthetic corpus: where, when, which power, who was stopped.

Distributions are rounded, plausible shapes for Metropolitan Police searches in 2021–2022
(drugs the most common object; most searches find nothing; people stopped mostly young men),
written by hand for a demonstration — not official statistics. Boroughs map to the Met's 12
Basic Command Units (BCUs) as organised since 2018; the City of London is not Met ground.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

#: BCU → its boroughs.
BCU_BOROUGHS: dict[str, tuple[str, ...]] = {
    "Central West": ("Westminster", "Kensington and Chelsea", "Hammersmith and Fulham"),
    "Central North": ("Camden", "Islington"),
    "Central South": ("Lambeth", "Southwark"),
    "Central East": ("Hackney", "Tower Hamlets"),
    "North": ("Enfield", "Haringey"),
    "North East": ("Newham", "Waltham Forest"),
    "North West": ("Barnet", "Brent", "Harrow"),
    "East": ("Barking and Dagenham", "Havering", "Redbridge"),
    "West": ("Ealing", "Hillingdon", "Hounslow"),
    "South West": ("Kingston upon Thames", "Merton", "Richmond upon Thames", "Wandsworth"),
    "South": ("Bromley", "Croydon", "Sutton"),
    "South East": ("Bexley", "Greenwich", "Lewisham"),
}
BOROUGH_BCU: dict[str, str] = {b: bcu for bcu, bs in BCU_BOROUGHS.items() for b in bs}

#: Borough → (relative search volume, a police station the officers say they work from).
BOROUGHS: dict[str, tuple[float, str]] = {
    "Westminster": (8.0, "Charing Cross"), "Lambeth": (6.5, "Brixton"),
    "Southwark": (5.5, "Walworth"), "Newham": (5.5, "Forest Gate"),
    "Haringey": (4.5, "Tottenham"), "Tower Hamlets": (4.5, "Bethnal Green"),
    "Croydon": (4.5, "Croydon"), "Hackney": (4.0, "Stoke Newington"),
    "Brent": (4.0, "Wembley"), "Lewisham": (3.5, "Lewisham"), "Enfield": (3.5, "Edmonton"),
    "Waltham Forest": (3.5, "Chingford"), "Camden": (3.5, "Kentish Town"),
    "Ealing": (3.0, "Ealing"), "Islington": (3.0, "Islington"), "Greenwich": (3.0, "Plumstead"),
    "Barnet": (2.5, "Colindale"), "Wandsworth": (2.5, "Lavender Hill"),
    "Hillingdon": (2.5, "Uxbridge"), "Hounslow": (2.5, "Hounslow"),
    "Redbridge": (2.5, "Ilford"), "Barking and Dagenham": (2.5, "Barking"),
    "Havering": (2.0, "Romford"), "Bromley": (2.0, "Bromley"),
    "Kensington and Chelsea": (2.0, "Kensington"), "Hammersmith and Fulham": (2.0, "Hammersmith"),
    "Merton": (1.5, "Wimbledon"), "Bexley": (1.5, "Bexleyheath"), "Harrow": (1.5, "South Harrow"),
    "Sutton": (1.2, "Sutton"), "Kingston upon Thames": (1.0, "Kingston"),
    "Richmond upon Thames": (1.0, "Twickenham"),
}

#: Search power → (share, metadata label).
POWERS: dict[str, tuple[float, str]] = {
    "s23": (0.62, "Misuse of Drugs Act 1971 s23"),
    "s1": (0.33, "PACE 1984 s1"),
    "s60": (0.05, "CJPOA 1994 s60"),
}
#: Object kind → metadata label (``object_sought``).
OBJECT_LABELS: dict[str, str] = {
    "drugs": "Controlled drugs", "weapon": "Offensive weapons", "stolen": "Stolen goods",
    "theft_tools": "Articles for use in theft",
}
#: Object kinds a PACE s1 search is for, with shares.
S1_OBJECTS: dict[str, float] = {"weapon": 0.45, "stolen": 0.30, "theft_tools": 0.25}

#: Self-defined ethnicity (top-level groups; labels as the team brief uses them).
ETHNICITY: dict[str, float] = {
    "Black or Black British": 0.35, "White": 0.33, "Asian or Asian British": 0.16,
    "Mixed": 0.06, "Other": 0.04, "Not stated": 0.06,
}
AGE_BANDS: dict[str, float] = {"10-17": 0.20, "18-24": 0.40, "25-34": 0.22, "35+": 0.18}
GENDERS: dict[str, float] = {"Male": 0.90, "Female": 0.09, "Not stated": 0.01}
N_OFFICERS: dict[int, float] = {1: 0.20, 2: 0.55, 3: 0.25}
AUDIO_QUALITY: dict[str, float] = {"good": 0.62, "fair": 0.28, "poor": 0.10}

#: Disposal key (``out_disposal``) → the outcome label of the search record (``outcome``).
OUTCOME_LABELS: dict[str, str] = {
    "nfa": "No further action", "arrest": "Arrest", "community_resolution":
    "Community resolution", "drugs_warning": "Cannabis/khat warning",
    "penalty_notice": "Penalty notice", "summons": "Summons", "other": "Other",
}

FIRST_DAY, N_DAYS = date(2021, 1, 1), 730


def pick(rng: random.Random, weights: dict) -> object:
    """One key of ``weights`` drawn with probability proportional to its value."""
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


@dataclass(frozen=True)
class Setting:
    """The sampled circumstances of one encounter (before any dialogue)."""

    borough: str
    bcu: str
    station: str
    day: date
    power: str
    object_kind: str
    ethnicity: str
    age_band: str
    gender: str
    n_officers: int
    audio_quality: str

    @property
    def power_label(self) -> str:
        return POWERS[self.power][1]

    @property
    def object_label(self) -> str:
        return OBJECT_LABELS[self.object_kind]


def sample_setting(rng: random.Random) -> Setting:
    """Draw borough, date, power, object, demographics, team size and audio quality."""
    borough = str(pick(rng, {b: w for b, (w, _) in BOROUGHS.items()}))
    power = str(pick(rng, {p: s for p, (s, _) in POWERS.items()}))
    if power == "s23":
        object_kind = "drugs"
    elif power == "s60":
        object_kind = "weapon"
    else:
        object_kind = str(pick(rng, S1_OBJECTS))
    return Setting(
        borough=borough, bcu=BOROUGH_BCU[borough], station=BOROUGHS[borough][1],
        day=FIRST_DAY + timedelta(days=rng.randrange(N_DAYS)), power=power,
        object_kind=object_kind, ethnicity=str(pick(rng, ETHNICITY)),
        age_band=str(pick(rng, AGE_BANDS)), gender=str(pick(rng, GENDERS)),
        n_officers=int(pick(rng, N_OFFICERS)), audio_quality=str(pick(rng, AUDIO_QUALITY)),
    )
