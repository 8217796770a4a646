"""A worker loads the modules of its work once, before RQ forks a process for each piece of
work, rather than in each of those processes."""

import os
import re
import subprocess
import sys
from pathlib import Path

from haveyoursay.jobs.management.commands.worker import TASK_MODULES

SOURCE = Path(__file__).resolve().parent.parent.parent / "src"


def test_the_worker_warms_up_every_module_that_defines_work():
    defining = sorted(
        ".".join(path.relative_to(SOURCE).with_suffix("").parts)
        for path in SOURCE.rglob("*.py")
        if re.search(r"^@task\b", path.read_text(), re.MULTILINE)
    )
    assert defining == sorted(TASK_MODULES)


def test_warming_up_loads_the_work_the_urls_and_the_print_setup():
    # In a process of its own: this one has imported much of it already.
    script = (
        "import sys, django; django.setup()\n"
        "from haveyoursay.jobs.management.commands.worker import TASK_MODULES, warm_up\n"
        "from haveyoursay.reports.render.pdf import print_setup\n"
        "assert 'haveyoursay.reports.generating' not in sys.modules\n"
        "warm_up()\n"
        "print(all(name in sys.modules for name in TASK_MODULES), 'haveyoursay.urls' in sys.modules,"
        " print_setup.cache_info().currsize)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "haveyoursay.settings"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "1"]
