from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "haveyoursay.decisions"
    verbose_name = "Democratic records"
