"""Who did what on the staff site: every change a member of staff makes is recorded."""

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Sum
from django.utils import timezone

from haveyoursay.accounts.roles import ROLES


class AuditEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=60)
    content_type = models.ForeignKey(ContentType, null=True, on_delete=models.SET_NULL)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_repr}"

    @classmethod
    def record(cls, user, action, obj=None, **detail):
        return cls.objects.create(
            user=user if user and user.is_authenticated else None,
            action=action,
            content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            detail=detail,
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
