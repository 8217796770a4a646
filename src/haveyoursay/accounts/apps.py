from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "haveyoursay.accounts"
    verbose_name = "Staff accounts and audit"

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_roles, sender=self)


def _sync_roles(app_config, using="default", **kwargs):
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    from haveyoursay.accounts.roles import sync_roles

    # This app's own permissions (accounts.manage_staff) are made by django.contrib.auth's
    # receiver, which is connected after this one: make them first, so the roles can hold them.
    create_contenttypes(app_config, verbosity=0, using=using)
    create_permissions(app_config, verbosity=0, using=using)
    sync_roles()
