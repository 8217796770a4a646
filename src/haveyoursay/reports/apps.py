from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "haveyoursay.reports"
    verbose_name = "Engagement reports and open data"
