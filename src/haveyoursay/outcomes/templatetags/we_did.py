"""`{% we_did_entries consultation %}`: the consultation page's list of what the council did,
each against what people said, with the counts worked out from the analysis as it stands."""

from django import template
from django.urls import reverse

from haveyoursay.analysis.themes.report import PRIVACY
from haveyoursay.outcomes.counts import figures_for
from haveyoursay.outcomes.we_did_forms import decision_label
from haveyoursay.outcomes.we_did_staff import entries_of
from haveyoursay.surveys.models import Response

register = template.Library()


def decision_url(decision):
    """Where the public reads the decision: its item in the meeting's record, or the list of
    decisions for one taken by an officer (as the decisions feed links them)."""
    if decision.item_id:
        return reverse("decisions:meeting", args=[decision.item.meeting_id]) + f"#item-{decision.item_id}"
    return reverse("decisions:decisions") + f"#decision-{decision.pk}"


def either(words):
    """ "“Agree”", "“Agree” or “Disagree”", "“A”, “B” or “C”" """
    quoted = [f"“{word}”" for word in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def what_they_said(entry):
    """What the figure counts: the answers chosen, or the themes their comments carry."""
    themes = list(entry.themes.all())
    if themes:
        return f"made comments about {either(theme.label for theme in themes)}"
    return f"chose {either(option.label for option in entry.options.all())}"


def shown_entries(consultation, *, public=True):
    entries = list(entries_of(consultation))
    figures = figures_for(entries, public=public) if entries else {}
    return [
        {
            "entry": entry,
            "figure": figures.get(entry.pk),
            "said": what_they_said(entry) if figures.get(entry.pk) else "",
            "decision": decision_label(entry.decision) if entry.decision_id else "",
            "decision_url": decision_url(entry.decision) if entry.decision_id else "",
        }
        for entry in entries
    ]


@register.inclusion_tag("outcomes/_we_did.html")
def we_did_entries(consultation):
    questionnaire = getattr(consultation, "questionnaire", None)
    responded = Response.objects.counted().filter(questionnaire=questionnaire).count() if questionnaire else 0
    return {
        "consultation": consultation,
        "entries": shown_entries(consultation),
        "responded": responded,
        "privacy": PRIVACY,
    }
