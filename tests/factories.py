"""Objects for tests, with the least a test must say about them."""

import datetime
import itertools

from django.core.files.base import ContentFile

from haveyoursay.hub.models import Consultation, Document, PartnerBody, Topic, today

_numbers = itertools.count(1)

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def make_consultation(*, published=True, status="open", on=None, **fields):
    """A consultation with the given status on `on` (today by default)."""
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
    values.update(fields)
    consultation = Consultation.private_objects.create(**values)
    if published:
        consultation.publish()
    return consultation


def make_document(consultation, *, title="Strategy", name="strategy.pdf", content=MINIMAL_PDF, **fields):
    document = Document(consultation=consultation, title=title, **fields)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


def make_topic(name):
    return Topic.objects.create(name=name)


def make_partner(name, kind=PartnerBody.Kind.COUNCIL):
    return PartnerBody.objects.create(name=name, kind=kind)
