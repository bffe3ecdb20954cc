"""Serving MEDIA_ROOT from Django, for sites without a web server in front that does it (the embedded default).

Only photo renditions live there, written by articles.photos under names that are never reused. Anything
else is not found, and what is served can only be an image: a browser will not run it as a page or script.
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.http import Http404
from django.views.static import serve

SERVED_TYPES = {".jpg": "image/jpeg", ".webp": "image/webp"}


def media_file(request, name):
    content_type = SERVED_TYPES.get(PurePosixPath(name).suffix.lower())
    if content_type is None or not name.startswith("photos/"):
        raise Http404
    response = serve(request, name, document_root=settings.MEDIA_ROOT)
    response["Content-Type"] = content_type
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
