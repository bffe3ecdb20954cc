from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files whose ES module imports point at the hashed names too.

    Without the rewrite, site.js (hashed, cached for a year) would import
    status-bar.js by its plain name, which is served with a short cache time.
    """

    support_js_module_import_aggregation = True
