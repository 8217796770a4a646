"""The staff side of questionnaires, under /staff/consultations/<pk>/…"""

from django.urls import include, path

app_name = "surveys_staff"
urlpatterns = [
    path("", include("haveyoursay.surveys.builder_urls")),
    path("", include("haveyoursay.surveys.channels_urls")),
    path("", include("haveyoursay.surveys.imports_urls")),
]
