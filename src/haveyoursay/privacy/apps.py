from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "haveyoursay.privacy"
    verbose_name = "Personal data: retention, erasure and subject access"
