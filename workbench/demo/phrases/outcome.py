"""End of the encounter: handcuffs and force, what was found, the disposal, answers to the
subject's questions, and closings.

The arrest wording carries the police caution (PACE Code C, para 10.5).
"""

from __future__ import annotations

from workbench.demo.phrases import bank

CUFFS_COMPLIANT = bank(
    "I'm going to pop you in handcuffs while we do the search, just for everyone's safety. "
    "Hands behind your back for me. || evt_handcuffs pj_safety_motive "
    "esc_command=softened_request",
    "I'm putting you in handcuffs now. Turn round, hands behind your back. "
    "|| evt_handcuffs esc_command=bare_order",
    "You're going in cuffs, just while we sort this out. They're not too tight, are they? "
    "|| evt_handcuffs",
)
CUFFS_NON_COMPLIANT = bank(
    "Right, that's it, you're going in handcuffs. Hands behind your back! "
    "|| evt_handcuffs esc_command=repeated_or_shouted",
    "Give me your hand! Give me your hand! You're being handcuffed! "
    "|| evt_handcuffs esc_command=repeated_or_shouted",
    "[grabs wrist] Handcuffs, now. Stop pulling away! "
    "|| evt_handcuffs esc_command=repeated_or_shouted",
)
CUFFS_OFF = bank("I'm taking the handcuffs off now.", "Right, let's get those cuffs off you.")
#: Force level → the transcriber's note of it on an officer turn.
FORCE = {
    "guiding_holds": bank("[takes hold of {his} arm] Come over here with me.",
                          "[guides {him} to the wall by the elbow]"),
    "restraint": bank("[both officers pin {him} against the wall] Stop resisting! "
                      "|| esc_command=repeated_or_shouted",
                      "[{he} is taken to the ground] Stay down! Stay down! "
                      "|| esc_command=repeated_or_shouted"),
    "unarmed_strikes": bank("[officer delivers a distraction strike to {his} thigh] Stop! "
                            "|| esc_command=repeated_or_shouted",),
    "weapon_drawn": bank("[draws Taser] Taser! Taser! Stop now or you will be Tasered! "
                         "|| esc_threat esc_command=repeated_or_shouted",),
    "weapon_used": bank("[Taser discharged] Taser, Taser! || esc_command=repeated_or_shouted",),
}
FIND_ASK = bank("What's this in your pocket?", "Hang on. What's this, then?",
                "What have we got here?")
ITEMS: dict[str, tuple[str, ...]] = {
    "drugs": ("a bag of what looks like cannabis", "a small amount of cannabis, by the look of it",
              "three wraps of what looks like crack cocaine", "a grinder and some cannabis"),
    "weapon": ("a lock knife", "a kitchen knife, about six inches", "a knuckleduster",
               "a folding knife"),
    "stolen": ("two phones that aren't yours", "a purse with someone else's cards in it"),
    "theft_tools": ("a screwdriver and a pair of gloves", "a set of bolt croppers"),
}
#: What an "other item" is, by the object sought.
OTHER_ITEMS: dict[str, str] = {"drugs": "a small folding knife", "weapon": "a bit of cannabis",
                               "stolen": "a bit of cannabis", "theft_tools": "a bit of cannabis"}
FIND_NAME = bank("So that's {item}.", "Right, that's {item}.", "OK, so we've found {item}.")
NOTHING_FOUND = bank("Right, that's the search done. There's nothing on you.",
                     "OK, nothing found.", "That's it, you're all clear.",
                     "Right, nothing on you. That's the search finished.")
OFFENCES: dict[str, str] = {
    "drugs": "possession of a controlled drug", "weapon": "possession of a bladed article",
    "stolen": "handling stolen goods", "theft_tools": "going equipped for theft",
    "assault": "assaulting an emergency worker",
    "obstruction": "obstructing a police officer in the execution of their duty",
}
ARREST = bank(
    "I'm arresting you on suspicion of {offence}. You do not have to say anything. But it may "
    "harm your defence if you do not mention when questioned something which you later rely on "
    "in court. Anything you do say may be given in evidence.",
    "Right, you're under arrest on suspicion of {offence}. You do not have to say anything, but "
    "it may harm your defence if you do not mention when questioned something which you later "
    "rely on in court. Anything you do say may be given in evidence.",
)
DISPOSALS: dict[str, tuple] = {
    "nfa": bank("So there's no further action. You're free to go.",
                "That's the end of it, you're free to go.",
                "No further action, you can be on your way."),
    "community_resolution": bank(
        "Because it's a small amount and you've been honest, I'm going to deal with this by way "
        "of a community resolution.",
        "I'm going to deal with it with a community resolution, so no court."),
    "drugs_warning": bank(
        "I'm going to give you a cannabis warning. It's not a conviction, but it's recorded.",
        "This time it's a cannabis warning. Don't let me catch you with it again."),
    "penalty_notice": bank(
        "I'm issuing you a penalty notice for this. You've got twenty-one days to pay it.",),
    "summons": bank(
        "You'll be reported for the offence and you may get a summons to court in the post.",),
    "other": bank("We're going to refer this to the youth offending team, they'll be in touch.",
                  "I'm seizing this and a colleague will be in touch about what happens next."),
}
CLOSINGS = bank("Thanks for your patience, have a good night. || pj_courtesy",
                "Right, that's you. Off you go.",
                "Take care, {mate}. Get home safe. || pj_courtesy",
                "Cheers for bearing with us. || pj_courtesy", "OK, you can go.")

#: Answers to the subject's questions and requests (type → wordings) when no GOWISELY line
#: answers them: "why"/"who"/"number"/"looking_for"/"record"/"arrested" are answered with the
#: matching GOWISELY line when it is still due (identity always is, when asked).
ANSWERS: dict[str, tuple] = {
    "why": bank("Like I said, it's the grounds I gave you.", "I've told you why, {mate}."),
    "length": bank("Five minutes, tops, then you're on your way. || deesc_reassurance",
                   "Not long, few minutes. || deesc_reassurance"),
    "who": bank("We're police officers from the local team.",),
    "arrested": bank("No, you're not under arrest. || deesc_reassurance",),
    "looking_for": bank("Like I said, what I told you before.",),
    "leave": bank("Not yet, sorry. Once we're done you can go. || deesc_reassurance",),
    "record": bank("We'll sort all that out at the end.",),
    "number": bank("Like I said, it's on my shoulder there.",),
    "film": bank("Yeah, film away, that's your right. || deesc_offers_options",),
    "call": bank("Yeah, ring your mum, no problem. || deesc_offers_options",),
    "solicitor": bank("You're not under arrest, so you don't need one for this, but you can "
                      "call one if you want.",),
}
NON_ANSWERS = bank("Don't worry about that.", "Not now.", "We'll get to that.")
TALK_OVER = bank("Listen- listen to me-", "Yeah, yeah, whatever-", "No, no, stop talking-",
                 "Hang on, hang on-")
