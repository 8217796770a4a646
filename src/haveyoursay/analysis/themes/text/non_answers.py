"""Answers that say nothing: recognised before any theme is learnt or any answer put forward.

"-", "n/a", "No", "Nothing to add", "Not really", "Don't know", "See above": many people
give them to an open question, and they are answers in the count (they said they had
nothing to add), but they are evidence of no theme. They are never a theme's typical
answer or quote, never put to a person to code one by one, and a codeframe's "nothing to
add" theme is where they belong.

    is_non_answer("N/A")            # True
    is_non_answer("Not really.")    # True
    is_non_answer("No parking")     # False: "no" with something after it says something

It builds on `suggest.is_nothing_to_add` (answers made only of words like "no", "nothing",
"none", "n/a" with filler around them) and adds the short set phrases that say nothing
without those words, and answers with no letter or digit at all.
"""

import re

from haveyoursay.analysis.themes.text.suggest import normalise, says_nothing_to_add

# Whole answers (normalised: lower case, apostrophes dropped, punctuation as spaces).
SAYS_NOTHING = frozenset(
    phrase.strip()
    for phrase in """
    not really|not sure|unsure|dont know|do not know|dunno|no idea|no opinion|no view|no views|not applicable
    see above|as above|same as above|see previous answer|see previous|as before|same as before|already said
    no comment|no comments|no further comment|no further comments|none needed|not at this time|not at the moment
    not that i can think of|cant think of any|cant think of anything|nothing really|not much|no thanks|no thank you
    ok|okay|fine|all good|all fine|x|xx|xxx|test|yes|yep|n|y|idk|tbc|nope|na|nil
    """.replace("\n", "|").split("|")
    if phrase.strip()
)
LETTER_OR_DIGIT_RE = re.compile(r"\w")


def is_non_answer(text):
    """True for an empty answer, one with no letter or digit ("-", "?"), or one that only says there is nothing to say."""
    text = "" if text is None else str(text)
    if not LETTER_OR_DIGIT_RE.search(text):
        return True
    normalised = normalise(text)
    return says_nothing_to_add(normalised) or " ".join(normalised.split()) in SAYS_NOTHING
