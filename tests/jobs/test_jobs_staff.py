"""The staff pages for background work: who may see them, and what they say."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from haveyoursay.jobs.models import Job
from tests.factories import make_consultation


@pytest.fixture
def carers(db):
    return make_consultation(title="Draft Carers Strategy 2022-2025", published=False)


@pytest.fixture
def waste(db):
    return make_consultation(title="Resources and Waste Strategy")


def make_job(consultation, **fields):
    values = {"kind": Job.Kind.REPORT, "title": "Engagement report", "task_path": "x"}
    values.update(fields)
    return Job.objects.create(consultation=consultation, **values)


def job_urls(job):
    return [
        reverse("jobs_staff:jobs"),
        reverse("jobs_staff:consultation_jobs", args=[job.consultation_id]),
        reverse("jobs_staff:job", args=[job.pk]),
    ]


def test_staff_who_may_see_consultations_see_their_background_work(officer_client, viewer_client, carers):
    job = make_job(carers)
    for client in (officer_client, viewer_client):
        for url in job_urls(job):
            response = client.get(url)
            assert response.status_code == 200, url
            assert "Engagement report" in response.text
            assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_people_without_staff_rights_are_refused(outsider_client, client, carers):
    job = make_job(carers)
    for url in job_urls(job):
        assert outsider_client.get(url).status_code == 403, url
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("staff:login")), url


def test_a_missing_job_or_consultation_is_not_found(officer_client, carers):
    assert officer_client.get(reverse("jobs_staff:job", args=[999])).status_code == 404
    assert officer_client.get(reverse("jobs_staff:consultation_jobs", args=[999])).status_code == 404


def test_a_consultations_page_lists_only_its_own_work(officer_client, carers, waste):
    make_job(carers, title="Carers report")
    make_job(waste, title="Waste themes", kind=Job.Kind.ANALYSIS)
    make_job(None, title="Import from SNAP", kind=Job.Kind.IMPORT)
    own = officer_client.get(reverse("jobs_staff:consultation_jobs", args=[carers.pk])).text
    assert "Carers report" in own and "Waste themes" not in own and "Import from SNAP" not in own
    every = officer_client.get(reverse("jobs_staff:jobs")).text
    assert "Carers report" in every and "Waste themes" in every and "Import from SNAP" in every


def test_progress_and_failure_are_shown_in_plain_words(officer_client, officer, carers):
    running = make_job(
        carers, state=Job.State.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(),
        progress_done=2741, progress_total=5483, progress_message="Drawing the charts", requested_by=officer,
    )
    failed = make_job(
        carers, state=Job.State.FAILED, finished_at=timezone.now(),
        error_message="Question 4 has no answers yet: wait until responses arrive, then try again.",
    )
    page = officer_client.get(reverse("jobs_staff:job", args=[running.pk])).text
    assert "In progress" in page
    assert "2,741 of 5,483 (50%)" in page
    assert "Drawing the charts" in page
    assert "Olu Officer" in page
    assert f'href="{reverse("jobs_staff:job", args=[running.pk])}">Check again' in page
    # Refreshed by itself only without JavaScript: with it, a refresh would move a screen reader's place.
    assert "http-equiv" not in page  # unless asked for, without JavaScript: it moves a screen reader's place
    page = officer_client.get(reverse("jobs_staff:job", args=[failed.pk])).text
    assert "Failed" in page
    assert "Question 4 has no answers yet: wait until responses arrive, then try again." in page
    assert ">Check again" not in page and "http-equiv" not in page
    listing = officer_client.get(reverse("jobs_staff:consultation_jobs", args=[carers.pk])).text
    assert "2,741 of 5,483 (50%)" in listing and "Failed" in listing and "In progress" in listing


def test_work_not_heard_from_is_shown_as_stalled(officer_client, carers, settings):
    settings.JOB_STALLED_AFTER_MINUTES = 30
    long_ago = timezone.now() - datetime.timedelta(hours=3)
    job = make_job(carers, state=Job.State.RUNNING, started_at=long_ago, heartbeat_at=long_ago)
    page = officer_client.get(reverse("jobs_staff:job", args=[job.pk])).text
    assert "Stalled" in page
    assert "most likely stopped" in page
    assert "In progress" not in page


def test_work_waiting_long_suggests_checking_the_worker(officer_client, carers):
    job = make_job(carers, created_at=timezone.now() - datetime.timedelta(minutes=20))
    page = officer_client.get(reverse("jobs_staff:job", args=[job.pk])).text
    assert "Waiting to start" in page
    assert "background worker is running" in page


def test_there_is_a_plain_message_when_there_is_no_work(officer_client, carers):
    page = officer_client.get(reverse("jobs_staff:consultation_jobs", args=[carers.pk])).text
    assert "There is no background work for this consultation yet." in page
