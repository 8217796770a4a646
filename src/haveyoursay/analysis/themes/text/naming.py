"""A theme's suggested name: a phrase its members actually wrote, not a list of words.

"Better, carer, years" tells an analyst which words set a theme apart; it is no name to
publish. The name suggested is the phrase of 2 to 6 words that most of the theme's answers
share, taken as people wrote it ("waiting times for appointments"), among those that carry
the theme's distinguishing words. The next phrases so found (`shared_phrases`) describe it:
what else people wrote in those words.

    name_theme(member_texts, terms)   # "Waiting times for appointments"

A phrase never runs across a sentence or clause (split at . , ; : ! ? and brackets), never
begins or ends with a little word ("the", "and", "to", "not"), never stops where most who
wrote it went on to finish its verb ("could point" of "could point them to help", "it
wears" of "it wears down", "being listened" of "being listened to."), and
must be written in at
least two different answers (three when a theme has thirty or more; a fifth of them when
it has fewer than ten), so that one person's words, a name among them, are not the name. A phrase is scored by the
answers that wrote it, times the distinguishing words it holds, with a little more for
each word beyond two. A common verb ("went", "got") sets no theme apart: it counts for
none, so "went to closed" (of "the day centre my mum went to closed") loses to "day centre".
When nothing passes, the most distinguishing phrase among the words, else the clause a
member wrote with the most distinguishing word in it, else the two words joined ("Buses
and trains"): a name reads as a phrase, never as a list.
"""

import re
from collections import Counter

from haveyoursay.analysis.themes.text.suggest import LABEL_STOP_WORDS, NEGATIONS

MIN_WORDS, MAX_WORDS = 2, 6
CLAUSE_RE = re.compile(r"[.,;:!?()\[\]\n\r\"“”]+|\s[-–—]\s")
# A word may hold digits: a road ("A6", "M1") or a time ("10am") is one word, never "A 6".
WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
EDGE_WORDS = LABEL_STOP_WORDS | NEGATIONS | {"i", "im", "ive", "id", "youre"}
MAX_ANSWERS_READ = 2000
# Words that a phrase cut just before them leaves unfinished: what its verb acts on, the rest of
# a verb of two words ("wears down", "falls apart"), and a preposition that ends its clause ("listened to").
OBJECTS = frozenset("them it us me him her you".split())
PARTICLES = frozenset("down up out off apart away back".split())
STRANDED = frozenset("to for with about on at of from in into".split())
# Verbs too common to set a theme apart, whatever the theme's words say.
COMMON_VERBS = frozenset(
    "go goes went gone get gets got come comes came take takes took make makes made put "
    "see sees saw seen say says said give gives gave given".split()
)


def name_theme(texts, terms):
    """A name for a theme from its members' `texts` and its distinguishing `terms` (best first)."""
    texts = distinct_texts(texts)
    written, as_written, term_words = written_phrases(texts, terms)
    best = None
    for enough in thresholds(len(texts)):
        best = best_phrase(written, term_words, enough)
        if best is not None:
            break
    if best is None:
        return sentence_case(last_resort(texts, terms))
    return sentence_case(as_written[best].most_common(1)[0][0])


def shared_phrases(texts, terms, how_many=3):
    """The phrases a theme's answers share, as people wrote them, best first (the first is the
    name `name_theme` gives): each written in enough answers to be a name, none sharing half its
    words with one before it ("gap between the path" after "gap between the river path"). What
    people said in the theme's words, where the words alone are a list."""
    texts = distinct_texts(texts)
    written, as_written, term_words = written_phrases(texts, terms)
    enough = thresholds(len(texts))[-1]
    ranked = sorted(
        (key for key in written if written[key] >= enough and score(key, written[key], term_words)),
        key=lambda key: (-score(key, written[key], term_words), key),
    )
    chosen = []
    for key in ranked:
        words = set(key.split())
        if not any(2 * len(words & set(other.split())) >= min(len(words), len(other.split())) for other in chosen):
            chosen.append(key)
        if len(chosen) == how_many:
            break
    return [as_written[key].most_common(1)[0][0] for key in chosen]


def distinct_texts(texts):
    # Each text once: copies of one answer are one person's words (or one campaign's), not a shared phrase.
    return list(dict.fromkeys(str(text).strip() for text in texts if str(text).strip()))[:MAX_ANSWERS_READ]


def written_phrases(texts, terms):
    """({phrase: answers that wrote it}, {phrase: Counter of how it was written}, the terms' words)
    for every phrase of 2 to 6 words that neither begins nor ends with a little word and that most
    who wrote it did not leave unfinished."""
    term_words = {word for term in terms[:6] for word in term.lower().split()} - COMMON_VERBS
    written = Counter()
    cut_short = Counter()  # of those, how many stopped just before the word their verb acts on
    as_written = {}
    for text in texts:
        seen = set()
        for clause in CLAUSE_RE.split(text):
            words = WORD_RE.findall(clause)
            lowered = [word.lower().replace("’", "'") for word in words]
            for size in range(MIN_WORDS, MAX_WORDS + 1):
                for start in range(len(words) - size + 1):
                    phrase = lowered[start : start + size]
                    if plain(phrase[0]) in EDGE_WORDS or plain(phrase[-1]) in EDGE_WORDS:
                        continue
                    key = " ".join(phrase)
                    if key in seen:
                        continue
                    seen.add(key)
                    written[key] += 1
                    if unfinished(lowered, start + size):
                        cut_short[key] += 1
                    as_written.setdefault(key, Counter())[" ".join(words[start : start + size])] += 1
    for key, times in cut_short.items():
        if 2 * times > written[key]:
            del written[key]
    return written, as_written, term_words


def unfinished(lowered, end):
    """Whether a phrase ending before word `end` of its clause leaves its verb unfinished: the next
    word is what it acts on ("them"), the rest of the verb ("down"), or a preposition ending the clause."""
    if end >= len(lowered):
        return False
    following = plain(lowered[end])
    return following in OBJECTS | PARTICLES or (end == len(lowered) - 1 and following in STRANDED)


def last_resort(texts, terms):
    """A name when no phrase is shared: a distinguishing phrase; else the shortest clause of 2 to
    6 words a member wrote with the most distinguishing word; else two words joined by "and"."""
    phrases = [term for term in terms if len(term.split()) >= MIN_WORDS]
    if phrases:
        return phrases[0]
    if terms:
        clauses = [
            " ".join(words) for text in texts for clause in CLAUSE_RE.split(text)
            if MIN_WORDS <= len(words := WORD_RE.findall(clause)) <= MAX_WORDS and terms[0] in {w.lower() for w in words}
        ]
        if clauses:
            return min(clauses, key=lambda clause: (len(clause), clause))
    words = [term for term in terms if term][:2]
    return " and ".join(words) or "Other"


def thresholds(answers):
    """How many answers must have written a phrase, the strictest first."""
    if answers < 10:
        return [max(2, answers // 5)]
    return [3, 2] if answers >= 30 else [2]


def best_phrase(written, term_words, enough):
    best, best_score = None, 0.0
    for key, answers in written.items():
        if answers < enough:
            continue
        phrase_score = score(key, answers, term_words)
        if not phrase_score:
            continue
        if phrase_score > best_score or (phrase_score == best_score and best is not None and key < best):
            best, best_score = key, phrase_score
    return best


def score(key, answers, term_words):
    """The answers that wrote a phrase, times the distinguishing words it holds (none: 0), a little
    more for each word beyond two."""
    words = key.split()
    distinguishing = sum(1 for word in words if plain(word) in term_words)
    return answers * distinguishing * (1 + 0.1 * (len(words) - MIN_WORDS))


def plain(word):
    return word.replace("'", "")


def sentence_case(phrase):
    """The first letter a capital; the rest as written, so "GP" and "A&E" stay as they are."""
    return phrase[:1].upper() + phrase[1:]
