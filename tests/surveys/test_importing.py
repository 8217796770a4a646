"""Importing responses exported by other survey tools: reading CSV, Excel and SPSS files,
mapping their columns, the dry run, the all-or-nothing import, the staff pages and the command.

Every file is written by the test itself, with the library a real tool's export would be read by.
"""

import csv
import datetime
import io
import json
import os
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.hub.templatetags.hys import clock, uk_date
from haveyoursay.jobs.models import Job
from haveyoursay.surveys import importing
from haveyoursay.surveys.building import add_page, add_question
from haveyoursay.surveys.models import Answer, ImportBatch, Response

pytestmark = pytest.mark.django_db

VISION_TEXT = "To what extent do you agree or disagree with the proposed vision?"
AGREE = "Strongly agree, Tend to agree, Neither agree nor disagree, Tend to disagree, Strongly disagree, Don't know"


@pytest.fixture
def survey(questionnaire):
    """The Carers Strategy questionnaire with one question of each remaining kind added."""
    consultation = questionnaire.consultation
    consultation.opens_on = datetime.date(2022, 6, 6)  # as the Carers Strategy consultation did
    consultation.save(update_fields=["opens_on"])
    page = add_page(questionnaire, "More about you")
    add_question(page, "single", "Have you heard of the carers' hub?", code="heard", options=["Yes", "No"])
    add_question(page, "number", "How many people do you care for?", code="cared_for", settings={"min": 0, "max": 20})
    add_question(page, "date", "When did you last use a carers' service?", code="last_used")
    add_question(page, "postcode", "What is your postcode?", code="postcode")
    add_question(page, "ranking", "Rank these ways of hearing from us", code="ways", options=["Email", "Phone", "Letter"])
    return questionnaire


def write_csv(path, rows, *, encoding="utf-8", delimiter=","):
    with open(path, "w", encoding=encoding, newline="") as out:
        csv.writer(out, delimiter=delimiter).writerows(rows)
    return path


def run_import(questionnaire, path, user=None, chosen=None, sheet=None):
    table = importing.open_table(path, sheet=sheet)
    targets = importing.targets_for(questionnaire)
    mapping = importing.Mapping(table.columns, targets, chosen or importing.propose_mapping(table.columns, targets))
    return importing.import_rows(questionnaire, table, mapping, user=user)


def dry_run(questionnaire, path):
    table = importing.open_table(path)
    targets = importing.targets_for(questionnaire)
    mapping = importing.Mapping(table.columns, targets, importing.propose_mapping(table.columns, targets))
    return importing.check_rows(questionnaire, table, mapping)


def answers_of(response):
    return {a.question.code: a.value for a in response.answers.select_related("question")}


GOOD_HEADER = [
    "ID", "Date", VISION_TEXT, "why_vision", "priorities_identification", "priorities_valued",
    "How do you find out about support for carers?", "heard", "cared_for", "last_used", "postcode", "ways", "Organisation",
]
GOOD_ROWS = [
    ["R1", "01/07/2022 14:30", "Tend to agree", "Carers need recognising.", "Very important", "fairly_important",
     "GP surgery; Friends and family", "Yes", "2", "31/05/2022", "le11 3ab", "1. Phone; 2. Email", ""],
    ["R2", "2022-07-02", "strongly disagree", "", "", "Not very important",
     "Council website; Word of mouth", "no", "0", "2022-06-01", "LE3 8RA", "Letter", "Carers Trust"],
]


class TestAGoodFile:
    def test_every_row_is_imported_with_the_right_values(self, survey, officer, tmp_path):
        path = write_csv(tmp_path / "good.csv", [GOOD_HEADER, *GOOD_ROWS])
        batch, check = run_import(survey, path, user=officer)
        assert check.ok and check.rows_read == 2 and check.to_import == 2 and check.duplicates == 0
        assert batch.row_count == 2 and batch.imported_by == officer and batch.file_name == "good.csv"
        first, second = Response.objects.filter(import_batch=batch).order_by("import_key")
        assert first.channel == Response.Channel.IMPORT and first.is_submitted and first.import_key == "R1"
        assert first.entered_by == officer
        assert first.received_on == datetime.date(2022, 7, 1)
        assert first.submitted_at == datetime.datetime(2022, 7, 1, 13, 30, tzinfo=datetime.UTC)  # BST
        assert answers_of(first) == {
            "vision": {"choice": "tend_to_agree", "other": ""},
            "why_vision": {"text": "Carers need recognising."},
            "priorities": {"rows": {"identification": "very_important", "valued": "fairly_important"}},
            "find_out": {"choices": ["gp_surgery", "friends_and_family"], "other": ""},
            "heard": {"choice": "yes", "other": ""},
            "cared_for": {"number": 2},
            "last_used": {"date": "2022-05-31"},
            "postcode": {"postcode": "LE11 3AB"},
            "ways": {"ranking": ["phone", "email"]},
        }
        assert second.received_on == datetime.date(2022, 7, 2)
        assert second.respondent_kind == "organisation" and second.organisation_name == "Carers Trust"
        assert answers_of(second)["find_out"] == {"choices": ["council_website", "other"], "other": "Word of mouth"}
        assert answers_of(second)["cared_for"] == {"number": 0}
        assert answers_of(second)["ways"] == {"ranking": ["letter"]}

    def test_the_columns_are_matched_by_export_name_or_question_text(self, survey, tmp_path):
        path = write_csv(tmp_path / "good.csv", [GOOD_HEADER, *GOOD_ROWS])
        table = importing.open_table(path)
        proposal = importing.propose_mapping(table.columns, importing.targets_for(survey))
        assert [proposal.get(c.index, "") for c in table.columns] == [
            "@respondent_id", "@date", "vision", "why_vision", "priorities[identification]", "priorities[valued]",
            "find_out", "heard", "cared_for", "last_used", "postcode", "ways", "@organisation_name",
        ]

    def test_multiple_choice_as_one_zero_or_one_column_per_option(self, survey, tmp_path):
        path = write_csv(tmp_path / "ticks.csv", [
            ["vision", "find_out_gp_surgery", "find_out_council_website", "find_out_other", "find_out_other_text"],
            ["Tend to agree", "1", "0", "1", "A leaflet"],
            ["Tend to agree", "yes", "", "", ""],
            ["Tend to agree", "0", "0", "0", ""],
        ])
        batch, check = run_import(survey, path)
        assert check.ok and check.to_import == 3
        values = [answers_of(r).get("find_out") for r in batch.responses.order_by("pk")]
        assert values == [{"choices": ["gp_surgery", "other"], "other": "A leaflet"}, {"choices": ["gp_surgery"], "other": ""}, None]

    def test_a_ranking_as_one_rank_column_per_option(self, survey, tmp_path):
        path = write_csv(tmp_path / "ranks.csv", [
            ["vision", "ways_email", "ways_phone", "ways_letter"],
            ["Tend to agree", "2", "1", ""],
            ["Tend to agree", "1", "1", "3"],
        ])
        check = dry_run(survey, path)
        assert [str(p) for p in check.errors] == [
            "Row 3, column ways_email: ‘Rank these ways of hearing from us’: "
            "the ranks must run from 1 to 3 without gaps or repeats, but they are 1, 1, 3"
        ]
        path = write_csv(tmp_path / "ranks.csv", [["vision", "ways_email", "ways_phone", "ways_letter"], ["Tend to agree", "2", "1", ""]])
        batch, _ = run_import(survey, path)
        assert answers_of(batch.responses.get())["ways"] == {"ranking": ["phone", "email"]}


class TestBadRows:
    def test_every_problem_is_listed_by_row_and_column_and_nothing_is_imported(self, survey, tmp_path):
        rows = [GOOD_HEADER, GOOD_ROWS[0]] + [list(GOOD_ROWS[0]) for _ in range(4)]
        rows[2][0], rows[2][2] = "R2", "Quite keen"
        rows[3][0], rows[3][8], rows[3][10] = "R3", "lots", "nowhere"
        rows[4][0], rows[4][1], rows[4][4], rows[4][9] = "R4", "the 32nd", "Vital", "31/02/2022"
        rows[5][0], rows[5][11] = "R1", "1. Phone; 2. Phone"
        path = write_csv(tmp_path / "bad.csv", rows)
        check = dry_run(survey, path)
        assert [str(p) for p in check.errors] == [
            f"Row 3, column {VISION_TEXT}: ‘{VISION_TEXT}’: “Quite keen” is not one of: {AGREE}. "
            "Change it to one of these answers",
            "Row 4, column cared_for: “How many people do you care for?” must be a number, like 3 or 2.5",
            "Row 4, column postcode: ‘What is your postcode?’: “nowhere” is not a UK postcode. "
            "Correct it, or leave it empty",
            "Row 5, column priorities_identification: ‘How important are these priorities to you?’, "
            "“Carer identification”: “Vital” is not one of: Very important, Fairly important, Not very important, "
            "Not at all important, Don't know. Change it to one of these answers on its scale",
            "Row 5, column last_used: “31/02/2022” is not a date (use 31/07/2022 or 2022-07-31)",
            "Row 5, column Date: “the 32nd” is not a date (use 31/07/2022 or 2022-07-31, with a time if known)",
            "Row 6, column ways: ‘Rank these ways of hearing from us’: “Phone” is ranked twice. Rank each answer once",
            "Row 6, column ID: the respondent ID “R1” is also on row 2: each row needs its own",
        ]
        with pytest.raises(importing.ImportRefused) as refused:
            run_import(survey, path)
        assert len(refused.value.check.errors) == 8
        assert not Response.objects.exists() and not ImportBatch.objects.exists()

    def test_a_bad_zero_or_one_and_an_exclusive_answer_with_others_are_problems(self, survey, tmp_path):
        page = survey.pages.get(title="More about you")
        add_question(page, "multiple", "Which services have you used?", code="used",
                     options=["Respite", "Advice", "None of these"], exclusive=["None of these"])
        path = write_csv(tmp_path / "bad.csv", [
            ["vision", "used_respite", "used_advice", "used_none_of_these"],
            ["Tend to agree", "maybe", "0", "0"],
            ["Tend to agree", "1", "0", "1"],
        ])
        assert [str(p) for p in dry_run(survey, path).errors] == [
            "Row 2, column used_respite: ‘Which services have you used?’: “maybe” is not 0 or 1 (for “Respite”). "
            "Use 1 for chosen, 0 or nothing for not chosen",
            "Row 3, column used_none_of_these: ‘Which services have you used?’: “None of these” can't be chosen with "
            "other answers. Keep it or the others",
        ]

    def test_a_required_question_left_empty_is_a_warning_not_an_error(self, survey, tmp_path):
        path = write_csv(tmp_path / "paper.csv", [["vision", "why_vision"], ["", "Typed up from a paper form."]])
        check = dry_run(survey, path)
        assert check.ok and check.to_import == 1
        assert [str(p) for p in check.warnings] == [
            "Row 2: no answer to the required question ‘To what extent do you agree or disagree with the…’ "
            "(imported all the same)"
        ]

    def test_an_unmapped_required_question_is_one_warning_for_the_file(self, survey, tmp_path):
        path = write_csv(tmp_path / "part.csv", [["why_vision"], ["Some words."]])
        check = dry_run(survey, path)
        assert check.ok
        assert [str(p) for p in check.warnings] == [
            f"No column is matched to the required question ‘{VISION_TEXT}’: "
            "no row will have an answer to it. If the file has a column for it, match it to the question."
        ]

    def test_rows_with_no_answers_are_skipped_and_said_so(self, survey, tmp_path):
        path = write_csv(tmp_path / "blank.csv", [["ID", "vision"], ["R1", "Tend to agree"], ["", ""], ["R3", ""]])
        check = dry_run(survey, path)
        assert check.rows_read == 2 and check.to_import == 1 and check.empty == 1
        assert "Row 4: no answers in the mapped columns, will be skipped" in [str(p) for p in check.warnings]


class TestImportingTwice:
    def test_the_same_file_is_refused_naming_when_and_by_whom(self, survey, officer, tmp_path):
        path = write_csv(tmp_path / "good.csv", [GOOD_HEADER, *GOOD_ROWS])
        run_import(survey, path, user=officer)
        with pytest.raises(importing.AlreadyImported) as refused:
            run_import(survey, path, user=officer)
        message = str(refused.value)
        assert message.startswith("This file was already imported on ") and "by Olu Officer (2 responses" in message
        # The time as every page writes it ("2:35pm"), not Django's "2:35 p.m.".
        batch = ImportBatch.objects.get()
        assert f" at {clock(batch.imported_at)} by " in message and "m." not in message
        assert Response.objects.count() == 2 and ImportBatch.objects.count() == 1

    def test_rows_already_imported_from_another_file_are_skipped_and_counted(self, survey, tmp_path):
        run_import(survey, write_csv(tmp_path / "june.csv", [GOOD_HEADER, *GOOD_ROWS]))
        newer = list(GOOD_ROWS[1])
        newer[0] = "R3"
        path = write_csv(tmp_path / "july.csv", [GOOD_HEADER, *GOOD_ROWS, newer])
        check = dry_run(survey, path)
        assert (check.rows_read, check.to_import, check.duplicates) == (3, 1, 2)
        assert [str(p) for p in check.skipped] == [
            "Row 2, column ID: “R1” already imported, will be skipped",
            "Row 3, column ID: “R2” already imported, will be skipped",
        ]
        batch, check = run_import(survey, path)
        assert batch.row_count == 1 and check.duplicates == 2
        assert sorted(Response.objects.values_list("import_key", flat=True)) == ["R1", "R2", "R3"]

    def test_without_an_id_column_rows_are_recognised_by_their_content(self, survey, tmp_path):
        rows = [["vision", "why_vision"], ["Tend to agree", "Same words"], ["Tend to agree", "Same words"], ["Strongly agree", ""]]
        batch, _ = run_import(survey, write_csv(tmp_path / "one.csv", rows))
        assert batch.row_count == 3  # two identical paper forms are still two responses
        batch, check = run_import(survey, write_csv(tmp_path / "two.csv", rows + [["Neither agree nor disagree", ""]]))
        assert batch.row_count == 1 and check.duplicates == 3
        assert Response.objects.count() == 4


class TestFileFormats:
    def test_windows_1252_csv_with_semicolons(self, survey, tmp_path):
        path = write_csv(
            tmp_path / "excel.csv",
            [["Respondent ID", "vision", "why_vision"], ["7", "Tend to agree", "The café’s “drop-in” helps – a lot"]],
            encoding="cp1252", delimiter=";",
        )
        table = importing.open_table(path)
        assert table.encoding == "cp1252" and table.delimiter == ";"
        batch, _ = run_import(survey, path)
        response = batch.responses.get()
        assert response.import_key == "7"
        assert answers_of(response)["why_vision"] == {"text": "The café’s “drop-in” helps – a lot"}

    def test_utf8_with_a_byte_order_mark_and_tabs(self, survey, tmp_path):
        path = write_csv(tmp_path / "bom.tsv", [["vision", "why_vision"], ["Tend to agree", "Naïve, but kind"]],
                         encoding="utf-8-sig", delimiter="\t")
        table = importing.open_table(path)
        assert [c.name for c in table.columns] == ["vision", "why_vision"] and table.delimiter == "\t"
        assert list(table.rows()) == [(2, ["Tend to agree", "Naïve, but kind"])]

    def test_a_real_excel_workbook(self, survey, tmp_path):
        import openpyxl

        workbook = openpyxl.Workbook()
        workbook.active.title = "Notes"
        workbook.active.append(["Exported from SurveyTool"])
        sheet = workbook.create_sheet("Responses")
        sheet.append(["ID", "Submitted", "vision", "cared_for", "last_used", "priorities_young_carers", "find_out_gp_surgery"])
        sheet.append([101, datetime.datetime(2022, 7, 3, 9, 15), "Tend to agree", 3, datetime.datetime(2022, 6, 1), "Very important", 1])
        sheet.append([102, datetime.datetime(2022, 7, 4), "Strongly agree", 2.5, None, None, 0])
        path = tmp_path / "responses.xlsx"
        workbook.save(path)

        with pytest.raises(importing.SheetNotFound, match="“Answers”. Its sheets are “Notes”, “Responses”"):
            importing.open_table(path, sheet="Answers")
        batch, check = run_import(survey, path, sheet="Responses")
        assert check.to_import == 2 and batch.mapping["sheet"] == "Responses"
        first, second = batch.responses.order_by("import_key")
        assert first.import_key == "101" and first.received_on is None
        assert first.submitted_at == datetime.datetime(2022, 7, 3, 8, 15, tzinfo=datetime.UTC)  # 9:15 in BST
        assert answers_of(first) == {
            "vision": {"choice": "tend_to_agree", "other": ""},
            "cared_for": {"number": 3},
            "last_used": {"date": "2022-06-01"},
            "priorities": {"rows": {"young_carers": "very_important"}},
            "find_out": {"choices": ["gp_surgery"], "other": ""},
        }
        assert answers_of(second) == {"vision": {"choice": "strongly_agree", "other": ""}, "cared_for": {"number": 2.5}}

    def test_a_real_spss_file_with_value_labels(self, survey, tmp_path):
        import pandas as pd
        import pyreadstat

        frame = pd.DataFrame({
            "RespID": ["S1", "S2", "S3"],
            "Q1": [2.0, 5.0, None],
            "Q3_1": [1.0, 0.0, 1.0],
            "Q3_3": [0.0, 1.0, 0.0],
            "Q4": [1.0, 3.0, 2.0],
            "Postcode": ["LE11 3AB", "", "le3 8ra"],
        })
        path = tmp_path / "responses.sav"
        pyreadstat.write_sav(
            frame, str(path),
            column_labels={"RespID": "Respondent ID", "Q1": VISION_TEXT, "Q3_1": "find_out_gp_surgery",
                           "Q3_3": "find_out_friends_and_family", "Q4": "How many people do you care for?",
                           "Postcode": "What is your postcode?"},
            variable_value_labels={
                "Q1": {1: "Strongly agree", 2: "Tend to agree", 3: "Neither agree nor disagree", 4: "Tend to disagree",
                       5: "Strongly disagree"},
                "Q3_1": {0: "Not selected", 1: "Selected"},
                "Q3_3": {0: "Not selected", 1: "Selected"},
            },
        )
        table = importing.open_table(path)
        assert [c.description for c in table.columns][:2] == ["RespID (Respondent ID)", f"Q1 ({VISION_TEXT})"]
        batch, check = run_import(survey, path)
        assert check.ok and check.to_import == 3
        by_key = {r.import_key: answers_of(r) for r in batch.responses.all()}
        assert by_key["S1"] == {
            "vision": {"choice": "tend_to_agree", "other": ""},
            "find_out": {"choices": ["gp_surgery"], "other": ""},
            "cared_for": {"number": 1},
            "postcode": {"postcode": "LE11 3AB"},
        }
        assert by_key["S2"]["vision"] == {"choice": "strongly_disagree", "other": ""}
        assert by_key["S2"]["find_out"] == {"choices": ["friends_and_family"], "other": ""}
        assert "vision" not in by_key["S3"] and by_key["S3"]["postcode"] == {"postcode": "LE3 8RA"}

    @pytest.mark.parametrize("name, message", [
        ("responses.pdf", "The selected file must be a CSV, Excel (.xlsx) or SPSS (.sav) file."),
        ("responses.xls", "Save it as an Excel Workbook (.xlsx) or as CSV"),
    ])
    def test_other_files_are_refused_with_a_clear_message(self, tmp_path, name, message):
        path = tmp_path / name
        path.write_bytes(b"%PDF-1.4 not responses")
        with pytest.raises(importing.ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
            importing.open_table(path)

    def test_a_file_pretending_to_be_another_kind_is_refused(self, tmp_path):
        path = tmp_path / "responses.xlsx"
        path.write_text("vision\nTend to agree\n")
        with pytest.raises(importing.ImportFileError, match="could not be read as an Excel workbook"):
            importing.open_table(path)
        path = tmp_path / "responses.sav"
        path.write_text("vision\nTend to agree\n")
        with pytest.raises(importing.ImportFileError, match="could not be read as an SPSS data file"):
            importing.open_table(path)

    def test_a_file_over_the_upload_limit_is_refused(self, settings, tmp_path):
        settings.HAVEYOURSAY_MAX_UPLOAD_MB = 1
        path = tmp_path / "big.csv"
        path.write_text("vision\n" + "Tend to agree\n" * 80_000)
        with pytest.raises(importing.ImportFileError, match="smaller than 1 MB"):
            importing.open_table(path)


class TestOurOwnExport:
    """A file in the shape of our own export (each type's `export_columns`) maps itself."""

    def export(self, questionnaire, path, headings=False):
        questions = list(questionnaire.ordered_questions().prefetch_related("options"))
        header = ["reference", "submitted_at", "respondent_kind", "organisation_name"]
        for question in questions:
            header += [heading if headings else name for name, heading in question.type.export_columns(question)]
        rows = [header]
        for response in Response.objects.filter(questionnaire=questionnaire).order_by("pk"):
            answers = answers_of(response)
            row = [response.reference, response.submitted_at.isoformat(), response.respondent_kind, response.organisation_name]
            for question in questions:
                row += question.type.export_values(question, answers.get(question.code))
            rows.append(row)
        return write_csv(path, rows)

    def respond(self, questionnaire, answers, **fields):
        response = Response.objects.create(
            questionnaire=questionnaire, state="submitted", submitted_at=datetime.datetime(2022, 7, 1, 10, tzinfo=datetime.UTC),
            **fields,
        )
        for question in questionnaire.ordered_questions():
            if question.code in answers:
                Answer.objects.create(response=response, question=question, value=answers[question.code])
        return response

    ANSWERS = [
        {
            "vision": {"choice": "tend_to_disagree", "other": ""},
            "why_vision": {"text": "Too vague; say what changes."},
            "priorities": {"rows": {"identification": "very_important", "young_carers": "dont_know"}},
            "change_vision": {"text": "Name young carers."},
            "find_out": {"choices": ["gp_surgery", "other"], "other": "Carers' café"},
            "heard": {"choice": "no", "other": ""},
            "cared_for": {"number": 1.5},
            "last_used": {"date": "2022-03-04"},
            "postcode": {"postcode": "LE11 3AB"},
            "ways": {"ranking": ["letter", "email", "phone"]},
        },
        {"vision": {"choice": "dont_know", "other": ""}, "find_out": {"choices": ["council_website"], "other": ""}},
    ]

    @pytest.mark.parametrize("headings", [False, True], ids=["column names", "headings"])
    def test_an_export_imports_back_with_every_answer_the_same(self, survey, tmp_path, headings):
        originals = [self.respond(survey, self.ANSWERS[0]),
                     self.respond(survey, self.ANSWERS[1], respondent_kind="organisation", organisation_name="Age UK")]
        path = self.export(survey, tmp_path / "export.csv", headings=headings)
        table = importing.open_table(path)
        targets = importing.targets_for(survey)
        assert len(importing.propose_mapping(table.columns, targets)) == len(table.columns)

        # Into the questionnaire it came from, every row is recognised by its reference.
        check = dry_run(survey, path)
        assert check.ok and (check.to_import, check.duplicates) == (0, 2)
        assert str(check.skipped[0]).endswith("this questionnaire already has the response, will be skipped")

        references = [r.reference for r in originals]
        for response in originals:
            response.delete()
        batch, check = run_import(survey, path)
        assert check.ok and check.to_import == 2
        imported = {r.import_key: r for r in batch.responses.all()}
        assert set(imported) == set(references)
        assert answers_of(imported[references[0]]) == self.ANSWERS[0]
        assert answers_of(imported[references[1]]) == self.ANSWERS[1]
        assert imported[references[1]].organisation_name == "Age UK"
        assert imported[references[1]].respondent_kind == "organisation"
        assert imported[references[0]].submitted_at == datetime.datetime(2022, 7, 1, 10, tzinfo=datetime.UTC)


    def test_the_csv_our_export_writes_imports_back(self, survey, tmp_path):
        from haveyoursay.surveys.exports import ResponseExporter, csv_chunks

        online = self.respond(survey, self.ANSWERS[0])
        answers = {"vision": {"choice": "neither", "other": ""}, "why_vision": {"text": "- it reads well\n=fair"}}
        paper = self.respond(survey, answers, channel="paper", received_on=datetime.date(2022, 6, 28),
                             respondent_kind="organisation", organisation_name="Age UK", organisation_role="Chair")
        path = tmp_path / "export.csv"
        path.write_bytes(b"".join(csv_chunks(ResponseExporter(survey).rows())))
        originals = {r.reference: r for r in (online, paper)}
        Response.objects.all().delete()

        batch, check = run_import(survey, path)
        assert check.ok and check.to_import == 2 and not check.warnings
        for response in batch.responses.all():
            original = originals[response.import_key]
            assert answers_of(response) == (self.ANSWERS[0] if original == online else answers)
            for field in ("channel", "submitted_at", "received_on", "respondent_kind", "organisation_name",
                          "organisation_role"):
                assert getattr(response, field) == getattr(original, field), field


class TestMappings:
    def test_each_target_is_mapped_once(self, survey, tmp_path):
        path = write_csv(tmp_path / "f.csv", [["a", "b"], ["Tend to agree", "Agree"]])
        table = importing.open_table(path)
        with pytest.raises(importing.MappingError) as error:
            importing.Mapping(table.columns, importing.targets_for(survey), {0: "vision", 1: "vision"})
        assert error.value.errors == {
            1: f"Column b: “1. {VISION_TEXT}” is already mapped from column a. Map each answer from one column only"
        }

    def test_at_least_one_question_must_be_mapped(self, survey, tmp_path):
        path = write_csv(tmp_path / "f.csv", [["ID", "b"], ["1", "x"]])
        table = importing.open_table(path)
        with pytest.raises(importing.MappingError, match="Map at least one column to a question"):
            importing.Mapping(table.columns, importing.targets_for(survey), {0: "@respondent_id"})

    def test_a_mapping_file_names_columns_by_heading_and_keeps_the_rest_proposed(self, survey, tmp_path):
        path = write_csv(tmp_path / "f.csv", [["Ref", "Q1", "why_vision", "GP"], ["1", "Agree", "x", "1"]])
        table = importing.open_table(path)
        targets = importing.targets_for(survey)
        mapping = importing.Mapping.from_json(
            table.columns, targets, {"Ref": "@respondent_id", "Q1": "vision", "GP": "find_out_gp_surgery"}
        )
        assert [t.key for _, t in mapping.pairs] == ["@respondent_id", "vision", "why_vision", "find_out[gp_surgery]"]
        again = importing.Mapping.from_json(table.columns, targets, mapping.as_json())
        assert [t.key for _, t in again.pairs] == [t.key for _, t in mapping.pairs]
        with pytest.raises(importing.MappingError, match="no column headed “Q9”"):
            importing.Mapping.from_json(table.columns, targets, {"Q9": "vision"})


# -- The staff pages ------------------------------------------------------------------------


def import_url(name, questionnaire, *args):
    return reverse(f"surveys_staff:import_{name}", args=[questionnaire.consultation.pk, *args])


def csv_upload(rows, name="responses.csv"):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(), content_type="text/csv")


class TestThePages:
    """The check and the import are queued when the request's transaction commits: `committed`
    makes a request and commits, so that they run (tests/surveys/test_import_jobs.py follows
    them while they wait in the queue)."""

    def test_upload_map_check_import_and_done(self, officer_client, survey, media_root, committed):
        upload_page = officer_client.get(import_url("upload", survey))
        assert upload_page.status_code == 200 and "Import responses" in upload_page.content.decode()
        response = committed(
            officer_client.post, import_url("upload", survey), {"file": csv_upload([GOOD_HEADER, *GOOD_ROWS])}
        )
        assert response.status_code == 302
        token = response["Location"].rstrip("/").split("/")[-2]
        assert response["Location"] == import_url("mapping", survey, token)
        stored = [p for p in (media_root / "imports").iterdir() if importing.STORED_NAME.match(p.name)]
        assert len(stored) == 1 and stored[0].suffix == ".csv" and "responses" not in stored[0].name

        html = officer_client.get(import_url("mapping", survey, token)).content.decode()
        assert "13 of the 13 columns have been matched for you" in html
        assert '<option value="vision" selected>' in html
        assert "“Tend to agree”, “strongly disagree”" in html
        form = {f"column_{i}": key for i, key in enumerate([
            "@respondent_id", "@date", "vision", "why_vision", "priorities[identification]", "priorities[valued]",
            "find_out", "heard", "cared_for", "last_used", "postcode", "ways", "",
        ])}
        response = committed(officer_client.post, import_url("mapping", survey, token), form)
        assert response.status_code == 302 and response["Location"] == import_url("check", survey, token)

        html = officer_client.get(import_url("check", survey, token)).content.decode()
        assert "nothing has been imported yet" in html and "Import 2 responses" in html
        assert not Response.objects.exists()

        response = committed(officer_client.post, import_url("run", survey, token))
        batch = ImportBatch.objects.get()
        assert response.status_code == 302 and response["Location"] == import_url("run", survey, token)
        response = officer_client.get(response["Location"])
        assert response.status_code == 302 and response["Location"] == import_url("done", survey, batch.pk)
        assert Response.objects.filter(import_batch=batch, channel="import").count() == 2
        assert batch.mapping["columns"][0] == {"index": 0, "name": "ID", "target": "@respondent_id"}
        assert list((media_root / "imports").iterdir()) == []
        event = AuditEvent.objects.get(action="responses.import")
        assert event.detail["imported"] == 2 and event.user.username == "officer"

        html = officer_client.get(response["Location"]).content.decode()
        assert "Responses imported" in html and "2 responses from responses.csv" in html
        # Sending the form again (a second click, the back button) imports nothing more.
        again = committed(officer_client.post, import_url("run", survey, token))
        assert again.status_code == 302 and again["Location"] == import_url("done", survey, batch.pk)
        assert Response.objects.count() == 2 and ImportBatch.objects.count() == 1

    def test_the_mapping_page_lists_each_question_by_its_words_number_and_section(
        self, officer_client, survey, committed
    ):
        response = committed(
            officer_client.post, import_url("upload", survey), {"file": csv_upload([GOOD_HEADER, *GOOD_ROWS])}
        )
        html = officer_client.get(response["Location"]).content.decode().replace("&#x27;", "'")
        select = html[html.index('<select name="column_2"'):html.index("</select>", html.index('name="column_2"'))]
        assert '<optgroup label="Section 1: The vision">' in select
        assert f'<option value="vision" selected>1. {VISION_TEXT}</option>' in select
        assert '<option value="why_vision">2. Why do you say this?</option>' in select
        assert '<optgroup label="Section 2: Our priorities">' in select
        assert '<option value="priorities[valued]">3. How important are these priorities to y…: ' \
               "Carers are valued and involved</option>" in select
        assert '<option value="find_out">5. How do you find out about support for c…: ' \
               "all the answers in one column (a; b; c)</option>" in select
        assert '<option value="find_out[gp_surgery]">5. How do you find out about support for c…: ' \
               "GP surgery (0 or 1)</option>" in select
        assert '<option value="ways[email]">11. Rank these ways of hearing from us: rank of Email</option>' in select
        assert '<optgroup label="Section 5: More about you">' in select
        for code in ("vision", "why_vision", "find_out", "ways"):
            assert f">{code}:" not in select and f">{code} " not in select

    def test_the_template_has_a_column_for_each_question_and_imports_the_rows_filled_in(
        self, officer_client, survey, committed, officer
    ):
        upload_page = officer_client.get(import_url("upload", survey)).content.decode()
        link = f'href="{import_url("template", survey)}" download>template for this questionnaire (CSV)</a>'
        assert link in upload_page
        download = officer_client.get(import_url("template", survey))
        assert download.status_code == 200 and download["Content-Type"] == "text/csv; charset=utf-8"
        assert download["Content-Disposition"] == 'attachment; filename="carers-strategy-responses-template.csv"'
        headings = next(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
        assert headings == [
            "Respondent ID", "Date received", "Channel", VISION_TEXT, "Why do you say this?",
            "How important are these priorities to you?: Carer identification",
            "How important are these priorities to you?: Carers are valued and involved",
            "How important are these priorities to you?: Supporting Young Carers",
            "What would you change about the vision?", "How do you find out about support for carers?",
            "Is there anything else we should consider?", "Have you heard of the carers' hub?",
            "How many people do you care for?", "When did you last use a carers' service?", "What is your postcode?",
            "Rank these ways of hearing from us",
        ]
        filled = [headings, [
            "P-001", "28/06/2022", "Paper form", "Tend to agree", "Typed up from the paper form.", "Very important",
            "Fairly important", "", "", "GP surgery; Other", "", "Yes", "1", "01/05/2022", "LE11 3AB",
            "1. Letter; 2. Phone",
        ], [
            "E-002", "2022-07-04", "email", "Strongly disagree", "", "", "", "Not very important",
            "Say how carers are to be found.", "Carers' centre newsletter", "", "No", "", "", "", "",
        ]]
        response = committed(officer_client.post, import_url("upload", survey), {"file": csv_upload(filled)})
        token = response["Location"].rstrip("/").split("/")[-2]
        html = officer_client.get(response["Location"]).content.decode()
        assert f"{len(headings)} of the {len(headings)} columns have been matched for you" in html
        form = {f"column_{i}": key for i, key in enumerate([
            "@respondent_id", "@received_on", "@channel", "vision", "why_vision", "priorities[identification]",
            "priorities[valued]", "priorities[young_carers]", "change_vision", "find_out", "anything_else", "heard",
            "cared_for", "last_used", "postcode", "ways",
        ])}
        for name, key in form.items():
            assert f'<option value="{key}" selected>' in html, name
        committed(officer_client.post, import_url("mapping", survey, token), form)
        assert "Import 2 responses" in officer_client.get(import_url("check", survey, token)).content.decode()
        committed(officer_client.post, import_url("run", survey, token))

        email, paper = Response.objects.filter(import_batch=ImportBatch.objects.get()).order_by("import_key")
        assert (email.import_key, email.channel, email.received_on) == ("E-002", "email", datetime.date(2022, 7, 4))
        assert (paper.import_key, paper.channel, paper.received_on) == ("P-001", "paper", datetime.date(2022, 6, 28))
        assert answers_of(paper) == {
            "vision": {"choice": "tend_to_agree", "other": ""}, "why_vision": {"text": "Typed up from the paper form."},
            "priorities": {"rows": {"identification": "very_important", "valued": "fairly_important"}},
            "find_out": {"choices": ["gp_surgery", "other"], "other": ""}, "heard": {"choice": "yes", "other": ""},
            "cared_for": {"number": 1}, "last_used": {"date": "2022-05-01"}, "postcode": {"postcode": "LE11 3AB"},
            "ways": {"ranking": ["letter", "phone"]},
        }
        assert answers_of(email)["find_out"] == {"choices": ["other"], "other": "Carers' centre newsletter"}
        assert answers_of(email)["change_vision"] == {"text": "Say how carers are to be found."}

    def test_a_channel_the_importer_does_not_know_is_a_problem_listing_the_channels(self, survey, tmp_path):
        path = write_csv(tmp_path / "r.csv", [["ID", "Channel", "vision"], ["R1", "Carrier pigeon", "Tend to agree"]])
        assert [str(p) for p in dry_run(survey, path).errors] == [
            "Row 2, column Channel: “Carrier pigeon” is not a channel: use one of Online, Paper form, Email, Phone, "
            "Imported, or leave it empty for “Imported”"
        ]

    def test_two_questions_with_the_same_words_are_told_apart_in_the_template(self, survey):
        page = survey.pages.get(title="Our priorities")
        add_question(page, "long_text", "Why do you say this?", code="why_priorities")
        headings = importing.template_headings(survey)
        assert "Why do you say this? [why_vision]" in headings and "Why do you say this? [why_priorities]" in headings
        targets = importing.targets_for(survey)
        columns = [importing.Column(i, heading) for i, heading in enumerate(headings)]
        proposed = importing.propose_mapping(columns, targets)
        assert len(proposed) == len(headings)
        assert proposed[headings.index("Why do you say this? [why_priorities]")] == "why_priorities"

    def test_a_corrected_file_with_the_same_headings_keeps_the_matching_chosen(
        self, officer_client, survey, committed
    ):
        headings = ["Serial", "Q1", "Q1 why", "Anything else"]
        bad = [headings, ["S1", "Agre", "Too vague.", ""], ["S2", "Strongly agree", "", "More respite."]]
        chosen = {
            "column_0": "@respondent_id", "column_1": "vision", "column_2": "why_vision", "column_3": "anything_else"
        }
        response = committed(officer_client.post, import_url("upload", survey), {"file": csv_upload(bad, "q.csv")})
        token = response["Location"].rstrip("/").split("/")[-2]
        html = officer_client.get(response["Location"]).content.decode()
        assert "1 of the 4 columns have been matched for you" in html  # Serial, by its heading
        committed(officer_client.post, import_url("mapping", survey, token), chosen)
        assert "“Agre” is not one of" in officer_client.get(import_url("check", survey, token)).content.decode()

        corrected = [headings, ["S1", "Tend to agree", "Too vague.", ""], ["S2", "Strongly agree", "", "More respite."]]
        response = committed(
            officer_client.post, import_url("upload", survey), {"file": csv_upload(corrected, "q2.csv")}
        )
        html = officer_client.get(response["Location"]).content.decode()
        assert "The columns are matched as you matched them for “q.csv”, which has the same headings" in html
        assert "have been matched for you" not in html
        for name, key in chosen.items():
            select = html[html.index(f'name="{name}"'):]
            assert select.index(f'<option value="{key}" selected>') < select.index("</select>"), name

        # Other headings, or the same in another order: matched by their headings alone.
        reordered = [[headings[1], headings[0], *headings[2:]], ["Tend to agree", "S3", "", ""]]
        response = committed(officer_client.post, import_url("upload", survey), {"file": csv_upload(reordered)})
        html = officer_client.get(response["Location"]).content.decode()
        assert "1 of the 4 columns have been matched for you" in html
        assert '<option value="vision" selected>' not in html
        assert '<option value="anything_else" selected>' not in html

    def test_the_dry_run_lists_problems_and_offers_no_import(self, officer_client, survey, committed):
        rows = [GOOD_HEADER, list(GOOD_ROWS[0])]
        rows[1][2] = "Quite keen"
        response = committed(officer_client.post, import_url("upload", survey), {"file": csv_upload(rows)})
        token = response["Location"].rstrip("/").split("/")[-2]
        committed(
            officer_client.post, import_url("mapping", survey, token), {"column_0": "@respondent_id", "column_2": "vision"}
        )
        html = officer_client.get(import_url("check", survey, token)).content.decode()
        assert "There is a problem" in html
        message = f"‘{VISION_TEXT}’: “Quite keen” is not one of: {AGREE}. Change it to one of these answers"
        assert message in html.replace("&#x27;", "'")
        assert "Import 1 response" not in html
        committed(officer_client.post, import_url("run", survey, token))
        assert not Response.objects.exists()

    def test_the_same_file_again_is_refused_at_upload(self, officer_client, survey, tmp_path, officer, media_root):
        rows = [GOOD_HEADER, *GOOD_ROWS]
        run_import(survey, write_csv(tmp_path / "responses.csv", rows), user=officer)
        response = officer_client.post(import_url("upload", survey), {"file": csv_upload(rows)})
        html = response.content.decode()
        assert response.status_code == 200 and "This file was already imported on" in html and "Olu Officer" in html
        assert list((media_root / "imports").iterdir()) == []

    @pytest.mark.parametrize("name, message", [
        ("notes.pdf", "The selected file must be a CSV, Excel (.xlsx) or SPSS (.sav) file."),
        ("old.xls", "Save it as an Excel Workbook (.xlsx) or as CSV"),
    ])
    def test_other_kinds_of_file_get_a_message_at_the_field(self, officer_client, survey, name, message):
        response = officer_client.post(import_url("upload", survey), {"file": csv_upload([["a"], ["b"]], name=name)})
        assert response.status_code == 200
        assert message in response.content.decode() and "There is a problem" in response.content.decode()

    def test_a_mapping_that_uses_a_target_twice_is_shown_at_the_column(self, officer_client, survey, committed):
        response = committed(
            officer_client.post, import_url("upload", survey), {"file": csv_upload([["a", "b"], ["x", "y"]])}
        )
        token = response["Location"].rstrip("/").split("/")[-2]
        response = committed(
            officer_client.post, import_url("mapping", survey, token), {"column_0": "vision", "column_1": "vision"}
        )
        assert response.status_code == 200
        assert "is already mapped from column a" in response.content.decode()

    def test_someone_elses_upload_is_not_found(self, officer_client, make_user, survey, committed):
        response = committed(
            officer_client.post, import_url("upload", survey), {"file": csv_upload([GOOD_HEADER, *GOOD_ROWS])}
        )
        token = response["Location"].rstrip("/").split("/")[-2]
        from django.test import Client

        other = Client()
        other.force_login(make_user("colleague", groups=["Consultation team"]))
        assert other.get(import_url("mapping", survey, token)).status_code == 404
        assert committed(other.post, import_url("run", survey, token)).status_code == 404

    def test_an_upload_whose_file_has_gone_asks_for_it_again(self, officer_client, survey, media_root):
        response = officer_client.post(import_url("upload", survey), {"file": csv_upload([GOOD_HEADER, *GOOD_ROWS])})
        token = response["Location"].rstrip("/").split("/")[-2]
        for path in (media_root / "imports").iterdir():
            path.unlink()
        response = officer_client.get(import_url("mapping", survey, token), follow=True)
        assert response.redirect_chain[-1][0] == import_url("upload", survey)
        assert "uploads are kept for a day. Upload it again" in response.content.decode()

    def test_uploads_left_for_a_day_are_deleted(self, media_root):
        folder = media_root / "imports"
        folder.mkdir()
        old, new = folder / ("a" * 32 + ".csv"), folder / ("b" * 32 + ".csv")
        old.write_text("x")
        new.write_text("x")
        two_days_ago = time.time() - 2 * 86400
        os.utime(old, (two_days_ago, two_days_ago))
        assert importing.remove_stale_uploads() == 1
        assert [p.name for p in folder.iterdir()] == [new.name]


class TestPermissions:
    def test_the_consultation_team_may_import(self, officer_client, survey):
        assert officer_client.get(import_url("upload", survey)).status_code == 200

    @pytest.mark.parametrize("persona", ["viewer_client", "outsider_client"])
    def test_others_signed_in_are_forbidden(self, request, persona, survey):
        client = request.getfixturevalue(persona)
        assert client.get(import_url("upload", survey)).status_code == 403
        assert client.post(import_url("upload", survey), {"file": csv_upload([["vision"], ["Agree"]])}).status_code == 403
        assert client.post(import_url("run", survey, "token")).status_code == 403

    def test_anonymous_people_are_sent_to_sign_in(self, client, survey):
        response = client.get(import_url("upload", survey))
        assert response.status_code == 302 and response["Location"].startswith(reverse("staff:login"))


# -- Dates that can't be right --------------------------------------------------------------


def dated_rows(*dates):
    """A file of responses received on these days (as written), one row each."""
    rows = [[f"R{n}", date, "Tend to agree"] for n, date in enumerate(dates, 1)]
    return [["ID", "Date received", VISION_TEXT], *rows]


def in_days(days, date_format="%d/%m/%Y"):
    return (timezone.localdate() + datetime.timedelta(days=days)).strftime(date_format)


class TestDatesThatCantBeRight:
    """The survey fixture's consultation opened on 6 June 2022."""

    def test_a_date_in_the_future_is_a_problem_naming_the_row_and_the_date_as_written(self, survey, tmp_path):
        tomorrow = in_days(1)
        in_an_hour = (timezone.localtime() + datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
        check = dry_run(survey, write_csv(tmp_path / "r.csv", dated_rows("01/07/2022", tomorrow, in_an_hour)))
        assert [(p.row, p.column) for p in check.errors] == [(3, "Date received"), (4, "Date received")]
        assert str(check.errors[0]) == (
            f"Row 3, column Date received: “{tomorrow}” is in the future: no response can have been received after "
            f"today, {uk_date(timezone.localdate())}. Correct the date in the file and upload it again"
        )
        assert f"“{in_an_hour}” is in the future" in check.errors[1].message
        assert not check.ok and check.to_import == 1

    def test_today_is_not_in_the_future(self, survey, tmp_path):
        check = dry_run(survey, write_csv(tmp_path / "r.csv", dated_rows(in_days(0), in_days(0, "%Y-%m-%d"))))
        assert check.ok and check.to_import == 2 and not check.warnings

    def test_dates_before_the_consultation_opened_are_warnings_counted_for_confirming(self, survey, tmp_path):
        check = dry_run(survey, write_csv(tmp_path / "r.csv", dated_rows("05/06/2022", "2021-06-30", "06/06/2022")))
        assert check.ok and check.to_import == 3 and check.early == 2
        assert [str(p) for p in check.early_dates] == [
            "Row 2, column Date received: dated “05/06/2022”, before the consultation opened on 6 June 2022",
            "Row 3, column Date received: dated “2021-06-30”, before the consultation opened on 6 June 2022",
        ]
        assert len(check.warnings) == 2 and "Rows dated before the consultation opened: 2" in check.summary_lines()

    def test_they_are_imported_only_once_confirmed(self, survey, tmp_path):
        path = write_csv(tmp_path / "r.csv", dated_rows("05/06/2022", "01/07/2022"))
        with pytest.raises(importing.EarlyDatesNotConfirmed, match="1 response is dated before the consultation"):
            run_import(survey, path)
        assert not Response.objects.exists() and not ImportBatch.objects.exists()
        table = importing.open_table(path)
        targets = importing.targets_for(survey)
        mapping = importing.Mapping(table.columns, targets, importing.propose_mapping(table.columns, targets))
        batch, check = importing.import_rows(survey, table, mapping, include_early=True)
        assert batch.row_count == 2 and check.early == 1
        assert sorted(Response.objects.values_list("received_on", flat=True)) == [
            datetime.date(2022, 6, 5), datetime.date(2022, 7, 1)
        ]

    def test_the_dry_run_page_shows_both_and_the_import_waits_for_the_confirmation(
        self, officer_client, survey, committed, officer
    ):
        tomorrow = in_days(1)
        response = committed(officer_client.post, import_url("upload", survey), {"file": csv_upload(
            dated_rows("05/06/2022", tomorrow, "30/05/2022", "01/07/2022")
        )})
        token = response["Location"].rstrip("/").split("/")[-2]
        committed(officer_client.post, import_url("mapping", survey, token),
                  {"column_0": "@respondent_id", "column_1": "@received_on", "column_2": "vision"})
        html = officer_client.get(import_url("check", survey, token)).content.decode()
        assert "The file has 1 problem" in html and f"“{tomorrow}” is in the future" in html
        assert "Dated “05/06/2022”, before the consultation opened on 6 June 2022" in html
        assert "Dated “30/05/2022”, before the consultation opened on 6 June 2022" in html
        assert 'name="include_early"' not in html  # nothing can be imported until the future date is fixed

        # The corrected file: the future date put right; the early ones still to confirm.
        response = committed(officer_client.post, import_url("upload", survey), {"file": csv_upload(
            dated_rows("05/06/2022", "02/07/2022", "30/05/2022", "01/07/2022")
        )})
        token = response["Location"].rstrip("/").split("/")[-2]
        committed(officer_client.post, import_url("mapping", survey, token),
                  {"column_0": "@respondent_id", "column_1": "@received_on", "column_2": "vision"})
        html = officer_client.get(import_url("check", survey, token)).content.decode()
        assert "There is a problem" not in html and "Import 4 responses" in html
        assert (
            '<label class="govuk-label govuk-checkboxes__label" for="include-early">These 2 responses are dated before '
            "the consultation opened on 6 June 2022: import them anyway</label>"
        ) in html

        refused = committed(officer_client.post, import_url("run", survey, token))
        html = refused.content.decode()
        assert refused.status_code == 200 and "<title>Error: Check the file" in html
        message = ("Confirm that the 2 responses dated before the consultation opened should be imported, "
                   "or correct their dates in the file and upload it again")
        assert f'<a href="#include-early">{message}</a>' in html
        assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in html
        assert not Response.objects.exists() and not Job.objects.filter(title="Import a file of responses").exists()

        response = committed(officer_client.post, import_url("run", survey, token), {"include_early": "yes"})
        done_url = officer_client.get(response["Location"])["Location"]
        assert done_url == import_url("done", survey, ImportBatch.objects.get().pk)
        assert Response.objects.count() == 4
        event = AuditEvent.objects.get(action="responses.import")
        assert event.detail["dated_before_opening"] == 2 and event.user == officer
        done = officer_client.get(import_url("done", survey, ImportBatch.objects.get().pk)).content.decode()
        assert "Dated before the consultation opened" in done and "2, imported as confirmed" in done

    def test_the_command_imports_them_only_when_told_to(self, survey, tmp_path):
        path = write_csv(tmp_path / "r.csv", dated_rows("05/06/2022", "01/07/2022"))
        with pytest.raises(CommandError, match="1 row is dated before the consultation opened: nothing was imported"):
            call_command("import_responses", "carers-strategy", str(path), stdout=io.StringIO())
        assert not Response.objects.exists()
        call_command("import_responses", "carers-strategy", str(path), "--include-before-opening", stdout=io.StringIO())
        assert Response.objects.count() == 2


# -- The command line ---------------------------------------------------------------------


class TestTheCommand:
    def test_a_dry_run_prints_the_summary_and_imports_nothing(self, survey, tmp_path):
        path = write_csv(tmp_path / "good.csv", [GOOD_HEADER, *GOOD_ROWS])
        out = io.StringIO()
        call_command("import_responses", "carers-strategy", str(path), "--dry-run", stdout=out)
        output = out.getvalue()
        assert "Rows read: 2" in output and "Dry run: nothing imported. 2 rows would be imported." in output
        assert "  ID → Respondent reference or ID" in output
        assert "  heard → 7. Have you heard of the carers' hub?" in output
        assert not Response.objects.exists()

    def test_problems_are_printed_and_the_exit_is_not_zero(self, survey, tmp_path):
        rows = [GOOD_HEADER, list(GOOD_ROWS[0])]
        rows[1][2] = "Quite keen"
        path = write_csv(tmp_path / "bad.csv", rows)
        out = io.StringIO()
        with pytest.raises(CommandError, match="1 problem: nothing was imported"):
            call_command("import_responses", "carers-strategy", str(path), stdout=out)
        assert f"Row 2, column {VISION_TEXT}: ‘{VISION_TEXT}’: “Quite keen” is not one of: {AGREE}." in out.getvalue()
        assert not Response.objects.exists()

    def test_it_imports_with_a_mapping_file_and_records_who(self, survey, officer, tmp_path):
        path = write_csv(tmp_path / "other.csv", [["Serial no", "Q1"], ["A1", "Tend to agree"], ["A2", "Strongly agree"]])
        mapping = tmp_path / "mapping.json"
        mapping.write_text(json.dumps({"Serial no": "@respondent_id", "Q1": "vision"}))
        out = io.StringIO()
        call_command("import_responses", "carers-strategy", str(path), "--mapping", str(mapping), "--user", "officer", stdout=out)
        assert "Imported 2 responses from other.csv." in out.getvalue()
        assert sorted(Response.objects.values_list("import_key", flat=True)) == ["A1", "A2"]
        assert ImportBatch.objects.get().imported_by == officer
        with pytest.raises(CommandError, match="This file was already imported"):
            call_command("import_responses", "carers-strategy", str(path), "--mapping", str(mapping), stdout=io.StringIO())

    def test_an_unknown_consultation_is_an_error(self, survey, tmp_path):
        with pytest.raises(CommandError, match="no consultation with the web address “nope”"):
            call_command("import_responses", "nope", str(Path(tmp_path) / "x.csv"), stdout=io.StringIO())
