from django.urls import path

from haveyoursay.decisions import views

app_name = "decisions"
urlpatterns = [
    path("meetings/", views.meetings, name="meetings"),
    path("meetings.ics", views.meetings_calendar, name="calendar"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("bodies/", views.bodies, name="bodies"),
    path("bodies/<slug:slug>/", views.body, name="body"),
    path("bodies/<slug:slug>/meetings.ics", views.meetings_calendar, name="body_calendar"),
    path("members/<slug:slug>/", views.member, name="member"),
    path("replies-owed/", views.replies_owed, name="replies_owed"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions.atom", views.decision_feed, name="decision_feed"),
    path("open-data/democracy.json", views.open_data, name="open_data"),
]
