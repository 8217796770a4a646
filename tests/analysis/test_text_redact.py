"""Redaction: each kind of personal detail comes out with its marker, ordinary text stays."""

import os
import subprocess
import sys

import pytest

from haveyoursay.analysis.themes.text.redact import Removal, nhs_check_digit_ok, redact

# (answer as written, as it must read after redaction)
PERSONAL_DETAILS = [
    # e-mail and web addresses
    ("Email me at jo.bloggs@example.co.uk please", "Email me at [email] please"),
    ("Contact: s.patel+consult@nhs.net.", "Contact: [email]."),
    # e-mail addresses written out so that filters miss them
    ("Write to j d o e at gmail dot com please", "Write to [email] please"),
    ("It is jdoe [at] gmail [dot] com", "It is [email]"),
    ("email jdoe(at)gmail(dot)com now", "email [email] now"),
    ("Or jo.bloggs {at} example {dot} co {dot} uk.", "Or [email]."),
    ("Try jo.bloggs at example dot co dot uk", "Try [email]"),
    ("JDOE AT HOTMAIL DOT CO DOT UK", "[email]"),
    ("Mine is jdoe at gmail.com", "Mine is [email]"),
    ("Mine is jdoe @ gmail dot com", "Mine is [email]"),
    ("See https://www.leicestershire.gov.uk/have-your-say.", "See [url]."),
    ("It is on www.example.org/library?branch=2 now", "It is on [url] now"),
    ("Details at example.org/path and leicestershire.gov.uk", "Details at [url] and [url]"),
    # phone numbers as people write them
    ("Ring 07700 900123 after six", "Ring [phone] after six"),
    ("Ring 07700900123 after six", "Ring [phone] after six"),
    ("Call +44 7700 900123 today", "Call [phone] today"),
    ("Call (0116) 305 0000 today", "Call [phone] today"),
    ("Call 0116-305-0000 today", "Call [phone] today"),
    ("Call 0800 123 4567 free", "Call [phone] free"),
    ("Call +44 (0)116 305 0000 today", "Call [phone] today"),
    ("Phone me on 305 0000 please", "Phone me on [phone] please"),
    ("Ring 0116 305 0000 or 07700 900123 in 2021", "Ring [phone] or [phone] in 2021"),
    # postcodes
    ("Post it to LE11 3AB.", "Post it to [postcode]."),
    ("My postcode is le11 3ab", "My postcode is [postcode]"),
    ("postcode: LE113AB", "postcode: [postcode]"),
    ("I live in LE11 and walk everywhere", "I live in [postcode] and walk everywhere"),
    ("Buses in the LE12 area are poor", "Buses in the [postcode] area are poor"),
    # street addresses
    ("I live at 12 Acacia Avenue with my cat", "I live at [address] with my cat"),
    ("Send it to Flat 3, 5 High Street please", "Send it to [address] please"),
    ("He lives at 10 Downing St, London", "He lives at [address], London"),
    ("Parking outside 12-14 St Mary's Road is hard", "Parking outside [address] is hard"),
    ("Flat 2 Maple Court has no lift", "[address] has no lift"),
    ("i live at 12 acacia avenue", "i live at [address]"),
    ("Write to 12 Acacia Avenue, Loughborough, LE11 please", "Write to [address], Loughborough, [postcode] please"),
    # NHS and National Insurance numbers
    ("My NHS number is 943 476 5919", "My NHS number is [NHS number]"),
    ("Reference 9434765919 was lost", "Reference [NHS number] was lost"),
    ("NHS number: 123 456 7890", "NHS number: [NHS number]"),
    ("My NI number is JG 10 37 49 A", "My NI number is [NI number]"),
    ("national insurance number ab123456", "national insurance number [NI number]"),
    # names
    ("Mrs Patel was kind", "Mrs [name] was kind"),
    ("Dr. Piotr Pierzchniak listened", "Dr. [name] listened"),
    ("Question by Mrs. A. J. Hack CC", "Question by Mrs. [name] CC"),
    ("at Cllr Kitterick’s request", "at Cllr [name]’s request"),
    ("My name is John Smith and I use the library", "My name is [name] and I use the library"),
    ("A lady called, Jo. They was much help.", "A lady called, [name]. They was much help."),
    ("My son Jack waited six hours", "My son [name] waited six hours"),
    ("Our daughter Amelia loves the library", "Our daughter [name] loves the library"),
    ("Nurse, Christy, was extremely polite", "Nurse, [name], was extremely polite"),
    ("District Nurse Sharon came to the house", "District Nurse [name] came to the house"),
    ("Thanks to Sarah, Tom and Grace on ward 7.", "Thanks to [name], [name] and [name] on ward 7."),
    ("Sarah Jones and Mohammed Khan were great.", "[name] and [name] were great."),
    ("Priya Patel helped me", "[name] helped me"),
    ("Dr Nixon and Richard were brilliant", "Dr [name] and [name] were brilliant"),
    ("Fay, Tina and Dr Gordon were excellent.", "[name], [name] and Dr [name] were excellent."),
    ("The best was Grace Kelly at the desk.", "The best was [name] at the desk."),
    ("My husband's GP, Dr Khan, was great", "My husband's GP, Dr [name], was great"),
    ("Thank you Trevor", "Thank you [name]"),
    ("I want to thank the team and especially Lisa.", "I want to thank the team and especially [name]."),
    ("The library is vital.\n\nKind regards,\nJane Doe", "The library is vital.\n\nKind regards,\n[name]"),
]

# Public text from the council's own documents (seeds/000 and seeds/003), and answers full
# of numbers, places and words that look like names: all must come back exactly as written.
ORDINARY_TEXT = [
    # "at" and "dot" in ordinary sentences
    "I worked at the dot com company in 2000.",
    "Look at the red dot on the map at the library.",
    "We met at school. The dot matrix display at the station was broken.",
    "Meet at 7 dot 30 at the Carers Centre.",
    "I was there at 9.30 and left at 10.15.",
    "My daughter at university said the dot on the form was unclear.",
    "After the consultation closes in July, we'll analyse the results and share with cabinet and "
    "residents in autumn 2022.",
    "The draft strategy sets out 8 key priorities to support carers across LLR to continue in their "
    "caring role and to maintain their own health and wellbeing, these are:",
    "Leicestershire County Council launched its consultation on Leicestershire’s 2045 Net Zero Strategy "
    "and Action Plan for 12 weeks from May to July 2022.",
    "Carers Strategy - easy read format PDF, 11.25 mbOpens new window",
    "Minutes of a meeting of the Health Overview and Scrutiny Committee held at County Hall, Glenfield on "
    "Wednesday, 1 September 2021.",
    "Pre-pandemic the level of face-to-face appointments was over 80% in both County CCGs. The proportion "
    "in September was 67% in West Leicestershire and 71% in East Leicestershire and Rutland.",
    "Disappointingly, there was a poor response rate of 28% with only 6,120 surveys returned out of "
    "13,498 sent out.",
    "there were now between 4000 and 6000 calls a month received by the Central Access Point.",
    "June to 14 July 2021. 5,483 people completed the survey.",
    "A new and expanded Improving Access To Psychological Therapies (IAPT) service would come into place "
    "from April 2022.",
    "The 84% overall satisfaction level for both ELR CCG and West Leicestershire CCG is a slight increase "
    "on last year’s results of 1.89% and 2.69% respectfully.",
    "A phone call would have saved me a 22 mile round trip which would have been costly.",
    "I go 2 to 3 times a week, it costs £4.50 each way and I am 73.",
    "Call 111 or go to A&E; my GP and the NHS were slow.",
    "Leicester, Loughborough Hospital, Age UK, Charnwood and Glenfield all took part.",
    "Hope you are well. Will staff be told? May I add something? Grace was shown to all.",
    "I hope the rose garden will stay, and that the bill for it may be paid.",
    "We waited at Victoria Park and on Grace Road for the 8am bus.",
    "The Nurse Practitioner and the Nurse Team were kind.",
    "The NHS Five Year Forward View and the 5 Year Forward View say the same.",
    "My mum has Parkinson's disease and my dad has Alzheimer's.",
    "My daughters Issues are not severe enough, we were told.",
    "Between 0930 - 1700 on 01/02/2021, ward 7 took 45 calls.",
    "The consultation ran from 6 June - 31 July 2022 and 259 people replied.",
    "We moved to Preston in Jan 2021, and the Lynn Jarrett Ward and Derby and Burton FT were fine.",
    "There was no room on Harvey 1, so the Marie Curie nurses came to the house.",
]


@pytest.mark.parametrize("written, redacted", PERSONAL_DETAILS)
def test_it_removes_each_personal_detail_with_its_marker(written, redacted):
    assert redact(written).text == redacted


@pytest.mark.parametrize("text", ORDINARY_TEXT)
def test_it_keeps_ordinary_text(text):
    result = redact(text)
    assert result.removed == (), result.removed
    assert result.text == text


@pytest.mark.parametrize("text", [written for written, _ in PERSONAL_DETAILS] + ORDINARY_TEXT)
def test_redacting_twice_changes_nothing_more(text):
    once = redact(text).text
    assert redact(once).text == once
    assert redact(once).removed == ()


def test_the_removals_say_what_was_removed_and_where():
    text = "Dr Patel (07700 900123, jo@example.org) saw me at 12 Acacia Avenue, LE11 3AB."
    result = redact(text)

    assert result.removed == (
        Removal("name", "Patel", 3, 8, "[name]"),
        Removal("phone", "07700 900123", 10, 22, "[phone]"),
        Removal("email", "jo@example.org", 24, 38, "[email]"),
        Removal("address", "12 Acacia Avenue", 50, 66, "[address]"),
        Removal("postcode", "LE11 3AB", 68, 76, "[postcode]"),
    )
    for removal in result.removed:
        assert text[removal.start : removal.end] == removal.original
    assert result.text == "Dr [name] ([phone], [email]) saw me at [address], [postcode]."
    assert result.counts() == {"name": 1, "phone": 1, "email": 1, "address": 1, "postcode": 1}


def test_each_kind_has_its_own_marker():
    text = (
        "Mr Smith, jo@example.org, www.example.org, 07700 900123, LE11 3AB, 12 High Street, "
        "NHS number 943 476 5919, NI number JG 10 37 49 A, hospital number RX1234567"
    )
    markers = {removal.kind: removal.marker for removal in redact(text).removed}

    assert markers == {
        "name": "[name]",
        "email": "[email]",
        "url": "[url]",
        "phone": "[phone]",
        "postcode": "[postcode]",
        "address": "[address]",
        "nhs_number": "[NHS number]",
        "ni_number": "[NI number]",
        "id_number": "[ID number]",
    }


def test_an_nhs_number_with_a_wrong_check_digit_is_still_removed_as_an_id_number():
    assert nhs_check_digit_ok("9434765919")
    assert not nhs_check_digit_ok("9434765918")
    # Shaped like an NHS number: a mistyped one as likely as not.
    assert redact("Order 9434765918 arrived").text == "Order [ID number] arrived"
    assert redact("Ref 943-476-5918 please").text == "Ref [ID number] please"
    assert redact("My number is 943 476 5918").removed[0].kind == "id_number"
    # Called an NHS number, it is one whatever its check digit.
    assert redact("NHS no 943 476 5918").text == "NHS no [NHS number]"
    # A phone number is still a phone number, and other numbers stay.
    assert redact("Call +44 (0)116 305 0000 today").text == "Call [phone] today"
    assert redact("Parcel 1234567890 was lost").text == "Parcel [ID number] was lost"
    assert redact("6,120 of 13,498 surveys came back by 12345 routes").removed == ()


def test_a_national_insurance_number_is_removed_whatever_its_prefix():
    # D, F, I, Q, U and V never start a number; BG, GB, NK, KN, TN, NT and ZZ are not allocated:
    # a number shaped like one is still someone's, mistyped.
    assert redact("Code QQ 12 34 56 C").text == "Code [NI number]"
    assert redact("Code GB123456C").text == "Code [NI number]"
    assert redact("Code JG 12 34 56 C").text == "Code [NI number]"
    assert redact("my NI is qq 12 34 56").text == "my NI is [NI number]"


@pytest.mark.parametrize(
    "written, redacted",
    [
        ("My hospital number is RX1234567, please check it", "My hospital number is [ID number], please check it"),
        ("Patient no. 4410-2291 was sent home", "Patient no. [ID number] was sent home"),
        ("MRN: 00123456", "MRN: [ID number]"),
        ("passport number 123456789 was kept", "passport number [ID number] was kept"),
        ("driving licence number MORGA753116SM9IJ", "driving licence number [ID number]"),
    ],
)
def test_a_number_called_a_persons_reference_is_removed(written, redacted):
    result = redact(written)
    assert result.text == redacted
    assert result.counts() == {"id_number": 1}


@pytest.mark.parametrize(
    "text",
    [
        "The reference number was on the letter.",  # no number after it
        "Case number 2 of 3 was heard.",  # fewer than three digits
        "Ward 7 is on floor 2, and the account was paid in 2021.",
    ],
)
def test_ordinary_words_about_references_stay(text):
    assert redact(text).text == text


@pytest.mark.parametrize(
    "written, redacted",
    [
        ("Hi, I'm Priya Mistry and I live near the park", "Hi, I'm [name] and I live near the park"),
        ("I am Tomasz Nowak. The buses are late.", "I am [name]. The buses are late."),
        ("i'm sarah and the bus is always late", "i'm [name] and the bus is always late"),
        ("This is Amina from the Highfields group", "This is [name] from the Highfields group"),
        ("I'm Hope Smith, a carer", "I'm [name], a carer"),  # an ordinary word, but a surname follows
    ],
)
def test_a_name_that_introduces_the_comment_is_removed(written, redacted):
    assert redact(written).text == redacted


@pytest.mark.parametrize(
    "text",
    [
        "I'm Hope-ful the library stays open.",
        "I'm British and proud of the city.",
        "I am disabled and the bus is hard to use.",
        "This is Leicester, not London.",
    ],
)
def test_an_introduction_without_a_name_stays(text):
    assert redact(text).text == text


@pytest.mark.parametrize(
    "written, redacted",
    [
        # Capitalised words after "Thanks," closing the answer: a name, known or not.
        ("Please keep the library open. Thanks, Zbigniew", "Please keep the library open. Thanks, [name]"),
        ("Keep it open.\nRegards - Ana Popescu", "Keep it open.\nRegards - [name]"),
        ("More buses please. Cheers, Dave x", "More buses please. Cheers, [name] x"),
        ("Good work. Many thanks, Gurpreet.", "Good work. Many thanks, [name]."),
    ],
)
def test_a_name_that_signs_off_the_comment_is_removed(written, redacted):
    assert redact(written).text == redacted


@pytest.mark.parametrize(
    "text",
    [
        "Great service. Thanks, Team",
        "Thanks, everyone",
        "Thank you, NHS.",
        "Thanks, Leicester!",
        "Thanks, and well done.",
    ],
)
def test_thanks_to_no_one_in_particular_stays(text):
    assert redact(text).text == text


@pytest.mark.parametrize(
    "written, redacted",
    [
        # Given names and surnames of the communities Leicester serves, from the lists in data/.
        ("Hitesh Chauhan at the desk was kind", "[name] at the desk was kind"),
        ("Gurpreet Sandhu sorted it out", "[name] sorted it out"),
        ("Agnieszka Kowalska translated for us", "[name] translated for us"),
        ("Ask Ionela Popescu on reception", "Ask [name] on reception"),
        ("Jakub Horváth helped my mum", "[name] helped my mum"),
        ("Tomas Kazlauskas and Fatima Begum were great", "[name] and [name] were great"),
        # With or without accents.
        ("Łukasz Wójcik and Lukasz Wojcik", "[name] and [name]"),
        ("thanks to the team and Zofia", "thanks to the team and [name]"),
    ],
)
def test_names_of_the_communities_a_council_serves_are_recognised(written, redacted):
    assert redact(written).text == redacted


def test_places_that_are_also_baby_names_stay():
    places = ("The 2015 Paris Agreement binds us.", "He lives at 10 Downing St, London", "Our stay on Kingsley ward")
    for text in places:
        assert "[name]" not in redact(text).text, text


def test_the_figures_per_kind_cover_every_kind_removed():
    text = (
        "I'm Priya Mistry, NHS number 943 476 5918, NI QQ 12 34 56 C, hospital number RX1234567, "
        "order 9434765918. Thanks, Zbigniew"
    )
    assert redact(text).counts() == {"name": 2, "nhs_number": 1, "ni_number": 1, "id_number": 2}


def test_nothing_and_no_answer_give_empty_text():
    assert redact("").text == ""
    assert redact(None).text == ""
    assert redact(None).removed == ()
    assert redact(float("nan")).text == ""


def test_it_works_without_django():
    """The command line redacts files on machines with no database and no settings."""
    code = (
        "import sys; from haveyoursay.analysis.themes.text.redact import redact; "
        "assert redact('Mrs Patel').text == 'Mrs [name]'; "
        "assert 'django' not in sys.modules, 'redact imported Django'"
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    finished = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert finished.returncode == 0, finished.stderr
