"""The hub's search and filter form (a GET form: nothing here is ever saved)."""

import json

from django import forms
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.db.models.expressions import RawSQL
from django.http import QueryDict

from haveyoursay.hub.models import Area, Consultation, PartnerBody, Status, Topic, now, status_q

PUBLIC_STATUSES = [(s.value, s.label) for s in (Status.OPEN, Status.FORTHCOMING, Status.CLOSED)]
OUTCOMES = [("published", "Outcome published")]


class SlugChoiceField(forms.ModelMultipleChoiceField):
    """Filters by slug in the address, so links to a filtered hub are readable and stable."""

    def __init__(self, queryset, **kwargs):
        super().__init__(queryset, to_field_name="slug", required=False, widget=forms.CheckboxSelectMultiple, **kwargs)

    def clean(self, value):
        # A filter link to a topic that has since been renamed filters by the others,
        # rather than failing the whole search.
        known = set(self.queryset.filter(slug__in=value or []).values_list("slug", flat=True))
        return super().clean([v for v in value or [] if v in known])


class HubFilterForm(forms.Form):
    RELATIONS = {"topic": "topics", "area": "areas", "partner": "partners"}

    q = forms.CharField(label="Search consultations", required=False, max_length=200, strip=True)
    status = forms.MultipleChoiceField(
        label="Status", choices=PUBLIC_STATUSES, required=False, widget=forms.CheckboxSelectMultiple
    )
    outcome = forms.MultipleChoiceField(
        label="Outcome", choices=OUTCOMES, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Closed consultations whose “You said, we did” is published.",
    )
    topic = SlugChoiceField(Topic.objects.all(), label="Topic")
    area = SlugChoiceField(Area.objects.all(), label="Area")
    partner = SlugChoiceField(
        PartnerBody.objects.filter(consultations__in=Consultation.public_objects.all()).distinct(), label="Who is consulting"
    )
    page = forms.IntegerField(required=False, min_value=1)

    def filter(self, consultations, leave_out=None):
        """`consultations` narrowed by the search and every filter chosen, but `leave_out`'s."""
        data = getattr(self, "cleaned_data", {})
        if data.get("q") and leave_out != "q":
            consultations = self._searched(consultations, ranked=leave_out is None)
        if data.get("status") and leave_out != "status":
            consultations = consultations.with_status(data["status"])
        if data.get("outcome") and leave_out != "outcome":
            consultations = consultations.filter(pk__in=Consultation.public_objects.with_outcome_published().values("pk"))
        for name in self.RELATIONS:
            if data.get(name) and name != leave_out:
                # A subquery on the link table rather than a join: no duplicates to remove with
                # DISTINCT, which would have to sort every matching row.
                through, consultation_field, label_field = self._links(name)
                linked = through.objects.filter(**{f"{label_field}__in": data[name]}).values(consultation_field)
                consultations = consultations.filter(pk__in=linked)
        return consultations

    def _searched(self, consultations, ranked):
        """`consultations` that match the search. Without PostgreSQL's search index the search
        reads every document's text, so the counts beside the filters, five queries, share
        one search: the published consultations it found, listed once per page."""
        if ranked or connection.vendor == "postgresql":
            return consultations.search(self.cleaned_data["q"])
        if getattr(self, "_found", None) is None:
            found = Consultation.public_objects.search(self.cleaned_data["q"]).values_list("pk", flat=True)
            self._found = json.dumps(list(found))
        return consultations.filter(pk__in=RawSQL("SELECT value FROM json_each(%s)", [self._found]))

    def _links(self, name):
        field = Consultation._meta.get_field(self.RELATIONS[name])
        return field.remote_field.through, field.m2m_field_name(), field.m2m_reverse_field_name()

    def count_options(self):
        """Put beside each filter option how many consultations it would show, given the search
        and the other filters chosen (an option of the same filter adds to what is shown).
        One query for the statuses and one for each other filter, however many options."""
        published = Consultation.public_objects.all()
        moment = now()
        counts = published.filter(pk__in=self.filter(published, leave_out="status").values("pk")).aggregate(
            **{value: Count("pk", filter=status_q(value, moment)) for value, _ in PUBLIC_STATUSES}
        )
        self.fields["status"].choices = [(value, f"{label} ({counts[value]:,})") for value, label in PUBLIC_STATUSES]
        outcome = self.filter(published, leave_out="outcome").filter(
            pk__in=published.with_outcome_published().values("pk")
        )
        self.fields["outcome"].choices = [(value, f"{label} ({outcome.count():,})") for value, label in OUTCOMES]
        for name in self.RELATIONS:
            through, consultation_field, label_field = self._links(name)
            matching = self.filter(published, leave_out=name).values("pk")
            counts = dict(
                through.objects.filter(**{f"{consultation_field}__in": matching})
                .values_list(f"{label_field}_id")
                .annotate(count=Count("pk"))
                .order_by()
            )
            self.fields[name].label_from_instance = lambda obj, counts=counts: f"{obj.name} ({counts.get(obj.pk, 0):,})"

    @property
    def page_size(self):
        return settings.HUB_PAGE_SIZE

    def is_filtered(self):
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("q", "status", "outcome", "topic", "area", "partner"))

    def filter_query(self):
        """The filters as a query string (no page number), for the feed link."""
        query = QueryDict(mutable=True)
        data = getattr(self, "cleaned_data", {})
        if data.get("q"):
            query["q"] = data["q"]
        if data.get("status"):
            query.setlist("status", data["status"])
        if data.get("outcome"):
            query.setlist("outcome", data["outcome"])
        for name in self.RELATIONS:
            if data.get(name):
                query.setlist(name, [obj.slug for obj in data[name]])
        return query.urlencode()

    def applied_filters(self):
        """What is narrowing the list, each as {"name", "label", "value", "remove_query"}: the search words
        and every filter chosen, with the query string that leaves that one out."""
        data = getattr(self, "cleaned_data", {})
        applied = [("Search", data["q"], "q", data["q"])] if data.get("q") else []
        labels = dict(PUBLIC_STATUSES)
        applied += [("Status", labels[s], "status", s) for s in data.get("status") or []]
        applied += [("Outcome", "Published", "outcome", o) for o in data.get("outcome") or []]
        for name in self.RELATIONS:
            applied += [(self.fields[name].label, obj.name, name, obj.slug) for obj in data.get(name) or []]
        query = QueryDict(self.filter_query())
        filters = []
        for label, value, name, raw in applied:
            remaining = query.copy()
            remaining.setlist(name, [v for v in query.getlist(name) if v != raw])
            filters.append({"name": name, "label": label, "value": value, "remove_query": remaining.urlencode()})
        return filters
