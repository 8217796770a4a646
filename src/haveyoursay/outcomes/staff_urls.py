"""The decision trail and the outcome emails on the staff site, under a consultation's pages."""

from django.urls import path

from haveyoursay.outcomes import notify_staff, staff

app_name = "outcomes_staff"
urlpatterns = [
    path("consultations/<int:pk>/meetings/", staff.find_meeting, name="find_meeting"),
    path("consultations/<int:pk>/meetings/<int:meeting_pk>/", staff.link_item, name="link_item"),
    path("consultations/<int:pk>/meetings/links/<int:consideration_pk>/", staff.change_link, name="change_link"),
    path(
        "consultations/<int:pk>/meetings/links/<int:consideration_pk>/remove/", staff.unlink_item, name="unlink_item"
    ),
    path("consultations/<int:pk>/outcome/emails/", notify_staff.outcome_emails, name="outcome_emails"),
    path(
        "consultations/<int:pk>/outcome/emails/retry/", notify_staff.retry_outcome_emails,
        name="retry_outcome_emails",
    ),
    path("personal-data/followers/erase/", notify_staff.erase_followers, name="erase_followers"),
]
