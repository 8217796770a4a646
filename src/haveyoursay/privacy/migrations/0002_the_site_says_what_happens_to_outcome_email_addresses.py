from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace

# The paragraph the council's template privacy notice carried about outcome emails, until the
# site said it itself beside every notice (templates/privacy/outcome_emails_statement.html).
# Notices begun from that template hold it word for word; taking it out keeps those notices
# from saying it twice. Notices a council wrote in its own words are left as they are.
PARAGRAPH = (
    "Emails about the outcome: if you ask us to tell you the outcome, by ticking the box when you respond or by "
    "asking for updates on this page, we use your email address only to send you that one email. We delete it "
    "once the email has gone, or at the end of the period shown below if that comes first. If you ask for updates "
    "about a council committee's meetings, we keep your email address until you tell us to stop: every email has "
    "a link to do so."
)
# As stored from the template, and as a browser sends it back from a text box (CRLF).
FORMS = (PARAGRAPH + "\r\n\r\n", PARAGRAPH + "\n\n", "\r\n\r\n" + PARAGRAPH, "\n\n" + PARAGRAPH, PARAGRAPH)


def take_out_the_paragraph(apps, schema_editor):
    for app_label, model_name in (("hub", "Consultation"), ("surveys", "Questionnaire")):
        model = apps.get_model(app_label, model_name)
        for form in FORMS:
            model._default_manager.filter(privacy_notice__contains=form).update(
                privacy_notice=Replace("privacy_notice", Value(form), Value(""))
            )


class Migration(migrations.Migration):

    dependencies = [
        ("privacy", "0001_retention_runs"),
        ("hub", "0007_store_the_search_document_with_document_titles"),
        ("surveys", "0011_index_responses_by_last_change"),
    ]

    operations = [migrations.RunPython(take_out_the_paragraph, migrations.RunPython.noop, elidable=True)]
