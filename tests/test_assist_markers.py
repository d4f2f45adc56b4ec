"""Each linguistic marker on examples that must and must not fire (workbench.assist.markers)."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.assist import MARKER_NAMES, MARKERS, marker_table, tokens, utterance_markers

CASES: dict[str, tuple[list[str], list[str]]] = {
    "apology": (["Sorry to hold you up, sir.", "I apologise for the wait.",
                 "My apologies, that was rude."], ["Stand still.", "Not sorrowful at all."]),
    "gratitude": (["Thank you, I appreciate that.", "Cheers, mate.", "Thanks for waiting."],
                  ["Turn round.", "I think you know why."]),
    "formal_address": (["Excuse me, sir.", "Madam, can I have a word?",
                        "Mr Okafor, stay there."], ["Oi, you.", "Sirloin steak for tea."]),
    "informal_address": (["Alright mate?", "Calm down, bro.", "Listen, son."],
                         ["Good evening, sir.", "Matelot is a sailor."]),
    "self_introduction": (["My name's PC Jones.", "I'm PC Patel from Brixton police station.",
                           "My collar number is 4512."], ["What's your name?", "Hello."]),
    "reason": (["I'm stopping you because you match a description.",
                "The reason is we've had reports of a robbery.",
                "That's why we're here."], ["Stand still.", "Empty your pockets."]),
    "reassurance": (["You're not under arrest.", "You're free to go.",
                     "Don't worry, it's routine."], ["You are under arrest.",
                                                     "Keep still."]),
    "command": (["Stand still.", "Turn round. Face the wall.", "Don't move!",
                 "I need you to empty your pockets."],
                ["Could you take your hands out of your pockets, please?",
                 "I think it's cold tonight.", "Stand-up comedy is my thing?"]),
    "softened_request": (["Could you pop your bag down?", "Would you mind standing there?",
                          "Empty your pockets, please."], ["Empty your pockets.",
                                                          "Stand still."]),
    "question": (["Where have you been?", "Do you live round here", "You alright?"],
                 ["Stand still.", "I know what you did."]),
    "hedge": (["I think you might have something.", "Maybe we can sort this.",
               "It's just a quick search."], ["Stand still.", "You have a knife."]),
    "swearing": (["What the fuck is this?", "Don't be a prick.", "Piss off."],
                 ["Stand still, please.", "Scunthorpe is a town."]),
    "threat_of_force": (["If you don't calm down, you're going on the floor.",
                         "Carry on like this and you'll be in handcuffs.",
                         "I'll cuff you."],
                        ["You're not under arrest.", "The handcuffs are off now."]),
}


def test_every_rule_marker_has_cases_and_a_source() -> None:
    assert {m.name for m in MARKERS} == set(CASES)
    assert all(m.source and m.description for m in MARKERS)
    assert MARKER_NAMES[-2:] == ("sentiment", "n_tokens")


@pytest.mark.parametrize("name", sorted(CASES))
def test_marker_fires_on_its_examples_only(name: str) -> None:
    fire, quiet = CASES[name]
    for text in fire:
        assert utterance_markers(text)[name] == 1.0, (name, text)
    for text in quiet:
        assert utterance_markers(text)[name] == 0.0, (name, text)


def test_first_names_count_as_informal_address_when_given() -> None:
    assert utterance_markers("Come on, Jordan.")["informal_address"] == 0.0
    assert utterance_markers("Come on, Jordan.", names=("Jordan",))["informal_address"] == 1.0


def test_transcriber_notes_are_not_speech() -> None:
    marks = utterance_markers("[pulls arm away] Okay.")
    assert marks["command"] == 0.0
    assert marks["n_tokens"] == 2.0  # "Okay" "."


def test_vader_sentiment_matches_the_packaged_analyser() -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    for text in ("Thank you, that's really helpful.", "You lot are all the same, you idiots."):
        assert utterance_markers(text)["sentiment"] == pytest.approx(
            vader.polarity_scores(text)["compound"])
    assert utterance_markers("Thank you, that's great.")["sentiment"] > 0.5
    assert utterance_markers("I hate this, it's awful.")["sentiment"] < -0.5


def test_tokens_are_treebank_tokens_without_downloads() -> None:
    assert tokens("Don't move, sir.") == ["Do", "n't", "move", ",", "sir", "."]


def test_marker_table_keeps_rows_and_reuses_repeated_texts() -> None:
    frame = pd.DataFrame({"clip_id": ["a", "a", "b"], "utterance_index": [0, 1, 0],
                          "text": ["Stand still.", "Thank you.", "Stand still."]})
    table = marker_table(frame)
    assert list(table.columns) == ["clip_id", "utterance_index", *MARKER_NAMES]
    assert table["command"].tolist() == [1.0, 0.0, 1.0]
    assert table["gratitude"].tolist() == [0.0, 1.0, 0.0]
