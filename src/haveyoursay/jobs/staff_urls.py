"""Background work on the staff site, under /staff/."""

from django.urls import path

from haveyoursay.jobs import staff

app_name = "jobs_staff"
urlpatterns = [
    path("jobs/", staff.jobs, name="jobs"),
    path("jobs/<int:pk>/", staff.job, name="job"),
    path("consultations/<int:pk>/jobs/", staff.consultation_jobs, name="consultation_jobs"),
]
