from django.urls import path

from haveyoursay.outcomes import feeds

app_name = "outcomes"
urlpatterns = [
    path("consultations.ics", feeds.closing_dates, name="closing_dates"),
    path("topics/<slug:slug>/consultations.ics", feeds.closing_dates, name="topic_closing_dates"),
    path("topics/<slug:slug>/consultations.atom", feeds.topic_feed, name="topic_feed"),
]
