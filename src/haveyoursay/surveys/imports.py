"""Importing responses from other survey tools, on the staff site: upload a file, map its
columns to questions, see the dry run, import, see what was done.

The uploaded file stays on the server between the steps, in MEDIA_ROOT/imports/ (or imports/
in the object store, with S3_BUCKET, where workers on other machines find it) under a
random name that only the uploading session knows; the browser holds nothing but a token
for it. The file is deleted once imported, and by the next upload after a day if the import
was never finished. The work itself is in `surveys/importing.py`.

Reading the file, the dry run and the import run in the background (`surveys/import_tasks.py`):
a file of 50,000 rows takes longer than a web request may, and a small file can unpack to far
more than it seems. The upload request only stores the file; a file the reading refuses is
deleted, and the import page says why. Meanwhile the page says how far the work
has got, and the person can come back to it; the jobs are reached only through the upload's
token, so only the session that uploaded the file sees what was found in it.
"""

import hashlib
import json
import secrets
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from haveyoursay.accounts.models import AuditEvent
from haveyoursay.govuk_forms import GovukForm
from haveyoursay.hub.models import max_upload_bytes
from haveyoursay.hub.staff import get_consultation_for_user, staff_required
from haveyoursay.jobs.models import Job
from haveyoursay.surveys import import_tasks, importing
from haveyoursay.surveys.channels import get_import_batch_for_user
from haveyoursay.surveys.exports import csv_chunks
from haveyoursay.surveys.models import ImportBatch, Questionnaire

PERMISSION = "surveys.add_importbatch"
SESSION_KEY = "response_imports"
FINISHED_KEY = "response_imports_finished"  # {token: batch pk}, so a second click lands on the result
REFUSED_KEY = "response_imports_refused"  # {token: why}, for the import page to say
MAPPINGS_KEY = "response_import_mappings"  # {questionnaire and headings: mapping}, for a corrected file
TEMPLATES = "surveys/staff/imports/"


class UploadForm(GovukForm):
    file = forms.FileField(
        label="File of responses",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )
    sheet = forms.CharField(
        label="Sheet name (optional)",
        required=False,
        max_length=100,
        help_text="For an Excel workbook whose responses are not on its first sheet.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = max_upload_bytes() // (1024 * 1024)
        self.fields["file"].help_text = (
            f"A {importing.ACCEPTED_DESCRIPTION} file exported from another survey tool, smaller than {limit} MB. "
            "The first row must hold the column headings."
        )
        self.fields["file"].widget.attrs["accept"] = ",".join(importing.ACCEPTED_EXTENSIONS)
        self.fields["sheet"].widget.attrs.update({"class": "govuk-input--width-20", "spellcheck": "false"})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            importing.check_file_name(upload.name)
        except importing.ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(f"The selected file must be smaller than {limit // (1024 * 1024)} MB")
        return upload


class MappingForm(GovukForm):
    """One select per column of the file: ignore it, or the question (or part) it answers."""

    def __init__(self, columns, targets, samples, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns, self.targets = columns, targets
        choices = importing.target_choices(targets)
        for column in columns:
            examples = samples.get(column.index) or []
            self.fields[self.field_name(column)] = forms.ChoiceField(
                label=column.description,
                required=False,
                choices=choices,
                help_text=(
                    "For example: " + ", ".join(f"“{importing._short(v, 40)}”" for v in examples)
                    if examples else "Empty in the first rows"
                ),
                error_messages={"invalid_choice": "Choose from the list"},
                # As wide as the column of the page, not as its longest choice: it must fit a phone.
                widget=forms.Select(attrs={"class": "hys-select-fill"}),
            )

    @staticmethod
    def field_name(column):
        return f"column_{column.index}"

    def clean(self):
        data = super().clean()
        chosen = {c.index: data.get(self.field_name(c)) for c in self.columns if data.get(self.field_name(c))}
        try:
            self.mapping = importing.Mapping(self.columns, self.targets, chosen)
        except importing.MappingError as error:
            for index, message in error.errors.items():
                column = next((c for c in self.columns if c.index == index), None)
                self.add_error(self.field_name(column) if column else None, message)
        return data

    def rows(self):
        """(column, bound field) for the mapping table."""
        return [(column, self[self.field_name(column)]) for column in self.columns]


def _questionnaire(request, pk):
    consultation = get_consultation_for_user(request, pk, PERMISSION)
    return consultation, Questionnaire.objects.filter(consultation=consultation).first()


def _uploads(request):
    return request.session.get(SESSION_KEY, {})


def _save_uploads(request, uploads):
    request.session[SESSION_KEY] = uploads


def _forget_stale_uploads(request):
    cutoff = (timezone.now() - importing.UPLOAD_LIFETIME).isoformat()
    uploads = {t: e for t, e in _uploads(request).items() if e.get("uploaded_at", "") >= cutoff}
    _save_uploads(request, uploads)


def _finished(request, consultation, token):
    """A redirect to the result, if this upload was imported already (a resent form, the back button)."""
    batch_pk = request.session.get(FINISHED_KEY, {}).get(token)
    return redirect("surveys_staff:import_done", consultation.pk, batch_pk) if batch_pk else None


def _refuse(request, consultation, token, entry, message):
    """The upload could not be read, or was beyond the limits: delete it, and send the person
    back to the import page, which says why (and says so again if they come back to it)."""
    importing.delete_upload(entry["stored"])
    uploads = _uploads(request)
    uploads.pop(token, None)
    _save_uploads(request, uploads)
    refused = request.session.get(REFUSED_KEY, {})
    refused[token] = {"file_name": entry["file_name"], "message": message}
    request.session[REFUSED_KEY] = dict(list(refused.items())[-10:])
    return _to_refusal(consultation, token)


def _to_refusal(consultation, token):
    page = reverse("surveys_staff:import_upload", args=[consultation.pk])
    return redirect(f"{page}?{urlencode({'refused': token})}")


def _show_refusal(request, form):
    """The reason the file named by ?refused= was refused, at the field it is about."""
    refusal = request.session.get(REFUSED_KEY, {}).get(request.GET.get("refused", ""))
    if not refusal:
        return
    field = "sheet" if refusal["message"].startswith(importing.NO_SUCH_SHEET) else "file"
    form.full_clean()  # an unbound form: no errors of its own, only this one
    form.cleaned_data = {}
    form.add_error(field, f"“{refusal['file_name']}” was not imported, and has been deleted from the server. "
                          + refusal["message"])


def _expired(request, consultation):
    messages.info(request, "That file is no longer here: uploads are kept for a day. Upload it again to carry on.")
    return redirect("surveys_staff:import_upload", consultation.pk)


@staff_required(PERMISSION)
@require_http_methods(["GET", "POST"])
def upload(request, pk):
    """Only stores the file and queues its reading: nothing in the file is read here."""
    consultation, questionnaire = _questionnaire(request, pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "GET":
        _show_refusal(request, form)
    if questionnaire is not None and request.method == "POST" and form.is_valid():
        importing.remove_stale_uploads()
        _forget_stale_uploads(request)
        file = form.cleaned_data["file"]
        stored, sha256 = importing.store_upload(file, file.name)
        batch = importing.previous_import(questionnaire, sha256)
        if batch is not None and batch.is_interrupted() and not importing.upload_exists(batch.upload):
            # Its own copy was deleted: this one is the same file, to carry on from.
            ImportBatch.objects.filter(pk=batch.pk).update(upload=stored)
            messages.success(
                request, f"This is the file of the import that stopped part-way, “{batch.file_name}”. "
                "Resume it to carry on from the first row not written."
            )
            return redirect("surveys_staff:import_done", consultation.pk, batch.pk)
        if batch is not None:
            importing.delete_upload(stored)
            form.add_error("file", importing.previous_import_message(batch))
        else:
            token = secrets.token_urlsafe(16)
            uploads = _uploads(request)
            entry = {
                "consultation": consultation.pk,
                "stored": stored,
                "file_name": file.name[:255],
                "sha256": sha256,
                "sheet": form.cleaned_data["sheet"].strip(),
                "uploaded_at": timezone.now().isoformat(),
            }
            entry["read_job"] = import_tasks.start_read(questionnaire, entry, request.user).pk
            uploads[token] = entry
            _save_uploads(request, uploads)
            return redirect("surveys_staff:import_mapping", consultation.pk, token)
    batches = (
        questionnaire.import_batches.select_related("imported_by", "job").order_by("-imported_at")[:20]
        if questionnaire is not None else []
    )
    unfinished = importing.unfinished_import(questionnaire) if questionnaire is not None else None
    return render(
        request,
        TEMPLATES + "upload.html",
        {"consultation": consultation, "questionnaire": questionnaire, "form": form, "batches": batches,
         "unfinished": unfinished},
    )


@staff_required(PERMISSION)
@require_GET
def template(request, pk):
    """A CSV of headings only, one column for each question, to fill in and upload: every column
    is matched to its question by its heading."""
    consultation, questionnaire = _questionnaire(request, pk)
    if questionnaire is None:
        raise Http404("No questionnaire")
    download = HttpResponse(
        b"".join(csv_chunks([importing.template_headings(questionnaire)])), content_type="text/csv; charset=utf-8"
    )
    download["Content-Disposition"] = f'attachment; filename="{consultation.slug}-responses-template.csv"'
    download["Cache-Control"] = "private, no-store"
    return download


@staff_required(PERMISSION)
@require_http_methods(["GET", "POST"])
def mapping(request, pk, token):
    consultation, questionnaire = _questionnaire(request, pk)
    if questionnaire is None:
        raise Http404("No questionnaire")
    if finished := _finished(request, consultation, token):
        return finished
    if token in request.session.get(REFUSED_KEY, {}):
        return _to_refusal(consultation, token)
    entry = _uploads(request).get(token)
    if not entry or entry.get("consultation") != consultation.pk:
        raise Http404("No such upload")
    job = _job(consultation, entry, "read_job")
    if job is None or not importing.upload_exists(entry["stored"]) and job.state != Job.State.FAILED:
        return _expired(request, consultation)
    if not job.is_finished:
        return _waiting(request, consultation, entry, token, job, "Reading the file", stage="read")
    if job.state == Job.State.FAILED:
        return _refuse(request, consultation, token, entry, job.error_message)
    found = importing.load_result(entry["stored"], job.pk)
    if not found:
        return _expired(request, consultation)
    columns = importing.columns_read(found)
    samples = {int(index): values for index, values in found["samples"].items()}
    targets = importing.targets_for(questionnaire)
    saved = entry.get("mapping")
    remembered = _remembered_mapping(request, questionnaire, columns, targets) if saved is None else None
    if saved is not None:
        chosen = {int(i): k for i, k in saved.items()}
    elif remembered is not None:
        chosen = remembered["chosen"]
    else:
        chosen = importing.propose_mapping(columns, targets)
    form = MappingForm(
        columns, targets, samples,
        data=request.POST if request.method == "POST" else None,
        initial={MappingForm.field_name(c): chosen.get(c.index, "") for c in columns},
    )
    if request.method == "POST" and form.is_valid():
        uploads = _uploads(request)
        entry = uploads[token]
        entry["mapping"] = {str(c.index): t.key for c, t in form.mapping.pairs}
        _remember_mapping(request, questionnaire, columns, entry)
        entry.pop("import_job", None)
        entry.pop("check_job", None)
        if importing.previous_import(questionnaire, entry["sha256"]) is None:
            entry["check_job"] = import_tasks.start_check(questionnaire, entry, request.user).pk
        _save_uploads(request, uploads)
        return redirect("surveys_staff:import_check", consultation.pk, token)
    return render(
        request,
        TEMPLATES + "mapping.html",
        {
            "consultation": consultation, "form": form, "entry": entry, "token": token,
            "proposed": saved is None and remembered is None, "remembered": remembered,
            "mapped_count": len(chosen), "column_count": len(columns),
        },
    )


def _headings_key(questionnaire, columns):
    headings = json.dumps([column.name for column in columns], ensure_ascii=False)
    return f"{questionnaire.pk}:{hashlib.sha256(headings.encode()).hexdigest()}"


def _remember_mapping(request, questionnaire, columns, entry):
    """Keep how this session matched a file's columns, by the file's headings, for a corrected
    file of the same questionnaire (the same headings, in the same order) to start from."""
    remembered = request.session.get(MAPPINGS_KEY, {})
    key = _headings_key(questionnaire, columns)
    remembered.pop(key, None)
    remembered[key] = {"mapping": entry["mapping"], "file_name": entry["file_name"]}
    request.session[MAPPINGS_KEY] = dict(list(remembered.items())[-20:])


def _remembered_mapping(request, questionnaire, columns, targets):
    """{"chosen": {column index: target}, "file_name": ...} as this session last matched a file
    with these headings, leaving out what the questionnaire no longer has; or None."""
    found = request.session.get(MAPPINGS_KEY, {}).get(_headings_key(questionnaire, columns))
    if not found:
        return None
    keys = {target.key for target in targets}
    chosen = {int(i): key for i, key in found["mapping"].items() if key in keys and int(i) < len(columns)}
    try:
        importing.Mapping(columns, targets, chosen)
    except importing.MappingError:
        return None
    return {"chosen": chosen, "file_name": found["file_name"]}


def _mapped_upload(request, pk, token, need_file=True):
    """(response, None) when the upload can't go on — already imported, expired, or not yet
    mapped — else (None, (consultation, questionnaire, entry)). An import deletes the file when
    it finishes: following one needs only the session's record of it (`need_file=False`)."""
    consultation, questionnaire = _questionnaire(request, pk)
    if questionnaire is None:
        raise Http404("No questionnaire")
    if finished := _finished(request, consultation, token):
        return finished, None
    entry = _uploads(request).get(token)
    if not entry or entry.get("consultation") != consultation.pk:
        raise Http404("No such upload")
    if need_file and not importing.upload_exists(entry["stored"]):
        return _expired(request, consultation), None
    if entry.get("mapping") is None:
        return redirect("surveys_staff:import_mapping", consultation.pk, token), None
    return None, (consultation, questionnaire, entry)


def _job(consultation, entry, key):
    """The upload's check or import job, as recorded in the session."""
    job_id = entry.get(key)
    return Job.objects.filter(pk=job_id, consultation=consultation).first() if job_id else None


def _waiting(request, consultation, entry, token, job, heading, restart_url="", stage=""):
    """The page shown while the work goes on: it says how far it has got, and is looked at again
    by the browser (or by the person following the "Check again" link) until it is done."""
    return render(
        request,
        TEMPLATES + "waiting.html",
        {"consultation": consultation, "entry": entry, "token": token, "job": job, "heading": heading,
         "restart_url": restart_url, "stage": stage},
    )


def _check_page(request, consultation, entry, token, **context):
    return render(
        request,
        TEMPLATES + "check.html",
        {"consultation": consultation, "entry": entry, "token": token, "check": None, "file_error": "",
         "already_imported": "", "import_error": "", "confirm_error": "", "unfinished_error": "", **context},
    )


def _found(entry, job):
    """The Check a finished job left beside the upload, or None if it left none (or it has gone)."""
    result = importing.load_result(entry["stored"], job.pk)
    return importing.Check.from_json(result["check"]) if result and "check" in result else None


@staff_required(PERMISSION)
@never_cache
def check(request, pk, token):
    # A check that refused the file deleted it: what the check found is still to be shown.
    stop, prepared = _mapped_upload(request, pk, token, need_file=False)
    if stop is not None:
        return stop
    consultation, questionnaire, entry = prepared
    previous = importing.previous_import(questionnaire, entry["sha256"])
    if previous is not None and not previous.is_complete and entry.get("import_job"):
        return redirect("surveys_staff:import_done", consultation.pk, previous.pk)  # this upload's own import
    if previous is not None:
        return _check_page(
            request, consultation, entry, token, already_imported=importing.previous_import_message(previous)
        )
    job = _job(consultation, entry, "check_job")
    if job is None:
        return redirect("surveys_staff:import_mapping", consultation.pk, token)
    if not job.is_finished:
        return _waiting(request, consultation, entry, token, job, "Checking the file")
    if job.state == Job.State.FAILED:
        return _check_page(request, consultation, entry, token, file_error=job.error_message)
    found = _found(entry, job)
    if found is None:
        return _expired(request, consultation)
    return _check_page(request, consultation, entry, token, check=found)


@staff_required(PERMISSION)
@never_cache
@require_http_methods(["GET", "POST"])
def run(request, pk, token):
    """POST queues the import (once: a second click follows the first); GET follows it."""
    stop, prepared = _mapped_upload(request, pk, token, need_file=False)
    if stop is not None:
        return stop
    consultation, questionnaire, entry = prepared
    job = _job(consultation, entry, "import_job")
    if request.method == "POST" and (job is None or job.state == Job.State.FAILED or job.is_stalled()):
        if not importing.upload_exists(entry["stored"]):
            return _expired(request, consultation)
        checked = _job(consultation, entry, "check_job")
        found = _found(entry, checked) if checked is not None and checked.state == Job.State.SUCCEEDED else None
        include_early = request.POST.get("include_early") == "yes"
        unfinished = importing.unfinished_import(questionnaire)
        same_file = unfinished is not None and unfinished.file_sha256 == entry["sha256"]
        if unfinished is not None and not (same_file and unfinished.is_interrupted()):
            # One import at a time; this file's own import, stopped part-way, is carried on.
            return _check_page(
                request, consultation, entry, token, check=found, unfinished=unfinished,
                unfinished_error=importing.in_progress_message(unfinished, same_file=same_file),
            )
        if found is not None and found.early and not include_early:
            responses = f"{found.early:,} response{'s' if found.early != 1 else ''}"
            return _check_page(request, consultation, entry, token, check=found, confirm_error=(
                f"Confirm that the {responses} dated before the consultation opened should be imported, "
                "or correct their dates in the file and upload it again"
            ))
        uploads = _uploads(request)
        job = import_tasks.start_import(questionnaire, entry, request.user, include_early=include_early)
        uploads[token]["import_job"] = job.pk
        _save_uploads(request, uploads)
        return redirect("surveys_staff:import_run", consultation.pk, token)
    if job is None:
        return redirect("surveys_staff:import_check", consultation.pk, token)
    if not job.is_finished:
        return _waiting(
            request, consultation, entry, token, job, "Importing the responses", request.path
        )
    if job.state == Job.State.SUCCEEDED:
        batch = importing.previous_import(questionnaire, entry["sha256"])
        _finish(request, token, entry, batch)
        if batch is None:  # deleted since, with its responses
            return redirect("surveys_staff:import_upload", consultation.pk)
        return redirect("surveys_staff:import_done", consultation.pk, batch.pk)
    previous = importing.previous_import(questionnaire, entry["sha256"])
    if previous is not None and not previous.is_complete:
        # Stopped part-way: its page says how far it got, and offers to resume or discard it.
        return redirect("surveys_staff:import_done", consultation.pk, previous.pk)
    if previous is not None:  # imported by someone else, before this import or while it ran
        messages.error(request, importing.already_imported_message(previous))
        _finish(request, token, entry)
        return redirect("surveys_staff:import_upload", consultation.pk)
    return _check_page(request, consultation, entry, token, check=_found(entry, job), import_error=job.error_message)


def _finish(request, token, entry, batch=None):
    importing.delete_upload(entry["stored"])
    uploads = _uploads(request)
    uploads.pop(token, None)
    _save_uploads(request, uploads)
    if batch is not None:
        finished = request.session.get(FINISHED_KEY, {})
        finished[token] = batch.pk
        request.session[FINISHED_KEY] = dict(list(finished.items())[-20:])


@staff_required(PERMISSION)
@never_cache
def done(request, pk, batch_pk):
    """The page of one import: how far it has got while its rows are written, what stopped it and
    what can be done (resume, discard) if it stopped part-way, and what it did once complete."""
    try:
        consultation, batch = get_import_batch_for_user(request, pk, batch_pk, PERMISSION)
    except Http404:
        if discarded := _discarded(request, pk, batch_pk):
            return discarded
        raise
    if batch.is_being_discarded:
        return render(
            request, TEMPLATES + "discarding.html",
            {"consultation": consultation, "batch": batch, "job": batch.discard_job,
             "stopped": batch.discard_stopped()},
        )
    if not batch.is_complete:
        return render(
            request, TEMPLATES + "unfinished.html",
            {"consultation": consultation, "batch": batch, "interrupted": batch.is_interrupted(),
             "file_kept": importing.upload_exists(batch.upload)},
        )
    event = AuditEvent.objects.filter(
        action="responses.import", object_id=str(consultation.pk), detail__batch=batch.pk
    ).first()
    return render(
        request,
        TEMPLATES + "done.html",
        {"consultation": consultation, "batch": batch, "summary": event.detail if event else {}},
    )


def _discarded(request, pk, batch_pk):
    """For the page of an import that is no longer there: once the work discarding it has deleted
    it, the page of imports, saying so. None if no such work finished."""
    consultation = get_consultation_for_user(request, pk, PERMISSION)
    job = Job.objects.filter(
        consultation=consultation, kind=Job.Kind.IMPORT, subject=import_tasks.discard_subject(batch_pk),
        state=Job.State.SUCCEEDED,
    ).first()
    if job is None:
        return None
    deleted = (job.result or {}).get("deleted", 0)
    messages.success(
        request, f"The unfinished import is discarded: the {deleted:,} response{'s' if deleted != 1 else ''} it "
        f"had written {'were' if deleted != 1 else 'was'} deleted, none of them ever counted. "
        "You can import the file again.",
    )
    return redirect("surveys_staff:import_upload", consultation.pk)


def _refuse_unless_interrupted(request, consultation, batch, doing):
    """A redirect to the import's page, saying why, unless it stopped part-way; else None."""
    if batch.is_being_discarded:
        messages.info(request, f"This import is being discarded, so there is nothing to {doing}: its responses are "
                               "being deleted, none of them ever counted.")
    elif batch.is_complete:
        messages.info(request, f"This import is complete, so there is nothing to {doing}: its responses are counted. "
                               "If the file was wrong, undo the import instead.")
    elif not batch.is_interrupted():
        messages.info(request, f"This import is still being written, so there is nothing to {doing} yet: wait for it "
                               "to finish. If no more responses are written for 30 minutes, it is shown as stopped, "
                               "to resume or discard.")
    else:
        return None
    return redirect("surveys_staff:import_done", consultation.pk, batch.pk)


def _entry_of(batch):
    """The upload an unfinished import reads, as the import job takes it."""
    return {
        "stored": batch.upload, "file_name": batch.file_name, "sheet": batch.mapping.get("sheet") or "",
        "mapping": {str(column["index"]): column["target"] for column in batch.mapping.get("columns", [])},
    }


@staff_required(PERMISSION)
@require_POST
def resume(request, pk, batch_pk):
    """Carry on with an import that stopped part-way, from the first row it had not written."""
    consultation, batch = get_import_batch_for_user(request, pk, batch_pk, PERMISSION)
    if refused := _refuse_unless_interrupted(request, consultation, batch, "resume"):
        return refused
    if not importing.upload_exists(batch.upload):
        messages.error(
            request, f"“{batch.file_name}” is no longer on the server, so the import can't be resumed from it. "
            "Upload the same file again to resume the import, or discard the import.",
        )
        return redirect("surveys_staff:import_done", consultation.pk, batch.pk)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update(of=("self",)).select_related("job").get(pk=batch.pk)
        if refused := _refuse_unless_interrupted(request, consultation, locked, "resume"):
            return refused
        job = import_tasks.start_import(
            locked.questionnaire, _entry_of(locked), request.user, include_early=locked.include_early
        )
        ImportBatch.objects.filter(pk=locked.pk).update(job=job)
        AuditEvent.record(
            request.user, "responses.import_resume", consultation, batch=locked.pk, file=locked.file_name,
            written=locked.rows_written, to_write=locked.rows_to_write, job=job.pk,
        )
    messages.success(request, f"The import of “{batch.file_name}” is carrying on from the first row not written.")
    return redirect("surveys_staff:import_done", consultation.pk, batch.pk)


@staff_required(PERMISSION)
@never_cache
@require_http_methods(["GET", "POST"])
def discard(request, pk, batch_pk):
    """Delete what an import that stopped part-way wrote (none of it was counted), so the file can
    be imported afresh: in the background, a chunk at a time, as it was written. The batch is
    "being discarded" meanwhile, and its page follows the work. Discarding that stopped can be
    asked for again; it carries on with the responses left."""
    consultation, batch = get_import_batch_for_user(request, pk, batch_pk, PERMISSION)
    if refused := _refuse_unless_discardable(request, consultation, batch):
        return refused
    if request.method == "POST":
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update(of=("self",)).get(pk=batch.pk)
            if refused := _refuse_unless_discardable(request, consultation, locked):
                return refused
            import_tasks.start_discard(locked, request.user)
        return redirect("surveys_staff:import_done", consultation.pk, batch.pk)
    return render(request, TEMPLATES + "discard.html", {"consultation": consultation, "batch": batch})


def _refuse_unless_discardable(request, consultation, batch):
    """A redirect to the import's page unless it stopped part-way, or its discarding stopped."""
    if batch.is_being_discarded and batch.discard_stopped():
        return None
    return _refuse_unless_interrupted(request, consultation, batch, "discard")
