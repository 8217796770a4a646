"""`loaddata`, then the search: a fixture's rows are written without their models' save(),
which is what keeps each consultation's stored search document up to date (on PostgreSQL)."""

from django.core.management.commands.loaddata import Command as LoaddataCommand

from haveyoursay.hub.models import Consultation, Document


class Command(LoaddataCommand):
    def loaddata(self, fixture_labels):
        super().loaddata(fixture_labels)
        if Document in self.models:
            Document.objects.db_manager(self.using).index_for_search()
        if self.models & {Consultation, Document}:
            Consultation.private_objects.db_manager(self.using).index_for_search()
