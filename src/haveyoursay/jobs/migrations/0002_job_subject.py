from django.db import migrations, models

THEME_TASKS = (
    "haveyoursay.analysis.theme_tasks.suggest_and_apply",
    "haveyoursay.analysis.theme_tasks.apply_codeframe",
)


def name_the_question_of_theme_jobs(apps, schema_editor):
    """Theme jobs were found by the question code at the end of their title, once only:
    from now on by `subject`."""
    Job = apps.get_model("jobs", "Job")
    Question = apps.get_model("surveys", "Question")
    for job in Job.objects.filter(task_path__in=THEME_TASKS, subject="", consultation__isnull=False):
        code = job.title.rsplit(" ", 1)[-1]
        question = Question.objects.filter(page__questionnaire__consultation_id=job.consultation_id, code=code).first()
        if question is not None:
            Job.objects.filter(pk=job.pk).update(subject=f"question {question.pk}")


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("surveys", "0004_import_batch_skipped_rows"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="subject",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text='What the work is on, for the page that follows it to find it ("question 12"); never shown.',
                max_length=100,
            ),
        ),
        migrations.RunPython(name_the_question_of_theme_jobs, migrations.RunPython.noop),
    ]
