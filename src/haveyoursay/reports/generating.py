"""Generating a consultation's engagement report, in the background, in every format.

`generate_report_impl` is the work (callable from a test or the command line);
`generate_report` is the task that runs it as a job staff can follow. The report is made
again whenever `data_fingerprint` changes: a response sent or keyed in, an event note, a
stakeholder, the questionnaire's structure, the consultation's own details, a population
table, or the themes of the comments (`analysis/themes/report.py`).
"""

import hashlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django_tasks import task

from haveyoursay.analysis.dataset import load_dataset
from haveyoursay.analysis.models import PopulationTable
from haveyoursay.analysis.suppression import suppress
from haveyoursay.analysis.tables import analyse, load_populations, stakeholder_summary
from haveyoursay.analysis.themes import report as themes_report
from haveyoursay.hub.models import Consultation
from haveyoursay.jobs.models import Job
from haveyoursay.jobs.running import JobError, ignore_progress, run_job, start_job
from haveyoursay.reports import build
from haveyoursay.reports.models import EngagementReport
from haveyoursay.reports.render import fonts
from haveyoursay.reports.render.content import report_texts
from haveyoursay.reports.render.html import render_html
from haveyoursay.reports.render.pdf import MissingLibrary, render_pdf
from haveyoursay.reports.render.pdf import prepare as prepare_pdf
from haveyoursay.reports.render.word import draw_pictures, render_docx
from haveyoursay.surveys.models import ImportBatch, Questionnaire, Response

# Changing what a report contains changes this, so every report is made again.
REPORT_VERSION = "3"


def data_fingerprint(consultation):
    """A short hash of everything a report is made from; equal hashes, equal reports."""
    sent = Response.objects.submitted().filter(questionnaire__consultation=consultation)
    parts = [
        REPORT_VERSION,
        # Read afresh: the caller's copy of the consultation may be older than the database's.
        list(Consultation.private_objects.filter(pk=consultation.pk).values_list("updated_at")),
        list(Questionnaire.objects.filter(consultation=consultation).values_list("structure_token")),
        # What is counted, and what its answers say: read from the index of sent responses, not
        # from the answers (thirty million rows for a million respondents). Sending a response
        # sets its `updated_at`, and so do correcting its answers, marking it as a duplicate or
        # withdrawn (or unmarking it) and erasing it; deleting one changes the count; an import
        # counts once complete, and no longer once undone.
        sent.aggregate(n=Count("*"), last=Max("updated_at")),
        list(ImportBatch.objects.filter(questionnaire__consultation=consultation).order_by("pk")
             .values_list("pk", "state", "undone_at")),
        consultation.event_notes.aggregate(n=Count("pk"), last=Max("pk"), people=Sum("attendees")),
        sorted(consultation.stakeholders.values_list("name", "responded_other_way_on")),
        PopulationTable.objects.aggregate(n=Count("groups"), last=Max("loaded_at")),
        settings.REPORT_DISCLOSURE_THRESHOLD,
        fonts.vendored_fonts(),  # which scripts print, and how
        settings.REPORT_FONT_FILES,  # a font added for a script the PDF couldn't show
        settings.SITE_URL,  # the links in the staff version
    ]
    parts.append(themes_report.fingerprint(consultation))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def generate_report_impl(consultation_id, *, progress=ignore_progress):
    consultation = Consultation.private_objects.filter(pk=consultation_id).first()
    if consultation is None:
        raise JobError("The consultation was deleted before its report could be made.")
    questionnaire = getattr(consultation, "questionnaire", None)
    if questionnaire is None:
        raise JobError("This consultation has no questionnaire, so there are no responses to report on.")
    # Read first: anything that changes while the report is made leaves it out of date.
    fingerprint = data_fingerprint(consultation)
    until = timezone.now()
    progress(0, 8, "Reading the responses")
    dataset = load_dataset(questionnaire, until=until)
    progress(1, 8, "Counting the answers and comparing groups")
    analysis = analyse(
        dataset, breakdowns=build.breakdowns_for(dataset), populations=load_populations(),
        stakeholders=stakeholder_summary(questionnaire, until=until),
    )
    versions = {
        EngagementReport.Audience.STAFF: analysis,
        EngagementReport.Audience.PUBLIC: suppress(analysis, settings.REPORT_DISCLOSURE_THRESHOLD),
    }
    event_notes = list(consultation.event_notes.all())
    synthetic = build.synthetic_count(questionnaire)
    reports = {}
    for audience, version in versions.items():
        public = audience == EngagementReport.Audience.PUBLIC
        themes = themes_report.blocks(consultation, public=public)
        reports[audience] = build.build_report(
            consultation, version, public=public, event_notes=event_notes, synthetic=synthetic,
            themes=themes, generated_at=until,
        )
    progress(2, 4, "Drawing the PDF and the Word document of each version")
    files = draw_versions(reports)
    progress(3, 4, "Saving the report")
    for audience, report in reports.items():
        html = render_html(report)
        pdf, docx = files[audience]
        missing = fonts.scripts_without_glyphs(report_texts(report))
        store(consultation, audience, html, pdf, docx, analysis.respondents, fingerprint, until, missing)
    progress(4, 4, "Done")


def draw_versions(reports):
    """{audience: (PDF bytes, Word bytes)} for each version's `Report`.

    Laying out the PDFs and drawing the charts is most of a report's work, and the versions
    don't depend on each other: where the system forks processes, the first version is drawn
    in a child process while this one draws the others, so that they use two of the server's
    cores. The child starts as a copy of this process (the print stylesheet and the fonts
    already loaded), is sent its `Report` and sends back the bytes; it never touches the
    database. Elsewhere they are drawn one after the other. The charts' pictures for Word are
    drawn first, once for both.
    """
    first, *others = reports
    try:
        prepare_pdf()
        # The charts' pictures for Word, each drawn once for both versions.
        pictures = draw_pictures(reports.values())
        if not others or "fork" not in multiprocessing.get_all_start_methods():
            return {audience: draw_files(report, pictures) for audience, report in reports.items()}
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as child:
            drawn_there = child.submit(draw_files, reports[first], pictures)
            files = {audience: draw_files(reports[audience], pictures) for audience in others}
            return {first: drawn_there.result(), **files}
    except MissingLibrary as error:
        raise JobError(str(error)) from None


def draw_files(report, pictures=None):
    """The report's PDF and Word document, as bytes."""
    return render_pdf(report), render_docx(report, pictures)


def store(consultation, audience, html, pdf, docx, respondents, fingerprint, generated_at, missing_scripts):
    with transaction.atomic():
        report = EngagementReport.objects.select_for_update().filter(consultation=consultation, audience=audience).first()
        old_names = [report.pdf.name, report.docx.name] if report else []
        if report is None:
            report = EngagementReport(consultation=consultation, audience=audience)
        report.html = html
        report.response_count = respondents
        report.data_fingerprint = fingerprint
        report.generated_at = generated_at
        report.scripts_without_glyphs = list(missing_scripts)
        report.pdf.save(report.file_name("pdf"), ContentFile(pdf), save=False)
        report.docx.save(report.file_name("docx"), ContentFile(docx), save=False)
        report.save()
        storage = report.pdf.storage
        transaction.on_commit(lambda: [storage.delete(old) for old in old_names if old])


@task()
def generate_report(job_id, consultation_id):
    return run_job(job_id, generate_report_impl, consultation_id)


def report_job_under_way(consultation):
    return Job.objects.filter(consultation=consultation, kind=Job.Kind.REPORT).unfinished().first()


def report_job_to_show(consultation, report):
    """The report job the staff page should show: one waiting or under way, or one that failed
    since the report (if any) was made, so that what stopped it is seen. None otherwise."""
    latest = Job.objects.filter(consultation=consultation, kind=Job.Kind.REPORT).order_by("-created_at", "-pk").first()
    if latest is None or latest.state == Job.State.SUCCEEDED:
        return None
    if latest.state == Job.State.FAILED and report is not None and latest.created_at < report.generated_at:
        return None
    return latest


def start_report(consultation, user):
    """Queue the report's generation, unless it is already queued or being made."""
    under_way = report_job_under_way(consultation)
    if under_way is not None and not under_way.is_stalled():
        return under_way
    return start_job(
        Job.Kind.REPORT, consultation, user, generate_report, consultation.pk,
        title=f"Engagement report: {consultation.title}"[:200],
    )
