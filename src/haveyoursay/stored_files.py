"""Reading a stored file to send it, wherever the files are kept.

On local disk a stored file is opened as it is (and the web server may send it straight from
the disk). In S3-compatible object storage (S3_BUCKET) django-storages' own file object
fetches the whole object before its first byte can be read; a download instead streams the
object's body as it arrives, so a 50 MB document costs a web worker neither 50 MB of memory
nor the wait for all of it.

    response = file_response(document.file, content_type=...)   # FileNotFoundError when gone

Deleting rows deletes their files too, once the deletion has committed:

    delete_files_on_commit(files_deleted_with([consultation]))

A file the storage can't delete then (the object store out of reach, say) is remembered as a
`hub.FileDeletion` and tried again by `retry_file_deletions`, which `haveyoursay
delete_stored_files` runs daily; staff who delete consultations see how many keep failing.
"""

import functools
import logging

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage, storages
from django.db import IntegrityError, models, router, transaction
from django.db.models import F
from django.db.models.deletion import Collector
from django.http import FileResponse
from django.utils import timezone

logger = logging.getLogger(__name__)


class StreamedObject:
    """An object's body as it arrives from the object store, read once from start to end.

    FileResponse can't tell the size of a stream: `size` is given as the Content-Length."""

    def __init__(self, body, size):
        self.body = body
        self.size = size

    def read(self, amount=-1):
        return self.body.read() if amount is None or amount < 0 else self.body.read(amount)

    def close(self):
        self.body.close()


def open_for_download(field_file):
    """The file behind a FileField, open for reading; FileNotFoundError if it is missing."""
    if not field_file.name:
        raise FileNotFoundError("No file was ever stored")
    return open_stored(field_file.storage, field_file.name)


def open_stored(storage, name):
    """A stored file, open for reading from start to end; FileNotFoundError if it is missing."""
    handle = storage.open(name, "rb")
    stored_object = getattr(handle, "obj", None)  # django-storages' S3 file, already known to exist
    if stored_object is None:
        return handle
    reply = stored_object.get()
    return StreamedObject(reply["Body"], reply["ContentLength"])


def file_response(field_file, **options):
    """A FileResponse sending the file behind a FileField; FileNotFoundError if it is missing."""
    stream = open_for_download(field_file)
    response = FileResponse(stream, **options)
    if isinstance(stream, StreamedObject):
        response["Content-Length"] = str(stream.size)
    return response


def files_deleted_with(objs):
    """The stored files of every row that deleting `objs` (a list or queryset of one model)
    deletes too, cascades included, as (storage, name): a row's files outlive it otherwise."""
    objs = list(objs)
    if not objs:
        return []
    collector = Collector(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    found = []
    for model, instances in collector.data.items():
        for field in _file_fields(model):
            found += [(field.storage, name) for name in (getattr(i, field.attname) for i in instances) if name]
    for queryset in collector.fast_deletes:
        for field in _file_fields(queryset.model):
            names = queryset.values_list(field.attname, flat=True)
            found += [(field.storage, name) for name in names if name]
    return found


def delete_files_on_commit(files):
    """Delete stored files once the transaction deleting their rows commits; kept if it rolls
    back. A file the storage can't delete is remembered, to try again, and the others are
    still deleted."""
    for storage, name in files:
        transaction.on_commit(functools.partial(delete_stored_file, storage, name), robust=True)


def delete_stored_file(storage, name):
    """Delete a stored file whose row has gone; if the storage can't, remember it to try again
    (`retry_file_deletions`). The error is logged by its kind only: a message may name the file."""
    try:
        storage.delete(name)
    except Exception as error:
        alias = storage_alias(storage)
        logger.warning(
            "A stored file could not be deleted (%s)%s.", type(error).__name__,
            "; it will be tried again" if alias else ", and its storage is not in STORAGES to try again",
        )
        if alias:
            _remember(alias, name, error)


def storage_alias(storage):
    """The name in STORAGES of a storage a file field uses, or None."""
    if storage is default_storage:
        return "default"
    return next((alias for alias in settings.STORAGES if storages[alias] is storage), None)


def _remember(alias, name, error):
    from haveyoursay.hub.models import FileDeletion

    now = timezone.now()
    kind = type(error).__name__[:100]
    try:
        with transaction.atomic():
            FileDeletion.objects.create(
                storage=alias, name=name, last_error=kind, first_failed_at=now, last_tried_at=now
            )
    except IntegrityError:  # remembered already: deleted again and failed again
        FileDeletion.objects.filter(storage=alias, name=name).update(
            attempts=F("attempts") + 1, last_tried_at=now, last_error=kind
        )


def retry_file_deletions():
    """Try again to delete each stored file whose deletion failed. Returns (deleted, still
    waiting). A file a row refers to again (its name given to a new file, as a storage may once
    the old one is gone) is not deleted but forgotten: it is no longer a left-over."""
    from haveyoursay.hub.models import FileDeletion

    deleted = waiting = 0
    for remembered in FileDeletion.objects.order_by("pk"):
        if remembered.storage not in settings.STORAGES:
            waiting += 1
            continue
        storage = storages[remembered.storage]
        if _referred_to(storage, remembered.name):
            remembered.delete()
            continue
        try:
            storage.delete(remembered.name)
        except Exception as error:
            logger.warning("A stored file could still not be deleted (%s).", type(error).__name__)
            FileDeletion.objects.filter(pk=remembered.pk).update(
                attempts=F("attempts") + 1, last_tried_at=timezone.now(), last_error=type(error).__name__[:100]
            )
            waiting += 1
        else:
            remembered.delete()
            deleted += 1
    return deleted, waiting


def _referred_to(storage, name):
    """Whether a row's file field names this file in this storage."""
    for model in apps.get_models():
        for field in _file_fields(model):
            if storage_alias(field.storage) == storage_alias(storage) and (
                model._base_manager.filter(**{field.attname: name}).exists()
            ):
                return True
    return False


def _file_fields(model):
    return [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]
