"""Helpers for the checks that run the site as production does: gunicorn servers and a small HTTP client.

Used by check_several_servers.py and check_sqlite_writers.py; not a test suite
(the checks make a bounded number of requests and say what went wrong).
"""

import html
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "a long enough passphrase 42"  # noqa: S105 -- made-up accounts of a throwaway database


def production_environment(database_url: str, workdir: Path, **extra) -> dict:
    """What every app server of one site shares: the database, the cache, the secret key."""
    inherited = ("DJANGO_", "KTNEWS_", "DATABASE_URL", "REDIS_URL")
    environment = {key: value for key, value in os.environ.items() if not key.startswith(inherited)}
    environment.update(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_BEHIND_TLS_PROXY": "true",  # the client says X-Forwarded-Proto: https, as nginx would
            "DATABASE_URL": database_url,
            "DJANGO_MEDIA_ROOT": str(workdir / "media"),
            "DJANGO_PRIVATE_MEDIA_ROOT": str(workdir / "private"),
            **extra,
        }
    )
    return environment


def prepare_site(environment: dict) -> None:
    """Migrate the database and collect the static files, as a deployment does."""
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "--verbosity", "0"], cwd=PROJECT, env=environment, check=True
        )


def use_site(environment: dict) -> None:
    """Set up Django in this process on the same site, to create accounts and stories and to count rows."""
    os.environ.update(environment)
    os.environ["DJANGO_SETTINGS_MODULE"] = "ktnews.settings"
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()


@contextmanager
def gunicorn(environment: dict, port: int, *, workers: int = 2, threads: int = 4, log: Path):
    """A gunicorn app server on 127.0.0.1:port with the repository's config, until the block ends."""
    server_environment = {
        **environment, "KTNEWS_BIND": f"127.0.0.1:{port}", "KTNEWS_WORKERS": str(workers),
        "KTNEWS_THREADS": str(threads),
    }  # fmt: skip
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"],
            cwd=PROJECT, env=server_environment, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_until_healthy(f"http://127.0.0.1:{port}", process, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_until_healthy(base_url, process, log, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise SystemExit(f"gunicorn did not answer /healthz within {timeout} s:\n{log.read_text()}")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One reader's cookies, over any number of servers of the same site (as a load balancer would spread them)."""

    def __init__(self):
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(_NoRedirects)

    def request(self, base_url, path, data=None, headers=None):
        host = base_url.split("//", 1)[1]
        request = urllib.request.Request(
            f"{base_url}{path}", data=urlencode(data, doseq=True).encode() if data else None
        )
        request.add_header("X-Forwarded-Proto", "https")
        request.add_header("User-Agent", "Mozilla/5.0 (KT News checks)")
        request.add_header("Accept-Language", "en")
        if data is not None:
            request.add_header("Origin", f"https://{host}")
            request.add_header("Referer", f"https://{host}{path}")
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{name}={value}" for name, value in self.cookies.items()))
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx and 5xx are answers too
            response = error
        with response:
            body = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, response.headers, body

    def get(self, base_url, path):
        return self.request(base_url, path)

    def post_form(self, base_url, page, form_id, values, *, action=None):
        """Submit a form of ``page`` ("#its-id", or the address it posts to) with its own fields (CSRF token
        included) and ``values``."""
        status, _headers, body = self.get(base_url, page)
        if status != 200:
            raise SystemExit(f"GET {page} on {base_url} answered {status}")
        form = Form.find(body, form_id)
        return self.request(base_url, action or form.action or page, {**form.fields, **values})


class Form(HTMLParser):
    """The fields of one <form> ("#its-id", or the address it posts to) as a browser would submit it."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.action, self.fields = form_id, False, None, {}
        self._select, self._multiple, self._textarea = None, False, None

    @classmethod
    def find(cls, page, form_id):
        form = cls(form_id)
        form.feed(page)
        if form.action is None:
            raise SystemExit(f"No form #{form_id} on the page:\n{page[:2000]}")
        return form

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        chosen = (
            attrs.get("id") == self.form_id.removeprefix("#")
            if self.form_id.startswith("#")
            else (html.unescape(attrs.get("action") or "") == self.form_id)
        )
        if tag == "form" and chosen:
            self.inside, self.action = True, html.unescape(attrs.get("action") or "")
        if not self.inside or ("name" not in attrs and tag != "option"):
            return
        if tag == "input" and attrs.get("type") not in {"submit", "button", "file", "image", "reset"}:
            if attrs.get("type") in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields[attrs["name"]] = attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")
        elif tag == "select":
            self._select, self._multiple = attrs["name"], "multiple" in attrs
        elif tag == "option" and self._select:
            # A single choice without a selected option sends its first option, as browsers do.
            if "selected" in attrs or (not self._multiple and self._select not in self.fields):
                self.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def page_has(body: str, text: str) -> bool:
    return html.escape(text, quote=False) in body or text in body


def fail_if(condition: bool, message: str) -> None:
    if condition:
        raise SystemExit(f"FAILED: {message}")


def ok(message: str) -> None:
    print(f"ok: {message}", flush=True)


def no_lock_errors(*logs: Path) -> None:
    for log in logs:
        text = log.read_text()
        fail_if(re.search(r"database is locked|Traceback", text) is not None, f"{log.name} has errors:\n{text[-3000:]}")


def errors_on(page: str) -> list[str]:
    """The form errors a page shows, as text."""
    found = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>|<p class="errornote">(.*?)</p>', page, re.S)
    return [re.sub(r"<[^>]+>", " ", " ".join(parts)).strip() for parts in found]
