"""Responding online: start, one page per section, check your answers, declaration, sent.

The in-progress response is remembered by a signed cookie, so two tabs, the back button and
a double click all reach the same response; its answers are saved page by page; sending is
a one-way step that a second request cannot repeat.
"""

import logging

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.mail import send_mail
from django.db import OperationalError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from haveyoursay import limits
from haveyoursay.govuk_forms import GovukForm
from haveyoursay.hub.models import Consultation
from haveyoursay.prepared import PreparedQuery
from haveyoursay.surveys import submission
from haveyoursay.surveys.models import Response, normal_secret, save_with_free_reference
from haveyoursay.surveys.question_types import AnswerError, wording

logger = logging.getLogger(__name__)

# SQLite has one writer at a time: while a long import holds the write lock, a page waiting
# more than its busy timeout (5 s) is refused. Then, as for any database error a moment may
# cure, the respondent keeps what they typed and is asked to try again.
BUSY = (
    "We could not save your answers just now because the service is busy. "
    "Your answers are still here: {action} to try again."
)


def client_address(request):
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def too_many(request, consultation, reason="address"):
    """The polite refusal once a limit (haveyoursay/limits.py) is reached; `reason` says which."""
    reply = render(request, "surveys/too_many.html", {"consultation": consultation, "reason": reason}, status=429)
    reply["Retry-After"] = str(limits.WINDOW_SECONDS)
    return reply


# Every page of every response asks one of these two, so they are compiled once (see prepared.py).
_CONSULTATION = PreparedQuery(lambda slug: Consultation.public_objects.select_related("questionnaire").filter(slug=slug))
_RESPONSE = PreparedQuery(
    lambda pks, slug: Response.objects.select_related("questionnaire__consultation").filter(
        pk__in=pks,
        channel=Response.Channel.ONLINE,
        # Whatever the public may see is defined once, by the manager.
        questionnaire__consultation__in=Consultation.public_objects.filter(slug=slug),
    )[:1]
)


def get_questionnaire(slug):
    consultation = _CONSULTATION.first(slug=slug)
    if consultation is None:
        raise Http404("No consultation has this address")
    try:
        return consultation.questionnaire
    except Consultation.questionnaire.RelatedObjectDoesNotExist:
        raise Http404("This consultation has no online questionnaire") from None


def questionnaire_and_response(request, slug):
    """(questionnaire, this browser's online response to it or None).

    One query when the browser has a response (the questionnaire and consultation come with
    it): every page of every response asks, so a second query was worth saving. Otherwise
    `get_questionnaire`, which answers 404 for a consultation the public may not see."""
    remembered = list(remembered_responses(request).values())
    if remembered:
        response = _RESPONSE.first(pks=remembered, slug=slug)
        if response is not None:
            return response.questionnaire, response
    return get_questionnaire(slug), None


def journey_for(questionnaire, response):
    # The questionnaire was read in this request, so its structure token is current.
    return submission.Journey(response, structure_token=questionnaire.structure_token)


# Which responses this browser has started: {questionnaire id: response id}, in a signed cookie
# of its own rather than in the session. Signed, it can't be changed to name someone else's
# response; kept by the browser, it costs no database read or write on any page, where the
# session cost a read on every page and two writes to start. It lasts as long as a session
# would; a respondent away for longer comes back with their resume code or link.
RESPONSES_COOKIE = "haveyoursay_responses"
RESPONSES_SALT = "haveyoursay.surveys.responses"
RESPONSES_KEPT = 20


def remembered_responses(request):
    """{questionnaire id (a string): response id} from this browser's cookie; {} if it has
    none, or one that is not ours, altered or too old."""
    value = request.COOKIES.get(RESPONSES_COOKIE)
    if not value:
        return {}
    try:
        responses = signing.loads(value, salt=RESPONSES_SALT, max_age=settings.SESSION_COOKIE_AGE)
    except signing.BadSignature:
        return {}
    if not isinstance(responses, dict):
        return {}
    return {
        key: pk for key, pk in responses.items() if isinstance(pk, int) and not isinstance(pk, bool) and pk > 0
    }


def remember(request, response, reply):
    """`reply`, setting the cookie that remembers `response` as this browser's."""
    responses = remembered_responses(request)
    responses.pop(str(response.questionnaire_id), None)
    responses[str(response.questionnaire_id)] = response.pk
    responses = dict(list(responses.items())[-RESPONSES_KEPT:])
    reply.set_cookie(
        RESPONSES_COOKIE,
        signing.dumps(responses, salt=RESPONSES_SALT, compress=True),
        max_age=settings.SESSION_COOKIE_AGE,
        path=settings.SESSION_COOKIE_PATH,
        domain=settings.SESSION_COOKIE_DOMAIN,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )
    return reply


def closed(request, questionnaire, response=None):
    return render(
        request, "surveys/closed.html",
        {"questionnaire": questionnaire, "consultation": questionnaire.consultation, "response": response},
        status=410 if response else 200,
    )


def with_response(view):
    """Load the questionnaire and this browser's response to it; send people without one to
    the start page, and people whose consultation has closed to a polite explanation."""

    def wrapper(request, slug, *args, **kwargs):
        questionnaire, response = questionnaire_and_response(request, slug)
        if response is None:
            return redirect("surveys:start", slug)
        if response.is_submitted:
            return redirect("surveys:confirmation", slug)
        if not questionnaire.accepts_online_responses():
            return closed(request, questionnaire, response)
        return view(request, questionnaire, response, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return never_cache(wrapper)


class TrappedForm(GovukForm):
    """A form with the spam trap. Filled in, it is refused with a message saying what to do,
    and shown again as it was sent with the trap emptied: software that fills every box is
    stopped again, and a person who somehow filled it (a browser's autofill, a page without
    its stylesheet) loses nothing and gets through the next time."""

    website = submission.HoneypotField()
    refused_message = ""

    def clean(self):
        data = super().clean()
        if data.get("website"):
            logger.info("A %s came back with the spam trap filled in", type(self).__name__)
            self.add_error(None, self.refused_message)
        return data


class StartForm(TrappedForm):
    refused_message = "Your response has not been started yet. Select Start now again to start it."


@never_cache
@require_http_methods(["GET", "POST"])
def start(request, slug):
    questionnaire, response = questionnaire_and_response(request, slug)
    consultation = questionnaire.consultation
    if not questionnaire.accepts_online_responses():
        return closed(request, questionnaire)
    form, status = StartForm(request.POST if request.method == "POST" else None), 200
    if request.method == "POST" and form.is_valid():
        if response is not None and not response.is_submitted:
            return redirect(carry_on_url(questionnaire, response))
        if not limits.STARTS_FROM_ADDRESS.take(client_address(request)):
            return too_many(request, consultation)
        try:
            started = save_with_free_reference(Response(questionnaire=questionnaire))
        except OperationalError:
            status = busy(form, "a new response", "select Start now")
        else:
            return remember(request, started, redirect("surveys:page", slug, 1))
    return render(
        request, "surveys/start.html",
        {
            "questionnaire": questionnaire,
            "consultation": consultation,
            "response": response if response and not response.is_submitted else None,
            "page_count": len(journey_for(questionnaire, response or Response(questionnaire=questionnaire)).visible_pages()),
            "form": form,
        },
        status=status,
    )


@with_response
@require_http_methods(["GET", "POST"])
def page(request, questionnaire, response, number):
    journey = journey_for(questionnaire, response)
    current = journey.page_at(number)
    if current is None:
        return redirect("surveys:check", questionnaire.consultation.slug)
    returning = request.GET.get("return") == "check"
    form = journey.form_for(
        current, request.POST if request.method == "POST" else None, saving_for_later="save" in request.POST
    )
    status = 200
    if request.method == "POST":
        # The answers that are valid are kept even when others on the page are not: a page
        # that fails "Continue" keeps them for when the resident comes back to it, and "Save
        # and come back later" always saves, saying what it could not keep.
        values = submission.valid_answers(form)
        # A question left blank that was never answered has nothing to clear.
        values = {q: v for q, v in values.items() if v is not None or q.code in journey.answers}
        try:
            if values or not form.errors:
                submission.save_answers(response, values)
        except submission.ResponseClosed:
            return closed(request, questionnaire, response)
        except OperationalError:
            status = busy(form, "a page of a response", "select Continue")
        else:
            if "save" in request.POST:
                for question, errors in submission.unsaved_answers(form):
                    messages.warning(request, f"{wording(question)}: {' '.join(errors)}", extra_tags=NOT_SAVED)
                return redirect("surveys:saved", questionnaire.consultation.slug)
            if not form.errors:
                return after_saving(request, questionnaire, journey, current, values, returning)
            journey.refresh(values)  # the answers kept may change the sections to come
    pages = journey.visible_pages()
    return render(
        request, "surveys/page.html",
        {
            "questionnaire": questionnaire, "consultation": questionnaire.consultation, "response": response,
            "page": current, "number": number, "total": len(pages), "form": form, "returning": returning,
            "back_url": (
                reverse("surveys:check", args=[questionnaire.consultation.slug]) if returning
                else reverse("surveys:page", args=[questionnaire.consultation.slug, number - 1]) if number > 1
                else reverse("surveys:start", args=[questionnaire.consultation.slug])
            ),
        },
        status=status,
    )


def after_saving(request, questionnaire, journey, current, values, returning):
    """Where a page saved by "Continue" leads: back to check your answers, or on."""
    slug = questionnaire.consultation.slug
    journey.refresh(values)
    if returning and journey.first_unanswered_required() is None:
        return redirect("surveys:check", slug)
    next_number = journey.next_page_number(current)
    if next_number is None:
        return redirect("surveys:check", slug)
    return redirect(reverse("surveys:page", args=[slug, next_number]) + ("?return=check" if returning else ""))


# The tag on the messages that carry, to the "saved" page, the answers "Save and come back
# later" could not keep, each as "‘Question’: why".
NOT_SAVED = "not-saved"


def carry_on_url(questionnaire, response):
    """The section a resident coming back to `response` carries on from."""
    number = journey_for(questionnaire, response).page_to_carry_on()
    return reverse("surveys:page", args=[questionnaire.consultation.slug, number])


def busy(form, what, action):
    """Say on the form, shown again as the person filled it in, that it was not saved; the
    status to answer with."""
    logger.warning("Could not save %s: the database was busy or unreachable", what)
    form.add_error(None, BUSY.format(action=action))
    return 503


@with_response
def check(request, questionnaire, response):
    journey = journey_for(questionnaire, response)
    return render(
        request, "surveys/check.html",
        {
            "questionnaire": questionnaire, "consultation": questionnaire.consultation, "response": response,
            "sections": journey.check_answers(), "missing": journey.first_unanswered_required(),
        },
    )


class DeclarationForm(TrappedForm):
    label_size = "m"
    refused_message = "Your response has not been sent yet. Check your details, then select Accept and send again."
    respondent_kind = forms.ChoiceField(
        label="Are you responding as an individual or on behalf of an organisation?",
        choices=Response.RespondentKind.choices, widget=forms.RadioSelect,
        error_messages={"required": "Select whether you are responding as an individual or for an organisation"},
    )
    organisation_name = forms.CharField(label="Name of the organisation", required=False, max_length=200)
    organisation_role = forms.CharField(label="Your role in the organisation", required=False, max_length=200)
    respondent_name = forms.CharField(
        label="Your name", required=False, max_length=200, help_text="As you would like it published.",
    )
    publication = forms.ChoiceField(
        label="May we publish your response?",
        choices=Response.Publication.choices, widget=forms.RadioSelect,
        help_text="We may quote responses in the report of this consultation. We never publish email addresses.",
        error_messages={"required": "Select whether we may publish your response"},
    )
    contact_about_outcome = forms.ChoiceField(
        label="Would you like us to email you when we publish what we did because of this consultation?",
        choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect,
        error_messages={"required": "Select yes if you would like us to email you about the outcome"},
    )
    email = forms.EmailField(
        label="Email address", required=False, max_length=254,
        help_text="We use it only to send you that email.",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )

    # Each shown under the answer it belongs to (GOV.UK's conditional reveal).
    reveals = {
        "respondent_kind": {Response.RespondentKind.ORGANISATION: ["organisation_name", "organisation_role"]},
        "publication": {Response.Publication.WITH_NAME: ["respondent_name"]},
        "contact_about_outcome": {"yes": ["email"]},
    }

    def clean(self):
        data = super().clean()
        if data.get("respondent_kind") == Response.RespondentKind.ORGANISATION and not data.get("organisation_name"):
            self.add_error("organisation_name", "Enter the name of the organisation you are responding for")
        if data.get("publication") == Response.Publication.WITH_NAME and not data.get("respondent_name"):
            self.add_error("respondent_name", "Enter your name, or choose to be published anonymously")
        if data.get("contact_about_outcome") == "yes" and not data.get("email") and "email" not in self.errors:
            self.add_error("email", "Enter your email address so we can tell you about the outcome")
        return data


@with_response
@require_http_methods(["GET", "POST"])
def declaration(request, questionnaire, response):
    slug = questionnaire.consultation.slug
    initial = {
        "respondent_kind": response.respondent_kind, "organisation_name": response.organisation_name,
        "organisation_role": response.organisation_role, "respondent_name": response.respondent_name,
        "publication": response.publication or None, "email": response.email,
    }
    form = DeclarationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        # The organisation's details, the name and the address are empty unless the answer that
        # asks for each was chosen (`reveals`): none is kept for what it was not given for.
        data = form.cleaned_data
        try:
            submission.submit(
                response,
                respondent_kind=data["respondent_kind"],
                organisation_name=data["organisation_name"],
                organisation_role=data["organisation_role"],
                respondent_name=data["respondent_name"],
                publication=data["publication"],
                contact_about_outcome=data["contact_about_outcome"] == "yes",
                email=data["email"],
            )
        except AnswerError:
            return redirect("surveys:check", slug)
        except submission.ResponseClosed:
            return closed(request, questionnaire, response)
        except OperationalError:
            status = busy(form, "the sending of a response", "select Accept and send")
        else:
            return redirect("surveys:confirmation", slug)
    return render(
        request, "surveys/declaration.html",
        {"questionnaire": questionnaire, "consultation": questionnaire.consultation, "response": response, "form": form},
        status=status,
    )


@never_cache
def confirmation(request, slug):
    questionnaire, response = questionnaire_and_response(request, slug)
    if response is None or not response.is_submitted:
        return redirect("surveys:start", slug)
    return render(
        request, "surveys/confirmation.html",
        {"questionnaire": questionnaire, "consultation": questionnaire.consultation, "response": response},
    )


class ResumeLinkForm(GovukForm):
    email = forms.EmailField(
        label="Email address", max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


@with_response
@require_http_methods(["GET", "POST"])
def saved(request, questionnaire, response):
    """Answers so far are kept: here is a code to write down, and a link by email if wanted.

    The first address given is kept with the response, and every later link goes only there:
    whoever has the browser can't send the response to an address of their choosing, nor use
    the site to send email to anyone."""
    form = None if response.resume_email else ResumeLinkForm(request.POST or None)
    sent_to = None
    if request.method == "POST" and (form is None or form.is_valid()):
        address = client_address(request)
        if limits.RESUME_EMAILS_PER_RESPONSE.reached(response.pk):
            return too_many(request, questionnaire.consultation, reason="emails")
        if limits.RESUME_EMAILS_FROM_ADDRESS.reached(address):
            return too_many(request, questionnaire.consultation)
        limits.RESUME_EMAILS_PER_RESPONSE.count(response.pk)
        limits.RESUME_EMAILS_FROM_ADDRESS.count(address)
        if form is not None:
            submission.bind_resume_email(response, form.cleaned_data["email"])
        send_resume_link(request, questionnaire, response)
        # The address in full once, straight after it was typed, so a mistake can be seen.
        sent_to = form.cleaned_data["email"] if form is not None else response.masked_resume_email
        form = None
    # A new code on each visit replaces the last, so only the newest written-down code works.
    code = submission.new_resume_code(response) if request.method == "GET" else None
    not_saved = [message.message for message in messages.get_messages(request) if NOT_SAVED in message.tags]
    return render(
        request, "surveys/saved.html",
        {"questionnaire": questionnaire, "consultation": questionnaire.consultation, "response": response,
         "code": code, "form": form, "sent_to": sent_to, "continue_url": carry_on_url(questionnaire, response),
         "not_saved": not_saved,
         "valid_until": min(submission.resume_valid_until(timezone.localdate()), questionnaire.consultation.closes_on),
         "valid_days": settings.RESUME_VALID_DAYS},
    )


def send_resume_link(request, questionnaire, response):
    consultation = questionnaire.consultation
    token = submission.new_resume_link_token(response)
    link = request.build_absolute_uri(reverse("surveys:resume_link", args=[token]))
    until = min(response.resume_link_expires_at.date(), consultation.closes_on)
    send_mail(
        subject=f"Continue your response: {consultation.title}",
        message=(
            f"You saved your response to “{consultation.title}”.\n\n"
            f"To carry on where you left off, open this link. It works once, until {until:%-d %B %Y}:\n{link}\n\n"
            f"The consultation closes on {consultation.closes_on:%-d %B %Y}.\n\n"
            f"If you did not ask for this email, you can ignore it.\n\n"
            f"{settings.COUNCIL_NAME}"
        ),
        from_email=None,
        recipient_list=[response.resume_email],
    )


class ResumeCodeForm(GovukForm):
    code = forms.CharField(
        label="Your code", max_length=20, help_text="For example, HK7QM-3XRTP",
        error_messages={"required": "Enter the code you were given when you saved your answers"},
    )


def code_halves(questionnaire, code):
    """What a guess at a code is counted under: each of its halves, for this questionnaire."""
    normal = normal_secret(code)
    return [f"{questionnaire.pk}:{part}:{half}" for part, half in enumerate((normal[:5], normal[5:])) if half]


@never_cache
@require_http_methods(["GET", "POST"])
def resume(request, slug):
    questionnaire = get_questionnaire(slug)
    consultation = questionnaire.consultation
    if not questionnaire.accepts_online_responses():
        return closed(request, questionnaire)
    form = ResumeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code, address = form.cleaned_data["code"], client_address(request)
        halves = code_halves(questionnaire, code)
        if limits.RESUME_GUESSES_FROM_ADDRESS.reached(address):
            return too_many(request, consultation)
        if any(limits.RESUME_GUESSES_PER_CODE.reached(half) for half in halves):
            return too_many(request, consultation, reason="code")
        try:
            response = submission.resume_with_code(questionnaire, code)
        except submission.ResumeExpired:
            return render(
                request, "surveys/code_expired.html",
                {"questionnaire": questionnaire, "consultation": consultation,
                 "valid_days": settings.RESUME_VALID_DAYS},
                status=410,
            )
        if response is None:
            # Only wrong guesses count: at a library, everyone's right codes keep working.
            limits.RESUME_GUESSES_FROM_ADDRESS.count(address)
            for half in halves:
                limits.RESUME_GUESSES_PER_CODE.count(half)
            form.add_error("code", "We could not find saved answers with that code. Check it and try again")
        else:
            return remember(request, response, redirect(carry_on_url(questionnaire, response)))
    return render(
        request, "surveys/resume.html", {"questionnaire": questionnaire, "consultation": consultation, "form": form},
    )


@never_cache
def resume_link(request, token):
    response = submission.resume_with_link(token)
    if response is None:
        return render(request, "surveys/link_expired.html", {"valid_days": settings.RESUME_VALID_DAYS}, status=404)
    return remember(request, response, redirect(carry_on_url(response.questionnaire, response)))
