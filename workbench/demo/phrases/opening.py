"""Approach: the officer's opening move, the camera notice, and the grounds clauses.

Grounds clauses are lower-case fragments slotted into a lead (``"The reason I've stopped you
is {grounds}."``); their quality is the ``gow_grounds`` scale: ``label_only`` names grounds
without content, ``generic`` is about the area or the time, ``specific`` is about this person.
"""

from __future__ import annotations

from workbench.demo.phrases import bank

# -- opening moves (first officer turn) ----------------------------------------------------
REASON_LEADS = bank(
    "Hi there, the reason I've stopped you is {grounds}. || legal_explanation=grounds",
    "Alright, {mate}, I'll tell you straight away why we've stopped you: {grounds}. "
    "|| legal_explanation=grounds",
    "Excuse me, {formal}, the reason we're speaking to you is {grounds}. "
    "|| legal_explanation=grounds",
    "Hiya, just so you know why I'm talking to you, {grounds}. || legal_explanation=grounds",
    "Sorry to stop you, {formal}. Reason is, {grounds}. || legal_explanation=grounds",
    "Evening. I'm stopping you because {grounds}. || legal_explanation=grounds",
    "Hold on a sec, {mate}. Basically {grounds}, so that's why I've come over. "
    "|| legal_explanation=grounds",
    "Hello, erm, the reason I've pulled you up is {grounds}. || legal_explanation=grounds",
)
#: Opening with a reason under s60, where the reason is the authorisation, not grounds.
REASON_S60 = bank(
    "Evening, {formal}. Just so you know, there's a section 60 authorisation in force in this "
    "area tonight, so we're stopping people and searching for weapons. "
    "|| legal_explanation=legal_power",
    "Hi, the reason I've stopped you is there's a section 60 in place round here after the "
    "stabbing last night, so we can search for weapons. || legal_explanation=legal_power",
)
GREETINGS = bank(
    "Good evening, {formal}, how are you doing? || pj_courtesy",
    "Hiya, you alright? Can I have a quick word? || pj_courtesy",
    "Afternoon, {formal}. Sorry to bother you, have you got a minute? || pj_courtesy",
    "Hello there, how's it going? || pj_courtesy",
    "Morning. You alright, {mate}? Just want a quick chat, if that's OK. || pj_courtesy",
    "Hi, sorry to stop you, are you OK? || pj_courtesy",
    "Evening, {formal}. Thanks for stopping, I appreciate it. || pj_courtesy",
    "Hello, {formal}, I'm {rank} {surname}, shoulder number {number}. Have you got a minute? "
    "|| pj_courtesy legal_explanation=identity",
    "Evening, how are you doing? My name's {rank} {surname}, {number}, can I have a word? "
    "|| pj_courtesy legal_explanation=identity",
)
QUESTIONS = bank(
    "Where are you off to tonight? || pj_invites_account",
    "Alright, {mate}, where are you coming from? || pj_invites_account",
    "What are you up to round here? || pj_invites_account",
    "Do you live round here? What brings you this way? || pj_invites_account",
    "Everything alright? What are you doing hanging about here? || pj_invites_account",
    "Where have you just come from? || pj_invites_account",
    "Can you tell me what you're doing in this car park? || pj_invites_account",
    "Hello, what's going on here, then? || pj_invites_account",
    "You alright? Whereabouts are you heading? || pj_invites_account",
)
COMMANDS = bank(
    "Stop there. || esc_command=bare_order",
    "Hands out of your pockets. || esc_command=bare_order",
    "Stand still for me. Hands where I can see them. || esc_command=bare_order",
    "Come here. Stop. || esc_command=bare_order",
    "Wait there. Don't move. || esc_command=bare_order",
    "Oi, stop. Take your hands out of your pockets. || esc_command=bare_order",
    "Put the bag down. || esc_command=bare_order",
    "Stay on the bike, don't go anywhere. || esc_command=bare_order",
    "Stop walking. Turn round. || esc_command=bare_order",
    "Stop! Stop right there! Hands! || esc_command=repeated_or_shouted",
    "Get your hands out of your pockets! Now! Now! || esc_command=repeated_or_shouted",
    "Don't move! Don't move! Stay where you are! || esc_command=repeated_or_shouted",
)
ACCUSATIONS = bank(
    "What have you just thrown in the bush? || esc_accusation",
    "What did you just put down your trousers? || esc_accusation",
    "You've got something on you, haven't you? || esc_accusation",
    "I saw that. What did you just pass him? || esc_accusation",
    "Don't bother lying, I know you're carrying. || esc_accusation",
    "What you got in your pocket, then? Drugs? || esc_accusation",
    "You lot are dealing round here, aren't you? || esc_accusation",
    "Right, what have you just stashed? || esc_accusation",
)

# -- camera notices ------------------------------------------------------------------------
CAMERA_NOTICES = bank(
    "Just so you know, I'm recording you on body-worn video. || pj_explains_action",
    "I'll let you know this is being recorded on my body-worn camera. || pj_explains_action",
    "Everything's being recorded on my camera, yeah? That's for your protection as well as "
    "mine. || pj_explains_action",
    "My camera's on, so everything we say is being recorded. || pj_explains_action",
    "Just to make you aware, I'm wearing a body-worn camera and it's recording. "
    "|| pj_explains_action",
)
#: When the camera was switched on after first contact (the recording starts here).
LATE_CAMERA_NOTICES = bank(
    "Just to say, I've switched my camera on now, so this is being recorded. "
    "|| pj_explains_action",
    "I've just turned my body-worn camera on, so from now everything's recorded. "
    "|| pj_explains_action",
    "Camera's on now, yeah? Just so you know, you're being recorded. || pj_explains_action",
)

#: After a late camera start, an officer who opened with the reason says it again.
RESTATED_GROUNDS = bank(
    "So, as I was saying, {grounds}. || legal_explanation=grounds",
    "Just so it's on camera, the reason I stopped you is {grounds}. "
    "|| legal_explanation=grounds",
)

# -- grounds: leads for a turn of its own, and clauses by quality and object ---------------
GROUNDS_LEADS = bank(
    "The grounds for the search: {grounds}. || legal_explanation=grounds",
    "So the reason I'm searching you is {grounds}. || legal_explanation=grounds",
    "Let me explain why. {grounds_cap}. || legal_explanation=grounds",
    "Basically, {grounds}. || legal_explanation=grounds",
    "Reason I'm doing this is {grounds}. || legal_explanation=grounds",
    "OK, so my grounds are, {grounds}. || legal_explanation=grounds",
)
GROUNDS_LABEL_ONLY = (
    "we've got reasonable grounds to search you",
    "it's intelligence-led, that's all I can say",
    "you match a description we've been given",
    "your behaviour's given us grounds",
    "we've had information",
    "it's based on intelligence",
    "you've been acting suspicious",
    "we've got grounds, basically",
)
GROUNDS_GENERIC: dict[str, tuple[str, ...]] = {
    "drugs": (
        "there's a really strong smell of cannabis round here",
        "this area's known for drug dealing and we're doing patrols",
        "we've had loads of complaints about people dealing on this estate",
        "you're hanging about in a known drug spot",
        "there's been a lot of drug activity by the station lately",
    ),
    "weapon": (
        "there's been a lot of knife crime in this area recently",
        "there was a stabbing round here last week and we're patrolling",
        "this is a hotspot for weapons at the moment",
        "we've had reports of young people carrying knives round here",
    ),
    "stolen": (
        "there have been a lot of phone snatches round here",
        "we've had a spate of thefts from cars on this road",
        "there have been moped thefts all over the area",
    ),
    "theft_tools": (
        "there's been a run of burglaries on this street",
        "we've had a lot of bike thefts round here lately",
        "there have been break-ins on the estate this week",
    ),
}
GROUNDS_SPECIFIC: dict[str, tuple[str, ...]] = {
    "drugs": (
        "I could smell cannabis coming off you as you walked past us just now",
        "I saw you hand something small to that lad on {street} and take cash back",
        "when you saw the police car you put your hand down your waistband and turned away",
        "my colleague saw you pass a small bag over the wall, and you smell strongly of cannabis",
        "you've got a grinder poking out of your jacket pocket, and you smell of cannabis",
    ),
    "weapon": (
        "a member of the public told us a man in a {clothing} had a knife, you match that, "
        "and you keep touching your waistband",
        "you were holding the right side of your jacket like there's something heavy in it",
        "when you saw us you turned round, walked off quickly and kept holding your pocket",
        "CCTV saw you pass something that looked like a blade to your mate on {street}",
    ),
    "stolen": (
        "you match the description of someone who snatched a phone on {street} ten minutes "
        "ago, {clothing}, on a bike",
        "I saw you trying car door handles down this road",
        "you were seen on CCTV taking a bag from the bus stop on {street}",
    ),
    "theft_tools": (
        "I watched you look into three back gardens and try a side gate",
        "you've got a screwdriver sticking out of your pocket and you were checking car doors",
        "you were seen trying bike locks outside the station with something in your hand",
    ),
}
CLOTHING = ("grey tracksuit", "black puffer jacket", "blue hoodie", "green bomber jacket",
            "black tracksuit and white trainers", "red puffer jacket")
#: Streets by borough for the specific grounds; a generic one elsewhere.
STREETS: dict[str, tuple[str, ...]] = {
    "Lambeth": ("Brixton Road", "Coldharbour Lane", "Acre Lane"),
    "Southwark": ("Rye Lane", "the Walworth Road", "Old Kent Road"),
    "Hackney": ("Kingsland Road", "Mare Street", "Dalston Lane"),
    "Haringey": ("Tottenham High Road", "West Green Road"),
    "Newham": ("Green Street", "the Broadway", "Barking Road"),
    "Westminster": ("Edgware Road", "Harrow Road", "Church Street"),
    "Tower Hamlets": ("Whitechapel Road", "Commercial Road", "Roman Road"),
    "Croydon": ("London Road", "North End", "Thornton Road"),
}
GENERIC_STREETS = ("the high road", "the main road", "the parade", "the road by the station")
