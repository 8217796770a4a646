from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "haveyoursay.outcomes"
    verbose_name = "Outcomes and the decision trail"
