"""/healthz for load balancers and monitoring: can this app server reach its database and its cache?"""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    checks = {"database": _database_answers(), "cache": _cache_answers()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable",
         "checks": {name: "ok" if passed else "failing" for name, passed in checks.items()}},
        status=200 if healthy else 503,
    )  # fmt: skip


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: the database does not answer")
        return False


def _cache_answers() -> bool:
    key, token = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    try:
        cache.set(key, token, 10)
        answered = cache.get(key) == token
        cache.delete(key)
        return answered
    except Exception:
        logger.exception("Health check: the cache does not answer")
        return False
