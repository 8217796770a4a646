from django.conf import settings


def council(request):
    """The council's name, logo and the site's name, for the header and footer of every page."""
    return {
        "council_name": settings.COUNCIL_NAME,
        "council_url": settings.COUNCIL_URL,
        "council_logo": settings.COUNCIL_LOGO,
        "site_name": settings.SITE_NAME,
        "privacy_url": settings.PRIVACY_URL,
    }
