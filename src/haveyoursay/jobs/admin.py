from django.contrib import admin

from haveyoursay.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "title", "consultation", "state", "created_at", "finished_at"]
    list_filter = ["kind", "state"]
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request):
        return False
