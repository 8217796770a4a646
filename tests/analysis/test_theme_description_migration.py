"""A machine description stored before descriptions said what else the answers wrote repeated
the theme's words, which the pages show beneath it: it is cleared, and nothing a person wrote is."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("analysis", "0005_who_named_each_theme")
AFTER = ("analysis", "0006_clear_descriptions_repeating_their_words")


def migrate(analysis):
    """Every other app at its latest, the analysis app at `analysis`; the apps as they are then."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "analysis"] + [analysis]
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_only_the_descriptions_that_repeat_the_themes_words_are_cleared():
    apps = migrate(BEFORE)
    try:
        consultation = apps.get_model("hub", "Consultation")._default_manager.create(
            title="Joint Carers Strategy", slug="carers", summary="Carers."
        )
        questionnaire = apps.get_model("surveys", "Questionnaire").objects.create(consultation=consultation)
        page = apps.get_model("surveys", "Page").objects.create(questionnaire=questionnaire, title="Vision", position=1)
        question = apps.get_model("surveys", "Question").objects.create(
            page=page, position=1, code="vision_why", kind="long_text", text="Why do you say this?"
        )
        codeframe = apps.get_model("analysis", "Codeframe").objects.create(question=question)
        Theme = apps.get_model("analysis", "Theme")
        terms = ["respite", "breaks", "short breaks"]
        repeated = Theme.objects.create(
            codeframe=codeframe, label="Short breaks should be a right", terms=terms,
            description="Words that set it apart: respite, breaks, short breaks.",
        )
        written = Theme.objects.create(
            codeframe=codeframe, label="Replacement care", terms=["replacement", "care"],
            description="Words that set it apart: replacement care, and who pays for it.",
        )
        phrases = Theme.objects.create(
            codeframe=codeframe, label="Young carers at school", terms=["school", "young"],
            description="People also wrote: “teachers don't know”.",
        )

        apps = migrate(AFTER)

        descriptions = dict(apps.get_model("analysis", "Theme").objects.values_list("pk", "description"))
        assert descriptions[repeated.pk] == ""
        assert descriptions[written.pk] == "Words that set it apart: replacement care, and who pays for it."
        assert descriptions[phrases.pk] == "People also wrote: “teachers don't know”."
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
