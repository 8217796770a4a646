"""The `haveyoursay` command.

    haveyoursay demo      set up the database, load the demo content, print a staff login, serve
    haveyoursay serve     set up the database and serve with gunicorn on http://127.0.0.1:8000/
    haveyoursay worker    do the background work (reports, analysis, imports) as it is queued,
                          with the worker of the configured queue: the database's or Redis's (RQ)
    haveyoursay redact    remove personal details from a column of a CSV file (no database needed)
    haveyoursay code-answers
                          learn a codeframe from coded answers in one CSV and apply it to another
    haveyoursay COMMAND   any Django management command (migrate, createsuperuser, load_demo, …)
"""

import argparse
import ipaddress
import os
import secrets
import sys

LOOPBACK_NAMES = {"localhost"}

# Commands that work on files alone: they run without Django or a database.
FILE_COMMANDS = {
    "redact": "haveyoursay.analysis.themes.text.redact_cli",
    "code-answers": "haveyoursay.analysis.themes.text.code_answers_cli",
}


def is_loopback(host):
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def setup(local_http):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haveyoursay.settings")
    if local_http:
        # Plain HTTP is only ever assumed for a server that no other machine can reach.
        os.environ.setdefault("HAVEYOURSAY_HTTPS", "false")
    import django

    django.setup()


def prepare_database_and_static():
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def create_demo_officer():
    """A member of the consultation team with a fresh password, printed for the person at the keyboard."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    password = secrets.token_urlsafe(12)
    user, _ = get_user_model().objects.get_or_create(
        username="demo-officer", defaults={"first_name": "Demo", "last_name": "Officer"}
    )
    user.set_password(password)
    user.is_active = True
    user.save()
    user.groups.add(Group.objects.get(name="Consultation team"))
    return user.username, password


def start_background_worker():
    """A one-machine site does its background work (reports, analysis) beside the web server.

    Stopped with gunicorn (its `on_exit` hook, which only the main process runs; gunicorn's
    own workers are forked from it and must not stop it when they are recycled).
    """
    import subprocess

    return subprocess.Popen([sys.executable, "-m", "haveyoursay.cli", "worker"], env=os.environ.copy())


def serve(host, port, workers, background_worker=None):
    from gunicorn.app.base import BaseApplication

    from haveyoursay.wsgi import application

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", None)
            if background_worker is not None:
                self.cfg.set("on_exit", lambda server: background_worker.terminate())

        def load(self):
            return application

    Server().run()


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in FILE_COMMANDS:
        import importlib

        return importlib.import_module(FILE_COMMANDS[argv[0]]).main(argv[1:])
    if argv and argv[0] in {"demo", "serve"}:
        parser = argparse.ArgumentParser(prog=f"haveyoursay {argv[0]}")
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
        parser.add_argument(
            "--no-background-worker", action="store_true",
            help="don't run `haveyoursay worker` beside the server (run it yourself, elsewhere)",
        )
        args = parser.parse_args(argv[1:])
        address = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}"
        if is_loopback(args.host):
            # Links in reports lead back here; a server others reach sets SITE_URL to its public address.
            os.environ.setdefault("SITE_URL", address)
        setup(local_http=is_loopback(args.host))
        prepare_database_and_static()
        if argv[0] == "demo":
            from django.core.management import call_command

            call_command("load_demo")
            username, password = create_demo_officer()
            print(
                f"\nhaveyoursay is running at {address}/\n"
                f"Staff site: {address}/staff/  username: {username}  password: {password}\n"
                "(a new password is made each time the demo starts)\n",
                flush=True,
            )
        background_worker = None if args.no_background_worker else start_background_worker()
        serve(args.host, args.port, args.workers, background_worker)
        return
    setup(local_http=False)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["haveyoursay", *argv])


if __name__ == "__main__":
    main()
