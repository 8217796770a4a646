"""The public face: the hub, each consultation's page, its documents and the Atom feed."""

import hashlib
from functools import wraps

from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe

from haveyoursay.hub import files
from haveyoursay.hub.forms import HubFilterForm
from haveyoursay.hub.models import Consultation, Document, Revision, now, today
from haveyoursay.hub.templatetags.hys import date_range_text
from haveyoursay.stored_files import file_response

PUBLIC_CACHE_SECONDS = 24 * 60 * 60


def cached_public_page(view):
    """Serve a public page from the cache while nothing it shows has changed.

    The key holds the content Revision (bumped by every change), today's date (statuses
    follow the calendar) and the full query string; public pages never vary by user. A page
    is kept no later than the next moment a consultation is published or closes by the clock,
    so nothing scheduled waits for an edit to show.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        query = request.GET.urlencode()
        digest = hashlib.blake2b(f"{request.path}?{query}".encode(), digest_size=16).hexdigest()
        key = f"public:{Revision.current()}:{today().isoformat()}:{digest}"
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not getattr(response, "streaming", False):
                if hasattr(response, "render"):
                    response.render()
                cache.set(key, response, public_cache_seconds())
        return response

    return wrapper


def public_cache_seconds():
    next_change = Consultation.public_objects.next_change_at()
    if next_change is None:
        return PUBLIC_CACHE_SECONDS
    return max(1, min(PUBLIC_CACHE_SECONDS, int((next_change - now()).total_seconds()) + 1))


def filtered_consultations(form):
    """Published consultations matching the hub's filters: the best matches first when
    searching, then in hub order."""
    consultations = form.filter(Consultation.public_objects.all())
    if form.cleaned_data.get("q"):
        return consultations.in_hub_order(first=[F("search_rank").desc()])
    return consultations.in_hub_order()


# A result names at most this many of its matching documents, and says how many more there are,
# so that one consultation with dozens of appendices can't fill the page.
MATCHING_DOCUMENTS_SHOWN = 3


def show_matching_documents(consultations, text):
    """Give each of `consultations` the first few documents whose title or text match the
    search, and how many more match, in one query."""
    from haveyoursay.hub.search import matching_documents

    found = {}
    documents = Document.objects.filter(consultation__in=[consultation.pk for consultation in consultations])
    for document in matching_documents(documents, text):
        found.setdefault(document.consultation_id, []).append(document)
    for consultation in consultations:
        matching = found.get(consultation.pk, [])
        consultation.matching_documents = matching[:MATCHING_DOCUMENTS_SHOWN]
        consultation.more_matching_documents = len(matching) - len(consultation.matching_documents)


@require_safe
@cached_public_page
def index(request):
    form = HubFilterForm(request.GET)
    form.is_valid()
    form.count_options()
    consultations = filtered_consultations(form).prefetch_related("partners")
    paginator = Paginator(consultations, form.page_size, allow_empty_first_page=True)
    page = paginator.get_page(form.cleaned_data.get("page") or 1)
    if form.cleaned_data.get("q"):
        show_matching_documents(page.object_list, form.cleaned_data["q"])
    return render(
        request,
        "hub/index.html",
        {
            "form": form,
            "page": page,
            "paginator": paginator,
            "consultations": page.object_list,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "feed_query": form.filter_query(),
        },
    )


@require_safe
@cached_public_page
def consultation(request, slug):
    consultation = get_object_or_404(
        Consultation.public_objects.prefetch_related("partners", "topics", "areas", "documents", "events"),
        slug=slug,
    )
    return render(request, "hub/consultation.html", consultation_context(consultation))


def consultation_context(consultation, preview=False):
    followed_by = consultation.followed_by.all()
    if not preview:
        followed_by = followed_by.published()
    follows = consultation.follows
    if follows is not None and not preview and not follows.is_published:
        follows = None
    return {
        "consultation": consultation,
        "documents": consultation.documents.all(),
        "events": consultation.events.all(),
        "follows": follows,
        "followed_by": followed_by,
        "preview": preview,
    }


@require_safe
def document(request, pk, name):
    """A published consultation's document, with the content type we worked out on upload."""
    document = get_object_or_404(Document.objects.select_related("consultation"), pk=pk)
    staff = request.user.has_perm("hub.view_consultation")
    if not (document.consultation.is_published or staff) or name != document.download_name:
        raise Http404("No such document")
    fmt = files.format_of(document.file.name)
    try:
        response = file_response(
            document.file, content_type=fmt.content_type, as_attachment=not fmt.inline, filename=document.download_name
        )
    except FileNotFoundError:
        raise Http404("The document's file is missing") from None
    # Nothing in an uploaded file may run as this site: no scripts, no forms, no framing.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store" if not document.consultation.is_published else "public, max-age=300"
    return response


class ConsultationFeed(Feed):
    """Newly published consultations, with the hub's filters applied, as Atom."""

    feed_type = Atom1Feed
    description_template = None

    def get_object(self, request):
        self.request = request
        form = HubFilterForm(request.GET)
        form.is_valid()
        return form

    def title(self, form):
        from django.conf import settings

        return f"{settings.SITE_NAME}: {settings.COUNCIL_NAME} consultations"

    def link(self, form):
        query = form.filter_query()
        return reverse("hub:index") + (f"?{query}" if query else "")

    def subtitle(self, form):
        return "Consultations and engagements, newest first."

    def items(self, form):
        return filtered_consultations(form).order_by("-published_at").prefetch_related("topics")[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return f"{date_range_text(item.opens_on, item.closes_on)}. {item.summary}"

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [topic.name for topic in item.topics.all()]


feed = require_safe(cached_public_page(ConsultationFeed()))
