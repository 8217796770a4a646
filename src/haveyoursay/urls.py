from django.contrib import admin
from django.urls import include, path

from haveyoursay.api import docs as api_docs
from haveyoursay.api.urls import api_urls
from haveyoursay.hub import theme

urlpatterns = [
    path("", include("haveyoursay.hub.urls")),
    path("", include("haveyoursay.surveys.urls")),
    path("", include("haveyoursay.reports.urls")),
    path("", include("haveyoursay.decisions.urls")),
    path("", include("haveyoursay.outcomes.urls")),
    path("api/", api_docs.page, name="api_docs"),
    path("api/v1/", api_urls()),
    path("staff/", include("haveyoursay.hub.staff_urls")),
    path("staff/", include("haveyoursay.surveys.staff_urls")),
    path("staff/", include("haveyoursay.reports.staff_urls")),
    path("staff/", include("haveyoursay.analysis.staff_urls")),
    path("staff/", include("haveyoursay.jobs.staff_urls")),
    path("staff/", include("haveyoursay.decisions.staff_urls")),
    path("staff/", include("haveyoursay.accounts.staff_urls")),
    path("staff/", include("haveyoursay.privacy.staff_urls")),
    path("staff/", include("haveyoursay.outcomes.record_urls")),
    path("staff/", include("haveyoursay.outcomes.staff_urls")),
    path("theme.css", theme.stylesheet, name="theme"),
    path("django-admin/", admin.site.urls),
]

handler400 = "haveyoursay.hub.errors.bad_request"
handler403 = "haveyoursay.hub.errors.permission_denied"
handler404 = "haveyoursay.hub.errors.page_not_found"
handler500 = "haveyoursay.hub.errors.server_error"
