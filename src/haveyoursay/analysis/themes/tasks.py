"""Theme work that takes longer than a web request: suggesting a codeframe and applying it.

Each task takes primary keys and runs the plain function in `themes.py` as a job staff can
follow on the job page.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django_tasks import task

from haveyoursay.analysis.models import Codeframe
from haveyoursay.analysis.themes import workflow as themes
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


def job_subject(question):
    """What theme jobs are on: a question, whether or not it has a codeframe yet."""
    return f"question {question.pk}"


def start_suggesting(consultation, question, user, replace=False):
    return start_job(
        Job.Kind.ANALYSIS, consultation, user, suggest_and_apply, question.pk, user.pk, replace,
        title=f"Suggest themes for {question.code}", subject=job_subject(question),
    )


def start_applying(consultation, codeframe, user):
    job = start_job(
        Job.Kind.ANALYSIS, consultation, user, apply_codeframe, codeframe.pk,
        title=f"Apply the themes for {codeframe.question.code}", subject=job_subject(codeframe.question),
    )
    # update(), not save(): which job is applying the codeframe changes nothing in the report.
    Codeframe.objects.filter(pk=codeframe.pk).update(training_job=job)
    codeframe.training_job = job
    return job


def queue_retraining(consultation, codeframe, user):
    """Learn again from the person's coding, unless an application of this codeframe is already waiting.

    A job still waiting to start will read all the coding done so far, so it is enough; one
    already running may have read the codeframe before the latest coding, so another follows it.
    """
    with transaction.atomic():
        # Two people coding at once must not both find no job waiting and queue one each.
        locked = Codeframe.objects.select_for_update().get(pk=codeframe.pk)
        waiting = Job.objects.filter(pk=locked.training_job_id, state=Job.State.QUEUED).exists()
        if waiting:
            return None
        return start_applying(consultation, locked, user)
