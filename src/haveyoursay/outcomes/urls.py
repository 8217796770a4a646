from django.urls import path

from haveyoursay.outcomes import feeds, notify_views

app_name = "outcomes"
urlpatterns = [
    path("consultations.ics", feeds.closing_dates, name="closing_dates"),
    path("topics/<slug:slug>/consultations.ics", feeds.closing_dates, name="topic_closing_dates"),
    path("topics/<slug:slug>/consultations.atom", feeds.topic_feed, name="topic_feed"),
    path("consultations/<slug:slug>/get-updates/", notify_views.follow_consultation, name="follow_consultation"),
    path("bodies/<slug:slug>/get-updates/", notify_views.follow_body, name="follow_body"),
    path("get-updates/confirm/<str:token>/", notify_views.confirm, name="confirm"),
    path("emails/unsubscribe/<str:token>/", notify_views.unsubscribe, name="unsubscribe"),
]
