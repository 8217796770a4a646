import random

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.metrics import adjusted_rand_score

from haveyoursay.analysis.themes.text.suggest import (
    NOTHING_LABEL,
    STOP_WORDS,
    CharacterGrams,
    WordGrams,
    collapse_duplicates,
    fit_text_space,
    is_nothing_to_add,
    normalise,
    order_by_typicality,
    suggest_themes,
)
from haveyoursay.surveys.demo_responses import CARERS_THEMES, sentence_from

# Answers to "Is there anything else you would like to tell us about the draft cycling and
# walking networks for the Loughborough area?", written for the test: four plain themes.
CYCLE_LANES = [
    "The cycle lanes on the A6 just stop at the junctions, which makes cycling feel unsafe.",
    "Please build segregated cycle lanes so children can cycle to school safely.",
    "Cycle lanes painted on the road are not safe, they need kerbs to separate cyclists from traffic.",
    "We need continuous cycle lanes into the town centre, not bits of cycle lane that end suddenly.",
    "Cycling on Ashby Road is frightening; a protected cycle lane would help.",
    "More cycle lanes and safer junctions for cyclists please.",
    "The cycle lane by the university is full of parked cars and glass, so I cycle in the road.",
    "I would cycle to work if there were safe cycle lanes all the way.",
]
PAVEMENTS = [
    "The pavements on Forest Road are cracked and uneven and I have tripped twice.",
    "Pavements are too narrow for a wheelchair or a pushchair near the market.",
    "Fix the broken pavements before spending money on anything else.",
    "Uneven pavements make walking difficult for older people like my mother.",
    "Cars parked on the pavement force us to walk in the road with a pushchair.",
    "Wider pavements and dropped kerbs would make walking easier for wheelchair users.",
    "The pavement by the station floods every time it rains.",
    "Overgrown hedges block half the pavement on my walk to school.",
]
BUSES = [
    "The bus to Shepshed only runs once an hour and stops at six in the evening.",
    "Buses are always late and the bus timetable is never right.",
    "Bring back the evening bus service so people can get home without a car.",
    "Bus fares are too expensive for a family, it is cheaper to drive.",
    "There is no bus from our village to the hospital.",
    "More frequent buses would get cars off the road.",
    "The bus shelter on the High Street has no seats and no timetable.",
    "A bus every twenty minutes would mean I could leave the car at home.",
]
LIGHTING = [
    "The footpath through the park has no street lighting and feels unsafe after dark.",
    "Street lights are switched off at midnight, so walking home from a late shift is scary.",
    "Better lighting on the canal towpath please, it is pitch black in winter.",
    "Broken street lights on Mill Lane have not been fixed for months.",
    "Lighting along the railway underpass would make it feel safer at night.",
    "Please put lighting on the path to the leisure centre, it is very dark in the evening.",
    "Dark streets with no lighting put people off walking at night.",
    "More street lighting near the bus station, it is dark and feels threatening at night.",
]
NOTHING = ["No", "Nothing", "nothing really", "N/A", "Can't think of anything", "No comment", ""]
THEMED = [CYCLE_LANES, PAVEMENTS, BUSES, LIGHTING]


def answers_and_truth():
    answers, truth = [], []
    for number, group in enumerate([*THEMED, NOTHING]):
        answers += group
        truth += [number] * len(group)
    return answers, np.array(truth)


def test_it_finds_the_themes_a_person_would_see():
    answers, truth = answers_and_truth()
    agreement = []
    for seed in range(5):
        suggestion = suggest_themes(answers, n_themes=4, random_state=seed)
        assert len(suggestion.themes) == 5  # the four asked for and "Nothing to add"
        agreement.append(adjusted_rand_score(truth, suggestion.assignments))
    # Plain TF-IDF and k-means (5 clusters) gets 0.25 to 0.65 here; 0 is chance, 1 the grouping above.
    assert min(agreement) >= 0.6
    assert np.mean(agreement) >= 0.7


def test_it_chooses_a_sensible_number_of_themes_when_not_told():
    answers, truth = answers_and_truth()
    suggestion = suggest_themes(answers, random_state=0)
    substantive = [theme for theme in suggestion.themes if not theme.nothing_to_add]
    assert 3 <= len(substantive) <= 6
    assert adjusted_rand_score(truth, suggestion.assignments) >= 0.5


def test_labels_and_terms_carry_the_words_that_define_each_theme():
    answers, _ = answers_and_truth()
    suggestion = suggest_themes(answers, n_themes=4, random_state=0)
    words = {
        "cycle": "cycle lanes",
        "pavement": "pavements",
        "bus": "buses",
        "lighting": "street lighting",
    }
    for stem, theme_name in words.items():
        carrying = [theme for theme in suggestion.themes if stem in " ".join(theme.terms[:3])]
        assert carrying, f"no theme's defining terms mention {theme_name}: {[t.terms for t in suggestion.themes]}"
        assert any(stem in theme.label for theme in carrying)


def test_nothing_to_add_answers_are_a_theme_of_their_own():
    answers, truth = answers_and_truth()
    suggestion = suggest_themes(answers, n_themes=4, random_state=0)
    nothing = [theme for theme in suggestion.themes if theme.nothing_to_add]
    assert len(nothing) == 1
    assert nothing[0].label == NOTHING_LABEL
    assert nothing[0].size == len(NOTHING)
    assert sorted(nothing[0].members) == list(np.flatnonzero(truth == 4))


def test_sizes_count_every_answer_and_typical_answers_are_members():
    answers, _ = answers_and_truth()
    suggestion = suggest_themes(answers, n_themes=4, random_state=0)
    assert sum(theme.size for theme in suggestion.themes) == len(answers)
    assert [theme.size for theme in suggestion.themes] == sorted((t.size for t in suggestion.themes), reverse=True)
    for number, theme in enumerate(suggestion.themes):
        assert theme.typical
        assert all(suggestion.assignments[i] == number for i in theme.typical)
        assert theme.size == len(theme.members) == int(np.sum(suggestion.assignments == number))


def test_duplicates_are_collapsed_but_still_counted():
    answers, _ = answers_and_truth()
    campaign = "Save the Loughborough bus station! Keep the bus station open."
    suggestion = suggest_themes(answers + [campaign] * 40, n_themes=4, random_state=0)
    theme = suggestion.themes[suggestion.assignments[len(answers)]]
    assert all(suggestion.assignments[len(answers):] == suggestion.assignments[len(answers)])
    assert theme.size >= 40
    # The 40 copies are one typical answer, not five of the same.
    assert len({normalise(answers_or_campaign(answers, campaign, i)) for i in theme.typical}) == len(theme.typical)


def answers_or_campaign(answers, campaign, position):
    return answers[position] if position < len(answers) else campaign


def test_the_same_answers_and_seed_give_the_same_themes():
    answers, _ = answers_and_truth()
    first = suggest_themes(answers, random_state=3)
    second = suggest_themes(answers, random_state=3)
    assert [t.label for t in first.themes] == [t.label for t in second.themes]
    assert (first.assignments == second.assignments).all()


def test_a_representation_computed_once_can_be_reused():
    answers, _ = answers_and_truth()
    space = fit_text_space(answers, random_state=0)
    vectors = space.transform(answers)
    assert (
        suggest_themes(answers, n_themes=4, vectors=vectors).assignments
        == suggest_themes(answers, n_themes=4, random_state=0).assignments
    ).all()


def test_nothing_to_add_is_recognised_and_a_real_answer_is_not():
    for text in ["No", "nothing.", "Nothing at all, thank you", "N/A", "  ", "Can’t think of anything", "no comment"]:
        assert is_nothing_to_add(text), text
    for text in ["No more cuts to the library", "Nothing about buses in the plan", "Not enough parking", "Yes"]:
        assert not is_nothing_to_add(text), text


def test_collapse_duplicates_ignores_case_and_punctuation():
    distinct, inverse, counts = collapse_duplicates(["Save our bus!", "save our bus", "Fix the roads", "SAVE OUR BUS."])
    assert distinct == ["save our bus", "fix the roads"]
    assert list(inverse) == [0, 0, 1, 0]
    assert list(counts) == [3, 1]


def test_very_few_or_no_answers_do_not_fail():
    assert suggest_themes([]).themes == []
    one = suggest_themes(["Buses are late"])
    assert len(one.themes) == 1 and one.themes[0].size == 1
    only_nothing = suggest_themes(["No", "nothing"])
    assert [theme.label for theme in only_nothing.themes] == [NOTHING_LABEL]


def test_character_grams_counted_word_by_word_are_the_ones_tfidf_vectorizer_gives():
    answers, _ = answers_and_truth()
    learn = [normalise(text) for text in answers[::2]] + ["a bb ccc a bb"]
    unseen = [normalise(text) for text in answers[1::2]] + ["", "zzzzzz qq", "lighting lighting lighting"]
    # min_df and max_features both bite here: 300 of the n-grams seen at least twice, ties among them.
    settings = dict(ngram_range=(3, 5), min_df=2, max_features=300)
    plain = TfidfVectorizer(analyzer="char_wb", lowercase=False, sublinear_tf=True, dtype=np.float32, **settings)
    expected_learnt, expected_unseen = plain.fit_transform(learn), plain.transform(unseen)
    grams = CharacterGrams(**settings)
    learnt = grams.fit_transform(learn)
    assert grams.vocabulary_ == plain.vocabulary_
    assert np.allclose(grams.idf_, plain.idf_)
    assert np.allclose(learnt.toarray(), expected_learnt.toarray())
    assert np.allclose(grams.transform(unseen).toarray(), expected_unseen.toarray())


def test_word_grams_are_the_words_and_pairs_tfidf_vectorizer_gives():
    answers, _ = answers_and_truth()
    learn = [normalise(text) for text in answers[::2]] + ["a bb ccc a bb"]
    unseen = [normalise(text) for text in answers[1::2]] + ["", "zzzzzz qq", "street lighting street lighting"]
    settings = dict(min_df=2, max_df=0.5, max_features=60)  # ties among the 60 most frequent
    plain = TfidfVectorizer(
        ngram_range=(1, 2), stop_words=STOP_WORDS, lowercase=False, sublinear_tf=True, dtype=np.float32, **settings
    )
    expected_learnt, expected_unseen = plain.fit_transform(learn), plain.transform(unseen)
    grams = WordGrams(stop_words=STOP_WORDS, **settings)
    learnt = grams.fit_transform(learn)
    assert grams.vocabulary_ == plain.vocabulary_
    assert np.allclose(learnt.toarray(), expected_learnt.toarray())
    assert np.allclose(grams.transform(unseen).toarray(), expected_unseen.toarray())
    counter = CountVectorizer(ngram_range=(1, 2), stop_words=list(STOP_WORDS), lowercase=False)
    counts, terms = WordGrams(stop_words=STOP_WORDS).count(unseen)
    assert terms == list(counter.fit(unseen).get_feature_names_out())
    assert (counts.toarray() == counter.transform(unseen).toarray()).all()


def test_a_space_learnt_from_a_sample_places_every_answer_as_if_learnt_again():
    answers, _ = answers_and_truth()
    answers = answers + [f"{first} {second}" for first, second in zip(answers, reversed(answers))]
    space = fit_text_space(answers, random_state=0, max_fit_answers=20)
    first = space.transform(answers)  # reuses what learning computed for the 20 answers of the sample
    again = space.transform(answers)  # computes every answer afresh
    assert len(first) == len(answers) and first.dense.shape[0] == len(first.texts) == len(set(first.texts))
    assert (first.inverse == again.inverse).all() and first.texts == again.texts
    assert np.allclose(first.sparse.toarray(), again.sparse.toarray())
    assert np.allclose(first.dense, again.dense)
    assert (np.linalg.norm(first.dense[~first.nothing], axis=1) > 0.99).all()


def test_answers_the_same_but_for_case_and_punctuation_get_the_same_theme():
    answers, _ = answers_and_truth()
    copies = ["Bus fares are too expensive for a family, it is cheaper to drive!", "BUS FARES ARE TOO EXPENSIVE..."]
    suggestion = suggest_themes(answers + copies + ["bus fares are too expensive"], n_themes=4, random_state=0)
    assert suggestion.assignments[len(answers)] == suggestion.assignments[answers.index(BUSES[3])]
    assert suggestion.assignments[-2] == suggestion.assignments[-1]


def test_spacing_does_not_decide_whether_an_answer_has_nothing_to_add():
    assert is_nothing_to_add("No" + " _" * 30 + " thanks")  # underscores leave wide gaps, not words
    assert is_nothing_to_add("n/a " * 10)  # twenty words before "n a" becomes "na"
    assert not is_nothing_to_add("No, " + "the car park is full every morning " * 4)


def test_a_themes_typical_answers_show_each_thing_its_answers_say_not_one_thing_three_times():
    # As a theme of the demo's carers comments (`surveys/demo_responses.py`): most of its answers say
    # respite is hard to arrange at short notice, many that a few hours would make the difference
    # between coping and not coping, a few something else; each in many wordings.
    rng = random.Random(3)
    breaks = CARERS_THEMES["breaks"]
    short_notice = [sentence for sentence in breaks if "short notice" in sentence]
    coping = [sentence for sentence in breaks if "coping" in sentence]
    answers = [sentence_from(rng, short_notice) for _ in range(37)] + [sentence_from(rng, coping) for _ in range(29)]
    answers += [sentence_from(rng, CARERS_THEMES["information"]) for _ in range(5)]
    order = order_by_typicality([answers, ["Nothing to add", "No"]])
    shown = [answers[position] for position in order[0][:3]]
    assert any("short notice" in text for text in shown) and any("coping" in text for text in shown), shown
    assert sorted(order[0]) == list(range(len(answers))) and sorted(order[1]) == [0, 1]
