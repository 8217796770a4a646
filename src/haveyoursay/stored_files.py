"""Reading a stored file to send it, wherever the files are kept.

On local disk a stored file is opened as it is (and the web server may send it straight from
the disk). In S3-compatible object storage (S3_BUCKET) django-storages' own file object
fetches the whole object before its first byte can be read; a download instead streams the
object's body as it arrives, so a 50 MB document costs a web worker neither 50 MB of memory
nor the wait for all of it.

    response = file_response(document.file, content_type=...)   # FileNotFoundError when gone
"""

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
