"""Following background work from the page that started it, and from the job's own page to its result."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haveyoursay.analysis.themes import tasks as theme_tasks
from haveyoursay.jobs.models import Job, describe_duration
from haveyoursay.jobs.running import run_job
from haveyoursay.reports.generating import generate_report_impl
from tests.analysis.test_themes_workflow import question  # noqa: F401 (the fixture)
from tests.factories import make_consultation
from tests.reports.test_reports_generate import consultation  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

REFRESH = '<noscript><meta http-equiv="refresh" content="10"></noscript>'
LOOK_AGAIN = '?refresh=on">Look again by itself every 10 seconds</a>'
SCRIPT = "haveyoursay/job-status.js"


def minutes(n, seconds=0):
    return datetime.timedelta(minutes=n, seconds=seconds)


def test_durations_are_said_as_people_say_them():
    assert describe_duration(datetime.timedelta(seconds=0)) == "less than a minute"
    assert describe_duration(datetime.timedelta(seconds=59)) == "less than a minute"
    assert describe_duration(minutes(1, 30)) == "1 minute"
    assert describe_duration(minutes(3)) == "3 minutes"
    assert describe_duration(minutes(60)) == "1 hour"
    assert describe_duration(minutes(65)) == "1 hour and 5 minutes"
    assert describe_duration(minutes(2 * 24 * 60 + 3 * 60 + 4)) == "2 days and 3 hours"
    assert describe_duration(-minutes(1)) == "less than a minute"  # clocks a little apart


def finished_job(consultation, took, **fields):  # noqa: F811
    finished = timezone.now()
    values = {
        "kind": Job.Kind.REPORT, "title": "Engagement report", "task_path": "x", "state": Job.State.SUCCEEDED,
        "started_at": finished - took, "finished_at": finished, "consultation": consultation,
    }
    values.update(fields)
    return Job.objects.create(**values)


def job_page(client, job):
    return client.get(reverse("jobs_staff:job", args=[job.pk])).content.decode()


def test_the_job_page_says_how_long_the_work_took_in_words(officer_client):
    carers = make_consultation(title="Draft Carers Strategy 2022-2025")
    quick = job_page(officer_client, finished_job(carers, datetime.timedelta(seconds=20)))
    assert "after less than a minute" in quick and "0 minutes" not in quick
    assert "after 3 minutes" in job_page(officer_client, finished_job(carers, minutes(3, 10)))


def test_a_running_job_page_looks_again_by_itself_and_a_finished_one_does_not(officer_client):
    carers = make_consultation(title="Draft Carers Strategy 2022-2025")
    now = timezone.now()
    running = Job.objects.create(
        kind=Job.Kind.REPORT, title="Engagement report", task_path="x", consultation=carers,
        state=Job.State.RUNNING, started_at=now, heartbeat_at=now,
    )
    page = job_page(officer_client, running)
    assert SCRIPT in page
    # Without JavaScript it looks again by itself once asked to, and can be stopped again.
    assert "http-equiv" not in page and LOOK_AGAIN in page
    url = reverse("jobs_staff:job", args=[running.pk])
    asked = officer_client.get(url + "?refresh=on").content.decode()
    assert REFRESH in asked and f'href="{url}">Stop it doing so' in asked
    assert f'href="{url}?refresh=on">Check again' in asked
    assert 'data-job-status role="status" data-waiting="true"' in page
    assert "less than a minute ago" in page  # last heard from
    done = job_page(officer_client, finished_job(carers, minutes(2)))
    assert "http-equiv" not in done and SCRIPT not in done and 'data-waiting="false"' in done


def test_a_finished_report_job_links_to_the_report(officer_client, consultation):  # noqa: F811
    job = finished_job(consultation, minutes(1))
    report_url = reverse("reports_staff:report", args=[consultation.pk])
    assert f'href="{report_url}">See the report' in job_page(officer_client, job)
    failed = finished_job(consultation, minutes(1), state=Job.State.FAILED, error_message="It broke.")
    assert "See the report" not in job_page(officer_client, failed)


def test_a_finished_theme_job_links_to_the_questions_themes(make_user, question):  # noqa: F811
    consultation = question.page.questionnaire.consultation
    job = finished_job(
        consultation, minutes(1), kind=Job.Kind.ANALYSIS, subject=theme_tasks.job_subject(question),
        task_path=theme_tasks.suggest_and_apply.module_path,
    )
    client = Client()
    client.force_login(make_user("ana", groups=["Analyst"], is_staff=True))
    url = reverse("analysis_staff:codeframe", args=[consultation.pk, question.code])
    assert f'href="{url}">See the themes' in job_page(client, job)


def test_a_finished_import_links_to_what_was_imported(officer_client, consultation):  # noqa: F811
    job = Job.objects.create(kind=Job.Kind.IMPORT, title="Import a file", task_path="x", consultation=consultation)
    run_job(job.pk, lambda progress: {"batch": 7, "rows_read": 3})
    job.refresh_from_db()
    assert job.result == {"batch": 7, "rows_read": 3}
    url = reverse("surveys_staff:import_done", args=[consultation.pk, 7])
    assert f'href="{url}">See what was imported' in job_page(officer_client, job)


def test_work_returning_something_that_is_not_plain_data_still_succeeds(consultation):  # noqa: F811
    job = Job.objects.create(kind=Job.Kind.IMPORT, title="Import", task_path="x", consultation=consultation)
    run_job(job.pk, lambda progress: object())
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.result is None and job.result_link() is None


class TestTheReportPage:
    def url(self, consultation):  # noqa: F811
        return reverse("reports_staff:report", args=[consultation.pk])

    def test_making_the_report_again_shows_the_job_until_it_is_done(
        self, officer_client, consultation, django_capture_on_commit_callbacks  # noqa: F811
    ):
        generate_report_impl(consultation.pk)
        assert "(up to date)" in officer_client.get(self.url(consultation)).content.decode()
        with django_capture_on_commit_callbacks(execute=False):  # queued, not yet run
            officer_client.post(reverse("reports_staff:regenerate", args=[consultation.pk]))
        job = Job.objects.get(consultation=consultation, kind=Job.Kind.REPORT)
        page = officer_client.get(self.url(consultation)).content.decode()
        assert "The report is being made again" in page and "Waiting to start" in page
        assert "(up to date)" not in page
        assert f'href="{reverse("jobs_staff:job", args=[job.pk])}">Follow job {job.pk}</a>' in page
        assert f'href="{self.url(consultation)}">Check again' in page
        assert SCRIPT in page and LOOK_AGAIN in page and 'data-waiting="true"' in page

        run_job(job.pk, generate_report_impl, consultation.pk)
        page = officer_client.get(self.url(consultation)).content.decode()
        assert "(up to date)" in page and "being made" not in page and "http-equiv" not in page

    def test_a_report_that_could_not_be_made_says_why_until_one_is(self, officer_client, consultation):  # noqa: F811
        generate_report_impl(consultation.pk)
        job = finished_job(
            consultation, minutes(1), state=Job.State.FAILED,
            error_message="Drawing the PDF needs the Pango text library.",
        )
        page = officer_client.get(self.url(consultation)).content.decode()
        assert "The report could not be made" in page and "Drawing the PDF needs the Pango text library." in page
        assert f'href="{reverse("jobs_staff:job", args=[job.pk])}">See job {job.pk}</a>' in page
        assert "http-equiv" not in page
        generate_report_impl(consultation.pk)  # made since: the failure is history
        assert "could not be made" not in officer_client.get(self.url(consultation)).content.decode()


def test_the_themes_page_follows_the_job_suggesting_them(make_user, question):  # noqa: F811
    consultation = question.page.questionnaire.consultation
    job = Job.objects.create(
        kind=Job.Kind.ANALYSIS, title="Suggest themes for why", consultation=consultation,
        task_path=theme_tasks.suggest_and_apply.module_path, subject=theme_tasks.job_subject(question),
        state=Job.State.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now(),
    )
    client = Client()
    client.force_login(make_user("ana", groups=["Analyst"], is_staff=True))
    url = reverse("analysis_staff:codeframe", args=[consultation.pk, question.code])
    page = client.get(url).content.decode()
    assert "In progress" in page and 'data-job-status role="status" data-waiting="true"' in page
    assert f'href="{reverse("jobs_staff:job", args=[job.pk])}">follow the job' in page
    # Nothing to type on the page yet, so without JavaScript it may look again by itself.
    assert LOOK_AGAIN in page and REFRESH in client.get(url + "?refresh=on").content.decode()


def test_the_coding_pages_show_the_learning_their_coding_queued(
    make_user, question, django_capture_on_commit_callbacks  # noqa: F811
):
    from haveyoursay.analysis.themes import workflow as themes

    consultation = question.page.questionnaire.consultation
    frame = themes.suggest_codeframe(question)
    themes.apply_codeframe(frame)
    client = Client()
    client.force_login(make_user("ana", groups=["Analyst"], is_staff=True))
    url = reverse("analysis_staff:code_next", args=[consultation.pk, question.code])
    assert 'id="theme-job"' not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=False):  # queued, not yet run
        job = theme_tasks.start_applying(consultation, frame, None)
    for page in (url, reverse("analysis_staff:theme", args=[consultation.pk, question.code, frame.themes.first().pk])):
        html = client.get(page).content.decode()
        assert "Apply the themes for why" in html and "Waiting to start" in html
        assert f'href="{reverse("jobs_staff:job", args=[job.pk])}">Follow job {job.pk}</a>' in html
        assert "http-equiv" not in html and SCRIPT not in html  # people are coding here: it never reloads
