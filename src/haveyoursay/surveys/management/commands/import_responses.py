"""`import_responses`: import a file of responses from another survey tool, as the staff site does.

    haveyoursay import_responses carers-strategy responses.csv --dry-run
    haveyoursay import_responses carers-strategy responses.xlsx --mapping mapping.json --user olu

The mapping file is JSON, {"column heading": "target"}, where a target is a question's code
("vision"), a part of one ("find_out[gp_surgery]", or our export's name "find_out_gp_surgery"),
"@respondent_id", "@date" (or "@submitted_at" and "@received_on"), "@organisation_name",
"@organisation_role", "@respondent_kind", "@channel", or "ignore". Columns it leaves out keep the
mapping proposed from their headings. Exits non-zero when the file has problems, or has rows dated
before the consultation opened without --include-before-opening; nothing is imported then.
"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.hub.models import Consultation
from haveyoursay.surveys import importing
from haveyoursay.surveys.models import Questionnaire


class Command(BaseCommand):
    help = "Import responses from a CSV, Excel (.xlsx) or SPSS (.sav) file exported by another survey tool."

    def add_arguments(self, parser):
        parser.add_argument("consultation", help="the consultation's slug, as in its web address")
        parser.add_argument("file", help="the file of responses")
        parser.add_argument("--dry-run", action="store_true", help="check every row and import nothing")
        parser.add_argument("--mapping", help="a JSON file of {column heading: target}")
        parser.add_argument("--sheet", help="for an Excel workbook: the sheet to read (the first if not given)")
        parser.add_argument("--user", help="the username to record as having imported the file")
        parser.add_argument(
            "--include-before-opening", action="store_true",
            help="import rows dated before the consultation opened (refused without it, so they are looked at first)",
        )

    def handle(self, *args, **options):
        slug, file, dry_run, user = options["consultation"], options["file"], options["dry_run"], options["user"]
        consultation = Consultation.private_objects.filter(slug=slug).first()
        if consultation is None:
            raise CommandError(f"There is no consultation with the web address “{slug}”.")
        questionnaire = Questionnaire.objects.filter(consultation=consultation).first()
        if questionnaire is None:
            raise CommandError(f"“{consultation.title}” has no questionnaire to import responses into.")
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(f"There is no user called “{user}”.")
        try:
            table = importing.open_table(file, sheet=options["sheet"])
        except FileNotFoundError:
            raise CommandError(f"There is no file {file}.") from None
        except importing.ImportFileError as error:
            raise CommandError(str(error)) from None
        chosen_mapping = self.mapping(table, questionnaire, options["mapping"])
        self.stdout.write("Columns:")
        for column in table.columns:
            target = chosen_mapping.target_of(column)
            self.stdout.write(f"  {column.description} → {target.label if target else 'ignored'}")

        try:
            if dry_run:
                previous = importing.previous_import(questionnaire, importing.file_sha256(table.path))
                if previous is not None:
                    raise importing.AlreadyImported(previous)
                check = importing.check_rows(questionnaire, table, chosen_mapping)
            else:
                def record(batch, check):
                    AuditEvent.record(
                        importer, "responses.import", consultation,
                        batch=batch.pk, file=batch.file_name, rows_read=check.rows_read, imported=check.to_import,
                        skipped_as_duplicates=check.duplicates, skipped_as_empty=check.empty,
                        warnings=len(check.warnings), dated_before_opening=check.early, command_line=True,
                    )

                # Written in chunks, counted at once when the last is written; run again, an import
                # stopped part-way carries on from the first row not written.
                batch, check = importing.import_rows(
                    questionnaire, table, chosen_mapping, user=importer,
                    include_early=options["include_before_opening"], then=record,
                )
        except (importing.AlreadyImported, importing.ImportInProgress) as error:
            raise CommandError(str(error)) from None
        except importing.ImportRefused as error:
            check = error.check
        except importing.ImportFileError as error:
            raise CommandError(str(error)) from None

        self.report(check)
        if not check.ok:
            count = len(check.errors)
            raise CommandError(f"{count} problem{'s' if count != 1 else ''}: nothing was imported.")
        if check.early and not dry_run and not options["include_before_opening"]:
            raise CommandError(
                f"{check.early:,} row{'s are' if check.early != 1 else ' is'} dated before the consultation opened: "
                "nothing was imported. Correct the dates, or add --include-before-opening to import them as they are."
            )
        if dry_run:
            self.stdout.write(f"Dry run: nothing imported. {check.to_import:,} rows would be imported.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported {check.to_import:,} responses from {table.file_name}."))

    def mapping(self, table, questionnaire, mapping_path):
        targets = importing.targets_for(questionnaire)
        try:
            if mapping_path:
                try:
                    with open(mapping_path, encoding="utf-8") as mapping_file:
                        data = json.load(mapping_file)
                except (OSError, ValueError) as error:
                    raise CommandError(f"The mapping file could not be read: {error}") from None
                return importing.Mapping.from_json(table.columns, targets, data)
            return importing.Mapping(table.columns, targets, importing.propose_mapping(table.columns, targets))
        except importing.MappingError as error:
            raise CommandError("The mapping can't be used:\n  " + "\n  ".join(error.errors.values())) from None

    def report(self, check):
        for title, problems in (("Problems", check.errors), ("Warnings", check.warnings), ("Skipped", check.skipped)):
            if problems:
                self.stdout.write(f"{title}:")
                for problem in problems:
                    self.stdout.write(f"  {problem}")
        for line in check.summary_lines():
            self.stdout.write(line)
