from django.urls import path

from haveyoursay.hub import views

app_name = "hub"
urlpatterns = [
    path("", views.index, name="index"),
    path("consultations.atom", views.feed, name="feed"),
    path("consultations/<slug:slug>/", views.consultation, name="consultation"),
    path("documents/<int:pk>/<str:name>", views.document, name="document"),
]
