"""What bench/submit.py and bench/kill_check.py share: the data dir, the server, the client.

- The data dir and environment are bench/hub.py's (imported from it, so the three agree),
  with one change: DJANGO_SETTINGS_MODULE is bench/submit_settings.py, whose URLconf
  (bench/submit_urls.py) adds the bare insert view and lifts the per-address start limit.
- The server is gunicorn on 127.0.0.1, started in a session of its own, so that stopping
  it (SIGTERM) or crashing it (SIGKILL) reaches the master and its workers at once.
- The client is a small asyncio HTTP/1.1 client written for this: one cookie jar per
  simulated respondent, CSRF from the form it fetched, keep-alive when the server allows it,
  each request timed from before connecting to the last byte of the body (as wrk does).
  It runs in the script's own process; gunicorn runs in others.
- Simulated respondents answer the demo questionnaire the way people do, with choices drawn
  from a seeded random generator: what the server should then hold for each of them is
  known exactly, and checked afterwards against the database.
"""

import asyncio
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import URLError
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

# bench/hub.py's helpers, unchanged; some only passed on to bench/submit.py and bench/kill_check.py.
from hub import (  # noqa: E402, F401
    HOST,
    BenchError,
    bench_environment,
    cpu_busy,
    fetch,
    free_port,
    log,
    machine,
    manage,
    stop_on_signals,
    tail,
)

SETTINGS_MODULE = "submit_settings"
SLUG = "local-cycling-and-walking-infrastructure-plans-engagement-2"  # surveys/demo.py's LCWIP_SLUG: open in the demo
BARE_PATH = "/__bare__/"
INSERT_PATH = "/__bench__/insert/"
RESPOND = f"/consultations/{SLUG}/respond/"
STARTS_LIFTED = (
    "lifted for the benchmark: limits.STARTS_FROM_ADDRESS.per_hour = 10**9 in bench/submit_urls.py "
    "(still counted on every start)"
)
MARKER_RE = re.compile(r"\[hys-bench ([\w.-]+)\]")
REFERENCE_RE = re.compile(r"reference number.{0,80}?<strong>([A-Z0-9]{4}-[A-Z0-9]{4})</strong>", re.DOTALL)
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def environment(data_dir, database_url):
    env = bench_environment(data_dir, database_url)
    env["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    return env


# ---------------------------------------------------------------- setting up, reading back

# Run after load_demo: what the server will run on, and the questionnaire respondents answer.
SETUP_INFO = r"""
import json, sys
import django
django.setup()
import gunicorn
from django.conf import settings
from django.db import connection
from haveyoursay.surveys.models import Questionnaire
connection.ensure_connection()
questionnaire = Questionnaire.objects.select_related("consultation").get(consultation__slug=sys.argv[1])
pages = []
for page in questionnaire.pages.prefetch_related("questions__options").order_by("position", "pk"):
    pages.append({
        "title": page.title,
        "condition": page.condition,
        "questions": [
            {
                "code": q.code, "kind": q.kind, "required": q.required, "max_length": q.max_length,
                "settings": q.settings, "condition": q.condition,
                "options": [{"value": o.value, "other": o.other, "exclusive": o.exclusive} for o in q.options.all()],
            }
            for q in page.questions.all()
        ],
    })
options = settings.DATABASES["default"].get("OPTIONS", {})
mode = options.get("transaction_mode")
print(json.dumps({
    "django": django.get_version(),
    "gunicorn": gunicorn.__version__,
    "debug": settings.DEBUG,
    "db_vendor": connection.vendor,
    "db_version": ".".join(str(part) for part in connection.get_database_version()),
    "db_options": options.get("init_command", "") + (f" transaction_mode={mode}" if mode else ""),
    "db_file": str(settings.DATABASES["default"]["NAME"]) if connection.vendor == "sqlite" else None,
    "session_engine": settings.SESSION_ENGINE,
    "cache": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
    "open": questionnaire.accepts_online_responses(),
    "title": questionnaire.consultation.title,
    "pages": pages,
}))
"""

# Everything the checks need from the database, written as JSON to the file named by argv[2].
DUMP = r"""
import json, sys
import django
django.setup()
from django.db import connection
from haveyoursay.accounts.models import AuditEvent
from haveyoursay.surveys.models import Answer, Response
responses = {}
# The demo's synthetic responses are there before the benchmark starts; only its own count.
for row in Response.objects.filter(questionnaire__consultation__slug=sys.argv[1], synthetic=False).values(
    "id", "reference", "state", "channel", "respondent_kind", "publication", "contact_about_outcome"
):
    row["answers"] = {}
    responses[row["id"]] = row
for response_id, code, value in Answer.objects.filter(response__in=list(responses)).values_list(
    "response_id", "question__code", "value"
):
    responses[response_id]["answers"][code] = value
out = {
    "responses": list(responses.values()),
    "inserts": list(AuditEvent.objects.filter(action="bench.insert").values_list("id", "object_id", "detail")),
    "integrity": None,
    "journal_mode": None,
}
if connection.vendor == "sqlite":
    with connection.cursor() as cursor:
        out["integrity"] = [row[0] for row in cursor.execute("PRAGMA integrity_check").fetchall()]
        out["journal_mode"] = cursor.execute("PRAGMA journal_mode").fetchone()[0]
with open(sys.argv[2], "w") as handle:
    json.dump(out, handle)
"""


def run_script(env, cwd, script, *args, timeout=120, what="a Django script"):
    try:
        result = subprocess.run(
            [sys.executable, "-c", script, *args], env=env, cwd=cwd, stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise BenchError(f"{what} took more than {timeout}s") from None
    if result.returncode != 0:
        raise BenchError(f"{what} failed (exit {result.returncode}):\n{result.stderr[-4000:]}")
    return result.stdout


def set_up(env, data_dir, database_url):
    """migrate, collectstatic, load_demo; then what the server runs on and the questionnaire."""
    log(f"Setting up {data_dir}" + (" (database from --database-url)" if database_url else " (SQLite)"))
    manage(env, data_dir, "migrate", "--noinput", "-v", "0")
    manage(env, data_dir, "collectstatic", "--noinput", "-v", "0")
    manage(env, data_dir, "load_demo")
    output = run_script(env, data_dir, SETUP_INFO, SLUG, what="reading the settings and the demo questionnaire")
    info = json.loads(output.strip().splitlines()[-1])
    if info["debug"]:
        raise BenchError("DEBUG is on in the benchmark's settings: the figures would not be production's")
    if not info["open"]:
        raise BenchError(f"the demo consultation {SLUG} is not open today: nobody could respond to it")
    for page in info["pages"]:
        for question in page["questions"]:
            if question["kind"] not in ANSWERERS:
                raise BenchError(
                    f"the demo questionnaire has a {question['kind']} question ({question['code']}), which the "
                    "simulated respondents cannot answer yet: add it to ANSWERERS in bench/_common.py"
                )
    return info


def dump_database(env, data_dir):
    path = Path(data_dir) / "dump.json"
    run_script(env, data_dir, DUMP, SLUG, str(path), what="reading the responses back from the database")
    data = json.loads(path.read_text())
    path.unlink()
    return data


# ---------------------------------------------------------------- the server


@dataclass
class ServerConfig:
    worker_class: str = "sync"
    workers: int = 2
    threads: int = 1

    def describe(self):
        if self.worker_class == "gthread":
            return f"{self.workers} gthread workers x {self.threads} threads"
        return f"{self.workers} {self.worker_class} workers"


class Server:
    """gunicorn on 127.0.0.1:port, in a session of its own (process group = its pid)."""

    def __init__(self, env, cwd, port, config, log_path):
        self.env, self.cwd, self.port, self.config, self.log_path = env, cwd, port, config, Path(log_path)
        self.process = None
        self.base = f"http://{HOST}:{port}"

    def start(self):
        command = [
            sys.executable, "-m", "gunicorn",
            "--bind", f"{HOST}:{self.port}",
            "--workers", str(self.config.workers),
            "--worker-class", self.config.worker_class,
            "--error-logfile", "-",
            "--log-level", "warning",
            "haveyoursay.wsgi:application",
        ]  # fmt: skip
        if self.config.worker_class == "gthread":
            command[-1:-1] = ["--threads", str(self.config.threads)]
        with open(self.log_path, "ab") as log_file:
            self.process = subprocess.Popen(
                command, env=self.env, cwd=self.cwd, stdin=subprocess.DEVNULL, stdout=log_file,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def pids(self):
        """The master's pid and its workers' (children of the master)."""
        if self.process is None or self.process.poll() is not None:
            return []
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            children = []
        return [self.process.pid, *(int(pid) for pid in children)]

    def kill9(self):
        """SIGKILL to the master and every worker at once (its process group); returns their pids."""
        pids = self.pids()
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        # Workers are reaped by init; wait until none is left, so the restart binds a free port.
        for _ in range(200):
            if not any(Path(f"/proc/{pid}").exists() and _not_zombie(pid) for pid in pids[1:]):
                break
            time.sleep(0.01)
        self.process = None
        return pids

    def stop(self):
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=10)
        self.process = None

    def wait_until_answering(self, tries=300, pause=0.05):
        for _ in range(tries):
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited with status {self.process.returncode}:\n{tail(self.log_path)}")
            try:
                status, _, _ = fetch(self.base + BARE_PATH, timeout=2)
            except (URLError, OSError):
                time.sleep(pause)
                continue
            if status == 200:
                return
            raise BenchError(f"{BARE_PATH} answered {status}, not 200:\n{tail(self.log_path)}")
        raise BenchError(f"gunicorn did not answer after {tries} tries:\n{tail(self.log_path)}")

    def logged_errors(self):
        return [line for line in tail(self.log_path, 400).splitlines() if "Traceback" in line or "ERROR" in line]


def _not_zombie(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


# ---------------------------------------------------------------- the HTTP client


class TransportError(Exception):
    """No complete response: refused, reset, closed early or timed out."""


class UnexpectedResponse(BenchError):
    """A complete response, but not the one a working server gives at this step."""


def _parse_cookie(jar, header):
    first, *attributes = header.split(";")
    name, _, value = first.strip().partition("=")
    expired = any(
        a.strip().lower() == "max-age=0" or a.strip().lower().startswith("expires=thu, 01 jan 1970") for a in attributes
    )
    if expired or value in ("", '""'):
        jar.pop(name, None)
    else:
        jar[name] = value


async def _read_response(reader, method):
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        raise TransportError("closed before a response" if not error.partial else "closed mid-headers") from None
    lines = head.decode("latin-1").split("\r\n")
    version, status = lines[0].split(" ", 2)[:2]
    headers = []
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers.append((name.strip().lower(), value.strip()))
    lookup = dict(headers)
    keep_alive = version == "HTTP/1.1" and lookup.get("connection", "").lower() != "close"
    status = int(status)
    try:
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            body = b""
        elif lookup.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await reader.readuntil(b"\r\n")
                    break
                chunks.append(await reader.readexactly(size))
                await reader.readexactly(2)
            body = b"".join(chunks)
        elif "content-length" in lookup:
            body = await reader.readexactly(int(lookup["content-length"]))
        else:
            body = await reader.read()
            keep_alive = False
    except asyncio.IncompleteReadError:
        raise TransportError("closed mid-body") from None
    return status, headers, body, keep_alive


@dataclass
class Record:
    kind: str  # "respondent" or "bare"
    method: str
    step: str
    started: float
    ended: float
    status: int


class Session:
    """One simulated browser: its cookie jar and, with keep-alive, its connection."""

    def __init__(self, load):
        self.load = load
        self.cookies = {}
        self.conn = None

    def close(self):
        if self.conn is not None:
            self.conn[1].close()
            self.conn = None

    async def request(self, method, path, form=None, step=""):
        body = urlencode(form, doseq=True).encode() if form is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.load.port}", "User-Agent: haveyoursay-bench",
                "Accept: text/html"]  # fmt: skip
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{name}={value}" for name, value in self.cookies.items()))
        if method == "POST":
            head += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
        data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
        self.load.in_flight += 1
        try:
            return await self._send(method, data, step)
        finally:
            self.load.in_flight -= 1

    async def _exchange(self, method, data):
        if self.conn is None:
            self.conn = await asyncio.open_connection(HOST, self.load.port, limit=1 << 20)
        reader, writer = self.conn
        writer.write(data)
        await writer.drain()
        return await _read_response(reader, method)

    async def _send(self, method, data, step):
        for attempt in (1, 2):
            reused = self.conn is not None
            started = time.perf_counter()
            try:
                status, headers, payload, keep_alive = await asyncio.wait_for(
                    self._exchange(method, data), self.load.timeout
                )
            except TransportError as error:
                self.close()
                # A kept-alive connection the server had closed: try once more on a new one, as browsers do.
                if reused and attempt == 1 and str(error) == "closed before a response":
                    continue
                raise
            except (OSError, asyncio.TimeoutError) as error:
                self.close()
                if reused and attempt == 1 and isinstance(error, (BrokenPipeError, ConnectionResetError)):
                    continue
                raise TransportError(f"{type(error).__name__}: {error}") from None
            break
        ended = time.perf_counter()
        if not keep_alive:
            self.close()
        self.load.records.append(Record(self.load.kind, method, step, started, ended, status))
        for name, value in headers:
            if name == "set-cookie":
                _parse_cookie(self.cookies, value)
        return status, dict(headers), payload


# ---------------------------------------------------------------- simulated respondents

SENTENCES = [
    "The route along the canal towpath is used by lots of people walking to the station in the morning.",
    "Crossing the ring road at the junction by the college feels dangerous on a bike, especially after dark.",
    "More benches on the way into town would help older people like my mum walk rather than drive.",
    "A protected cycle lane on the A6 would mean I could let my children cycle to school.",
    "The shared path past the park is too narrow where it passes the bus stop; people on bikes and on foot clash.",
    "I’d cycle to work in Leicester if there were a continuous route — it stops at the county boundary.",
    "Please keep the footway clear of parked cars; with a pushchair I often have to step into the road.",
    "Lighting on the old railway path would make it usable in winter.",
    "Café owners on the high street would welcome more cycle parking outside.",
    "Junction improvements should come first: that is where the near misses happen.",
]
POSTCODES = ["LE11 3AB", "le113ab", "LE2 8QA", "LE18 4PG", "le67 5dt", "LE12 9UN", "LE4 0AF", "LE16 7AW"]


def _text(rng, limit, paragraphs=True):
    words = []
    for _ in range(rng.choice((1, 1, 2, 3, 5, 8))):
        words.append(rng.choice(SENTENCES))
    text = " ".join(words)
    if paragraphs and len(words) > 2 and rng.random() < 0.5:
        text = text.replace(". ", ".\r\n\r\n", 1)  # what a browser sends for a new paragraph
    return text[: (limit or 5000)].strip()


def _normalise_postcode(text):
    compact = re.sub(r"\s+", "", text.upper())
    return f"{compact[:-3]} {compact[-3:]}"


def _condition_met(condition, answers):
    if not condition:
        return True
    value = answers.get(condition["question"]) or {}
    chosen = set(value.get("choices", [])) | {value.get("choice")}
    return bool(chosen & set(condition["values"]))


def _answer_single(question, rng, name):
    option = rng.choice(question["options"])
    fields = [(name, option["value"])]
    other = ""
    if option["other"]:
        other = rng.choice(("Cornish", "Prefer to describe myself", "Pagan", "Non-binary"))
        fields.append((f"{name}__other", other))
    return fields, {"choice": option["value"], "other": other}


def _answer_multiple(question, rng, name):
    options = question["options"]
    exclusive = [o for o in options if o["exclusive"]]
    if exclusive and rng.random() < 0.1:
        chosen = [rng.choice(exclusive)]
    else:
        plain = [o for o in options if not o["exclusive"]]
        chosen = rng.sample(plain, rng.randint(1, len(plain)))
    values = {o["value"] for o in chosen}
    fields = [(name, o["value"]) for o in chosen]
    other = ""
    if any(o["other"] for o in chosen):
        other = "Somewhere in between"
        fields.append((f"{name}__other", other))
    return fields, {"choices": [o["value"] for o in options if o["value"] in values], "other": other}


def _answer_text(question, rng, name):
    text = _text(rng, question["max_length"], paragraphs=question["kind"] == "long_text")
    return [(name, text)], {"text": text}


def _answer_location(question, rng, name):
    places = question["settings"].get("places", [])
    if places and rng.random() < 0.55:
        place = rng.choice(places)["value"]
        return [(name, place), (f"{name}__postcode", "")], {"place": place}
    postcode = rng.choice(POSTCODES)
    return [(name, ""), (f"{name}__postcode", postcode)], {"postcode": _normalise_postcode(postcode)}


def _answer_grid(question, rng, name):
    rows = {}
    fields = []
    for statement in question["settings"].get("statements", []):
        if question["required"] or rng.random() < 0.85:
            rows[statement["value"]] = rng.choice(question["options"])["value"]
            fields.append((f"{name}__{statement['value']}", rows[statement["value"]]))
    return fields, ({"rows": rows} if rows else None)


# The kinds in the demo questionnaire; setting up fails loudly if it gains another.
ANSWERERS = {
    "single": _answer_single,
    "agree": _answer_single,
    "importance": _answer_single,
    "area": _answer_single,
    "multiple": _answer_multiple,
    "short_text": _answer_text,
    "long_text": _answer_text,
    "location": _answer_location,
    "grid": _answer_grid,
}


@dataclass
class Plan:
    """What one simulated respondent will send, and what the server should then hold."""

    marker: str
    pages: list  # [(number, form fields, expected Location after it)]
    declaration: list
    answers: dict  # question code -> stored value
    details: dict  # respondent_kind, publication, contact_about_outcome

    @property
    def posts(self):
        return 1 + len(self.pages) + 1  # start, each section, send


def plan_respondent(pages, seed, marker):
    """A seeded respondent: skips some optional questions, routes as the server will."""
    rng = random.Random(f"{seed}:{marker}")
    answers, posted, marked = {}, [], False
    number = 0
    for page in pages:
        if not _condition_met(page["condition"], answers):
            continue
        questions = [q for q in page["questions"] if _condition_met(q["condition"], answers)]
        if not questions:
            continue
        number += 1
        fields = []
        for question in questions:
            name = f"q_{question['code']}"
            is_text = question["kind"] in ("short_text", "long_text")
            if not marked and is_text:
                # Every respondent's first text answer carries its marker: duplicates show up by it.
                text = f"[hys-bench {marker}] " + _text(rng, (question["max_length"] or 5000) - 40)
                fields.append((name, text))
                answers[question["code"]] = {"text": text}
                marked = True
                continue
            if not question["required"] and rng.random() < 0.15:
                continue  # left blank, as people do
            own, value = ANSWERERS[question["kind"]](question, rng, name)
            fields += own
            if value is not None:
                answers[question["code"]] = value
        posted.append((number, fields))
    if not marked:
        raise BenchError("the demo questionnaire has no text question to carry the respondents' markers")
    # Where the server sends each page: the next page visible given the answers so far, or "check".
    visible = [
        page for page in pages
        if _condition_met(page["condition"], answers)
        and any(_condition_met(question["condition"], answers) for question in page["questions"])
    ]  # fmt: skip
    planned = []
    for number, fields in posted:
        following = f"{RESPOND}section/{number + 1}/" if number < len(visible) else f"{RESPOND}check/"
        planned.append((number, fields + [("continue", "")], following))
    kind = "organisation" if rng.random() < 0.1 else "individual"
    publication = rng.choice(("anonymous", "anonymous", "no", "name"))
    contact = rng.random() < 0.3
    declaration = [("respondent_kind", kind), ("publication", publication),
                   ("contact_about_outcome", "yes" if contact else "no"), ("website", "")]  # fmt: skip
    if kind == "organisation":
        declaration += [("organisation_name", "Loughborough Cycle Forum"), ("organisation_role", "Secretary")]
    if publication == "name":
        declaration.append(("respondent_name", "Sam Example"))
    declaration.append(("email", f"respondent-{rng.randrange(10**6)}@example.com" if contact else ""))
    details = {"respondent_kind": kind, "publication": publication, "contact_about_outcome": contact}
    return Plan(marker, planned, declaration, answers, details)


# ---------------------------------------------------------------- the load


@dataclass
class Load:
    """Closed-loop load: `concurrency` simulated respondents at once, each with its own session.

    kind "respondent": GET the start page (CSRF), POST start, POST each section, POST send,
    GET the confirmation page and read the reference. kind "bare": the same shape on the
    bare insert view: GET it (CSRF), POST it as many times as the respondent with the same
    number would POST, GET the count of rows it inserted.
    """

    kind: str
    port: int
    pages: list
    seed: str
    concurrency: int
    timeout: float = 10.0
    retry_for: float = 0.0  # seconds to keep retrying a request that got no response (kill check)
    records: list = field(default_factory=list)
    confirmed: dict = field(default_factory=dict)  # marker -> (reference, plan)
    acknowledged: dict = field(default_factory=dict)  # (token, n) -> id (bare inserts)
    unconfirmed: list = field(default_factory=list)  # markers of respondents that gave up
    errors: list = field(default_factory=list)
    unexpected: list = field(default_factory=list)  # the first few responses that were not the expected one
    transport_errors: int = 0
    error_responses: int = 0
    in_flight: int = 0
    started_journeys: int = 0

    async def step(self, session, method, path, form=None, step="", expect=None):
        """One request; with retry_for, retried (same session) until it gets the expected answer."""
        deadline = time.monotonic() + self.retry_for
        while True:
            try:
                status, headers, body = await session.request(method, path, form, step)
                problem = expect(status, headers, body)
                if problem is None:
                    return status, headers, body
                self.error_responses += 1
                message = (f"{method} {path} ({step}): {problem}; status {status}, "
                           f"Location {headers.get('location')!r}, body {body[:300]!r}")  # fmt: skip
                if len(self.unexpected) < 20:
                    self.unexpected.append(message)
                raise UnexpectedResponse(message)
            except (TransportError, UnexpectedResponse) as error:
                if isinstance(error, TransportError):
                    self.transport_errors += 1
                if time.monotonic() >= deadline:
                    raise UnexpectedResponse(str(error)) from None
                await asyncio.sleep(0.05)

    async def respondent(self, session, sequence, tag):
        plan = plan_respondent(self.pages, self.seed, f"{tag}-{sequence}")

        def page_with_token(status, headers, body):
            if status == 200 and CSRF_RE.search(body.decode("utf-8", "replace")):
                return None
            return "no start page with a form"

        def redirect_to(location):
            def check(status, headers, body):
                if status == 302 and headers.get("location") == location:
                    return None
                return f"not a redirect to {location}"

            return check

        def confirmation(status, headers, body):
            if status == 200 and REFERENCE_RE.search(body.decode("utf-8", "replace")):
                return None
            return "no reference shown"

        _, _, body = await self.step(session, "GET", RESPOND, step="start page", expect=page_with_token)
        token = CSRF_RE.search(body.decode()).group(1)
        await self.step(session, "POST", RESPOND, [("csrfmiddlewaretoken", token), ("website", "")], "start",
                        redirect_to(f"{RESPOND}section/1/"))  # fmt: skip
        for number, fields, following in plan.pages:
            await self.step(session, "POST", f"{RESPOND}section/{number}/", [("csrfmiddlewaretoken", token), *fields],
                            f"section {number}", redirect_to(following))  # fmt: skip
        await self.step(session, "POST", f"{RESPOND}send/", [("csrfmiddlewaretoken", token), *plan.declaration],
                        "send", redirect_to(f"{RESPOND}sent/"))  # fmt: skip
        _, _, body = await self.step(session, "GET", f"{RESPOND}sent/", step="confirmation", expect=confirmation)
        self.confirmed[plan.marker] = (REFERENCE_RE.search(body.decode()).group(1), plan)

    async def bare(self, session, sequence, tag):
        posts = plan_respondent(self.pages, self.seed, f"{tag}-{sequence}").posts
        token = f"{tag}-{sequence}"

        def csrf(status, headers, body):
            return None if status == 200 and body.startswith(b"csrf ") else "no CSRF token"

        def an_id(status, headers, body):
            return None if status == 200 and body.isdigit() else "no row id"

        _, _, body = await self.step(session, "GET", INSERT_PATH, step="form", expect=csrf)
        form_token = body.decode().split()[1]
        for n in range(1, posts + 1):
            _, _, body = await self.step(session, "POST", INSERT_PATH,
                                         [("csrfmiddlewaretoken", form_token), ("token", token), ("n", str(n))],
                                         "insert", an_id)  # fmt: skip
            self.acknowledged[(token, n)] = int(body)

        def count(status, headers, body):
            return None if status == 200 and body == str(posts).encode() else f"not {posts} rows"

        await self.step(session, "GET", f"{INSERT_PATH}?token={token}", step="count", expect=count)

    async def run(self, tag, duration=None, journeys=None):
        """Until `duration` seconds have passed (journeys in progress then finish) or `journeys`
        have started. Returns (start, end) of the load in perf_counter time."""
        sequence = iter(range(1, 10**9))
        started = time.perf_counter()
        stop_at = started + duration if duration else None
        journey = self.respondent if self.kind == "respondent" else self.bare

        async def worker():
            while True:
                if stop_at is not None and time.perf_counter() >= stop_at:
                    return
                if journeys is not None and self.started_journeys >= journeys:
                    return
                self.started_journeys += 1
                number = next(sequence)
                session = Session(self)
                try:
                    await journey(session, number, tag)
                except UnexpectedResponse as error:
                    self.errors.append(str(error))
                    self.unconfirmed.append(f"{tag}-{number}")
                    if not self.retry_for or len(self.errors) > 20:
                        raise
                finally:
                    session.close()

        tasks = [asyncio.ensure_future(worker()) for _ in range(self.concurrency)]
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        return started, time.perf_counter()


def window_stats(records, kind, start, end):
    """POSTs per second and their latencies (ms), for POSTs that ended within [start, end]."""
    posts = [r for r in records if r.kind == kind and r.method == "POST" and start <= r.ended <= end]
    latencies = sorted((r.ended - r.started) * 1000 for r in posts)
    return len(posts) / (end - start), latencies


def percentile(values, share):
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, round(share * len(values) + 0.5) - 1))  # nearest rank
    return values[index]


def median(values):
    return statistics.median(values)


# ---------------------------------------------------------------- checking the database


def check_responses(dump, confirmed):
    """Every confirmed respondent's response: present once, submitted, with its answers.

    Returns a dict of counts and a list of example problems.
    """
    by_reference = {row["reference"]: row for row in dump["responses"]}
    submitted_by_marker = {}
    for row in dump["responses"]:
        if row["state"] != "submitted":
            continue
        for value in row["answers"].values():
            match = MARKER_RE.search(value.get("text", "")) if isinstance(value, dict) else None
            if match:
                submitted_by_marker.setdefault(match.group(1), []).append(row["reference"])
                break
    counts = {"confirmed": len(confirmed), "present": 0, "missing": 0, "wrong": 0, "duplicated": 0}
    problems = []
    for marker, (reference, plan) in confirmed.items():
        row = by_reference.get(reference)
        if row is None:
            counts["missing"] += 1
            problems.append(f"{reference} ({marker}): confirmed, not in the database")
            continue
        wrong = []
        if row["state"] != "submitted":
            wrong.append(f"state {row['state']}")
        if row["answers"] != plan.answers:
            differing = sorted(set(row["answers"]) ^ set(plan.answers) | {
                code for code in set(row["answers"]) & set(plan.answers) if row["answers"][code] != plan.answers[code]
            })  # fmt: skip
            wrong.append(f"answers differ for {', '.join(differing)}")
        for name, value in plan.details.items():
            if row[name] != value:
                wrong.append(f"{name} {row[name]!r}, sent {value!r}")
        if wrong:
            counts["wrong"] += 1
            problems.append(f"{reference} ({marker}): " + "; ".join(wrong))
        else:
            counts["present"] += 1
        if len(submitted_by_marker.get(marker, [])) > 1:
            counts["duplicated"] += 1
            references = submitted_by_marker[marker]
            problems.append(f"{marker}: submitted {len(references)} times: {', '.join(references)}")
    # Submitted more than once without a confirmation for it (a retried send, say) is doubled too.
    counts["duplicated"] += sum(
        1 for marker, references in submitted_by_marker.items() if len(references) > 1 and marker not in confirmed
    )
    counts["in_progress"] = sum(1 for row in dump["responses"] if row["state"] != "submitted")
    counts["submitted"] = sum(1 for row in dump["responses"] if row["state"] == "submitted")
    return counts, problems


def check_inserts(dump, acknowledged):
    """Every acknowledged bare insert present, once."""
    rows = {}
    seen = {}
    for pk, token, detail in dump["inserts"]:
        rows[pk] = (token, detail.get("n"))
        seen[(token, detail.get("n"))] = seen.get((token, detail.get("n")), 0) + 1
    missing = sum(1 for key, pk in acknowledged.items() if rows.get(pk) != key)
    doubled = sum(1 for count in seen.values() if count > 1)
    return {"acknowledged": len(acknowledged), "missing": missing, "doubled": doubled}
