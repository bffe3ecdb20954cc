"""Production behaviour: the client's address, health, headers, uploads never run, errors, sign-in lockouts."""

import logging
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client, RequestFactory
from django.utils import timezone

from ktnews.client_ip import client_ip
from tests.conftest import PASSWORD, make_commenter, make_user
from tests.test_settings import PRODUCTION, read_setting, run_manage

pytestmark = pytest.mark.django_db


# The client's address behind proxies


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.2"),  # no proxy of ours: the header is the client's word, ignored
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # our nginx appended what it saw; the rest is made up
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.1", "203.0.113.7"),  # a load balancer, then nginx
        (2, "203.0.113.7", "10.0.0.2"),  # fewer entries than proxies: did not come through them
        (1, "not-an-address", "10.0.0.2"),
    ],
)
def test_the_client_address_comes_only_from_trusted_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.TRUSTED_PROXY_IPS = ["10.0.0.2"]
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


def test_a_direct_connection_to_the_app_server_cannot_claim_an_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_IPS = ["10.0.0.2"]
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.7")

    assert client_ip(request) == "198.51.100.9"


# Health


def test_healthz_answers_200_and_is_never_cached(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
    assert "no-store" in response["Cache-Control"]


def test_healthz_reports_an_unreachable_cache_without_leaving_the_load_balancer(client, settings, caplog, monkeypatch):
    """Redis down is down for every app server: a 503 from all of them would take the whole site down."""
    settings.CACHES = {"default": {"BACKEND": "ktnews.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    monkeypatch.setattr("ktnews.health._last_logged", {})

    with caplog.at_level(logging.ERROR, logger="ktnews.health"):
        answers = [client.get("/healthz") for _probe in range(5)]

    assert [response.status_code for response in answers] == [200] * 5
    assert answers[0].json() == {"status": "degraded", "checks": {"database": "ok", "cache": "failing"}}
    # Once a minute, not once a probe.
    assert caplog.text.count("the shared cache does not answer") == 1


def test_healthz_answers_503_when_the_database_is_unreachable():
    check = "from django.test import Client; r = Client().get('/healthz'); print(r.status_code, r.json()['checks'])"
    result = run_manage(
        "shell", "-c", check, DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere", DJANGO_ALLOWED_HOSTS="testserver"
    )

    assert result.stdout.strip().splitlines()[-1] == "503 {'database': 'failing', 'cache': 'ok'}"


# Headers and cookies


def test_pages_carry_the_security_headers(client):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_production_cookies_are_secure_httponly_and_samesite_and_https_is_strict():
    values = read_setting(
        "s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SECURE, "
        "s.CSRF_COOKIE_HTTPONLY, s.CSRF_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_ENGINE, s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE",
        **PRODUCTION,
    )

    assert values == (
        "True True Lax True True Lax 31536000 True django.contrib.sessions.backends.cached_db True True Lax"
    )


def test_hsts_is_sent_over_https_in_production(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = client.get("/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_media_on_s3_needs_a_separate_private_bucket_for_the_originals():
    refused = run_manage("check", KTNEWS_MEDIA_S3_BUCKET="ktnews-media")
    assert refused.returncode != 0
    assert "KTNEWS_ORIGINALS_S3_BUCKET" in refused.stderr

    backends = read_setting(
        "s.STORAGES['default']['BACKEND'], s.STORAGES['originals']['OPTIONS']['default_acl'], s.SERVE_MEDIA",
        KTNEWS_MEDIA_S3_BUCKET="ktnews-media", KTNEWS_ORIGINALS_S3_BUCKET="ktnews-originals",
    )  # fmt: skip
    assert backends == "storages.backends.s3.S3Storage private False"


# Uploaded files are never served as pages or scripts


@pytest.mark.parametrize("name", ["photos/2026/11/page.html", "photos/2026/11/drawing.svg", "photos/x.js", "x.jpg"])
def test_media_serves_nothing_but_renditions(client, settings, name):
    target = settings.MEDIA_ROOT / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"<script>alert(document.cookie)</script>")

    assert client.get(f"/media/{name}").status_code == 404


def test_a_rendition_is_served_as_an_image_in_a_sandbox(client, settings):
    target = settings.MEDIA_ROOT / "photos/2026/11/abc-480.jpg"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"<html><script>alert(1)</script>")  # even a disguised page

    response = client.get("/media/photos/2026/11/abc-480.jpg")

    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    response.close()


# Errors


@pytest.mark.urls("tests.error_urls")
def test_a_server_error_shows_no_traceback_and_logs_the_request_id(settings, caplog):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/broken/")

    content = response.content.decode()
    assert response.status_code == 500
    assert "hunter2" not in content
    assert "Traceback" not in content
    request_id = response["X-Request-ID"]
    assert request_id in content
    [record] = [record for record in caplog.records if record.name == "django.request"]
    assert record.request_id == request_id
    assert "hunter2" in record.exc_text or "hunter2" in str(record.exc_info[1])


@pytest.mark.urls("tests.error_urls")
@pytest.mark.parametrize(
    ("path", "language", "says"),
    [
        ("/database-away/", "ko", "KT 뉴스를 잠시 이용할 수 없습니다"),
        ("/en/database-away/", "en", "briefly unavailable"),
    ],
)
def test_a_database_that_does_not_answer_gets_a_503_in_the_readers_language(settings, path, language, says):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get(path)

    page = response.content.decode()
    assert (response.status_code, response["Retry-After"]) == (503, "30")
    assert f'<html lang="{language}">' in page
    assert says in page
    assert "5432" not in page


@pytest.mark.urls("tests.error_urls")
def test_a_missing_table_is_a_bug_not_an_outage(settings):
    settings.DEBUG = False
    assert Client(raise_request_exception=False).get("/missing-table/").status_code == 500


# Sign-in lockouts


def admin_sign_in(client, username, password, **extra):
    return client.post("/en/admin/login/", {"username": username, "password": password}, **extra)


def reader_sign_in(client, login, password, **extra):
    return client.post("/en/accounts/login/", {"login": login, "password": password}, **extra)


PAUSED = "Too many failed sign-ins for this account or from this network."


def test_the_admin_locks_an_account_after_repeated_failures_with_a_clear_message(client, reporter, settings):
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 5
    for _attempt in range(5):
        assert PAUSED not in admin_sign_in(client, reporter.user.username, "wrong").content.decode()

    response = admin_sign_in(client, reporter.user.username, PASSWORD)

    assert PAUSED in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The lock is the account's, not everyone's: another account from the same address still signs in.
    make_user("colleague", "Reporters")
    assert admin_sign_in(Client(), "colleague", PASSWORD).status_code == 302


def test_the_lock_is_in_the_readers_language(client, reporter, settings):
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 1
    admin_sign_in(client, reporter.user.username, "wrong")

    response = client.post("/admin/login/", {"username": reporter.user.username, "password": PASSWORD})

    assert "로그인 실패가 너무 많습니다" in response.content.decode()


def test_the_lock_ends_by_itself_and_more_attempts_do_not_prolong_it(client, reporter, settings):
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 3
    settings.SIGNIN_LOCKOUT_MINUTES = 15
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _attempt in range(3):
            admin_sign_in(client, reporter.user.username, "wrong")
        for _minute in range(14):  # an attacker keeps trying all through the window
            clock.shift(timedelta(minutes=1))
            assert PAUSED in admin_sign_in(client, reporter.user.username, "wrong").content.decode()

        clock.shift(timedelta(minutes=1, seconds=1))
        assert admin_sign_in(client, reporter.user.username, PASSWORD).status_code == 302


def test_readers_are_locked_out_the_same_way_and_a_password_reset_lets_them_in(client, settings):
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 3
    reader = make_commenter("minsu")
    for _attempt in range(3):
        reader_sign_in(client, reader.email, "wrong")
    assert PAUSED in reader_sign_in(client, reader.email, PASSWORD).content.decode()

    client.post("/en/accounts/password/reset/", {"email": reader.email})
    link = re.search(r"https?://[^/\s]+(/en/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    set_password_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    new_password = {"password1": "a brand new passphrase 7", "password2": "a brand new passphrase 7"}
    assert client.post(set_password_url, new_password).status_code == 302

    response = reader_sign_in(Client(), reader.email, "a brand new passphrase 7")
    assert response.status_code == 302


def test_an_address_is_paused_after_many_failures_across_accounts(client, settings):
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 100
    settings.SIGNIN_FAILURES_PER_ADDRESS = 4
    for number in range(4):
        admin_sign_in(client, f"guess{number}", "wrong")
    make_user("fresh", "Reporters")

    assert PAUSED in admin_sign_in(client, "fresh", PASSWORD).content.decode()
    # From another address (seen through our one trusted proxy), the same account signs in.
    settings.TRUSTED_PROXY_COUNT = 1
    assert admin_sign_in(Client(), "fresh", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.4").status_code == 302


def test_a_forged_forwarded_header_does_not_dodge_the_address_limit(client, settings):
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 100
    settings.SIGNIN_FAILURES_PER_ADDRESS = 3
    for number in range(3):
        admin_sign_in(client, f"guess{number}", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    make_user("fresh", "Reporters")

    assert PAUSED in admin_sign_in(client, "fresh", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").content.decode()


# No account enumeration


def test_sign_in_says_the_same_for_a_wrong_password_and_an_unknown_account(client, settings):
    make_commenter("known")
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 2

    def errors(login):
        page = reader_sign_in(Client(), login, "wrong").content.decode()
        return re.findall(r'<ul class="errorlist[^"]*">(.*?)</ul>', page, re.S)

    assert errors("known@example.com") == errors("nobody@example.com")
    for login in ("known@example.com", "nobody@example.com"):
        reader_sign_in(client, login, "wrong")
        reader_sign_in(client, login, "wrong")
    assert PAUSED in reader_sign_in(client, "known@example.com", "x").content.decode()
    assert PAUSED in reader_sign_in(client, "nobody@example.com", "x").content.decode()


def test_sign_up_and_password_reset_do_not_tell_who_has_an_account(client):
    make_commenter("known")
    form = {
        "nickname": "처음", "password1": "a long enough passphrase 42", "password2": "a long enough passphrase 42",
        "agree_terms": "on", "agree_privacy": "on",
    }  # fmt: skip

    taken = Client().post("/en/accounts/signup/", {**form, "email": "known@example.com"})
    free = Client().post("/en/accounts/signup/", {**form, "nickname": "두번째", "email": "free@example.com"})
    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])
    assert "username" not in Client().get("/en/accounts/signup/").content.decode().lower().split("<form")[1]

    known = Client().post("/en/accounts/password/reset/", {"email": "known@example.com"})
    unknown = Client().post("/en/accounts/password/reset/", {"email": "nobody@example.com"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])


def test_an_attacker_elsewhere_cannot_keep_a_reporter_out(reporter, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 3
    office = {"HTTP_X_FORWARDED_FOR": "203.0.113.10"}
    assert admin_sign_in(Client(), reporter.user.username, PASSWORD, **office).status_code == 302

    attacker = Client()
    for _attempt in range(3):
        admin_sign_in(attacker, reporter.user.username, "guess", HTTP_X_FORWARDED_FOR="198.51.100.66")
    assert PAUSED in admin_sign_in(attacker, reporter.user.username, PASSWORD,
                                   HTTP_X_FORWARDED_FOR="198.51.100.67").content.decode()  # fmt: skip

    assert admin_sign_in(Client(), reporter.user.username, PASSWORD, **office).status_code == 302


def test_ipv6_addresses_count_by_their_64(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 100
    settings.SIGNIN_FAILURES_PER_ADDRESS = 3
    for number in range(3):
        admin_sign_in(client, f"guess{number}", "wrong", HTTP_X_FORWARDED_FOR=f"2001:db8:1:2::{number + 1}")
    make_user("fresh", "Reporters")

    assert (
        PAUSED in admin_sign_in(client, "fresh", PASSWORD, HTTP_X_FORWARDED_FOR="2001:db8:1:2::ffff").content.decode()
    )


def test_sign_in_pauses_still_hold_while_the_shared_cache_is_down(client, reporter, settings):
    """Failures the shared cache cannot count are counted in the process: a pause looser, never off."""
    settings.CACHES = {"default": {"BACKEND": "ktnews.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 3

    for _attempt in range(3):
        assert PAUSED not in admin_sign_in(client, reporter.user.username, "wrong").content.decode()

    assert PAUSED in admin_sign_in(client, reporter.user.username, "wrong").content.decode()
    assert PAUSED in admin_sign_in(client, reporter.user.username, PASSWORD).content.decode()
