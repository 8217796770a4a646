"""Properties of the public forms, tried with generated input through the real views.

Whatever a person (or a program pretending to be one) sends to the start page, a page of
questions, check your answers, the declaration, save and return (the email form, the resume
code, an emailed link) or the hub's search and filters:

- the answer is never a server error (5xx), and never shows a traceback;
- what was typed in a field is shown again when another field has a mistake, so nothing is lost.

Input: any text (control characters, direction overrides, zero-width characters, very long
strings, NUL bytes, the UTF-8 bytes of lone surrogates), numbers and dates valid or impossible,
fields missing, extra or repeated, bodies in the wrong encoding or broken multipart. The
examples per test are set by the Hypothesis profile in tests/conftest.py.
"""

import html
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import assume, example, given
from hypothesis import strategies as st

from haveyoursay.govuk_forms import typed_text
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import Questionnaire, Response
from tests.factories import make_consultation, make_partner, make_topic

pytestmark = pytest.mark.django_db

SLUG = "carers-survey"

# Characters that have broken forms elsewhere: NUL and other controls, direction overrides and
# isolates, zero-width and invisible letters, a byte-order mark, astral and combining characters.
AWKWARD = [
    "\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f", "\r", "\n", "\t", "\u0085", "\u2028", "\u202e", "\u2066",
    "\u200b", "\u200d", "\u2060", "\ufeff", "\u3164", "\u115f", "\ufffd", "\U0001d573", "e\u0301",
    "\U0001f468\u200d\U0001f469",
    "'", '"', "<", ">", "&", "%", "\\", "{{", "{%", "%(x)s", "--", ";",
]  # fmt: skip
# What people and programs type where a number or a date part is asked for.
NUMBERISH = [
    "0", "-0", "3", "2.5", "1,000", "1_000", "-1", "1e3", "1e999999999", "-1e999999999", "1e-999999999",
    "9" * 40, "NaN", "-inf", "Infinity", "sNaN", "١٢", "²", "½", "0x1F", "3 hours", " 4 ", "", " ", "1.2.3",
]  # fmt: skip
# The UTF-8 (and CESU-8) bytes of lone surrogates, an over-long encoding, and stray bytes.
BAD_BYTES = [b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xc0\xaf", b"\xff\xfe", b"\x80", b"\xf4\x90\x80\x80"]

characters = st.characters(codec="utf-8")  # every code point but surrogates, which no client can send
any_text = st.one_of(
    st.text(characters, max_size=40),
    st.lists(st.sampled_from(AWKWARD) | st.text(characters, max_size=3), max_size=12).map("".join),
    st.builds(lambda piece, times: piece * times, st.sampled_from(["a", "\u202e", "\u200b", "é", "\x00", "9"]),
              st.integers(min_value=300, max_value=12000)),
)
# Digits of every script, and number-like characters that are not decimal digits ("²", "①", "½").
digits = st.text(
    st.sampled_from("0123456789²³¹①⑳٣۴१௫½") | st.characters(categories=("Nd", "No")), min_size=1, max_size=4
)
numberish = st.one_of(st.sampled_from(NUMBERISH), digits, any_text)
# Text a person could mean: no NUL (taken out wherever it is typed) and something visible in it.
visible_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=120).filter(
    lambda text: typed_text(text).strip()
)


def field_values(names):
    """Form data: each known field (and some unknown ones) missing, once, or repeated."""
    value = st.one_of(any_text, numberish)
    return st.dictionaries(
        st.sampled_from(names) | st.text(characters, min_size=1, max_size=12),
        value | st.lists(value, min_size=2, max_size=4),
        max_size=len(names) + 2,
    )


@pytest.fixture
def questionnaire(db):
    """One page for each kind of question the public answers, all optional so every page opens."""
    consultation = make_consultation(
        title="Leicester, Leicestershire and Rutland (LLR) draft Joint Carers Strategy 2022 - 2025", slug=SLUG,
    )
    consultation.topics.add(make_topic("Health and social care"))
    consultation.partners.add(make_partner("Leicester City Council"))
    questionnaire = Questionnaire.objects.create(consultation=consultation)
    about = add_page(questionnaire, "About your caring")
    add_question(about, "short_text", "What is the name of your carers' group?", code="group", max_length=200)
    add_question(about, "number", "How many hours a week do you spend caring?", code="hours",
                 settings={"min": 0, "max": 168})
    add_question(about, "number", "How many people do you care for?", code="people")  # no bounds at all
    add_question(about, "date", "When did you start caring?", code="since")
    where = add_page(questionnaire, "Where you live")
    add_question(where, "long_text", "What would help carers most?", code="help", max_length=5000)
    add_question(where, "postcode", "What is your postcode?", code="postcode")
    choices = add_page(questionnaire, "Finding support")
    add_question(choices, "single", "Who do you care for?", code="cares_for",
                 options=["A parent", "A child", "A partner", "Other"], other=["Other"])
    add_question(choices, "multiple", "How do you find out about support for carers?", code="find_out",
                 options=["GP surgery", "Council website", "Friends and family", "None of these", "Other"],
                 other=["Other"], exclusive=["None of these"])
    scales = add_page(questionnaire, "The vision and priorities")
    add_question(scales, "agree", "To what extent do you agree or disagree with the proposed vision?", code="vision")
    add_question(scales, "importance", "How important is respite care to you?", code="respite")
    add_question(
        scales, "grid", "How important are these priorities to you?", code="priorities",
        settings={"statements": [{"value": "identification", "label": "Carer identification"},
                                 {"value": "young_carers", "label": "Supporting Young Carers"}]},
    )
    order = add_page(questionnaire, "Order and place")
    add_question(order, "ranking", "Rank these in order of importance", code="rank",
                 options=["Breaks from caring", "Money advice", "Health checks"])
    add_question(order, "location", "Where should the next carers' drop-in be?", code="dropin",
                 settings={"places": [{"value": "loughborough", "label": "Loughborough Library"},
                                      {"value": "hinckley", "label": "Hinckley Hub"}]})
    return questionnaire


def url(name, *args):
    return reverse(f"surveys:{name}", args=[SLUG, *args])


def assert_no_server_error(reply):
    assert reply.status_code < 500, reply.status_code
    body = b"".join(reply.streaming_content) if getattr(reply, "streaming", False) else reply.content
    assert b"Traceback" not in body and b"File \"/" not in body
    return body.decode("utf-8", "replace")


def shown_again(text, page):
    """Whether `text`, as the form shows it back (without direction controls), is on `page`."""
    return html.escape(typed_text(text)) in page


def field_names(questionnaire, page_number):
    page = questionnaire.pages.order_by("position")[page_number - 1]
    names = ["continue", "save", "website"]
    for question in page.questions.all():
        name = f"q_{question.code}"
        names += [name, f"{name}__other", f"{name}__postcode", f"{name}_day", f"{name}_month", f"{name}_year"]
        names += [f"{name}__{option.value}" for option in question.options.all()]
        names += [f"{name}__{statement['value']}" for statement in question.settings.get("statements", [])]
    return names


@pytest.fixture
def respondent(questionnaire):
    """A browser with a response in progress; `.again()` starts a new one if the last was sent."""
    client = Client()

    def again():
        response = Response.objects.filter(questionnaire=questionnaire).order_by("-pk").first()
        if response is None or response.is_submitted:
            assert client.post(url("start")).status_code == 302

    client.again = again
    again()
    return client


class TestNeverAServerError:
    @given(data=field_values(["website", "csrfmiddlewaretoken"]), method=st.sampled_from(["get", "post"]))
    def test_the_start_page(self, client, questionnaire, data, method):
        assert_no_server_error(getattr(client, method)(url("start"), data))

    @given(number=st.integers(min_value=1, max_value=5), data=st.data())
    def test_every_page_of_questions(self, respondent, questionnaire, number, data):
        respondent.again()
        values = data.draw(field_values(field_names(questionnaire, number)))
        assert_no_server_error(respondent.post(url("page", number), values))
        assert_no_server_error(respondent.get(url("page", number)))
        assert_no_server_error(respondent.get(url("check")))

    # Found by the test above: a number no page can write out, and date parts int() can't read.
    @given(values=st.fixed_dictionaries({"q_people": numberish, "q_since_day": numberish,
                                         "q_since_month": numberish, "q_since_year": numberish}))
    @example(values={"q_people": "1e999999999", "q_since_day": "1", "q_since_month": "1", "q_since_year": "2022"})
    @example(values={"q_people": "9" * 40, "q_since_day": "²", "q_since_month": "1", "q_since_year": "2022"})
    @example(values={"q_people": "1", "q_since_day": "1", "q_since_month": "1", "q_since_year": "9" * 5000})
    def test_numbers_and_dates_then_check_your_answers(self, respondent, values):
        respondent.again()
        assert_no_server_error(respondent.post(url("page", 1), values))
        assert_no_server_error(respondent.get(url("check")))

    @given(number=st.integers(min_value=-5, max_value=10**20), query=field_values(["return", "page"]))
    def test_page_numbers_and_queries_that_do_not_exist(self, respondent, number, query):
        address = f"/consultations/{SLUG}/respond/section/{number}/"
        assert_no_server_error(respondent.get(address, query))

    @given(query=field_values(["return"]))
    def test_check_your_answers(self, respondent, query):
        respondent.again()
        assert_no_server_error(respondent.get(url("check"), query))

    @given(data=field_values([
        "respondent_kind", "organisation_name", "organisation_role", "respondent_name", "publication",
        "contact_about_outcome", "email", "website",
    ]) | st.fixed_dictionaries({
        "respondent_kind": st.sampled_from(["individual", "organisation", "", "both"]),
        "publication": st.sampled_from(["anonymous", "with_name", "never", ""]),
        "contact_about_outcome": st.sampled_from(["yes", "no", "maybe"]),
        "email": any_text, "organisation_name": any_text, "respondent_name": any_text,
    }))
    def test_the_declaration(self, respondent, data):
        respondent.again()
        assert_no_server_error(respondent.post(url("declaration"), data))

    @given(data=field_values(["email"]) | st.fixed_dictionaries({"email": any_text.map(lambda t: t + "@example.org")}))
    def test_asking_for_a_link_by_email(self, respondent, data):
        respondent.again()
        assert_no_server_error(respondent.post(url("saved"), data))
        assert_no_server_error(respondent.get(url("saved")))

    @given(data=field_values(["code"]))
    def test_the_resume_code_form(self, client, questionnaire, data):
        assert_no_server_error(client.post(url("resume"), data))

    @given(token=any_text.filter(lambda t: t and t not in {".", ".."}))
    def test_emailed_link_tokens(self, client, questionnaire, token):
        address = reverse("surveys:resume_link", args=["TOKEN"]).replace("TOKEN", quote(token, safe=""))
        assert_no_server_error(client.get(address))

    @given(raw=st.binary(max_size=300) | st.lists(st.sampled_from(BAD_BYTES) | st.binary(max_size=8)).map(b"".join))
    def test_raw_link_tokens_of_any_bytes(self, client, questionnaire, raw):
        address = reverse("surveys:resume_link", args=["TOKEN"]).replace("TOKEN", quote(raw, safe=""))
        assert_no_server_error(client.get(address))

    @given(query=st.dictionaries(
        st.sampled_from(["q", "status", "topic", "area", "partner", "page"]) | st.text(characters, max_size=8),
        st.one_of(any_text, numberish, st.sampled_from(["open", "closed", "forthcoming", "health-and-social-care"]),
                  st.lists(any_text, min_size=2, max_size=3)),
        max_size=6,
    ))
    def test_the_hub_search_and_filters(self, client, questionnaire, query):
        assert_no_server_error(client.get(reverse("hub:index"), query))
        assert_no_server_error(client.get(reverse("hub:feed"), query))


class TestBodiesNoFormSends:
    """Bodies in the wrong encoding, or claiming to be what they are not, to every form."""

    @given(
        target=st.sampled_from(["start", "page", "declaration", "saved", "resume"]),
        body=st.binary(max_size=400) | st.lists(
            st.sampled_from([b"q_group=", b"&", b"=", b"%", b"%zz", b"%00", b"+", *BAD_BYTES]) | st.binary(max_size=6),
            max_size=30,
        ).map(b"".join),
        content_type=st.sampled_from([
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=utf-8",
            "application/x-www-form-urlencoded; charset=utf-16",
            "application/x-www-form-urlencoded; charset=latin-1",
            "application/x-www-form-urlencoded; charset=no-such-charset",
            "multipart/form-data",
            "multipart/form-data; boundary=",
            "multipart/form-data; boundary=x",
            "multipart/form-data; boundary=\x00",
            "text/plain", "application/json", "",
        ]),
    )
    def test_any_bytes_as_any_kind_of_body(self, respondent, target, body, content_type):
        respondent.again()
        address = url("page", 1) if target == "page" else url(target)
        assert_no_server_error(respondent.generic("POST", address, body, content_type=content_type))

    @given(
        parts=st.lists(
            st.tuples(st.sampled_from(["q_group", "q_hours", "q_since_day", "code", "email", "x"]) | any_text,
                      st.binary(max_size=60)),
            max_size=5,
        ),
        filename=st.none() | any_text,
        close=st.booleans(),
    )
    def test_multipart_bodies_broken_or_not(self, respondent, parts, filename, close):
        respondent.again()
        boundary = "hys-boundary"
        body = b""
        for name, content in parts:
            disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
            body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode("utf-8", "replace")
            body += content + b"\r\n"
        if close:
            body += f"--{boundary}--\r\n".encode()
        reply = respondent.generic(
            "POST", url("page", 1), body, content_type=f"multipart/form-data; boundary={boundary}"
        )
        assert_no_server_error(reply)


class TestNothingTypedIsLost:
    @given(
        group=visible_text,
        hours=st.sampled_from(["lots", "200", "-3", "1e999999999", "NaN", "3 hours", "²", "1.2.3"]),
    )
    def test_a_wrong_number_keeps_the_text_beside_it(self, respondent, group, hours):
        respondent.again()
        page = assert_no_server_error(respondent.post(url("page", 1), {"q_group": group, "q_hours": hours}))
        assert "There is a problem" in page
        assert shown_again(group, page) and html.escape(hours) in page

    @given(
        group=visible_text,
        since=st.fixed_dictionaries({
            "q_since_day": st.one_of(digits, st.sampled_from(["31", "0", "x", "", "99999"]), any_text),
            "q_since_month": st.one_of(digits, st.sampled_from(["2", "13", ""]), any_text),
            "q_since_year": st.one_of(digits, st.sampled_from(["2022", "22", "0", "99999", "9" * 5000]), any_text),
        }),
    )
    def test_an_impossible_date_keeps_the_text_beside_it(self, respondent, group, since):
        respondent.again()
        reply = respondent.post(url("page", 1), {"q_group": group, **since})
        page = assert_no_server_error(reply)
        if reply.status_code == 302:
            return  # the parts made a real date (or nothing): saved, nothing to show again
        assert "There is a problem" in page and shown_again(group, page)

    @given(help_text=visible_text, postcode=st.sampled_from(["LE1", "NOT A POSTCODE", "SW1A 1AA 1", "12345"]))
    def test_a_wrong_postcode_keeps_the_long_answer_beside_it(self, respondent, help_text, postcode):
        respondent.again()
        page = assert_no_server_error(respondent.post(url("page", 2), {"q_help": help_text, "q_postcode": postcode}))
        assert "Enter a real postcode" in page and shown_again(help_text, page)

    @given(name=visible_text, organisation=visible_text, email=st.sampled_from(["not-an-email", "a@", "@b", "a b@c.d"]))
    def test_a_wrong_email_keeps_the_names_beside_it(self, respondent, name, organisation, email):
        respondent.again()
        assume(len(name) <= 200 and len(organisation) <= 200)
        page = assert_no_server_error(respondent.post(url("declaration"), {
            "respondent_kind": "organisation", "organisation_name": organisation, "respondent_name": name,
            "publication": "with_name", "contact_about_outcome": "yes", "email": email,
        }))
        assert "Enter an email address in the correct format" in page
        assert shown_again(name, page) and shown_again(organisation, page)
