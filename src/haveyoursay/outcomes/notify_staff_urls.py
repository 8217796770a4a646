from django.urls import path

from haveyoursay.outcomes import notify_staff

app_name = "outcomes_staff"
urlpatterns = [
    path("consultations/<int:pk>/outcome/emails/", notify_staff.outcome_emails, name="outcome_emails"),
    path(
        "consultations/<int:pk>/outcome/emails/retry/", notify_staff.retry_outcome_emails,
        name="retry_outcome_emails",
    ),
    path("personal-data/followers/erase/", notify_staff.erase_followers, name="erase_followers"),
]
