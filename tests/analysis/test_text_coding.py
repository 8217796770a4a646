import dataclasses

import numpy as np
import pytest

from haveyoursay.analysis.themes.text.coding import (
    POOL_PER_PICK,
    Coding,
    CodingError,
    agreement_per_theme,
    choose_form,
    cohens_kappa,
    f1,
    macro_f1,
    pick_from_groups,
    sample_for_agreement,
    select_for_review,
    train_coder,
    train_stance,
)

THEMES = ["parking", "buses", "cycling"]

# Answers to "What would make it easier to get into Loughborough town centre?", coded by a
# person with the codeframe above (parking, buses, cycling); an answer may have two or none.
CODED = [
    ("There is never enough parking in the town centre on a Saturday.", [1, 0, 0]),
    ("Car parks are too expensive, two pounds an hour to park is too much.", [1, 0, 0]),
    ("Free parking for the first hour would bring shoppers back.", [1, 0, 0]),
    ("More disabled parking spaces near the market please.", [1, 0, 0]),
    ("The multi-storey car park is always full and parking spaces are tiny.", [1, 0, 0]),
    ("Cheaper parking charges, I go to Leicester instead because parking is free there.", [1, 0, 0]),
    ("Parking permits for residents, our street is full of shoppers' cars.", [1, 0, 0]),
    ("Buses from the villages only run once an hour.", [0, 1, 0]),
    ("The bus is always late and the last bus leaves at six.", [0, 1, 0]),
    ("Bus fares are too expensive for a family.", [0, 1, 0]),
    ("A park and ride bus from the M1 junction would help.", [1, 1, 0]),
    ("More frequent buses on a Sunday please, there is no bus at all.", [0, 1, 0]),
    ("The bus station is dirty and the bus timetable is confusing.", [0, 1, 0]),
    ("Evening buses so I can get home from work without a car.", [0, 1, 0]),
    ("Safe cycle lanes on the A6 so I can cycle in.", [0, 0, 1]),
    ("Somewhere secure to lock my bike, my bike was stolen outside the library.", [0, 0, 1]),
    ("Cycle lanes that do not just stop at junctions.", [0, 0, 1]),
    ("Cycling feels dangerous with lorries, we need protected cycle routes.", [0, 0, 1]),
    ("More bike racks and a cycle path from the university.", [0, 0, 1]),
    ("Let me take my bike on the bus, and more cycle lanes.", [0, 1, 1]),
    ("Bike hire and cycle lanes instead of more car parking.", [1, 0, 1]),
    ("Nothing, it is fine as it is.", [0, 0, 0]),
    ("More shops worth visiting, it is all charity shops now.", [0, 0, 0]),
    ("Cleaner streets and fewer empty shops.", [0, 0, 0]),
    ("Better public toilets in the market place.", [0, 0, 0]),
    ("No", [0, 0, 0]),
    ("The Christmas lights were lovely this year.", [0, 0, 0]),
    ("More benches to sit on near the war memorial.", [0, 0, 0]),
]
TEXTS = [text for text, _ in CODED]
CODES = np.array([codes for _, codes in CODED])

UNCODED = [
    "Parking charges are far too high, make parking free.",
    "The buses never run on time, and there is no bus after six.",
    "Cycle lanes please, cycling on the ring road is dangerous.",
    "Free car parking and a later bus home.",
    "More markets and events in the square.",
    "Nowhere to lock a bike safely.",
    "There is never a parking space near the shops.",
    "The bus fare from Shepshed is too expensive.",
]
EXPECTED = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 0, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]])


@pytest.fixture(scope="module")
def coder():
    return train_coder(TEXTS, CODES, THEMES, unlabelled=UNCODED, random_state=0)


def test_it_learns_the_codeframe_from_the_coded_answers(coder):
    coding = coder.apply(UNCODED)
    assert coding.themes == THEMES
    assert coding.assigned.shape == (len(UNCODED), len(THEMES))
    assert f1(EXPECTED, coding.assigned) >= 0.75
    # The one-theme answers it should not get wrong.
    for position in (0, 1, 2, 6):
        assert list(coding.assigned[position]) == list(EXPECTED[position]), UNCODED[position]


def test_probabilities_and_confidences_are_between_0_and_1_and_agree_with_the_codes(coder):
    coding = coder.apply(UNCODED)
    for values in (coding.probability, coding.confidence):
        assert ((values >= 0) & (values <= 1)).all()
    assert np.allclose(coding.confidence[coding.assigned == 1], coding.probability[coding.assigned == 1])
    assert np.allclose(coding.confidence[coding.assigned == 0], 1 - coding.probability[coding.assigned == 0])
    # The parking answer is likelier parking than cycling.
    assert coding.probability[0, 0] > coding.probability[0, 2]


def test_an_answer_can_get_no_theme(coder):
    coding = coder.apply(["Nothing", "Fewer charity shops and more independent cafes", "Free parking please"])
    assert list(coding.assigned[0]) == [0, 0, 0]
    assert list(coding.assigned[2]) == [1, 0, 0]
    assert 0 in coding.without_theme()
    assert 2 not in coding.without_theme()


def test_an_answer_can_get_several_themes():
    # A codeframe where half the coded answers carry two themes: the machine may give two too.
    texts = [
        "parking is too expensive", "free parking please", "more parking spaces", "parking charges are high",
        "buses are late", "more buses please", "bus fares too high", "the bus never comes",
        "parking and buses both need fixing", "cheaper parking and more buses", "buses and parking are awful",
        "better buses, better parking", "parking spaces and bus times", "bus services and parking charges",
    ]
    codes = [[1, 0]] * 4 + [[0, 1]] * 4 + [[1, 1]] * 6
    coder = train_coder(texts, codes, ["parking", "buses"], random_state=0)
    assert coder.max_themes == 2
    both = coder.apply(["more buses and cheaper parking"])
    assert list(both.assigned[0]) == [1, 1]


def test_duplicated_answers_get_the_same_codes(coder):
    coding = coder.apply(["Free parking please", "A new library", "free parking, please!"])
    assert (coding.assigned[0] == coding.assigned[2]).all()
    assert np.allclose(coding.probability[0], coding.probability[2])


def test_the_same_coded_answers_and_seed_give_the_same_model():
    first = train_coder(TEXTS, CODES, THEMES, random_state=1).apply(UNCODED)
    second = train_coder(TEXTS, CODES, THEMES, random_state=1).apply(UNCODED)
    assert (first.assigned == second.assigned).all()
    assert np.allclose(first.probability, second.probability)


def test_it_says_what_is_wrong_with_codes_it_cannot_learn_from():
    with pytest.raises(CodingError, match="no coded answers"):
        train_coder([], np.zeros((0, 3)), THEMES)
    with pytest.raises(CodingError, match="'cycling'"):
        train_coder(TEXTS, np.column_stack([CODES[:, :2], np.zeros(len(TEXTS))]), THEMES)
    with pytest.raises(CodingError, match="0 or 1"):
        train_coder(TEXTS, CODES * 2, THEMES)
    with pytest.raises(CodingError, match="one column per theme"):
        train_coder(TEXTS, CODES[:, :2], THEMES)


def test_answers_to_review_are_the_least_sure(coder):
    coding = coder.apply(UNCODED)
    review = coding.needs_review(below=0.7)
    least = coding.confidence.min(axis=1)
    assert set(review) == set(np.flatnonzero(least < 0.7))
    assert list(least[review]) == sorted(least[review])
    assert len(coding.needs_review(below=1.01)) == len(UNCODED)
    assert len(coding.needs_review(below=0.0)) == 0


def test_select_for_review_picks_uncoded_answers_only_once_each(coder):
    answers = TEXTS + UNCODED + [UNCODED[0], TEXTS[2]]  # a copy of an uncoded and of a coded answer
    coded = list(range(len(TEXTS)))
    picked = select_for_review(coder, answers, coded=coded, how_many=6)
    assert len(picked) == 6
    assert len(set(picked)) == 6
    assert not set(picked) & set(coded)
    assert len(answers) - 1 not in picked  # identical to a coded answer
    assert not {0 + len(TEXTS), len(answers) - 2} <= set(picked)  # never both copies of one answer
    everything = select_for_review(coder, answers, coded=coded, how_many=100)
    assert len(everything) == len(set(everything)) <= len(UNCODED)
    assert select_for_review(coder, answers, coded=range(len(answers)), how_many=5) == []


def test_select_for_review_starts_with_what_the_machine_is_least_sure_of(coder):
    answers = TEXTS + UNCODED
    vectors = coder.vectorise(answers)
    probability = coder.probabilities(vectors)
    distance = np.abs(probability - coder.thresholds).min(axis=1)
    uncoded_rows = np.arange(len(TEXTS), len(answers))  # every answer here is distinct, so rows are positions
    least_sure = uncoded_rows[np.argmin(distance[uncoded_rows])]
    assert select_for_review(coder, answers, coded=range(len(TEXTS)), how_many=1, vectors=vectors) == [least_sure]


def test_cohens_kappa_matches_the_hand_calculation():
    person = [1, 1, 0, 0, 1, 0, 1, 0, 0, 0]
    machine = [1, 0, 0, 0, 1, 1, 1, 0, 0, 0]
    # Agree on 8 of 10; each says yes to 4 of 10, so chance agreement is .4*.4 + .6*.6 = .52.
    assert cohens_kappa(person, machine) == pytest.approx((0.8 - 0.52) / (1 - 0.52))
    assert cohens_kappa([1, 0, 1, 0], [0, 1, 0, 1]) == pytest.approx(-1.0)
    assert cohens_kappa([1, 1, 0, 0], [1, 1, 0, 0]) == pytest.approx(1.0)
    # Agree on 3 of 4; person yes 3/4, machine yes 2/4: chance .75*.5 + .25*.5 = .5.
    assert cohens_kappa([1, 1, 1, 0], [1, 1, 0, 0]) == pytest.approx((0.75 - 0.5) / 0.5)


def test_cohens_kappa_is_1_when_both_give_everything_the_same_code():
    assert cohens_kappa([0, 0, 0], [0, 0, 0]) == 1.0
    assert cohens_kappa([1, 1, 1], [1, 1, 1]) == 1.0
    # One says yes to everything, the other to nothing: no agreement beyond chance.
    assert cohens_kappa([1, 1, 1], [0, 0, 0]) == 0.0


def test_agreement_per_theme_reports_each_theme():
    person = np.array([[1, 0], [1, 0], [0, 0], [0, 0]])
    machine = np.array([[1, 0], [0, 0], [0, 0], [0, 0]])
    parking, buses = agreement_per_theme(person, machine, ["parking", "buses"])
    assert parking.theme == "parking" and buses.theme == "buses"
    assert parking.kappa == pytest.approx(0.5)  # (.75 - .5) / .5
    assert parking.observed == 0.75
    assert (parking.answers, parking.by_person, parking.by_machine) == (4, 2, 1)
    assert buses.kappa == 1.0 and buses.observed == 1.0


def test_sample_for_agreement_is_random_but_repeatable():
    sample = sample_for_agreement(1000, 50, random_state=4)
    assert len(sample) == len(set(sample)) == 50
    assert all(0 <= position < 1000 for position in sample)
    assert list(sample) == list(sample_for_agreement(1000, 50, random_state=4))
    assert list(sample) != list(sample_for_agreement(1000, 50, random_state=5))
    assert len(sample_for_agreement(10, 50)) == 10


def test_f1_scores():
    truth = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
    predicted = np.array([[1, 0], [0, 0], [1, 1], [1, 0]])
    # 3 right of 4 given and 4 true: micro-F1 = 2*3 / (4 + 4).
    assert f1(truth, predicted) == pytest.approx(0.75)
    # Theme 1: 2 right, 3 given, 2 true -> 0.8; theme 2: 1 right, 1 given, 2 true -> 2/3.
    assert macro_f1(truth, predicted) == pytest.approx((0.8 + 2 / 3) / 2)


def test_an_empty_list_of_answers_gives_an_empty_coding(coder):
    coding = coder.apply([])
    assert isinstance(coding, Coding)
    assert coding.assigned.shape == (0, len(THEMES))


STANCE_CODED = [
    ("I support the plan to build the new cycle route.", "support"),
    ("Fully support this, it is long overdue.", "support"),
    ("I agree with the proposal and support it.", "support"),
    ("Great idea, I support it wholeheartedly.", "support"),
    ("I strongly oppose the route, it will take away parking.", "oppose"),
    ("Oppose. A waste of money.", "oppose"),
    ("I object to this proposal and oppose it completely.", "oppose"),
    ("Totally against it, I oppose the plan.", "oppose"),
    ("I support the idea but oppose the route along Park Road.", "mixed"),
    ("Good in parts, but I oppose losing the trees; I support the rest.", "mixed"),
]


def test_stance_is_learnt_as_a_field_of_its_own():
    model = train_stance([t for t, _ in STANCE_CODED], [s for _, s in STANCE_CODED], random_state=0)
    coding = model.apply(["I support this plan.", "I oppose this plan, a waste of money.", "I support this plan."])
    assert coding.stance[:2] == ["support", "oppose"]
    assert coding.stance[2] == coding.stance[0]
    assert ((coding.confidence > 0) & (coding.confidence <= 1)).all()
    assert set(coding.needs_review(below=1.01)) == {0, 1, 2}


def test_stance_refuses_what_it_cannot_learn_from():
    with pytest.raises(CodingError, match="'maybe' is not a stance"):
        train_stance(["Yes", "No"], ["support", "maybe"])
    with pytest.raises(CodingError, match="at least two different stances"):
        train_stance(["Yes", "Of course"], ["support", "Support"])


def test_the_answers_put_forward_are_among_those_the_machine_is_least_sure_of(coder):
    # 64 answers not coded: each of the uncoded ones, said eight ways.
    endings = ["", " on a Saturday", " for my family", " in the evening", " near the market", " every week",
               " since last year", " for older people"]
    uncoded = [f"{text.rstrip('.')}{ending}." for text in UNCODED for ending in endings]
    answers = TEXTS + uncoded
    vectors = coder.vectorise(answers)
    probability = coder.probabilities(vectors)
    distance = np.abs(probability - coder.thresholds).min(axis=1)
    rows = np.arange(len(TEXTS), len(answers))
    how_many = 3
    pool = set(rows[np.argsort(distance[rows], kind="stable")][: POOL_PER_PICK * how_many].tolist())
    picked = select_for_review(coder, answers, coded=range(len(TEXTS)), how_many=how_many, vectors=vectors)
    assert len(picked) == how_many and set(picked) <= pool
    assert list(picked) == sorted(picked, key=lambda row: distance[row])  # least sure first


def test_the_answers_put_forward_are_one_from_each_group_of_doubt_not_the_alike_least_sure():
    # Two kinds of answer the machine doubts: five alike it doubts most, five alike it doubts a little less.
    rng = np.random.default_rng(0)
    centres = np.eye(4)[:2]
    dense = np.vstack([centres[0] + 0.2 * rng.normal(size=(5, 4)), centres[1] + 0.2 * rng.normal(size=(5, 4))])
    dense /= np.linalg.norm(dense, axis=1, keepdims=True)
    pool = np.arange(10)  # least sure first
    doubt = np.linspace(1.0, 0.5, 10)
    picked = pick_from_groups(pool, doubt, dense, 2, random_state=0)
    assert len(picked) == 2 and {row // 5 for row in picked} == {0, 1}


def test_coding_the_machines_picks_in_rounds_never_puts_an_answer_forward_twice():
    # What the staff site does as a person codes: retrain, code the answers put forward, again.
    answers = TEXTS + UNCODED
    truth = np.vstack([CODES, EXPECTED])
    coded = list(range(0, len(TEXTS), 2))  # every other coded answer to start with
    for _ in range(3):
        coder = train_coder([answers[i] for i in coded], truth[coded], THEMES, unlabelled=answers, random_state=0)
        picked = select_for_review(coder, answers, coded=coded, how_many=4)
        assert picked and not set(picked) & set(coded)
        coded += picked
    assert len(coded) == len(set(coded))


# The engine's form, chosen from the coded answers it is given.

ONE_EACH = [(text, codes) for text, codes in CODED if sum(codes) == 1]
ONE_EACH_TEXTS = [text for text, _ in ONE_EACH]
ONE_EACH_CODES = np.array([codes for _, codes in ONE_EACH])


def test_on_coded_answers_with_one_theme_each_it_gives_every_answer_one_theme():
    form = choose_form(ONE_EACH_TEXTS, ONE_EACH_CODES)
    assert form.one_code_per_answer
    coder = train_coder(ONE_EACH_TEXTS, ONE_EACH_CODES, THEMES, unlabelled=UNCODED, random_state=0)
    coding = coder.apply(UNCODED + ["Free car parking and a later bus home, and cycle lanes."])
    assert (coding.assigned.sum(axis=1) == 1).all()
    assert list(coding.assigned[0]) == [1, 0, 0] and list(coding.assigned[1]) == [0, 1, 0]
    assert list(coding.assigned[2]) == [0, 0, 1]
    # One model over all themes: their probabilities compete, as the person's codes did.
    assert (coding.probability.sum(axis=1) <= 1 + 1e-9).all()


def test_on_coded_answers_with_one_theme_or_none_no_theme_is_one_of_the_choices():
    texts = ONE_EACH_TEXTS + [text for text, codes in CODED if sum(codes) == 0]
    codes = np.vstack([ONE_EACH_CODES, np.zeros((len(texts) - len(ONE_EACH_TEXTS), 3), dtype=int)])
    assert choose_form(texts, codes).one_code_per_answer
    coding = train_coder(texts, codes, THEMES, unlabelled=UNCODED, random_state=0).apply(
        ["Nothing, it is fine as it is.", "Free parking please", "Cleaner streets and fewer empty shops."]
    )
    assert list(coding.assigned[0]) == [0, 0, 0]
    assert list(coding.assigned[1]) == [1, 0, 0]
    assert 0 in coding.without_theme()


def test_on_coded_answers_with_several_themes_it_can_give_several(coder):
    assert not coder.form.one_code_per_answer
    assert not choose_form(TEXTS, CODES).one_code_per_answer
    assert coder.apply(["Let me take my bike on the bus, and more cycle lanes."]).assigned.sum() >= 1
    assert coder.max_themes <= int(CODES.sum(axis=1).max())


def test_it_refuses_to_learn_answers_with_several_themes_one_theme_each():
    form = dataclasses.replace(choose_form(TEXTS, CODES), one_code_per_answer=True)
    with pytest.raises(CodingError, match="several themes"):
        train_coder(TEXTS, CODES, THEMES, form=form)


def test_rare_themes_are_weighted_up_only_when_some_theme_is_rare():
    even = np.eye(3, dtype=int)[[0, 1, 2] * 10]
    assert not choose_form(["a b"] * 30, even).rare_theme_weights
    rare = np.eye(3, dtype=int)[[0] * 50 + [1] * 20 + [2] * 9]  # the commonest coded 5.6 times as often
    assert choose_form(["a b"] * 79, rare).rare_theme_weights


def test_weighting_a_rare_theme_up_makes_it_likelier():
    texts = [f"the bus was late again on route {n}" for n in range(12)] + ["a cycle lane please", "cycle lanes"]
    codes = np.array([[1, 0]] * 12 + [[0, 1]] * 2)
    form = choose_form(texts, codes)
    assert form.rare_theme_weights
    asked = ["more cycle lanes and a bus"]
    weighted = train_coder(texts, codes, ["buses", "cycling"], random_state=0).apply(asked).probability[0, 1]
    plain = train_coder(
        texts, codes, ["buses", "cycling"], random_state=0, form=dataclasses.replace(form, rare_theme_weights=False)
    ).apply(asked).probability[0, 1]
    assert weighted > plain


def test_naive_bayes_joins_the_regression_whenever_each_answer_has_one_theme_short_or_long():
    codes = np.eye(2, dtype=int)[[0, 1] * 5]
    assert choose_form(["More buses please"] * 10, codes).naive_bayes
    long_answers = [" ".join(["the buses into town are never on time and cost too much"] * 3)] * 10
    assert choose_form(long_answers, codes).naive_bayes
    # Naive Bayes is a choice among themes: never for several themes per answer.
    assert not choose_form(TEXTS, CODES).naive_bayes


def test_few_coded_answers_share_one_threshold_many_have_one_each():
    assert choose_form(TEXTS, CODES).shared_threshold
    coder = train_coder(TEXTS, CODES, THEMES, random_state=0)
    assert len(set(coder.thresholds)) == 1
    many_texts, many_codes = TEXTS * 6, np.vstack([CODES] * 6)  # 168 coded answers
    assert not choose_form(many_texts, many_codes).shared_threshold


def test_the_fewer_answers_are_coded_the_more_the_model_is_held_back():
    def regularisation(n):
        return choose_form(["a"] * n, np.eye(2, dtype=int)[np.arange(n) % 2]).regularisation

    assert regularisation(100) == 0.5
    assert regularisation(1000) == 0.5
    assert regularisation(4000) == 2.0
    assert regularisation(8000) == 3.0


def test_the_form_is_described_in_words():
    words = choose_form(ONE_EACH_TEXTS, ONE_EACH_CODES).describe()
    assert "one theme per answer" in words and "naive Bayes" in words
    assert "a threshold per theme" not in words
    assert "one threshold for all themes" in choose_form(TEXTS, CODES).describe()


def test_coded_answers_weighed_less_teach_less():
    parking = CODES[:, 0] == 1
    weights = np.where(parking, 0.05, 1.0)
    plain = train_coder(TEXTS, CODES, THEMES, unlabelled=UNCODED, random_state=0)
    weighed = train_coder(TEXTS, CODES, THEMES, unlabelled=UNCODED, random_state=0, weights=weights)
    answer = ["There is never a parking space near the shops."]
    assert weighed.apply(answer).probability[0, 0] < plain.apply(answer).probability[0, 0]


def test_it_refuses_weights_that_are_not_one_positive_number_per_coded_answer():
    with pytest.raises(CodingError, match="one weight above 0 per coded answer"):
        train_coder(TEXTS, CODES, THEMES, weights=np.ones(len(TEXTS) - 1))
    with pytest.raises(CodingError, match="one weight above 0 per coded answer"):
        train_coder(TEXTS, CODES, THEMES, weights=np.zeros(len(TEXTS)))
