"""Members' names as minutes write them, and the names in a recorded vote matched to members.

Minutes name a member in full in the list of those present ("Mr. B. L. Pain CC", "Dr. R. K. A.
Feltham CC") and briefly everywhere else ("Mr Pain", "Dr Feltham", "Mrs A. Wright"). A recorded
vote is a paragraph of brief names under "For the Motion" and "Against the Motion". Matching
them must never guess: the seed minutes have Mr Harrison and Mr Harrison-Rushton, Mrs A. Wright
and Mrs M. Wright, Mr Richardson and Mrs Richardson. A name that fits more than one member, or
none, is reported as such for a person to put right.
"""

import re
import unicodedata
from dataclasses import dataclass, field

PREFIXES = {
    "mr": "Mr", "mrs": "Mrs", "ms": "Ms", "miss": "Miss", "mx": "Mx", "dr": "Dr", "cllr": "Cllr",
    "councillor": "Councillor", "sir": "Sir", "dame": "Dame", "lady": "Lady", "lord": "Lord",
    "rev": "Rev", "revd": "Revd", "prof": "Prof", "professor": "Professor",
}  # fmt: skip
# Titles that say something about who is meant; "Dr" and "Councillor" say nothing either way.
TITLE_GROUPS = {"Mr": "m", "Sir": "m", "Lord": "m", "Mrs": "f", "Ms": "f", "Miss": "f", "Dame": "f", "Lady": "f"}
SUFFIXES = {"cc", "mbe", "obe", "cbe", "bem", "jp", "qpm", "mp", "dl", "kc", "qc", "frs", "mbe,", "cc,"}
PARTICLES = {"de", "da", "di", "du", "del", "della", "van", "von", "der", "den", "le", "la", "ten", "ter", "ap", "bin"}
INITIAL = re.compile(r"^(?:[A-Z]\.?|(?:[A-Z]\.){2,})$")  # "B", "B." or "M.E."
BRACKETED = re.compile(r"\([^)]*\)")


@dataclass(frozen=True)
class ParsedName:
    prefix: str = ""
    given_name: str = ""
    initials: str = ""
    family_name: str = ""
    suffix: str = ""

    @property
    def initial_letters(self):
        return "".join(ch for ch in self.initials if ch.isalpha()) or self.given_name[:1]


def fold(text):
    """A name folded for comparison: case, accents, curly apostrophes and spacing ignored."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-")
    return " ".join(text.casefold().split())


def parse_name(text):
    """ "Mr. B. L. Pain CC" -> ParsedName(prefix="Mr", initials="B. L.", family_name="Pain", suffix="CC")."""
    text = BRACKETED.sub(" ", text).replace(",", " ")
    tokens = text.split()
    prefix = ""
    if tokens and tokens[0].rstrip(".").casefold() in PREFIXES:
        prefix = PREFIXES[tokens.pop(0).rstrip(".").casefold()]
    suffix = []
    while len(tokens) > 1 and tokens[-1].rstrip(".").casefold() in SUFFIXES:
        suffix.insert(0, tokens.pop().rstrip(","))
    if not tokens:
        return ParsedName(prefix=prefix, suffix=" ".join(suffix))
    family = [tokens.pop()]
    while tokens and tokens[-1].casefold() in PARTICLES:
        family.insert(0, tokens.pop())
    initials = [f"{letter}." for t in tokens if INITIAL.match(t) for letter in t.replace(".", "")]
    given = [t for t in tokens if not INITIAL.match(t)]
    return ParsedName(
        prefix=prefix,
        given_name=" ".join(given),
        initials=" ".join(initials),
        family_name=" ".join(family),
        suffix=" ".join(suffix),
    )


@dataclass
class NameMatch:
    """One name as written in the minute, and the member it is, or why it cannot be said."""

    written: str
    option: str  # "for", "against" or "abstain"
    person: object = None
    problem: str = ""
    note: str = ""
    candidates: list = field(default_factory=list)


def _fits(parsed, person):
    """Whether what is written (initials, given name) fits the person; the title is weighed apart."""
    if parsed.initial_letters and parsed.initials:
        theirs = "".join(ch for ch in person.initials if ch.isalpha()) or person.given_name[:1]
        if not fold(theirs).startswith(fold(parsed.initial_letters)):
            return False
    if parsed.given_name and person.given_name:
        if fold(parsed.given_name) != fold(person.given_name):
            return False
    elif parsed.given_name and person.initials:
        if fold(person.initials[:1]) != fold(parsed.given_name[:1]):
            return False
    return True


def match_name(written, people, option=""):
    """Which of `people` the brief name `written` means: a NameMatch with `person`, or a `problem`."""
    parsed = parse_name(written)
    result = NameMatch(written=written.strip(), option=option)
    if not parsed.family_name:
        result.problem = f"“{result.written}” is not a name."
        return result
    same_surname = [p for p in people if fold(p.family_name) == fold(parsed.family_name)]
    fitting = [p for p in same_surname if _fits(parsed, p)]
    if not fitting:
        result.problem = f"No member present at the meeting is called “{result.written}”."
        result.candidates = same_surname
        return result
    chosen = fitting
    if parsed.prefix and len(fitting) > 1:
        exact = [p for p in fitting if p.honorific_prefix == parsed.prefix]
        group = TITLE_GROUPS.get(parsed.prefix)
        alike = [p for p in fitting if group and TITLE_GROUPS.get(p.honorific_prefix) == group]
        chosen = exact or alike or fitting
    if len(chosen) > 1:
        names = " or ".join(p.name for p in chosen)
        result.problem = (
            f"“{result.written}” could be {names}. Write the name with initials, as the list of those present does."
        )
        result.candidates = chosen
        return result
    person = chosen[0]
    result.person = person
    if parsed.prefix and person.honorific_prefix and parsed.prefix != person.honorific_prefix:
        group = TITLE_GROUPS.get(parsed.prefix)
        if group and TITLE_GROUPS.get(person.honorific_prefix) not in (group, None):
            result.problem = (
                f"“{result.written}” is written as {parsed.prefix}, but the only member present called "
                f"{person.family_name} is {person.name}. Check the name."
            )
            result.person = None
            result.candidates = [person]
            return result
        result.note = f"Written as {parsed.prefix}; the member's record says {person.honorific_prefix}."
    return result


# -- A recorded vote, as a paragraph of the minutes --------------------------------------------------

HEADINGS = [
    (re.compile(r"^\s*for\s+the\s+(motion|amendment|recommendations?|proposal)\s*:?\s*", re.I), "for"),
    (re.compile(r"^\s*against\s+the\s+(motion|amendment|recommendations?|proposal)\s*:?\s*", re.I), "against"),
    (re.compile(r"^\s*(abstentions?|abstained|abstaining|abstain)\s*:?\s*", re.I), "abstain"),
]
TOTALS = re.compile(
    r"(?P<for>\d+)\s+members?\s+voting\s+for\b.*?(?:and\s+)?(?P<against>\d+)\s+(?:members?\s+)?(?:voting\s+)?against"
    r"(?:.*?(?P<abstain>\d+)\s+(?:members?\s+)?abstain)?",
    re.I | re.S,
)


@dataclass
class RecordedVote:
    """A recorded-vote paragraph read: the names under each heading, and the totals it states."""

    names: list  # (option, written name)
    stated_totals: dict  # option -> count, where the paragraph says

    def counts(self):
        counted = {"for": 0, "against": 0, "abstain": 0}
        for option, _ in self.names:
            counted[option] += 1
        return counted


def split_names(text):
    text = " ".join(text.split()).strip().rstrip(".")
    parts = []
    for chunk in re.split(r",\s*|;\s*", text):
        parts.extend(p for p in re.split(r"\s+and\s+", chunk) if p.strip())
    return [p.strip() for p in parts]


def read_recorded_vote(paragraph):
    """The names under "For the Motion", "Against the Motion" and "Abstentions", in order.

    Lines that are not under a heading are ignored, except for a sentence stating the totals
    ("… carried, 40 members voting for the motion and 11 members against"), which is kept so
    that it can be checked against the names.
    """
    names, option = [], None
    stated = {}
    for line in paragraph.splitlines():
        if not line.strip():
            continue
        totals = TOTALS.search(line)
        if totals:
            stated = {k: int(v) for k, v in totals.groupdict().items() if v is not None}
            option = None
            continue
        for pattern, heading_option in HEADINGS:
            heading = pattern.match(line)
            if heading:
                option = heading_option
                line = line[heading.end() :]
                break
        if option and line.strip():
            names.extend((option, name) for name in split_names(line))
    return RecordedVote(names=names, stated_totals=stated)


def match_recorded_vote(paragraph, people):
    """Read a recorded-vote paragraph and match each name to one of `people`.

    Returns (matches, problems): a NameMatch per name, and the problems that stop the vote being
    recorded as it stands (a name that fits no one or several, a member named twice, totals that
    disagree with the names). Nothing is guessed.
    """
    reading = read_recorded_vote(paragraph)
    matches = [match_name(written, people, option) for option, written in reading.names]
    problems = [m.problem for m in matches if m.problem]
    if not reading.names:
        problems.append(
            "No names were found. Paste the paragraph from “For the Motion” to the end of the names, "
            "with each heading on its own line."
        )
    seen = {}
    for m in matches:
        if m.person is None:
            continue
        if m.person.pk in seen:
            problems.append(f"{m.person.name} is named twice (as “{seen[m.person.pk]}” and “{m.written}”).")
        else:
            seen[m.person.pk] = m.written
    counted = reading.counts()
    for option, stated in reading.stated_totals.items():
        if stated != counted[option]:
            label = {"for": "for", "against": "against", "abstain": "abstaining"}[option]
            problems.append(f"The minute says {stated} members voted {label}, but {counted[option]} are named.")
    return reading, matches, problems
