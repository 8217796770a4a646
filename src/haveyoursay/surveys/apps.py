from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "haveyoursay.surveys"
    verbose_name = "Questionnaires and responses"
