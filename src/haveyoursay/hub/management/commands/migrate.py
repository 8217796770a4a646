"""`migrate`, then the cache tables: the rate limits' counts live in one (see limits.py), and
every way the site is set up (`haveyoursay migrate`, `serve`, `demo`) runs this command."""

from django.core.management import call_command
from django.core.management.commands.migrate import Command as MigrateCommand


class Command(MigrateCommand):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        if not options["plan"] and not options["check_unapplied"] and not options["prune"]:
            call_command("createcachetable", database=options["database"], verbosity=options["verbosity"])
