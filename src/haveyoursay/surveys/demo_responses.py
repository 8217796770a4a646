"""Synthetic responses to the demo questionnaires, so a new user sees a full report at once.

Every response made here has `synthetic=True`: it was made up by this module from a fixed
random seed and is nobody's real view. Names and email addresses are always blank; the only
organisations are real ones named in the council's documents (seeds 001 and 002), and a
response from one is linked to the consultation's Stakeholder of that name where there is one.

How many, and how they arrived
    Joint Carers Strategy (closed, 6 June to 31 July 2022): 3,000 responses. LCWIP
    Engagement 2 (open in the demo): 320, spread from its opening day to now. Mostly online;
    some keyed in from paper, email and phone, with the day each arrived (`received_on`).
    More come in the first days and, for a closed consultation, the last few.

Who responded (the skew real consultations show)
    Older people and women are over-represented: in the carers questionnaire 63% of those
    giving their age are 55 or over and 66% of those giving their sex are women. By district
    (share of the respondents who gave one, against Census 2021): Charnwood 20.6% (25.8%),
    North West Leicestershire 11.4% (14.7%) and Oadby and Wigston 6.3% (8.1%) are
    under-represented; Harborough 20.0% (13.7%) and Melton 10.3% (7.3%) over-represented.
    "Prefer not to say" is chosen by a few per cent on each question (most on religion and
    sexual orientation), and a few per cent leave each optional question blank.

Built-in differences, for checking the demo's report (figures as made with DEMO_SEED; the
answers are the same whatever day the demo is loaded)
    Carers strategy:
    1. Carers agree with the vision more than non-carers: 80% of those who said they care for
       someone agree (strongly or tend to), against 61% of those who said "No". Carers agree
       more with every priority too.
    2. "Supporting Young Carers" is "Very important" to 79% of under-35s and 46% of those
       35 and over.
    3. Melton is lower than every other district on agreement with "Carers can access the
       right support at the right time": 55%, against 87% in the other districts together.
    4. Paper respondents are older: 71% of those giving their age are 65 or over, against
       32% online.
    5. A small organised campaign: 50 of the 980 answers (5%) to "Is there anything else you
       think we should consider?" are the same paragraph, some word for word and some with
       small edits; every copy contains CAMPAIGN_MARKER.
    LCWIP:
    6. Those commenting on the south of Leicester network agree less that it has the right
       routes (52%) than those commenting on the Loughborough area (64%).
    7. Benches are "Very important" to 52% of those 65 and over and 21% of under-45s;
       dedicated cycle lanes the other way round (32% against 76%).

Free text
    Short comments composed from phrase banks grounded in what the documents say people
    raise (carers: recognition, breaks, information, GP identification, young carers at
    school, money, digital exclusion, assessments, wellbeing, delivery; LCWIP: dedicated cycle
    lanes, junctions, benches, speed and safety, lighting, maintenance, links to schools and
    the station), so thousands of answers cluster into recognisable themes without repeating.
    A minority are blank-in-effect ("No", "Nothing to add"). A few (PERSONAL_DETAILS) contain
    the kind of detail redaction must remove, all fictional: example.org and example.com email
    addresses, Ofcom's drama numbers (07700 900xxx, 0116 496 0xxx), the example postcode
    LE11 3AB, and "Dr Patel" or "Mrs Green".

`load_demo_responses()` adds them once: a questionnaire that already has synthetic responses
is left as it is.
"""

import datetime
import random
import re
from statistics import NormalDist
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from haveyoursay.surveys.building import AGE_BANDS
from haveyoursay.surveys.demo import CARERS_SLUG, LCWIP_SLUG
from haveyoursay.surveys.models import Answer, Page, Question, Questionnaire, Response
from haveyoursay.surveys.submission import condition_met

DEMO_SEED = 2022
COUNTS = {CARERS_SLUG: 3000, LCWIP_SLUG: 320}
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# -- Small helpers -----------------------------------------------------------------------------


def pick(rng, weights):
    """A key of `weights` ({key: weight}), drawn in proportion to its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def chance(rng, probability):
    return rng.random() < probability


def agrees(z, share):
    """Whether someone with leaning `z` (standard normal) agrees, so that `share` of everyone does.

    One leaning per respondent, mixed with fresh noise for each item, makes a respondent who
    agrees with one statement likelier to agree with the next, as real respondents do.
    """
    return z > NormalDist().inv_cdf(1 - min(max(share, 0.01), 0.99))


def leaning(rng, base):
    """A fresh draw correlated (0.6) with the respondent's `base` leaning."""
    return 0.6 * base + 0.8 * rng.gauss(0, 1)


class Structure:
    """The questionnaire's pages and questions, and each question's option values by label."""

    def __init__(self, questionnaire):
        self.questionnaire = questionnaire
        self.pages = list(
            Page.objects.filter(questionnaire=questionnaire).prefetch_related("questions__options").order_by("position", "pk")
        )
        self.questions = {q.code: q for page in self.pages for q in page.questions.all()}
        self.values = {
            code: {option.label: option.value for option in question.options.all()}
            for code, question in self.questions.items()
        }
        self.other = {
            code: {option.value for option in question.options.all() if option.other}
            for code, question in self.questions.items()
        }

    def choice(self, code, label, other=""):
        """The stored answer choosing the option labelled `label`, or None if there is none."""
        value = self.values.get(code, {}).get(label)
        if value is None:
            return None
        return {"choice": value, "other": other if value in self.other[code] else ""}


# -- Who responds ------------------------------------------------------------------------------

PREFER = "Prefer not to say"

CHANNELS = {
    CARERS_SLUG: {"online": 84, "paper": 10, "email": 3.5, "phone": 2.5},
    LCWIP_SLUG: {"online": 93, "paper": 3, "email": 3, "phone": 1},
}

UNDER_35 = set(AGE_BANDS[:3])
UNDER_45 = set(AGE_BANDS[:4])
OVER_65 = set(AGE_BANDS[6:])


def _ages(*weights):
    return dict(zip(AGE_BANDS + [PREFER], weights))


AGES = {
    CARERS_SLUG: {
        "online": _ages(0.3, 2.5, 6, 11, 18, 24, 20, 8.5, 1.5, 3.5),
        "email": _ages(0, 2, 7, 13, 20, 25, 18, 8, 1, 4),
        # Paper and phone respondents are older: the difference the report should show.
        "paper": _ages(0, 0.5, 1.5, 3, 6, 14, 33, 29, 8, 5),
        "phone": _ages(0, 0.5, 1.5, 3, 7, 15, 32, 28, 8, 5),
    },
    LCWIP_SLUG: {
        "online": _ages(0.5, 6, 14, 19, 20, 18, 13, 5, 0.5, 4),
        "email": _ages(0, 4, 12, 18, 21, 20, 14, 6, 1, 4),
        "paper": _ages(0, 0.5, 2, 5, 9, 18, 34, 24, 4, 3.5),
        "phone": _ages(0, 0.5, 2, 5, 9, 18, 34, 24, 4, 3.5),
    },
}

SEXES = {
    CARERS_SLUG: {"Female": 63, "Male": 33, PREFER: 4},
    LCWIP_SLUG: {"Female": 42, "Male": 53, PREFER: 5},
}

# Respondents' districts; against Census 2021, Charnwood, North West Leicestershire and
# Oadby and Wigston come out under-represented, Harborough and Melton over.
AREAS = {
    CARERS_SLUG: {
        "Blaby": 13.5, "Charnwood": 19, "Harborough": 17, "Hinckley and Bosworth": 15.5, "Melton": 9,
        "North West Leicestershire": 10, "Oadby and Wigston": 5.5, "Somewhere else": 7, PREFER: 3.5,
    },
    LCWIP_SLUG: {
        "Blaby": 18, "Charnwood": 46, "Harborough": 5, "Hinckley and Bosworth": 3, "Melton": 1,
        "North West Leicestershire": 3, "Oadby and Wigston": 14, "Somewhere else": 7, PREFER: 3,
    },
}

CARER_STATUSES = {
    CARERS_SLUG: {
        "No": 36, "Yes, 9 hours a week or less": 9, "Yes, 10 to 19 hours a week": 8, "Yes, 20 to 34 hours a week": 8,
        "Yes, 35 to 49 hours a week": 7, "Yes, 50 or more hours a week": 28, PREFER: 4,
    },
    LCWIP_SLUG: {
        "No": 76, "Yes, 9 hours a week or less": 7, "Yes, 10 to 19 hours a week": 3, "Yes, 20 to 34 hours a week": 2,
        "Yes, 35 to 49 hours a week": 1.5, "Yes, 50 or more hours a week": 4.5, PREFER: 6,
    },
}

RESPONDENT_TYPES = {
    "A resident": 86, "A business": 0.4, "A councillor": 0.4, "A member of staff": 6, "Other": 4.5, PREFER: 1.5,
}
OTHER_RESPONDENT_TYPES = {
    CARERS_SLUG: ["Parent carer", "Volunteer with a carers' group", "Foster carer", "Carer support worker",
                  "Former carer", "Social work student", "Personal assistant"],
    LCWIP_SLUG: ["I work in Loughborough", "Student", "Parent of a pupil at a local school", "Visitor to the area",
                 "Member of a cycling club", "Dog walker"],
}

ETHNIC_GROUPS = {
    "White: English, Welsh, Scottish, Northern Irish or British": 82, "White: Irish": 0.8,
    "White: Gypsy or Irish Traveller": 0.1, "White: Roma": 0.05, "White: any other White background": 3,
    "Mixed or Multiple ethnic groups: White and Black Caribbean": 0.6,
    "Mixed or Multiple ethnic groups: White and Black African": 0.2,
    "Mixed or Multiple ethnic groups: White and Asian": 0.5,
    "Mixed or Multiple ethnic groups: any other Mixed or Multiple background": 0.3,
    "Asian or Asian British: Indian": 4.5, "Asian or Asian British: Pakistani": 0.6,
    "Asian or Asian British: Bangladeshi": 0.2, "Asian or Asian British: Chinese": 0.3,
    "Asian or Asian British: any other Asian background": 0.4,
    "Black, Black British, Caribbean or African: Caribbean": 0.5,
    "Black, Black British, Caribbean or African: African": 0.6,
    "Black, Black British, Caribbean or African: any other Black, Black British or Caribbean background": 0.1,
    "Other ethnic group: Arab": 0.1, "Other ethnic group: any other ethnic group": 0.3, PREFER: 4.5,
}
OTHER_ETHNIC_GROUPS = {
    "White: any other White background": ["Polish", "Italian", "Lithuanian", "Romanian", "German", "Portuguese"],
    "Mixed or Multiple ethnic groups: any other Mixed or Multiple background": ["Asian and Black Caribbean", "Mixed European"],
    "Asian or Asian British: any other Asian background": ["Sri Lankan", "Nepali", "Filipino"],
    "Black, Black British, Caribbean or African: any other Black, Black British or Caribbean background": ["Black British"],
    "Other ethnic group: any other ethnic group": ["Kurdish", "Iranian", "Latin American"],
}
RELIGIONS = {
    "No religion": 32, "Christian": 49, "Buddhist": 0.5, "Hindu": 1.5, "Jewish": 0.3, "Muslim": 1, "Sikh": 1,
    "Any other religion": 0.7, PREFER: 9,
}
RELIGIONS_BY_ETHNIC_GROUP = {
    "Asian or Asian British: Indian": {"Hindu": 55, "Sikh": 26, "Muslim": 5, "Christian": 3, "No religion": 4, PREFER: 7},
    "Asian or Asian British: Pakistani": {"Muslim": 90, "No religion": 2, PREFER: 8},
    "Asian or Asian British: Bangladeshi": {"Muslim": 90, "No religion": 2, PREFER: 8},
}
OTHER_RELIGIONS = ["Pagan", "Spiritualist", "Jain", "Humanist"]
SEXUAL_ORIENTATIONS = {
    "Straight or Heterosexual": 86, "Gay or Lesbian": 2, "Bisexual": 1.5, "Other sexual orientation": 0.4, PREFER: 9,
}
OTHER_SEXUAL_ORIENTATIONS = ["Asexual", "Pansexual", "Queer"]
GENDER_IDENTITIES = {"Yes": 94, "No, please write in your gender identity": 0.5, PREFER: 4.5}

# Organisations named in the council's documents: the stakeholders and respondents of the
# engagement report (seed 002) and the partnerships of the Strategic Plan consultation (seed 001).
ORGANISATIONS = {
    CARERS_SLUG: [
        "Healthwatch Leicestershire", "Voluntary Action Leicestershire", "Leicestershire Partnership NHS Trust",
        "University Hospitals Leicester NHS Trust", "Local Safeguarding Adults Board", "Children and Family Partnership",
        "County Youth Council for Leicestershire (CYCLe)", "Leicestershire & Rutland Association of Local Councils",
        "Leicestershire Equality Challenge Group", "Melton Borough Council", "Harborough District Council",
        "Charnwood Borough Council", "Oadby and Wigston Borough Council",
    ],
    LCWIP_SLUG: [
        "Transport Advisory Group", "Leicestershire Rural Partnership", "Loughborough University",
        "Charnwood Borough Council", "Oadby and Wigston Borough Council", "Leicestershire Police",
        "Leicester-Shire and Rutland Sport", "County Youth Council for Leicestershire (CYCLe)",
    ],
}
ORGANISATION_ROLES = ["Policy officer", "Chief executive", "Engagement manager", "Chair", "Strategy lead", "Secretary"]


class Respondent:
    """One made-up respondent: how they responded, who they are, and how warmly they lean."""

    def __init__(self, rng, slug, organisation=None):
        self.rng = rng
        self.slug = slug
        self.organisation = organisation
        self.channel = pick(rng, {"online": 70, "email": 30}) if organisation else pick(rng, CHANNELS[slug])
        self.lean = rng.gauss(0, 1)
        self.profile = {} if organisation else self.draw_profile()
        # Earlier answers that later ones follow from, set as they are given.
        self.vision_agrees = self.network_agrees = None
        self.networks = []
        self.named_route = False

    @property
    def offline(self):
        return self.channel != "online"

    def skips(self, probability):
        """Whether this respondent leaves an optional question blank (more often off line)."""
        return chance(self.rng, probability * (2.5 if self.offline else 1))

    def draw_profile(self):
        rng, slug = self.rng, self.slug
        profile = {
            "respondent_type": pick(rng, RESPONDENT_TYPES),
            "area": pick(rng, AREAS[slug]),
            "age": pick(rng, AGES[slug][self.channel]),
            "sex": pick(rng, SEXES[slug]),
            "carer": pick(rng, CARER_STATUSES[slug]),
        }
        ethnic_weights = dict(ETHNIC_GROUPS)
        if profile["area"] == "Oadby and Wigston":
            ethnic_weights["Asian or Asian British: Indian"] *= 5
        profile["ethnicity"] = pick(rng, ethnic_weights)
        disability = {"Yes": 31, "No": 61, PREFER: 5} if slug == CARERS_SLUG else {"Yes": 17, "No": 76, PREFER: 5}
        if profile["age"] in OVER_65:
            disability["Yes"] *= 1.6
        profile["disability"] = pick(rng, disability)
        profile["disability_impact"] = pick(rng, {"Yes, a lot": 30, "Yes, a little": 50, "Not at all": 15, PREFER: 5})
        profile["religion"] = pick(rng, RELIGIONS_BY_ETHNIC_GROUP.get(profile["ethnicity"], RELIGIONS))
        profile["sexual_orientation"] = pick(rng, SEXUAL_ORIENTATIONS)
        profile["gender_identity"] = pick(rng, GENDER_IDENTITIES)
        return profile

    @property
    def age(self):
        return self.profile.get("age")

    @property
    def is_carer(self):
        return (self.profile.get("carer") or "").startswith("Yes")

    @property
    def is_non_carer(self):
        return self.profile.get("carer") == "No"


# -- "About you" answers -------------------------------------------------------------------------

ABOUT_YOU_BLANK = {
    "respondent_type": 0.01, "area": 0.02, "age": 0.02, "sex": 0.015, "gender_identity": 0.02, "ethnicity": 0.02,
    "disability": 0.025, "disability_impact": 0.05, "religion": 0.03, "sexual_orientation": 0.035, "carer": 0.02,
}
# Asked of over-16s only, as the census asks them.
ADULT_ONLY = {"gender_identity", "sexual_orientation"}


def about_you(respondent, structure, code):
    rng = respondent.rng
    if respondent.organisation:
        if code == "respondent_type":
            return structure.choice(code, "Responding on behalf of an organisation")
        return None
    if code in ADULT_ONLY and respondent.age == "Under 16":
        return None
    if respondent.skips(ABOUT_YOU_BLANK.get(code, 0.02)):
        return None
    label = respondent.profile.get(code)
    if label is None:
        return None
    other = ""
    if code == "respondent_type" and label == "Other":
        other = rng.choice(OTHER_RESPONDENT_TYPES[respondent.slug])
    elif code == "ethnicity":
        other = rng.choice(OTHER_ETHNIC_GROUPS.get(label, [""]))
    elif code == "religion":
        other = rng.choice(OTHER_RELIGIONS)
    elif code == "sexual_orientation":
        other = rng.choice(OTHER_SEXUAL_ORIENTATIONS)
    elif code == "gender_identity":
        other = "Non-binary"
    return structure.choice(code, label, other)


# -- Scales --------------------------------------------------------------------------------------


def agree_value(rng, agreeing, strongly=0.5):
    """An agree-scale value: agreeing, or else neither, disagreeing or don't know."""
    if agreeing:
        return "strongly_agree" if chance(rng, strongly) else "tend_to_agree"
    return pick(rng, {"neither": 40, "tend_to_disagree": 28, "strongly_disagree": 17, "dont_know": 15})


def importance_value(rng, very):
    if chance(rng, very):
        return "very_important"
    return pick(rng, {"fairly_important": 65, "not_very_important": 19, "not_at_all_important": 7, "dont_know": 9})


def grid(respondent, statements, answer_row, row_blank=0.03):
    """{"rows": {...}} answering each statement value with `answer_row(value)`, some left blank."""
    rows = {}
    for value in statements:
        if respondent.skips(row_blank):
            continue
        rows[value] = answer_row(value)
    return {"rows": rows} if rows else None


def statements_of(question):
    return [statement["value"] for statement in question.settings.get("statements", [])]


# -- Comments ------------------------------------------------------------------------------------
#
# A template's [this|that] picks one of the words between the brackets, and {slot} one of the
# words of SLOTS (or of the respondent's own places), so each theme reads many ways.

SLOTS = {
    "cared": ["my husband", "my wife", "my mum", "my dad", "my son", "my daughter", "my partner", "my brother",
              "my mother-in-law", "my grandson", "my sister", "my elderly parents", "my nan"],
    "condition": ["dementia", "Parkinson's", "MS", "a learning disability", "autism", "mental health problems",
                  "a brain injury", "COPD", "cancer", "a stroke", "motor neurone disease", "epilepsy"],
    "years": ["two years", "three years", "five years", "six years", "over ten years", "nearly twenty years",
              "eighteen months", "most of my adult life", "since the pandemic", "about four years"],
    "place": ["the GP surgery", "the hospital", "social services", "the council", "the memory clinic", "the pharmacy"],
}
# Where LCWIP respondents live and travel: real towns, roads and paths of each network's area.
PLACES = {
    "Loughborough area": {
        "town": ["Loughborough", "Shepshed", "Quorn", "Hathern", "Barrow upon Soar", "Mountsorrel"],
        "road": ["the A6", "Ashby Road", "Epinal Way", "Forest Road", "Derby Road", "Nottingham Road"],
        "path": ["the canal towpath", "the river path by the Soar", "the path across the meadows",
                 "the old railway line", "the path through the park"],
        "destination": ["the station", "the university", "the town centre", "the college", "the hospital"],
    },
    "South of Leicester area": {
        "town": ["Wigston", "Oadby", "Blaby", "Glen Parva", "Enderby", "Countesthorpe", "South Wigston"],
        "road": ["the A6", "Welford Road", "Leicester Road", "Narborough Road", "Blaby Road", "Saffron Lane"],
        "path": ["the Great Central Way", "the canal towpath", "the Sence valley path", "the path through the park",
                 "the old railway line"],
        "destination": ["Leicester city centre", "the Fosse Park shops", "the university", "the hospital",
                        "Wigston town centre"],
    },
}


class Slots(dict):
    """For str.format_map: each {slot} becomes one of its words, drawn afresh."""

    def __init__(self, rng, places=None):
        super().__init__()
        self.rng = rng
        self.places = places or {}

    def __missing__(self, key):
        return self.rng.choice(self.places.get(key) or SLOTS[key])


# Carers: what the documents say carers raise (seeds 001, 003, 004), in many wordings each.
CARERS_THEMES = {
    "recognition": [
        "Unpaid carers [hold the whole system together|save the NHS a fortune|keep the care system going] and "
        "[it is good to see|I'm glad to see|it's about time we saw] that recognised.",
        "Carers are [too often|so often|still] invisible, so [starting|a strategy that starts] by valuing them is right.",
        "Nobody asks how I am coping, they only ever ask about {cared}.",
        "Being valued means being listened to, not just [being thanked|a thank you|a card] once a year in Carers Week.",
        "[Professionals|Doctors and social workers|Staff] should treat us as partners in the care, "
        "we know {cared} better than anyone.",
        "I have looked after {cared} for {years} and this is the first time I have felt [anyone noticed|seen|recognised].",
        "Carers should be seen as people with their own lives and not [just as free help|as an unpaid workforce].",
        "[It would mean a lot|It matters] to be asked what I need as well as what {cared} needs.",
    ],
    "breaks": [
        "I have [not had|never had|had no] [a proper break|a real break|any respite|a day to myself] in {years}.",
        "Respite is [almost impossible|really hard|a nightmare] to arrange, [especially|let alone] at short notice.",
        "Without a sitting service I can't even get to my own [hospital|GP|dentist] appointments.",
        "Short breaks should be a right for carers, not a luxury you have to [fight|beg|battle] for.",
        "The day centre {cared} went to closed [during Covid|in the pandemic] and never reopened, so I get no "
        "time [to myself|off].",
        "A few hours [a week|off each week] would make the difference between coping and not coping.",
        "Replacement care costs too much and [the respite budget|the money for breaks] is far too small.",
        "We need more [respite beds|short stay places|emergency respite] for when the carer is ill.",
        "[I can't remember|I honestly can't remember] the last time I had a night's sleep or a holiday.",
    ],
    "information": [
        "It took me {years} to find out what [help|support] was [out there|available].",
        "The information is [scattered|spread] across [different websites, leaflets and phone numbers|too many places].",
        "Nobody told me I could [ask for|have] a carer's assessment.",
        "One point of contact who actually knows the system would [make a huge difference|help enormously].",
        "I only found the carers' [support group|group|cafe] by chance, through a friend.",
        "When {cared} was diagnosed with {condition} we were given a leaflet and that was it.",
        "Clear advice at the start would have saved [me a lot of stress|us months of worry].",
        "[You don't know what you don't know|Nobody explains anything] when you first become a carer.",
    ],
    "gp": [
        "My GP [surgery|practice] has never asked whether I am a carer.",
        "GP practices should keep a [register|list] of carers and actually use it.",
        "Flexible appointments at {place} would help carers who can't leave the person they look after.",
        "Carers should be offered a health check, our own health [gets forgotten|comes last].",
        "The first people to spot a carer are usually at {place}, so [that is where identification should happen|"
        "they need training].",
        "I told my doctor I was caring for {cared} and nothing was ever [recorded|followed up].",
        "[Pharmacists|Receptionists] see carers every week and could point them to help.",
    ],
    "young_carers": [
        "Schools need to [spot|identify|find] young carers [much earlier|sooner].",
        "My daughter helps me look after her dad and her teachers had no idea for years.",
        "Young carers miss out on [clubs, trips and friendships|a normal childhood] because of what they do at home.",
        "Every school should have a named [person|member of staff] young carers can go to.",
        "Teachers need training to recognise when a pupil is caring at home.",
        "Young carers should not have to choose between their education and their family.",
        "My son was [often late for school|late for school most days] because he was helping with {cared}, "
        "and he got [detentions|told off] for it.",
        "[Colleges|Sixth forms] should know which students are young carers and make allowances.",
    ],
    "money": [
        "Carer's Allowance is [far too low|a pittance|insulting] for the hours we put in.",
        "I had to give up work to care for {cared} and money is [very tight|a constant worry] now.",
        "The cost of living is hitting carers [harder than most|very hard].",
        "Help with hospital parking charges would make a real difference to carers.",
        "Many carers [simply|just] can't afford to pay for respite or replacement care.",
        "Employers need to be more flexible so carers can [keep working|stay in work].",
        "[Heating|Energy] bills are higher when you are at home all day caring.",
    ],
    "digital": [
        "Not everyone can get online, so please keep [paper forms and a phone line|a phone number you can ring].",
        "[Lots of|Many] older carers don't use the internet and are being left behind.",
        "Everything seems to be online now, which is no good for carers without a computer.",
        "Please don't assume every carer has a smartphone or an email address.",
        "I had to get my neighbour to help me fill in the online form.",
        "[Some of us|Not all of us] are not confident with computers.",
    ],
    "assessment": [
        "The wait for a carer's assessment was [months|far too long].",
        "Assessments feel like a tick-box exercise and nothing changes afterwards.",
        "My assessment was never reviewed, even when {cared} got much worse.",
        "When I finally had an assessment I was told there was nothing available.",
        "The assessment forms are long and repetitive.",
        "You have to tell your story again and again to [different people|every new worker].",
    ],
    "wellbeing": [
        "Caring is lonely and it wears down your mental health.",
        "I am exhausted most of the time and nobody checks on me.",
        "Carers need emotional support as well as practical help.",
        "The peer support group has been a lifeline for me.",
        "Looking after someone with {condition} is relentless and it affects your own health.",
        "Counselling for carers would help, [the waiting lists are too long|but there is none locally].",
        "[My own health has suffered|I have had to put my own health on hold] since I started caring.",
    ],
    "delivery": [
        "It reads well but I want to know how any of it will actually be delivered.",
        "Strategies come and go and nothing changes on the ground.",
        "Where is the money to make this happen?",
        "The priorities are fine but there are no dates or targets.",
        "How will you measure whether things have got better for carers?",
        "I have seen the same promises in the last strategy.",
        "Words are easy, carers need to see action.",
        "[Nice words|Fine words] but [I'll believe it when I see it|what will actually change]?",
    ],
    "document": [
        "The document is far too long and full of jargon.",
        "The easy read version was much clearer than the full strategy.",
        "Please write it in plain English so carers can understand it.",
    ],
    "joint_working": [
        "The councils and the NHS need to work together and stop passing carers between them.",
        "Services are different in Leicester, Leicestershire and Rutland and that is confusing for families.",
        "Hospital discharge is where joined-up working falls apart for carers.",
    ],
    "communities": [
        "In a rural village there is very little support nearby and the buses are poor.",
        "Local groups, churches and shops could all do more to be carer friendly.",
        "Getting to services from the villages is hard without a car.",
        "Carers in [rural areas|the villages] feel forgotten.",
    ],
}
CARERS_POSITIVE = [
    "The vision is the right one.", "I agree with the vision.", "This covers what matters to carers.",
    "It is good to see carers being recognised.", "These are the right priorities.", "Yes, this makes sense to me.",
    "I support it.", "It says the right things.",
]
CARERS_OPENERS = [
    "As a carer myself, ", "Speaking as someone who cares for {cared}, ", "", "", "", "", "Overall, ", "Honestly, ",
    "From my experience, ", "To be honest, ",
]
ORGANISATION_SENTENCES = [
    "The vision aligns closely with our own priorities.",
    "We strongly support the commitment to work in partnership across Leicester, Leicestershire and Rutland.",
    "We would welcome clarity on how the strategy will be resourced and how progress will be measured.",
    "Alignment with Leicester and Rutland is essential as our services cover the whole area.",
    "Prevention should underpin all of the priorities, not just one of them.",
    "We would like to see a clearer statement of each partner's role in delivering the action plan.",
    "The people we work with tell us that information and advice are hard to find.",
    "We would be pleased to help carers shape the action plan.",
]

CAMPAIGN_MARKER = "guaranteed right to a short break"
CAMPAIGN_TEXT = (
    "Carers need a guaranteed right to a short break every year, funded by all three councils and the NHS. "
    "Please put this in the final strategy with a date for when it will happen, not just a promise to look at it."
)
CAMPAIGN_SHARE = 0.05

PERSONAL_DETAILS = [
    "You can email me at carer.feedback@example.org if you want to know more.",
    "Please ring me on 07700 900461 to talk about this.",
    "My number is 07700 900183 if anyone wants to follow this up.",
    "I can be contacted on 0116 496 0372 during the day.",
    "Write to me at LE11 3AB if you need more details.",
    "My GP Dr Patel has been brilliant but can't do it all.",
    "The social worker, Mrs Green, was the only person who helped us.",
    "Email mum.and.me@example.com and I will explain.",
]
PERSONAL_DETAIL_SHARE = 0.005

NOTHING_TO_ADD = [
    "No", "No.", "no", "Nothing to add", "Nothing further to add.", "N/A", "n/a", "None", "No comment",
    "Not really", "No thank you", "Nothing else", "-",
]

LCWIP_THEMES = {
    "cycle_lanes": [
        "We need proper [segregated|protected|dedicated] cycle lanes, not a painted line on the road.",
        "Painted cycle lanes that stop just before the junctions are worse than nothing.",
        "A continuous [protected|separate] route into {town} would get me cycling to work.",
        "The cycle lanes we have are [full of parked cars|used as parking|too narrow to be safe].",
        "Cycle lanes separate from the traffic are the only thing that will make people feel safe.",
        "I would cycle with my children if there were lanes away from the cars.",
        "[Kerb-separated|Physically separated] lanes on {road} please.",
    ],
    "junctions": [
        "The [big roundabouts|roundabouts on {road}] are terrifying on a bike.",
        "Sort out the junctions first, that is where the danger is.",
        "There is no safe place to cross {road} on foot.",
        "Toucan crossings at the main junctions would help walkers and cyclists alike.",
        "Waiting times at the pedestrian lights on {road} are far too long.",
        "The junction where {path} meets {road} needs a proper crossing.",
    ],
    "benches": [
        "Benches along the routes would help older people walk further.",
        "My [mum|dad|husband|wife] can't walk far without a rest, so benches really matter.",
        "Somewhere to sit every few hundred metres would make walking possible for me.",
        "Seats and shelter on the walking routes please, not everyone is young and fit.",
        "[More benches|Places to rest] on the way to {destination} would help.",
    ],
    "safety": [
        "Traffic is far too fast, we need 20mph in residential streets.",
        "I'd let my children cycle to school if it felt safe.",
        "Lorries make {road} unsafe for anyone on a bike.",
        "Drivers pass far too close on {road}.",
        "[Speeding|Rat running] through {town} puts people off walking.",
    ],
    "lighting": [
        "{path} needs lighting in the winter.",
        "I don't feel safe walking home after dark because of the poor lighting.",
        "Better lighting on {path} would mean I could use it all year round.",
    ],
    "maintenance": [
        "Potholes and overgrown hedges make the existing paths hard to use.",
        "Keep the paths swept, the glass and wet leaves are a hazard.",
        "Fix the pavements we already have before building new routes.",
        "{path} turns to mud every winter.",
        "The surface of {path} is [terrible|breaking up|full of holes].",
        "Tree roots have broken up {path} and it is dangerous.",
    ],
    "links": [
        "Link the network to {destination}.",
        "Routes to schools should be the priority.",
        "Connect the villages to {town}.",
        "There is no safe route between {town} and {destination}.",
        "Secure cycle parking at {destination} would help as much as the routes.",
    ],
    "sceptical": [
        "The money would be better spent fixing the roads.",
        "Hardly anyone uses the cycle lanes we already have.",
        "Narrowing roads for cycle lanes will just cause more congestion.",
        "Shared paths cause conflict between people walking and people cycling.",
    ],
}
LCWIP_POSITIVE = [
    "The network covers the routes I use.", "It picks up the main routes into town.", "Looks about right to me.",
    "Most of the routes people actually use are on there.", "It is a good start.",
]
ROUTE_CHANGES = [
    "The route along {road} should be on the network, it is the obvious way [into|through] {town}.",
    "Add a route from {town} to {destination} along {path}.",
    "{path} should be widened and lit so it can be part of the network.",
    "The route shown along {road} is too busy; {path} runs [alongside|parallel] and would be safer.",
    "There is a gap between {path} and {road} where everyone has to go on the main road.",
    "Please include the path past the school on {road}, [hundreds of|lots of] children walk it every day.",
    "{path} is missing from the map and it is the [main|best] way to {destination} on foot.",
]

ALTERNATIVES = re.compile(r"\[([^\[\]]*)\]")
KEEP_CAPITALS = ("I ", "I'", "GP", "Carer's", "Leicester", "Loughborough", "Covid", "Fosse")


def lower_first(sentence):
    """The sentence to follow an opener: "The vision..." -> "the vision...", but "I have..." stays."""
    if sentence.startswith(KEEP_CAPITALS) or sentence[:2].isupper():
        return sentence
    return sentence[:1].lower() + sentence[1:]


def sentence_from(rng, templates, places=None):
    """One template, its [alternatives] chosen and its {slots} filled, with a capital first letter."""
    template = ALTERNATIVES.sub(lambda match: rng.choice(match.group(1).split("|")), rng.choice(templates))
    sentence = template.format_map(Slots(rng, places))
    return sentence[:1].upper() + sentence[1:]


def roughen(rng, text):
    """Real comments aren't tidy: now and then a lower-case start or no full stop."""
    if chance(rng, 0.08):
        text = lower_first(text)
    if chance(rng, 0.1) and text.endswith("."):
        text = text[:-1]
    return text


def compose(rng, themes, weights, *, lead=(), openers=(), most=3, personal=True, places=None):
    """A comment of one to `most` sentences from the weighted themes, after an optional lead."""
    count = min(pick(rng, {1: 55, 2: 35, 3: 10}), most, len(weights))
    chosen = []
    while len(chosen) < count:
        theme = pick(rng, weights)
        if theme not in chosen:
            chosen.append(theme)
    sentences = [sentence_from(rng, list(lead))] if lead else []
    sentences += [sentence_from(rng, themes[theme], places) for theme in chosen]
    opener = sentence_from(rng, list(openers)) if openers else ""
    if opener:
        sentences[0] = opener + lower_first(sentences[0])
    if personal and chance(rng, PERSONAL_DETAIL_SHARE):
        sentences.append(rng.choice(PERSONAL_DETAILS))
    return roughen(rng, " ".join(sentences))


def text_answer(respondent, answer_rate, write):
    """{"text": ...} from `write()`, for the share who answer; a few answer "No" and the like."""
    rng = respondent.rng
    if not chance(rng, answer_rate * (0.8 if respondent.offline else 1)):
        return None
    if chance(rng, 0.07):
        return {"text": rng.choice(NOTHING_TO_ADD)}
    return {"text": write()}


def campaign_copy(rng):
    """The campaign paragraph, word for word or with the small edits people make when they copy it."""
    text = CAMPAIGN_TEXT
    if chance(rng, 0.6):
        return text
    if chance(rng, 0.4):
        text = text.split(". ")[0] + "."
    if chance(rng, 0.3):
        text = "I agree with this. " + text
    if chance(rng, 0.3):
        text = text.replace("Please put", "Put")
    if chance(rng, 0.3):
        text += " Thank you."
    return text


# -- Carers strategy -----------------------------------------------------------------------------

PRIORITY_AGREEMENT = {
    "identification": 0.80, "valued": 0.82, "informed": 0.84, "communities": 0.72, "life_alongside": 0.80,
    "confidence": 0.76, "right_support": 0.85, "young_carers": 0.83,
}
PRIORITY_IMPORTANCE = {
    "identification": 0.62, "valued": 0.60, "informed": 0.64, "communities": 0.50, "life_alongside": 0.62,
    "confidence": 0.55, "right_support": 0.72, "young_carers": 0.50,
}
LOW_AREA, LOW_PRIORITY = "Melton", "right_support"


def carer_shift(respondent, carer=0.07, non_carer=-0.10):
    if respondent.organisation:
        return 0.05
    return carer if respondent.is_carer else non_carer if respondent.is_non_carer else 0


def carers_vision(respondent, structure, question):
    rng = respondent.rng
    if respondent.offline and chance(rng, 0.02):
        return None
    if respondent.organisation:
        share = 0.85
    else:
        share = 0.82 if respondent.is_carer else 0.62 if respondent.is_non_carer else 0.72
    respondent.vision_agrees = agrees(leaning(rng, respondent.lean), share)
    respondent.vision = agree_value(rng, respondent.vision_agrees, strongly=0.55 if respondent.is_carer else 0.45)
    return {"choice": respondent.vision, "other": ""}


def carers_priorities_agree(respondent, structure, question):
    rng = respondent.rng
    if respondent.skips(0.04):
        return None

    def row(value):
        share = PRIORITY_AGREEMENT.get(value, 0.75) + carer_shift(respondent)
        if value == LOW_PRIORITY and respondent.profile.get("area") == LOW_AREA:
            share -= 0.35
        return agree_value(rng, agrees(leaning(rng, respondent.lean), share))

    return grid(respondent, statements_of(question), row)


def carers_priorities_importance(respondent, structure, question):
    rng = respondent.rng
    if respondent.skips(0.05):
        return None

    def row(value):
        very = PRIORITY_IMPORTANCE.get(value, 0.6) + carer_shift(respondent, 0.06, -0.08)
        if value == "young_carers" and respondent.age:
            very = 0.80 if respondent.age in UNDER_35 else 0.47
        return importance_value(rng, very)

    return grid(respondent, statements_of(question), row)


def carers_weights(respondent, *, critical):
    weights = {
        "recognition": 3, "breaks": 4, "information": 3, "gp": 2, "young_carers": 1.5, "money": 2.5, "digital": 1.2,
        "assessment": 2, "wellbeing": 2.5, "delivery": 1.5, "document": 0.5, "joint_working": 1, "communities": 1,
    }
    if critical:
        weights.update(recognition=1, delivery=5, money=3.5, assessment=3)
    if respondent.age in UNDER_35:
        weights["young_carers"] = 6
    if respondent.profile.get("area") in ("Melton", "Harborough"):
        weights["communities"] = 3
    if respondent.offline or respondent.age in OVER_65:
        weights["digital"] = 3
    return weights


def organisation_comment(respondent):
    rng = respondent.rng
    return " ".join(rng.sample(ORGANISATION_SENTENCES, pick(rng, {1: 40, 2: 45, 3: 15})))


def carers_vision_why(respondent, structure, question):
    rng = respondent.rng
    if respondent.organisation:
        return text_answer(respondent, 0.9, lambda: organisation_comment(respondent))
    agreeing = respondent.vision_agrees is not False
    lead = CARERS_POSITIVE if agreeing and chance(rng, 0.5) else ()
    weights = carers_weights(respondent, critical=not agreeing)
    return text_answer(
        respondent, 0.52, lambda: compose(rng, CARERS_THEMES, weights, lead=lead, openers=CARERS_OPENERS, most=2)
    )


def carers_priorities_why(respondent, structure, question):
    rng = respondent.rng
    if respondent.organisation:
        return text_answer(respondent, 0.7, lambda: organisation_comment(respondent))
    weights = carers_weights(respondent, critical=False)
    return text_answer(respondent, 0.38, lambda: compose(rng, CARERS_THEMES, weights, openers=CARERS_OPENERS))


def carers_anything_else(respondent, structure, question):
    rng = respondent.rng
    if respondent.organisation:
        return text_answer(respondent, 0.8, lambda: organisation_comment(respondent))
    answer = text_answer(
        respondent, 0.33,
        lambda: compose(rng, CARERS_THEMES, carers_weights(respondent, critical=respondent.vision_agrees is False)),
    )
    if answer is not None and chance(rng, CAMPAIGN_SHARE):
        answer = {"text": campaign_copy(rng)}
    return answer


CARERS_SCRIPT = {
    "vision": carers_vision,
    "vision_why": carers_vision_why,
    "priorities_agree": carers_priorities_agree,
    "priorities_importance": carers_priorities_importance,
    "priorities_why": carers_priorities_why,
    "anything_else": carers_anything_else,
}


# -- LCWIP ---------------------------------------------------------------------------------------

LOUGHBOROUGH, SOUTH = "Loughborough area", "South of Leicester area"
NETWORK_AGREEMENT = {LOUGHBOROUGH: 0.68, SOUTH: 0.50}


def lcwip_network_area(respondent, structure, question):
    rng = respondent.rng
    district = respondent.profile.get("area")
    organisation = respondent.organisation
    if district == "Charnwood" or organisation in ("Loughborough University", "Charnwood Borough Council"):
        near = {LOUGHBOROUGH: 90, SOUTH: 4, "both": 6}
    elif district in ("Blaby", "Oadby and Wigston", "Harborough") or organisation == "Oadby and Wigston Borough Council":
        near = {LOUGHBOROUGH: 4, SOUTH: 90, "both": 6}
    else:
        near = {LOUGHBOROUGH: 45, SOUTH: 45, "both": 10}
    chosen = pick(rng, near)
    labels = [LOUGHBOROUGH, SOUTH] if chosen == "both" else [chosen]
    values = [structure.values[question.code][label] for label in labels if label in structure.values[question.code]]
    respondent.networks = labels
    return {"choices": values, "other": ""} if values else None


def lcwip_network_agree(respondent, structure, question):
    rng = respondent.rng
    networks = respondent.networks or [LOUGHBOROUGH]
    share = sum(NETWORK_AGREEMENT[n] for n in networks) / len(networks)
    respondent.network_agrees = agrees(leaning(rng, respondent.lean), share)
    return {"choice": agree_value(rng, respondent.network_agrees), "other": ""}


def places_of(respondent):
    """The towns, roads and paths of the network the respondent comments on (one, if both)."""
    network = respondent.rng.choice(respondent.networks or [LOUGHBOROUGH])
    return PLACES.get(network, PLACES[LOUGHBOROUGH])


def lcwip_weights(respondent, *, critical):
    weights = {
        "cycle_lanes": 4, "junctions": 3, "benches": 1.5, "safety": 3, "lighting": 1.5, "maintenance": 2, "links": 2.5,
        "sceptical": 0.5,
    }
    if critical:
        weights.update(sceptical=3, links=3.5)
    if respondent.age in OVER_65:
        weights.update(benches=4, maintenance=3, cycle_lanes=1.5)
    return weights


def lcwip_network_why(respondent, structure, question):
    rng = respondent.rng
    agreeing = respondent.network_agrees is not False
    lead = LCWIP_POSITIVE if agreeing and chance(rng, 0.5) else ()
    weights = lcwip_weights(respondent, critical=not agreeing)
    return text_answer(
        respondent, 0.55, lambda: compose(rng, LCWIP_THEMES, weights, lead=lead, most=2, places=places_of(respondent))
    )


def lcwip_route_place(respondent, structure, question):
    rng = respondent.rng
    if not chance(rng, 0.45):
        return None
    respondent.named_route = True
    if chance(rng, 0.08):
        return {"postcode": "LE11 3AB"}
    wanted = "south_of_leicester" if SOUTH in respondent.networks else "loughborough"
    places = [place["value"] for place in question.settings.get("places", [])]
    return {"place": wanted if wanted in places else rng.choice(places)} if places else None


def lcwip_route_change(respondent, structure, question):
    rng = respondent.rng
    rate = 0.85 if respondent.named_route else 0.08
    return text_answer(respondent, rate, lambda: roughen(rng, sentence_from(rng, ROUTE_CHANGES, places_of(respondent))))


def lcwip_improvements(respondent, structure, question):
    rng = respondent.rng
    if respondent.skips(0.04):
        return None
    age = respondent.age

    def row(value):
        if value == "cycle_lanes":
            very = 0.70 if age in UNDER_45 else 0.35 if age in OVER_65 else 0.55
        elif value == "benches":
            very = 0.62 if age in OVER_65 else 0.22 if age in UNDER_45 else 0.38
        else:
            very = 0.60
        return importance_value(rng, very)

    return grid(respondent, statements_of(question), row)


def lcwip_other_feedback(respondent, structure, question):
    rng = respondent.rng
    if respondent.organisation:
        return text_answer(
            respondent, 0.9,
            lambda: compose(
                rng, LCWIP_THEMES, lcwip_weights(respondent, critical=False), personal=False, places=places_of(respondent)
            ),
        )
    weights = lcwip_weights(respondent, critical=respondent.network_agrees is False)
    return text_answer(respondent, 0.40, lambda: compose(rng, LCWIP_THEMES, weights, places=places_of(respondent)))


LCWIP_SCRIPT = {
    "network_area": lcwip_network_area,
    "network_agree": lcwip_network_agree,
    "network_why": lcwip_network_why,
    "route_place": lcwip_route_place,
    "route_change": lcwip_route_change,
    "improvements": lcwip_improvements,
    "other_feedback": lcwip_other_feedback,
}

SCRIPTS = {CARERS_SLUG: CARERS_SCRIPT, LCWIP_SLUG: LCWIP_SCRIPT}


# -- When they responded -------------------------------------------------------------------------

ONLINE_HOURS = {7: 2, 8: 4, 9: 6, 10: 8, 11: 8, 12: 7, 13: 7, 14: 6, 15: 6, 16: 6, 17: 6, 18: 7, 19: 9, 20: 10,
                21: 9, 22: 6, 23: 3, 0: 1}
OFFICE_HOURS = {9: 6, 10: 8, 11: 8, 12: 5, 13: 6, 14: 8, 15: 8, 16: 6}


def day_weights(opens_on, last_day, closes_on):
    """{day: weight}: a rush at launch, quieter weekends, and a last-minute rush if it has closed."""
    weights = {}
    for n in range((last_day - opens_on).days + 1):
        day = opens_on + datetime.timedelta(days=n)
        weight = {0: 3.0, 1: 2.2, 2: 1.6}.get(n, 1.0)
        weight *= 0.6 if day.weekday() == 5 else 0.75 if day.weekday() == 6 else 1.0
        days_left = (closes_on - day).days
        if last_day == closes_on and days_left < 3:
            weight *= (2.6, 2.2, 1.8)[days_left]
        weights[day] = weight
    return weights


def moment(rng, day, hours, zone, now):
    """An aware datetime on `day` at an hour drawn from `hours`, never later than `now`."""
    at = datetime.datetime.combine(day, datetime.time(pick(rng, hours), rng.randrange(60), rng.randrange(60)), zone)
    if at > now:
        start = datetime.datetime.combine(day, datetime.time(0), zone)
        at = start + (now - start) * rng.random()
    return at


def timing(rng, channel, days, zone, now):
    """(started_at, submitted_at, received_on) for a response that came in by `channel`."""
    day = pick(rng, days)
    if channel == "online":
        submitted = moment(rng, day, ONLINE_HOURS, zone, now)
        took = datetime.timedelta(minutes=rng.uniform(4, 40))
        if chance(rng, 0.05):  # saved and came back another day
            took += datetime.timedelta(days=rng.randint(1, 6))
        opened = datetime.datetime.combine(min(days), datetime.time(0), zone)
        return max(submitted - took, opened), submitted, None
    while day.weekday() >= 5 and day > min(days):
        day -= datetime.timedelta(days=1)
    submitted = moment(rng, day, OFFICE_HOURS, zone, now)
    received_on = day if channel == "phone" else max(min(days), day - datetime.timedelta(days=rng.randint(0, 3)))
    return submitted - datetime.timedelta(minutes=rng.uniform(3, 12)), submitted, received_on


# -- Putting a response together ---------------------------------------------------------------


def new_reference(rng, taken):
    while True:
        body = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"{body[:4]}-{body[4:]}"
        if reference not in taken:
            taken.add(reference)
            return reference


def answer_all(respondent, structure, script):
    """{question code: stored value}, page by page, as routing would show the pages."""
    answers = {}
    for page in structure.pages:
        if not condition_met(page.condition, answers):
            continue
        for question in page.questions.all():
            if not condition_met(question.condition, answers):
                continue
            answerer = script.get(question.code)
            if answerer is not None:
                value = answerer(respondent, structure, question)
            else:
                value = about_you(respondent, structure, question.code)
            if value is not None:
                answers[question.code] = value
    return answers


def response_details(respondent):
    rng = respondent.rng
    if respondent.organisation:
        return {
            "respondent_kind": Response.RespondentKind.ORGANISATION,
            "organisation_name": respondent.organisation,
            "organisation_role": rng.choice(ORGANISATION_ROLES),
            "publication": pick(rng, {"name": 70, "anonymous": 20, "no": 10}),
            "contact_about_outcome": chance(rng, 0.8),
        }
    return {
        "respondent_kind": Response.RespondentKind.INDIVIDUAL,
        "publication": pick(rng, {"anonymous": 58, "no": 34, "": 8}),
        "contact_about_outcome": chance(rng, 0.38),
    }


def generate_responses(questionnaire, *, count, seed=DEMO_SEED, now=None, taken_references=()):
    """[(Response, {question code: value})], unsaved: `count` synthetic responses to the
    questionnaire. The same seed and questionnaire give the same answers every time; the
    dates also depend on `now`, which an open consultation's period runs up to.

    Organisations (as many as the slug names, at most a twentieth of `count`) come first.
    """
    consultation = questionnaire.consultation
    slug = consultation.slug
    script = SCRIPTS.get(slug, {})
    # Separate streams, so that the answers are the same whatever day the demo is loaded on
    # (which moves an open consultation's dates) and whatever references are already taken.
    rng = random.Random(f"{seed}:{slug}")
    clock = random.Random(f"{seed}:{slug}:when")
    labels = random.Random(f"{seed}:{slug}:reference")
    zone = ZoneInfo(settings.TIME_ZONE)
    now = now or timezone.now()
    last_day = min(consultation.closes_on, now.astimezone(zone).date())
    if last_day < consultation.opens_on:
        return []
    days = day_weights(consultation.opens_on, last_day, consultation.closes_on)
    structure = Structure(questionnaire)
    stakeholders = {s.name: s for s in consultation.stakeholders.all()}
    organisations = ORGANISATIONS.get(slug, [])[: count // 20]
    taken = set(taken_references)
    made = []
    for n in range(count):
        organisation = organisations[n] if n < len(organisations) else None
        respondent = Respondent(rng, slug, organisation)
        answers = answer_all(respondent, structure, script)
        started_at, submitted_at, received_on = timing(clock, respondent.channel, days, zone, now)
        response = Response(
            questionnaire=questionnaire,
            reference=new_reference(labels, taken),
            channel=respondent.channel,
            state=Response.State.SUBMITTED,
            started_at=started_at,
            submitted_at=submitted_at,
            received_on=received_on,
            stakeholder=stakeholders.get(organisation) if organisation else None,
            synthetic=True,
            **response_details(respondent),
        )
        made.append((response, answers))
    return made


@transaction.atomic
def save_responses(questionnaire, made):
    """Insert the responses, then their answers, in bulk; returns how many responses."""
    responses = Response.objects.bulk_create([response for response, _ in made], batch_size=500)
    if any(response.pk is None for response in responses):  # a database that can't return ids
        ids = dict(
            Response.objects.filter(reference__in=[r.reference for r in responses]).values_list("reference", "pk")
        )
        for response in responses:
            response.pk = ids[response.reference]
    questions = dict(Question.objects.filter(page__questionnaire=questionnaire).values_list("code", "pk"))
    Answer.objects.bulk_create(
        (
            Answer(response_id=response.pk, question_id=questions[code], value=value)
            for response, (_, answers) in zip(responses, made)
            for code, value in answers.items()
        ),
        batch_size=2000,
    )
    return len(responses)


def load_demo_responses(now=None, seed=DEMO_SEED):
    """Give each demo questionnaire its synthetic responses, once; returns {slug: how many added}."""
    added = {}
    for slug, count in COUNTS.items():
        questionnaire = Questionnaire.objects.filter(consultation__slug=slug).select_related("consultation").first()
        if questionnaire is None or questionnaire.responses.filter(synthetic=True).exists():
            continue
        made = generate_responses(questionnaire, count=count, seed=seed, now=now)
        clashes = set(
            Response.objects.filter(reference__in=[r.reference for r, _ in made]).values_list("reference", flat=True)
        )
        if clashes:  # as unlikely as it gets, but a reference must never be used twice
            made = generate_responses(questionnaire, count=count, seed=seed, now=now, taken_references=clashes)
        added[slug] = save_responses(questionnaire, made)
    return added
