"""Responses from every channel, event notes and stakeholders: /staff/consultations/<pk>/…"""

from django.urls import path

from haveyoursay.surveys import channels

urlpatterns = [
    path("consultations/<int:pk>/responses/", channels.responses, name="responses"),
    path("consultations/<int:pk>/responses/new/", channels.response_new, name="response_new"),
    path("consultations/<int:pk>/responses/export.csv", channels.responses_export, name="responses_export"),
    path(
        "consultations/<int:pk>/responses/export-with-contact-details.csv",
        channels.responses_export_contact_details, name="responses_export_contact_details",
    ),
    path("consultations/<int:pk>/responses/<int:response_pk>/", channels.response_detail, name="response"),
    path(
        "consultations/<int:pk>/responses/<int:response_pk>/stakeholder/",
        channels.response_stakeholder, name="response_stakeholder",
    ),
    path(
        "consultations/<int:pk>/responses/<int:response_pk>/correct/details/",
        channels.response_correct_details, name="response_correct_details",
    ),
    path(
        "consultations/<int:pk>/responses/<int:response_pk>/correct/section/<int:number>/",
        channels.response_correct_page, name="response_correct_page",
    ),
    path("consultations/<int:pk>/responses/<int:response_pk>/mark/", channels.response_mark, name="response_mark"),
    path(
        "consultations/<int:pk>/responses/<int:response_pk>/unmark/", channels.response_unmark, name="response_unmark",
    ),
    path("consultations/<int:pk>/imports/<int:batch_pk>/undo/", channels.import_undo, name="import_undo"),
    path(
        "consultations/<int:pk>/responses/<int:response_pk>/enter/details/",
        channels.response_enter_details, name="response_enter_details",
    ),
    path(
        "consultations/<int:pk>/responses/<int:response_pk>/enter/section/<int:number>/",
        channels.response_enter_page, name="response_enter_page",
    ),
    path(
        "consultations/<int:pk>/responses/<int:response_pk>/enter/check/",
        channels.response_enter_check, name="response_enter_check",
    ),
    path("consultations/<int:pk>/events-notes/", channels.event_notes, name="event_notes"),
    path("consultations/<int:pk>/events-notes/new/", channels.event_note_new, name="event_note_new"),
    path("consultations/<int:pk>/events-notes/<int:note_pk>/", channels.event_note_edit, name="event_note_edit"),
    path(
        "consultations/<int:pk>/events-notes/<int:note_pk>/delete/",
        channels.event_note_delete, name="event_note_delete",
    ),
    path("consultations/<int:pk>/stakeholders/", channels.stakeholders, name="stakeholders"),
    path("consultations/<int:pk>/stakeholders/new/", channels.stakeholder_new, name="stakeholder_new"),
    path(
        "consultations/<int:pk>/stakeholders/<int:stakeholder_pk>/",
        channels.stakeholder_edit, name="stakeholder_edit",
    ),
    path(
        "consultations/<int:pk>/stakeholders/<int:stakeholder_pk>/delete/",
        channels.stakeholder_delete, name="stakeholder_delete",
    ),
]
