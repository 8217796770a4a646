from django.urls import path

from haveyoursay.reports import staff

app_name = "reports_staff"
urlpatterns = [
    path("consultations/<int:pk>/report/", staff.report, name="report"),
    path("consultations/<int:pk>/report/regenerate/", staff.regenerate, name="regenerate"),
    path("consultations/<int:pk>/report/publish/", staff.publish, name="publish"),
    path("consultations/<int:pk>/report/unpublish/", staff.unpublish, name="unpublish"),
    path(
        "consultations/<int:pk>/report/<str:audience>.<str:fmt>", staff.download, name="download",
    ),
]
urlpatterns += [
    path("consultations/<int:pk>/report/open-data/<str:filename>", staff.open_data, name="open_data"),
]
