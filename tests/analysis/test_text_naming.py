"""Answers that say nothing, and a theme's name taken from what its answers wrote."""

import pytest

from haveyoursay.analysis.themes.text.naming import name_theme
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
    assert name_theme(["Buses", "Trains"], ["buses", "trains"]) == "Buses, trains"
