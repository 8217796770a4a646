"""The project's URLs plus /__bare__/, a view that does nothing, for bench/hub.py.

The bare view goes through exactly the same middleware as the hub, so the difference
between the two is what the hub view itself costs.
"""

from django.http import HttpResponse
from django.urls import include, path

from haveyoursay.urls import handler400, handler403, handler404, handler500  # noqa: F401


def bare(request):
    return HttpResponse("ok")


urlpatterns = [
    path("__bare__/", bare),
    path("", include("haveyoursay.urls")),
]
