"""The Content-Security-Policy, with the one inline script the admin needs."""

import base64
import hashlib
from functools import cache

from csp.middleware import CSPMiddleware, PolicyParts


@cache
def prose_editor_importmap_hash() -> str:
    """The CSP hash of the rich-text editor's import map.

    The editor's modules find each other through an inline
    ``<script type="importmap">``; allowing exactly that script by its hash
    keeps the policy free of 'unsafe-inline'. The map names static files, so
    the hash is computed once the static storage is ready, on first use.
    """
    from django_prose_editor.widgets import importmap

    rendered = importmap.render()
    content = rendered[rendered.index(">") + 1 : rendered.rindex("</script>")]
    digest = hashlib.sha256(content.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only:
            update = dict(parts.update or {})
            update["script-src"] = [*update.get("script-src", []), prose_editor_importmap_hash()]
            parts.update = update
        return parts


#: Kakao's JavaScript SDK is only served from Kakao's own host.
KAKAO_SDK_ORIGIN = "https://t1.kakaocdn.net"


def allow_kakao_sdk(response) -> None:
    """Let this page load Kakao's share SDK: only story pages, only when an editor configured a key.

    Uses django-csp's per-response update, the same one its ``csp_update`` decorator sets.
    """
    update = dict(getattr(response, "_csp_update", None) or {})
    update["script-src"] = [*update.get("script-src", []), KAKAO_SDK_ORIGIN]
    response._csp_update = update
