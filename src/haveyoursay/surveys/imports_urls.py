"""Importing responses from other survey tools: upload → mapping → check → import → done."""

from django.urls import path

from haveyoursay.surveys import imports

urlpatterns = [
    path("consultations/<int:pk>/import/", imports.upload, name="import_upload"),
    path("consultations/<int:pk>/import/template.csv", imports.template, name="import_template"),
    path("consultations/<int:pk>/import/<str:token>/mapping/", imports.mapping, name="import_mapping"),
    path("consultations/<int:pk>/import/<str:token>/check/", imports.check, name="import_check"),
    path("consultations/<int:pk>/import/<str:token>/import/", imports.run, name="import_run"),
    path("consultations/<int:pk>/import/batches/<int:batch_pk>/", imports.done, name="import_done"),
    path("consultations/<int:pk>/import/batches/<int:batch_pk>/resume/", imports.resume, name="import_resume"),
    path("consultations/<int:pk>/import/batches/<int:batch_pk>/discard/", imports.discard, name="import_discard"),
]
