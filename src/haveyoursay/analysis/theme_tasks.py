"""Theme work that takes longer than a web request: suggesting a codeframe and applying it.

Each task takes primary keys and runs the plain function in `themes.py` as a job staff can
follow on the job page.
"""

from django.contrib.auth import get_user_model
from django_tasks import task

from haveyoursay.analysis import themes
from haveyoursay.analysis.models import Codeframe
from haveyoursay.jobs.models import Job
from haveyoursay.jobs.running import JobError, ignore_progress, run_job, start_job
from haveyoursay.surveys.models import Question


def suggest_and_apply_impl(question_id, user_id=None, replace=False, *, progress=ignore_progress):
    question = Question.objects.filter(pk=question_id).first()
    if question is None:
        raise JobError("The question was deleted before its themes could be suggested.")
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    progress(0, 2, "Finding campaigns and suggesting themes")
    try:
        codeframe = themes.suggest_codeframe(question, user=user, replace=replace)
        progress(1, 2, "Applying the themes to every answer")
        return themes.apply_codeframe(codeframe)
    except themes.ThemeError as error:
        raise JobError(str(error)) from None


def apply_impl(codeframe_id, *, progress=ignore_progress):
    codeframe = Codeframe.objects.filter(pk=codeframe_id).select_related("question").first()
    if codeframe is None:
        raise JobError("The codeframe was deleted before it could be applied.")
    try:
        return themes.apply_codeframe(codeframe, progress=progress)
    except themes.ThemeError as error:
        raise JobError(str(error)) from None


@task()
def suggest_and_apply(job_id, question_id, user_id=None, replace=False):
    return run_job(job_id, suggest_and_apply_impl, question_id, user_id, replace)


@task()
def apply_codeframe(job_id, codeframe_id):
    return run_job(job_id, apply_impl, codeframe_id)


def start_suggesting(consultation, question, user, replace=False):
    return start_job(
        Job.Kind.ANALYSIS, consultation, user, suggest_and_apply, question.pk, user.pk, replace,
        title=f"Suggest themes for {question.code}",
    )


def start_applying(consultation, codeframe, user):
    return start_job(
        Job.Kind.ANALYSIS, consultation, user, apply_codeframe, codeframe.pk,
        title=f"Apply the themes for {codeframe.question.code}",
    )


def queue_retraining(consultation, codeframe, user):
    """Learn again from the person's coding, unless an application of this codeframe is already waiting."""
    waiting = Job.objects.unfinished().filter(
        consultation=consultation, task_path=apply_codeframe.module_path, title__endswith=f" {codeframe.question.code}"
    )
    if waiting.filter(state=Job.State.QUEUED).exists():
        return None
    return start_applying(consultation, codeframe, user)
