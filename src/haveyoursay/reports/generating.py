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
from haveyoursay.hub.models import Consultation, Revision
from haveyoursay.jobs.models import Job
from haveyoursay.jobs.running import JobError, ignore_progress, run_job, start_job
from haveyoursay.reports import build
from haveyoursay.reports.models import EngagementReport, Publication
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
    progress(0, 5, "Reading the responses")
    dataset = load_dataset(questionnaire, until=until)
    progress(1, 5, "Counting the answers and comparing groups")
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
    progress(2, 5, "Drawing the PDF of each version")
    pdfs = draw_versions(reports)
    progress(3, 5, "Saving the report")
    for audience, report in reports.items():
        missing = fonts.scripts_without_glyphs(report_texts(report))
        html = render_html(report)
        store(consultation, audience, html, pdfs[audience], analysis.respondents, fingerprint, until, missing)
    # The Word documents come after, so the web page and the PDF can be read meanwhile (the
    # Word documents and their charts' pictures are a tenth of the work), and a server that
    # cannot draw the pictures still has them.
    progress(4, 5, "Making the Word documents")
    try:
        pictures = draw_pictures(reports.values())  # each chart once, for both versions
    except OSError as error:  # what cairocffi raises without the library
        raise JobError(f"{MISSING_CAIRO} ({error})") from None
    for audience, report in reports.items():
        store_word(consultation, audience, render_docx(report, pictures), until)
    progress(5, 5, "Done")


MISSING_CAIRO = (
    "The web page and the PDF of the report were made, but not the Word documents: drawing their "
    "charts needs the Cairo graphics library, which this server does not have (Debian and Ubuntu: "
    "apt-get install libcairo2). Ask the site's administrators."
)


def draw_versions(reports):
    """{audience: PDF bytes} for each version's `Report`.

    Laying out the PDFs is most of a report's work, and the versions don't depend on each
    other: where the system forks processes, the first version is drawn in a child process
    while this one draws the others, so that they use two of the server's cores. The child
    starts as a copy of this process (the print stylesheet and the fonts already loaded), is
    sent its `Report` and sends back the bytes; it never touches the database. Elsewhere they
    are drawn one after the other.
    """
    first, *others = reports
    try:
        prepare_pdf()
        if not others or "fork" not in multiprocessing.get_all_start_methods():
            return {audience: render_pdf(report) for audience, report in reports.items()}
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as child:
            drawn_there = child.submit(draw_pdf, reports[first])
            pdfs = {audience: render_pdf(reports[audience]) for audience in others}
            return {first: drawn_there.result(), **pdfs}
    except MissingLibrary as error:
        raise JobError(str(error)) from None


def draw_pdf(report):
    """`render_pdf`, sent to the child process by this name: it finds `render_pdf` here."""
    return render_pdf(report)


def store(consultation, audience, html, pdf, respondents, fingerprint, generated_at, missing_scripts):
    """Keep a version's web page and PDF, in place of the last report's; its Word document
    follows (`store_word`), and the last one, of other numbers, is deleted meanwhile."""
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
        report.docx = ""
        report.save()
        storage = report.pdf.storage
        transaction.on_commit(lambda: [storage.delete(old) for old in old_names if old])
        published_links_changed(report)


def store_word(consultation, audience, docx, generated_at):
    """Keep a version's Word document, unless the report was made again meanwhile."""
    with transaction.atomic():
        report = (
            EngagementReport.objects.select_for_update()
            .filter(consultation=consultation, audience=audience, generated_at=generated_at).first()
        )
        if report is None:
            return
        old_name = report.docx.name
        report.docx.save(report.file_name("docx"), ContentFile(docx), save=False)
        report.save(update_fields=["docx"])
        storage = report.docx.storage
        transaction.on_commit(lambda: old_name and storage.delete(old_name))
        published_links_changed(report)


def published_links_changed(report):
    """The consultation's public page links to the Word document of its published report only
    while there is one: the cached public pages are made again."""
    published = Publication.objects.filter(consultation_id=report.consultation_id).exists()
    if report.audience == EngagementReport.Audience.PUBLIC and published:
        Revision.bump()  # once the change is committed


@task()
def generate_report(job_id, consultation_id):
    return run_job(job_id, generate_report_impl, consultation_id)


def report_job_under_way(consultation):
    return Job.objects.filter(consultation=consultation, kind=Job.Kind.REPORT).unfinished().first()


def report_job_to_show(consultation, report):
    """The report job the staff page should show: one waiting or under way, or one that failed
    since the report (if any) was made, or while making its Word documents, so that what
    stopped it is seen. None otherwise."""
    latest = Job.objects.filter(consultation=consultation, kind=Job.Kind.REPORT).order_by("-created_at", "-pk").first()
    if latest is None or latest.state == Job.State.SUCCEEDED:
        return None
    if latest.state == Job.State.FAILED and made_by(report, latest) and report.docx:
        return None
    return latest


def made_by(report, job):
    """Whether `report` (a version's row, or None) was kept by `job` or a later one: its web page
    and PDF are then the new ones, whatever became of the Word documents after them."""
    return report is not None and job is not None and report.generated_at > job.created_at


def start_report(consultation, user):
    """Queue the report's generation, unless it is already queued or being made."""
    under_way = report_job_under_way(consultation)
    if under_way is not None and not under_way.is_stalled():
        return under_way
    return start_job(
        Job.Kind.REPORT, consultation, user, generate_report, consultation.pk,
        title=f"Engagement report: {consultation.title}"[:200],
    )
