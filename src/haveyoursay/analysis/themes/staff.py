"""Staff pages for free-text themes: review a question's codeframe, code answers, measure
agreement, approve quotes. Views parse, call `themes.py`, render; slow work goes to a job."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.analysis.models import Quote, Theme
from haveyoursay.analysis.themes import tasks as theme_tasks
from haveyoursay.analysis.themes import workflow as themes
from haveyoursay.analysis.themes.forms import NONE_OF_THESE, CodingForm, MergeForm, MoveForm, StanceForm, ThemeForm
from haveyoursay.hub.staff import get_consultation_for_user, staff_required
from haveyoursay.jobs.models import Job
from haveyoursay.reports.document import format_percent
from haveyoursay.surveys.models import on_counted_responses

VIEW = "analysis.view_codeframe"
EDIT = "analysis.change_codeframe"
SUGGEST = "analysis.add_codeframe"
APPROVE = "analysis.approve_quote"
BATCH = 5
THEME_ANSWERS_PER_PAGE = 50
TYPICAL_ANSWERS = 3


def get_question_for_user(request, pk, code, permission):
    """The consultation and its open question, if the user may read its answers and do `permission`."""
    if not request.user.has_perm("surveys.view_response"):
        raise PermissionDenied
    consultation = get_consultation_for_user(request, pk, permission)
    question = themes.question_with_code(consultation, code)
    if question is None:
        raise Http404("No such open question")
    return consultation, question


def get_codeframe_or_404(question):
    codeframe = themes.codeframe_for(question)
    if codeframe is None:
        raise Http404("This question has no codeframe yet")
    return codeframe


def codeframe_url(consultation, question):
    return reverse("analysis_staff:codeframe", args=[consultation.pk, question.code])


def theme_jobs(consultation, question):
    """The background jobs suggesting or applying this question's themes, newest first."""
    return Job.objects.filter(
        consultation=consultation, subject=theme_tasks.job_subject(question),
        task_path__in=[theme_tasks.suggest_and_apply.module_path, theme_tasks.apply_codeframe.module_path],
    ).order_by("-created_at", "-pk")


def job_to_show(consultation, question):
    """The latest theme job, while it is waiting or running, or if it failed: what the figures are waiting for."""
    job = theme_jobs(consultation, question).first()
    if job is None or job.state == Job.State.SUCCEEDED:
        return None
    return job


@staff_required(VIEW)
def questions(request, pk):
    consultation = get_consultation_for_user(request, pk, VIEW)
    rows = []
    for question in themes.open_questions(consultation):
        codeframe = themes.codeframe_for(question)
        rows.append({
            "question": question, "comments": themes.count_comments(question), "codeframe": codeframe,
            "themes": codeframe.themes.count() if codeframe else 0,
            "coded": codeframe.codings.filter(coded_at__isnull=False).count() if codeframe else 0,
        })
    return render(request, "analysis/themes/questions.html", {"consultation": consultation, "rows": rows})


@staff_required(VIEW)
def codeframe(request, pk, code):
    consultation, question = get_question_for_user(request, pk, code, VIEW)
    frame = themes.codeframe_for(question)
    context = {
        "consultation": consultation, "question": question, "codeframe": frame, "comments": themes.count_comments(question),
        "job": job_to_show(consultation, question),
    }
    if frame is not None:
        counts = themes.theme_counts(frame)
        kappas = {agreement.theme: agreement for agreement in themes.measure_agreement(frame)}
        theme_list = list(frame.themes.all())
        typical = themes.typical_answers(frame, TYPICAL_ANSWERS)
        context.update(
            themes=[
                {
                    "theme": theme, "count": counts.get(theme.pk, 0),
                    "percent": format_percent(
                        100 * counts.get(theme.pk, 0) / context["comments"] if context["comments"] else 0
                    ),
                    "agreement": kappas.get(theme.pk), "typical": typical.get(theme.pk, []),
                }
                for theme in theme_list
            ],
            merge_form=MergeForm(themes=theme_list, auto_id="merge_%s"), add_form=ThemeForm(auto_id="add_%s"),
            stance_form=StanceForm(initial={"asks_for_stance": "yes" if frame.asks_for_stance else "no"}, auto_id="stance_%s"),
            events=frame.events.select_related("user")[:20],
            other=other_row(frame, context["comments"]),
            needs_review=frame.codings.filter(coded_at__isnull=True, needs_review=True).count(),
            coded=frame.codings.filter(coded_at__isnull=False).count(),
            sampled=frame.agreement_sample.count(),
            proposal=proposal_rows(frame),
            learning=themes.learning_change(frame),
            unconfirmed=sum(1 for theme in theme_list if theme.name_unconfirmed),
            campaigns=[group for group in frame.campaigns if group.get("campaign", True)],
            common=[group for group in frame.campaigns if group.get("kind") == "common"],
            min_campaign_characters=themes.MIN_CAMPAIGN_CHARACTERS, common_copies=themes.COMMON_ANSWER_COPIES,
        )
    return render(request, "analysis/themes/codeframe.html", context)


def other_row(frame, comments):
    """The answers with no theme, "Other or unclear" in the report, counted as the report counts them."""
    count = comments - themes.count_themed(frame)
    return {"count": count, "percent": format_percent(100 * count / comments if comments else 0)}


def proposal_rows(frame):
    """The held-back application, theme by theme with the change, for the analyst to judge; None if none."""
    proposal = frame.proposal
    if not proposal:
        return None
    alive = set(frame.themes.values_list("pk", flat=True))
    rows = [
        {**row, "change": row["proposed"] - row["now"], "emptied": row["now"] > 0 and row["proposed"] == 0}
        for row in proposal["themes"] if row["theme"] in alive
    ]
    rows.sort(key=lambda row: -abs(row["change"]))
    other = proposal["other"]
    return {
        "rows": rows, "moved": proposal["moved"], "limit": format_percent(100 * themes.MAX_SHARE_MOVED), "answers": proposal["answers"], "emptied": proposal["emptied"],
        "percent": format_percent(100 * proposal["moved"] / proposal["answers"] if proposal["answers"] else 0),
        "other": {**other, "change": other["proposed"] - other["now"]},
        "unsure": frame.proposed_codings.filter(needs_review=True, coding__coded_at__isnull=True).count(),
    }


@staff_required(SUGGEST)
@require_POST
def suggest(request, pk, code):
    consultation, question = get_question_for_user(request, pk, code, SUGGEST)
    theme_tasks.start_suggesting(consultation, question, request.user, replace=request.POST.get("replace") == "yes")
    AuditEvent.record(request.user, "themes.suggest", consultation, question=question.code)
    messages.success(request, "The machine is suggesting themes in the background. This page shows how far it has got.")
    return redirect(codeframe_url(consultation, question))


@staff_required(EDIT)
@require_POST
def apply(request, pk, code):
    consultation, question = get_question_for_user(request, pk, code, EDIT)
    # An application already waiting to start will read the codeframe as it is now: a second would only queue behind it.
    if theme_tasks.queue_retraining(consultation, get_codeframe_or_404(question), request.user) is None:
        messages.success(request, "The codeframe is already waiting to be applied, with your latest changes. This page shows how far it has got.")
    else:
        AuditEvent.record(request.user, "themes.apply", consultation, question=question.code)
        messages.success(request, "The codeframe is being applied to every answer in the background. This page shows how far it has got.")
    return redirect(codeframe_url(consultation, question))


@staff_required(EDIT)
@require_POST
def decide_proposal(request, pk, code):
    """Accept the held-back application into the figures, or keep the themes as they are."""
    consultation, question = get_question_for_user(request, pk, code, EDIT)
    frame = get_codeframe_or_404(question)
    accept = request.POST.get("decision") == "accept"
    try:
        (themes.accept_proposal if accept else themes.discard_proposal)(frame, request.user)
    except themes.ThemeError as error:
        messages.error(request, str(error))
        return redirect(codeframe_url(consultation, question))
    AuditEvent.record(
        request.user, "themes.accept_application" if accept else "themes.discard_application", frame, question=question.code
    )
    messages.success(
        request,
        "The new application is in the figures and the report." if accept
        else "The themes stay as they were. Code more answers, or edit the themes, and apply the codeframe again.",
    )
    return redirect(codeframe_url(consultation, question))


@staff_required(EDIT)
@require_POST
def add_theme(request, pk, code):
    consultation, question = get_question_for_user(request, pk, code, EDIT)
    frame = get_codeframe_or_404(question)
    form = ThemeForm(request.POST, auto_id="add_%s")
    if not form.is_valid():
        return render_form_page(request, consultation, question, form, "Add a theme", "Add theme")
    theme = themes.add_theme(frame, request.user, form.cleaned_data["label"], form.cleaned_data["description"])
    AuditEvent.record(request.user, "themes.add", theme, question=question.code)
    messages.success(request, f"“{theme.label}” has been added. Code answers with it so the machine learns it.")
    return redirect(codeframe_url(consultation, question))


@staff_required(EDIT)
@require_POST
def merge(request, pk, code):
    consultation, question = get_question_for_user(request, pk, code, EDIT)
    frame = get_codeframe_or_404(question)
    form = MergeForm(request.POST, themes=list(frame.themes.all()), auto_id="merge_%s")
    if not form.is_valid():
        return render_form_page(request, consultation, question, form, "Merge themes", "Merge themes")
    by_pk = frame.themes.in_bulk(form.cleaned_data["themes"])
    kept = themes.merge_themes([by_pk[pk] for pk in form.cleaned_data["themes"]], request.user, form.cleaned_data["label"])
    AuditEvent.record(request.user, "themes.merge", kept, question=question.code)
    messages.success(request, f"The themes have been merged into “{kept.label}”.")
    return redirect(codeframe_url(consultation, question))


@staff_required(EDIT)
@require_POST
def stance(request, pk, code):
    consultation, question = get_question_for_user(request, pk, code, EDIT)
    frame = get_codeframe_or_404(question)
    form = StanceForm(request.POST, auto_id="stance_%s")
    if not form.is_valid():
        return render_form_page(request, consultation, question, form, "Stance", "Save")
    themes.ask_for_stance(frame, request.user, form.asks())
    AuditEvent.record(request.user, "themes.stance", frame, question=question.code, asks=form.asks())
    messages.success(
        request,
        "Answers to this question are now coded with their stance, and the report shows it."
        if form.asks() else "Answers to this question are no longer coded with a stance.",
    )
    return redirect(codeframe_url(consultation, question))


def render_form_page(request, consultation, question, form, title, button):
    return render(
        request, "analysis/themes/form.html",
        {"consultation": consultation, "question": question, "form": form, "title": title, "button": button},
        status=400,
    )


@staff_required(VIEW)
@require_http_methods(["GET", "POST"])
def theme(request, pk, code, theme_pk):
    consultation, question = get_question_for_user(request, pk, code, VIEW)
    frame = get_codeframe_or_404(question)
    item = get_object_or_404(Theme, pk=theme_pk, codeframe=frame)
    if request.method == "POST" and not request.user.has_perm(EDIT):
        raise PermissionDenied
    if request.POST.get("action") == "move":
        # Posted here, so that the page shown again after a mistake has this page's address and links.
        return move_answers(request, consultation, question, frame, item)
    form = ThemeForm(request.POST or None, initial={"label": item.label, "description": item.description})
    if request.method == "POST":
        if form.is_valid():
            themes.rename_theme(item, request.user, form.cleaned_data["label"], form.cleaned_data["description"])
            AuditEvent.record(request.user, "themes.rename", item, question=question.code)
            messages.success(request, f"The theme is now called “{item.label}”.")
            return redirect("analysis_staff:theme", consultation.pk, question.code, item.pk)
    return render_theme_page(request, consultation, question, frame, item, form=form, page_number=request.GET.get("page"))


def render_theme_page(request, consultation, question, frame, item, *, form=None, move_data=None, page_number=None):
    """The theme with one page of its answers; a form sent with errors is shown again as it was filled in."""
    if form is None:
        form = ThemeForm(initial={"label": item.label, "description": item.description})
    assignments = (
        item.assignments.filter(on_counted_responses("answer__response__"))
        .select_related("answer", "assigned_by").order_by(*themes.PERSON_FIRST)
    )
    paginator = Paginator(assignments, THEME_ANSWERS_PER_PAGE)
    page = paginator.get_page(page_number)
    answers = [assignment.answer for assignment in page]
    if move_data is not None:
        answers += answers_of_theme(item, move_data.getlist("answers"), besides=answers)
    move_form = MoveForm(move_data, answers=answers, themes=list(frame.themes.exclude(pk=item.pk)), auto_id="move_%s")
    return render(
        request, "analysis/themes/theme.html",
        {
            "consultation": consultation, "question": question, "codeframe": frame, "theme": item, "form": form,
            "move_form": move_form, "assignments": page, "page": page, "paginator": paginator, "count": paginator.count,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "error_form": form if form.errors else move_form, "job": job_to_show(consultation, question),
        },
        status=400 if form.errors or move_form.errors else 200,
    )


def answers_of_theme(item, chosen, besides=()):
    """The chosen answers (pks as sent) that have the theme, other than those `besides`."""
    shown = {answer.pk for answer in besides}
    wanted = {int(value) for value in chosen if str(value).isdigit()} - shown
    return [assignment.answer for assignment in item.assignments.filter(answer_id__in=wanted).select_related("answer")]


@staff_required(EDIT)
@require_POST
def split(request, pk, code, theme_pk):
    consultation, question = get_question_for_user(request, pk, code, EDIT)
    item = get_object_or_404(Theme, pk=theme_pk, codeframe=get_codeframe_or_404(question))
    try:
        parts = themes.split_theme(item, request.user)
    except themes.ThemeError as error:
        messages.error(request, str(error))
        return redirect("analysis_staff:theme", consultation.pk, question.code, item.pk)
    AuditEvent.record(request.user, "themes.split", consultation, question=question.code, into=len(parts))
    messages.success(request, f"“{item.label}” has been split into {len(parts)} themes: rename them to say what they are.")
    return redirect(codeframe_url(consultation, question))


@staff_required(EDIT)
@require_POST
def delete(request, pk, code, theme_pk):
    consultation, question = get_question_for_user(request, pk, code, EDIT)
    item = get_object_or_404(Theme, pk=theme_pk, codeframe=get_codeframe_or_404(question))
    label = item.label
    AuditEvent.record(request.user, "themes.delete", item, question=question.code)
    themes.delete_theme(item, request.user)
    messages.success(request, f"“{label}” has been deleted. Its answers keep any other themes they had.")
    return redirect(codeframe_url(consultation, question))


@staff_required(EDIT)
@require_POST
def move(request, pk, code, theme_pk):
    consultation, question = get_question_for_user(request, pk, code, EDIT)
    frame = get_codeframe_or_404(question)
    return move_answers(request, consultation, question, frame, get_object_or_404(Theme, pk=theme_pk, codeframe=frame))


def move_answers(request, consultation, question, frame, item):
    page_number = request.POST.get("page")
    # Only the answers sent need checking: the theme may have thousands.
    answers = answers_of_theme(item, request.POST.getlist("answers"))
    form = MoveForm(request.POST, answers=answers, themes=list(frame.themes.exclude(pk=item.pk)), auto_id="move_%s")
    if not form.is_valid():
        return render_theme_page(request, consultation, question, frame, item, move_data=request.POST, page_number=page_number)
    target = form.cleaned_data["to_theme"]
    to_theme = None if target == NONE_OF_THESE else frame.themes.get(pk=int(target))
    answer_ids = [int(pk) for pk in form.cleaned_data["answers"]]
    themes.move_answers(frame, answer_ids, item, to_theme, request.user)
    AuditEvent.record(request.user, "themes.move", item, question=question.code, answers=len(answer_ids))
    theme_tasks.queue_retraining(consultation, frame, request.user)
    messages.success(request, f"{len(answer_ids)} answer{'s' if len(answer_ids) != 1 else ''} moved to “{to_theme or 'no theme'}”.")
    url = reverse("analysis_staff:theme", args=[consultation.pk, question.code, item.pk])
    return redirect(f"{url}?page={int(page_number)}" if str(page_number or "").isdigit() else url)


def code_answers(request, pk, code, queue):
    consultation, question = get_question_for_user(request, pk, code, EDIT)
    frame = get_codeframe_or_404(question)
    theme_list = list(frame.themes.all())
    if request.method == "POST":
        shown = [int(value) for value in request.POST.getlist("shown") if value.isdigit()]
        answers = themes.ordered_answers(shown)
    else:
        answers = themes.next_to_code(frame, BATCH) if queue == "next" else themes.low_confidence_queue(frame, BATCH)
    form = CodingForm(request.POST or None, answers=answers, themes=theme_list, stance=frame.asks_for_stance)
    if request.method == "POST" and answers and form.is_valid():
        try:
            themes.code_answers(frame, request.user, form.coded(), form.stances())
        except themes.ThemeError as error:
            messages.error(request, str(error))
            return redirect(request.path)
        AuditEvent.record(request.user, "themes.code", frame, question=question.code, answers=len(answers))
        job = theme_tasks.queue_retraining(consultation, frame, request.user)
        messages.success(
            request, f"{len(answers)} answer{'s' if len(answers) != 1 else ''} coded."
            + (" The machine is learning from them in the background." if job else ""),
        )
        return redirect(request.path)
    for answer_id, assignments in themes.themes_of_answers(frame, [answer.pk for answer in answers]).items():
        next(answer for answer in answers if answer.pk == answer_id).current_themes = [a.theme.label for a in assignments]
    return render(
        request, "analysis/themes/code.html",
        {
            "consultation": consultation, "question": question, "codeframe": frame, "form": form, "queue": queue, "blind": False,
            "job": job_to_show(consultation, question),
        },
        status=400 if form.errors else 200,
    )


@staff_required(EDIT)
@require_http_methods(["GET", "POST"])
def code_next(request, pk, code):
    return code_answers(request, pk, code, "next")


@staff_required(EDIT)
@require_http_methods(["GET", "POST"])
def review_queue(request, pk, code):
    return code_answers(request, pk, code, "review")


@staff_required(EDIT)
@require_http_methods(["GET", "POST"])
def agreement(request, pk, code):
    consultation, question = get_question_for_user(request, pk, code, EDIT)
    frame = get_codeframe_or_404(question)
    theme_list = list(frame.themes.all())
    if request.method == "POST" and request.POST.get("action") == "draw":
        try:
            items = themes.draw_agreement_sample(frame, request.user)
        except themes.ThemeError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{len(items)} answers drawn at random. Code them without looking at the machine's themes.")
        return redirect(request.path)
    if request.method == "POST":
        shown = [int(value) for value in request.POST.getlist("shown") if value.isdigit()]
        answers = themes.ordered_answers(shown)
    else:
        answers = [item.answer for item in themes.next_blind(frame, BATCH)]
    form = CodingForm(request.POST or None, answers=answers, themes=theme_list)
    if request.method == "POST" and answers and form.is_valid():
        try:
            themes.code_blind(frame, request.user, form.coded())
        except themes.ThemeError as error:
            messages.error(request, str(error))
        return redirect(request.path)
    label_of = {theme.pk: theme.label for theme in theme_list}
    results = [(label_of[a.theme], a) for a in themes.measure_agreement(frame) if a.theme in label_of]
    return render(
        request, "analysis/themes/agreement.html",
        {
            "consultation": consultation, "question": question, "codeframe": frame, "form": form,
            "sampled": frame.agreement_sample.count(), "blind_done": frame.agreement_sample.filter(coded_at__isnull=False).count(),
            "results": results, "blind": True,
        },
        status=400 if form.errors else 200,
    )


@staff_required(VIEW)
@require_http_methods(["GET", "POST"])
def quotes(request, pk, code):
    consultation, question = get_question_for_user(request, pk, code, VIEW)
    frame = get_codeframe_or_404(question)
    if request.method == "POST":
        if not request.user.has_perm(EDIT):
            raise PermissionDenied
        made = themes.choose_quotes(frame, request.user)
        AuditEvent.record(request.user, "themes.choose_quotes", frame, question=question.code, chosen=made)
        messages.success(request, f"{made} candidate quote{'s' if made != 1 else ''} put forward for approval.")
        return redirect(request.path)
    quotes_of = {}
    for quote in Quote.objects.filter(theme__codeframe=frame).select_related("approved_by"):
        quotes_of.setdefault(quote.theme_id, []).append(quote)
    by_theme = [(theme, quotes_of.get(theme.pk, [])) for theme in frame.themes.all()]
    return render(
        request, "analysis/themes/quotes.html",
        {"consultation": consultation, "question": question, "codeframe": frame, "by_theme": by_theme},
    )


@staff_required(APPROVE)
@require_POST
def decide_quote(request, pk, code, quote_pk):
    consultation, question = get_question_for_user(request, pk, code, APPROVE)
    quote = get_object_or_404(Quote, pk=quote_pk, theme__codeframe=get_codeframe_or_404(question))
    if request.POST.get("decision") == "approve":
        try:
            themes.approve_quote(quote, request.user)
        except themes.ThemeError as error:
            messages.error(request, str(error))
        else:
            AuditEvent.record(request.user, "themes.approve_quote", quote, question=question.code)
            messages.success(request, "The quote is approved for the published report.")
    else:
        themes.withdraw_quote(quote, request.user)
        AuditEvent.record(request.user, "themes.withdraw_quote", quote, question=question.code)
        messages.success(request, "The quote is no longer approved: it will not be published.")
    # Back to the same quote, not the top of a long page: the next one to decide is beside it.
    return redirect(reverse("analysis_staff:quotes", args=[consultation.pk, question.code]) + f"#quote-{quote.pk}")
