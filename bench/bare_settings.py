"""The project's settings, unchanged except for the URLconf, which adds one bare view.

Used only by bench/hub.py, with bench/ on the Python path.
"""

from haveyoursay.settings import *  # noqa: F401,F403

ROOT_URLCONF = "bare_urls"
