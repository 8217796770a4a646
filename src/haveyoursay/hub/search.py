"""Searching consultations: PostgreSQL's full-text search where the site runs on it, and the
same query language on SQLite, where the documents' titles and text are searched in an FTS5
index and the consultations' own few fields with LIKE (docs/decisions/0019-hub-search.md,
0025-searching-documents.md and 0030-searching-documents-on-sqlite.md).

Both read what people type into the hub's search box the way web search engines do: every
word must match, "quoted words" must match as a phrase, -word leaves out what has it, and
`or` between words accepts either. Both ignore case and the commonest English words, and
match the forms of a word (cycling, cycle, cycles). Only what the public page of a
published consultation shows is searched: its title, summary, "We asked", and the titles
and text of its documents (0026-searching-the-text-of-documents.md); never "You said" or
"We did", which may be written long before they are published.
"""

import re

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Left

CONFIG = "english"

# Field, weight for PostgreSQL's ranking, and points for SQLite's: a match in the title counts
# most, one in a document's title as one in "We asked", one only in a document's text least.
FIELDS = (("title", "A", 8), ("summary", "B", 4), ("we_asked", "C", 2))
DOCUMENT_TITLES = ("C", 2)
DOCUMENT_TEXT = ("D", 1)
# At most this much of a consultation's documents' text goes into its search document: each
# document's text is already bounded (document_text.TEXT_LIMIT); this bounds a consultation
# with many documents, well inside the 1 MB PostgreSQL allows a search document.
DOCUMENT_TEXT_LIMIT = 600_000

# PostgreSQL's GIN index on Consultation.search_document (migration hub 0006).
INDEX_NAME = "hub_consultation_search"
# SQLite's FTS5 index of the documents' titles and text, kept by triggers (migration hub 0009).
SQLITE_INDEX = "hub_document_search"


def search_document():
    """The weighted search document of each consultation, an expression for an UPDATE of the
    consultations: their own fields, then their documents' titles and text."""
    from haveyoursay.hub.models import Document

    def gathered(field):
        return Subquery(
            Document.objects.filter(consultation=OuterRef("pk"))
            .order_by()
            .values("consultation")
            .annotate(gathered=StringAgg(field, delimiter="\n", order_by="position"))
            .values("gathered")
        )

    vector = None
    for field, weight, _ in FIELDS:
        part = SearchVector(field, weight=weight, config=CONFIG)
        vector = part if vector is None else vector + part
    return (
        vector
        + SearchVector(gathered("title"), weight=DOCUMENT_TITLES[0], config=CONFIG)
        + SearchVector(Left(gathered("text"), DOCUMENT_TEXT_LIMIT), weight=DOCUMENT_TEXT[0], config=CONFIG)
    )


def document_vector():
    """The search vector of each document, its title's and its text's, for an UPDATE of the documents."""
    return SearchVector("title", config=CONFIG) + SearchVector("text", config=CONFIG)


def index(queryset):
    """Store the search document of each consultation in `queryset`; nothing to do on SQLite."""
    if connections[queryset.db].vendor == "postgresql":
        queryset.order_by().update(search_document=search_document())


def index_documents(documents):
    """Store the search vector of each document in `documents` (a queryset), from its title and
    text alone: a consultation's own fields changing leaves them as they are. Nothing to do on
    SQLite, whose index of documents its triggers keep (migration 0009)."""
    if connections[documents.db].vendor == "postgresql":
        documents.order_by().update(search_vector=document_vector())


def search(queryset, text):
    """`queryset` narrowed to what matches `text`, annotated with `search_rank` (higher is better)."""
    if connections[queryset.db].vendor == "postgresql":
        query = SearchQuery(text, search_type="websearch", config=CONFIG)
        return queryset.filter(search_document=query).annotate(search_rank=SearchRank(F("search_document"), query))
    return search_with_like(queryset, text)


# --------------------------------------------------------------------------- SQLite

# The words PostgreSQL's English configuration leaves out of both documents and queries,
# the ones people type into a search box.
STOP_WORDS = frozenset(
    """a about after all also an and any are as at be been but by can could did do does for from had has
    have he her his how i if in into is it its just more my no not now of on once only or other our out
    over she so some such than that the their them then there these they this those to too under until
    up very was we were what when where which while who why will with would you your s t""".split()
)

# Endings taken off a word before matching, longest first, so "libraries" finds "library"
# and "cycling" finds "cycle" and "cyclists", as PostgreSQL's English stemmer does.
ENDINGS = ("ations", "ation", "ings", "ies", "ing", "ers", "ed", "es", "er", "s", "y", "e")
SHORTEST_STEM = 4

TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
WORD = re.compile(r"\w+")


def stem(word):
    word = word.lower()
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= SHORTEST_STEM:
            return word[: -len(ending)]
    return word


def parse(text):
    """`text` as web search reads it: a list of alternatives (split by `or`), each a list of
    (negated, words, is_phrase). Stop words are dropped, as PostgreSQL drops them, but for those
    inside a phrase: "end of life" is found as it was written, not as "end life"."""
    alternatives, current, pending_or = [], [], False
    for match in TOKEN.finditer(text):
        if match.group(2) is not None:
            negated, raw, phrase = bool(match.group(1)), match.group(2), True
        else:
            raw, phrase = match.group(3), False
            negated = raw.startswith("-") and len(raw) > 1
            raw = raw[1:] if negated else raw
            if raw.lower() == "or" and not negated:
                pending_or = bool(current)
                continue
        words = WORD.findall(raw)
        meaningful = [number for number, word in enumerate(words) if word.lower() not in STOP_WORDS]
        if not meaningful:
            continue
        if pending_or:
            alternatives.append(current)
            current, pending_or = [], False
        if phrase and len(meaningful) > 1:
            current.append((negated, words[meaningful[0] : meaningful[-1] + 1], True))
        else:
            # Each word of "car-parking" or "Leicestershire's" must match, by its stem.
            current.extend((negated, [words[number]], False) for number in meaningful)
    if current:
        alternatives.append(current)
    return alternatives


def term_q(field, words, phrase):
    if phrase:
        # The words in order with anything but letters and digits between them, as PostgreSQL's
        # phrase search finds "car parking" in "car-parking" or "car, parking"; the last word by its stem.
        pattern = r"\W+".join([*(re.escape(word) for word in words[:-1]), re.escape(stem(words[-1]))])
    else:
        pattern = re.escape(stem(words[0]))
    # From the start of a word: "cycle" finds "cycling" but not "recycling". The regular
    # expression (a Python function called by SQLite) only runs on the rows LIKE has found.
    return Q(**{f"{field}__icontains": stem(words[0]) if not phrase else words[0]}) & Q(
        **{f"{field}__iregex": r"\b" + pattern}
    )


def indexed_phrase(words):
    """`words` as one phrase of FTS5's query language, matched by their stems: quoted, so that
    no word is read as an operator (AND, NOT, NEAR) and nothing typed can break the query."""
    return '"' + " ".join(words) + '"'


def in_sqlite_index(query):
    """The pks of the documents SQLite's FTS5 index finds for `query`, as SQL for `pk__in`."""
    return RawSQL(f"SELECT rowid FROM {SQLITE_INDEX} WHERE {SQLITE_INDEX} MATCH %s", [query])


def document_q(field, words, phrase):
    """Those with a document whose `field` (title or text) matches, looked up in SQLite's index:
    a subquery, so that a consultation with several such documents is found once."""
    from haveyoursay.hub.models import Document

    documents = Document.objects.filter(pk__in=in_sqlite_index(f"{field} : {indexed_phrase(words)}"))
    return Q(pk__in=documents.values("consultation_id"))


def search_with_like(queryset, text):
    alternatives = parse(text)
    if not alternatives:
        return queryset.none().annotate(search_rank=Value(0, output_field=IntegerField()))
    condition = Q(pk__in=[])
    points = []
    for terms in alternatives:
        matches_all = Q()
        for negated, words, phrase in terms:
            anywhere = Q(pk__in=[])
            matches = [(term_q(field, words, phrase), score) for field, _, score in FIELDS]
            matches.append((document_q("title", words, phrase), DOCUMENT_TITLES[1]))
            matches.append((document_q("text", words, phrase), DOCUMENT_TEXT[1]))
            for field_q, score in matches:
                anywhere |= field_q
                if not negated:
                    points.append(Case(When(field_q, then=Value(score)), default=Value(0), output_field=IntegerField()))
            matches_all &= ~anywhere if negated else anywhere
        condition |= matches_all
    rank = sum(points[1:], points[0]) if points else Value(0, output_field=IntegerField())
    return queryset.filter(condition).annotate(search_rank=rank)


def matching_documents(documents, text):
    """Those of `documents` whose title or text has any word or phrase of `text` that is not
    left out with -: shown beside each result, so that people see why it was found. PostgreSQL
    reads each one's stored search vector (`index_documents`), SQLite its index of documents."""
    terms = [(words, phrase) for terms in parse(text) for negated, words, phrase in terms if not negated]
    if not terms:
        return documents.none()
    if connections[documents.db].vendor == "postgresql":
        query = None
        for words, phrase in terms:
            part = SearchQuery(" ".join(words), search_type="phrase" if phrase else "plain", config=CONFIG)
            query = part if query is None else query | part
        return documents.filter(search_vector=query)
    return documents.filter(pk__in=in_sqlite_index(" OR ".join(indexed_phrase(words) for words, _ in terms)))
