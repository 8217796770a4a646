from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "haveyoursay.analysis"
    verbose_name = "Analysis: tables, sub-groups and free-text themes"
