"""The questionnaire builder, under /staff/consultations/<pk>/questionnaire/ (namespace surveys_staff)."""

from django.urls import path

from haveyoursay.surveys import builder

base = "consultations/<int:pk>/questionnaire/"
urlpatterns = [
    path(base, builder.questionnaire, name="questionnaire"),
    path(base + "details/", builder.questionnaire_edit, name="questionnaire_edit"),
    path(base + "about-you/", builder.about_you, name="about_you"),
    path(base + "preview/<int:number>/", builder.preview, name="preview"),
    path(base + "pages/new/", builder.page_new, name="page_new"),
    path(base + "pages/<int:page_pk>/", builder.page_edit, name="page_edit"),
    path(base + "pages/<int:page_pk>/move/", builder.page_move, name="page_move"),
    path(base + "pages/<int:page_pk>/delete/", builder.page_delete, name="page_delete"),
    path(base + "pages/<int:page_pk>/questions/new/", builder.question_new, name="question_new"),
    path(base + "questions/<int:question_pk>/", builder.question_edit, name="question_edit"),
    path(base + "questions/<int:question_pk>/move/", builder.question_move, name="question_move"),
    path(base + "questions/<int:question_pk>/delete/", builder.question_delete, name="question_delete"),
]
