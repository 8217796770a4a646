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
- Its form is chosen from the coded answers it is given (`choose_form`; each choice can be
  set by hand with `form=`):
  - one theme per answer (no coded answer has two): one multinomial logistic regression
    over the themes, with "no theme" as one more class if some coded answers have none;
    each answer gets its likeliest class. Several themes per answer: one logistic
    regression per theme, each with a threshold chosen by cross-validation on the coded
    answers (the one with the best F1 on answers the model did not learn from); an answer
    that passes none gets its most probable theme if that reaches a floor, and no answer
    gets more themes than the number, from 1 to the most a person gave one, that did best
    held out (floor and number chosen together);
  - rare themes weighted up when the commonest theme is coded 5 times as often as the
    rarest or more (weights tempered: the square root of the ratio of counts);
  - complement naive Bayes blended into the regression's probabilities when each answer has
    one theme, short answers or long;
  - one threshold for all themes when fewer than 150 answers with several themes are coded;
  - the single model held back less (C from 0.5 to 3) the more answers are coded.
- The confidence of each 0/1 decision is the probability of the theme for a 1, one minus
  it for a 0: near 0.5 the machine is unsure either way.

`bench/themes.py` shows what each choice does, made the other way, on the NHS patient
feedback where the rules were set (1,000 coded, 9 labels) and on data they were not set
on (44 subcategories; answers joined in pairs with several labels; long answers). Tried on
the NHS labels and dropped: self-training on confident uncoded answers, label spreading
over the LSA, other weights of LSA against TF-IDF, more LSA dimensions (300), fully
balanced class weights (macro-F1 up, micro-F1 down 0.02), complement naive Bayes alone
(0.63 micro-F1); and on the labels, subcategories and long answers: C chosen by inner
cross-validation (the choice unsteady from one seed to the next, no better, ten times the
time), NB-SVM log-count ratio features (0.654), a linear SVM, a second word TF-IDF that
keeps stop words (within 0.002); and on the labels and subcategories over six seeds: a
class-prior correction or an offset per theme chosen by cross-validation on the coded
answers, the single model blended with one model per theme or with a vote of the nearest
coded answers, and the person's code for uncoded answers identical to a coded one (none
better on both by more than the spread between seeds, 0.003).

Agreement between a person and the machine is Cohen's kappa per theme, on a random sample
the person codes blind (`sample_for_agreement`, `agreement_per_theme`).

Stance (support / oppose / mixed), where a question asks for it, is a field of its own,
learnt the same way from answers a person has marked (`train_stance`), one stance per
answer with its confidence, for a person to review like any code.
"""

from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.naive_bayes import ComplementNB
from threadpoolctl import threadpool_limits

from haveyoursay.analysis.themes.text.suggest import fit_text_space

REGULARISATION = 10.0  # LogisticRegression's C for one model per theme: the features are many, the coded answers few
# C of the single model over all themes (one code per answer): C = coded answers / 2,000, from 0.5 to 3.
# On the NHS labels, 0.5 did best from 1,000 coded (micro/macro-F1 0.674/0.518 against 0.667/0.510
# at C=3), 3 from 8,000 (0.710/0.598 against 0.703/0.589 at 0.5): the more answers, the less the
# model need be held back.
ONE_CODE_REGULARISATION = (0.5, 3.0)
ANSWERS_PER_UNIT_C = 2000
FOLDS = 5
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.025), 3)
FLOORS = np.round(np.concatenate([np.arange(0.0, 0.951, 0.05), [1.01]]), 3)  # 1.01: never
REVIEW_BELOW = 0.7
SIMILAR_ENOUGH = 0.95  # answers this close (cosine of LSA vectors) are not both put forward to code
POOL_PER_PICK = 10  # the answers put forward are chosen among this many times as many of the least sure

# How the engine chooses its form from the coded answers it is given (`choose_form`).
RARE_RATIO = 5  # the commonest theme coded this many times as often as the rarest: rare themes are weighted up
RARE_WEIGHT_POWER = 0.5  # a theme's weight is (commonest count / its count) ** this: tempered, not fully balanced
NAIVE_BAYES_SHARE = 0.3  # its share of the log-probabilities when it does
NAIVE_BAYES_ALPHA = 0.1
FEW_CODED = 150  # fewer coded answers than this: one threshold for every theme, not one each


class CodingError(ValueError):
    """Coded answers the model cannot learn from; the message says what to put right."""


@dataclass(frozen=True)
class Form:
    """The shape of model the coded answers call for (`choose_form`); each part can be set by hand."""

    one_code_per_answer: bool  # one model choosing among the themes, rather than one yes/no model per theme
    rare_theme_weights: bool  # rarer themes weigh more in learning
    naive_bayes: bool  # complement naive Bayes blended into the regression's probabilities
    shared_threshold: bool  # one threshold for all themes (several codes per answer only)
    regularisation: float = 1.0  # C of the single model over all themes: larger with more coded answers

    def describe(self):
        """The choices in words, for the analyst and the benchmark."""
        return "; ".join(
            [
                "one theme per answer, one model over all themes" if self.one_code_per_answer
                else "several themes per answer, one model per theme",
                "rare themes weighted up" if self.rare_theme_weights else "themes weighted as coded",
                "naive Bayes blended in" if self.naive_bayes else "regression alone",
            ]
            + ([f"C {self.regularisation:g}"] if self.one_code_per_answer else [])
            + ([] if self.one_code_per_answer else
               ["one threshold for all themes (few coded)" if self.shared_threshold else "a threshold per theme"])
        )


def choose_form(texts, codes):
    """The form of model the coded answers call for.

    - One code per answer when no coded answer has more than one: a single multinomial
      regression over the themes (with "no theme" as one more class if some coded answers
      have none) gives every answer its likeliest theme; the probabilities of the themes
      compete, as the person's codes did. Otherwise one logistic regression per theme,
      each with its own threshold.
    - Rare themes weighted up when the commonest theme was coded `RARE_RATIO` times as
      often as the rarest or more: a theme coded 14 times in 1,000 is otherwise never
      given, and macro-F1 (each theme counting the same) suffers most.
    - Naive Bayes blended in when there is one code per answer: its word counts are a
      sturdy second opinion beside the regression (Wang and Manning, 2012, "Baselines and
      bigrams"), on short answers and on long ones alike (measured in bench/themes.py: on
      answers three times as long it adds more than on short ones).
    - One threshold shared by all themes when fewer than `FEW_CODED` answers are coded
      (several codes per answer): a threshold per theme from so few is mostly noise.
    - The single model held back more (smaller C) the fewer answers are coded.
    """
    codes = np.asarray(codes)
    per_answer = codes.sum(axis=1) if codes.size else np.zeros(len(codes))
    one_code = bool(len(codes)) and int(per_answer.max()) <= 1
    counts = codes.sum(axis=0)
    if one_code and (per_answer == 0).any():
        counts = np.append(counts, (per_answer == 0).sum())
    counts = counts[counts > 0]
    rare = len(counts) > 1 and counts.max() >= RARE_RATIO * counts.min()
    return Form(
        one_code_per_answer=one_code,
        rare_theme_weights=bool(rare),
        naive_bayes=one_code,
        shared_threshold=bool(not one_code and len(codes) < FEW_CODED),
        regularisation=float(np.clip(len(codes) / ANSWERS_PER_UNIT_C, *ONE_CODE_REGULARISATION)),
    )


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
class SingleChoice:
    """One model choosing one class per answer among the themes (and "no theme"): the one-code form."""

    classes: np.ndarray  # the theme column of each class the model knows, -1 for "no theme"
    regression: LogisticRegression
    naive_bayes: ComplementNB | None
    n_themes: int
    columns: np.ndarray | None = None  # the features some coded answer has: the others would weigh 0
    tfidf_columns: np.ndarray | None = None

    def theme_probabilities(self, features, tfidf):
        """Per answer and theme, the probability that it is the answer's theme (they sum to 1 with "no theme")."""
        if features.shape[0] == 0:
            return np.zeros((0, self.n_themes))
        if self.columns is not None:
            features = features[:, self.columns]
        log_probability = self.regression.predict_log_proba(features)
        if self.naive_bayes is not None:
            log_probability = (1 - NAIVE_BAYES_SHARE) * log_probability + NAIVE_BAYES_SHARE * np.log(
                np.clip(self.naive_bayes.predict_proba(tfidf[:, self.tfidf_columns]), 1e-12, None)
            )
        log_probability -= log_probability.max(axis=1, keepdims=True)
        probability = np.exp(log_probability)
        probability /= probability.sum(axis=1, keepdims=True)
        result = np.zeros((features.shape[0], self.n_themes))
        known = self.classes >= 0
        result[:, self.classes[known]] = probability[:, known]
        return result


@dataclass
class Coder:
    """What `train_coder` learnt: apply it to any answers to the same question."""

    themes: list
    space: object
    models: list  # per theme: a LogisticRegression, or a float when the coded answers all agree; or one SingleChoice
    thresholds: np.ndarray
    floor: float
    max_themes: int
    form: Form = field(default_factory=lambda: Form(False, False, False, False))

    def vectorise(self, texts):
        return self.space.transform(list(texts))

    def probabilities(self, vectors):
        """Each theme's probability for each distinct answer in `vectors` (rows as in `vectors.texts`)."""
        if self.models and isinstance(self.models[0], SingleChoice):
            return self.models[0].theme_probabilities(vectors.combined(), vectors.sparse)
        return theme_probabilities(self.models, vectors.combined())

    def apply(self, texts=None, vectors=None):
        """The codeframe applied to `texts` (or to `vectors` already made with this coder's space)."""
        vectors = vectors if vectors is not None else self.vectorise(texts)
        probability = self.probabilities(vectors)
        if self.form.one_code_per_answer:
            assigned = decide_one(probability)
        else:
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


def decide_one(probability):
    """0/1 per theme when each answer has one theme at most: its likeliest, unless "no theme" is likelier.

    The themes' probabilities and "no theme"'s sum to 1, so "no theme" is what is left over.
    """
    assigned = np.zeros(probability.shape, dtype=np.int8)
    if probability.shape[1] == 0 or probability.shape[0] == 0:
        return assigned
    top = probability.argmax(axis=1)
    rows = np.arange(len(probability))
    best = probability[rows, top]
    assigned[rows, top] = best >= 1.0 - probability.sum(axis=1)
    return assigned


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


def train_coder(
    texts, codes, themes, unlabelled=(), random_state=0, space=None, folds=FOLDS, form=None, weights=None
):
    """Learn the codeframe from `texts` coded as `codes` (n × themes, 0/1).

    `unlabelled`: the question's other answers, uncoded; they shape the vocabulary and the LSA.
    `space`: a `TextSpace` already learnt from all the answers, to reuse instead.
    `form`: a `Form` to use instead of the one `choose_form` finds in the coded answers.
    `weights`: how much each coded answer counts in learning (above 0; 1 each if not given).
    """
    texts, themes = list(texts), list(themes)
    codes = check_codes(texts, codes, themes)
    weights = check_weights(weights, len(texts))
    form = form or choose_form(texts, codes)
    if form.one_code_per_answer and codes.sum(axis=1).max() > 1:
        raise CodingError("Some coded answers have several themes: they cannot be learnt one theme per answer.")
    if space is None:
        space = fit_text_space(texts + list(unlabelled), random_state=random_state)
    vectors = space.transform(texts)
    # One row per coded answer, duplicates included: each counts as the person coded it.
    features = vectors.combined()[vectors.inverse]
    tfidf = vectors.sparse[vectors.inverse]
    # Each fit is small and single-threaded: BLAS and OpenMP threads left waiting for work
    # only slow it down (ten times, measured, once k-means or the SVD had run before it).
    with threadpool_limits(limits=1):
        if form.one_code_per_answer:
            model = fit_single_choice(features, tfidf, codes, form, random_state, weights)
            return Coder(themes, space, [model], np.full(len(themes), 0.5), 0.0, 1, form)
        held_out = out_of_fold_probabilities(features, codes, folds, random_state, form, weights)
        thresholds = choose_thresholds(held_out, codes, shared=form.shared_threshold)
        floor, max_themes = choose_floor_and_most(held_out, codes, thresholds)
        models = fit_theme_models(features, codes, random_state, form, weights)
    return Coder(themes, space, models, thresholds, floor, max_themes, form)


def check_weights(weights, n_answers):
    """The weights as a float array of one positive number per coded answer, or None for 1 each."""
    if weights is None:
        return None
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (n_answers,) or not np.all(np.isfinite(weights)) or (weights <= 0).any():
        raise CodingError(f"Expected one weight above 0 per coded answer ({n_answers}), got {weights.shape}.")
    return weights


def fit_single_choice(features, tfidf, codes, form, random_state, weights=None):
    """The one-code form: a multinomial regression (and naive Bayes) over the themes and "no theme"."""
    target = np.where(codes.sum(axis=1) > 0, codes.argmax(axis=1), -1)
    classes = np.unique(target)
    if len(classes) == 1:
        # Every coded answer has the same theme (or none): nothing to choose between.
        regression = _Constant(classes)
        return SingleChoice(classes, regression, None, codes.shape[1])
    class_weights = rare_weights(target) if form.rare_theme_weights else None
    # A feature no coded answer has gets no weight under L2 regularisation: leaving them out
    # changes nothing but the time (ten times less, from a vocabulary of all the answers).
    columns = used_columns(features)
    # newton-cg: on the NHS feedback as accurate as lbfgs, ten to thirty times faster (7 iterations, not 50).
    regression = LogisticRegression(
        C=form.regularisation, class_weight=class_weights, solver="newton-cg", max_iter=200, random_state=random_state
    ).fit(features[:, columns], target, sample_weight=weights)
    naive_bayes, tfidf_columns = None, None
    if form.naive_bayes:
        tfidf_columns = used_columns(tfidf)
        sample = weights
        if class_weights is not None:
            sample = np.array([class_weights[value] for value in target]) * (1.0 if weights is None else weights)
        naive_bayes = ComplementNB(alpha=NAIVE_BAYES_ALPHA).fit(tfidf[:, tfidf_columns], target, sample_weight=sample)
    return SingleChoice(regression.classes_, regression, naive_bayes, codes.shape[1], columns, tfidf_columns)


def used_columns(matrix):
    return np.flatnonzero(np.diff(matrix.tocsc().indptr))


class _Constant:
    """A model for coded answers that all have one class: that class, with probability 1."""

    def __init__(self, classes):
        self.classes_ = classes

    def predict_log_proba(self, features):
        return np.zeros((features.shape[0], 1))


def rare_weights(target):
    """{class: weight}: (commonest count / its count) ** RARE_WEIGHT_POWER."""
    values, counts = np.unique(target, return_counts=True)
    return {value: float((counts.max() / count) ** RARE_WEIGHT_POWER) for value, count in zip(values, counts)}


def fit_theme_models(features, codes, random_state, form=None, weights=None):
    models = []
    for column in codes.T:
        if column.min() == column.max():
            models.append(float(column[0]))
            continue
        class_weights = None
        if form is not None and form.rare_theme_weights:
            # A rare theme's yes weighs as its share calls for, tempered; its no stays 1.
            ratio = max(1.0, (len(column) - column.sum()) / column.sum())
            class_weights = {0: 1.0, 1: float(ratio ** RARE_WEIGHT_POWER)}
        # liblinear: on the NHS feedback's rare themes, ten times faster than lbfgs, as accurate.
        model = LogisticRegression(
            C=REGULARISATION, solver="liblinear", max_iter=1000, random_state=random_state, class_weight=class_weights
        )
        models.append(model.fit(features, column, sample_weight=weights))
    return models


def out_of_fold_probabilities(features, codes, folds, random_state, form=None, weights=None):
    """Each coded answer's probabilities from models that did not see it (k-fold)."""
    n_answers = codes.shape[0]
    held_out = np.zeros(codes.shape, dtype=float)
    if n_answers < 4:
        # Too few to hold any out: judge the models on what they learnt from (thresholds stay near 0.5).
        held_out[:] = theme_probabilities(fit_theme_models(features, codes, random_state, form, weights), features)
        return held_out
    splitter = KFold(n_splits=min(folds, n_answers), shuffle=True, random_state=random_state)
    for learn, judge in splitter.split(features):
        learn_weights = None if weights is None else weights[learn]
        models = fit_theme_models(features[learn], codes[learn], random_state, form, learn_weights)
        held_out[judge] = theme_probabilities(models, features[judge])
    return held_out


def choose_thresholds(probability, codes, shared=False):
    """Per theme, the threshold with the best F1 on held-out probabilities; ties go to the one nearest 0.5.

    `shared`: one threshold for all themes, the one with the best micro-F1.
    """
    nearest_half = THRESHOLDS[np.argsort(np.abs(THRESHOLDS - 0.5), kind="stable")]
    if shared:
        scores = [f1(codes, probability >= threshold) for threshold in nearest_half]
        return np.full(codes.shape[1], nearest_half[int(np.argmax(scores))])
    chosen = np.empty(codes.shape[1])
    for theme in range(codes.shape[1]):
        scores = [f1(codes[:, theme], probability[:, theme] >= threshold) for threshold in nearest_half]
        chosen[theme] = nearest_half[int(np.argmax(scores))]
    return chosen


def choose_floor_and_most(probability, codes, thresholds):
    """The floor for giving an answer its likeliest theme when none passes, and the most themes an answer is
    given (from 1 to the most a person gave one): the pair with the best micro-F1 held out."""
    most_coded = int(max(1, codes.sum(axis=1).max()))
    best, chosen = -1.0, (0.0, most_coded)
    for most in range(most_coded, 0, -1):
        for floor in FLOORS:
            score = f1(codes, decide(probability, thresholds, floor, most))
            if score > best + 1e-12:
                best, chosen = score, (float(floor), most)
    return chosen


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

    Doubt and variety together (Zhdanov, 2019, "Diverse mini-batch active learning"): the
    `POOL_PER_PICK` × `how_many` answers the machine is least sure of are clustered by k-means
    on their LSA vectors into `how_many` groups, each answer weighing as much as the machine
    doubts it, and from each group the answer nearest its centre is put forward, least sure
    first. Least sure is, where people give an answer one theme at most, the smallest lead of
    the likeliest theme over the next; otherwise a probability nearest a theme's threshold.
    The least sure answers alone are often alike (a dozen ways of saying the same unclear
    thing), and are often outliers while few are coded; the groups spread the picks over the
    kinds of answer the machine doubts, and the centres are typical of them. No two are
    identical or nearly so (an answer identical to a coded one counts as coded), and none is
    in `coded`.

    Measured by bench/themes.py on the NHS feedback (100 at random, then 50 at a time; seeds
    0–1), micro/macro-F1 on the labels after 250, 500 and 1,000 coded: 0.633/0.443,
    0.668/0.488, 0.703/0.547 against 0.623/0.431, 0.653/0.481, 0.671/0.514 all at random.
    Tried before and replaced: the least sure and answers drawn at random in turn (two at
    random for each least sure while fewer than 300 were coded), 0.623, 0.667, 0.691 on the
    labels, level with random at 250; the same with k-means groups for the least-sure half,
    0.617 at 250; the least sure of each theme the machine gives in turn, 0.619 at 250.
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
    order = np.argsort(unsure, kind="stable")[: POOL_PER_PICK * how_many]
    pool, doubt = candidates[order], np.clip(1.0 - unsure[order], 1e-3, None)
    picked = pick_from_groups(pool, doubt, vectors.dense, how_many, random_state)
    return [int(first_answer[row]) for row in picked]


def pick_from_groups(pool, doubt, dense, how_many, random_state):
    """Rows of `pool` (least sure first), one from each of `how_many` k-means groups weighted by `doubt`:
    the nearest its centre not identical or nearly so to one already taken; then, if groups came
    up short, the least sure left."""
    groups = min(how_many, len(pool))
    if groups <= 1:
        distance = np.zeros((len(pool), 1))
    else:
        with threadpool_limits(limits=1):
            kmeans = KMeans(n_clusters=groups, n_init=1, random_state=random_state)
            distance = kmeans.fit(dense[pool], sample_weight=doubt).transform(dense[pool])
    picked = []

    def takes(row):
        return row not in picked and not (picked and (dense[picked] @ dense[row]).max() >= SIMILAR_ENOUGH)

    for group in range(distance.shape[1]):
        nearest = pool[np.argsort(distance[:, group], kind="stable")]
        row = next((int(row) for row in nearest if takes(int(row))), None)
        if row is not None:
            picked.append(row)
    for row in pool:
        if len(picked) >= how_many:
            break
        if takes(int(row)):
            picked.append(int(row))
    rank = {int(row): position for position, row in enumerate(pool)}
    return sorted(picked[:how_many], key=rank.__getitem__)


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
