"""`haveyoursay read_document_texts`: read the text of every document still waiting to be read,
so the hub's search finds consultations by the words in them.

Documents are read as they are uploaded, in the background; this reads those uploaded before
the site read documents' text, and any whose reading could not be queued. Running it again
reads only what is still waiting, so it is safe to run at any time; `--again` reads every
PDF and Word document afresh.
"""

from django.core.management.base import BaseCommand

from haveyoursay.hub.document_text import read_text_impl
from haveyoursay.hub.models import Document


class Command(BaseCommand):
    help = "Read the text of documents still waiting to be read, for the hub's search."

    def add_arguments(self, parser):
        parser.add_argument("--again", action="store_true", help="Read every document again, not only those waiting.")

    def handle(self, *, again, verbosity, **options):
        documents = Document.objects.all() if again else Document.objects.filter(text_state=Document.TextState.WAITING)
        outcomes = {state: 0 for state in Document.TextState.values}
        for document_id in documents.order_by("pk").values_list("pk", flat=True).iterator():
            state = read_text_impl(document_id)
            if state:
                outcomes[state] += 1
        if verbosity:
            self.stdout.write(
                f"Documents read: {outcomes['read']}; could not be read: {outcomes['unreadable']}; "
                f"not PDF or Word: {outcomes['not_read']}."
            )
