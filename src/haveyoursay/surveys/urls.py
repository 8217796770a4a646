from django.urls import path

from haveyoursay.surveys import views

app_name = "surveys"
urlpatterns = [
    path("consultations/<slug:slug>/respond/", views.start, name="start"),
    path("consultations/<slug:slug>/respond/section/<int:number>/", views.page, name="page"),
    path("consultations/<slug:slug>/respond/check/", views.check, name="check"),
    path("consultations/<slug:slug>/respond/send/", views.declaration, name="declaration"),
    path("consultations/<slug:slug>/respond/sent/", views.confirmation, name="confirmation"),
    path("consultations/<slug:slug>/respond/saved/", views.saved, name="saved"),
    path("consultations/<slug:slug>/respond/continue/", views.resume, name="resume"),
    path("respond/continue/<str:token>/", views.resume_link, name="resume_link"),
]
