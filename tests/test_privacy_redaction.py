"""Redaction of personal information, and scanning output for planted items."""

from __future__ import annotations

import pytest
from faker import Faker

from workbench.privacy.names import is_gazetteer_name
from workbench.privacy.redaction import find_pii, redact, scan_for_pii


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # names: context, titles, ranks, gazetteer
        ("My name is Jamal Ahmed.", "My name is [NAME]."),
        ("my name is kwame", "my name is [NAME]"),
        ("I'm Daniel, what's this about?", "I'm [NAME], what's this about?"),
        ("Mr Okonkwo, can you stop there?", "Mr [NAME], can you stop there?"),
        ("I'm PC Smith from Lambeth.", "I'm PC [NAME] from Lambeth."),
        ("Sergeant Hope is on her way.", "Sergeant [NAME] is on her way."),
        ("Detective Sergeant Smith", "Detective Sergeant [NAME]"),
        ("Thank you Sarah.", "Thank you [NAME]."),
        ("Stop right there Jack.", "Stop right there [NAME]."),   # mid-sentence: a name
        ("Frank, calm down.", "[NAME], calm down."),             # vocative: a name
        ("This is Grant Shaw speaking.", "This is [NAME] speaking."),
        ("My name is Darnell Okafor.", "My name is [NAME]."),  # surname not in the gazetteer
        ("I am Jamal Okoro", "I am [NAME]"),                   # neither name in the gazetteer
        ("I am Not Sure what you mean", "I am Not Sure what you mean"),
        ("Call me on 07700 900123.", "Call me on [PHONE]."),
        # addresses and postcodes
        ("I live at 12 Acre Lane, SW2 5RL.", "I live at [ADDRESS], [POSTCODE]."),
        ("flat 3, 24 Railton Road", "[ADDRESS]"),
        ("I live at 148 Jay Pike, N17 2DQ.", "I live at [ADDRESS], [POSTCODE]."),  # Faker suffix
        ("He lives on Coldharbour Lane in SW9.", "He lives on [ADDRESS] in [POSTCODE]."),
        ("postcode is e1 6an", "postcode is [POSTCODE]"),
        # phones and e-mails
        ("Ring 020 7946 0123 or +44 7700 900456", "Ring [PHONE] or [PHONE]"),
        ("email john.smith@example.com now", "email [EMAIL] now"),
        # vehicles: current, prefix, suffix, after "reg"
        ("The car is AB12 CDE.", "The car is [VEHICLE]."),
        ("It was P123 XYZ or ABC 123D.", "It was [VEHICLE] or [VEHICLE]."),
        ("reg is ab12cde", "reg is [VEHICLE]"),
        # dates of birth and dates
        ("I was born on 3rd March 1998.", "I was born on [DOB]."),
        ("DOB 03/04/1998", "DOB [DOB]"),
        ("date of birth is 12 May 2001", "date of birth is [DOB]"),
        ("born in 1999", "born in [DOB]"),
        ("It happened on 14/02/2025.", "It happened on [DATE]."),
        ("It was on the 5th of May.", "It was on the [DATE]."),
        # identifiers
        ("collar number PC 1234", "collar number PC [ID]"),
        ("Her NI is AB 12 34 56 C", "Her NI is [ID]"),
    ],
)
def test_redacts_each_kind_with_its_placeholder(text, expected) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'm fine thanks.",
        "May I search you?",
        "Will you wait here please?",
        "The grounds are that you match the description.",
        "Hope you are okay.",
        "Grant me a second.",
        "I'm English, born and bred.",
        "He's Black British, about twenty.",
        "The Old Bill again.",
        "Mark my words.",
        "I'm being frank with you.",
        "Searching you under S60 and S1 PACE, section 23 of the Misuse of Drugs Act.",
        "Yes Sir, I understand.",
        "Wait 5 minutes down the road.",
        "I've got 2 kids down the road.",
        "Is this your Range Rover?",
        "Stop and search, IC3 male, about 6 foot.",
        "Give me 10 minutes and we're done.",
        "[twists away from the officer] Don't touch me!",
        "Calm down, Don't make this worse.",
    ],
)
def test_leaves_ordinary_speech_alone(text) -> None:
    assert redact(text) == text, find_pii(text)


def test_faker_names_are_redacted_in_context() -> None:
    fake = Faker("en_GB")
    Faker.seed(1927)
    for _ in range(40):
        first, last = fake.first_name(), fake.last_name()
        text = f"Alright, my name is {first} {last} and I live here."
        out = redact(text)
        assert first not in out and last not in out, (text, out)


def test_find_pii_reports_spans_and_merges_overlaps() -> None:
    text = "Mr John Smith, 12 Smith Street"
    spans = find_pii(text)
    assert [(s.kind, s.text) for s in spans] == [("name", "John Smith"),
                                                 ("address", "12 Smith Street")]
    assert all(text[s.start:s.end] == s.text for s in spans)


def test_gazetteer_reads_fakers_lists() -> None:
    assert is_gazetteer_name("smith") and is_gazetteer_name("Begum")
    assert not is_gazetteer_name("search")


def test_scan_for_pii_finds_planted_items_however_spaced() -> None:
    output = "clip,text\nc1,Call 07700900123 about AB12CDE; ask for Sarah Begum at sw2 5rl\n"
    planted = ["07700 900123", "AB12 CDE", "Sarah Begum", "SW2 5RL", "Okonkwo", "Al"]
    assert scan_for_pii(output, planted) == ["07700 900123", "AB12 CDE", "Sarah Begum",
                                             "SW2 5RL"]
    assert scan_for_pii(redact("Call Sarah Begum on 07700 900123"), planted) == []
