from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, reverse


def council(request):
    """The council's name, logo and the site's name, and the addresses every page's header
    and footer link to."""
    return {
        "council_name": settings.COUNCIL_NAME,
        "council_url": settings.COUNCIL_URL,
        "council_logo": settings.COUNCIL_LOGO,
        "site_name": settings.SITE_NAME,
        "privacy_url": settings.PRIVACY_URL,
        "site_urls": site_urls(get_script_prefix()),
    }


@lru_cache(maxsize=8)
def site_urls(script_prefix):
    """Worked out once per process (and per script prefix, which `reverse` starts them with):
    six `{% url %}` tags in the base template took as long as the rest of the header and
    footer together, on every page."""
    return {
        "index": reverse("hub:index"),
        "feed": reverse("hub:feed"),
        "meetings": reverse("decisions:meetings"),
        "decisions": reverse("decisions:decisions"),
        "api": reverse("api_docs"),
        "theme": reverse("theme"),
        "staff": reverse("staff:consultations"),
    }
