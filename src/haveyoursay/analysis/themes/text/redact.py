"""Personal details out of free text, each replaced by a marker a reader can see.

    >>> redact("Ring Mrs Patel on 07700 900123 or write to 12 Acacia Avenue.").text
    'Ring Mrs [name] on [phone] or write to [address].'

`redact(text)` gives the redacted text and the list of what was removed (kind, the original
words, where they were, the marker put in their place), so an analyst can check it. It is
pure Python with no Django in it, so the staff site, a background task and the command line
(`haveyoursay redact`) all use the same rules. Redacting text twice changes nothing more.

What is caught, and the marker it gets:

- "[email]": e-mail addresses (jo.bloggs+consult@example.co.uk), also written out to dodge
  filters: "jdoe [at] gmail [dot] com", "jdoe(at)gmail(dot)com", "jdoe at gmail dot com",
  "j d o e at gmail dot com", "jdoe at gmail.com". Written with plain words, the address
  must end in a common domain ending (com, co uk, org, …) after a word that is not an
  everyday one, so "we met at the dot com office" stays; "at" before a domain written with
  its real dots only for the big e-mail providers ("jdoe at gmail.com", but "she works at
  tesco.com" keeps its words and loses only the web address).
- "[url]": web addresses with a scheme (https://…), starting www., or a bare domain on a
  common ending (.uk, .com, .org, .net, .gov, …) with or without a path: example.org/path.
- "[phone]": UK numbers however they are written, national (07700 900123, (0116) 305 0000,
  0116-305-0000, 0800 123 4567) or international (+44 7700 900123, +44 (0)116 305 0000,
  0044 …): 10 digits after the leading 0 (9 for some 01 and 08 numbers), starting 01, 02,
  03, 05, 07, 08 or 09. A local number without its area code (305 0000) only straight after
  "phone", "ring", "call me on", "mobile" and the like.
- "[postcode]": full UK postcodes (LE11 3AB, le113ab after the word "postcode"); outward codes
  alone (LE11) after "postcode", "I live in", before "area", and after a street address.
- "[address]": a house number and a street ending in a road word (12 Acacia Avenue, 10
  Downing St, Flat 3, 5 High Street, 12-14 St Mary's Road, Flat 2 Maple Court); in lower case
  too after "I live at" or "my address is".
- "[NHS number]": 10 digits (often 3 3 4) whose modulus 11 check digit is right; any 10
  digits straight after "NHS number", "NHS no" or "CHI number", check digit or not.
- "[NI number]": anything shaped like a National Insurance number (AB 12 34 56 C), whether
  or not HMRC could issue its prefix; after "NI number" or "National Insurance" also without
  the final letter, in any case.
- "[ID number]": other numbers shaped like a person's: 10 digits (3 3 4 or unbroken, not a
  phone number) whose NHS check digit is wrong, a mistyped NHS number as likely as not; and
  whatever holds three digits or more straight after "hospital number", "patient number",
  "MRN", "reference number", "passport number", "driving licence number" and the like.
  Where a string is shaped like personal data, it is removed: a wrong check digit or a prefix
  never issued is more often a slip than proof that the number is no one's.
- "[name]": people's names where they can be recognised: after a title (Mr, Mrs, Ms, Miss,
  Dr, Prof, Cllr, Rev, Sir, Dame; and Nurse, Sister, Matron, Doctor, Lady, Lord when a
  known name follows), with initials (Mrs. A. J. Hack); after "my name is", "called",
  "named", "known as"; after "my son", "our daughter", "my husband", "my GP" and other
  family, carer and professional relations; after "the nurse", "a receptionist" and other
  roles, and after "thanks to", when a known given name follows (lists of names too:
  "Amy, Tom and Grace"); in a signature after "Kind regards", "Thanks", "Yours sincerely" or
  alone on the last line, and any capitalised words after "Thanks," or "Regards," that end
  the answer ("Thanks, Zbigniew"), known or not; after "I'm", "I am" or "this is" a given
  name from the lists, with its surname ("Hi, I'm Priya Mistry and ..."); a capitalised given
  name followed by a surname from the lists in data/ (Sarah Jones, Mohammed Khan); and a
  capitalised given name from the lists inside a sentence ("thanks to the team and Lisa"),
  unless it is also an ordinary word or part of a place's name. The lists hold the names of
  the communities a council serves (South Asian, Eastern European, Somali, Arabic and others,
  from the ONS's baby names and other public lists; data/README.md says which), and a name
  is found with or without its accents ("Wójcik", "Wojcik").

What is kept: ordinary numbers (years, times, money, percentages, ages, counts such as
"22 mile round trip", "2 to 3 times", "call 111"); places and organisations (Leicester,
Loughborough Hospital, Glenfield, Charnwood, Age UK, Victoria Park, Grace Road); GP, NHS,
A&E and other capitals; names that are also ordinary words ("Hope", "Grace", "Will", "May",
"Rose", "Bill") in lower case, or at the start of a sentence unless a surname that is not
an ordinary word follows them; the title itself (Dr [name]), so the reader still knows who
was meant.

What is not caught: a given name on its own at the start of a sentence ("Sue was lovely");
names missing from the lists in data/ unless a title or one of the phrases above comes
before them; "Mark Brown" and other pairs that are both ordinary words; names written in lower
case or in capitals (except after "my name is"); house names with no number; street names
with no house number; addresses and numbers from other countries; phone numbers spelt out
in words or split in unusual places; e-mail addresses with their domain spelt out letter by
letter ("jo at g m a i l dot com");
descriptions that identify someone without naming them ("the only Polish nurse on ward 7").
Redaction lowers the risk; a person still reads quotes before they are published.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"

MARKERS = {
    "email": "[email]",
    "url": "[url]",
    "phone": "[phone]",
    "postcode": "[postcode]",
    "address": "[address]",
    "nhs_number": "[NHS number]",
    "ni_number": "[NI number]",
    "id_number": "[ID number]",
    "name": "[name]",
}

# When two findings overlap the higher one wins: an e-mail address holds a name and a
# domain, an address can hold a name ("12 Victoria Road").
PRIORITY = {
    "email": 90,
    "url": 80,
    "nhs_number": 70,
    "ni_number": 65,
    "id_number": 55,  # below a phone number: "+44 (0)116 305 0000" holds 10 digits
    "phone": 60,
    "address": 50,
    "postcode": 45,
    "name": 30,
}


@dataclass(frozen=True)
class Removal:
    """One personal detail taken out: `original` was at text[start:end] and is now `marker`."""

    kind: str
    original: str
    start: int
    end: int
    marker: str


@dataclass(frozen=True)
class Redacted:
    text: str
    removed: tuple[Removal, ...]

    def counts(self):
        """{kind: how many} of what was removed."""
        counts = {}
        for removal in self.removed:
            counts[removal.kind] = counts.get(removal.kind, 0) + 1
        return counts


def redact(text):
    """The text with every personal detail found replaced by its marker, and what was removed.

    None, or NaN from an empty spreadsheet cell, is no text.
    """
    if not isinstance(text, str):
        text = "" if text is None or text != text else str(text)
    found = _choose(_find_all(text))
    pieces, removed, last = [], [], 0
    for start, end, kind in found:
        marker = MARKERS[kind]
        pieces.append(text[last:start])
        pieces.append(marker)
        removed.append(Removal(kind, text[start:end], start, end, marker))
        last = end
    pieces.append(text[last:])
    return Redacted("".join(pieces), tuple(removed))


def _find_all(text):
    # Each rule runs only on text holding a word it starts from ("phone", "my", "Dr"): most
    # answers hold few of them, and looking words up in a set costs far less than a search.
    low = text.lower()
    words = frozenset(WORD_RE.findall(low))
    finds = []
    if "@" in text or "at" in words:
        finds += _find_emails(text)
    if URL_HINT_RE.search(low):
        finds += _find_urls(text)
    if DIGIT_RE.search(text):
        finds += _find_nhs_numbers(text, words)
        finds += _find_ni_numbers(text, words)
        finds += _find_id_numbers(text, words)
        finds += _find_phones(text, words)
        finds += _find_addresses(text, words)
        finds += _find_postcodes(text, words)
    if CAPITAL_RE.search(text) or _mentions(words, INTRODUCTION_HINTS):
        finds += _find_names(text, words)
    return finds


def _mentions(words, hints):
    return not words.isdisjoint(hints)


def _hints(text):
    return frozenset(text.split())


WORD_RE = re.compile(r"[^\W\d_]+(?:&[^\W\d_]+)?")
DIGIT_RE = re.compile(r"\d")
# Capital and small letters, with those of the Latin alphabets of Europe ("Łukasz", "Şerban").
UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆČĎĐĒĖĘĚĞĢĪĮİĶĹĻĽŁŃŅŇŐŒŔŘŚŞŠŢŤŪŮŰŲŸŹŻŽȘȚ"
LOWER = "a-zß-öø-ÿāăąćčďđēėęěğģīįıķĺļľłńņňőœŕřśşšţťūůűųźżžșț"
CAPITAL_RE = re.compile(rf"[{UPPER}][{LOWER}]")


def _choose(finds):
    """Non-overlapping findings, the higher priority (then the longer) winning each overlap."""
    chosen = []
    for start, end, kind in sorted(finds, key=lambda f: (-PRIORITY[f[2]], f[0] - f[1], f[0])):
        if start < end and all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, kind))
    return sorted(chosen)


# -- E-mail addresses and web addresses -------------------------------------------------------

EMAIL_RE = re.compile(
    r"(?<![\w.+'-])[A-Za-z0-9][\w.+'-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)

# Endings common in UK answers. Two-letter country endings that are also English words
# ("it", "in", "me", "to", "be", "us", "co", "so") are left out: "was good.it was" is a
# missing space, not a web address.
TOP_LEVEL_DOMAINS = "com|org|net|uk|gov|edu|info|biz|io|eu|int|ie|scot|wales|cymru|london|online|app"
URL_RE = re.compile(
    r"\b(?:https?|ftp)://[^\s<>\"\[\]]+"
    r"|\bwww\.[^\s<>\"\[\]]+"
    rf"|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{TOP_LEVEL_DOMAINS})(?![\w-])(?:/[^\s<>\"\[\]]*)?",
    re.IGNORECASE,
)
TRAILING_PUNCTUATION = ".,;:!?'\"’”)"
URL_HINT_RE = re.compile(rf"http|www\.|ftp:|\.(?:{TOP_LEVEL_DOMAINS})\b")


# An address written out: "at" and "dot" in brackets ("[at]", "(dot)"), or as plain words
# between spaces, or the real "@" and "." mixed with them. A local part may be spelt out with
# spaces between its letters ("j d o e at …"). The domain must end in one of these endings.
EMAIL_ENDINGS = "com|org|net|uk|gov|edu|info|biz|io|eu|ie|scot|wales|cymru|co|ac|nhs|me|live|online"
_BRACKETED = r"\s*[\[({{<]\s*{word}\s*[\])}}>]\s*"
_AT = rf"(?:{_BRACKETED.format(word='at')}|\s+at\s+|\s*@\s*)"
_DOT = rf"(?:{_BRACKETED.format(word='dot')}|\s+dot\s+|\.)"
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
WRITTEN_EMAIL_RE = re.compile(
    rf"(?<![\w.+'-])(?P<local>[a-z0-9](?:\s[a-z0-9]\b)+|[a-z0-9][\w.+'-]*)"
    rf"(?P<at>{_AT})(?P<domain>{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}(?:{EMAIL_ENDINGS}))(?![\w-])",
    re.IGNORECASE,
)
# Words that come after "at" in ordinary sentences; with plain "at" and "dot" they mean the
# sentence is not an address ("I worked at the dot com company").
EVERYDAY_WORDS = _hints(
    "the a an my our your his her their its this that these those one some any all least last first "
    "home work school night times least length most best worst"
)
# Where "name at domain.com" is an address rather than a workplace or a web site.
EMAIL_PROVIDERS = _hints(
    "gmail googlemail hotmail outlook live yahoo icloud me aol btinternet btopenworld sky virginmedia "
    "ntlworld talktalk tiscali protonmail proton mail gmx zoho"
)


def _find_emails(text):
    finds = [(m.start(), m.end(), "email") for m in EMAIL_RE.finditer(text)]
    for m in WRITTEN_EMAIL_RE.finditer(text):
        if not any(sign in m.group() for sign in "[](){}<>@"):  # plain words
            domain = m.group("domain").lower()
            first_label = re.match(_LABEL, domain).group()
            if first_label in EVERYDAY_WORDS or m.group("local").lower() in EVERYDAY_WORDS:
                continue
            if not re.search(r"\sdot\s", domain) and first_label not in EMAIL_PROVIDERS:
                continue
        finds.append((m.start(), m.end(), "email"))
    return finds


def _find_urls(text):
    finds = []
    for m in URL_RE.finditer(text):
        url = m.group()
        while url and url[-1] in TRAILING_PUNCTUATION:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        finds.append((m.start(), m.start() + len(url), "url"))
    return finds


# -- Phone numbers ----------------------------------------------------------------------------

# A candidate starts like a UK number and runs on over digits and the separators people
# type; _phone_end then takes as many digit groups as make a valid number and no more, so
# "0116 305 0000 2019" stops before the year.
PHONE_RE = re.compile(
    r"(?<![\w+£$€#/.,])(?:(?:\+\s?|00)44[\s.-]*(?:\(0\)[\s.-]*)?\(?|\(0(?=\d{2,4}\))|0)\d[\d\s().-]{5,20}"
)
LOCAL_PHONE_RE = re.compile(
    r"(?i:\b(?:tel(?:ephone)?|phone|mobile|mob|landline|ring|call|text|contact)"
    r"(?:\s+(?:me|us|him|her|them))?(?:\s+(?:on|at))?[\s.:]+)"
    r"([1-9]\d{2,3}[\s-]?\d{3,4})(?![\d.,]\d|\d)"
)
PHONE_GAP_RE = re.compile(r"[\s.()-]{0,3}")
DIGIT_RUN_RE = re.compile(r"\d+")


LOCAL_PHONE_HINTS = _hints("tel telephone phone mobile mob landline ring call text contact")


def _find_phones(text, words):
    finds = []
    for m in PHONE_RE.finditer(text):
        end = _phone_end(m.group())
        if end:
            finds.append((m.start(), m.start() + end, "phone"))
    if _mentions(words, LOCAL_PHONE_HINTS):
        for m in LOCAL_PHONE_RE.finditer(text):
            if 6 <= sum(c.isdigit() for c in m.group(1)) <= 8:
                finds.append((m.start(1), m.end(1), "phone"))
    return finds


def _phone_end(candidate):
    """Where the longest valid UK number at the start of the candidate ends, or 0."""
    international = candidate.startswith(("+", "00"))
    digits, best, previous_end = "", 0, None
    for run in DIGIT_RUN_RE.finditer(candidate):
        if previous_end is not None and not PHONE_GAP_RE.fullmatch(candidate[previous_end : run.start()]):
            break
        digits += run.group()
        national = _national_digits(digits, international)
        if national is None or len(national) > 10:
            break
        if _is_uk_number(national):
            best = run.end()
        previous_end = run.end()
    return best


def _national_digits(digits, international):
    if international:
        digits = digits[4:] if digits.startswith("0044") else digits[2:]
        return digits[1:] if digits.startswith("0") else digits
    return digits[1:] if digits.startswith("0") else None


def _is_uk_number(national):
    if not national or national[0] not in "1235789":
        return False
    return len(national) == 10 or (len(national) == 9 and national[0] in "18")


# -- NHS and National Insurance numbers -------------------------------------------------------

NHS_DIGITS_RE = re.compile(r"(?<![\w£$€.,/-])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\d.,]\d|\d)")
NHS_CONTEXT_RE = re.compile(
    r"(?i:\b(?:NHS|CHI|H&C)\s*(?:number|no\b\.?|num\b|#)?[\s:#=.-]*(?:is\s+|was\s+)?)"
    r"(\d{3}[ -]?\d{3}[ -]?\d{4})(?![\d.,]\d|\d)"
)
# The prefixes HMRC issues; a number shaped like one with another prefix is removed all the same.
NI_PREFIX = r"(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
NI_RE = re.compile(r"\b[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")
NI_CONTEXT_RE = re.compile(
    r"(?i:\b(?:national insurance|NI|NINO)(?:\s+(?:number|no\b\.?))?[\s:#=.-]*(?:is\s+|was\s+)?)"
    r"((?i:[A-Z]{2} ?\d{2} ?\d{2} ?\d{2}(?: ?[A-D])?))\b"
)
ID_CONTEXT_RE = re.compile(
    r"(?i:\b(?:hospital|patient|unit|case|reference|ref|account|customer|passport|driving\s+licen[cs]e|licen[cs]e"
    r"|membership|council\s+tax|benefit|claim|tenancy|pension|NHS|CHI)\s*(?:number|no\b\.?|num\b|#|id\b)"
    r"|\bMRN\b)[\s:#=.-]*(?:is\s+|was\s+)?"
    r"(?=[A-Za-z0-9/-]*\d[A-Za-z0-9/-]*\d[A-Za-z0-9/-]*\d)([A-Za-z0-9](?:[A-Za-z0-9/-]*[A-Za-z0-9])?)"
)
ID_HINTS = _hints("hospital patient unit case reference ref account customer passport licence license membership "
                  "tax benefit claim tenancy pension nhs chi mrn")


def nhs_check_digit_ok(digits):
    """True if the tenth digit is the modulus 11 check digit of the first nine."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * weight for d, weight in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


NHS_HINTS = _hints("nhs chi h&c")


def _find_nhs_numbers(text, words):
    finds = []
    if _mentions(words, NHS_HINTS):
        finds += [(m.start(1), m.end(1), "nhs_number") for m in NHS_CONTEXT_RE.finditer(text)]
    for m in NHS_DIGITS_RE.finditer(text):
        digits = m.group(1) + m.group(3) + m.group(4)
        # A number starting 0 is a phone number (0800 123 4567), even with a right check digit.
        if digits[0] != "0":
            finds.append((m.start(), m.end(), "nhs_number" if nhs_check_digit_ok(digits) else "id_number"))
    return finds


def _find_id_numbers(text, words):
    """Whatever holds three digits or more after "hospital number", "passport no" and the like."""
    if not _mentions(words, ID_HINTS):
        return []
    return [(m.start(1), m.end(1), "id_number") for m in ID_CONTEXT_RE.finditer(text)]


NI_HINTS = _hints("ni insurance nino")


def _find_ni_numbers(text, words):
    finds = [(m.start(), m.end(), "ni_number") for m in NI_RE.finditer(text)]
    if _mentions(words, NI_HINTS):
        finds += [(m.start(1), m.end(1), "ni_number") for m in NI_CONTEXT_RE.finditer(text)]
    return finds


# -- Postcodes and street addresses -----------------------------------------------------------

# The full UK postcode format, as in haveyoursay.surveys.question_types.POSTCODE_RE (copied:
# that module needs Django, this one must not).
OUTWARD = r"[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]?"
INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
POSTCODE = rf"(?:GIR ?0AA|{OUTWARD}\s?{INWARD})"
POSTCODE_RE = re.compile(rf"\b{POSTCODE}\b")
# In lower case only after the word: "le11 3ab" alone could be something else.
POSTCODE_CONTEXT_RE = re.compile(rf"(?i:\bpost ?code\b[\s:.-]*(?:is\s+|was\s+)?)((?i:{POSTCODE}|{OUTWARD}))\b")
OUTWARD_BEFORE_AREA_RE = re.compile(rf"\b({OUTWARD})\s+area\b")
OUTWARD_AFTER_PLACE_RE = re.compile(
    rf"(?i:\b(?:live|living|lives|lived|based|reside|resident|moved)\s+(?:in|at|near|to)\s+(?:the\s+)?)"
    rf"({OUTWARD})\b(?! ?{INWARD}\b)"
)

ROAD_WORDS = (
    "Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Cl|Drive|Dr|Way|Crescent|Cres|Court|Ct|Place|Pl"
    "|Gardens|Gdns|Grove|Gr|Terrace|Terr|Walk|Mews|Row|Square|Sq|Hill|Rise|View|Parade|Boulevard"
    "|Vale|Croft|Green|Park|Fields|Meadow|Meadows|Wharf|Yard|Gate|Chase|Mount|Hollow|Bank|End"
    "|Wynd|Brow|Heights|Circus|Approach|Broadway|Embankment|Esplanade|Promenade|Quay|Glade"
    "|Grange|Paddock|Orchard|Spinney|Dale|Leys|Bridge|Passage|Precinct|Common"
)
BUILDING_WORDS = "House|Lodge|Court|Mansions|Tower|Towers|Buildings|Cottages|Flats|Apartments|Place"
STREET_WORD = r"(?:[A-Z][A-Za-z'’-]*\.?)"
SPACE = r"[ \t]+"  # an address is on one line: "4\nOur Communities Approach" is a contents page
HOUSE_NUMBER = r"\d{1,4}[A-Za-z]?(?:\s?[-–]\s?\d{1,4}[A-Za-z]?)?"
FLAT = r"(?:Flat|Apartment|Apt|Unit|Suite)\.?[ \t]+\d{1,4}[A-Za-z]?"
ADDRESS_RE = re.compile(
    rf"\b(?:{FLAT},?{SPACE})?{HOUSE_NUMBER},?{SPACE}(?P<street>(?:{STREET_WORD}{SPACE}){{1,3}}?)(?:{ROAD_WORDS})\b"
    rf"|\b{FLAT},?{SPACE}(?P<building>(?:{STREET_WORD}{SPACE}){{1,3}}?)(?:{BUILDING_WORDS}|{ROAD_WORDS})\b"
)
ADDRESS_ANY_CASE_RE = re.compile(
    r"(?i:\b(?:live|living|lives|lived|stay|staying|moved)\s+(?:at|to)\s+(?:number\s+)?"
    r"|\baddress\s*(?:is|was|:)\s*)"
    rf"((?i:(?:{FLAT},?{SPACE})?{HOUSE_NUMBER},?{SPACE}(?:[a-z][a-z'’.-]*{SPACE}){{1,3}}?(?:{ROAD_WORDS})\b))"
)
# Words that follow a number in ordinary text and would otherwise start a street:
# "the 5 Year Forward View", "a 2 Mile Walk".
NOT_STREET_WORDS = frozenset(
    "year years day days week weeks month months hour hours minute minutes mile miles star stars "
    "point points step steps times percent per of and or to for with from by in on at a an "
    "people patients staff beds nurses doctors".split()
)
# A town (with lower-case joining words, "Ashby de la Zouch") then an outward code.
TOWN_THEN_OUTWARD_RE = re.compile(
    rf"[ \t]*,?[ \t]*(?:[A-Z][a-z]+(?:[ -](?:[A-Z][a-z]+|de|la|upon|on|the|in|under))*[ \t]*,?[ \t]*)?"
    rf"({OUTWARD})\b(?!\s?{INWARD}\b)"
)


LIVING_HINTS = _hints("live living lives lived based reside resident moved stay staying address")
POSTCODE_HINTS = _hints("postcode post")


def _find_postcodes(text, words):
    finds = [(m.start(), m.end(), "postcode") for m in POSTCODE_RE.finditer(text)]
    if _mentions(words, POSTCODE_HINTS):
        finds += [(m.start(1), m.end(1), "postcode") for m in POSTCODE_CONTEXT_RE.finditer(text)]
    if "area" in words:
        finds += [(m.start(1), m.end(1), "postcode") for m in OUTWARD_BEFORE_AREA_RE.finditer(text)]
    if _mentions(words, LIVING_HINTS):
        finds += [(m.start(1), m.end(1), "postcode") for m in OUTWARD_AFTER_PLACE_RE.finditer(text)]
    return finds


def _find_addresses(text, words):
    finds = []
    for m in ADDRESS_RE.finditer(text):
        street = m.group("street") or m.group("building") or ""
        if any(word.strip(".").lower() in NOT_STREET_WORDS for word in street.split()):
            continue
        finds.append((m.start(), m.end(), "address"))
    if _mentions(words, LIVING_HINTS):
        finds += [(m.start(1), m.end(1), "address") for m in ADDRESS_ANY_CASE_RE.finditer(text)]
    for _, end, _ in list(finds):
        after = TOWN_THEN_OUTWARD_RE.match(text, end)
        if after:
            finds.append((after.start(1), after.end(1), "postcode"))
    return finds


# -- People's names ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def name_lists():
    """(given names, surnames, names that are also ordinary words), all in lower case."""

    def read(filename):
        lines = (DATA_DIR / filename).read_text(encoding="utf-8").splitlines()
        names = {line.strip().lower() for line in lines if line.strip() and not line.startswith("#")}
        return frozenset(names | {without_accents(name) for name in names})

    return read("given_names.txt"), read("surnames.txt"), read("name_words.txt")


# Letters that lose more than an accent when written without it.
UNACCENTED = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "ı": "i", "ß": "ss", "œ": "oe", "æ": "ae"})


def without_accents(word):
    """ "wójcik" -> "wojcik", "łukasz" -> "lukasz": as a name is often typed on an English keyboard."""
    decomposed = unicodedata.normalize("NFKD", word.translate(UNACCENTED))
    return "".join(character for character in decomposed if not unicodedata.combining(character))


# One word of a name: Smith, O'Neill, McDonald, MacLeod, Smith-Jones, Wójcik.
NAME_WORD = rf"\b(?:[A-Z]['’])?(?:Ma?c)?[{UPPER}][{LOWER}]+(?:-(?:[A-Z]['’])?[{UPPER}][{LOWER}]+)?"
NAME_WORD_RE = re.compile(NAME_WORD)
INITIALS = r"(?:[A-Z](?:\.\s?|\s))+"
NAME_RUN_RE = re.compile(rf"{NAME_WORD}(?:[ \t]+{NAME_WORD})+")
FOLLOWING_NAME_RE = re.compile(rf"[ \t]+({NAME_WORD})")
ANOTHER_NAME_RE = re.compile(rf"(?:[ \t]*,[ \t]*|[ \t]+(?:and|&)[ \t]+)({NAME_WORD})")
NAME_BEFORE_RE = re.compile(rf"\b({NAME_WORD})(?:[ \t]*,[ \t]*|[ \t]+(?:and|&)[ \t]+)$")

# Titles after which any capitalised word is a name.
TITLES = r"Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Cllr|Councillor|Rev|Revd|Reverend|Sir|Dame|Fr"
# Titles that are also ordinary words ("Nurse Practitioner", "Lord Mayor"): a name from the
# lists must follow.
WORD_TITLES = r"Nurse|Sister|Matron|Midwife|Doctor|Lady|Lord|Father|Canon"
TITLE_RE = re.compile(
    rf"\b(?:(?:{TITLES}|mr|mrs|dr|cllr|prof)\.?\s+|(?P<word_title>{WORD_TITLES})\s+)+"
    rf"(?P<name>(?:{INITIALS})?{NAME_WORD})"
)
TITLE_BEFORE_RE = re.compile(rf"(?:\b(?:{TITLES}|mr|mrs|dr|cllr|prof|{WORD_TITLES})\.?[ \t]+)+$")
TITLE_WORDS = frozenset("mr mrs ms miss mx dr prof cllr rev revd sir dame fr doctor nurse sister matron".split())
RELATIONS = (
    "son|sons|daughter|daughters|husband|wife|partner|fiancée?|boyfriend|girlfriend|mum|mam|mom|mother"
    "|dad|father|brother|sister|sibling|twin|grandson|granddaughter|grandchild|grandchildren"
    "|grandma|gran|granny|nan|nanna|nana|grandmother|grandad|granddad|grandpa|grandfather"
    "|aunt|auntie|aunty|uncle|niece|nephew|cousin|friend|neighbour|neighbor|child|children|kids?"
    "|baby|stepson|stepdaughter|stepmum|stepdad|carer|care worker|support worker|key worker|keyworker"
    "|social worker|GP|doctor|consultant|nurse|midwife|health visitor|therapist|physio|counsellor"
)
RELATION_RE = re.compile(
    r"(?i:\b(?:my|our|his|her|their|your)\s+(?:(?:late|dear|lovely|eldest|oldest|youngest|elder|older"
    rf"|younger|little|baby|step|great|best|ex|new|old|twin)[- ]?\s*)*(?P<relation>{RELATIONS})"
    r"(?:,\s*|\s+(?P<verb>is|was|called|named)\s+|\s+))"
    rf"(?P<name>{NAME_WORD})"
)
PLURAL_RELATIONS = frozenset("sons daughters grandchildren children kids".split())
CALLED_RE = re.compile(rf"(?i:\b(?:called|named|known\s+as|goes\s+by)[,:]?\s+)(?P<name>{NAME_WORD})")
NAME_IS_RE = re.compile(
    r"(?i:\b(?:my|his|her|their|the)\s+(?:first\s+|full\s+|sur|last\s+)?names?\s*(?:is|was|are|were|'s|:)[,:]?\s+)"
    r"(?P<name>[A-Za-z][A-Za-z'’-]+(?:\s+[A-Za-z][A-Za-z'’-]+){0,2})"
)
ROLE_RE = re.compile(
    r"(?i:\b(?P<role>nurse|doctor|receptionist|physio|physiotherapist|midwife|consultant|surgeon|paramedic|carer"
    r"|sister|matron|therapist|counsellor|pharmacist|porter|cleaner|volunteer|driver|manager"
    r"|social worker|health visitor|care assistant|healthcare assistant|HCA|CPN|OT|staff member"
    r"|member of staff|lady|gentleman|man|woman|girl|guy|chap|lad|student|officer)s?[,:]?\s+)"
    rf"(?P<name>{NAME_WORD})"
)
THANKS_RE = re.compile(
    rf"(?i:\b(?:thanks|thank\s+you|thankyou|grateful|praise|well\s+done)\s+(?:to\s+)?)(?P<name>{NAME_WORD})"
)
SIGN_OFF_RE = re.compile(
    r"(?i:\b(?:many\s+thanks|thanks|thank\s+you|thankyou|kind\s+regards|best\s+regards|warm\s+regards|regards"
    r"|best\s+wishes|all\s+the\s+best|yours\s+sincerely|yours\s+faithfully|yours\s+truly|cheers|love\s+from|love))"
    r"[,.!]*(?P<gap>[ \t]*(?:\r?\n\s*|[-–—][ \t]*)|[ \t]+)"
    rf"(?P<name>(?:{INITIALS})?{NAME_WORD}(?:[ \t]+{NAME_WORD}){{0,2}})[ \t]*[.!]?\s*$",
    re.MULTILINE,
)
TITLE_HINTS = _hints(TITLES.replace("|", " ").lower() + " " + WORD_TITLES.replace("|", " ").lower())
RELATION_HINTS = _hints("my our his her their your")
RELATION_WORDS = _hints(RELATIONS.replace("|", " ").replace("?", "").lower()) | {"kid", "fiance"}
CALLED_HINTS = _hints("called named known goes")
ROLE_HINTS = _hints(
    "nurse doctor receptionist physio physiotherapist midwife consultant surgeon paramedic carer sister "
    "matron therapist counsellor pharmacist porter cleaner volunteer driver manager worker visitor "
    "assistant hca cpn ot staff member lady gentleman man woman girl guy chap lad student officer"
)
ROLE_HINTS = ROLE_HINTS | frozenset(word + "s" for word in ROLE_HINTS)
THANKS_HINTS = _hints("thanks thank thankyou grateful praise done")
NAME_HINTS = _hints("name names surname")
SIGN_OFF_HINTS = _hints("thanks thank thankyou regards wishes best yours cheers love")
# "Hi, I'm Priya", "I am Tomasz Nowak and ...", "This is Amina from ...": the answer introduces its writer.
INTRODUCTION_RE = re.compile(
    r"(?i:\b(?:i['’]?m|i\s+am|this\s+is|it['’]?s)[,:]?[ \t]+)"
    rf"(?P<name>[{UPPER}{LOWER}]+(?:['’-][{UPPER}{LOWER}]+)?)"
)
INTRODUCTION_HINTS = _hints("im i this it its")
# "Thanks, Zbigniew" or "Regards - Ana Popescu" closing the answer: a name, known or not.
CLOSING_NAME_RE = re.compile(
    r"(?i:\b(?:many\s+thanks|thanks|thank\s+you|thankyou|kind\s+regards|best\s+regards|warm\s+regards|regards"
    r"|best\s+wishes|yours\s+sincerely|yours\s+faithfully|yours\s+truly|cheers|love\s+from))"
    r"[ \t]*(?:,|[-–—])\s*"
    rf"(?P<name>(?:{INITIALS})?{NAME_WORD}(?:[ \t]+{NAME_WORD}){{0,2}})[ \t]*(?:[.!]+|[ \t]+x+)?\s*\Z"
)
LAST_LINE_NAME_RE = re.compile(
    rf"\n[ \t]*[-–—]?[ \t]*(?P<name>{NAME_WORD}(?:[ \t]+{NAME_WORD}){{0,2}})[ \t]*\.?\s*\Z"
)

# Words that are never a name, even after "Mr".
FUNCTION_WORDS = frozenset(
    """i a an the and or but of at in on to for from with by as is was are were be it its this that
    these those there here he she they we you me my our your his her their them him us who what when
    where why how which if so not no yes all any some very just also then than too please thank thanks
    dear hi hello regards best kind yours sincerely faithfully love cheers great good excellent
    brilliant lovely nice always never really everyone everything nothing staff""".split()
)
# Words that are rarely a name without a title, though some are in the name lists.
NOT_NAMES = FUNCTION_WORDS | frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december christmas easter
    english british french scottish welsh irish indian polish christian muslim hindu sikh jewish
    royal general major king queen prince princess duke earl baron lord lady sir dame saint st forest
    doctor nurse sister matron mr mrs ms miss dr
    god jesus allah covid corona forum said sad mad man loot raid nail harsh lucky more date deep din
    achilles""".split()
) | frozenset(
    # Places that parents in England and Wales also give as names (ONS baby names): the place is meant far more often.
    # Not those that are surnames too ("Neil Boston").
    """london paris brooklyn dallas memphis denver india china kenya africa america asia egypt leicester
    milan madrid vienna verona berlin dubai cairo lagos nairobi kabul lahore karachi dhaka sylhet gujarat
    punjab delhi mumbai goa kerala""".split()
)
# A word after a name that makes it a place or an organisation: "Victoria Park", "Grace Road",
# "Brandon Unit", "Florence Ward".
PLACE_WORDS = frozenset(
    """hospital hospitals infirmary surgery surgeries practice clinic clinics centre center unit ward
    wing building house lodge court hall road rd street st avenue ave lane close drive way crescent
    place gardens grove terrace park square hill green station school college university academy
    library church chapel mosque temple gurdwara trust council team teams service services health
    medical care community group foundation partnership network pharmacy chemist hub village town
    city county borough district estate farm bridge market leisure sports memorial stadium airport
    gate row mews walk rise view parade meadow meadows fields vale quay wharf campus building suite
    home homes hospice society association club charity project programme nursery primary
    department dept ltd limited plc inc agreement accord treaty convention""".split()
)
# "my mum Parkinson's": an illness named after a person is not a name here.
EPONYMS = frozenset(
    "addison alzheimer asperger bell crohn cushing down graves hashimoto hodgkin huntington meniere "
    "paget parkinson raynaud tourette".split()
)
EPONYM_ENDING_RE = re.compile(r"['’]s?\b|\s+(?:disease|syndrome)\b")
# Charities and shops named after a person, not the person: "Marie Curie nurses".
ORGANISATIONS_NAMED_FOR_PEOPLE = ("marie curie", "sue ryder", "john lewis", "florence nightingale")
NOT_NAME_OR_PLACE = NOT_NAMES | PLACE_WORDS
NOT_AFTER_TITLE = FUNCTION_WORDS | PLACE_WORDS | TITLE_WORDS
# What may stand between the end of one sentence and the first word of the next.
SENTENCE_GAP = " \t\"'‘“([*•-–"


def _find_names(text, words):
    given, surnames, name_words = name_lists()
    capitalised = frozenset(word.lower() for word in NAME_WORD_RE.findall(text))
    # Most rules need a known given name somewhere in the answer; most answers have none.
    has_given = not capitalised.isdisjoint(given)
    finds = []
    if _mentions(words, TITLE_HINTS):
        finds += _names_after_titles(text, given, surnames)
    if _mentions(words, RELATION_HINTS) and _mentions(words, RELATION_WORDS):
        finds += _names_after_relations(text, given, surnames)
    if has_given:
        finds += _names_after_phrases(text, words, given, surnames)
        if not capitalised.isdisjoint(surnames):
            finds += _given_and_surname_pairs(text, given, surnames, name_words)
        finds += _lone_given_names(text, given, name_words)
    if _mentions(words, NAME_HINTS):
        finds += [span for m in NAME_IS_RE.finditer(text) for span in _stated_name(m, given, surnames)]
    if _mentions(words, INTRODUCTION_HINTS):
        finds += _names_introduced(text, given, surnames, name_words)
    if _mentions(words, SIGN_OFF_HINTS) or "\n" in text:
        finds += _names_in_signatures(text, given, surnames)
    if finds:
        finds += _names_listed_with(text, finds, given, surnames)
    return [(start, end, "name") for start, end in finds]


def _is_name_word(word, given, surnames):
    word = word.lower()
    return word not in NOT_NAMES and (word in given or word in surnames)


def _could_be_name(word):
    word = word.lower()
    return word not in NOT_NAMES and word not in PLACE_WORDS


def _extend_name(text, end, given, surnames, *, any_capitalised=False):
    """Where a name that ends at `end` really ends: further words that are names too."""
    for _ in range(2):
        m = FOLLOWING_NAME_RE.match(text, end)
        if not m:
            break
        word = m.group(1)
        if not _could_be_name(word) or _starts_place(text, m.end(1)):
            break
        if not (any_capitalised or _is_name_word(word, given, surnames)):
            break
        end = m.end(1)
    return end


def _starts_place(text, end):
    """True if the word after `end` makes the name a place ("Victoria Park")."""
    m = FOLLOWING_NAME_RE.match(text, end)
    return bool(m) and m.group(1).lower() in PLACE_WORDS


def _names_listed_with(text, spans, given, surnames):
    """Given names in a list with a name already found: "Fay, Nicky and Dr Gordon", "Dr Nixon
    and Richard", "my daughters Amy and Grace"."""
    found = []
    for start, end in spans:
        while m := ANOTHER_NAME_RE.match(text, end):
            if not _is_listed_name(text, m, given):
                break
            end = _extend_name(text, m.end(1), given, surnames, any_capitalised=True)
            found.append((m.start(1), end))
        title = TITLE_BEFORE_RE.search(text, max(0, start - 40), start)
        if title:
            start = title.start()
        while m := NAME_BEFORE_RE.search(text, max(0, start - 40), start):
            if not _is_listed_name(text, m, given):
                break
            start = m.start(1)
            found.append((start, m.end(1)))
    return found


def _is_listed_name(text, m, given):
    word = m.group(1)
    return word.lower() in given and _could_be_name(word) and not _starts_place(text, m.end(1))


def _is_eponym(text, start, end):
    return text[start:end].lower() in EPONYMS and bool(EPONYM_ENDING_RE.match(text, end))


def _at_sentence_start(text, start):
    while start > 0 and text[start - 1] in SENTENCE_GAP:
        start -= 1
    return start == 0 or text[start - 1] in ".!?:;\n\r"


def _names_after_titles(text, given, surnames):
    spans = []
    for m in TITLE_RE.finditer(text):
        start, end = m.span("name")
        first = NAME_WORD_RE.search(m.group("name")).group()
        if first.lower() in NOT_AFTER_TITLE or _is_eponym(text, end - len(first), end):
            continue
        initials = m.group("name") != first
        if m.group("word_title") and not initials and not _is_name_word(first, given, surnames):
            continue
        spans.append((start, _extend_name(text, end, given, surnames, any_capitalised=True)))
    return spans


def _names_after_relations(text, given, surnames):
    spans = []
    for m in RELATION_RE.finditer(text):
        start, end = m.span("name")
        word = m.group("name")
        if not _could_be_name(word) or _is_eponym(text, start, end) or _starts_place(text, end):
            continue
        # "my son Jayden" is a name whatever it is; "my daughters Issues" and "your child Is
        # Invaluable" are not, so after a plural or a verb the word must be a known name.
        if m.group("verb") or m.group("relation").lower() in PLURAL_RELATIONS:
            if not _is_name_word(word, given, surnames):
                continue
        spans.append((start, _extend_name(text, end, given, surnames)))
    return spans


def _names_after_phrases(text, words, given, surnames):
    """A known given name after "called", "the nurse", "thanks to"."""
    spans = []
    for pattern, hints in ((CALLED_RE, CALLED_HINTS), (ROLE_RE, ROLE_HINTS), (THANKS_RE, THANKS_HINTS)):
        for m in pattern.finditer(text) if _mentions(words, hints) else ():
            if pattern is ROLE_RE and _in_capitalised_title(text, m):
                continue
            start, end = m.span("name")
            word = m.group("name")
            if word.lower() in given and _could_be_name(word) and not _starts_place(text, end):
                spans.append((start, _extend_name(text, end, given, surnames)))
    return spans


STATED_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]+")


def _in_capitalised_title(text, m):
    """True for "the Planning Officers Forum": a capitalised role inside a sentence, with no
    comma before the name, is part of an organisation's name ("Nurses, Neil and Tracey" and
    "Nurse, Christy, was kind" are people)."""
    comma_before_name = "," in text[m.end("role") : m.start("name")]
    return m.group("role").istitle() and not comma_before_name and not _at_sentence_start(text, m.start("role"))


def _stated_name(m, given, surnames):
    """After "my name is": capitalised words, or lower-case ones from the lists."""
    start = m.start("name")
    end = start
    for word in STATED_WORD_RE.finditer(m.group("name")):
        lower = word.group().lower()
        capitalised = word.group()[0].isupper() and not word.group().isupper()
        if lower in NOT_NAMES or lower in PLACE_WORDS:
            break
        if not (capitalised or lower in given or lower in surnames):
            break
        end = start + word.end()
    return [(start, end)] if end > start else []


def _names_in_signatures(text, given, surnames):
    spans = []
    for m in SIGN_OFF_RE.finditer(text):
        name = m.group("name")
        words = NAME_WORD_RE.findall(name)
        if not all(_could_be_name(word) for word in words):
            continue
        gap = m.group("gap")
        on_own_line = "\n" in gap or gap.strip() in ("-", "–", "—")
        has_initials = not name.startswith(words[0])
        known = words[0].lower() in given or (has_initials and words[-1].lower() in surnames)
        # On its own line after "Kind regards", two words are a name even if the lists lack them.
        if known or (on_own_line and (len(words) > 1 or words[0].lower() in surnames)):
            spans.append(m.span("name"))
    m = CLOSING_NAME_RE.search(text)
    if m:
        words = NAME_WORD_RE.findall(m.group("name"))
        if all(_could_be_name(word) and word.lower() not in THANKED_NOT_NAMED for word in words):
            spans.append(m.span("name"))
    m = LAST_LINE_NAME_RE.search(text)
    if m:
        words = NAME_WORD_RE.findall(m.group("name"))
        if words[0].lower() in given and all(_could_be_name(word) for word in words):
            spans.append(m.span("name"))
    return spans


# Capitalised words thanked at the end of an answer that are not a person: "Thanks, Team".
THANKED_NOT_NAMED = frozenset(
    """team teams everyone everybody all you guys folks staff doctors nurses leicester leicestershire rutland
    loughborough council nhs again anyway lots""".split()
)


def _names_introduced(text, given, surnames, ordinary):
    """A given name from the lists after "I'm", "I am", "this is", and the surname after it.

    In capitals or not ("i'm sarah"), unless the word is also an ordinary one ("I'm Hope-ful",
    "I am Will-ing") and no surname follows it.
    """
    spans = []
    for m in INTRODUCTION_RE.finditer(text):
        start, end = m.span("name")
        word = m.group("name").lower()
        if word not in given or word in NOT_NAMES or _starts_place(text, end):
            continue
        extended = _extend_name(text, end, given, surnames)
        if word in ordinary and extended == end:
            continue
        spans.append((start, extended))
    return spans


def _given_and_surname_pairs(text, given, surnames, ordinary):
    """A capitalised given name then a surname, both from the lists: "Sarah Jones"."""
    spans = []
    for run in NAME_RUN_RE.finditer(text):
        offset = run.start()
        tokens = [(offset + w.start(), offset + w.end(), w.group().lower()) for w in NAME_WORD_RE.finditer(run.group())]
        i = 0
        while i < len(tokens) - 1:
            end_index = _pair_end(text, tokens, i, given, surnames, ordinary)
            if end_index is None:
                i += 1
                continue
            spans.append((tokens[i][0], tokens[end_index][1]))
            i = end_index + 1
    return spans


def _lone_given_names(text, given, ordinary):
    """A capitalised given name inside a sentence, on its own: "thanks to the team and Lisa".

    Not at the start of a sentence, where any word is capitalised; not a name that is also an
    ordinary word ("Hope", "Will"); not in a place's or an organisation's name ("Victoria
    Park", "Colin Grundy Drive", "Burton FT") nor after "in", "at", "from" or "to" ("in
    Preston", "to Chelsea"); not before a number ("Jan 2021", the ward "Harvey 1").
    """
    spans = []
    for m in NAME_WORD_RE.finditer(text):
        word = m.group().lower()
        if word not in given or word in ordinary or word in NOT_NAME_OR_PLACE:
            continue
        if _at_sentence_start(text, m.start()) or _names_a_place(text, m.end()):
            continue
        if PLACE_BEFORE_RE.search(text, max(0, m.start() - 12), m.start()):
            continue
        if DIGIT_AFTER_RE.match(text, m.end()) or text[m.start() : m.start() + 20].lower().startswith(
            ORGANISATIONS_NAMED_FOR_PEOPLE
        ):
            continue  # "Jan 2021", a ward ("on Harvey 1"), "Marie Curie nurses"
        spans.append(m.span())
    return spans


def _names_a_place(text, end):
    """True if the capitalised words that follow end in a place or an organisation ("Kingsley ward" too)."""
    m = NEXT_WORD_RE.match(text, end)
    if m and m.group(1).lower() in PLACE_WORDS:
        return True
    for _ in range(3):
        m = FOLLOWING_WORD_RE.match(text, end)
        if not m:
            return False
        if m.group(1).lower() in PLACE_WORDS or m.group(1) in ORGANISATION_ABBREVIATIONS:
            return True
        end = m.end(1)
    return False


PLACE_BEFORE_RE = re.compile(r"\b(?:in|at|from|to|near|via|towards|St\.?|Saint)\s+$", re.IGNORECASE)
NEXT_WORD_RE = re.compile(r"[ \t]+([A-Za-z]+)\b")
FOLLOWING_WORD_RE = re.compile(rf"[ \t]+({NAME_WORD}|[A-Z]{{2,4}}s?)\b")
ORGANISATION_ABBREVIATIONS = frozenset("FT NHS CCG CCGs ICB ICS PCN PCT PTS LPT UHL EMAS UK Ltd LLP CIC PLC".split())
DIGIT_AFTER_RE = re.compile(r"[ \t]+\d")


def _pair_end(text, tokens, i, given, surnames, ordinary):
    """The index of the last word of a name starting at tokens[i], or None."""
    start, _, first = tokens[i]
    if first not in given or first in NOT_NAMES:
        return None
    # Up to one middle name, then a surname: "Mary Ann Smith".
    for j in (i + 1, i + 2):
        if j >= len(tokens):
            return None
        word = tokens[j][2]
        if word in NOT_NAME_OR_PLACE:
            return None
        if word in surnames:
            break
        if word not in given:
            return None
    else:
        return None
    last = j
    while last + 1 < len(tokens) and tokens[last + 1][2] in surnames and tokens[last + 1][2] not in NOT_NAME_OR_PLACE:
        last += 1
    if last + 1 < len(tokens) and tokens[last + 1][2] in PLACE_WORDS:
        return None  # "Victoria Park", "Grace Road"
    if text[max(0, start - 7) : start].rstrip().endswith(("St", "St.", "Saint")):
        return None  # "St John Ambulance"
    if _is_eponym(text, tokens[last][0], tokens[last][1]):
        return None
    if text[start : tokens[last][1]].lower() in ORGANISATIONS_NAMED_FOR_PEOPLE:
        return None
    if first in ordinary and tokens[last][2] in ordinary and _at_sentence_start(text, start):
        return None  # "Will Power ...", "Bill Payers ..." read as words at the start of a sentence
    return last
