"""Identical and near-identical answers, grouped so that campaigns and copies are reported.

An organised campaign (a template letter many people send) or one person pasting the same
answer twice shows up as a group. A group is reported for what it is ("a campaign response,
1,240 copies"), and every answer in it is still counted: the functions here group, they never
drop anything.

    groups = group_duplicates(answers)
    for group in campaigns(groups):
        print(describe(group), answers[group.representative_index])

How answers are compared:

- Identical: the same words after case, punctuation and spacing are ignored ("No cuts to
  the library service!" and "no cuts to the library service").
- Near-identical: the same text with small changes: a word or two edited, a sentence added,
  a name or a place changed. Two answers are compared as sets of character 5-grams of that
  normalised text, by the cosine of the two sets (|A ∩ B| / √(|A|·|B|)); they are
  near-identical at `threshold` (0.8) or above. An added sentence a fifth as long as the
  answer still gives about 0.9; different people's answers on the same subject ("The
  waiting times at the surgery are far too long" and "Waiting times for appointments at my
  GP are too long") give 0.6 or less. A template letter with a personal paragraph added that
  is more than about half the letter's length falls below 0.8, and is counted on its own.
  Groups are joined through shared members, so a campaign's many versions end up in one group.
- Finding the pairs to compare without comparing every answer with every other: MinHash
  signatures of the 5-gram sets and locality-sensitive hashing (16 bands of 4 hashes). Two
  answers at the threshold share a bucket in some band with probability about 0.97, closer
  ones more surely; only answers sharing a bucket are compared. Memory and time grow in
  step with the number of answers (100,000 answers: seconds, with no 100,000 × 100,000
  table).
- Short answers are never grouped: below `min_words` words (8) many people give the same
  answer independently ("No", "Nothing", "N/A", "Can't think of anything"). They are
  ordinary answers, counted as such, and never reported as a campaign or as duplicates.

A campaign is a group of at least `min_copies` answers (10, MIN_CAMPAIGN_COPIES); smaller
groups are reported as duplicates.
"""

import re
from dataclasses import dataclass

import numpy as np

MIN_WORDS = 8
MIN_CAMPAIGN_COPIES = 10
THRESHOLD = 0.8
SHINGLE = 5
BANDS, ROWS = 16, 4
FEATURE_BITS = 26  # 5-grams hashed into 2^26 columns: two different ones rarely share a column
SEED = 20220613  # fixed, so the same answers always give the same groups

PUNCTUATION_RE = re.compile(r"[^\w\s]+")


@dataclass(frozen=True)
class Group:
    """Answers that are copies of one another: positions in the list given, in order."""

    indexes: tuple[int, ...]
    representative_index: int
    kind: str  # "identical" or "near-identical"

    @property
    def size(self):
        return len(self.indexes)

    def is_campaign(self, min_copies=MIN_CAMPAIGN_COPIES):
        return self.size >= min_copies


def normalise(text):
    """Case, punctuation and spacing taken out: what "identical" compares."""
    if not isinstance(text, str):
        return ""  # None, or NaN from an empty spreadsheet cell: no answer
    return " ".join(PUNCTUATION_RE.sub(" ", text.casefold()).split())


def group_duplicates(texts, threshold=THRESHOLD, min_words=MIN_WORDS):
    """Groups of two or more identical or near-identical answers, largest first.

    `texts` is a list of answers (None, NaN or "" for no answer); each group names them by their
    position in it. An answer is in at most one group; answers in no group are unique,
    short, or empty.
    """
    copies = {}  # normalised text -> positions of the answers that read so
    for index, text in enumerate(texts):
        key = normalise(text)
        if len(key.split()) >= min_words:
            copies.setdefault(key, []).append(index)
    keys = list(copies)
    component = _near_identical_components(keys, threshold)

    members = {}
    for position, label in enumerate(component):
        members.setdefault(label, []).append(position)
    groups = []
    for positions in members.values():
        indexes = sorted(index for position in positions for index in copies[keys[position]])
        if len(indexes) < 2:
            continue
        most_copied = min(positions, key=lambda p: (-len(copies[keys[p]]), copies[keys[p]][0]))
        kind = "identical" if len(positions) == 1 else "near-identical"
        groups.append(Group(tuple(indexes), copies[keys[most_copied]][0], kind))
    groups.sort(key=lambda group: (-group.size, group.indexes[0]))
    return groups


def campaigns(groups, min_copies=MIN_CAMPAIGN_COPIES):
    """The groups big enough to be a campaign."""
    return [group for group in groups if group.is_campaign(min_copies)]


def describe(group, min_copies=MIN_CAMPAIGN_COPIES):
    """How a report names a group: "a campaign response, 1,240 copies"."""
    if group.is_campaign(min_copies):
        return f"a campaign response, {group.size:,} copies"
    return f"{group.size:,} {group.kind} answers"


def count_once(total, groups):
    """How many answers there are when each group is counted once (`total` counts them all)."""
    return total - sum(group.size - 1 for group in groups)


def _near_identical_components(keys, threshold):
    """A component label for each distinct normalised answer; near-identical ones share one."""
    count = len(keys)
    if count < 2:
        return np.arange(count)
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    shingles = _shingle_matrix(keys)
    first, second = _candidate_pairs(_minhash(shingles))
    if len(first):
        similar = _cosine(shingles, first, second) >= threshold
        first, second = first[similar], second[similar]
    graph = coo_matrix((np.ones(len(first), dtype=np.int8), (first, second)), shape=(count, count))
    return connected_components(graph, directed=False)[1]


def _shingle_matrix(keys):
    """One row per answer: which character 5-grams it has (hashed), each row of unit length.

    The 5-grams of all answers are hashed at once with NumPy (a polynomial hash over the
    characters' code points), which is many times faster than making them as strings.
    """
    from scipy.sparse import csr_matrix

    joined = "\x00".join(keys)  # normalised answers hold no NUL, so it marks where one ends
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    row_of = np.cumsum(codes == 0)
    last = len(codes) - SHINGLE + 1
    hashes = np.zeros(last, dtype=np.uint64)
    for offset in range(SHINGLE):
        hashes = hashes * np.uint64(0x100000001B3) + codes[offset : offset + last]
    whole = row_of[:last] == row_of[SHINGLE - 1 :]  # no NUL inside the 5-gram
    rows = row_of[:last][whole]
    columns = (hashes[whole] * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(64 - FEATURE_BITS)
    matrix = csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, columns.astype(np.int64))),
        shape=(len(keys), 1 << FEATURE_BITS),
    )
    matrix.sum_duplicates()
    matrix.data[:] = 1  # a set: how often a 5-gram comes does not matter
    lengths = np.sqrt(np.diff(matrix.indptr)).astype(np.float32)
    matrix.data /= np.repeat(lengths, np.diff(matrix.indptr))
    return matrix


def _minhash(shingles):
    """(answers × BANDS·ROWS) MinHash signatures of each row's set of 5-grams.

    Each hash function is multiply-shift (a·x + b, top 32 bits, in 64-bit arithmetic that
    wraps), which needs no division and so costs a fraction of the textbook (a·x + b) mod p.
    """
    rng = np.random.default_rng(SEED)
    hashes = BANDS * ROWS
    multipliers = rng.integers(1, 1 << 63, size=hashes, dtype=np.uint64) | np.uint64(1)
    offsets = rng.integers(0, 1 << 63, size=hashes, dtype=np.uint64)
    columns = shingles.indices.astype(np.uint64)
    starts = shingles.indptr[:-1]
    # Every answer here has at least one 5-gram (it has `min_words` words), so no row is
    # empty and reduceat's start positions are all inside the array.
    signatures = np.empty((shingles.shape[0], hashes), dtype=np.uint32)
    permuted = np.empty_like(columns)
    for h in range(hashes):
        np.multiply(columns, multipliers[h], out=permuted)
        np.add(permuted, offsets[h], out=permuted)
        np.right_shift(permuted, np.uint64(32), out=permuted)
        signatures[:, h] = np.minimum.reduceat(permuted, starts)
    return signatures


def _candidate_pairs(signatures):
    """Pairs of rows that share a bucket in some band: each with the bucket's first member
    and with the member before it, which links a whole bucket in a few checks."""
    firsts, seconds = [], []
    for band in range(BANDS):
        block = signatures[:, band * ROWS : (band + 1) * ROWS].astype(np.uint64)
        key = block[:, 0]
        for column in range(1, ROWS):
            key = key * np.uint64(0x100000001B3) ^ block[:, column]
        order = np.argsort(key, kind="stable")
        ordered = key[order]
        same = ordered[1:] == ordered[:-1]
        if not same.any():
            continue
        positions = np.arange(len(order))
        bucket_start = np.maximum.accumulate(np.where(np.r_[True, ~same], positions, 0))
        later = positions[1:][same]
        firsts += [order[later], order[later]]
        seconds += [order[later - 1], order[bucket_start[later]]]
    if not firsts:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    keep = first != second
    pairs = np.unique(np.stack([np.minimum(first, second), np.maximum(first, second)])[:, keep], axis=1)
    return pairs[0], pairs[1]


def _cosine(shingles, first, second, chunk=200_000):
    """Cosine similarity of each pair of rows (the rows have unit length)."""
    similarity = np.empty(len(first), dtype=np.float32)
    for start in range(0, len(first), chunk):
        a, b = first[start : start + chunk], second[start : start + chunk]
        similarity[start : start + chunk] = np.asarray(shingles[a].multiply(shingles[b]).sum(axis=1)).ravel()
    return similarity
