"""The project's URLs plus two bench-only things, for bench/submit.py and bench/kill_check.py.

- /__bench__/insert/: the "bare insert" view. GET sets the CSRF cookie (like any form page);
  POST inserts one AuditEvent row and answers its id; GET ?token=T counts the rows POSTed
  with token T (what a client reads back at the end, like a confirmation page).
- The per-address limit on starting a response (`limits.STARTS_FROM_ADDRESS`) is lifted:
  every simulated respondent comes from 127.0.0.1. The limit is still checked on every
  start (a cache add and incr), so its cost stays in the figures; it just never refuses.

/__bare__/ and everything else are bench/bare_urls.py's, through the same middleware.
"""

from django.http import HttpResponse, HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.views.decorators.http import require_http_methods

from bare_urls import urlpatterns as bare_urlpatterns
from django.urls import path
from haveyoursay import limits
from haveyoursay.accounts.models import AuditEvent
from haveyoursay.urls import handler400, handler403, handler404, handler500  # noqa: F401

STARTS_PER_HOUR_LIFTED = 10**9
limits.STARTS_FROM_ADDRESS.per_hour = STARTS_PER_HOUR_LIFTED

ACTION = "bench.insert"


@require_http_methods(["GET", "POST"])
def insert(request):
    if request.method == "POST":
        token, n = request.POST.get("token", ""), request.POST.get("n", "")
        if not token or not n.isdigit():
            return HttpResponseBadRequest("token and n, please")
        event = AuditEvent.objects.create(action=ACTION, object_id=token[:64], detail={"n": int(n)})
        return HttpResponse(str(event.pk), content_type="text/plain")
    token = request.GET.get("token")
    if token:
        count = AuditEvent.objects.filter(action=ACTION, object_id=token[:64]).count()
        return HttpResponse(str(count), content_type="text/plain")
    return HttpResponse(f"csrf {get_token(request)}", content_type="text/plain")


urlpatterns = [path("__bench__/insert/", insert), *bare_urlpatterns]
