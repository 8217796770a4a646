from django.urls import path

from haveyoursay.outcomes import notify_views

app_name = "outcomes"
urlpatterns = [
    path("consultations/<slug:slug>/get-updates/", notify_views.follow_consultation, name="follow_consultation"),
    path("bodies/<slug:slug>/get-updates/", notify_views.follow_body, name="follow_body"),
    path("get-updates/confirm/<str:token>/", notify_views.confirm, name="confirm"),
    path("emails/unsubscribe/<str:token>/", notify_views.unsubscribe, name="unsubscribe"),
]
