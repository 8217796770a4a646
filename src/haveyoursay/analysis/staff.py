"""Staff pages for analysis: reading what people wrote in answer to an open question."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from haveyoursay.hub.staff import get_consultation_for_user, staff_required
from haveyoursay.surveys.models import Answer, Question

PER_PAGE = 50


@staff_required("surveys.view_response")
def comments(request, pk, code):
    consultation = get_consultation_for_user(request, pk, "surveys.view_response")
    question = Question.objects.filter(page__questionnaire__consultation=consultation, code=code).first()
    if question is None or question.kind not in ("short_text", "long_text"):
        raise Http404("No such open question")
    answers = (
        Answer.objects.counted().filter(question=question)
        .exclude(value__text="")
        .select_related("response")
        .order_by("response__submitted_at", "pk")
    )
    paginator = Paginator(answers, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request, "analysis/comments.html",
        {
            "consultation": consultation, "question": question, "page": page, "paginator": paginator,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        },
    )
