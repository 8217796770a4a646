from django.contrib.auth import views as auth_views
from django.urls import path

from haveyoursay.hub import staff
from haveyoursay.outcomes import we_did_staff

app_name = "staff"
urlpatterns = [
    path("", staff.consultations, name="consultations"),
    path("sign-in/", staff.LoginView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("consultations/new/", staff.consultation_new, name="consultation_new"),
    path("consultations/<int:pk>/", staff.consultation, name="consultation"),
    path("consultations/<int:pk>/edit/", staff.consultation_edit, name="consultation_edit"),
    path("consultations/<int:pk>/preview/", staff.consultation_preview, name="consultation_preview"),
    path("consultations/<int:pk>/publish/", staff.publish, name="publish"),
    path("consultations/<int:pk>/schedule/", staff.schedule, name="schedule"),
    path("consultations/<int:pk>/unpublish/", staff.unpublish, name="unpublish"),
    path("consultations/<int:pk>/outcome/publish/", staff.publish_outcome, name="publish_outcome"),
    path("consultations/<int:pk>/outcome/withdraw/", staff.withdraw_outcome, name="withdraw_outcome"),
    path("consultations/<int:pk>/outcome/", we_did_staff.outcome, name="outcome"),
    path("consultations/<int:pk>/outcome/we-did/new/", we_did_staff.entry_new, name="we_did_new"),
    path("consultations/<int:pk>/outcome/we-did/<int:entry_pk>/", we_did_staff.entry_edit, name="we_did_edit"),
    path("consultations/<int:pk>/outcome/we-did/<int:entry_pk>/delete/", we_did_staff.entry_delete,
         name="we_did_delete"),
    path("consultations/<int:pk>/outcome/we-did/<int:entry_pk>/move/", we_did_staff.entry_move, name="we_did_move"),
    path("consultations/<int:pk>/documents/new/", staff.document_new, name="document_new"),
    path("consultations/<int:pk>/documents/<int:document_pk>/", staff.document_edit, name="document_edit"),
    path("consultations/<int:pk>/documents/<int:item_pk>/delete/", staff.document_delete, name="document_delete"),
    path("consultations/<int:pk>/events/new/", staff.event_new, name="event_new"),
    path("consultations/<int:pk>/events/<int:event_pk>/", staff.event_edit, name="event_edit"),
    path("consultations/<int:pk>/events/<int:item_pk>/delete/", staff.event_delete, name="event_delete"),
]
