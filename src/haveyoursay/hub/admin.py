"""Django's admin, for superusers only: the consultation team works in the staff site."""

from django.contrib import admin
from django.db import models

from haveyoursay.govuk_forms import CurrentFileInput
from haveyoursay.hub.models import Area, Consultation, Document, Event, PartnerBody, Topic


def superuser_only(request):
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superuser_only
admin.site.site_header = "haveyoursay administration"

# A web address typed without its scheme is taken as https://, as the staff site's forms take it
# (and as Django 6 will by default).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    # Uploads have no public URL (they are served only through a view that checks them).
    formfield_overrides = {models.FileField: {"widget": CurrentFileInput}}


class EventInline(admin.TabularInline):
    model = Event
    extra = 0


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["title", "opens_on", "closes_on", "published_at"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["partners", "topics", "areas"]
    inlines = [DocumentInline, EventInline]
    formfield_overrides = HTTPS_URLS


@admin.register(Topic, Area)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PartnerBody)
class PartnerBodyAdmin(LabelAdmin):
    list_display = ["name", "kind", "url"]
    formfield_overrides = HTTPS_URLS
