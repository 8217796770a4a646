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
   The vocabulary and the SVD are learnt from at most 20,000 distinct answers; the terms are
   counted on arrays (`WordGrams`, `CharacterGrams`: the TF-IDF scikit-learn's
   TfidfVectorizer gives, without passing every term through Python), so that 100,000 long
   answers take seconds.
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
from itertools import chain

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

NOTHING_LABEL = "Nothing to add"
MAX_THEMES = 20
DIMENSIONS = 100
# The vocabulary and the SVD are learnt from at most this many distinct answers: beyond it
# they barely change, while the cost keeps growing. Every answer is still transformed.
MAX_FIT_ANSWERS = 20_000
TYPICAL_ANSWERS = 5
# How much a typical answer's likeness to one already shown counts against it (`order_by_typicality`).
TYPICAL_REDUNDANCY = 0.3
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
    return says_nothing_to_add(normalise(text))


def says_nothing_to_add(normalised):
    """`is_nothing_to_add` of a text `normalise` has already been through."""
    if len(normalised.split(None, 2 * MAX_NOTHING_WORDS)) > 2 * MAX_NOTHING_WORDS:
        return False  # too long even were every pair of words an "n a" (found without splitting a long answer)
    words = N_A_RE.sub("na", normalised).split()
    if not words:
        return True
    if len(words) > MAX_NOTHING_WORDS:
        return False
    return any(word in NOTHING_CORE for word in words) and all(
        word in NOTHING_CORE or word in NOTHING_FILLER for word in words
    )


def collapse_duplicates(texts):
    """(distinct normalised texts, the row of each answer among them, how many answers each row stands for)."""
    rows, distinct, row_of = {}, [], {}
    for text in dict.fromkeys(texts):  # each text as given once: normalising is the costly part
        key = normalise(text)
        row = rows.get(key)
        if row is None:
            row = rows[key] = len(distinct)
            distinct.append(key)
        row_of[text] = row
    inverse = np.fromiter(map(row_of.__getitem__, texts), dtype=np.int64, count=len(texts))
    counts = np.bincount(inverse, minlength=len(distinct)) if len(texts) else np.zeros(0, dtype=np.int64)
    return distinct, inverse, counts


@dataclass
class Words:
    """The words of some texts, each distinct word numbered once: what `WordGrams` and `CharacterGrams` count.

    Words are what lies between spaces, as `normalise` leaves a text.
    """

    distinct: list  # each word once, in the order first used
    numbers: np.ndarray  # every word of every text, as its position in `distinct`
    text_of: np.ndarray  # the text each of those came from
    n_texts: int

    @classmethod
    def of(cls, texts):
        if isinstance(texts, Words):
            return texts
        split = [text.split() for text in texts]
        every = list(chain.from_iterable(split))
        number = dict.fromkeys(every)
        for position, word in enumerate(number):
            number[word] = position
        numbers = np.fromiter(map(number.__getitem__, every), dtype=np.int64, count=len(every))
        lengths = np.fromiter(map(len, split), dtype=np.int64, count=len(split))
        return cls(list(number), numbers, np.repeat(np.arange(len(split), dtype=np.int64), lengths), len(split))

    def subset(self, rows):
        """The words of the texts at `rows` alone, those texts numbered in that order."""
        position = np.full(self.n_texts, -1, dtype=np.int64)
        position[rows] = np.arange(len(rows))
        kept = position[self.text_of] >= 0
        return Words(self.distinct, self.numbers[kept], position[self.text_of[kept]], len(rows))


class Grams:
    """TF-IDF over terms a subclass counts, computed as scikit-learn's `TfidfVectorizer` computes it.

    The vocabulary is the terms in alphabetical order, limited by document frequency
    (`min_df`, `max_df`) and then to the `max_features` most frequent (ties broken as
    TfidfVectorizer breaks them); weights are sublinear term frequency times smoothed IDF,
    rows of unit length, float32. The subclasses count the terms with arrays and sparse
    products where TfidfVectorizer passes every term of every answer through Python, one at
    a time: on long answers that was most of the time spent on the whole representation.
    """

    def __init__(self, min_df=1, max_df=1.0, max_features=None):
        self.min_df, self.max_df, self.max_features = min_df, max_df, max_features

    def fit(self, texts):
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts):
        """Learn the vocabulary and weights from `texts` and return their TF-IDF (the same as `transform`)."""
        counts, terms = self.count(texts)
        kept = self._kept_columns(counts)
        counts = counts[:, kept]
        self.vocabulary_ = {terms[column]: position for position, column in enumerate(kept)}
        frequency = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float32) + np.float32(1)
        self.idf_ = np.log(np.float32(counts.shape[0] + 1) / frequency) + np.float32(1)
        return self._weigh(counts)

    def transform(self, texts):
        return self._weigh(self.count_known(texts))

    def count(self, texts):
        """(how often each text uses each term, as float32, the terms in alphabetical order); ValueError if none."""
        raise NotImplementedError

    def count_known(self, texts):
        """How often each text uses each term of the vocabulary learnt."""
        raise NotImplementedError

    def _kept_columns(self, counts):
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
            raise ValueError("after the limits on document frequency, no terms remain")
        return np.flatnonzero(mask)

    def _weigh(self, counts):
        counts.sort_indices()
        np.log(counts.data, out=counts.data)
        counts.data += np.float32(1)
        counts.data *= self.idf_[counts.indices]
        return normalize(counts, copy=False)


def _count_matrix(rows, columns, shape):
    counts = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, columns)), shape=shape)
    counts.sum_duplicates()
    return counts


class WordGrams(Grams):
    """Words and word pairs, stop words left out before pairing: what
    `TfidfVectorizer(ngram_range=(1, 2), stop_words=..., lowercase=False, sublinear_tf=True)` gives
    normalised texts (its words of two or more letters or digits: `min_length` 2).

    Each distinct word is numbered once and a pair of words is a pair of numbers, so the
    counting is done on arrays. `count` alone is `CountVectorizer(ngram_range=(1, 2))`'s count.
    """

    def __init__(self, stop_words=(), min_df=1, max_df=1.0, max_features=None, min_length=2):
        super().__init__(min_df, max_df, max_features)
        self.stop_words, self.min_length = frozenset(stop_words), min_length

    def count(self, texts):
        words = Words.of(texts)
        numbers, text_of = self._kept(words)
        base = len(words.distinct)
        used = np.unique(numbers)
        first, second, pair_text = self._pairs(numbers, text_of)
        codes, pair_of = np.unique(first * base + second, return_inverse=True)
        terms = [words.distinct[number] for number in used.tolist()] + [
            f"{words.distinct[code // base]} {words.distinct[code % base]}" for code in codes.tolist()
        ]
        if not terms:
            raise ValueError("empty vocabulary: the answers have only stop words or no words")
        order = sorted(range(len(terms)), key=terms.__getitem__)
        position = np.empty(len(terms), dtype=np.int64)
        position[order] = np.arange(len(terms))
        single = np.zeros(base, dtype=np.int64)
        single[used] = np.arange(len(used))
        rows = np.concatenate([text_of, pair_text])
        columns = position[np.concatenate([single[numbers], len(used) + pair_of.ravel()])]
        return _count_matrix(rows, columns, (words.n_texts, len(terms))), [terms[index] for index in order]

    def count_known(self, texts):
        words = Words.of(texts)
        numbers, text_of = self._kept(words)
        base = len(words.distinct)
        number = {word: index for index, word in enumerate(words.distinct)}
        single = np.array([self.vocabulary_.get(word, -1) for word in words.distinct], dtype=np.int64)
        # The vocabulary's pairs of words, in these texts' numbering (pairs of a word not used here left out).
        known_codes, known_columns = [], []
        for term, column in self.vocabulary_.items():
            if " " in term:
                left, right = term.split(" ")
                if left in number and right in number:
                    known_codes.append(number[left] * base + number[right])
                    known_columns.append(column)
        order = np.argsort(known_codes)
        known_codes = np.array(known_codes, dtype=np.int64)[order]
        known_columns = np.array(known_columns, dtype=np.int64)[order]
        first, second, pair_text = self._pairs(numbers, text_of)
        codes = first * base + second
        found = np.searchsorted(known_codes, codes)
        found[found == len(known_codes)] = 0
        is_known = known_codes[found] == codes if len(known_codes) else np.zeros(len(codes), dtype=bool)
        single_columns = single[numbers]
        rows = np.concatenate([text_of[single_columns >= 0], pair_text[is_known]])
        columns = np.concatenate([single_columns[single_columns >= 0], known_columns[found[is_known]]])
        return _count_matrix(rows, columns, (words.n_texts, len(self.vocabulary_)))

    def _kept(self, words):
        """(the numbers and texts of the words counted: stop words and words too short left out)."""
        counted = np.fromiter(
            (len(word) >= self.min_length and word not in self.stop_words for word in words.distinct),
            dtype=bool,
            count=len(words.distinct),
        )
        kept = counted[words.numbers]
        return words.numbers[kept], words.text_of[kept]

    @staticmethod
    def _pairs(numbers, text_of):
        """(first word, second word, text) of each pair of words next to each other in a text."""
        together = np.flatnonzero(text_of[1:] == text_of[:-1])
        return numbers[together], numbers[together + 1], text_of[together]


class CharacterGrams(Grams):
    """Character n-grams inside words: what `TfidfVectorizer(analyzer="char_wb", lowercase=False,
    sublinear_tf=True)` gives.

    A text's n-grams inside words are the sum of its words' n-grams, so each distinct word is
    cut into n-grams once (by TfidfVectorizer's own analyser) and the texts' counts are the
    product of two sparse matrices: texts × words, words × n-grams.
    """

    def __init__(self, ngram_range=(3, 5), min_df=1, max_df=1.0, max_features=None):
        super().__init__(min_df, max_df, max_features)
        self.ngram_range = ngram_range
        self.analyse = TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range, lowercase=False).build_analyzer()

    def count(self, texts):
        words = Words.of(texts)
        grams = sorted({gram for word in words.distinct for gram in self.analyse(word)})
        if not grams:
            raise ValueError("empty vocabulary: the answers have no words")
        vocabulary = {gram: column for column, gram in enumerate(grams)}
        return self._by_word(words) @ self._grams_of_words(words.distinct, vocabulary), grams

    def count_known(self, texts):
        words = Words.of(texts)
        return self._by_word(words) @ self._grams_of_words(words.distinct, self.vocabulary_)

    @staticmethod
    def _by_word(words):
        """How often each text uses each word."""
        return _count_matrix(words.text_of, words.numbers, (words.n_texts, len(words.distinct)))

    def _grams_of_words(self, words, vocabulary):
        """A matrix of how often each word holds each n-gram of `vocabulary` (the others left out)."""
        indices, lengths = [], []
        for word in words:
            before = len(indices)
            indices.extend(column for column in map(vocabulary.get, self.analyse(word)) if column is not None)
            lengths.append(len(indices) - before)
        rows = np.repeat(np.arange(len(words), dtype=np.int64), lengths)
        return _count_matrix(rows, np.array(indices, dtype=np.int64), (len(words), len(vocabulary)))


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
    words: Words | None = field(default=None, repr=False)  # the words of `texts`, split once for every use

    def __len__(self):
        return len(self.inverse)

    def combined(self):
        """TF-IDF and LSA side by side, each of unit length: what the coding model learns from."""
        return sparse.hstack([self.sparse, sparse.csr_matrix(self.dense)], format="csr")


@dataclass
class Fitted:
    """The answers a `TextSpace` was learnt from, collapsed, and the TF-IDF of those it learnt from."""

    texts: list
    collapsed: tuple
    learnt_from: dict  # text: its row in `tfidf`
    tfidf: sparse.csr_matrix

    def tfidf_of(self, distinct, words, compute):
        """The TF-IDF of `distinct` texts (their `Words`), computed (by `compute`) only for those not learnt from."""
        known = np.fromiter((self.learnt_from.get(text, -1) for text in distinct), dtype=np.int64, count=len(distinct))
        unknown = np.flatnonzero(known < 0)
        if not len(unknown):
            return self.tfidf[known]
        computed = compute(words.subset(unknown))
        known[unknown] = self.tfidf.shape[0] + np.arange(len(unknown))
        return sparse.vstack([self.tfidf, computed], format="csr")[known]


@dataclass
class TextSpace:
    """The vocabulary, weights and LSA learnt from a question's answers; turns answers into `Vectors`."""

    words: WordGrams
    characters: CharacterGrams
    svd: TruncatedSVD | None
    # What fitting computed that transforming the same answers needs again, kept for the first
    # `transform` only: the answers collapsed, and the TF-IDF of those the vocabulary was learnt from.
    fitted: Fitted | None = field(default=None, repr=False, compare=False)

    def transform(self, texts):
        texts = list(texts)
        fitted, self.fitted = self.fitted, None
        if fitted is not None and fitted.texts == texts:
            return self.transform_distinct(*fitted.collapsed, fitted=fitted)
        distinct, inverse, counts = collapse_duplicates(texts)
        return self.transform_distinct(distinct, inverse, counts, fitted=fitted)

    def transform_distinct(self, distinct, inverse, counts, fitted=None):
        words = Words.of(distinct)
        tfidf = self.tfidf(words) if fitted is None else fitted.tfidf_of(distinct, words, self.tfidf)
        dense = self.project(tfidf)
        nothing = np.fromiter(map(says_nothing_to_add, distinct), dtype=bool, count=len(distinct))
        return Vectors(distinct, inverse, counts, tfidf, dense, nothing, words)

    def tfidf(self, distinct):
        """The TF-IDF of the `distinct` texts (or their `Words`)."""
        words = Words.of(distinct)
        if not words.n_texts:
            width = len(self.words.vocabulary_) + len(self.characters.vocabulary_)
            return sparse.csr_matrix((0, width), dtype=np.float32)
        return _side_by_side(self.words.transform(words), self.characters.transform(words))

    def project(self, tfidf):
        if self.svd is None or tfidf.shape[0] == 0:
            return np.zeros((tfidf.shape[0], self.svd.n_components if self.svd else 1), dtype=np.float32)
        return normalize(self.svd.transform(tfidf)).astype(np.float32)


def fit_text_space(texts, random_state=0, dimensions=DIMENSIONS, max_fit_answers=MAX_FIT_ANSWERS):
    """Learn the vocabulary and the LSA from the answers (all of them: their codes are not needed)."""
    texts = list(texts)
    collapsed = distinct, _, counts = collapse_duplicates(texts)
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
        WordGrams, fit_on, dict(stop_words=STOP_WORDS, min_df=min_df, max_df=max_df, max_features=100_000)
    )
    characters, character_tfidf = _fit_vectoriser(
        CharacterGrams, fit_on, dict(ngram_range=(3, 5), min_df=min_df, max_features=100_000)
    )
    tfidf = _side_by_side(word_tfidf, character_tfidf)
    learnt_from = {text: row for row, text in enumerate(fit_on)}
    space = TextSpace(words, characters, None, Fitted(texts, collapsed, learnt_from, tfidf))
    components = min(dimensions, tfidf.shape[0] - 1, tfidf.shape[1] - 1)
    if components >= 2:
        with threadpool_limits(limits=1):
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
        if kind is WordGrams:
            options["min_length"] = 1
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
    with threadpool_limits(limits=1):
        return _kmeans_labels(dense, weights, n_themes, random_state)


def _kmeans_labels(dense, weights, n_themes, random_state):
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
    terms = defining_terms(
        vectors.texts, row_theme, vectors.counts, n_themes, exclude=vectors.nothing, words=vectors.words
    )
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


def order_by_typicality(groups, redundancy=TYPICAL_REDUNDANCY):
    """For each group of texts (a theme's answers), the positions of its texts, the most typical
    first: the nearest to the centre of the group's texts, each next one nearest the centre less
    `redundancy` times its likeness to the nearest of those before it (maximal marginal
    relevance), so that a theme whose answers say two things is shown saying both rather than
    one of them three times over. Texts are TF-IDF of their words (stop words and the words any
    consultation answer uses left out), learnt over every group so that a word all the groups
    use counts for little. An answer is typical of a theme for saying what its other answers
    say, not for sharing a phrase with its name or description."""
    texts = [normalise(text) for group in groups for text in group]
    try:
        vectoriser = TfidfVectorizer(stop_words=sorted(LABEL_STOP_WORDS), sublinear_tf=True, lowercase=False)
        matrix = vectoriser.fit_transform(texts)
    except ValueError:  # no group says anything but stop words: keep their order
        return [list(range(len(group))) for group in groups]
    matrix = normalize(matrix)
    orders, start = [], 0
    for group in groups:
        rows = matrix[start : start + len(group)]
        start += len(group)
        if not len(group):
            orders.append([])
            continue
        closeness = rows @ np.asarray(rows.mean(axis=0)).ravel()
        likeness = (rows @ rows.T).toarray()
        order, nearest_chosen = [], np.zeros(len(group))
        left = np.ones(len(group), dtype=bool)
        for _ in range(len(group)):
            score = np.where(left, closeness - redundancy * nearest_chosen, -np.inf)
            chosen = int(np.argmax(score))
            order.append(chosen)
            left[chosen] = False
            nearest_chosen = np.maximum(nearest_chosen, likeness[chosen])
        orders.append(order)
    return orders


def defining_terms(texts, row_theme, counts, n_themes, exclude=None, how_many=DEFINING_TERMS, words=None):
    """For each theme, the words and phrases most particular to it (class-based TF-IDF).

    A term's weight in a theme is its share of the theme's words times log(1 + the average
    number of words per theme / the term's frequency over all themes), among the terms at
    least `DISTINCTIVE_RATIO` times commoner in the theme than in the others; a word already
    in a higher-ranked phrase is not repeated. `words`: the `Words` of `texts`, if already split.
    """
    keep = np.ones(len(texts), dtype=bool) if exclude is None else ~exclude
    keep &= row_theme >= 0
    rows = np.flatnonzero(keep)
    if not len(rows):
        return [[] for _ in range(n_themes)]
    try:
        source = words.subset(rows) if words is not None else [texts[row] for row in rows]
        term_counts, vocabulary = WordGrams(stop_words=LABEL_STOP_WORDS).count(source)
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
