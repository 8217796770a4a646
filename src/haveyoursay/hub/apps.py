from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "haveyoursay.hub"
    verbose_name = "Consultation hub"
