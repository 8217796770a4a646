from django.db import migrations

OLD_PREFIX = "Words that set it apart: "


def clear_descriptions_repeating_their_words(apps, schema_editor):
    """A machine description written before descriptions said what else the answers wrote was the
    theme's words ("Words that set it apart: respite, breaks."), which the pages now show under it
    from the terms: shown twice. Cleared where it is still exactly what the machine wrote; a
    description a person wrote or changed is kept."""
    Theme = apps.get_model("analysis", "Theme")
    repeated = [
        theme.pk for theme in Theme.objects.filter(description__startswith=OLD_PREFIX).only("description", "terms")
        if theme.terms and theme.description == f"{OLD_PREFIX}{', '.join(theme.terms[:6])}."
    ]
    Theme.objects.filter(pk__in=repeated).update(description="")


class Migration(migrations.Migration):

    dependencies = [
        ("analysis", "0005_who_named_each_theme"),
    ]

    operations = [
        migrations.RunPython(clear_descriptions_repeating_their_words, migrations.RunPython.noop),
    ]
