"""The project's settings, unchanged except for the URLconf: bench/submit_urls.py.

Used only by bench/submit.py and bench/kill_check.py, with bench/ on the Python path.
"""

from haveyoursay.settings import *  # noqa: F401,F403

ROOT_URLCONF = "submit_urls"
