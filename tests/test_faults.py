"""Trust under faults, on the production stack: gunicorn app servers, nginx with the sample config, a Redis
this module starts, stops and freezes itself (never the machine's own), a database that goes away.

Each test drives real servers over HTTP and changes the site from another process (`manage.py shell`), as
an editor's worker or an operator would. The site runs on the engine of the test run: a SQLite file, or a
new PostgreSQL database in the PostgreSQL run.
"""

import json
import re
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager, suppress
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from ktnews.cache import EPOCH_READ_SECONDS
from scripts.served import PROJECT, Browser, gunicorn, prepare_site, production_environment
from tests.own_servers import free_port

HOST = "news.example.ac.kr"
#: How soon a takedown must reach every reader (the issue's promise), plus a little for this machine.
TAKEDOWN_SECONDS = 5


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """A new database for the servers: PostgreSQL in the PostgreSQL run, else a SQLite file."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path_factory.mktemp('site') / 'site.sqlite3'}"
        return
    server = settings.DATABASES["default"]
    admin = f"host={server['HOST']} port={server['PORT'] or 5432} user={server['USER']} dbname=postgres"
    name = f"ktnews_faults_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{server['USER']}@{server['HOST']}:{server['PORT'] or 5432}/{name}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def site(database_url, tmp_path_factory):
    """The demo newsroom, migrated and loaded once; each test serves it with the cache it needs."""
    work = tmp_path_factory.mktemp("served")
    environment = production_environment(
        database_url, work, DJANGO_ALLOWED_HOSTS=f"{HOST},127.0.0.1", KTNEWS_CACHE_DIR=str(work / "cache")
    )
    prepare_site(environment)
    manage(environment, "loaddemo", "--force")
    return environment


def manage(environment, *arguments) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=PROJECT, env=environment, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def in_shell(environment, code) -> str:
    """Run ``code`` in `manage.py shell`: another process, as an editor's request on another worker."""
    return manage(environment, "shell", "-c", code).strip().splitlines()[-1]


AS_EDITOR = (
    "from django.contrib.auth import get_user_model; from articles.models import Article; "
    "editor = get_user_model().objects.get(username='editor'); "
)


def a_story(environment) -> dict:
    code = (
        "import json; from articles.models import Article; "
        "a = Article.objects.published().filter(comments__isnull=False).order_by('-published_at').first(); "
        "print(json.dumps({'pk': a.pk, 'url': a.get_absolute_url(), 'title': a.title_ko}))"
    )
    return json.loads(in_shell(environment, code))


def fetch(base_url, path, *, cookies=None, timeout=30, context=None, host=None, language="ko"):
    """(status, headers, body) of a GET, redirects not followed."""
    request = urllib.request.Request(f"{base_url}{path}", headers={"User-Agent": "Mozilla/5.0 (KT News faults)"})
    request.add_header("Accept-Language", language)
    request.add_header("X-Forwarded-Proto", "https")
    if host:
        request.add_header("Host", host)
    if cookies:
        request.add_header("Cookie", "; ".join(f"{name}={value}" for name, value in cookies.items()))
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), NoRedirects)
    try:
        response = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return response.status, response.headers, response.read().decode("utf-8", "replace")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def statuses_until(predicate, probe, seconds) -> tuple[float | None, list]:
    """Probe every 0.2 s for ``seconds``; when ``predicate`` first held, and every answer seen."""
    start, seen, held_at = time.monotonic(), [], None
    while time.monotonic() - start < seconds:
        answer = probe()
        seen.append(answer)
        if held_at is None and predicate(answer):
            held_at = time.monotonic() - start
        time.sleep(0.2)
    return held_at, seen


# The embedded default: no REDIS_URL, several workers on one machine


def test_a_story_unpublished_from_the_shell_leaves_every_worker_at_once_without_redis(site, tmp_path):
    """Each worker once kept its own cache: an unpublished story stayed readable on the others for 5 minutes."""
    story = a_story(site)
    with (
        gunicorn(site, free_port(), workers=1, threads=1, log=tmp_path / "a.log") as first,
        gunicorn(site, free_port(), workers=1, threads=1, log=tmp_path / "b.log") as second,
    ):
        for server in (first, second, first, second):  # each keeps the page
            assert fetch(server, story["url"])[0] == 200

        in_shell(site, f"{AS_EDITOR}Article.objects.get(pk={story['pk']}).unpublish(by=editor)")

        assert [fetch(server, story["url"])[0] for server in (first, second)] == [404, 404]
    in_shell(site, f"{AS_EDITOR}Article.objects.get(pk={story['pk']}).publish(by=editor)")


# Redis: refused, frozen, back


def sign_in(environment) -> dict:
    """A signed-in reader's cookies: a session made in the database (and read through the cache)."""
    code = (
        "from django.contrib.auth import get_user_model; from django.contrib.sessions.backends.cached_db import "
        "SessionStore; from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY; "
        "u = get_user_model().objects.get(username='reader'); s = SessionStore(); s[SESSION_KEY] = str(u.pk); "
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'; "
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)"
    )
    return {"sessionid": in_shell(environment, code)}


def test_reading_commenting_and_health_go_on_while_redis_is_down_and_nothing_stale_returns_with_it(
    site, own_redis, tmp_path
):
    environment = {**site, "REDIS_URL": own_redis.url, "KTNEWS_COMMENTS_PER_MINUTE": "2"}
    story = a_story(environment)
    with gunicorn(environment, free_port(), workers=1, threads=1, log=tmp_path / "app.log") as server:
        reader = sign_in(environment)
        assert fetch(server, story["url"])[0] == 200  # kept in Redis
        assert "campus_reader" in fetch(server, "/", cookies=reader)[2]

        own_redis.stop()
        in_shell(environment, f"from articles.models import Article; a = Article.objects.get(pk={story['pk']}); "
                              "a.title_ko = '바뀐 제목: 레디스가 없는 동안'; a.save()")  # fmt: skip

        status, _headers, page = fetch(server, story["url"])
        assert (status, "바뀐 제목: 레디스가 없는 동안" in page) == (200, True)
        assert fetch(server, "/")[0] == 200
        assert "campus_reader" in fetch(server, "/", cookies=reader)[2]  # still signed in
        health = fetch(server, "/healthz")
        assert (health[0], json.loads(health[2])["checks"]) == (200, {"database": "ok", "cache": "failing"})
        posted = [post_comment(server, story, reader, f"레디스 없이 쓴 댓글 {n}") for n in range(3)]

        assert posted == [302, 302, 429]  # the limit of 2 a minute, counted from the comments themselves

        own_redis.start()  # empty: Redis keeps nothing on disk
        assert "바뀐 제목: 레디스가 없는 동안" in fetch(server, story["url"])[2]
    log = (tmp_path / "app.log").read_text()
    assert log.count("The shared cache (Redis) does not answer") == 1  # once, not once per request
    assert "Internal Server Error" not in log


def post_comment(server, story, cookies, body) -> int:
    reader = Browser()
    reader.cookies.update(cookies)
    return reader.post_form(server, story["url"], "#comment-form", {"body": body})[0]


def test_a_frozen_redis_costs_a_reader_about_a_second_once_not_a_second_per_cache_operation(site, own_redis, tmp_path):
    """Connections that hang (SIGSTOP): a socket timeout of one second, then the process leaves Redis alone."""
    environment = {**site, "REDIS_URL": own_redis.url}
    story = a_story(environment)
    with gunicorn(environment, free_port(), workers=1, threads=1, log=tmp_path / "app.log") as server:
        assert fetch(server, story["url"])[0] == 200
        with own_redis.frozen():
            started = time.monotonic()
            answers = [fetch(server, path)[0] for path in (story["url"], "/", story["url"], "/healthz")]
            waited = time.monotonic() - started
            during = [cache_state(server) for _probe in range(6)]  # a busy worker: a request every 0.5 s
        assert answers == [200, 200, 200, 200]
        # A story page asks the cache about eight times: 8 s without the pause, every page.
        assert waited < 4
        assert set(during) == {"failing"}
        # Busy all along, the worker still tries Redis again after its pause, and finds it.
        back_at, _states = statuses_until(lambda state: state == "ok", lambda: cache_state(server), 8)
        assert back_at is not None
        assert fetch(server, story["url"])[0] == 200


def cache_state(server) -> str:
    return json.loads(fetch(server, "/healthz")[2])["checks"]["cache"]


# The database away


class Interruptible:
    """A TCP relay to PostgreSQL that this test can cut (every connection dropped, new ones refused) and
    restore on the same port: the database away and back, without touching the machine's server."""

    def __init__(self, target_port: int):
        self.port, self.target_port = free_port(), target_port
        self.listener, self.connections = None, []

    def start(self):
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.connections += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                end.close()

    def cut(self):
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread, which holds the socket open
        self.listener.close()
        for connection in self.connections:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        self.connections = []


@pytest.mark.postgresql
def test_readers_get_a_designed_503_while_the_database_is_away_and_the_site_comes_back_by_itself(site, tmp_path):
    server_port = settings.DATABASES["default"]["PORT"] or 5432
    relay = Interruptible(int(server_port))
    relay.start()
    through_relay = re.sub(r"@([^/:]+)(:\d+)?/", f"@127.0.0.1:{relay.port}/", site["DATABASE_URL"])
    environment = {**site, "DATABASE_URL": through_relay}
    story = a_story(environment)
    expired_session = {"sessionid": "not-a-session"}  # never served from the page cache
    with gunicorn(environment, free_port(), workers=1, threads=1, log=tmp_path / "app.log") as server:
        assert fetch(server, story["url"])[0] == 200  # kept for anonymous readers

        relay.cut()
        korean = fetch(server, story["url"], cookies=expired_session)
        english = fetch(server, f"/en{story['url']}", cookies=expired_session)
        kept = fetch(server, story["url"])
        health = fetch(server, "/healthz")

        relay.start()
        back = fetch(server, story["url"], cookies=expired_session)
    assert (korean[0], korean[1]["Retry-After"]) == (503, "30")
    assert "잠시 이용할 수 없습니다" in korean[2]
    assert '<html lang="ko">' in korean[2]
    assert (english[0], "briefly unavailable" in english[2]) == (503, True)
    assert "Traceback" not in korean[2] + english[2]
    assert kept[0] == 200  # what was kept for anonymous readers is still read
    assert health[0] == 503
    assert back[0] == 200  # no restart


# nginx with the sample config, in front of two app servers


@contextmanager
def nginx_in_front(folder: Path, app_servers: list[str]):
    """deploy/nginx/ktnews.conf as shipped, but for its addresses, ports and paths: yields (https, http)."""
    https_port, http_port = free_port(), free_port()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
         "-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    shipped = (PROJECT / "deploy/nginx/ktnews.conf").read_text()
    replacements = {
        "10.0.0.11:8000": app_servers[0].removeprefix("http://"),
        "10.0.0.12:8000": app_servers[1].removeprefix("http://"),
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        f"/etc/letsencrypt/live/{HOST}/": f"{folder}/",
        "/var/cache/nginx/ktnews": str(folder / "micro-cache"),
        "/srv/ktnews/media/": f"{folder}/media/",
    }
    for shipped_text, ours in replacements.items():
        assert shipped_text in shipped, f"the sample config no longer has {shipped_text!r}"
        shipped = shipped.replace(shipped_text, ours)
    # This machine may have no IPv6: the [::] listeners go (the IPv4 ones are the same server blocks).
    site_config = "\n".join(line for line in shipped.splitlines() if "listen [::]" not in line)
    (folder / "ktnews.conf").write_text(site_config)
    (folder / "nginx.conf").write_text(
        f"user root; worker_processes 1; daemon off; pid {folder}/nginx.pid; error_log {folder}/error.log;\n"
        "events { worker_connections 256; }\n"
        "http { include /etc/nginx/mime.types; access_log off; tcp_nopush on;\n"
        + "".join(
            f"  {kind}_temp_path {folder}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {folder}/ktnews.conf;\n}}\n"
    )
    checked = subprocess.run(["nginx", "-t", "-c", str(folder / "nginx.conf")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(["nginx", "-c", str(folder / "nginx.conf")], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while fetch_through(https_port, "/healthz")[0] != 200:
            assert time.monotonic() < deadline, (folder / "error.log").read_text()
            time.sleep(0.1)
        yield https_port, http_port
    finally:
        process.terminate()
        process.wait(timeout=10)


def fetch_through(port, path, language="ko"):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        return fetch(f"https://127.0.0.1:{port}", path, context=context, host=HOST, timeout=10, language=language)
    except (urllib.error.URLError, ConnectionError):
        return (None, {}, "")


def test_a_takedown_reaches_readers_through_nginx_within_five_seconds_and_never_comes_back(site, own_redis, tmp_path):
    """The micro-cache once served a trashed story as a stale 200 for good (410 was not a cached status)."""
    environment = {
        **site, "REDIS_URL": own_redis.url, "KTNEWS_TRUSTED_PROXIES": "1", "KTNEWS_PROXY_IPS": "127.0.0.1",
        "KTNEWS_SERVE_MEDIA": "false",
    }  # fmt: skip
    story = a_story(environment)
    edit = f"{AS_EDITOR}a = Article.objects.get(pk={story['pk']}); "
    with (
        gunicorn(environment, free_port(), workers=1, threads=1, log=tmp_path / "a.log") as first,
        gunicorn(environment, free_port(), workers=1, threads=1, log=tmp_path / "b.log") as second,
        nginx_in_front(tmp_path, [first, second]) as (https_port, http_port),
    ):
        assert fetch(f"http://127.0.0.1:{http_port}", "/healthz", host=HOST)[0] == 200  # plain HTTP for probes
        for _reader in range(4):
            status, headers, _page = fetch_through(https_port, story["url"])
        assert (status, headers["X-Cache"]) == (200, "HIT")

        in_shell(environment, f"{edit}a.title_ko = '고친 제목이 5초 안에'; a.save()")
        shown_at, _seen = statuses_until(
            lambda answer: "고친 제목이 5초 안에" in answer[2], lambda: fetch_through(https_port, story["url"]),
            TAKEDOWN_SECONDS + 2,
        )  # fmt: skip
        assert shown_at is not None
        assert shown_at <= TAKEDOWN_SECONDS + 1

        # Kept for readers of two languages (nginx keeps a copy per Vary), then left alone past its time.
        for language in ("ko", "en", "ko", "en"):
            assert fetch_through(https_port, story["url"], language)[0] == 200
        in_shell(environment, f"{edit}a.move_to_trash(by=editor)")
        time.sleep(TAKEDOWN_SECONDS + 1)
        first_after = [fetch_through(https_port, story["url"], language)[0] for language in ("ko", "en")]
        _never, seen = statuses_until(lambda answer: False, lambda: fetch_through(https_port, story["url"]), 3)
    # The first reader of each copy after its time gets the 410, not the old page "while updating".
    assert first_after == [410, 410]
    assert {answer[0] for answer in seen} == {410}  # once gone, gone for every reader
    in_shell(environment, f"{edit}a.restore_from_trash(by=editor)")


def test_long_addresses_through_nginx_are_kept_under_a_key_that_fits_or_answered_414(site, tmp_path):
    """A 4 KB address made nginx log "proxy_buffer_size is not enough for cache key" on every request (and
    keep nothing). Up to 4,000 bytes the page is kept like any other; longer ones are answered 414 at once."""
    environment = {
        **site,
        "KTNEWS_TRUSTED_PROXIES": "1",
        "KTNEWS_PROXY_IPS": "127.0.0.1",
        "KTNEWS_SERVE_MEDIA": "false",
    }
    with (
        gunicorn(environment, free_port(), workers=1, threads=1, log=tmp_path / "a.log") as first,
        gunicorn(environment, free_port(), workers=1, threads=1, log=tmp_path / "b.log") as second,
        nginx_in_front(tmp_path, [first, second]) as (https_port, _http_port),
    ):
        longest = "/?utm_source=" + "x" * (4_000 - len("/?utm_source="))
        answers = [fetch_through(https_port, longest) for _reader in range(3)]
        too_long = fetch_through(https_port, longest + "x")
        too_long_korean = fetch_through(https_port, "/search/?q=" + "%EA%B0%80" * 600)
    assert [status for status, _headers, _page in answers] == [200, 200, 200]
    assert answers[-1][1]["X-Cache"] == "HIT"
    assert (too_long[0], too_long_korean[0]) == (414, 414)
    assert "cache key" not in (tmp_path / "error.log").read_text()


def test_changes_made_while_redis_hangs_reach_a_server_that_never_saw_the_outage(site, own_redis, tmp_path):
    """A headline changed and a reader signed out from the shell while Redis is frozen: its kept page and
    session would be served again by a server that had no request meanwhile. The epoch in the database
    makes all of it unreachable."""
    environment = {**site, "REDIS_URL": own_redis.url}
    story = a_story(environment)
    with gunicorn(environment, free_port(), workers=1, threads=1, log=tmp_path / "idle.log") as idle:
        reader = sign_in(environment)
        for _reader in range(2):
            assert fetch(idle, story["url"])[0] == 200  # kept
        assert fetch(idle, "/accounts/profile/", cookies=reader)[0] == 200
        with own_redis.frozen():
            in_shell(environment, f"{AS_EDITOR}a = Article.objects.get(pk={story['pk']}); "
                                  "a.title_ko = '아무도 못 본 장애 중의 새 제목'; a.save()")  # fmt: skip
            in_shell(environment, "from django.contrib.sessions.backends.cached_db import SessionStore; "
                                  f"SessionStore({reader['sessionid']!r}).delete()")  # fmt: skip
        time.sleep(EPOCH_READ_SECONDS + 0.5)

        assert "아무도 못 본 장애 중의 새 제목" in fetch(idle, story["url"])[2]
        assert fetch(idle, "/accounts/profile/", cookies=reader)[0] == 302  # signed out


def test_a_change_made_while_redis_hangs_is_shown_once_it_answers_again_with_its_old_pages(site, own_redis, tmp_path):
    """Redis frozen keeps its data: the generations bumped meanwhile never reached it, so what it kept from
    before would be served as current. The app server forgets them when Redis answers again."""
    environment = {**site, "REDIS_URL": own_redis.url}
    story = a_story(environment)
    with gunicorn(environment, free_port(), workers=1, threads=1, log=tmp_path / "app.log") as server:
        assert fetch(server, story["url"])[0] == 200
        assert fetch(server, story["url"])[0] == 200  # kept
        with own_redis.frozen():
            in_shell(environment, f"{AS_EDITOR}a = Article.objects.get(pk={story['pk']}); "
                                  "a.title_ko = '멈춘 레디스 뒤의 새 제목'; a.save()")  # fmt: skip
            assert "멈춘 레디스 뒤의 새 제목" in fetch(server, story["url"])[2]
        time.sleep(5.5)  # the app server's pause after a failure (ktnews.cache.RETRY_SECONDS)
        pages = [fetch(server, story["url"])[2] for _reader in range(3)]

    assert all("멈춘 레디스 뒤의 새 제목" in page for page in pages)
