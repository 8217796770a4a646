"""Error pages in the site's own design, saying what a person can do next."""

from django.shortcuts import render
from django.template.loader import get_template
from django.urls import reverse


def _error(request, status, title, message):
    # On the staff site, to someone signed in, in the staff site's layout with a way back into it,
    # not the public site's with "Go to all consultations".
    user = getattr(request, "user", None)
    staff = user is not None and user.is_authenticated and request.path.startswith(reverse("staff:consultations"))
    template = "staff/error.html" if staff else "error.html"
    return render(request, template, {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, "Sorry, there is a problem with that request",
                  "Go back and try again. If it keeps happening, contact us.")


def permission_denied(request, exception=None):
    return _error(request, 403, "You do not have permission to see this page",
                  "If you think you should, ask your site administrator for access.")


def page_not_found(request, exception=None):
    return _error(request, 404, "Page not found",
                  "If you typed the web address, check it is correct. If you pasted it, check you copied "
                  "the entire address. You can find current consultations on the home page.")


def server_error(request):
    # Rendered without a request context: the failure may have been in a context processor.
    from django.http import HttpResponseServerError

    html = get_template("500.html").render({})
    return HttpResponseServerError(html)


def csrf_failure(request, reason=""):
    return _error(request, 403, "Your session has expired",
                  "For your security, forms expire after a while. Go back, reload the page and send the "
                  "form again.")
