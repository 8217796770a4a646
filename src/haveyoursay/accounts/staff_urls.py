"""Staff accounts on the staff site, under /staff/."""

from django.urls import path

from haveyoursay.accounts import audit, staff, two_factor

app_name = "accounts_staff"
urlpatterns = [
    path("audit/", audit.audit_log, name="audit_log"),
    path("audit/audit-log.csv", audit.audit_log_download, name="audit_log_download"),
    path("people/", staff.people, name="people"),
    path("people/invite/", staff.invite, name="invite"),
    path("people/<int:pk>/", staff.person, name="person"),
    path("people/<int:pk>/deactivate/", staff.deactivate, name="deactivate"),
    path("people/<int:pk>/reactivate/", staff.reactivate, name="reactivate"),
    path("people/<int:pk>/unlock/", staff.unlock, name="unlock"),
    path("people/<int:pk>/invite-again/", staff.invite_again, name="invite_again"),
    path("people/<int:pk>/two-factor/reset/", staff.reset_two_factor, name="reset_two_factor"),
    path("set-password/<uidb64>/<token>/", staff.SetPasswordView.as_view(), name="set_password"),
    path("sign-in/code/", two_factor.code, name="two_factor_code"),
    path("account/two-factor/", two_factor.two_factor, name="two_factor"),
    path("account/two-factor/set-up/", two_factor.enrol, name="two_factor_enrol"),
    path("account/two-factor/turn-off/", two_factor.turn_off, name="two_factor_turn_off"),
]
