"""Retraining after a person codes: the codeframe knows its own job, whatever the job is called."""

import pytest

from haveyoursay.analysis.models import Codeframe
from haveyoursay.analysis.themes import tasks as theme_tasks
from haveyoursay.jobs.models import Job
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import Questionnaire
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(make_user):
    return make_user("analyst", groups=["Analyst"], is_staff=True)


def make_codeframe(consultation, code):
    questionnaire, _ = Questionnaire.objects.get_or_create(consultation=consultation)
    page = add_page(questionnaire, f"Page for {code}")
    return Codeframe.objects.create(question=add_question(page, "long_text", "Why do you say this?", code=code))


@pytest.fixture
def consultation(db):
    return make_consultation(title="Leicestershire Resources and Waste Strategy", slug="resources-and-waste", status="closed")


def test_queueing_retraining_records_the_job_on_the_codeframe(consultation, analyst):
    codeframe = make_codeframe(consultation, "why")
    before = codeframe.updated_at

    job = theme_tasks.queue_retraining(consultation, codeframe, analyst)

    codeframe.refresh_from_db()
    assert job is not None and codeframe.training_job == job
    assert codeframe.updated_at == before  # which job applies it changes nothing in the report
    assert job.state == Job.State.QUEUED and job.task_path == theme_tasks.apply_codeframe.module_path


def test_a_waiting_job_is_found_by_its_link_even_when_the_question_code_changes(consultation, analyst):
    codeframe = make_codeframe(consultation, "why")
    first = theme_tasks.queue_retraining(consultation, codeframe, analyst)
    # The job's title names the old code; the link still finds it.
    question = codeframe.question
    question.code = "reasons"
    question.save()

    assert theme_tasks.queue_retraining(consultation, Codeframe.objects.get(pk=codeframe.pk), analyst) is None
    assert Job.objects.count() == 1 and Codeframe.objects.get(pk=codeframe.pk).training_job == first


def test_another_codeframes_waiting_job_does_not_hold_this_one_back(consultation, analyst):
    # A job for another question whose title reads like this one's: titles are for people.
    why = make_codeframe(consultation, "why")
    other = make_codeframe(consultation, "other_why")
    theme_tasks.queue_retraining(consultation, other, analyst)
    Job.objects.update(title="Apply the themes for why")

    job = theme_tasks.queue_retraining(consultation, why, analyst)

    assert job is not None and Codeframe.objects.get(pk=why.pk).training_job == job


def test_once_the_job_has_started_the_next_coding_queues_another(consultation, analyst):
    codeframe = make_codeframe(consultation, "why")
    first = theme_tasks.queue_retraining(consultation, codeframe, analyst)
    Job.objects.filter(pk=first.pk).update(state=Job.State.RUNNING)

    second = theme_tasks.queue_retraining(consultation, codeframe, analyst)

    assert second is not None and second != first
    assert Codeframe.objects.get(pk=codeframe.pk).training_job == second


def test_deleting_the_job_leaves_the_codeframe_without_one(consultation, analyst):
    codeframe = make_codeframe(consultation, "why")
    job = theme_tasks.queue_retraining(consultation, codeframe, analyst)

    job.delete()

    codeframe.refresh_from_db()
    assert codeframe.training_job is None
    assert theme_tasks.queue_retraining(consultation, codeframe, analyst) is not None
