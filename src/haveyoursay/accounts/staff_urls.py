"""Staff accounts on the staff site, under /staff/."""

from django.urls import path

from haveyoursay.accounts import staff

app_name = "accounts_staff"
urlpatterns = [
    path("people/", staff.people, name="people"),
    path("people/invite/", staff.invite, name="invite"),
    path("people/<int:pk>/", staff.person, name="person"),
    path("people/<int:pk>/deactivate/", staff.deactivate, name="deactivate"),
    path("people/<int:pk>/reactivate/", staff.reactivate, name="reactivate"),
    path("people/<int:pk>/unlock/", staff.unlock, name="unlock"),
    path("people/<int:pk>/invite-again/", staff.invite_again, name="invite_again"),
    path("set-password/<uidb64>/<token>/", staff.SetPasswordView.as_view(), name="set_password"),
]
