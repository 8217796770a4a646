"""Reading a stored file to send it, wherever the files are kept.

On local disk a stored file is opened as it is (and the web server may send it straight from
the disk). In S3-compatible object storage (S3_BUCKET) django-storages' own file object
fetches the whole object before its first byte can be read; a download instead streams the
object's body as it arrives, so a 50 MB document costs a web worker neither 50 MB of memory
nor the wait for all of it.

    response = file_response(document.file, content_type=...)   # FileNotFoundError when gone

Deleting rows deletes their files too, once the deletion has committed:

    delete_files_on_commit(files_deleted_with([consultation]))
"""

import functools

from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.http import FileResponse


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
    back. A file the storage can't delete is logged and the others are still deleted."""
    for storage, name in files:
        transaction.on_commit(functools.partial(storage.delete, name), robust=True)


def _file_fields(model):
    return [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]
