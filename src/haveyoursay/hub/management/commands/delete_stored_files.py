"""`haveyoursay delete_stored_files`: try again to delete the stored files (documents, report
PDFs and Word files) whose rows were deleted but which the storage could not delete then.

Run it daily (deploy/systemd/haveyoursay-housekeeping.service does, with the other
housekeeping); running it more often, or again after a failure, is safe.
"""

from django.core.management.base import BaseCommand

from haveyoursay.hub.models import FileDeletion
from haveyoursay.stored_files import retry_file_deletions


class Command(BaseCommand):
    help = "Try again to delete stored files whose deletion failed when their rows were deleted."

    def handle(self, *, verbosity, **options):
        deleted, waiting = retry_file_deletions()
        if verbosity:
            self.stdout.write(f"Stored files deleted: {deleted}; still to delete: {waiting}.")
        failing = FileDeletion.objects.failing_repeatedly().count()
        if failing:
            # A warning for whoever watches the timer, not a failure: the next run tries again.
            self.stderr.write(
                f"{failing} stored file(s) could not be deleted after {FileDeletion.REPEATEDLY} or more tries: "
                "check that the file storage can be reached and that the site may delete from it."
            )
