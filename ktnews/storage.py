import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files whose ES module imports point at the hashed names too.

    Without the rewrite, site.js (hashed, cached for a year) would import
    status-bar.js by its plain name, which is served with a short cache time.
    """

    support_js_module_import_aggregation = True


class PrivateFileSystemStorage(FileSystemStorage):
    """Files that are kept but never served: outside MEDIA_ROOT, and without a URL.

    The folder is read from PRIVATE_MEDIA_ROOT when used, not when the storage is made,
    so that tests (and a changed setting) can move it.
    """

    def __init__(self, location=None, **kwargs):
        super().__init__(location=location, base_url=None, **kwargs)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no URL.")
