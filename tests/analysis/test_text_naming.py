"""Answers that say nothing, and a theme's name taken from what its answers wrote."""

import pytest

from haveyoursay.analysis.themes.text.naming import name_theme, shared_phrases
from haveyoursay.analysis.themes.text.non_answers import is_non_answer


@pytest.mark.parametrize("text", ["", "  ", "-", "?", "...", "n/a", "N/A", "No", "Nothing to add", "Not really.", "Don't know", "See above"])
def test_answers_that_say_nothing_are_recognised(text):
    assert is_non_answer(text)


@pytest.mark.parametrize("text", ["No parking near the surgery", "Not enough respite", "Nothing for young carers in Melton"])
def test_answers_that_say_something_are_not(text):
    assert not is_non_answer(text)


def test_a_theme_is_named_with_the_phrase_most_of_its_answers_wrote_as_they_wrote_it():
    texts = [
        "The waiting times for appointments are far too long.",
        "Waiting times for appointments at the GP, three weeks!",
        "I think waiting times for appointments should be shorter",
        "Long waits. Waiting times for appointments are the worst part",
        "The receptionist was rude",
    ]
    assert name_theme(texts, ["waiting times", "appointments", "weeks"]) == "Waiting times for appointments"


def test_one_persons_words_copied_are_not_a_name_and_the_words_are_the_last_resort():
    texts = ["Mrs Morris on reception was lovely"] * 5 + ["Reception staff were kind", "Parking was hard"]
    name = name_theme(texts, ["reception", "lovely", "kind"])
    assert "Morris" not in name
    assert name_theme(["Buses", "Trains"], ["buses", "trains"]) == "Buses and trains"


def test_with_no_shared_phrase_the_name_is_a_clause_a_member_wrote_never_a_list_of_words():
    texts = ["Buses from Melton stop at six", "No trains", "Parking"]
    assert name_theme(texts, ["buses", "melton", "trains"]) == "Buses from Melton stop at six"


def test_a_phrase_cut_before_what_its_verb_acts_on_is_not_a_name():
    texts = [
        f"{who} see carers every week and could point them to help. {more}"
        for who, more in [("Pharmacists", "Counselling for carers would help."), ("Receptionists", ""),
                          ("Pharmacists", "Counselling for carers would help too"), ("Receptionists", "My GP never asked.")]
    ] + ["Being valued means being listened to, not just a card once a year.", "Being valued means being listened to."]
    name = name_theme(texts, ["help", "week point", "carers week", "pharmacists", "counselling", "valued"])
    assert name == "Point them to help"  # not "Carers every week and could point"
    assert not name_theme(texts[-2:] * 3, ["valued", "listened"]).endswith("listened")


def test_a_common_verb_sets_no_theme_apart():
    # "The day centre my mum went to closed": "went to closed" is in every answer, but says nothing.
    texts = [
        f"The day centre {who} went to closed {when}, so I get no break."
        for who, when in [("my mum", "during Covid"), ("my husband", "in the pandemic"), ("my son", "last spring"),
                          ("my dad", "in 2020"), ("my wife", "two years ago")]
    ]
    assert name_theme(texts, ["centre", "closed", "reopened", "went", "day"]) == "Day centre"


def test_the_phrases_a_theme_shares_start_with_its_name_and_none_is_part_of_another():
    # Comments on the draft cycling and walking networks (seeds/000, the LCWIPs).
    texts = [
        "There is no safe place to cross Saffron Lane on foot. Better lighting on the towpath please",
        "No safe place to cross the A6 on foot, and benches along the routes would help",
        "I don't feel safe walking home after dark: better lighting on the canal towpath",
        "A safe place to cross Leicester Road. Benches along the routes for older people",
        "Better lighting on the towpath, and a safe place to cross",
    ]
    terms = ["safe", "lighting", "benches", "cross", "towpath"]
    phrases = shared_phrases(texts, terms)
    assert name_theme(texts, terms) == "Safe place to cross"
    # As most who wrote each phrase wrote it, capitals and all.
    assert phrases == ["safe place to cross", "Better lighting on the towpath", "benches along the routes"]


def test_a_phrase_sharing_half_its_words_with_a_better_one_is_left_out():
    texts = [
        "There is a gap between the river path and the park",
        "Close the gap between the river path by the Soar and the town",
        "The gap between the river path and the A6 is dangerous",
        "A gap between the path and the road",
        "Another gap between the path and the lane",
        "The Sence valley path is missing, the Sence valley path runs all the way",
        "Put the Sence valley path on the map",
    ]
    phrases = shared_phrases(texts, ["gap", "river", "path", "sence", "valley"])
    assert phrases[0] == "gap between the river path"
    assert "gap between the path" not in phrases and "Sence valley path" in phrases


def test_a_road_name_of_a_letter_and_a_number_is_written_as_one_word():
    texts = [
        "Crossing the A6 at rush hour is frightening.",
        "We need a safe crossing on the A6 near the school",
        "Crossing the A6 by bike is dangerous",
        "The A6 crossing needs lights",
    ]
    name = name_theme(texts, ["a6", "crossing"])
    assert "A6" in name and "A 6" not in name, name
    assert all("A 6" not in phrase for phrase in shared_phrases(texts, ["a6", "crossing"]))
