"""Campaign and duplicate grouping: copies are grouped and reported, and nothing is dropped."""

import random

from haveyoursay.analysis.themes.text.duplicates import (
    Group,
    campaigns,
    count_once,
    describe,
    group_duplicates,
    normalise,
)

LETTER = (
    "I object to the proposal to close the library in {place}. It is used every day by children "
    "after school, by older people with no internet at home and by people looking for work. "
    "Please keep it open and fund it properly. {name}"
)
NAMES = ["Sarah Jones", "Mohammed Khan", "Priya Patel", "Tom Smith", "Ann Green", "Jan Kowalski"]
PLACES = ["Shepshed", "Anstey", "Syston", "Birstall", "Quorn", "Barrow upon Soar"]
EXTRA = [
    "My children go there every week.",
    "The bus to Loughborough is too expensive for us.",
    "Libraries are the heart of a village.",
]


WORDS = (
    "bus library parking bins verges school crossing council tax road repairs trees park toilets lights "
    "pavement cycle lane hospital surgery pharmacy carers housing planning homes recycling centre market"
).split()


def letters(rng, copies):
    """A campaign's copies as people send them: names and places changed, a sentence added."""
    sent = []
    for _ in range(copies):
        text = LETTER.format(place=rng.choice(PLACES), name=rng.choice(NAMES))
        if rng.random() < 0.3:
            text += " " + rng.choice(EXTRA)
        sent.append(text)
    return sent


def test_identical_answers_are_grouped_whatever_their_case_punctuation_and_spacing():
    answers = [
        "Please keep the library in Shepshed open, it is vital for us.",
        "please keep the library in shepshed open it is vital for us",
        "Bins should be collected every week, not every fortnight as now.",
        "PLEASE   keep the library in Shepshed open!!! It is vital for us",
    ]

    groups = group_duplicates(answers)

    assert groups == [Group(indexes=(0, 1, 3), representative_index=0, kind="identical")]
    assert normalise(answers[3]) == normalise(answers[0])


def test_near_identical_answers_with_edits_are_one_group():
    answers = [
        LETTER.format(place="Shepshed", name="Sarah Jones"),
        LETTER.format(place="Anstey", name="Tom Smith"),  # a name and a place changed
        LETTER.format(place="Shepshed", name="Sarah Jones") + " My children go there every week.",  # a sentence added
        LETTER.format(place="Syston", name="Ann Green").replace("properly", "as it should be"),  # words edited
        LETTER.format(place="Quorn", name="").replace("children", "childrn").replace("every day", "evry day"),  # typos
        "The grass verges on our road have not been cut since April and the signs are hidden.",
        LETTER.format(place="Shepshed", name="Sarah Jones"),
    ]

    groups = group_duplicates(answers)

    assert len(groups) == 1
    (group,) = groups
    assert group.indexes == (0, 1, 2, 3, 4, 6)
    assert group.kind == "near-identical"
    assert group.representative_index == 0  # the version sent most often, first seen at 0


def test_different_answers_on_the_same_subject_are_not_grouped():
    answers = [
        "The waiting times at the surgery are far too long for people who work.",
        "Waiting times for appointments at my GP are too long, I waited three weeks.",
        "It takes far too long to get a GP appointment and the phone line is always engaged.",
        "Too long to wait for an appointment at the surgery, it should be days not weeks.",
        "I waited too long at the surgery, the appointment system needs to change.",
        "All the staff were very helpful and friendly and the ward was very clean.",
        "All the staff on the ward were friendly and very helpful to me and my family.",
    ]

    assert group_duplicates(answers) == []


def test_short_generic_answers_are_ordinary_answers_not_a_campaign():
    answers = ["No"] * 300 + ["Nothing"] * 200 + ["N/A"] * 100 + ["None."] * 100 + ["Nothing at all, thank you."] * 50
    answers += ["", None, float("nan")]

    groups = group_duplicates(answers)

    assert groups == []
    assert campaigns(groups) == []
    assert count_once(len(answers), groups) == len(answers)


def test_a_campaign_is_ten_copies_or_more():
    text = "We do not want the recycling centre at Whetstone to close, it serves thousands of us."
    ten = group_duplicates([text] * 10)[0]
    nine = group_duplicates([text] * 9)[0]

    assert ten.is_campaign() and describe(ten) == "a campaign response, 10 copies"
    assert not nine.is_campaign() and describe(nine) == "9 identical answers"
    assert campaigns([ten, nine]) == [ten]
    assert describe(Group(tuple(range(1240)), 0, "near-identical")) == "a campaign response, 1,240 copies"
    assert describe(nine, min_copies=5) == "a campaign response, 9 copies"


def test_every_answer_stays_counted():
    rng = random.Random(3)
    answers = letters(rng, 40) + ["No"] * 20 + [" ".join(rng.sample(WORDS, 12)) for _ in range(30)]
    rng.shuffle(answers)

    groups = group_duplicates(answers)

    grouped = [index for group in groups for index in group.indexes]
    assert len(grouped) == len(set(grouped))  # an answer is in one group at most
    assert sum(group.size for group in groups) == 40
    assert count_once(len(answers), groups) == len(answers) - 40 + 1
    for group in groups:
        assert group.representative_index in group.indexes


def test_a_campaign_is_found_among_twenty_thousand_answers():
    rng = random.Random(2022)
    syllables = ["ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "ri", "so", "tu", "ve", "wy"]
    vocabulary = ["".join(rng.choices(syllables, k=rng.randint(1, 4))) for _ in range(3000)]
    answers = [" ".join(rng.choices(vocabulary, k=rng.randint(3, 40))) for _ in range(18_260)]
    answers += ["No"] * 500
    campaign = letters(rng, 1240)
    answers += campaign
    order = list(range(len(answers)))
    rng.shuffle(order)
    answers = [answers[i] for i in order]
    campaign_indexes = tuple(sorted(new for new, old in enumerate(order) if old >= len(order) - 1240))

    groups = group_duplicates(answers)

    found = campaigns(groups)
    assert len(answers) == 20_000
    assert len(found) == 1
    assert found[0].indexes == campaign_indexes
    assert describe(found[0]) == "a campaign response, 1,240 copies"
    assert all(group.size < 10 for group in groups if group is not found[0])
