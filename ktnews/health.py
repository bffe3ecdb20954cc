"""/healthz for load balancers and monitoring: can this app server serve readers?

Only what this app server can fix takes it out of the load balancer: its database connection (503). The
shared cache is reported in the body, never as 503: when Redis is down it is down for every app server,
pages render from the database (ktnews/cache.py), and a 503 from all of them would take the site down.
Failures are logged at most once a minute per process, not once per probe.
"""

import logging
import secrets
import time

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

LOG_EVERY_SECONDS = 60
_last_logged: dict[str, float] = {}


@never_cache
def healthz(request):
    checks = {"database": _database_answers(), "cache": _cache_answers()}
    return JsonResponse(
        {"status": "ok" if all(checks.values()) else "degraded" if checks["database"] else "unavailable",
         "checks": {name: "ok" if passed else "failing" for name, passed in checks.items()}},
        status=200 if checks["database"] else 503,
    )  # fmt: skip


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        _log_now_and_then("database", "Health check: the database does not answer")
        return False


def _cache_answers() -> bool:
    # Our Redis backend answers a miss when Redis is down: only a value read back proves it works.
    key, token = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    try:
        cache.set(key, token, 10)
        answered = cache.get(key) == token
        cache.delete(key)
    except Exception:
        answered = False
    if not answered:
        _log_now_and_then("cache", "Health check: the shared cache does not answer")
    return answered


def _log_now_and_then(check, message) -> None:
    now = time.monotonic()
    if now - _last_logged.get(check, -LOG_EVERY_SECONDS) >= LOG_EVERY_SECONDS:
        _last_logged[check] = now
        logger.error(message, exc_info=True)
