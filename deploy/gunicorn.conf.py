"""gunicorn for KT News: `gunicorn -c deploy/gunicorn.conf.py` (the README's deployment section has the rest).

Every setting can be changed by an environment variable, so that one file serves each app server.
"""

import multiprocessing
import os

wsgi_app = "ktnews.wsgi:application"
bind = os.environ.get("KTNEWS_BIND", "127.0.0.1:8000")

# Processes for the CPU, threads for the time requests spend waiting on PostgreSQL and Redis.
workers = int(os.environ.get("KTNEWS_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("KTNEWS_THREADS", 4))

# A request that takes longer is a bug or an attack: the worker is replaced.
timeout = int(os.environ.get("KTNEWS_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then, so that a slow leak never grows into an outage.
max_requests = 2000
max_requests_jitter = 200
# The app is loaded once and shared by the workers (less memory, a bad deploy fails at start).
preload_app = True

# X-Forwarded-* are believed only from our own proxy (nginx on the same machine by default).
forwarded_allow_ips = os.environ.get("KTNEWS_PROXY_IPS", "127.0.0.1")

accesslog = "-"
errorlog = "-"
# The request id nginx sends (and Django echoes back) ties an access line to the app's log lines.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s "%(a)s"'
