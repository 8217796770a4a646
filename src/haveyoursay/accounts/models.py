"""Who did what on the staff site: every change a member of staff makes is recorded."""

import re

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Sum
from django.utils import timezone

from haveyoursay.accounts.roles import ROLES


# What each action code means, as a sentence for the history on the staff site. "{by}" is
# the person's name; other names are details recorded with the action.
SENTENCES = {
    "consultation.create": "Created by {by}",
    "consultation.change": "Details changed by {by}",
    "consultation.publish": "Published by {by}",
    "consultation.schedule": "Scheduled for publishing by {by}",
    "consultation.unpublish": "Unpublished by {by}",
    "consultation.publish_outcome": "Outcome published by {by}",
    "consultation.withdraw_outcome": "Outcome withdrawn by {by}",
    "consultation.move_closing_date": "Closing date moved from {previous} to {closes_on} by {by}",
    "consideration.add": "Meeting item “{item}” linked by {by}",
    "consideration.change": "Link to meeting item “{item}” changed by {by}",
    "consideration.delete": "Link to meeting item “{item}” removed by {by}",
    "we_did.add": "We did entry “{entry}” added by {by}",
    "we_did.change": "We did entry “{entry}” changed by {by}",
    "we_did.delete": "We did entry “{entry}” removed by {by}",
    "we_did.move": "We did entry “{entry}” moved {direction} by {by}",
    "outcome_emails.sent": "Outcome emails sent by the background worker: {sent}",
    "meeting_emails.sent": "Emails about a meeting's decisions sent by the background worker: {sent}",
    "outcome_emails.retry": "Failed outcome emails tried again ({emails}) by {by}",
    "document.add": "Document “{document}” added by {by}",
    "document.change": "Document “{document}” changed by {by}",
    "document.delete": "Document “{document}” removed by {by}",
    "event.add": "Event “{event}” added by {by}",
    "event.change": "Event “{event}” changed by {by}",
    "event.delete": "Event “{event}” removed by {by}",
    "event_note.add": "Event notes added by {by}",
    "event_note.change": "Event notes changed by {by}",
    "event_note.delete": "Event notes removed by {by}",
    "stakeholder.add": "Stakeholders added by {by}",
    "stakeholder.change": "Stakeholder “{stakeholder}” changed by {by}",
    "stakeholder.delete": "Stakeholder “{stakeholder}” removed by {by}",
    "questionnaire.create": "Questionnaire created by {by}",
    "questionnaire.change": "Questionnaire details changed by {by}",
    "questionnaire.add_about_you": "“About you” questions added by {by}",
    "page.add": "Questionnaire page added by {by}",
    "page.change": "Questionnaire page changed by {by}",
    "page.delete": "Questionnaire page removed by {by}",
    "page.move": "Questionnaire page moved by {by}",
    "question.add": "Question added by {by}",
    "question.change": "Question changed by {by}",
    "question.delete": "Question removed by {by}",
    "question.move": "Question moved by {by}",
    "response.enter": "Response keyed in by {by}",
    "response.entry_start": "Keying in of a response started by {by}",
    "response.entry_details": "Details of a keyed-in response changed by {by}",
    "response.entry_answers": "Answers of a keyed-in response changed by {by}",
    "response.link_stakeholder": "Response linked to a stakeholder by {by}",
    "response.correct": "Answers of a keyed-in response corrected by {by}",
    "response.correct_details": "Details of a keyed-in response corrected by {by}",
    "response.mark_duplicate": "Response marked as a duplicate by {by}",
    "response.mark_withdrawn": "Response marked as withdrawn by {by}",
    "response.unmark": "Response counted again by {by}",
    "response.erase_anonymise": "Response {reference} anonymised at the respondent's request by {by}",
    "response.erase_delete": "Response {reference} deleted at the respondent's request by {by}",
    "retention.apply": "Personal data past its retention period removed from {responses} by {by}",
    "retention.change": "Retention period changed to {months} months by {by}",
    "followers.erase": "Email updates a person asked for stopped at their request by {by}",
    "subject_access.search": "Search for the information held about a person by {kind} made by {by}",
    "subject_access.export": "Information held about a person, found by {kind}, downloaded by {by}",
    "response.view": "Response opened by {by}",
    "response.view_keyed_in": "Keyed-in response opened by {by}",
    "responses.import": "Responses imported from “{file}” by {by}",
    "responses.import_undo": "Import of “{file}” undone by {by}",
    "responses.import_start": "Import of “{file}” started by {by}",
    "responses.import_resume": "Import of “{file}” resumed by {by}",
    "responses.import_discard": "Unfinished import of “{file}” discarded by {by}",
    "responses.export": "Responses downloaded by {by}",
    "responses.export_contact_details": "Responses with contact details downloaded by {by}",
    "report.download": "Engagement report downloaded by {by}",
    "report.publish": "Engagement report published by {by}",
    "report.unpublish": "Engagement report unpublished by {by}",
    "opendata.download": "Open data downloaded by {by}",
    "record.download": "Consultation record downloaded by {by}",
    "themes.suggest": "Themes suggested at the request of {by}",
    "themes.apply": "Themes applied by {by}",
    "themes.accept_application": "A new application of the themes accepted by {by}",
    "themes.discard_application": "A new application of the themes discarded by {by}",
    "themes.add": "Theme added by {by}",
    "themes.rename": "Theme renamed by {by}",
    "themes.merge": "Themes merged by {by}",
    "themes.split": "Theme split by {by}",
    "themes.delete": "Theme removed by {by}",
    "themes.move": "Answers moved between themes by {by}",
    "themes.code": "Answers coded by {by}",
    "themes.stance": "Stance recorded by {by}",
    "themes.choose_quotes": "Quotes chosen by {by}",
    "themes.approve_quote": "Quote approved by {by}",
    "themes.withdraw_quote": "Quote withdrawn by {by}",
    "staff.invite": "Invited by {by}",
    "staff.invite_again": "Invitation sent again by {by}",
    "staff.password_set": "Password set by {by}",
    "staff.roles": "Roles changed by {by}",
    "staff.deactivate": "Account deactivated by {by}",
    "staff.reactivate": "Account reactivated by {by}",
    "staff.unlock": "Sign-in unlocked by {by}",
    "staff.two_factor_on": "Two-factor sign-in turned on by {by}",
    "staff.two_factor_off": "Two-factor sign-in turned off by {by}",
    "staff.two_factor_reset": "Two-factor sign-in reset by {by}",
    "audit.export": "Audit log downloaded by {by}",
}


# The democratic records: each kind's changes, then the vote pasted from minutes and the import.
DEMOCRATIC_RECORDS = {
    "organization": "Body", "person": "Member or officer", "membership": "Membership", "meeting": "Meeting",
    "attendance": "Attendance", "agendaitem": "Agenda item", "agendadocument": "Report or paper",
    "decision": "Decision", "vote": "Vote", "declaration": "Declaration of interest", "question": "Question",
    "petition": "Petition",
}  # fmt: skip
SENTENCES.update(
    {
        f"democracy.{model}.{verb}": f"{label} “{{record}}” {done} by {{by}}"
        for model, label in DEMOCRATIC_RECORDS.items()
        for verb, done in (("add", "added"), ("change", "changed"), ("delete", "removed"))
    }
)
SENTENCES.update(
    {
        "democracy.voteevent.add": "Recorded vote on “{item}” added by {by}",
        "democracy.import_moderngov": "Meetings imported from {site} by {by}",
    }
)


# The headings the audit log's list of actions is grouped under, by the code's first part.
ACTION_GROUPS = {
    "consultation": "Consultations", "consideration": "Decision trail", "document": "Documents", "event": "Events",
    "event_note": "Event notes",
    "stakeholder": "Stakeholders", "questionnaire": "Questionnaires", "page": "Questionnaire pages",
    "question": "Questions", "response": "Responses", "responses": "Responses", "report": "Reports",
    "opendata": "Reports", "record": "Reports", "themes": "Themes", "democracy": "Democratic records",
    "staff": "Staff accounts", "audit": "Audit log",
}  # fmt: skip


def action_name(code):
    """"Response opened": the sentence without who did it, for choosing an action from a list."""
    template = SENTENCES.get(code, code)
    for ending in (" at the request of {by}", " by {by}"):
        template = template.replace(ending, "")
    # A name in a sentence ("Document “{document}” added") is left out of the action's name.
    for name in re.findall(r" “\{\w+\}”", template):
        template = template.replace(name, "")
    return template


def action_choices():
    """[(group, [(code, name)])] for a select of every known action, grouped and in order."""
    groups = {}
    for code in SENTENCES:
        group = ACTION_GROUPS.get(code.split(".")[0], "Other")
        groups.setdefault(group, []).append((code, action_name(code)))
    return [(group, sorted(actions, key=lambda action: action[1])) for group, actions in groups.items()]


def consultation_pk_of(obj):
    """The consultation an action's object belongs to, if any, without asking the database
    for more than the object already holds (a response's questionnaire is selected with it)."""
    if obj is None:
        return None
    if obj._meta.label == "hub.Consultation":
        return obj.pk
    if getattr(obj, "consultation_id", None) is not None:
        return obj.consultation_id
    questionnaire = getattr(obj, "questionnaire", None)
    return getattr(questionnaire, "consultation_id", None)


class _Details(dict):
    def __missing__(self, key):
        return "(not recorded)"


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=60)
    content_type = models.ForeignKey(ContentType, null=True, on_delete=models.SET_NULL)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    # The consultation the action concerned (itself, or a response, document or page of it),
    # kept as a number so the record outlives the consultation.
    consultation_pk = models.PositiveIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        permissions = [("view_audit", "Can read and download the audit log of who saw and changed what")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_repr}"

    @property
    def sentence(self):
        """"Published by Jane Smith": what happened, for people; unknown codes still read."""
        if self.user:
            by = self.user.get_full_name() or self.user.get_username()
        else:
            by = "the command line" if (self.detail or {}).get("command_line") else "a removed user"
        template = SENTENCES.get(self.action)
        if template is None:
            return f"{self.action.replace('_', ' ').replace('.', ': ', 1).capitalize()} by {by}"
        details = _Details({key: value for key, value in (self.detail or {}).items() if isinstance(value, str)})
        details["by"] = by
        return template.format_map(details)

    @classmethod
    def record(cls, user, action, obj=None, **detail):
        return cls.objects.create(
            user=user if user and user.is_authenticated else None,
            action=action,
            content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            detail=detail,
            consultation_pk=consultation_pk_of(obj),
        )


class StaffMember(User):
    """A member of staff's account, as a consultation lead manages it on the staff "People" page.

    Roles are the groups named in `roles.ROLES`. A superuser is managed in the Django admin
    only; a lead may not lock themselves out of managing staff.
    """

    class Meta:
        proxy = True
        ordering = ["-is_active", "first_name", "last_name", "username"]
        verbose_name = "staff member"
        permissions = [("manage_staff", "Can invite staff, give and remove roles, and deactivate accounts")]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_editable(self):
        return not self.is_superuser

    @property
    def has_set_password(self):
        return self.has_usable_password()

    @property
    def roles(self):
        return sorted(group.name for group in self.groups.all() if group.name in ROLES)

    def is_locked_out(self):
        """Refused at sign-in for too many wrong passwords, until the lockout ends or is lifted."""
        from axes.models import AccessAttempt

        since = timezone.now() - settings.AXES_COOLOFF_TIME
        failures = AccessAttempt.objects.filter(username=self.username, attempt_time__gte=since).aggregate(
            n=Sum("failures_since_start")
        )["n"]
        return (failures or 0) >= settings.SIGN_IN_FAILURE_LIMIT

    @classmethod
    def invite(cls, by, *, email, first_name, last_name, roles):
        """A new account with no password: the invitee sets one through the link they are sent."""
        member = cls(username=email, email=email, first_name=first_name, last_name=last_name)
        member.set_unusable_password()
        member.save()
        member.groups.set(roles)
        AuditEvent.record(by, "staff.invite", member, roles=sorted(group.name for group in roles))
        return member

    def set_roles(self, by, roles):
        before = set(self.roles)
        self.groups.set(list(self.groups.exclude(name__in=ROLES)) + list(roles))
        after = {group.name for group in roles}
        if before != after:
            AuditEvent.record(by, "staff.roles", self, given=sorted(after - before), removed=sorted(before - after))

    def deactivate(self, by):
        self.is_active = False
        self.save(update_fields=["is_active"])
        AuditEvent.record(by, "staff.deactivate", self)

    def reactivate(self, by):
        self.is_active = True
        self.save(update_fields=["is_active"])
        AuditEvent.record(by, "staff.reactivate", self)

    def reset_two_factor(self, by):
        """Forget their authenticator app (a lost phone): they are asked to set one up again."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        removed, _ = TOTPDevice.objects.filter(user=self).delete()
        if removed:
            AuditEvent.record(by, "staff.two_factor_reset", self)
        return removed

    def unlock(self, by):
        """Lift a sign-in lockout on this account (not on an address: `haveyoursay axes_reset_ip`)."""
        from axes.utils import reset

        removed = reset(username=self.username)
        AuditEvent.record(by, "staff.unlock", self, attempts_cleared=removed)
        return removed
