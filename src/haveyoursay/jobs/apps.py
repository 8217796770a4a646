from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "haveyoursay.jobs"
    verbose_name = "Background work: reports, analysis and imports"
