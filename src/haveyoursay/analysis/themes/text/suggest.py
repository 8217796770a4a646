"""Themes suggested from the free-text answers to one question, before anyone has coded them.

Offline and deterministic: scikit-learn only, no outside service, no downloaded model, and the
same answers with the same `random_state` always give the same themes.

    suggestion = suggest_themes(answers)
    for theme in suggestion.themes:
        print(theme.label, theme.size, [answers[i] for i in theme.typical])

How:

1. Answers are normalised (case, apostrophes, punctuation, spacing) and identical ones
   collapsed into one, weighted by how many people gave it, so a thousand "Nothing" answers
   cost what one does and still count a thousand times.
2. Answers that say there is nothing to add ("No", "Nothing at all", "N/A", "Can't think of
   anything") form a theme of their own: they are a large share of most consultations'
   open questions and would otherwise be scattered across the others.
3. The rest are represented by TF-IDF of words and word pairs and of character 3- to
   5-grams inside words (so "park", "parking" and "carpark" meet), sublinear term
   frequencies, then latent semantic analysis (truncated SVD) to 100 dimensions and unit
   length, so that answers which use different words for the same thing come closer.
4. They are clustered by k-means on those vectors (cosine, in effect), weighted by how many
   gave each answer. The number of themes is the one asked for, or √(n/2) for n distinct
   answers, from 2 to 20 (`choose_theme_count` says why).
5. Each theme is labelled by the words and phrases that distinguish it from the other
   themes (class-based TF-IDF: frequent in this theme, rare in the others), and its typical
   answers are those nearest its centre.

The representation (`TextSpace`) is shared with `coding.py`, which learns a person's
codeframe on the same vectors.
"""

import re
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

NOTHING_LABEL = "Nothing to add"
MAX_THEMES = 20
DIMENSIONS = 100
# The vocabulary and the SVD are learnt from at most this many distinct answers: beyond it
# they barely change, while the cost keeps growing. Every answer is still transformed.
MAX_FIT_ANSWERS = 20_000
TYPICAL_ANSWERS = 5
LABEL_TERMS = 3
DEFINING_TERMS = 10
DISTINCTIVE_RATIO = 1.5

# Words that any consultation answer may use whatever it is about: they never define a theme.
DOMAIN_STOP_WORDS = frozenset(
    """
    think thing things really just like would could should also get got much many make made
    feel felt know way lot lots well yes ok okay dont didnt doesnt im ive cant wont etc
    council consultation question survey answer comment comments please thank thanks
    """.split()
)
LABEL_STOP_WORDS = ENGLISH_STOP_WORDS | DOMAIN_STOP_WORDS
# "Not enough parking" and "parking" say different things: negations stay in the representation.
NEGATIONS = frozenset("no not nothing never none nobody cannot cant dont didnt doesnt wont isnt arent wasnt".split())
STOP_WORDS = sorted(ENGLISH_STOP_WORDS - NEGATIONS)

# "Nothing to add" answers: made only of these words, with at least one of NOTHING_CORE.
NOTHING_CORE = frozenset("no nothing none nope nil na nowt nada cant".split())
NOTHING_FILLER = frozenset(
    """
    i at all really else whatsoever to add say mention report improve of anything can think
    comes come spring springs mind not a applicable thank thanks you comment comments just
    sorry as such so far the moment at this time there is it that s m overall honestly
    absolutely totally thing whatever
    """.split()
)
MAX_NOTHING_WORDS = 10

APOSTROPHE_RE = re.compile(r"['’‘`]")
NON_WORD_RE = re.compile(r"[^\w]+")
N_A_RE = re.compile(r"\bn a\b")  # "N/A" once punctuation is gone


def normalise(text):
    """Lower case, apostrophes dropped ("can't" -> "cant"), anything else not a letter or digit a space."""
    text = APOSTROPHE_RE.sub("", str(text or "").lower())
    return NON_WORD_RE.sub(" ", text).replace("_", " ").strip()


def is_nothing_to_add(text):
    """True for an empty answer or one that only says there is nothing to say."""
    words = N_A_RE.sub("na", normalise(text)).split()
    if not words:
        return True
    if len(words) > MAX_NOTHING_WORDS:
        return False
    return any(word in NOTHING_CORE for word in words) and all(
        word in NOTHING_CORE or word in NOTHING_FILLER for word in words
    )


def collapse_duplicates(texts):
    """(distinct normalised texts, the row of each answer among them, how many answers each row stands for)."""
    rows, distinct, inverse = {}, [], np.empty(len(texts), dtype=np.int64)
    for position, text in enumerate(texts):
        key = normalise(text)
        row = rows.get(key)
        if row is None:
            row = rows[key] = len(distinct)
            distinct.append(key)
        inverse[position] = row
    counts = np.bincount(inverse, minlength=len(distinct)) if len(texts) else np.zeros(0, dtype=np.int64)
    return distinct, inverse, counts


class CharacterGrams:
    """TF-IDF of character n-grams inside words, counted word by word: what
    `TfidfVectorizer(analyzer="char_wb", lowercase=False, sublinear_tf=True)` gives, in a fraction of the time.

    An answer's n-grams inside words are the sum of its words' n-grams, so each distinct word
    is cut into n-grams once and the answers' counts are the product of two sparse matrices
    (answers × words, words × n-grams), where TfidfVectorizer passes every n-gram of every
    answer through Python: on long answers that was most of the time spent on the whole
    representation. Everything else is TfidfVectorizer's: the n-grams (its own analyser cuts
    each word), the limits on document frequency and on the number of n-grams (the most
    frequent kept, ties broken as it breaks them), smoothed IDF and unit rows.
    """

    def __init__(self, ngram_range=(3, 5), min_df=1, max_df=1.0, max_features=None):
        self.ngram_range, self.min_df, self.max_df, self.max_features = ngram_range, min_df, max_df, max_features
        self.analyse = TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range, lowercase=False).build_analyzer()

    def fit(self, texts):
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts):
        """Learn the n-grams and their weights from `texts` and return their TF-IDF (the same as `transform`)."""
        words, by_word = self._word_counts(texts)
        grams = sorted({gram for word in words for gram in self.analyse(word)})
        if not grams:
            raise ValueError("empty vocabulary: the answers have no words")
        counts = by_word @ self._grams_of_words(words, {gram: column for column, gram in enumerate(grams)})
        kept = self._kept_columns(counts)
        counts = counts[:, kept]
        self.vocabulary_ = {grams[column]: position for position, column in enumerate(kept)}
        frequency = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float32) + np.float32(1)
        self.idf_ = np.log(np.float32(counts.shape[0] + 1) / frequency) + np.float32(1)
        return self._weigh(counts)

    def transform(self, texts):
        words, by_word = self._word_counts(texts)
        return self._weigh(by_word @ self._grams_of_words(words, self.vocabulary_))

    def _kept_columns(self, counts):
        """The columns TfidfVectorizer keeps: within the document-frequency limits, then the most frequent."""
        documents = counts.shape[0]
        frequency = np.bincount(counts.indices, minlength=counts.shape[1])
        most = self.max_df if isinstance(self.max_df, int) else self.max_df * documents
        least = self.min_df if isinstance(self.min_df, int) else self.min_df * documents
        if most < least:
            raise ValueError("max_df corresponds to fewer documents than min_df")
        mask = (frequency <= most) & (frequency >= least)
        if self.max_features is not None and mask.sum() > self.max_features:
            totals = np.asarray(counts.sum(axis=0)).ravel()
            chosen = np.flatnonzero(mask)[(-totals[mask]).argsort()[: self.max_features]]
            mask = np.zeros(len(frequency), dtype=bool)
            mask[chosen] = True
        if not mask.any():
            raise ValueError("after the limits on document frequency, no n-grams remain")
        return np.flatnonzero(mask)

    def _weigh(self, counts):
        counts.sort_indices()
        np.log(counts.data, out=counts.data)
        counts.data += np.float32(1)
        counts.data *= self.idf_[counts.indices]
        return normalize(counts, copy=False)

    @staticmethod
    def _word_counts(texts):
        """(the distinct words, a matrix of how often each answer uses each)."""
        columns, indices, starts = {}, [], [0]
        for text in texts:
            indices.extend(columns.setdefault(word, len(columns)) for word in text.split())
            starts.append(len(indices))
        by_word = sparse.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), np.array(indices, dtype=np.int64), np.array(starts, dtype=np.int64)),
            shape=(len(texts), len(columns)),
        )
        by_word.sum_duplicates()
        return list(columns), by_word

    def _grams_of_words(self, words, vocabulary):
        """A matrix of how often each word holds each n-gram of `vocabulary` (the others left out)."""
        indices, starts = [], [0]
        for word in words:
            indices.extend(column for column in map(vocabulary.get, self.analyse(word)) if column is not None)
            starts.append(len(indices))
        grams = sparse.csr_matrix(
            (np.ones(len(indices), dtype=np.float32), np.array(indices, dtype=np.int64), np.array(starts, dtype=np.int64)),
            shape=(len(words), len(vocabulary)),
        )
        grams.sum_duplicates()
        return grams


@dataclass
class Vectors:
    """Answers as vectors, one row per distinct answer: `inverse[i]` is answer i's row.

    `sparse` is the TF-IDF (unit rows), `dense` the LSA vectors (unit rows); `counts` how many
    answers share each row; `nothing` marks rows that say there is nothing to add.
    """

    texts: list
    inverse: np.ndarray
    counts: np.ndarray
    sparse: sparse.csr_matrix
    dense: np.ndarray
    nothing: np.ndarray

    def __len__(self):
        return len(self.inverse)

    def combined(self):
        """TF-IDF and LSA side by side, each of unit length: what the coding model learns from."""
        return sparse.hstack([self.sparse, sparse.csr_matrix(self.dense)], format="csr")


@dataclass
class TextSpace:
    """The vocabulary, weights and LSA learnt from a question's answers; turns answers into `Vectors`."""

    words: TfidfVectorizer
    characters: TfidfVectorizer
    svd: TruncatedSVD | None

    def transform(self, texts):
        distinct, inverse, counts = collapse_duplicates(texts)
        return self.transform_distinct(distinct, inverse, counts)

    def transform_distinct(self, distinct, inverse, counts):
        tfidf = self.tfidf(distinct)
        dense = self.project(tfidf)
        nothing = np.array([is_nothing_to_add(text) for text in distinct], dtype=bool)
        return Vectors(distinct, inverse, counts, tfidf, dense, nothing)

    def tfidf(self, distinct):
        if not distinct:
            width = len(self.words.vocabulary_) + len(self.characters.vocabulary_)
            return sparse.csr_matrix((0, width), dtype=np.float32)
        return _side_by_side(self.words.transform(distinct), self.characters.transform(distinct))

    def project(self, tfidf):
        if self.svd is None or tfidf.shape[0] == 0:
            return np.zeros((tfidf.shape[0], self.svd.n_components if self.svd else 1), dtype=np.float32)
        return normalize(self.svd.transform(tfidf)).astype(np.float32)


def fit_text_space(texts, random_state=0, dimensions=DIMENSIONS, max_fit_answers=MAX_FIT_ANSWERS):
    """Learn the vocabulary and the LSA from the answers (all of them: their codes are not needed)."""
    distinct, _, counts = collapse_duplicates(texts)
    fit_on = [text for text in distinct if text] or ["empty"]
    if len(fit_on) > max_fit_answers:
        # A sample of distinct answers, favouring the ones many people gave.
        rng = np.random.default_rng(random_state)
        weights = np.array([count for text, count in zip(distinct, counts) if text], dtype=float)
        chance = np.sqrt(weights) / np.sqrt(weights).sum()
        chosen = rng.choice(len(fit_on), size=max_fit_answers, replace=False, p=chance)
        fit_on = [fit_on[i] for i in np.sort(chosen)]
    min_df = 2 if len(fit_on) >= 500 else 1
    max_df = 0.5 if len(fit_on) >= 50 else 1.0
    words, word_tfidf = _fit_vectoriser(
        TfidfVectorizer,
        fit_on,
        dict(
            ngram_range=(1, 2), stop_words=STOP_WORDS, min_df=min_df, max_df=max_df, max_features=100_000,
            sublinear_tf=True, dtype=np.float32, lowercase=False,
        ),
    )
    characters, character_tfidf = _fit_vectoriser(
        CharacterGrams, fit_on, dict(ngram_range=(3, 5), min_df=min_df, max_features=100_000)
    )
    space = TextSpace(words, characters, None)
    tfidf = _side_by_side(word_tfidf, character_tfidf)
    components = min(dimensions, tfidf.shape[0] - 1, tfidf.shape[1] - 1)
    if components >= 2:
        space.svd = TruncatedSVD(n_components=components, random_state=random_state).fit(tfidf)
    return space


def _fit_vectoriser(kind, texts, options):
    """(the vectoriser learnt from `texts`, their TF-IDF), keeping every term if the limits leave none."""
    try:
        vectoriser = kind(**options)
        return vectoriser, vectoriser.fit_transform(texts)
    except ValueError:
        # Too few answers for the document-frequency limits (or no words at all): keep every term.
        options = dict(options, min_df=1, max_df=1.0)
        if kind is TfidfVectorizer:
            options["token_pattern"] = r"(?u)\b\w+\b"
        try:
            vectoriser = kind(**options)
            return vectoriser, vectoriser.fit_transform(texts)
        except ValueError:
            vectoriser = kind(**options)
            return vectoriser, vectoriser.fit_transform(texts + ["empty"])[: len(texts)]


def _side_by_side(words, characters):
    """The word and the character TF-IDF side by side, each of unit length, then scaled so the whole is too."""
    return (sparse.hstack([normalize(words), normalize(characters)], format="csr") * np.float32(np.sqrt(0.5))).astype(
        np.float32
    )


@dataclass
class Theme:
    """A suggested theme: `typical` and `members` are positions in the list of answers given."""

    label: str
    terms: list
    size: int
    typical: list
    nothing_to_add: bool = False
    members: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)


@dataclass
class Suggestion:
    """Themes, largest first, and for each answer the position of its theme in `themes`."""

    themes: list
    assignments: np.ndarray


def suggest_themes(texts, n_themes=None, random_state=0, space=None, vectors=None, typical=TYPICAL_ANSWERS):
    """Suggest themes for a question's answers; `n_themes` (not counting "Nothing to add") or chosen.

    Pass `space` and `vectors` to reuse a representation already computed for these answers.
    """
    texts = list(texts)
    if not texts:
        return Suggestion([], np.zeros(0, dtype=np.int64))
    if vectors is None:
        space = space or fit_text_space(texts, random_state=random_state)
        vectors = space.transform(texts)
    row_theme = cluster_rows(vectors, n_themes, random_state)
    themes = describe_themes(vectors, row_theme, typical)
    order = sorted(range(len(themes)), key=lambda t: (-themes[t].size, themes[t].label))
    renumber = np.empty(len(themes) + 1, dtype=np.int64)
    renumber[order] = np.arange(len(order))
    themes = [themes[t] for t in order]
    assignments = renumber[row_theme][vectors.inverse]
    for number, theme in enumerate(themes):
        theme.members = np.flatnonzero(assignments == number)
    return Suggestion(themes, assignments)


def cluster_rows(vectors, n_themes, random_state):
    """Theme number of each distinct answer: "Nothing to add" is the last number, if any."""
    row_theme = np.full(len(vectors.texts), -1, dtype=np.int64)
    substantive = np.flatnonzero(~vectors.nothing)
    if len(substantive):
        dense, weights = vectors.dense[substantive], vectors.counts[substantive].astype(float)
        if n_themes is None:
            n_themes = choose_theme_count(len(substantive))
        n_themes = max(1, min(int(n_themes), _distinct_points(dense)))
        row_theme[substantive] = kmeans_labels(dense, weights, n_themes, random_state)
    row_theme[vectors.nothing] = row_theme.max() + 1
    return row_theme


def _distinct_points(dense):
    return len(np.unique(np.round(dense, 5), axis=0))


def kmeans_labels(dense, weights, n_themes, random_state):
    if n_themes == 1:
        return np.zeros(len(dense), dtype=np.int64)
    fit_rows = _fit_sample(len(dense), weights, random_state)
    model = KMeans(n_clusters=n_themes, n_init=_restarts(len(fit_rows), 20), random_state=random_state)
    model.fit(dense[fit_rows], sample_weight=weights[fit_rows])
    if len(fit_rows) < len(dense):
        # Refine on every answer, starting from the sample's centres.
        model = KMeans(
            n_clusters=n_themes, init=model.cluster_centers_, n_init=1, max_iter=20, random_state=random_state
        )
        model.fit(dense, sample_weight=weights)
    return model.predict(dense).astype(np.int64)


def _restarts(n_rows, small):
    # k-means can settle on a poor split of a few answers; restarts are cheap there and rarely matter for many.
    return small if n_rows <= 5_000 else 2


def _fit_sample(n_rows, weights, random_state, limit=MAX_FIT_ANSWERS):
    if n_rows <= limit:
        return np.arange(n_rows)
    rng = np.random.default_rng(random_state)
    return np.sort(rng.choice(n_rows, size=limit, replace=False, p=weights / weights.sum()))


def choose_theme_count(n_answers, max_themes=MAX_THEMES):
    """√(n/2) themes for n distinct answers, from 2 to `max_themes`: a starting point a person edits.

    A rule of thumb, because the usual criteria tell nothing here: on short answers
    (the NHS feedback in bench/themes.py, and small sets) the silhouette of k-means clusters
    keeps creeping up with k, or wavers around 0.05 with no peak.
    """
    return int(np.clip(round(np.sqrt(n_answers / 2)), 2, max_themes))


def describe_themes(vectors, row_theme, typical=TYPICAL_ANSWERS):
    """A `Theme` for each theme number in `row_theme` (per distinct answer), in number order."""
    n_themes = int(row_theme.max()) + 1
    terms = defining_terms(vectors.texts, row_theme, vectors.counts, n_themes, exclude=vectors.nothing)
    _, first_answer = np.unique(vectors.inverse, return_index=True)
    themes = []
    for number in range(n_themes):
        rows = np.flatnonzero(row_theme == number)
        size = int(vectors.counts[rows].sum())
        is_nothing = bool(len(rows)) and bool(vectors.nothing[rows].all())
        if is_nothing:
            by_count = rows[np.argsort(-vectors.counts[rows], kind="stable")]
            theme_terms = [vectors.texts[row] for row in by_count[:DEFINING_TERMS] if vectors.texts[row]]
            representative = by_count[:typical]
            label = NOTHING_LABEL
        else:
            theme_terms = terms[number]
            representative = nearest_centre(vectors.dense[rows], vectors.counts[rows], rows, typical)
            label = ", ".join(theme_terms[:LABEL_TERMS]) or "Other"
        themes.append(Theme(label, theme_terms, size, [int(first_answer[row]) for row in representative], is_nothing))
    return themes


def nearest_centre(dense, counts, rows, how_many):
    centre = np.average(dense, axis=0, weights=counts)
    closeness = dense @ centre
    return rows[np.argsort(-closeness, kind="stable")[:how_many]]


def defining_terms(texts, row_theme, counts, n_themes, exclude=None, how_many=DEFINING_TERMS):
    """For each theme, the words and phrases most particular to it (class-based TF-IDF).

    A term's weight in a theme is its share of the theme's words times log(1 + the average
    number of words per theme / the term's frequency over all themes), among the terms at
    least `DISTINCTIVE_RATIO` times commoner in the theme than in the others; a word already
    in a higher-ranked phrase is not repeated.
    """
    keep = np.ones(len(texts), dtype=bool) if exclude is None else ~exclude
    keep &= row_theme >= 0
    rows = np.flatnonzero(keep)
    if not len(rows):
        return [[] for _ in range(n_themes)]
    counter = CountVectorizer(ngram_range=(1, 2), stop_words=list(LABEL_STOP_WORDS), lowercase=False)
    try:
        term_counts = counter.fit_transform([texts[row] for row in rows])
    except ValueError:  # nothing but stop words
        return [[] for _ in range(n_themes)]
    membership = sparse.csr_matrix(
        (counts[rows].astype(float), (row_theme[rows], np.arange(len(rows)))), shape=(n_themes, len(rows))
    )
    per_theme = np.asarray((membership @ term_counts).todense())
    totals = per_theme.sum(axis=0)
    words_per_theme = per_theme.sum(axis=1)
    average = words_per_theme[words_per_theme > 0].mean() if (words_per_theme > 0).any() else 1.0
    frequency = per_theme / np.maximum(words_per_theme, 1)[:, None]
    weight = frequency * np.log1p(average / np.maximum(totals, 1))[None, :]
    vocabulary = counter.get_feature_names_out()
    result = []
    for number in range(n_themes):
        # A term must also be commoner here than in the other themes ("staff" in every theme defines none).
        elsewhere = (totals - per_theme[number]) / max(words_per_theme.sum() - words_per_theme[number], 1)
        distinctive = frequency[number] > DISTINCTIVE_RATIO * elsewhere if n_themes > 1 else np.ones(len(totals), bool)
        chosen = []
        for column in np.argsort(-weight[number], kind="stable"):
            if per_theme[number, column] < 1 or len(chosen) >= how_many:
                break
            term = vocabulary[column]
            if not distinctive[column]:
                continue
            if any(term in phrase.split() or phrase in term.split() for phrase in chosen):
                continue
            chosen.append(term)
        result.append(chosen)
    return result
