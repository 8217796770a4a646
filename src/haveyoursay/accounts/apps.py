from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "haveyoursay.accounts"
    verbose_name = "Staff accounts and audit"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_roles, sender=self)


def _sync_roles(**kwargs):
    from haveyoursay.accounts.roles import sync_roles

    sync_roles()
