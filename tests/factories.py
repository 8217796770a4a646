"""Objects for tests, with the least a test must say about them."""

import datetime
import itertools

from django.core.files.base import ContentFile
from django.utils import timezone

from haveyoursay.hub.models import Consultation, Document, PartnerBody, Topic, today

_numbers = itertools.count(1)

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


# What a consultation needs before it may be published (its checklist), from the council's
# Net Zero consultation page.
READY_TO_PUBLISH = {
    "contact_name": "Net Zero Leicestershire",
    "contact_email": "netzero@leics.gov.uk",
    "respond_email": "netzero@leics.gov.uk",
    "privacy_notice": "Your responses will be stored in line with the Data Protection Act 2018.",
}


def make_consultation(*, published=True, status="open", on=None, ready=True, **fields):
    """A consultation with the given status on `on` (today by default); `ready` gives it
    everything its publishing checklist asks for."""
    on = on or today()
    number = next(_numbers)
    dates = {
        "open": (on - datetime.timedelta(days=7), on + datetime.timedelta(days=21)),
        "forthcoming": (on + datetime.timedelta(days=10), on + datetime.timedelta(days=40)),
        "closed": (on - datetime.timedelta(days=60), on - datetime.timedelta(days=30)),
    }[status]
    values = {
        "title": f"Consultation {number}",
        "slug": f"consultation-{number}",
        "summary": "What we are asking about.",
        "opens_on": dates[0],
        "closes_on": dates[1],
    }
    if ready:
        values.update(READY_TO_PUBLISH)
    values.update(fields)
    consultation = Consultation.private_objects.create(**values)
    if ready and "partners" not in fields:
        partner, _ = PartnerBody.objects.get_or_create(
            name="Leicestershire County Council", defaults={"kind": PartnerBody.Kind.COUNCIL}
        )
        consultation.partners.add(partner)
    if published:
        consultation.publish()
    return consultation


def make_document(consultation, *, title="Strategy", name="strategy.pdf", content=MINIMAL_PDF, **fields):
    document = Document(consultation=consultation, title=title, **fields)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


def midday(day):
    """Noon on `day` where the council is: a fixed moment for tests of status by the clock."""
    return datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=timezone.get_current_timezone())


def make_topic(name):
    return Topic.objects.create(name=name)


def make_partner(name, kind=PartnerBody.Kind.COUNCIL):
    partner, _ = PartnerBody.objects.update_or_create(name=name, defaults={"kind": kind})
    return partner
