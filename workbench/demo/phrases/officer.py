"""Officer moves in the middle of an encounter: procedural justice, escalation, de-escalation,
explanations, search narration, questions for the record, and answers to the subject.

``{formal}`` is "sir"/"madam"/"young man"…; ``{mate}`` the informal address; ``{him}``/``{his}``
the subject's pronouns.
"""

from __future__ import annotations

from workbench.demo.phrases import bank

# -- procedural justice ---------------------------------------------------------------------
INVITE_ACCOUNT = bank(
    "Is there anything you want to tell me about that? || pj_invites_account",
    "What's your side of it, then? || pj_invites_account",
    "Do you want to explain what you were doing? || pj_invites_account",
    "Fair enough. Tell me what's going on tonight. || pj_invites_account",
    "Anything you want to say before we start? || pj_invites_account",
    "Go on then, talk me through it. || pj_invites_account",
    "Where have you been this evening? || pj_invites_account",
    "Is there anything I should know, anything you want to tell me? || pj_invites_account",
)
COURTESY = bank(
    "Thank you, I appreciate that. || pj_courtesy",
    "Cheers, {mate}, thanks for being patient. || pj_courtesy",
    "Sorry to hold you up, {formal}. || pj_courtesy",
    "Thanks for your cooperation, honestly. || pj_courtesy",
    "Sorry about this, I know it's a pain. || pj_courtesy",
    "Thank you, that's really helpful. || pj_courtesy",
    "Appreciate you bearing with us. || pj_courtesy",
)
DISRESPECT = bank(
    "Yeah, course you were. Heard it all before. || pj_disrespect",
    "Don't be so dramatic. || pj_disrespect",
    "Nobody's interested in your speech, {mate}. || pj_disrespect",
    "Oh, here we go, the big man. || pj_disrespect",
    "Save the sob story. || pj_disrespect",
    "You lot are all the same. || pj_disrespect",
    "Do you think I was born yesterday? || pj_disrespect",
    "Stop being a child about it. || pj_disrespect",
)
SAFETY = bank(
    "There's been a lot of stabbings round here, we just want to make sure everyone's safe, "
    "you included. || pj_safety_motive",
    "Honestly, it's about keeping people safe. Too many young people getting hurt. "
    "|| pj_safety_motive",
    "We're not here to ruin your night, we just want to make sure no one gets hurt. "
    "|| pj_safety_motive",
    "It's for your safety as much as anyone's. || pj_safety_motive",
    "If someone round here's carrying a blade, I want to find it before someone gets hurt. "
    "|| pj_safety_motive",
    "We do this because we've lost too many kids on these streets. || pj_safety_motive",
)
DIGNITY = bank(
    "Do you want to step round the corner, away from everyone? || pj_protects_dignity",
    "Let's do this by the van, bit less public for you. || pj_protects_dignity",
    "I'll keep it quick so you're not stood here in front of everyone. || pj_protects_dignity",
    "We can go behind the car if you'd rather, out of the way of people. "
    "|| pj_protects_dignity",
    "I'm not going to go in your trousers or anything, it's just outer clothing. "
    "|| pj_protects_dignity",
    "If you'd rather, we can step into the doorway there, get you out of the public eye. "
    "|| pj_protects_dignity",
)
SOFT_REQUESTS = bank(
    "Could you just take your hands out of your pockets for me, please? "
    "|| esc_command=softened_request pj_courtesy",
    "Can you pop your bag down there for me? || esc_command=softened_request",
    "Would you mind just standing by the wall for me? || esc_command=softened_request",
    "If you could just empty your pockets onto the bonnet, please. "
    "|| esc_command=softened_request pj_courtesy",
    "Can I ask you to hold your arms out for me? || esc_command=softened_request",
    "Could you turn the music off for a sec, please? "
    "|| esc_command=softened_request pj_courtesy",
)

# -- escalation -----------------------------------------------------------------------------
BARE_ORDERS = bank(
    "Hands out of your pockets. || esc_command=bare_order",
    "Stand still. || esc_command=bare_order",
    "Turn round. Face the wall. || esc_command=bare_order",
    "Arms out. || esc_command=bare_order",
    "Put your phone away. || esc_command=bare_order",
    "Sit down on the wall. || esc_command=bare_order",
    "Give me the bag. || esc_command=bare_order",
    "Stop moving about. || esc_command=bare_order",
)
SHOUTED_ORDERS = bank(
    "I said take your hands out of your pockets! Now! || esc_command=repeated_or_shouted",
    "Stand still! Stand still! || esc_command=repeated_or_shouted",
    "Stop resisting! Stop! || esc_command=repeated_or_shouted",
    "Get back! Get back now! || esc_command=repeated_or_shouted",
    "Hands! Show me your hands! Now! || esc_command=repeated_or_shouted",
    "I'm not telling you again, stand still! || esc_command=repeated_or_shouted",
)
THREATS = bank(
    "Carry on like this and you'll be in handcuffs. || esc_threat",
    "Keep going and you're getting arrested. || esc_threat",
    "Do you want to get nicked? Because that's where this is going. || esc_threat",
    "If you don't calm down, you're going on the floor. || esc_threat",
    "Last chance, or you're coming with us. || esc_threat",
    "You'll end up in a cell tonight if you keep this up. || esc_threat",
    "Any more of that and I'll arrest you for obstruction. || esc_threat",
)
ACCUSATIONS = bank(
    "I know you've got something on you. || esc_accusation",
    "Stop lying to me. || esc_accusation",
    "Why are you so nervous if you've got nothing on you? || esc_accusation",
    "Come on, just tell me where it is. || esc_accusation",
    "You're lying, I can see it on your face. || esc_accusation",
)
ACCUSATIONS_BY_OBJECT: dict[str, tuple] = {
    "drugs": bank("You're dealing, aren't you? Just be honest. || esc_accusation",
                  "You've been smoking, I can smell it on you, don't tell me you haven't. "
                  "|| esc_accusation"),
    "weapon": bank("Come on, where's the knife? || esc_accusation",
                   "You're carrying, I know you are. || esc_accusation"),
    "stolen": bank("That's not your phone, is it? || esc_accusation",
                   "You nicked that bag, didn't you? || esc_accusation"),
    "theft_tools": bank("You were going to break into that car. || esc_accusation",
                        "You're out screwing houses, aren't you? || esc_accusation"),
}
RAISED_VOICE = bank(
    "Oi! Listen to me! || esc_hostility=raised_voice",
    "Don't talk to me like that! Are you listening? || esc_hostility=raised_voice",
    "Hey! I'm talking to you! || esc_hostility=raised_voice",
    "Look at me when I'm talking to you! || esc_hostility=raised_voice",
)
SWEARING = bank(
    "Stop pissing about and take your hands out. || esc_hostility=swearing",
    "Don't be a dickhead, just stand still. || esc_hostility=swearing",
    "I don't give a shit, you're being searched. || esc_hostility=swearing",
    "Bloody hell, just do what you're told. || esc_hostility=swearing",
)
CROWDING = bank(
    "[steps in close, face to face] What did you say? || esc_hostility=crowding_in",
    "[moves right up to {him}] Say that again. || esc_hostility=crowding_in",
    "[officers close in around {him}] Back against the wall. || esc_hostility=crowding_in",
    "[leans in close] You're not going anywhere. || esc_hostility=crowding_in",
)

# -- de-escalation --------------------------------------------------------------------------
CALM_AFTER_PROVOCATION = bank(
    "That's alright, you can be annoyed. I'm not here to have a row with you. "
    "|| deesc_calm_after_provocation",
    "I hear you. I'm not going to shout back at you, let's just get this done. "
    "|| deesc_calm_after_provocation",
    "You're entitled to your opinion, {mate}. I'm still going to explain what's happening. "
    "|| deesc_calm_after_provocation",
    "Fair enough, I get it. I'm not taking it personally. || deesc_calm_after_provocation",
    "OK. I'm staying calm, you stay calm, and we'll be done quicker. "
    "|| deesc_calm_after_provocation",
)
HUMANISES = bank(
    "Where'd you get those trainers? They're clean. || deesc_humanises",
    "Did you watch the match last night? Shocking, wasn't it? || deesc_humanises",
    "What are you studying at college, then? || deesc_humanises",
    "You been working today? What do you do? || deesc_humanises",
    "I grew up not far from here, actually. || deesc_humanises",
    "Cold one tonight, isn't it? You not freezing in that? || deesc_humanises",
    "Is that an Arsenal badge? Don't worry, I won't hold it against you. || deesc_humanises",
)
EMPATHY = bank(
    "I get it, it's embarrassing being searched in the street. || deesc_empathy",
    "I can see you're frustrated, and that's understandable. || deesc_empathy",
    "I know this isn't how you wanted your evening to go. || deesc_empathy",
    "I can see you're shaken up. That's completely normal. || deesc_empathy",
    "Honestly, if I was in your shoes I'd be annoyed too. || deesc_empathy",
    "I know you've been stopped before and it feels like it's always you. I hear that. "
    "|| deesc_empathy",
)
REASSURANCE = bank(
    "You're not under arrest. This'll take five minutes, then you're on your way. "
    "|| deesc_reassurance",
    "Once we're done, you're free to go. || deesc_reassurance",
    "Nothing's going to happen to you, we just need to do the search. || deesc_reassurance",
    "It's just a quick check, then you can get off. || deesc_reassurance",
    "Shouldn't take long at all, I promise. || deesc_reassurance",
    "If there's nothing on you, that's the end of it. || deesc_reassurance",
)
OPTIONS = bank(
    "Do you want to do it here or by the car? || deesc_offers_options",
    "You can ring your mum while we do this, if you want. || deesc_offers_options",
    "Would you rather empty your pockets yourself? || deesc_offers_options",
    "You can film on your phone if you like, that's fine. || deesc_offers_options",
    "Do you want to take your jacket off, or shall I just pat it down? "
    "|| deesc_offers_options",
    "Do you want your friend to stay with you while we do this? || deesc_offers_options",
)
SPACE = bank(
    "I'm going to step back a bit, give you some room. || deesc_creates_space",
    "[to colleague] Give {him} a bit of space, yeah? || deesc_creates_space",
    "Let's all take a breath. I'm stepping back. || deesc_creates_space",
    "[steps back] Take a second. No rush. || deesc_creates_space",
    "[to colleagues] You can hang back, I've got this. || deesc_creates_space",
    "Let's just slow down for a minute. || deesc_creates_space",
)

# -- explanations, search, record ------------------------------------------------------------
#: Explanations of an action, before the search and during it.
EXPLAIN_BEFORE = bank(
    "I'm going to do a quick check on our system, just to confirm who you are. "
    "|| pj_explains_action",
    "I'm asking you to keep your hands out because I need to know you're not holding anything. "
    "|| pj_explains_action",
    "My colleague's going to stand there, that's just for safety, nothing else. "
    "|| pj_explains_action",
    "I'm going to search you, and I'll tell you what I'm doing as I go. || pj_explains_action",
    "I'm going to ask you a few questions first, then we'll do the search. "
    "|| pj_explains_action",
    "Once I've searched you, I'll write it up and you'll get a record. || pj_explains_action",
)
EXPLAIN_SEARCH = bank(
    "I'm just going to pat down your jacket now, outside of your clothing. || pj_explains_action",
    "I'm checking your waistband because that's where people tend to keep things. "
    "|| pj_explains_action",
    "I'm going to look in your bag now, and I'll put everything back. || pj_explains_action",
    "I'm just going to feel around your pockets, I'll tell you before I go in them. "
    "|| pj_explains_action",
    "I'm going to check your shoes as well, people sometimes hide stuff in there. "
    "|| pj_explains_action",
    "I'm going to check your hat, then the pockets of your jacket. || pj_explains_action",
    "I'm going to go through your jacket first, then your trouser pockets. "
    "|| pj_explains_action",
)
EXPLAIN_AFTER = bank(
    "I'm writing this up now so you get a record of what happened. || pj_explains_action",
    "I'm just putting the details on the system, it takes a minute. || pj_explains_action",
    "I'm going to give you the receipt now, it's got the reference number on it. "
    "|| pj_explains_action",
    "I'm going to note down what we found and what happens next. || pj_explains_action",
)
SEARCH_START = bank(
    "Right, I'm going to start the search now. Arms out for me, please. "
    "|| evt_search_begins esc_command=softened_request pj_courtesy",
    "OK, I'm starting the search now. || evt_search_begins",
    "Arms out. I'm searching you now. || evt_search_begins esc_command=bare_order",
    "Right, let's get this done. I'll start with your jacket. || evt_search_begins",
    "Starting the search now, {mate}. Can you lift your arms up? "
    "|| evt_search_begins esc_command=softened_request",
)
SEARCH_NARRATION = bank(
    "Anything sharp in your pockets? Anything that's going to hurt me?",
    "What's this in here?",
    "Just your keys, yeah? OK.",
    "Lift your foot up for me. || esc_command=softened_request",
    "Right, jacket's done. Now your trouser pockets.",
    "Whose is this phone?",
    "OK, nothing in that one.",
    "Turn round for me. || esc_command=softened_request",
    "What's in the bag, then?",
)
ASK = {
    "name": bank("What's your name?", "Can I take your name, please? It's for the record. "
                 "|| pj_courtesy", "What's your full name, {mate}?"),
    "dob": bank("And your date of birth?", "Date of birth?", "When were you born?"),
    "address": bank("What's your address?", "Where do you live?",
                    "And your home address, please? || pj_courtesy"),
    "phone": bank("Have you got a contact number?", "Is there a number we can get you on?"),
}
RADIO_PERSON = bank(
    "[on radio] Control from {number}, can I get a PNC check on {name}, born {dob}?",
    "[on radio] Can I get a person check, please, {name}, date of birth {dob}?",
)
RADIO_VEHICLE = bank(
    "[on radio] Control, can I get a vehicle check on {reg}, please?",
    "[on radio] Can you run a PNC on a vehicle for me, index {reg}?",
)
COLLEAGUE_CHATTER = bank(
    "I'll keep an eye on the bike.", "Control's come back, nothing on {him}.",
    "[on radio] Yeah, all fine here, just finishing up.", "Do you want me to do the form?",
    "I'll stand over here.", "You alright there?",
)
BYSTANDER_RESPONSES = bank(
    "Can you step back, please? Thank you. || esc_command=softened_request pj_courtesy",
    "You're welcome to film, just give us a bit of room, please. "
    "|| esc_command=softened_request pj_courtesy",
    "Stand back! || esc_command=bare_order",
    "This has got nothing to do with you. Move back. || esc_command=bare_order",
)
