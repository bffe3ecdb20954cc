"""gunicorn for KT News: `gunicorn -c deploy/gunicorn.conf.py` (the README's deployment section has the rest).

Every setting can be changed by an environment variable, so that one file serves each app server.
"""

import contextlib
import gc
import multiprocessing
import os

wsgi_app = "ktnews.wsgi:application"
bind = os.environ.get("KTNEWS_BIND", "127.0.0.1:8000")

# One request at a time per process, twice as many processes as cores plus one, behind nginx (which buffers
# slow readers). Measured (bench/): threads in one process queue behind each other's turns with the GIL and
# behind the keep-alive connections pinned to their process, and at 32 simultaneous readers the slowest 1%
# of answers took ten times the median; single-request workers take each connection as it comes, in
# whichever process is free. KTNEWS_THREADS above 1 brings back threaded workers, for app servers whose
# requests mostly wait.
workers = int(os.environ.get("KTNEWS_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("KTNEWS_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"

# A request that takes longer is a bug or an attack: the worker is replaced.
timeout = int(os.environ.get("KTNEWS_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then, so that a slow leak never grows into an outage. Not too often: a busy
# worker answers 2,000 requests in a few seconds, and each replacement drops its connections (bench/).
max_requests = 20_000
max_requests_jitter = 2_000
# The app is loaded once and shared by the workers (less memory, a bad deploy fails at start).
preload_app = True

# X-Forwarded-* are believed only from our own proxy (nginx on the same machine by default).
forwarded_allow_ips = os.environ.get("KTNEWS_PROXY_IPS", "127.0.0.1")

accesslog = "-"
errorlog = "-"
# The request id nginx sends (and Django echoes back) ties an access line to the app's log lines.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s "%(a)s"'


def when_ready(server):
    """Before the workers are forked, do in the master what every worker's first request would do.

    Template tag libraries, the compiled templates, the URL patterns of each language and the translation
    catalogues are then shared by every worker from the start: a new worker (after ``max_requests``) no
    longer spends its first ~200 ms on them while readers wait. Nothing here opens a connection.
    """
    if not server.cfg.preload_app:
        return
    from pathlib import Path

    from django.conf import settings
    from django.db import connections
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.template.loader import get_template
    from django.urls import get_resolver, resolve
    from django.urls.exceptions import Resolver404
    from django.utils import translation

    for engine in engines.all():
        for directory in engine.engine.dirs:
            for template in Path(directory).rglob("*.html"):
                with contextlib.suppress(TemplateDoesNotExist, TemplateSyntaxError):
                    get_template(str(template.relative_to(directory)))
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            get_resolver().reverse_dict  # noqa: B018 -- builds the language's reverse lookup table
            with contextlib.suppress(Resolver404):
                resolve(f"/{code}/")
    # What the master loaded lives as long as the workers: keep it out of their garbage collections, which
    # otherwise walk all of it now and then (measured: the floor's p99 at one reader, 85 ms → 33 ms).
    connections.close_all()  # none should be open; a connection shared by forked workers would be corrupted
    gc.collect()
    gc.freeze()
