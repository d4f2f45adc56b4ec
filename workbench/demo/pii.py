"""Synthetic personal details planted in the dialogue, so redaction can be tested.

Names (and the names in street names) come from Faker's ``en_GB`` provider, seeded per
clip. Phone numbers are in Ofcom's range reserved for drama (07700 900000–900999); e-mail
addresses are at ``example.com`` (RFC 2606); postcodes use real London outward codes of the
borough with a random inward code; vehicle registrations follow the current GB format
(``AB12 CDE``). None of it describes a real person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from faker import Faker

from workbench.demo.metadata import BCU_BOROUGHS, Setting
from workbench.demo.phrases.opening import CLOTHING, GENERIC_STREETS, STREETS
from workbench.demo.turns import Officer, People

OUTWARD = {"Lambeth": ("SW2", "SW9", "SE11"), "Southwark": ("SE5", "SE15", "SE17"),
           "Hackney": ("E8", "E5", "N16"), "Haringey": ("N15", "N17", "N22"),
           "Newham": ("E7", "E13", "E15"), "Westminster": ("W2", "W9", "NW8"),
           "Tower Hamlets": ("E1", "E2", "E14"), "Croydon": ("CR0", "SE25")}
LONDON_OUTWARD = ("E6", "N9", "NW10", "SE18", "SW17", "W12", "UB3", "TW3", "RM8", "IG1", "BR1")
_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # inward-code letters (no C, I, K, M, O, V)
_REG_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"  # no I, Q, Z
AGES = {"10-17": (12, 17), "18-24": (18, 24), "25-34": (25, 34), "35+": (35, 62)}
FORMAL = {"Male": "sir", "Female": "madam", "Not stated": "mate"}
INFORMAL = {"Male": "mate", "Female": "love", "Not stated": "mate"}
PRONOUNS = {"Male": ("he", "him", "his"), "Female": ("she", "her", "her"),
            "Not stated": ("they", "them", "their")}
STREET_TYPES = ("Road", "Street", "Lane", "Close", "Avenue", "Grove", "Gardens", "Way",
                "Court", "Place", "Terrace", "Crescent", "Walk", "Rise")
ORDINAL = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}


@dataclass(frozen=True)
class PlantedDetail:
    """A personal detail planted in one utterance (``text`` appears verbatim in it)."""

    clip_id: str
    utterance_index: int
    kind: str
    text: str


def officer_pool(seed: int, per_bcu: int = 10) -> dict[str, list[Officer]]:
    """Officers by BCU (so the same officers recur across clips): about one in seven a
    sergeant; labels "PC 4512" / "PS 881"."""
    rng, fake = random.Random(seed), Faker("en_GB")
    fake.seed_instance(seed)
    pool: dict[str, list[Officer]] = {}
    used: set[str] = set()
    for bcu in BCU_BOROUGHS:
        officers: list[Officer] = []
        while len(officers) < per_bcu:
            label = (f"PS {rng.randint(100, 999)}" if rng.random() < 0.15
                     else f"PC {rng.randint(1000, 9999)}")
            if label not in used:
                used.add(label)
                officers.append(Officer(label, fake.last_name()))
        pool[bcu] = officers
    return pool


def _postcode(rng: random.Random, borough: str) -> str:
    outward = rng.choice(OUTWARD.get(borough, LONDON_OUTWARD))
    return f"{outward} {rng.randint(1, 9)}{rng.choice(_LETTERS)}{rng.choice(_LETTERS)}"


def _registration(rng: random.Random) -> str:
    year = rng.choice([y for y in range(10, 22)] + [y for y in range(60, 72)])
    area = rng.choice(_REG_LETTERS) + rng.choice(_REG_LETTERS)
    return f"{area}{year:02d} {''.join(rng.choice(_REG_LETTERS) for _ in range(3))}"


def make_people(rng: random.Random, fake: Faker, s: Setting,
                pool: dict[str, list[Officer]], n_bystanders: int) -> People:
    """The officers (from the BCU's pool), the subject's details and the template words."""
    officers = rng.sample(pool[s.bcu], s.n_officers)
    first = (fake.first_name_male() if s.gender == "Male" else
             fake.first_name_female() if s.gender == "Female" else fake.first_name())
    last = fake.last_name()
    low, high = AGES[s.age_band]
    dob = s.day - timedelta(days=rng.randint(low * 365 + 1, high * 365 + 360))
    day = dob.day
    he, him, his = PRONOUNS[s.gender]
    young = s.age_band == "10-17"
    formal = ("young man" if s.gender == "Male" else "young lady" if s.gender == "Female"
              else "mate") if young else FORMAL[s.gender]
    handle = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
    grounds_street = rng.choice(STREETS.get(s.borough, GENERIC_STREETS))
    fields = {
        "name": f"{first} {last}", "first_name": first,
        "dob": dob.strftime("%d/%m/%Y"),
        "dob_spoken": f"{day}{ORDINAL.get(day, 'th')} of {dob.strftime('%B')} {dob.year}",
        "address": f"{rng.randint(1, 180)} {fake.last_name()} {rng.choice(STREET_TYPES)}",
        "postcode": _postcode(rng, s.borough),
        "phone": f"07700 900{rng.randint(0, 999):03d}",
        "email": f"{handle}{rng.randint(1, 99)}@example.com",
        "reg": _registration(rng),
        "formal": formal, "mate": INFORMAL[s.gender], "he": he, "He_": he.capitalize(),
        "him": him, "his": his, "station": s.station, "street": grounds_street,
        "clothing": rng.choice(CLOTHING),
    }
    return People(officers, fields, n_bystanders)
