"""An analyst turns a question's 5,000 comments into a reviewed codeframe in Chromium, each step timed.

    .venv/bin/python bench/analyst_flow.py                  # about 5 minutes on 2 cores
    .venv/bin/python bench/analyst_flow.py --comments 1000  # a smaller run, to try it out

Builds a fresh data dir (SQLite): migrations, static files, the demo consultations, and the
Joint Carers Strategy questionnaire answered by synthetic respondents (the demo's own
generator, `surveys/demo_responses.py`, with a seed of its own) until its first open
question, "Why do you say this?" (`vision_why`), has `--comments` comments. Starts the real
server (gunicorn, 2 sync workers) and the real background worker (`haveyoursay worker`,
the database queue), then drives Debian's Chromium through Playwright as an analyst would:
sign in, open the question's themes, ask for suggestions, wait for the job, review (rename
two themes, merge two, move answers, delete one, add one), code a batch from "Code the next
answers", apply the codeframe; then three coding steps: code 20, then 50, then 100 more
answers from "Code the next answers", apply the codeframe and wait, and accept the
application if the page holds it back (it would move more than a tenth of the answers, or
empty a theme), reading each theme's count before and after from the themes page: a theme
emptied by an application no one accepted fails the run. Then open the low-confidence
queue, put forward quotes and approve three, open the engagement report and check that the
themes with their counts and the approved quotes are in it.

Waiting is always by polling what the page shows (the job's state), never a fixed sleep.
Prints each step's wall-clock time; for each coding step its times, the share of answers
with no theme ("Other or unclear"), the answers the machine was unsure of, the themes
emptied and what was held back, and every theme's count after it; the server-side time of
each background job, the total, and the size and load time of the heaviest pages. See
bench/README.md.

Progress goes to stderr, the figures to stdout. Exit status 0 when measured, 1 on failure.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hub import (  # noqa: E402
    HOST,
    BenchError,
    bench_environment,
    free_port,
    log,
    machine,
    manage,
    start_gunicorn,
    stop_gunicorn,
    tail,
    wait_until_answering,
)

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]
SEED = "analyst-flow"
QUESTION_CODE = "vision_why"
# The analyst codes this many more answers, applies the codeframe and waits, three times over.
CODING_STEPS = (20, 50, 100)
# What the themes page writes before a theme's defining words; a run that finds none stops (`themes_table`).
WORDS_SHOWN = "Words that set it apart:"
POLL_MS = 250  # how often a waiting analyst's page is reloaded to see the job's state
JOB_TIMEOUT_S = 600
PAGE_TIMEOUT_MS = 120_000
# Names an analyst would give themes, by the words that define them; the first that fits is used.
REVIEWED_NAMES = [
    (("break", "respite", "rest"), "Breaks and respite for carers"),
    (("money", "allowance", "financial", "cost"), "Money and carers allowance"),
    (("information", "advice", "know"), "Information and advice for carers"),
    (("gp", "doctor", "surgery"), "GPs identifying carers"),
    (("young", "school"), "Young carers at school"),
    (("online", "digital", "internet"), "Not everyone is online"),
    (("assessment",), "Carers assessments"),
    (("recognised", "recognition", "valued", "unpaid"), "Recognising what carers do"),
    (("wellbeing", "mental", "health"), "Carers' own health and wellbeing"),
    (("deliver", "action", "words", "happen"), "Will it be delivered?"),
]


# ---------------------------------------------------------------- building the data (a step in a fresh process)


def step_build(comments):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from haveyoursay.analysis.demo import load_demo_population_tables
    from haveyoursay.analysis.themes import workflow as themes
    from haveyoursay.hub.demo import load_demo
    from haveyoursay.surveys.demo import CARERS_SLUG, load_demo_questionnaires
    from haveyoursay.surveys.demo_responses import generate_responses, load_demo_responses, save_responses
    from haveyoursay.surveys.models import Questionnaire

    started = time.perf_counter()
    load_demo()
    load_demo_questionnaires()
    questionnaire = Questionnaire.objects.select_related("consultation").get(consultation__slug=CARERS_SLUG)
    # About half the respondents answer "Why do you say this?": make enough, keep them until there are `comments`.
    made, count = [], int(comments * 2.2) + 50
    while True:
        made = generate_responses(questionnaire, count=count, seed=SEED)
        with_comment = [n for n, (_, answers) in enumerate(made) if str(answers.get(QUESTION_CODE, {}).get("text", "")).strip()]
        if len(with_comment) >= comments:
            break
        count *= 2
    kept = made[: with_comment[comments - 1] + 1]
    save_responses(questionnaire, kept)
    load_demo_responses()  # the other demo questionnaire's; the carers one has its responses now
    load_demo_population_tables()
    question = themes.question_with_code(questionnaire.consultation, QUESTION_CODE)
    password = os.urandom(12).hex()
    analyst = get_user_model().objects.create_user(
        "bench-analyst", password=password, first_name="Bench", last_name="Analyst", is_staff=True
    )
    analyst.groups.add(Group.objects.get(name="Analyst"))
    return {
        "seconds": time.perf_counter() - started, "consultation": questionnaire.consultation_id,
        "title": questionnaire.consultation.title, "question": question.text, "code": QUESTION_CODE,
        "comments": themes.count_comments(question), "responses": len(kept),
        "username": analyst.username, "password": password,
    }


def step_jobs():
    """Each background job's own times, as the server recorded them."""
    import django

    django.setup()
    from haveyoursay.jobs.models import Job

    return [
        {
            "title": job.title, "state": job.state, "error": job.error_message,
            "waited": (job.started_at - job.created_at).total_seconds() if job.started_at else None,
            "ran": (job.finished_at - job.started_at).total_seconds() if job.finished_at and job.started_at else None,
        }
        for job in Job.objects.order_by("pk")
    ]


def run_step(env, cwd, *arguments, timeout=1800):
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--step", *arguments],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if result.returncode != 0:
        raise BenchError(f"step {arguments[0]} failed (exit {result.returncode}):\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- the analyst in the browser


class Analyst:
    """A Playwright page, timing each step and each page it loads."""

    def __init__(self, page, base, consultation, code):
        self.page, self.base = page, base
        self.codeframe_url = f"{base}/staff/consultations/{consultation}/themes/{code}/"
        self.report_url = f"{base}/staff/consultations/{consultation}/report/"
        self.steps, self.pages = [], []

    @contextmanager
    def step(self, name):
        log(f"  {name} ...")
        started = time.perf_counter()
        yield
        self.steps.append((name, time.perf_counter() - started))

    def measure(self, name):
        """The page now shown: its HTML size, time to first byte and time to load, as the browser saw them."""
        timing = self.page.evaluate(
            """() => { const n = performance.getEntriesByType("navigation")[0];
                       return [n.responseStart - n.requestStart, n.loadEventEnd - n.startTime]; }"""
        )
        size = self.page.evaluate("() => document.documentElement.outerHTML.length")
        self.pages.append((name, self.page.url.removeprefix(self.base), size, timing[0], timing[1]))

    def open(self, url, name=None):
        response = self.page.goto(url)
        if response is None or response.status != 200:
            raise BenchError(f"{url} answered {response.status if response else 'nothing'}:\n{self.page.content()[:2000]}")
        if name:
            self.measure(name)

    def click(self, locator):
        with self.page.expect_navigation():
            locator.click()
        problem = self.page.locator(".govuk-error-summary")
        if problem.count():
            raise BenchError(f"the page said: {problem.inner_text()}")

    def expect_message(self, text):
        banner = self.page.locator(".govuk-notification-banner")
        if text not in (banner.inner_text() if banner.count() else ""):
            raise BenchError(f"expected the message {text!r}; the page said:\n{self.page.locator('main').inner_text()[:2000]}")

    def wait_for_job(self):
        """Reload the page the analyst landed on until the job it shows has finished; fail if it failed."""
        deadline = time.monotonic() + JOB_TIMEOUT_S
        while True:
            state = self.shown_job_state()
            if state in ("Done", None):
                return
            if state == "Failed":
                raise BenchError(f"the job failed: {self.page.locator('main').inner_text()[:2000]}")
            if time.monotonic() > deadline:
                raise BenchError(f"the job was still '{state}' after {JOB_TIMEOUT_S} s")
            self.page.wait_for_timeout(POLL_MS)
            self.page.reload()

    def run_job(self, button):
        """Press the themes page's `button`, wait for the job it starts, and be back on the themes page."""
        self.click(self.page.get_by_role("button", name=button))
        self.wait_for_job()
        if self.page.url.rstrip("/") != self.codeframe_url.rstrip("/"):
            self.open(self.codeframe_url)

    def shown_job_state(self):
        """The state the page shows: a job's own page, or a page with a job's progress on it (None: no job shown)."""
        panel = self.page.locator("[data-job-state]")
        if panel.count():
            return panel.first.locator(".govuk-tag").inner_text().strip()
        if re.search(r"/staff/jobs/\d+/$", self.page.url):
            return self.page.locator("main .govuk-tag").first.inner_text().strip()
        return None

    def themes_table(self):
        """[(label, answers, href, words)] as the themes page shows them (not the "Other or unclear" row); words
        are the ones that set the theme apart, comma-separated, lower case."""
        rows = []
        for row in self.page.get_by_role("table", name="Themes").locator("tbody tr").all():
            link = row.locator("th a")
            if not link.count():
                continue
            words = row.locator("td p", has_text=WORDS_SHOWN)
            rows.append((
                link.inner_text().strip(), int(row.locator("td[data-answers]").get_attribute("data-answers")),
                link.get_attribute("href"),
                words.first.inner_text().lower().removeprefix(WORDS_SHOWN.lower()).strip() if words.count() else "",
            ))  # fmt: skip
        if rows and not any(row[3] for row in rows):
            # The simulated analyst codes by these words: without them every answer would be "None of these".
            raise BenchError(f"the themes page shows no theme's words after {WORDS_SHOWN!r}")
        return rows

    def figures(self):
        """What the themes page now shown says: {theme: answers}, answers with no theme, answers coded by a person,
        answers the machine was unsure of."""
        main = self.page.locator("main").inner_text()
        coded = re.search(r"([\d,]+) answers? coded by a person", main)
        unsure = re.search(r"([\d,]+) answers? the machine was unsure of", main)
        other = self.page.locator("#other-or-unclear td[data-answers]").get_attribute("data-answers")
        return {
            "counts": {label: count for label, count, _, _ in self.themes_table()}, "other": int(other),
            "coded": int(coded.group(1).replace(",", "")) if coded else 0,
            "unsure": int(unsure.group(1).replace(",", "")) if unsure else 0,
        }

    def held_back(self):
        """The application the page holds back for the analyst, or None: its sentence and the themes it would empty."""
        table = self.page.locator("#proposal")
        if not table.count():
            return None
        warning = self.page.locator(".govuk-warning-text", has_text="new application is waiting").inner_text()
        emptied = [
            row.locator("th").inner_text().replace("No answers left", "").strip()
            for row in table.locator("tbody tr", has_text="No answers left").all()
        ]
        moved = re.search(r"change the themes of ([\d,]+) of the ([\d,]+) answers it codes \(([^)]*)\)", warning)
        return {"moved": moved.group(1), "of": moved.group(2), "share": moved.group(3), "emptied": emptied}


def reviewed_name(words, taken):
    for keys, name in REVIEWED_NAMES:
        if name not in taken and any(key in words for key in keys):
            return name
    return None


def drive(analyst, built, username, password):
    page = analyst.page
    with analyst.step("sign in"):
        analyst.open(f"{analyst.base}/staff/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        analyst.click(page.get_by_role("button", name="Sign in"))

    with analyst.step("open the question's themes page"):
        analyst.open(analyst.codeframe_url, "themes page, no codeframe yet")

    with analyst.step("ask for suggestions and wait for the job"):
        analyst.run_job("Suggest themes")
    analyst.measure("themes page, suggested and applied")
    table = analyst.themes_table()
    suggested = len(table)

    with analyst.step("rename two themes"):
        taken, renamed = set(), []
        for label, _, href, words in table:
            name = reviewed_name(words + " " + label.lower(), taken)
            if name is None or label == "Nothing to add":
                continue
            analyst.open(analyst.base + href, None if renamed else "a theme and its answers")
            page.get_by_label("Name", exact=True).fill(name)
            analyst.click(page.get_by_role("button", name="Save name and description"))
            taken.add(name)
            renamed.append((href, name))
            if len(renamed) == 2:
                break
        if len(renamed) < 2:
            raise BenchError(f"found fewer than two themes to rename among {[row[0] for row in table]}")

    with analyst.step("merge two themes"):
        analyst.open(analyst.codeframe_url)
        table = analyst.themes_table()
        others = [row for row in table if row[2] not in {href for href, _ in renamed} and row[0] != "Nothing to add"]
        group = page.get_by_role("group", name="Themes to merge")
        for label, *_ in others[:2]:
            group.get_by_label(label, exact=True).check()
        merged_name = f"{others[0][0]} (merged)"
        page.get_by_label("Name of the merged theme (optional)").fill(merged_name)
        analyst.click(page.get_by_role("button", name="Merge themes"))
        analyst.expect_message("merged")

    with analyst.step("move three answers to another theme"):
        analyst.open(analyst.base + renamed[0][0])
        answers = page.get_by_role("group", name="Answers to move").get_by_role("checkbox")
        for number in range(3):
            answers.nth(number).check()
        page.get_by_label("Move them to").select_option(label=renamed[1][1])
        analyst.click(page.get_by_role("button", name="Move answers"))
        analyst.expect_message("3 answers moved")

    with analyst.step("delete one theme"):
        analyst.open(analyst.codeframe_url)
        table = analyst.themes_table()
        smallest = min((row for row in table if row[0] != "Nothing to add"), key=lambda row: row[1])
        analyst.open(analyst.base + smallest[2])
        analyst.click(page.get_by_role("button", name="Delete this theme"))
        analyst.expect_message("has been deleted")

    with analyst.step("add one theme"):
        if page.url.rstrip("/") != analyst.codeframe_url.rstrip("/"):
            analyst.open(analyst.codeframe_url)
        form = page.locator("form", has=page.get_by_role("button", name="Add theme"))
        form.get_by_label("Name", exact=True).fill("Support for carers after the person they cared for has died")
        form.get_by_label("Description (optional)").fill("Bereavement, and what happens to carers when caring ends.")
        analyst.click(page.get_by_role("button", name="Add theme"))
        analyst.expect_message("has been added")

    with analyst.step("code a batch from 'Code the next answers'"):
        analyst.open(analyst.codeframe_url)
        table = analyst.themes_table()
        analyst.click(page.get_by_role("link", name="Code the next answers"))
        analyst.measure("code the next answers")
        coded = code_shown_answers(page, table)
        analyst.click(page.get_by_role("button", name="Save and show more"))
        analyst.expect_message(f"{coded} answer")

    with analyst.step("apply the codeframe and wait for the job"):
        analyst.open(analyst.codeframe_url)
        analyst.run_job("Apply the codeframe to every answer")
    analyst.measure("themes page, reviewed and applied")
    reviewed = analyst.figures()
    coding = [coding_step(analyst, size) for size in CODING_STEPS]
    analyst.open(analyst.codeframe_url)
    final = analyst.themes_table()

    with analyst.step("open the low-confidence queue"):
        analyst.click(page.get_by_role("link", name=re.compile(r"^Check the answers the machine was unsure of")))
        analyst.measure("answers the machine was unsure of")

    with analyst.step("put forward quotes and approve three"):
        analyst.open(analyst.codeframe_url)
        analyst.click(page.get_by_role("link", name="Quotes for the report"))
        analyst.click(page.get_by_role("button", name="Put forward candidate quotes"))
        analyst.measure("quotes")
        approved = []
        for _ in range(3):
            card = page.locator(".govuk-summary-card", has=page.get_by_role("button", name="Approve this quote")).first
            approved.append(card.locator("blockquote").inner_text().strip().strip("“”"))
            analyst.click(card.get_by_role("button", name="Approve this quote"))
            analyst.expect_message("approved")

    with analyst.step("read all the comments (first page)"):
        analyst.open(analyst.codeframe_url)
        analyst.click(page.get_by_role("link", name="Read them all"))
        analyst.measure("all the comments")

    with analyst.step("make the engagement report and wait for it"):
        analyst.open(analyst.report_url)
        deadline = time.monotonic() + JOB_TIMEOUT_S
        while "(up to date)" not in page.locator("main").inner_text():
            if "Failed" in page.locator("main").inner_text() or time.monotonic() > deadline:
                raise BenchError(f"the report was not made:\n{page.locator('main').inner_text()[:2000]}")
            page.wait_for_timeout(POLL_MS)
            page.reload()
    analyst.measure("engagement report (staff page)")
    report = page.locator(".hys-report").first.inner_text()
    check_report(report, built, final, approved)
    return {"suggested": suggested, "final": final, "approved": approved, "reviewed": reviewed, "coding": coding}


def coding_step(analyst, size):
    """The analyst codes `size` more answers from "Code the next answers", applies the codeframe and waits
    for it, and accepts the application if the page holds it back; the themes page's figures before and after.

    A theme that had answers and has none after an application no one accepted fails the run."""
    page = analyst.page
    log(f"  code {size} more answers, apply the codeframe and wait ...")
    analyst.open(analyst.codeframe_url)
    before = analyst.figures()
    table = analyst.themes_table()
    started = time.perf_counter()
    analyst.click(page.get_by_role("link", name="Code the next answers"))
    coded = 0
    while coded < size:
        shown = code_shown_answers(page, table)
        if not shown:
            raise BenchError(f"'Code the next answers' had nothing left after {coded} of {size}")
        analyst.click(page.get_by_role("button", name="Save and show more"))
        analyst.expect_message(f"{shown} answer")
        coded += shown
    coding_time = time.perf_counter() - started
    started = time.perf_counter()
    analyst.open(analyst.codeframe_url)
    analyst.run_job("Apply the codeframe to every answer")
    applying_time = time.perf_counter() - started
    after = analyst.figures()
    emptied = [label for label, count in before["counts"].items() if count and not after["counts"].get(label)]
    if emptied:
        raise BenchError(f"coding {size} more answers emptied {emptied} with no one accepting it")
    held_back, accepting_time = analyst.held_back(), None
    if held_back:
        started = time.perf_counter()
        analyst.click(page.get_by_role("button", name="Accept the new application"))
        analyst.expect_message("The new application is in the figures")
        accepting_time = time.perf_counter() - started
        after = analyst.figures()
        emptied = [label for label, count in before["counts"].items() if count and not after["counts"].get(label)]
        if sorted(emptied) != sorted(held_back["emptied"]):
            raise BenchError(f"accepting emptied {emptied}; the page said it would empty {held_back['emptied']}")
    return {
        "size": size, "coding": coding_time, "applying": applying_time, "accepting": accepting_time,
        "held_back": held_back, "emptied": emptied, "after": after,
    }


def code_shown_answers(page, table):
    """Tick, for each answer shown, the themes whose defining words it uses, or "None of these"."""
    cards = page.locator(".govuk-summary-card").all()
    for number, card in enumerate(cards, start=1):
        text = card.locator(".hys-prose").inner_text().lower()
        group = page.get_by_role("group", name=f"Themes of answer {number}")
        chosen = [label for label, _, _, words in table if words and any(
            word.strip() and word.strip() in text for word in words.split(",")
        )][:2]  # fmt: skip
        for label in chosen:
            group.get_by_label(label, exact=True).check()
        if not chosen:
            group.get_by_label("None of these").check()
    return len(cards)


def check_report(report, built, final, approved):
    """The report's free-text section shows each theme with its count, and every approved quote."""
    missing = [f"{label} ({count:,})" for label, count, _, _ in final if count and not re.search(
        re.escape(label) + r"\s+" + f"{count:,}".replace(",", ",?") + r"\b", report
    )]  # fmt: skip
    if missing:
        raise BenchError(f"the report does not show these themes with their counts: {missing}")
    quotes = [quote for quote in approved if quote not in report]
    if quotes:
        raise BenchError(f"the report does not show these approved quotes: {quotes}")
    if f"{built['comments']:,} who commented" not in report:
        raise BenchError(f"the report does not give the base ({built['comments']:,} who commented)")


# ---------------------------------------------------------------- the run


def start_worker(env, cwd, log_path):
    with open(log_path, "wb") as log_file:
        return subprocess.Popen(
            [sys.executable, "-m", "django", "worker"], env=env, cwd=cwd, stdin=subprocess.DEVNULL,
            stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def measure(args, data_dir):
    env = bench_environment(data_dir, None)
    env.pop("TASKS_BACKEND", None)  # the database queue, the embedded default
    log(f"Setting up {data_dir} (SQLite)")
    manage(env, data_dir, "migrate", "--noinput", "-v", "0")
    manage(env, data_dir, "collectstatic", "--noinput", "-v", "0")
    log(f"  building {args.comments:,} comments ...")
    built = run_step(env, data_dir, "build", str(args.comments))
    log(f"  built in {built['seconds']:.1f} s: {built['responses']:,} responses, {built['comments']:,} comments")

    port = free_port()
    base = f"http://{HOST}:{port}"
    server_log, worker_log = Path(data_dir) / "gunicorn.log", Path(data_dir) / "worker.log"
    server = start_gunicorn(env, data_dir, port, server_log)
    worker = start_worker(env, data_dir, worker_log)
    load_before = os.getloadavg()
    try:
        wait_until_answering(server, base, server_log)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(locale="en-GB", timezone_id="Europe/London", viewport={"width": 1280, "height": 900})
            context.set_default_timeout(PAGE_TIMEOUT_MS)
            analyst = Analyst(context.new_page(), base, built["consultation"], built["code"])
            started = time.perf_counter()
            try:
                outcome = drive(analyst, built, built["username"], built["password"])
            finally:
                total = time.perf_counter() - started
                browser.close()
        if worker.poll() is not None:
            raise BenchError(f"the background worker stopped:\n{tail(worker_log)}")
    except BaseException:
        for name, path in (("gunicorn", server_log), ("worker", worker_log)):
            log(f"{name}'s log (last lines):\n{tail(path)}")
        raise
    finally:
        stop_gunicorn(server)
        stop_gunicorn(worker)  # its own process group too
    jobs = run_step(env, data_dir, "jobs")
    return built, analyst, outcome, total, jobs, load_before


def report(built, analyst, outcome, total, jobs, load_before, load_after):
    cpus, model = machine()
    print("analyst flow benchmark")
    print(f"  machine: {cpus} CPUs, {model}, Python {sys.version.split()[0]}, SQLite, gunicorn 2 sync workers + 1 background worker")
    print(f"  load average (1, 5, 15 min): {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f} before, "
          f"{load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} after")  # fmt: skip
    print(f"  data: “{built['question']}” ({built['title']}): {built['comments']:,} comments from "
          f"{built['responses']:,} synthetic responses (built in {built['seconds']:.0f} s, not measured)")  # fmt: skip
    print(f"  codeframe: {outcome['suggested']} themes suggested, {len(outcome['final'])} after review; "
          f"{len(outcome['approved'])} quotes approved; the report shows every theme with its count and each quote")
    print()
    print("steps (wall clock, as the analyst waits)")
    width = max(len(name) for name, _ in analyst.steps)
    for name, seconds in analyst.steps:
        print(f"  {name:<{width}}  {seconds:7.2f} s")
    print(f"  {'total':<{width}}  {total:7.2f} s")
    print()
    report_coding(built, outcome)
    print()
    print("background jobs (server side: waited in the queue, then ran)")
    for job in jobs:
        waited = "-" if job["waited"] is None else f"{job['waited']:.2f} s"
        ran = "-" if job["ran"] is None else f"{job['ran']:.2f} s"
        print(f"  {job['title']:<48} {job['state']:<10} waited {waited:>8}  ran {ran:>8}")
    print()
    print("pages (HTML size; time to first byte; time to load, from the browser's navigation timing)")
    width = max(len(name) for name, *_ in analyst.pages)
    for name, path, size, first_byte, loaded in analyst.pages:
        print(f"  {name:<{width}}  {size / 1024:8.1f} KiB  {first_byte:7.0f} ms  {loaded:7.0f} ms  {path}")
    print(f"total: {total:.1f} s")


def report_coding(built, outcome):
    """Each coding step: its times, the application held back and accepted, and the themes' counts after it."""
    comments, reviewed, steps = built["comments"], outcome["reviewed"], outcome["coding"]

    def share(figures):
        return f"{100 * figures['other'] / comments:.1f}%"

    print("coding steps (code N more answers from 'Code the next answers', apply and wait; accept what is held back)")
    print(f"  {'step':<10} {'coded':>6} {'coding':>8} {'applying':>9} {'accepting':>9}  {'other or unclear':>16} "
          f"{'unsure':>7}  themes emptied  held back for the analyst")  # fmt: skip
    print(f"  {'reviewed':<10} {reviewed['coded']:>6,} {'':>8} {'':>9} {'':>9}  "
          f"{share(reviewed):>16} {reviewed['unsure']:>7,}")  # fmt: skip
    for step in steps:
        held = step["held_back"]
        said = (
            f"{held['moved']} of {held['of']} answers moved ({held['share']}), "
            f"{len(held['emptied'])} emptied{': ' + '; '.join(held['emptied']) if held['emptied'] else ''}; accepted"
            if held else "no"
        )
        accepting = f"{step['accepting']:.2f} s" if step["accepting"] is not None else "-"
        emptied = f"{len(step['emptied'])}{' (accepted)' if step['emptied'] else ''}"
        after = step["after"]
        size = f"+{step['size']}"
        print(f"  {size:<10} {after['coded']:>6,} {step['coding']:>6.2f} s {step['applying']:>7.2f} s "
              f"{accepting:>9}  {share(after):>16} {after['unsure']:>7,}  {emptied:<14}  {said}")  # fmt: skip
    print()
    print("answers per theme (after the review, then after each coding step)")
    labels = list(reviewed["counts"])
    for step in steps:
        labels += [label for label in step["after"]["counts"] if label not in labels]
    width = max(len(label) for label in labels + ["Other or unclear (no theme)"])
    heading = "".join(f"{'+' + str(step['size']):>8}" for step in steps)
    print(f"  {'theme':<{width}} {'reviewed':>8}{heading}")
    for label in labels:
        counts = [reviewed["counts"].get(label)] + [step["after"]["counts"].get(label) for step in steps]
        print(f"  {label:<{width}} " + "".join(f"{'-' if n is None else format(n, ','):>8}" for n in counts))
    counts = [reviewed["other"]] + [step["after"]["other"] for step in steps]
    print(f"  {'Other or unclear (no theme)':<{width}} " + "".join(f"{n:>8,}" for n in counts))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench/analyst_flow.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=5000, help="comments on the question (default 5,000)")
    parser.add_argument("--keep", action="store_true", help="keep the data dir afterwards, and say where it is")
    parser.add_argument("--step", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        name, *rest = args.step
        print(json.dumps(step_build(int(rest[0])) if name == "build" else step_jobs()))
        return 0
    if args.comments < 50:
        parser.error("--comments must be at least 50")
    if not CHROMIUM.exists():
        log(f"bench/analyst_flow.py needs Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
        return 1

    def stop(signum, frame):
        sys.exit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    import shutil

    data_dir = tempfile.mkdtemp(prefix="haveyoursay-bench-analyst-")
    try:
        built, analyst, outcome, total, jobs, load_before = measure(args, data_dir)
    except BenchError as error:
        log(f"\nFAILED: {error}")
        return 1
    finally:
        if args.keep:
            log(f"data dir kept: {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    report(built, analyst, outcome, total, jobs, load_before, os.getloadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main())
