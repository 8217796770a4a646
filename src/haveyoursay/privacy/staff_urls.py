"""Personal data on the staff site: retention, erasure and subject access."""

from django.urls import path

from haveyoursay.privacy import staff

app_name = "privacy_staff"
urlpatterns = [
    path("personal-data/retention/", staff.retention, name="retention"),
    path("consultations/<int:pk>/retention/", staff.consultation_retention, name="consultation_retention"),
    path(
        "consultations/<int:pk>/responses/<int:response_pk>/erase/", staff.erase_response, name="erase_response"
    ),
    path("personal-data/subject-access/", staff.subject_access, name="subject_access"),
    path("personal-data/subject-access/export/", staff.subject_access_export, name="subject_access_export"),
]
