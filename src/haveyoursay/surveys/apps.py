from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "haveyoursay.surveys"
    verbose_name = "Questionnaires and responses"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from haveyoursay.surveys.models import Option, Page, Question

        for model in (Page, Question, Option):
            post_save.connect(_structure_changed, sender=model)
            post_delete.connect(_structure_changed, sender=model)


def _structure_changed(sender, instance, **kwargs):
    """Whatever changed a questionnaire's pages, questions or options (the builder, the
    admin, a shell), the copies of its structure cached in each process are now stale."""
    from haveyoursay.surveys.models import Option, Page, Questionnaire

    if sender is Page:
        Questionnaire.note_structure_changed(pk=instance.questionnaire_id)
    elif sender is Option:
        Questionnaire.note_structure_changed(pages__questions=instance.question_id)
    else:
        Questionnaire.note_structure_changed(pages=instance.page_id)
