"""The questionnaire builder on the staff site: pages, questions, routing, the "About you"
block and a preview exactly as respondents see it.

Anyone who may see a consultation may see its questionnaire and preview it; changes need the
surveys.* permission for what they change. Every change is in the audit log, against the
consultation, so its history shows it. The rules that keep answers meaning what they meant
live in `building`; these views parse, call it, and render.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, ProtectedError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.hub.staff import get_consultation_for_user, staff_required
from haveyoursay.surveys import building, submission
from haveyoursay.surveys.builder_forms import (
    KindForm,
    LockedQuestionForm,
    PageForm,
    QuestionForm,
    QuestionnaireForm,
    short,
)
from haveyoursay.surveys.models import Page, Question, Questionnaire, Response

TEMPLATES = "surveys/staff/builder/"


def get_questionnaire_for_user(request, pk, *permissions, required=True):
    """(consultation, questionnaire) if the user may see the consultation and holds every one
    of `permissions`; the questionnaire is None if there is none and `required` is False."""
    consultation = get_consultation_for_user(request, pk)
    if not request.user.has_perms(permissions):
        raise PermissionDenied
    questionnaire = Questionnaire.objects.filter(consultation=consultation).first()
    if questionnaire is None and required:
        raise Http404("This consultation has no questionnaire yet")
    return consultation, questionnaire


def overview_url(consultation, anchor=""):
    url = reverse("surveys_staff:questionnaire", args=[consultation.pk])
    return f"{url}#{anchor}" if anchor else url


def record(request, action, consultation, **detail):
    AuditEvent.record(request.user, action, consultation, **detail)


def describe_condition(condition, by_code):
    """"Shown only if “What is your age?” is answered “16 to 24” or “25 to 34”"."""
    if not condition:
        return ""
    source = by_code.get(condition.get("question"))
    if source is None:
        return f"Shown only if question {condition.get('question')} has certain answers (that question is missing)"
    labels = {o.value: o.label for o in source.options.all()}
    answers = " or ".join(f"“{labels.get(v, v)}”" for v in condition.get("values", []))
    return f"Shown only if “{short(source.text)}” ({source.code}) is answered {answers}"


def questions_by_code(questionnaire):
    return {q.code: q for q in Question.objects.filter(page__questionnaire=questionnaire).prefetch_related("options")}


# -- The questionnaire ------------------------------------------------------------------------


@staff_required("hub.view_consultation")
@require_http_methods(["GET", "POST"])
def questionnaire(request, pk):
    """The questionnaire's pages and questions in order, or a form to create it."""
    if request.method == "POST":
        consultation, questionnaire = get_questionnaire_for_user(request, pk, "surveys.add_questionnaire", required=False)
        if questionnaire is not None:
            return redirect(overview_url(consultation))
        form = QuestionnaireForm(request.POST, instance=Questionnaire(consultation=consultation))
        if form.is_valid():
            try:
                with transaction.atomic():
                    questionnaire = form.save()
                    record(request, "questionnaire.create", consultation)
            except IntegrityError:  # created meanwhile in another tab
                return redirect(overview_url(consultation))
            messages.success(request, "The questionnaire has been created. Now add its first page.")
            return redirect(overview_url(consultation))
    else:
        consultation, questionnaire = get_questionnaire_for_user(request, pk, required=False)
        form = QuestionnaireForm() if questionnaire is None and request.user.has_perm("surveys.add_questionnaire") else None
    context = {"consultation": consultation, "questionnaire": questionnaire, "form": form}
    if questionnaire is not None:
        context.update(overview(questionnaire))
    return render(request, TEMPLATES + "questionnaire.html", context)


def overview(questionnaire):
    questions = Question.objects.annotate(answers_given=Count("answers")).prefetch_related("options")
    pages = list(questionnaire.ordered_pages().prefetch_related(Prefetch("questions", queryset=questions)))
    by_code = {q.code: q for page in pages for q in page.questions.all()}
    problems = building.routing_problems(questionnaire)
    problem_of = {(type(item).__name__, item.pk): why for item, why in problems}
    previewed = 0
    for number, page in enumerate(pages, start=1):
        page.number = number
        page.items = list(page.questions.all())
        page.preview_number = None
        if page.items:
            previewed += 1
            page.preview_number = previewed
        page.shown_if = describe_condition(page.condition, by_code)
        page.problem = problem_of.get(("Page", page.pk))
        page.answers_given = sum(q.answers_given for q in page.items)
        for question in page.items:
            question.shown_if = describe_condition(question.condition, by_code)
            question.problem = problem_of.get(("Question", question.pk))
    return {"pages": pages, "problems": problems, "can_preview": previewed > 0}


@staff_required("hub.view_consultation")
@require_http_methods(["GET", "POST"])
def questionnaire_edit(request, pk):
    consultation, questionnaire = get_questionnaire_for_user(request, pk, "surveys.change_questionnaire")
    form = QuestionnaireForm(request.POST or None, instance=questionnaire)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            record(request, "questionnaire.change", consultation, fields=form.changed_data)
        messages.success(request, "The questionnaire's details have been saved.")
        return redirect(overview_url(consultation))
    return render(request, TEMPLATES + "questionnaire_form.html", {"consultation": consultation, "form": form})


@staff_required("hub.view_consultation")
@require_POST
def about_you(request, pk):
    """Add the standard "About you" and equality monitoring pages, once."""
    consultation, questionnaire = get_questionnaire_for_user(
        request, pk, "surveys.add_page", "surveys.add_question"
    )
    with transaction.atomic():
        Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)  # a double click adds it once
        taken = list(
            Question.objects.filter(page__questionnaire=questionnaire, code__in=building.ABOUT_YOU_CODES)
            .values_list("code", flat=True)
        )
        if not taken:
            building.add_about_you(questionnaire)
            record(request, "questionnaire.add_about_you", consultation)
    if taken:
        messages.error(
            request,
            "The “About you” questions were not added: this questionnaire already has questions with the codes "
            f"{', '.join(sorted(taken))}. Change those codes first, or use the “About you” questions already here.",
        )
    else:
        messages.success(request, "The “About you” and equality monitoring pages have been added at the end.")
    return redirect(overview_url(consultation))


# -- Pages --------------------------------------------------------------------------------------


@staff_required("hub.view_consultation")
@require_http_methods(["GET", "POST"])
def page_new(request, pk):
    consultation, questionnaire = get_questionnaire_for_user(request, pk, "surveys.add_page")
    form = PageForm(request.POST or None, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            page = building.add_page(questionnaire, data["title"], data["introduction"], condition=data["condition"])
            record(request, "page.add", consultation, page=page.title)
        messages.success(request, f"The page “{page.title}” has been added. Now add its questions.")
        return redirect(overview_url(consultation, f"page-{page.pk}"))
    return render(request, TEMPLATES + "page_form.html", {"consultation": consultation, "form": form, "page": None})


def _page(questionnaire, page_pk):
    return get_object_or_404(Page, pk=page_pk, questionnaire=questionnaire)


@staff_required("hub.view_consultation")
@require_http_methods(["GET", "POST"])
def page_edit(request, pk, page_pk):
    consultation, questionnaire = get_questionnaire_for_user(request, pk, "surveys.change_page")
    page = _page(questionnaire, page_pk)
    form = PageForm(request.POST or None, questionnaire=questionnaire, page=page)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            page.title, page.introduction, page.condition = data["title"], data["introduction"], data["condition"]
            page.save()
            record(request, "page.change", consultation, page=page.title, fields=form.changed_data)
        messages.success(request, f"The page “{page.title}” has been saved.")
        return redirect(overview_url(consultation, f"page-{page.pk}"))
    return render(request, TEMPLATES + "page_form.html", {"consultation": consultation, "form": form, "page": page})


def _step(request):
    return {"up": -1, "down": 1}.get(request.POST.get("direction"))


@staff_required("hub.view_consultation")
@require_POST
def page_move(request, pk, page_pk):
    consultation, questionnaire = get_questionnaire_for_user(request, pk, "surveys.change_page")
    page = _page(questionnaire, page_pk)
    step = _step(request)
    if step is None:
        messages.error(request, "Choose to move the page up or down.")
        return redirect(overview_url(consultation, f"page-{page.pk}"))
    try:
        with transaction.atomic():
            moved = building.move_page(page, step)
            if moved:
                record(request, "page.move", consultation, page=page.title, direction=request.POST["direction"])
    except building.Refused as refusal:
        messages.error(request, f"{refusal}.")
    else:
        if moved:
            messages.success(request, f"The page “{page.title}” has been moved {request.POST['direction']}.")
        else:
            messages.error(request, f"The page “{page.title}” is already the {'first' if step < 0 else 'last'}.")
    return redirect(overview_url(consultation, f"page-{page.pk}"))


@staff_required("hub.view_consultation")
@require_http_methods(["GET", "POST"])
def page_delete(request, pk, page_pk):
    consultation, questionnaire = get_questionnaire_for_user(request, pk, "surveys.delete_page")
    page = _page(questionnaire, page_pk)
    questions = list(page.questions.annotate(answers_given=Count("answers")))
    if request.method == "POST":
        try:
            with transaction.atomic():
                building.delete_page(page)
                record(request, "page.delete", consultation, page=page.title, questions=[q.code for q in questions])
        except (building.Refused, ProtectedError) as refusal:
            messages.error(request, _refusal_message(refusal, f"The page “{page.title}” can't be deleted"))
            return redirect(overview_url(consultation, f"page-{page.pk}"))
        messages.success(request, f"The page “{page.title}” has been deleted.")
        return redirect(overview_url(consultation))
    return render(
        request, TEMPLATES + "confirm_delete.html",
        {
            "consultation": consultation, "item": page, "kind": "page", "questions": questions,
            "refusal": building.why_page_cannot_go(page),
        },
    )


def _refusal_message(refusal, fallback):
    if isinstance(refusal, ProtectedError):
        return f"{fallback}: it has answers."
    return f"{refusal}."


# -- Questions ----------------------------------------------------------------------------------


def _question(questionnaire, question_pk):
    return get_object_or_404(
        Question.objects.select_related("page__questionnaire"), pk=question_pk, page__questionnaire=questionnaire
    )


def _choose_kind(request, context, *, initial=None, error=None):
    """The first step: which kind of question. A GET form, so choosing works like following a link."""
    if "chosen" in request.GET or request.method == "POST" or error:
        form = KindForm({"kind": request.GET.get("kind") or request.POST.get("kind", "")})
        if form.is_valid() and error:
            form.add_error("kind", error)
    else:
        form = KindForm(initial=initial)
    return render(request, TEMPLATES + "kind_form.html", {**context, "form": form})


@staff_required("hub.view_consultation")
@require_http_methods(["GET", "POST"])
def question_new(request, pk, page_pk):
    consultation, questionnaire = get_questionnaire_for_user(request, pk, "surveys.add_question")
    page = _page(questionnaire, page_pk)
    context = {"consultation": consultation, "page": page, "question": None}
    kind = (request.POST if request.method == "POST" else request.GET).get("kind")
    if kind not in Question.Kind.values:
        return _choose_kind(request, context)
    form = QuestionForm(request.POST or None, kind=kind, questionnaire=questionnaire, page=page)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        options = form.option_items
        with transaction.atomic():
            question = building.add_question(
                page, changes.pop("kind"), changes.pop("text"),
                options=[(value, label) for value, label, _, _ in options],
                other=[label for _, label, other, _ in options if other],
                exclusive=[label for _, label, _, alone in options if alone],
                dont_know=False,
                **changes,
            )
            record(request, "question.add", consultation, question=question.code, page=page.title)
        messages.success(request, f"The question “{short(question.text)}” has been added.")
        return redirect(overview_url(consultation, f"question-{question.pk}"))
    return _question_form(request, context, form, kind)


def _question_form(request, context, form, kind, locked=False):
    return render(
        request, TEMPLATES + "question_form.html",
        {
            **context, "form": form, "kind": kind, "kind_label": Question.Kind(kind).label, "locked": locked,
            "sources": getattr(form, "sources", []),
        },
    )


@staff_required("hub.view_consultation")
@require_http_methods(["GET", "POST"])
def question_edit(request, pk, question_pk):
    consultation, questionnaire = get_questionnaire_for_user(request, pk, "surveys.change_question")
    question = _question(questionnaire, question_pk)
    answers = question.answer_count()
    unfinished = question.unfinished_imports() if answers else []
    context = {
        "consultation": consultation, "page": question.page, "question": question, "answer_count": answers,
        # Answers no count includes yet, which lock the question all the same (docs/decisions/0022).
        "unfinished_imports": unfinished, "unfinished_answers": sum(batch.answered for batch in unfinished),
    }
    if answers:
        return _locked_question_edit(request, consultation, question, context)
    data = request.POST if request.method == "POST" else request.GET
    kind = data.get("kind", question.kind)
    if "choose" in request.GET or kind not in Question.Kind.values:
        return _choose_kind(request, context, initial={"kind": question.kind})
    if kind != question.kind and kind not in building.CHOICE_KINDS:
        routed = building.routing_breaks(question, kind, set())
        if routed:
            return _choose_kind(request, context, initial={"kind": question.kind}, error=routed[0])
    form = QuestionForm(request.POST or None, kind=kind, questionnaire=questionnaire, page=question.page, question=question)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                building.change_question(question, options=form.option_items, **form.changes())
                record(request, "question.change", consultation, question=form.cleaned_data["code"], fields=form.changed_data)
        except building.Refused as refusal:  # answered, or routed on, since the form was checked
            form.add_error(None, f"{refusal}.")
        else:
            messages.success(request, f"The question “{short(form.cleaned_data['text'])}” has been saved.")
            return redirect(overview_url(consultation, f"question-{question.pk}"))
    return _question_form(request, context, form, kind)


def _locked_question_edit(request, consultation, question, context):
    form = LockedQuestionForm(request.POST or None, question=question)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                building.change_question(question, **form.changes())
                record(request, "question.change", consultation, question=question.code, fields=form.changed_data)
        except building.Refused as refusal:
            form.add_error(None, f"{refusal}.")
        else:
            messages.success(request, f"The question “{short(form.cleaned_data['text'])}” has been saved.")
            return redirect(overview_url(consultation, f"question-{question.pk}"))
    by_code = questions_by_code(question.page.questionnaire)
    context["shown_if"] = describe_condition(question.condition, by_code)
    return _question_form(request, context, form, question.kind, locked=True)


@staff_required("hub.view_consultation")
@require_POST
def question_move(request, pk, question_pk):
    consultation, questionnaire = get_questionnaire_for_user(request, pk, "surveys.change_question")
    question = _question(questionnaire, question_pk)
    step = _step(request)
    name = f"The question “{short(question.text)}”"
    if step is None:
        messages.error(request, "Choose to move the question up or down.")
        return redirect(overview_url(consultation, f"question-{question.pk}"))
    try:
        with transaction.atomic():
            moved = building.move_question(question, step)
            if moved:
                record(request, "question.move", consultation, question=question.code, direction=request.POST["direction"])
    except building.Refused as refusal:
        messages.error(request, f"{refusal}.")
    else:
        if moved:
            messages.success(request, f"{name} has been moved {request.POST['direction']}.")
        else:
            messages.error(request, f"{name} is already the {'first' if step < 0 else 'last'} in the questionnaire.")
    return redirect(overview_url(consultation, f"question-{question.pk}"))


@staff_required("hub.view_consultation")
@require_http_methods(["GET", "POST"])
def question_delete(request, pk, question_pk):
    consultation, questionnaire = get_questionnaire_for_user(request, pk, "surveys.delete_question")
    question = _question(questionnaire, question_pk)
    if request.method == "POST":
        try:
            with transaction.atomic():
                building.delete_question(question)
                record(request, "question.delete", consultation, question=question.code, text=question.text)
        except (building.Refused, ProtectedError) as refusal:
            messages.error(request, _refusal_message(refusal, f"“{short(question.text)}” can't be deleted"))
            return redirect(overview_url(consultation, f"question-{question.pk}"))
        messages.success(request, f"The question “{short(question.text)}” has been deleted.")
        return redirect(overview_url(consultation, f"page-{question.page_id}"))
    return render(
        request, TEMPLATES + "confirm_delete.html",
        {
            "consultation": consultation, "item": question, "kind": "question",
            "refusal": building.why_question_cannot_go(question),
        },
    )


# -- Preview ------------------------------------------------------------------------------------


class PreviewJourney(submission.Journey):
    """Every page and every question, whatever routing would do: staff check them all."""

    def visible_questions(self, page):
        return list(page.questions.all())

    def visible_pages(self):
        return [page for page in self.pages if page.questions.all()]


@staff_required("hub.view_consultation")
@require_http_methods(["GET", "POST"])
def preview(request, pk, number):
    """A page of the questionnaire through the public template. Answers are checked as they
    would be for a respondent, and never saved: the response is never saved either."""
    consultation, questionnaire = get_questionnaire_for_user(request, pk)
    journey = PreviewJourney(Response(questionnaire=questionnaire))
    pages = journey.visible_pages()
    if not pages:
        messages.error(request, "There is nothing to preview yet: add a page with a question first.")
        return redirect(overview_url(consultation))
    if not 1 <= number <= len(pages):
        raise Http404("The questionnaire has no page with that number")
    page = pages[number - 1]
    form = journey.form_for(page, request.POST if request.method == "POST" else None)
    if request.method == "POST" and submission.clean_page(form) is not None:
        following = min(number + 1, len(pages))
        return redirect(reverse("surveys_staff:preview", args=[pk, following]) + f"?accepted={number}")
    by_code = {q.code: q for each in journey.pages for q in each.questions.all()}

    def url(n):
        return reverse("surveys_staff:preview", args=[pk, n]) if 1 <= n <= len(pages) else None

    accepted = request.GET.get("accepted", "")
    response = render(
        request, TEMPLATES + "preview.html",
        {
            "questionnaire": questionnaire, "consultation": consultation, "response": journey.response,
            "page": page, "number": number, "total": len(pages), "form": form, "returning": False,
            "back_url": url(number - 1) or overview_url(consultation),
            "previous_url": url(number - 1), "previous_page": pages[number - 2] if number > 1 else None,
            "next_url": url(number + 1), "next_page": pages[number] if number < len(pages) else None,
            "overview_url": overview_url(consultation),
            "page_shown_if": describe_condition(page.condition, by_code),
            "questions_shown_if": [
                (q, describe_condition(q.condition, by_code)) for q in page.questions.all() if q.condition
            ],
            "accepted": int(accepted) if accepted.isdigit() and 1 <= int(accepted) <= len(pages) else None,
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response
