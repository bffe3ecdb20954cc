"""Servers of a test's own, never the machine's: a free port for one, and a redis-server that a test starts,
stops and freezes (tests/test_faults.py, tests/test_flood_limits.py; the fixture is ``own_redis``), and an SMTP
server (``own_smtp``), and an OAuth 2 provider shaped as Kakao's (``fake_kakao``)."""

import email
import email.policy
import json
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server of this test's own on a free port: stopped, frozen (SIGSTOP: connections hang) and
    started again with its data (it keeps none on disk, so "stopped" also forgets everything)."""

    def __init__(self, folder: Path):
        self.port, self.folder, self.process = free_port(), folder, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self):
        """Stop the server, frozen or not (a stopped process acts on SIGTERM only once continued)."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGCONT)
        self.process.terminate()
        self.process.wait(timeout=10)

    @contextmanager
    def frozen(self):
        self.process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.process.send_signal(signal.SIGCONT)


class OwnSmtp:
    """An SMTP server of this test's own (aiosmtpd, in a thread) on a free port, keeping the messages it
    accepted; stopped, the port refuses connections as a mail server that is down does."""

    def __init__(self):
        self.port, self.messages, self.controller = free_port(), [], None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def use_in(self, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", self.port
        settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""


class FakeOAuthProvider:
    """An OAuth 2 provider of the test's own on 127.0.0.1, shaped as Kakao's: an authorization page that answers
    at once with a code (the reader "agreeing"), a token endpoint that checks the app's secret and the code, and
    a profile endpoint that checks the token. ``profile`` is what it says about the reader."""

    CLIENT_ID, SECRET, TOKEN = "kt-news-app", "kt-news-secret", "access-token-of-the-test"

    def __init__(self, profile: dict):
        self.port, self.profile, self.codes, self.requests = free_port(), profile, set(), []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                url = urlsplit(self.path)
                provider.requests.append(("GET", url.path))
                if url.path == "/oauth/authorize":
                    query = dict(parse_qsl(url.query))
                    if query.get("client_id") != provider.CLIENT_ID:
                        return self._answer(400, {"error": "invalid_client"})
                    code = secrets.token_urlsafe(8)
                    provider.codes.add(code)
                    target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                elif url.path == "/v2/user/me":
                    if self.headers.get("Authorization") != f"Bearer {provider.TOKEN}":
                        return self._answer(401, {"msg": "this access token does not exist"})
                    self._answer(200, provider.profile)
                else:
                    self._answer(404, {})

            def do_POST(self):
                provider.requests.append(("POST", self.path))
                form = dict(parse_qsl(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()))
                secret_ok = form.get("client_secret") == provider.SECRET and form.get("client_id") == provider.CLIENT_ID
                if self.path != "/oauth/token" or not secret_ok or form.get("code") not in provider.codes:
                    return self._answer(400, {"error": "invalid_grant"})
                provider.codes.discard(form["code"])  # a code works once
                self._answer(200, {"access_token": provider.TOKEN, "token_type": "bearer", "expires_in": 21599})

            def _answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
