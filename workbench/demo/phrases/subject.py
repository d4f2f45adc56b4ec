"""The subject's turns by resistance level and participation, plus bystanders' interjections.

Resistance (``subj_resistance``) is never inferred from participation: questions, challenges
and rights requests can come at any level (the codebook rule).
"""

from __future__ import annotations

from workbench.demo.phrases import bank

ACKS = bank("Yeah, OK.", "Fine.", "Alright.", "Go on then.", "Yeah, no worries.",
            "OK, whatever.", "Yeah, yeah, fine.", "Mm-hm.", "Sure.", "That's fine.",
            "Yeah.", "No, that's fine.")
CALMING = bank("OK, OK. Sorry. I'm calm.", "Alright, fine, I'll do it.",
               "Yeah, alright. Sorry, I'm just stressed.", "OK. OK. Go on.",
               "Fine. Just get it done.")
ACCOUNTS = bank(
    "I'm just going home, I live round the corner. || subj_participation=account",
    "I've just come from my mate's house. || subj_participation=account",
    "I was at the gym, I'm going to get the bus. || subj_participation=account",
    "I'm waiting for my girlfriend, she's in the shop. || subj_participation=account",
    "I've just finished work, I work at the Tesco up the road. || subj_participation=account",
    "I'm going to my nan's. || subj_participation=account",
    "I was at football training. || subj_participation=account",
)
ACCOUNTS_BY_OBJECT: dict[str, tuple] = {
    "drugs": bank("I don't even smoke, that smell's from my mates. || subj_participation=account",
                  "I was at a party, people were smoking there, not me. "
                  "|| subj_participation=account"),
    "weapon": bank("I haven't got anything, I'm not like that. || subj_participation=account",),
    "stolen": bank("That's my phone, I've got the box at home. || subj_participation=account",),
    "theft_tools": bank("I'm a plumber, them tools are for work. || subj_participation=account",),
}
#: Question type → wordings (the officer's answer depends on the type).
QUESTIONS: dict[str, tuple] = {
    "why": bank("Why are you stopping me? || subj_participation=question",
                "What's this for? || subj_participation=question",
                "What have I done? || subj_participation=question"),
    "length": bank("How long's this going to take? || subj_participation=question",
                   "Is this going to take long? I've got to be somewhere. "
                   "|| subj_participation=question"),
    "who": bank("What's your name, then? || subj_participation=question",
                "Who are you, anyway? || subj_participation=question"),
    "arrested": bank("Am I under arrest? || subj_participation=question",
                     "Am I being arrested? || subj_participation=question"),
    "looking_for": bank("What are you even looking for? || subj_participation=question",
                        "What do you think I've got? || subj_participation=question"),
    "leave": bank("Can I go now? || subj_participation=question",
                  "Am I free to go? || subj_participation=question"),
}
RIGHTS: dict[str, tuple] = {
    "record": bank("Can I get a copy of that form? || subj_participation=rights_request",
                   "I want a copy of the search record. || subj_participation=rights_request"),
    "number": bank("I want your badge number. || subj_participation=rights_request",
                   "What's your shoulder number? || subj_participation=rights_request"),
    "film": bank("I'm recording this, yeah? I'm allowed to. "
                 "|| subj_participation=rights_request",),
    "call": bank("Can I ring my mum? || subj_participation=rights_request",
                 "I want to call my dad. || subj_participation=rights_request"),
    "solicitor": bank("I want a solicitor. || subj_participation=rights_request",),
}
CHALLENGES = bank(
    "This is harassment, man. || subj_participation=challenge",
    "You lot always do this. || subj_participation=challenge",
    "You've got no reason to search me. || subj_participation=challenge",
    "This is the third time this month. || subj_participation=challenge",
    "Why don't you go and catch real criminals? || subj_participation=challenge",
    "That's not a proper reason. || subj_participation=challenge",
    "You only stopped me because of how I look. || subj_participation=challenge",
)
CHALLENGE_RACE = bank("You only stopped me because I'm Black. || subj_participation=challenge",)

RESISTANCE: dict[int, tuple] = {
    1: bank("No, I'm not doing that.", "Nah, you're not searching me.",
            "I'm not emptying my pockets.", "No. I know my rights, I don't have to.",
            "I'm not taking my hands out.", "Nah, I'm not giving you nothing.",
            "No, I'm not standing over there."),
    2: bank("[stands still, keeps hands in pockets]", "[doesn't move, stares at the officer]",
            "I'm not moving. [stays where {he} is]",
            "[sits down on the kerb and refuses to get up]",
            "[turns away and won't respond]",
            "[keeps hands clenched in pockets] I'm not doing it."),
    3: bank("[pulls arm away] Get off me!", "[tries to walk off] I'm going, man.",
            "[twists away from the officer] Don't touch me!",
            "[pushes the officer's hand away]",
            "[tenses up and pulls away] Get your hands off me!"),
    4: bank("[pushes the officer in the chest]", "[swings an elbow at the officer]",
            "[kicks out at the officer]", "[lashes out with a fist]",
            "[spits at the officer]"),
}
DISRESPECT = bank("You're a joke, bruv. || subj_disrespect", "Piss off. || subj_disrespect",
                  "You're pathetic. || subj_disrespect", "Fucking pigs, man. || subj_disrespect",
                  "Get a real job. || subj_disrespect", "You're a mug. || subj_disrespect",
                  "Shut up, man. || subj_disrespect")
DISTRESS = bank("I'm shaking, man, I've got anxiety. || subj_distress",
                "Please, my mum's going to kill me. || subj_distress",
                "[crying] I haven't done anything. || subj_distress",
                "I can't breathe properly, I'm panicking. || subj_distress",
                "I'm scared, I've never been stopped before. || subj_distress",
                "Please, I've got college tomorrow. || subj_distress")
SEARCH_REPLIES = bank("It's just my keys.", "That's my phone.", "Nothing sharp, no.",
                      "That's my inhaler.", "It's my lunch money.", "It's my bank card, innit.",
                      "Just a lighter.")
PII_ANSWERS = {
    "name": bank("{name}.", "It's {name}.", "My name's {name}."),
    "dob": bank("{dob_spoken}.", "{dob}.", "It's the {dob_spoken}."),
    "address": bank("{address}, {postcode}.", "I live at {address}, {postcode}.",
                    "It's {address}. {postcode}."),
    "phone": bank("It's {phone}.", "{phone}."),
    "email": bank("Yeah, it's {email}.", "Send it to {email}."),
}
PII_REFUSALS = bank("I'm not giving you my name.", "Why do you need that? I'm not telling you.")
FIND_REPLIES: dict[str, tuple] = {
    "drugs": bank("It's just a bit of weed, man. For personal.",
                  "That's not mine, I'm holding it for a mate."),
    "weapon": bank("It's for protection, man, people are after me.", "That's for work."),
    "stolen": bank("I found it, innit.", "My mate gave me that."),
    "theft_tools": bank("It's for work, I swear.", "They're my dad's tools."),
}
ARREST_REPLIES = bank("What? This is a joke.", "Fine.", "[says nothing]",
                      "Are you serious? For that?")
CLOSING_REPLIES = bank("Whatever.", "Yeah, cheers.", "Finally.", "Thanks.", "OK. Bye.")

BYSTANDER = bank("{He_} ain't done nothing!", "I'm filming this, yeah?",
                 "Why are there so many of you for one kid?", "Leave {him} alone, man!",
                 "That's my cousin, what's going on?",
                 "Are you alright? Do you want me to call your mum?",
                 "You lot are always harassing people round here.", "Is {he} under arrest?")
