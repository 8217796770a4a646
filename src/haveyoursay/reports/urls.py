from django.urls import path

from haveyoursay.reports import views

app_name = "reports"
urlpatterns = [
    path("consultations/<slug:slug>/report/", views.report, name="report"),
    path("consultations/<slug:slug>/engagement-report.<str:fmt>", views.download, name="download"),
]
urlpatterns += [
    path("consultations/<slug:slug>/open-data/<str:filename>", views.open_data, name="open_data"),
]
