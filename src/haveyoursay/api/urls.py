"""The API's addresses, each behind `read_only`: GET and HEAD only, cacheable, open to any site."""

import hashlib
from functools import wraps

from django.http import JsonResponse
from django.utils.cache import get_conditional_response
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import RedirectView

from haveyoursay.api.views import api

# Long enough to spare the server a crowd of readers, short enough that a consultation closing
# or a decision being published shows within minutes.
CACHE_SECONDS = 300
READ_METHODS = ("GET", "HEAD")


def read_only(view):
    """GET and HEAD (a HEAD is answered as its GET, without the body); anything else is refused
    with 405. A success carries an ETag of its content, so a cache can ask again cheaply and be
    told 304 Not Modified, and may be read by a page on any site (no cookies are involved)."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in READ_METHODS:
            response = JsonResponse(
                {"message": f"This API is read-only: use GET or HEAD, not {request.method}.", "errors": []},
                status=405,
            )
            response["Allow"] = ", ".join(READ_METHODS)
            return response
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        if response.status_code == 200:
            etag = '"' + hashlib.blake2b(response.content, digest_size=16).hexdigest() + '"'
            response["ETag"] = etag
            response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
            response = get_conditional_response(request, etag=etag, response=response)
            response["Access-Control-Allow-Origin"] = "*"
        if head:
            request.method = "HEAD"
            response["Content-Length"] = str(len(response.content))
            response.content = b""
        return response

    return wrapper


def api_urls():
    """The API's URL patterns, namespace "api", each view made read-only."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.name == "api-root":
            # The API's root address leads to its documentation page, one level up.
            pattern.callback = RedirectView.as_view(pattern_name="api_docs")
        else:
            pattern.callback = read_only(pattern.callback)
    return patterns, app_name, namespace
