"""The reader's address, as far as it can be trusted.

Behind N proxies we run (KTNEWS_TRUSTED_PROXIES), each appends the address it
got the request from to X-Forwarded-For; the Nth entry from the right is the
one our outermost proxy saw, and anything left of it was written by the client
and proves nothing. With no trusted proxies, or on a connection that does not come
from one of our proxies' addresses (KTNEWS_PROXY_IPS), the header is ignored altogether.
"""

from ipaddress import ip_address

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0 or remote not in settings.TRUSTED_PROXY_IPS:
        return remote  # no proxy of ours, or someone reaching the app server directly: the header proves nothing
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote  # not through all our proxies: only the connection's address is known
    candidate = forwarded[-proxies]
    try:
        return str(ip_address(candidate))
    except ValueError:
        return remote
