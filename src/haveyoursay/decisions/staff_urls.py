"""Democratic services on the staff site, under /staff/democracy/."""

from django.urls import path

from haveyoursay.decisions import staff

app_name = "decisions_staff"
urlpatterns = [
    path("democracy/", staff.index, name="index"),
    path("democracy/import/", staff.moderngov_import, name="import"),
    path("democracy/meetings/<int:pk>/", staff.meeting, name="meeting"),
    path("democracy/items/<int:item_pk>/recorded-vote/", staff.recorded_vote, name="recorded_vote"),
    path("democracy/records/<slug:kind>/", staff.records, name="records"),
    path("democracy/records/<slug:kind>/new/", staff.record_edit, name="record_new"),
    path("democracy/records/<slug:kind>/<int:pk>/", staff.record, name="record"),
    path("democracy/records/<slug:kind>/<int:pk>/change/", staff.record_edit, name="record_edit"),
    path("democracy/records/<slug:kind>/<int:pk>/delete/", staff.record_delete, name="record_delete"),
]
