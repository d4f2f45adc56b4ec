"""GOWISELY: what an officer must tell a person searched (PACE Code A, para 3.8).

Each element has ``clear`` and ``partial`` wordings; the clip codes ``gow_*`` are the best
wording the recording holds. Identity and station are separate turns (one
``legal_explanation`` value per turn); ``gow_identity`` is clear only when both are given.
"""

from __future__ import annotations

from workbench.demo.phrases import bank

IDENTITY = bank(
    "I'm {rank} {surname}, my shoulder number is {number}. || legal_explanation=identity",
    "My name's {rank} {surname}, {number}. || legal_explanation=identity",
    "So I'm {rank} {surname}. Collar number {number}. || legal_explanation=identity",
    "For your information, I'm {rank} {surname}, {number}. || legal_explanation=identity",
    "I'm {rank} {surname}, that's {number} on my shoulder there. || legal_explanation=identity",
    "Right, I'm {rank} {surname}, number {number}. || legal_explanation=identity",
)
STATION = bank(
    "We're based at {station} police station. || legal_explanation=station",
    "I work out of {station}. || legal_explanation=station",
    "We're from {station} nick. || legal_explanation=station",
    "We're both based at {station}. || legal_explanation=station",
    "We work out of {station} police station, just up the road. || legal_explanation=station",
)
OBJECT_CLEAR: dict[str, tuple] = {
    "drugs": bank(
        "I'm searching you for controlled drugs. || legal_explanation=object",
        "What I'm looking for is drugs, cannabis or any other controlled drug. "
        "|| legal_explanation=object",
        "The object of the search is drugs. || legal_explanation=object",
        "So I'm looking for drugs, anything like cannabis, coke, that sort of thing. "
        "|| legal_explanation=object",
    ),
    "weapon": bank(
        "I'm looking for any weapons, knives, anything sharp, anything you could hurt someone "
        "with. || legal_explanation=object",
        "The object of the search is offensive weapons, so knives, blades. "
        "|| legal_explanation=object",
        "What I'm searching for is a knife or any other weapon. || legal_explanation=object",
    ),
    "stolen": bank(
        "I'm searching you for stolen property, specifically mobile phones. "
        "|| legal_explanation=object",
        "What I'm looking for is stolen items, phones, bags, that kind of thing. "
        "|| legal_explanation=object",
    ),
    "theft_tools": bank(
        "I'm looking for anything you could use to break into cars or houses, tools, "
        "screwdrivers, gloves. || legal_explanation=object",
        "The object is articles for use in theft, so tools, that sort of thing. "
        "|| legal_explanation=object",
    ),
}
OBJECT_PARTIAL = bank(
    "We're just looking for anything you shouldn't have. || legal_explanation=object",
    "I'm just checking you haven't got anything on you. || legal_explanation=object",
    "Just making sure there's nothing dodgy on you. || legal_explanation=object",
    "Just want to see what you've got on you. || legal_explanation=object",
)
POWER_CLEAR: dict[str, tuple] = {
    "s23": bank(
        "I'm searching you under section 23 of the Misuse of Drugs Act. "
        "|| legal_explanation=legal_power",
        "This search is under section 23 of the Misuse of Drugs Act 1971. "
        "|| legal_explanation=legal_power",
        "The power I'm using is section 23, Misuse of Drugs Act. "
        "|| legal_explanation=legal_power",
    ),
    "s1": bank(
        "I'm searching you under section 1 of PACE, the Police and Criminal Evidence Act. "
        "|| legal_explanation=legal_power",
        "The power I'm using is section 1 of the Police and Criminal Evidence Act. "
        "|| legal_explanation=legal_power",
    ),
    "s60": bank(
        "There's a section 60 authorisation in force in this area tonight, under the Criminal "
        "Justice and Public Order Act, so I can search you for weapons without suspicion. "
        "|| legal_explanation=legal_power",
        "A section 60 has been authorised by a senior officer for this area because of recent "
        "violence, so we can search people for weapons. || legal_explanation=legal_power",
    ),
}
POWER_PARTIAL: dict[str, tuple] = {
    "s23": bank("It's under the drugs act. || legal_explanation=legal_power",
                "It's a drugs search, under the law. || legal_explanation=legal_power"),
    "s1": bank("It's under PACE. || legal_explanation=legal_power",
               "I've got the power to search you under PACE. || legal_explanation=legal_power"),
    "s60": bank("There's a section 60 on. || legal_explanation=legal_power",
                "We've got a section 60 running. || legal_explanation=legal_power"),
}
DETAINED_CLEAR = bank(
    "You're detained for the purpose of a search. || legal_explanation=detained",
    "So you are now detained for the purposes of a search. || legal_explanation=detained",
    "At the moment you're detained for a search, so you're not free to leave until it's done. "
    "|| legal_explanation=detained",
    "Just so you understand, you are detained for the purpose of a search. "
    "|| legal_explanation=detained",
)
DETAINED_PARTIAL = bank(
    "You're not free to go just yet. || legal_explanation=detained",
    "You need to stay here while we do this. || legal_explanation=detained",
    "You're not going anywhere till this is done. || legal_explanation=detained",
)
ENTITLEMENT_CLEAR = bank(
    "You're entitled to a copy of the search record. You can get it from any police station "
    "within three months. || legal_explanation=entitlement",
    "At the end I'll give you a receipt with a reference number, and you're entitled to the "
    "full record from the station within three months. || legal_explanation=entitlement",
    "You're entitled to a copy of this record, I can give you the reference now. "
    "|| legal_explanation=entitlement",
)
#: Clear entitlement offering the record by e-mail (the subject may give an address).
ENTITLEMENT_EMAIL = bank(
    "You're entitled to a copy of the search record. I can email it to you, what's your email "
    "address? || legal_explanation=entitlement",
    "You're entitled to a copy of this record. Do you want it emailed to you? "
    "|| legal_explanation=entitlement",
)
ENTITLEMENT_PARTIAL = bank(
    "You'll get a bit of paper at the end. || legal_explanation=entitlement",
    "There's a receipt you can have after. || legal_explanation=entitlement",
    "You can get a copy of this if you want. || legal_explanation=entitlement",
)
