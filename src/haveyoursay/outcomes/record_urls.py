from django.urls import path

from haveyoursay.outcomes import record_staff

app_name = "record_staff"
urlpatterns = [
    path("consultations/<int:pk>/record/", record_staff.record, name="record"),
    path("consultations/<int:pk>/record/consultation-record.pdf", record_staff.record_pdf, name="record_pdf"),
]
