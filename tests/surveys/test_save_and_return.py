"""Save and return: how long a code works, who may guess how often, and where links are sent."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haveyoursay import limits
from haveyoursay.surveys import submission
from haveyoursay.surveys.models import Response

pytestmark = pytest.mark.django_db

SLUG = "carers-strategy"
LIBRARY = "198.51.100.7"


def url(name, *args):
    return reverse(f"surveys:{name}", args=[SLUG, *args])


def saved_code(client):
    """Start a response in `client`, save it for later and give the code shown."""
    client.post(url("start"))
    client.post(url("page", 1), {"q_vision": "tend_to_agree", "save": ""})
    return re.search(r'hys-code">([A-Z0-9-]+)<', client.get(url("saved")).content.decode()).group(1)


def resume(code, address="192.0.2.1", client=None):
    return (client or Client()).post(url("resume"), {"code": code}, REMOTE_ADDR=address)


def wrong_code(number):
    """A code no response has, different from the others in both halves."""
    digits = f"{number:04d}".replace("0", "Q").replace("1", "R")
    return f"W{digits}-X{digits}"


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return mail.outbox


class TestHowLongACodeWorks:
    def test_a_code_works_each_time_the_respondent_comes_back(self, client, questionnaire):
        code = saved_code(client)
        for _ in range(3):
            assert resume(code)["Location"] == url("page", 1)

    def test_a_sent_response_cannot_be_resumed(self, client, questionnaire):
        code = saved_code(client)
        client.post(url("page", 2), {"q_priorities__identification": "very_important", "continue": ""})
        client.post(url("declaration"), {
            "respondent_kind": "individual", "publication": "anonymous", "contact_about_outcome": "no",
        })
        response = Response.objects.get()
        assert response.is_submitted and not response.resume_code_expires_at
        assert "We could not find saved answers with that code" in resume(code).content.decode()

    def test_a_code_expires_after_the_days_set(self, client, questionnaire, settings):
        settings.RESUME_VALID_DAYS = 7
        code = saved_code(client)
        response = Response.objects.get()
        assert timezone.now() + datetime.timedelta(days=6) < response.resume_code_expires_at
        assert response.resume_code_expires_at <= timezone.now() + datetime.timedelta(days=7)
        assert "until" in client.get(url("saved")).content.decode()

    def test_an_expired_code_says_so_plainly_and_is_not_counted_as_a_guess(self, client, questionnaire):
        code = saved_code(client)
        Response.objects.update(resume_code_expires_at=timezone.now() - datetime.timedelta(minutes=1))
        page = resume(code, LIBRARY)
        html = page.content.decode()
        assert page.status_code == 410
        assert "Your code has expired" in html and "A code works for 30 days after you save your answers" in html
        assert f'href="{url("start")}"' in html
        assert limits.RESUME_GUESSES_FROM_ADDRESS.used(LIBRARY) == 0

    def test_no_code_works_once_the_consultation_has_closed(self, client, questionnaire):
        code = saved_code(client)
        consultation = questionnaire.consultation
        consultation.opens_on = consultation.closes_on = datetime.date(2022, 7, 31)
        consultation.save()
        page = resume(code)
        assert "This consultation has closed" in page.content.decode()
        assert "haveyoursay_responses" not in page.cookies

    def test_the_saved_page_says_until_when_the_code_works(self, client, questionnaire):
        saved_code(client)
        html = client.get(url("saved")).content.decode()
        until = min(timezone.localdate() + datetime.timedelta(days=30), questionnaire.consultation.closes_on)
        assert f"You can use the code as many times as you need until {until:%-d %B %Y}" in html


class TestGuessing:
    def test_one_guesser_at_a_library_does_not_lock_out_the_people_beside_them(self, questionnaire):
        people = [Client() for _ in range(5)]
        codes = [saved_code(person) for person in people]
        # More wrong guesses than the old limit of 20 an address allowed.
        for number in range(25):
            assert resume(wrong_code(number), LIBRARY).status_code == 200
        for person, code in zip(people, codes):
            assert resume(code, LIBRARY, Client())["Location"] == url("page", 1)

    def test_an_address_is_refused_once_it_has_guessed_its_allowance(self, questionnaire, monkeypatch):
        monkeypatch.setattr(limits.RESUME_GUESSES_FROM_ADDRESS, "per_hour", 5)
        code = saved_code(Client())
        for number in range(5):
            resume(wrong_code(number), LIBRARY)
        refused = resume(code, LIBRARY)
        assert refused.status_code == 429 and refused["Retry-After"] == "3600"
        assert "too many attempts from your connection" in refused.content.decode()
        assert resume(code, "192.0.2.50")["Location"] == url("page", 1)

    def test_one_code_cannot_be_worked_out_from_many_addresses(self, questionnaire):
        code = saved_code(Client())
        first_half = code[:5]
        # Someone who saw the first half tries the rest from a different address each time.
        for number in range(limits.RESUME_GUESSES_PER_CODE.per_hour):
            assert resume(f"{first_half}-{wrong_code(number)[-5:]}", f"192.0.2.{number + 10}").status_code == 200
        refused = resume(code, "192.0.2.200")
        assert refused.status_code == 429
        assert "too many attempts with this code" in refused.content.decode()
        # Other codes are unaffected.
        assert resume(saved_code(Client()), "192.0.2.201")["Location"] == url("page", 1)


class TestEmailedLinks:
    def test_the_first_address_given_is_the_only_one_links_go_to(self, client, questionnaire, outbox):
        saved_code(client)
        first = client.post(url("saved"), {"email": "carer@example.org"})
        assert "We have sent a link to carer@example.org" in first.content.decode()
        again = client.post(url("saved"), {"email": "someone.else@example.net"})
        assert [message.to for message in outbox] == [["carer@example.org"], ["carer@example.org"]]
        html = again.content.decode()
        assert "We have sent a link to c•••@example.org" in html and "someone.else" not in html
        page = client.get(url("saved")).content.decode()
        assert 'name="email"' not in page and "c•••@example.org, the address you gave" in page
        assert Response.objects.get().resume_email == "carer@example.org"

    def test_each_response_gets_three_links_an_hour(self, client, questionnaire, outbox):
        saved_code(client)
        client.post(url("saved"), {"email": "carer@example.org"})
        client.post(url("saved"))
        client.post(url("saved"))
        refused = client.post(url("saved"))
        assert refused.status_code == 429
        assert "We cannot send another email yet" in refused.content.decode()
        assert len(outbox) == 3

    def test_the_link_says_until_when_it_works(self, client, questionnaire, outbox):
        saved_code(client)
        client.post(url("saved"), {"email": "carer@example.org"})
        response = Response.objects.get()
        until = min(response.resume_link_expires_at.date(), questionnaire.consultation.closes_on)
        assert f"It works once, until {until:%-d %B %Y}" in outbox[0].body
        assert "If you did not ask for this email, you can ignore it." in outbox[0].body

    def test_a_mistyped_address_is_refused_and_binds_nothing(self, client, questionnaire, outbox):
        saved_code(client)
        page = client.post(url("saved"), {"email": "carer.example.org"})
        assert "Enter an email address in the correct format" in page.content.decode()
        assert Response.objects.get().resume_email == "" and not outbox

    def test_sending_forgets_the_address_for_links(self, client, questionnaire, outbox):
        saved_code(client)
        client.post(url("saved"), {"email": "carer@example.org"})
        response = Response.objects.get()
        client.post(url("page", 2), {"q_priorities__identification": "very_important", "continue": ""})
        submission.submit(response, respondent_kind="individual", publication="anonymous")
        response.refresh_from_db()
        assert response.resume_email == "" and response.resume_link_hash == ""
