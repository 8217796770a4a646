"""A person's codeframe, learnt from the answers they have coded and applied to all the others.

Offline (scikit-learn, no outside service, no downloaded model) and deterministic given
`random_state`. Plain functions over lists of strings and 0/1 arrays (one column per theme),
so the staff site can retrain in a background task each time a person has coded some more.

    coder = train_coder(coded_texts, codes, theme_names, unlabelled=other_texts)
    coding = coder.apply(all_texts)
    coding.assigned, coding.confidence      # 0/1 and 0–1, one column per theme
    coding.needs_review()                   # the answers a person should check
    select_for_review(coder, all_texts, coded=positions_already_coded)

How the model works:

- Answers are represented as in `suggest.py` (`TextSpace`): TF-IDF of words, word pairs
  and character 3- to 5-grams, beside their LSA vectors. The vocabulary and the LSA are
  learnt from the coded and the uncoded answers together (the texts are all there; only
  their codes are not), which helps most when few are coded.
- One logistic regression per theme (an answer can carry several themes, or none). Its
  probability is the theme's probability for an answer.
- The probability above which a theme is given is chosen per theme by cross-validation on
  the coded answers (the one with the best F1 on answers the model did not learn from).
- An answer that passes no threshold gets its most probable theme if that probability
  reaches a floor, also chosen by cross-validation; an answer below it gets no theme
  ("other / unclear"). When the person never gave an answer more than N themes, the
  machine gives at most N either.
- The confidence of each 0/1 decision is the probability of the theme for a 1, one minus
  it for a 0: near 0.5 the machine is unsure either way.

Why no more than that: on the NHS patient feedback in `bench/themes.py` (1,000 coded, 9
labels and 44 subcategories), none of these beat it on micro- and macro-F1 together: one
softmax model over themes when each answer has one theme; class weights (balanced or
tempered: they raise macro-F1 by 0.01–0.03 and lower micro-F1 as much); NB-weighted
features or naive Bayes beside the regression; self-training on confident uncoded answers;
label spreading over the LSA; other weights of LSA against TF-IDF; C from 3 to 100.
They all land within about 0.01 of it. Learning from ~8,270 coded answers instead of 1,000,
the same model reaches micro-F1 0.73 on the labels (0.67 from 1,000; the ceiling in the
benchmark): the people gave one code per answer where many answers speak of several.

Agreement between a person and the machine is Cohen's kappa per theme, on a random sample
the person codes blind (`sample_for_agreement`, `agreement_per_theme`).

Stance (support / oppose / mixed), where a question asks for it, is a field of its own,
learnt the same way from answers a person has marked (`train_stance`), one stance per
answer with its confidence, for a person to review like any code.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from threadpoolctl import threadpool_limits

from haveyoursay.analysis.text.suggest import fit_text_space

REGULARISATION = 10.0  # LogisticRegression's C: the features are many and the coded answers few
FOLDS = 5
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.025), 3)
FLOORS = np.round(np.concatenate([np.arange(0.0, 0.951, 0.05), [1.01]]), 3)  # 1.01: never
REVIEW_BELOW = 0.7
SIMILAR_ENOUGH = 0.95  # answers this close (cosine of LSA vectors) are not both put forward to code


class CodingError(ValueError):
    """Coded answers the model cannot learn from; the message says what to put right."""


@dataclass
class Coding:
    """The codeframe applied: `assigned` 0/1 and `probability` 0–1, one row per answer, one column per theme."""

    themes: list
    assigned: np.ndarray
    probability: np.ndarray

    @property
    def confidence(self):
        """How sure the machine is of each 0/1: the probability for a 1, one minus it for a 0."""
        return np.where(self.assigned == 1, self.probability, 1.0 - self.probability)

    def without_theme(self):
        """Positions of the answers given no theme: "other / unclear"."""
        return np.flatnonzero(self.assigned.sum(axis=1) == 0)

    def needs_review(self, below=REVIEW_BELOW):
        """Positions of the answers with a decision less sure than `below`, least sure first."""
        least = self.confidence.min(axis=1) if len(self.themes) else np.ones(len(self.assigned))
        unsure = np.flatnonzero(least < below)
        return unsure[np.argsort(least[unsure], kind="stable")]


@dataclass
class Coder:
    """What `train_coder` learnt: apply it to any answers to the same question."""

    themes: list
    space: object
    models: list  # per theme: a LogisticRegression, or a float when the coded answers all agree
    thresholds: np.ndarray
    floor: float
    max_themes: int

    def vectorise(self, texts):
        return self.space.transform(list(texts))

    def probabilities(self, vectors):
        """Each theme's probability for each distinct answer in `vectors` (rows as in `vectors.texts`)."""
        return theme_probabilities(self.models, vectors.combined())

    def apply(self, texts=None, vectors=None):
        """The codeframe applied to `texts` (or to `vectors` already made with this coder's space)."""
        vectors = vectors if vectors is not None else self.vectorise(texts)
        probability = self.probabilities(vectors)
        assigned = decide(probability, self.thresholds, self.floor, self.max_themes)
        return Coding(list(self.themes), assigned[vectors.inverse], probability[vectors.inverse])


def theme_probabilities(models, features):
    if features.shape[0] == 0 or not models:
        return np.zeros((features.shape[0], len(models)))
    columns = [
        model.predict_proba(features)[:, 1]
        if isinstance(model, LogisticRegression)
        else np.full(features.shape[0], model)
        for model in models
    ]
    return np.column_stack(columns)


def decide(probability, thresholds, floor, max_themes):
    """0/1 per theme: above its threshold; else the likeliest theme if it reaches the floor; at most `max_themes`."""
    assigned = probability >= thresholds[None, :]
    if probability.shape[1] == 0:
        return assigned.astype(np.int8)
    order = np.argsort(-probability, axis=1, kind="stable")
    if max_themes < probability.shape[1]:
        # Keep the likeliest `max_themes` of those given.
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.arange(probability.shape[1])[None, :].repeat(len(order), axis=0), axis=1)
        assigned &= rank < max_themes
    top = order[:, 0]
    rows = np.arange(len(probability))
    none_given = ~assigned.any(axis=1)
    assigned[rows[none_given], top[none_given]] = probability[rows[none_given], top[none_given]] >= floor
    return assigned.astype(np.int8)


def check_codes(texts, codes, themes):
    """The codes as a 0/1 int8 array, or a CodingError saying what is wrong with them."""
    if len(texts) == 0:
        raise CodingError("There are no coded answers to learn from: code some answers first.")
    codes = np.asarray(codes)
    if codes.ndim != 2 or codes.shape != (len(texts), len(themes)):
        raise CodingError(
            f"Expected one row of codes per coded answer ({len(texts)}) and one column per theme ({len(themes)}), "
            f"got {codes.shape}."
        )
    if len(themes) == 0:
        raise CodingError("The codeframe has no themes: add at least one theme.")
    if not np.isin(codes, (0, 1)).all():
        raise CodingError("Codes must be 0 or 1.")
    empty = [theme for theme, column in zip(themes, codes.T) if not column.any()]
    if empty:
        raise CodingError(
            f"No coded answer has the theme{'s' if len(empty) > 1 else ''} {', '.join(map(repr, empty))}: "
            "code at least one answer with each theme, or leave it out of the codeframe."
        )
    return codes.astype(np.int8)


def train_coder(texts, codes, themes, unlabelled=(), random_state=0, space=None, folds=FOLDS):
    """Learn the codeframe from `texts` coded as `codes` (n × themes, 0/1).

    `unlabelled`: the question's other answers, uncoded; they shape the vocabulary and the LSA.
    `space`: a `TextSpace` already learnt from all the answers, to reuse instead.
    """
    texts, themes = list(texts), list(themes)
    codes = check_codes(texts, codes, themes)
    if space is None:
        space = fit_text_space(texts + list(unlabelled), random_state=random_state)
    vectors = space.transform(texts)
    # One row per coded answer, duplicates included: each counts as the person coded it.
    features = vectors.combined()[vectors.inverse]
    # Each fit is small and single-threaded: BLAS and OpenMP threads left waiting for work
    # only slow it down (ten times, measured, once k-means or the SVD had run before it).
    with threadpool_limits(limits=1):
        held_out = out_of_fold_probabilities(features, codes, folds, random_state)
        thresholds = choose_thresholds(held_out, codes)
        max_themes = int(max(1, codes.sum(axis=1).max()))
        floor = choose_floor(held_out, codes, thresholds, max_themes)
        models = fit_theme_models(features, codes, random_state)
    return Coder(themes, space, models, thresholds, floor, max_themes)


def fit_theme_models(features, codes, random_state):
    models = []
    for column in codes.T:
        if column.min() == column.max():
            models.append(float(column[0]))
            continue
        # liblinear: on the NHS feedback's rare themes, ten times faster than lbfgs, as accurate.
        model = LogisticRegression(C=REGULARISATION, solver="liblinear", max_iter=1000, random_state=random_state)
        models.append(model.fit(features, column))
    return models


def out_of_fold_probabilities(features, codes, folds, random_state):
    """Each coded answer's probabilities from models that did not see it (k-fold)."""
    n_answers = codes.shape[0]
    held_out = np.zeros(codes.shape, dtype=float)
    if n_answers < 4:
        # Too few to hold any out: judge the models on what they learnt from (thresholds stay near 0.5).
        held_out[:] = theme_probabilities(fit_theme_models(features, codes, random_state), features)
        return held_out
    splitter = KFold(n_splits=min(folds, n_answers), shuffle=True, random_state=random_state)
    for learn, judge in splitter.split(features):
        models = fit_theme_models(features[learn], codes[learn], random_state)
        held_out[judge] = theme_probabilities(models, features[judge])
    return held_out


def choose_thresholds(probability, codes):
    """Per theme, the threshold with the best F1 on held-out probabilities; ties go to the one nearest 0.5."""
    nearest_half = np.argsort(np.abs(THRESHOLDS - 0.5), kind="stable")
    chosen = np.empty(codes.shape[1])
    for theme in range(codes.shape[1]):
        scores = [f1(codes[:, theme], probability[:, theme] >= threshold) for threshold in THRESHOLDS[nearest_half]]
        chosen[theme] = THRESHOLDS[nearest_half][int(np.argmax(scores))]
    return chosen


def choose_floor(probability, codes, thresholds, max_themes):
    """The floor for giving an answer its likeliest theme when none passes: best micro-F1 held out."""
    scores = [f1(codes, decide(probability, thresholds, floor, max_themes)) for floor in FLOORS]
    return float(FLOORS[int(np.argmax(scores))])


def f1(truth, predicted):
    """F1 of 0/1 decisions over all cells (micro-F1 for a 2-D array); 1.0 when neither has any 1."""
    truth, predicted = np.asarray(truth).astype(bool), np.asarray(predicted).astype(bool)
    true_positive = np.sum(truth & predicted)
    given = truth.sum() + predicted.sum()
    return 1.0 if given == 0 else 2.0 * true_positive / given


def macro_f1(truth, predicted):
    """The mean over themes of each theme's F1."""
    return float(np.mean([f1(truth[:, theme], predicted[:, theme]) for theme in range(truth.shape[1])]))


def select_for_review(coder, texts, coded=(), how_many=20, vectors=None, random_state=0):
    """Positions of uncoded answers a person should code next to teach the machine fastest.

    In turn: one the machine is least sure of, then one drawn at random from all the answers
    (so the person also sees what is common, not only what is hard). Least sure is, where
    people give an answer one theme at most, the smallest lead of the likeliest theme over
    the next; otherwise a probability nearest a theme's threshold. No two are identical or
    nearly so (an answer identical to a coded one counts as coded), and none is in `coded`.

    Measured by bench/themes.py on the NHS feedback (100 at random, then 50 at a time; seeds
    0–2), micro/macro-F1 after 1,000 coded: labels 0.686/0.476 against 0.671/0.476 all at
    random; subcategories 0.542/0.194 against 0.546/0.191. Putting forward the least sure
    and the most typical of each theme, as before, did worse than random (0.661/0.443 and
    0.528/0.150): the typical answers were much alike and taught little.
    """
    vectors = vectors if vectors is not None else coder.vectorise(texts)
    _, first_answer = np.unique(vectors.inverse, return_index=True)
    done = np.zeros(len(vectors.texts), dtype=bool)
    coded = np.asarray(list(coded), dtype=np.int64)
    done[vectors.inverse[coded]] = True
    candidates = np.flatnonzero(~done)
    if not len(candidates) or how_many <= 0:
        return []
    probability = coder.probabilities(vectors)[candidates]
    if coder.max_themes == 1 and probability.shape[1] > 1:
        likeliest = -np.sort(-probability, axis=1)[:, :2]
        unsure = likeliest[:, 0] - likeliest[:, 1]
    else:
        unsure = np.abs(probability - coder.thresholds[None, :]).min(axis=1)
    least_sure = candidates[np.argsort(unsure, kind="stable")]
    picked = pick_diverse([least_sure, at_random(vectors.inverse, done, random_state, len(coded))], vectors.dense, how_many)
    return [int(first_answer[row]) for row in picked]


def at_random(inverse, done, random_state, round_number):
    """Distinct answers not yet coded, in a random order of all answers: a text many people
    wrote comes up as often as they wrote it. A new order for each round of coding."""
    order = inverse[np.random.default_rng([random_state, round_number]).permutation(len(inverse))]
    order = order[~done[order]]
    _, first = np.unique(order, return_index=True)
    return order[np.sort(first)]


def pick_diverse(sources, dense, how_many):
    """Take from each source in turn, skipping rows already taken or too like one taken."""
    picked, positions = [], [0] * len(sources)
    while len(picked) < how_many and any(p < len(s) for p, s in zip(positions, sources)):
        for number, source in enumerate(sources):
            while positions[number] < len(source):
                row = source[positions[number]]
                positions[number] += 1
                if row in picked or (picked and (dense[picked] @ dense[row]).max() >= SIMILAR_ENOUGH):
                    continue
                picked.append(int(row))
                break
            if len(picked) >= how_many:
                break
    return picked


def sample_for_agreement(n_answers, size, random_state=0):
    """Positions of a random sample of answers for a person to code blind, to measure agreement."""
    rng = np.random.default_rng(random_state)
    return np.sort(rng.choice(n_answers, size=min(size, n_answers), replace=False))


@dataclass
class Agreement:
    """How far a person and the machine agree on one theme over the same answers."""

    theme: str
    kappa: float  # Cohen's kappa: 1 full agreement, 0 no better than chance
    observed: float  # share of answers on which they agree
    answers: int
    by_person: int  # answers the person gave the theme
    by_machine: int


def cohens_kappa(first, second):
    """Cohen's kappa of two 0/1 codings of the same answers.

    When both give every answer the same single value, chance agreement is complete and
    kappa's formula is 0/0: they agree on everything, so it is 1.
    """
    first, second = np.asarray(first).astype(bool), np.asarray(second).astype(bool)
    if len(first) != len(second):
        raise ValueError("Both codings must cover the same answers.")
    if not len(first):
        return float("nan")
    observed = np.mean(first == second)
    chance = first.mean() * second.mean() + (1 - first.mean()) * (1 - second.mean())
    if chance >= 1.0:
        return 1.0
    return float((observed - chance) / (1.0 - chance))


def agreement_per_theme(person, machine, themes):
    """An `Agreement` for each theme between a person's codes and the machine's (n × themes, 0/1)."""
    person, machine = np.asarray(person), np.asarray(machine)
    return [
        Agreement(
            theme,
            cohens_kappa(person[:, number], machine[:, number]),
            float(np.mean(person[:, number] == machine[:, number])) if len(person) else float("nan"),
            len(person),
            int(person[:, number].sum()),
            int(machine[:, number].sum()),
        )
        for number, theme in enumerate(themes)
    ]


STANCES = ("support", "oppose", "mixed")


@dataclass
class StanceCoding:
    """Each answer's likeliest stance and the machine's confidence in it (0–1)."""

    stance: list
    confidence: np.ndarray

    def needs_review(self, below=REVIEW_BELOW):
        unsure = np.flatnonzero(self.confidence < below)
        return unsure[np.argsort(self.confidence[unsure], kind="stable")]


@dataclass
class StanceModel:
    stances: list
    space: object
    model: LogisticRegression

    def apply(self, texts=None, vectors=None):
        vectors = vectors if vectors is not None else self.space.transform(list(texts))
        if not len(vectors.texts):
            return StanceCoding([], np.zeros(0))
        probability = self.model.predict_proba(vectors.combined())
        best = probability.argmax(axis=1)
        stance = [self.model.classes_[row] for row in best[vectors.inverse]]
        return StanceCoding(stance, probability.max(axis=1)[vectors.inverse])


def train_stance(texts, stances, unlabelled=(), random_state=0, space=None):
    """Learn support / oppose / mixed from answers a person has marked (one of STANCES each)."""
    texts = list(texts)
    stances = [str(stance).strip().lower() for stance in stances]
    if len(stances) != len(texts):
        raise CodingError(f"Expected one stance per answer ({len(texts)}), got {len(stances)}.")
    unknown = sorted(set(stances) - set(STANCES))
    if unknown:
        raise CodingError(f"{unknown[0]!r} is not a stance: mark each answer {', '.join(STANCES)}.")
    if len(set(stances)) < 2:
        raise CodingError("Mark answers with at least two different stances before the machine can tell them apart.")
    if space is None:
        space = fit_text_space(texts + list(unlabelled), random_state=random_state)
    vectors = space.transform(texts)
    model = LogisticRegression(C=REGULARISATION, max_iter=2000, random_state=random_state)
    with threadpool_limits(limits=1):
        model.fit(vectors.combined()[vectors.inverse], stances)
    return StanceModel(sorted(set(stances)), space, model)
