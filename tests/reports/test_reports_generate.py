"""The engagement report from real responses: its figures, its files, who may see it."""

import hashlib
import io
import zipfile

import docx
import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.jobs.models import Job
from haveyoursay.reports import generating
from haveyoursay.reports.generating import data_fingerprint, generate_report_impl
from haveyoursay.reports.models import EngagementReport, Publication
from haveyoursay.reports.render import fonts
from haveyoursay.reports.render.pdf import MissingLibrary, render_pdf
from haveyoursay.reports.render import word as word_render
from haveyoursay.reports.render.word import render_docx
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import Answer, Questionnaire, Response
from tests.factories import make_consultation, make_partner

pytestmark = pytest.mark.django_db

VISION = ["strongly_agree"] * 7 + ["tend_to_agree"] * 6 + ["neither"] * 3 + ["tend_to_disagree"] * 2 + ["dont_know"] * 2
CARER = ["yes"] * 12 + ["no"] * 6 + ["prefer_not_to_say"] * 2


@pytest.fixture
def consultation(db):
    consultation = make_consultation(
        title="Leicester, Leicestershire and Rutland (LLR) draft Joint Carers Strategy 2022 - 2025",
        slug="carers-strategy", status="closed",
    )
    questionnaire = Questionnaire.objects.create(consultation=consultation, privacy_notice="Stored in line with the Data Protection Act 2018.")
    page = add_page(questionnaire, "The vision")
    add_question(page, "agree", "To what extent do you agree or disagree with the proposed vision?", code="vision")
    add_question(page, "long_text", "Why do you say this?", code="why")
    about = add_page(questionnaire, "About you")
    add_question(about, "single", "Do you look after anyone?", code="carer", options=["Yes", "No", "Prefer not to say"], profile="carer")
    questions = {q.code: q for q in questionnaire.ordered_questions()}
    for index, (vision, carer) in enumerate(zip(VISION, CARER)):
        response = Response.objects.create(
            questionnaire=questionnaire, state=Response.State.SUBMITTED, submitted_at=timezone.now(),
            channel="online" if index % 4 else "paper",
        )
        Answer.objects.create(response=response, question=questions["vision"], value={"choice": vision, "other": ""})
        Answer.objects.create(response=response, question=questions["carer"], value={"choice": carer, "other": ""})
        if index < 5:
            Answer.objects.create(response=response, question=questions["why"], value={"text": f"Carers need breaks {index}"})
    return consultation


def recount():
    """The figures the report must show, counted here in plain Python."""
    base = len(VISION)
    agree = sum(v in ("strongly_agree", "tend_to_agree") for v in VISION)
    return {
        "base": base,
        "strongly_agree": round(100 * VISION.count("strongly_agree") / base),  # 7/20 = 35%
        "agree": round(100 * agree / base),  # 13/20 = 65%
        "dont_know": round(100 * VISION.count("dont_know") / base),  # 10%
        "paper": sum(1 for i in range(base) if i % 4 == 0),  # 5
    }


def test_the_report_in_every_format_shows_the_recounted_figures(consultation):
    generate_report_impl(consultation.pk)
    expected = recount()
    staff = EngagementReport.objects.get(consultation=consultation, audience="staff")
    assert staff.response_count == expected["base"]
    assert staff.data_fingerprint == data_fingerprint(consultation)

    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(staff.pdf.read())).pages)
    document = docx.Document(io.BytesIO(staff.docx.read()))
    word_cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    for text in (staff.html, pdf_text):
        assert f"{expected['strongly_agree']}%" in text and f"{expected['agree']}%" in text
        assert "Base: 20 who answered" in text.replace("\n", " ")
    assert f"{expected['strongly_agree']}%" in word_cells and f"{expected['dont_know']}%" in word_cells
    assert str(expected["paper"]) in word_cells


def test_the_lead_council_is_not_its_own_partner(consultation, settings):
    # The Joint Carers Strategy (seeds/004_...): the county council, with the city and Rutland
    # councils and the three clinical commissioning groups.
    settings.COUNCIL_NAME = "Leicestershire County Council"
    for name in ["Leicestershire County Council", "Leicester City Council", "Rutland County Council"]:
        consultation.partners.add(make_partner(name))
    generate_report_impl(consultation.pk)
    html = EngagementReport.objects.get(consultation=consultation, audience="staff").html
    assert "The consultation was run jointly with Leicester City Council and Rutland County Council." in html
    assert "jointly with Leicestershire County Council" not in html


def test_the_public_version_withholds_small_numbers(consultation, settings):
    settings.SITE_URL = "https://haveyoursay.leics.gov.uk"
    generate_report_impl(consultation.pk)
    public = EngagementReport.objects.get(consultation=consultation, audience="public")
    staff = EngagementReport.objects.get(consultation=consultation, audience="staff")
    # Two said "Tend to disagree": shown to staff, withheld from the public.
    assert "Tend to disagree" in public.html
    assert public.html.count(">2<") < staff.html.count(">2<")
    assert "not shown" in public.html or "withheld" in public.html
    # The staff version links to the comments; the public one never does.
    assert reverse("analysis_staff:comments", args=[consultation.pk, "why"]) in staff.html
    assert "/staff/" not in public.html


def test_a_new_response_makes_the_report_out_of_date(consultation):
    generate_report_impl(consultation.pk)
    before = data_fingerprint(consultation)
    response = Response.objects.create(
        questionnaire=consultation.questionnaire, state=Response.State.SUBMITTED, submitted_at=timezone.now()
    )
    assert data_fingerprint(consultation) != before
    response.delete()
    assert data_fingerprint(consultation) == before


class TestStaffPages:
    def url(self, consultation, name="report", *args):
        return reverse(f"reports_staff:{name}", args=[consultation.pk, *args])

    def test_opening_the_page_makes_the_report_and_shows_it(self, officer_client, consultation, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            first = officer_client.get(self.url(consultation))
        assert first.status_code == 200
        assert Job.objects.get(consultation=consultation, kind="report").state == Job.State.SUCCEEDED
        html = officer_client.get(self.url(consultation)).content.decode()
        assert "from 20 responses (up to date)" in html
        assert html.count("from 20 responses") == 1  # said once, not again by the report itself
        assert "Results, question by question" in html

    def test_the_page_says_which_text_the_pdf_cannot_show(self, officer_client, consultation, settings, tmp_path):
        generate_report_impl(consultation.pk)  # the council's footer: every language has its font
        page = officer_client.get(self.url(consultation)).content.decode()
        assert "govuk-warning-text" not in page
        assert EngagementReport.objects.get(consultation=consultation, audience="staff").scripts_without_glyphs == []

        footer = tmp_path / "formats.txt"
        footer.write_text("For this leaflet in Tibetan, please telephone 0116 305 6803.\n\nབོད་ཡིག 0116 305 6803")
        settings.REPORT_ALTERNATIVE_FORMATS_FILE = str(footer)
        generate_report_impl(consultation.pk)
        page = officer_client.get(self.url(consultation)).content.decode()
        assert "The PDF can&#x27;t show the text in Tibetan" in page
        assert "REPORT_FONT_FILES" in page

    def test_adding_a_font_makes_the_report_again(self, consultation, settings):
        before = data_fingerprint(consultation)
        settings.REPORT_FONT_FILES = ["/usr/share/fonts/truetype/noto/NotoSansTibetan-Regular.ttf"]
        assert data_fingerprint(consultation) != before

    def test_other_fonts_in_the_package_make_the_report_again(self, consultation, monkeypatch, tmp_path):
        before = data_fingerprint(consultation)
        vendored = fonts.FONTS
        for path in vendored.glob("*.[ot]tf"):
            (tmp_path / path.name).symlink_to(path)
        monkeypatch.setattr(fonts, "FONTS", tmp_path)
        assert data_fingerprint(consultation) == before  # the same files, wherever they are installed
        # A newer Noto Sans Thai, with more glyphs.
        thai = tmp_path / "NotoSansThai-Regular.ttf"
        thai.unlink()
        thai.write_bytes((vendored / thai.name).read_bytes() + b"\0" * 4)
        assert data_fingerprint(consultation) != before

    def test_downloads_are_audited(self, officer_client, consultation):
        generate_report_impl(consultation.pk)
        response = officer_client.get(self.url(consultation, "download", "staff", "pdf"))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert AuditEvent.objects.filter(action="report.download").count() == 1
        assert officer_client.get(self.url(consultation, "download", "staff", "exe")).status_code == 404

    def test_only_the_consultation_team_publishes(self, officer_client, viewer_client, consultation):
        generate_report_impl(consultation.pk)
        assert viewer_client.post(self.url(consultation, "publish")).status_code == 403
        assert not Publication.objects.exists()
        fingerprint = data_fingerprint(consultation)
        assert officer_client.post(self.url(consultation, "publish")).status_code == 302
        assert Publication.objects.filter(consultation=consultation).exists()
        assert data_fingerprint(consultation) == fingerprint  # publishing doesn't make it out of date

    def test_a_viewer_reads_an_out_of_date_report_without_queuing_a_new_one(self, viewer_client, consultation):
        generate_report_impl(consultation.pk)
        Response.objects.create(
            questionnaire=consultation.questionnaire, state=Response.State.SUBMITTED, submitted_at=timezone.now()
        )
        page = viewer_client.get(self.url(consultation))
        html = page.content.decode()
        assert page.status_code == 200
        assert "The responses have changed since this report was made, so it is out of date." in html
        assert "Make the report again now" not in html
        assert viewer_client.post(self.url(consultation, "regenerate")).status_code == 403
        assert not Job.objects.filter(kind="report").exists()

    def test_an_analyst_opening_an_out_of_date_report_has_it_made_again(self, make_user, client, consultation,
                                                                       django_capture_on_commit_callbacks):
        generate_report_impl(consultation.pk)
        Response.objects.create(
            questionnaire=consultation.questionnaire, state=Response.State.SUBMITTED, submitted_at=timezone.now()
        )
        client.force_login(make_user("analyst", groups=["Analyst"], is_staff=True))
        with django_capture_on_commit_callbacks(execute=True):
            html = client.get(self.url(consultation)).content.decode()
        assert "so a new one is being made" in html and "Make the report again now" in html
        assert Job.objects.get(kind="report").state == Job.State.SUCCEEDED
        assert "from 21 responses (up to date)" in client.get(self.url(consultation)).content.decode()

    def test_outsiders_and_strangers_are_kept_out(self, outsider_client, client, consultation):
        generate_report_impl(consultation.pk)
        assert outsider_client.get(self.url(consultation)).status_code == 403
        assert outsider_client.get(self.url(consultation, "download", "staff", "pdf")).status_code == 403
        assert client.get(self.url(consultation)).status_code == 302  # to sign in


class TestPublicPages:
    def test_the_report_is_public_only_once_published(self, client, officer_client, consultation):
        generate_report_impl(consultation.pk)
        url = reverse("reports:report", args=[consultation.slug])
        assert client.get(url).status_code == 404
        assert client.get(reverse("reports:download", args=[consultation.slug, "pdf"])).status_code == 404
        officer_client.post(reverse("reports_staff:publish", args=[consultation.pk]))
        page = client.get(url)
        assert page.status_code == 200 and "Engagement report" in page.content.decode()
        text = page.content.decode()
        assert text.count("from 20 responses") == 1 and "Generated on" not in text  # when it was made, once
        assert "Read the engagement report" in client.get(consultation.get_absolute_url()).content.decode()
        download = client.get(reverse("reports:download", args=[consultation.slug, "docx"]))
        assert download.status_code == 200 and "attachment" in download["Content-Disposition"]


def test_a_server_without_pango_gets_a_job_failure_that_says_what_to_install(consultation, monkeypatch):
    # A machine without the library can't be made here; what WeasyPrint raises there can.
    from haveyoursay.jobs.running import JobError
    from haveyoursay.reports.render import pdf

    def no_pango():
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "print_setup", no_pango)
    with pytest.raises(JobError, match="apt-get install libpango-1.0-0"):
        generate_report_impl(consultation.pk)


def word_parts(document):
    """Everything in a .docx file but the times its zip entries were written."""
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def drawn_versions(consultation, monkeypatch):
    """The report made as the job makes it: each version's `Report` and the PDF drawn of it."""
    drawn = {}

    def recording(reports):
        drawn.update(reports=reports, files=draw_versions(reports))
        return drawn["files"]

    draw_versions = generating.draw_versions
    monkeypatch.setattr(generating, "draw_versions", recording)
    generate_report_impl(consultation.pk)
    return drawn["reports"], drawn["files"]


def test_the_versions_drawn_side_by_side_are_the_files_each_makes_alone(consultation, monkeypatch):
    reports, pdfs = drawn_versions(consultation, monkeypatch)
    assert set(pdfs) == {"staff", "public"}
    for audience, report in reports.items():
        kept = EngagementReport.objects.get(consultation=consultation, audience=audience)
        assert pdfs[audience] == render_pdf(report) == kept.pdf.read()
        assert word_parts(kept.docx.read()) == word_parts(render_docx(report))


@pytest.mark.django_db(transaction=True)  # each step committed as the job commits it, and the public pages' cache told
def test_the_web_page_and_the_pdf_are_kept_before_the_word_documents_are_made(consultation, client, officer_client, monkeypatch):
    generate_report_impl(consultation.pk)
    officer_client.post(reverse("reports_staff:publish", args=[consultation.pk]))
    Response.objects.create(questionnaire=consultation.questionnaire, state=Response.State.SUBMITTED, submitted_at=timezone.now())
    word_link = reverse("reports:download", args=[consultation.slug, "docx"])
    assert word_link in client.get(consultation.get_absolute_url()).content.decode()
    seen = {}

    def meanwhile(reports):
        # What a reader finds while the job draws the Word documents' pictures.
        kept = {report.audience: report for report in EngagementReport.objects.filter(consultation=consultation)}
        seen["kept"] = {audience: (report.response_count, bool(report.html), bool(report.pdf), bool(report.docx))
                        for audience, report in kept.items()}
        seen["hub"] = client.get(consultation.get_absolute_url()).content.decode()
        seen["report"] = client.get(reverse("reports:report", args=[consultation.slug])).content.decode()
        seen["word"] = client.get(word_link)
        seen["staff"] = officer_client.get(reverse("reports_staff:report", args=[consultation.pk])).content.decode()
        return draw_pictures(reports)

    draw_pictures = generating.draw_pictures
    monkeypatch.setattr(generating, "draw_pictures", meanwhile)
    generate_report_impl(consultation.pk)

    # The new web page and PDF, of 21 responses; the Word documents of 20 were deleted.
    assert seen["kept"] == {"staff": (21, True, True, False), "public": (21, True, True, False)}
    assert "from 21 responses" in seen["report"] and "Word document" not in seen["report"]
    assert word_link not in seen["hub"] and "Engagement report (PDF)" in seen["hub"]
    assert seen["word"].status_code == 404 and "The Word document is not ready yet" in seen["word"].content.decode()
    assert "Word: not made" in seen["staff"]  # no job here: made by calling the job's work directly
    # Then the Word documents, of the same 21 responses, and their links.
    for report in EngagementReport.objects.filter(consultation=consultation):
        assert "21 responses" in "\n".join(p.text for p in docx.Document(io.BytesIO(report.docx.read())).paragraphs)
    assert word_link in client.get(consultation.get_absolute_url()).content.decode()
    assert word_link in client.get(reverse("reports:report", args=[consultation.slug])).content.decode()
    assert client.get(word_link).status_code == 200


def test_a_server_without_cairo_keeps_the_web_page_and_pdf_and_says_what_to_install(
    consultation, officer_client, monkeypatch, django_capture_on_commit_callbacks
):
    def no_cairo(reports):
        raise OSError("no library called \"cairo-2\" was found")  # what cairocffi raises

    monkeypatch.setattr(generating, "draw_pictures", no_cairo)
    page_url = reverse("reports_staff:report", args=[consultation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.get(page_url)  # opening the page makes the report
    assert Job.objects.get(kind="report").state == Job.State.FAILED
    staff = EngagementReport.objects.get(consultation=consultation, audience="staff")
    assert staff.pdf.read().startswith(b"%PDF") and "Results, question by question" in staff.html and not staff.docx
    page = officer_client.get(page_url).content.decode()
    assert "The Word documents could not be made" in page
    assert "apt-get install libcairo2" in page
    assert "Word: not made (make the report again)" in page
    assert officer_client.get(reverse("reports_staff:download", args=[consultation.pk, "staff", "pdf"])).status_code == 200
    word = officer_client.get(reverse("reports_staff:download", args=[consultation.pk, "staff", "docx"]))
    assert word.status_code == 404 and "download the PDF, which is ready now" in word.content.decode()
    assert [event.detail["format"] for event in AuditEvent.objects.filter(action="report.download")] == ["pdf"]


def test_charts_drawn_for_one_version_are_reused_for_the_other_unchanged(consultation, monkeypatch):
    reports, _ = drawn_versions(consultation, monkeypatch)
    pictures = {}
    staff, public = render_docx(reports["staff"], pictures), render_docx(reports["public"], pictures)
    assert pictures
    assert word_parts(staff) == word_parts(render_docx(reports["staff"]))
    assert word_parts(public) == word_parts(render_docx(reports["public"]))


def test_each_chart_is_drawn_once_for_both_versions_whichever_process_draws_them(consultation, monkeypatch, tmp_path):
    # Noted in a file, so that the process drawing the other version counts too.
    noted = tmp_path / "drawn"
    draw_picture = word_render.draw_picture

    def noting(svg):
        with noted.open("a") as out:
            out.write(hashlib.sha256(svg.encode()).hexdigest() + "\n")
        return draw_picture(svg)

    monkeypatch.setattr(word_render, "draw_picture", noting)
    reports, _ = drawn_versions(consultation, monkeypatch)
    charts = {svg for report in reports.values() for svg in word_render.chart_svgs(report)}
    assert charts
    drawn = noted.read_text().split()
    assert len(drawn) == len(set(drawn)) == len(charts)


def test_a_failure_in_the_process_drawing_a_version_reaches_staff(consultation, monkeypatch):
    def pdf_without_pango(report):
        if not report.public:  # the staff version is the one drawn in another process
            raise MissingLibrary("Drawing the PDF needs the Pango text library.")
        return render_pdf(report)

    monkeypatch.setattr(generating, "render_pdf", pdf_without_pango)
    from haveyoursay.jobs.running import JobError

    with pytest.raises(JobError, match="needs the Pango text library"):
        generate_report_impl(consultation.pk)
    assert not EngagementReport.objects.filter(consultation=consultation).exists()


def table_row(html, label):
    """The cells of the report's table row that starts with `label`, as a reader sees them."""
    import re

    # Each figure's column name, shown before it on a phone, is hidden from screen readers: left out here.
    html = re.sub(r'<span class="hys-stacked-table__label" aria-hidden="true">.*?</span>', "", html)
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]
        if cells and cells[0] == label:
            return cells
    raise AssertionError(f"no table row for {label!r}")


def test_themes_and_stance_reach_both_versions_the_public_one_without_small_numbers(consultation, make_user):
    from haveyoursay.analysis.models import Codeframe
    from haveyoursay.analysis.themes import workflow as themes

    analyst = make_user("analyst", groups=["Analyst"], is_staff=True)
    question = consultation.questionnaire.ordered_questions().get(code="why")
    codeframe = Codeframe.objects.create(question=question)
    themes.ask_for_stance(codeframe, analyst)
    breaks = themes.add_theme(codeframe, analyst, "Breaks for carers")
    weekends = themes.add_theme(codeframe, analyst, "Respite at weekends")
    answers = list(themes.comment_answers(question).order_by("pk").values_list("pk", flat=True))
    assert len(answers) == 5
    themes.code_answers(
        codeframe, analyst,
        {pk: [breaks.pk, weekends.pk] if n < 2 else [breaks.pk] for n, pk in enumerate(answers)},
        {pk: "oppose" if n < 2 else "support" for n, pk in enumerate(answers)},
    )

    generate_report_impl(consultation.pk)
    staff = EngagementReport.objects.get(consultation=consultation, audience="staff").html
    public = EngagementReport.objects.get(consultation=consultation, audience="public").html

    assert table_row(staff, "Breaks for carers")[1:] == ["5", "100%"]
    assert table_row(staff, "Respite at weekends")[1:] == ["2", "40%"]
    assert table_row(staff, "Support")[1:] == ["3", "60%"] and table_row(staff, "Oppose")[1:] == ["2", "40%"]
    # Five is not below the threshold of 5; two and three are, and so are withheld with their percentages.
    assert table_row(public, "Breaks for carers")[1:] == ["5", "100%"]
    assert table_row(public, "Respite at weekends")[1:] == ["*", "*"]
    assert table_row(public, "Support")[1:] == ["*", "*"] and table_row(public, "Oppose")[1:] == ["*", "*"]
    assert "Stance in the answers to" in public and "numbers below 5 are not shown" in public
