"""The demo's population tables: who lives in Leicestershire, to set beside who responded.

Groups are keyed as the "About you" area question stores its answers: the hub Area's slug
with "-" made "_" (see surveys.building.add_question). The figures and their source are in
haveyoursay.analysis.census_2021; there is no age table (that module says why).

`load_demo_population_tables()` can be run any number of times. A table for the same
profile that someone has loaded under another title is theirs, and is left alone.
"""

from django.db import transaction
from django.utils.text import slugify

from haveyoursay.analysis import census_2021
from haveyoursay.analysis.models import PopulationGroup, PopulationTable
from haveyoursay.surveys.models import Question


def area_value(name):
    """"Hinckley and Bosworth" -> "hinckley_and_bosworth", the value the area question stores."""
    return slugify(name).replace("-", "_")


def demo_tables():
    """[(profile, title, source, [(value, label, count)])] for every demo population table."""
    districts = [(area_value(name), name, count) for name, count in census_2021.DISTRICT_POPULATIONS]
    return [(Question.Profile.AREA, census_2021.TITLE, census_2021.SOURCE, districts)]


@transaction.atomic
def load_demo_population_tables():
    """Create or put right each demo table; returns how many tables were created or changed."""
    changed = 0
    for profile, title, source, groups in demo_tables():
        table = PopulationTable.objects.filter(profile=profile).first()
        if table is not None and table.title != title:
            continue
        if table is None:
            table = PopulationTable.objects.create(profile=profile, title=title, source=source)
            touched = True
        else:
            touched = table.source != source
            if touched:
                table.source = source
                table.save()
        wanted = [(value, label, count, position) for position, (value, label, count) in enumerate(groups, start=1)]
        have = list(table.groups.order_by("position", "pk").values_list("value", "label", "count", "position"))
        if have != wanted:
            table.groups.all().delete()
            PopulationGroup.objects.bulk_create(
                PopulationGroup(table=table, value=value, label=label, count=count, position=position)
                for value, label, count, position in wanted
            )
            touched = True
        changed += touched
    return changed
