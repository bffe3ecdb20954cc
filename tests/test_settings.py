"""Configuration comes from the environment, strictly, with a safe embedded default."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from ktnews.environment import env_bool, env_secret

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "news.example.ac.kr",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def read_setting(expression, **environment):
    """The printed value of a settings expression in a fresh process."""
    result = run_manage("shell", "-c", f"from django.conf import settings as s; print({expression})", **environment)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def run_manage(*args, **environment):
    """Run manage.py in a fresh process with only the given DJANGO_*/DATABASE_* variables."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
        check=False, timeout=60,
    )  # fmt: skip


def test_with_nothing_set_the_site_runs_in_development_on_sqlite():
    assert read_setting("s.DEBUG, s.DATABASES['default']['ENGINE']") == "True django.db.backends.sqlite3"


def test_production_without_a_secret_key_refuses_to_start_and_says_what_to_set():
    result = run_manage("check", DJANGO_DEBUG="false", DJANGO_ALLOWED_HOSTS="news.example.ac.kr")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start_and_says_what_to_set():
    result = run_manage("check", DJANGO_DEBUG="false", DJANGO_SECRET_KEY=PRODUCTION["DJANGO_SECRET_KEY"])

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr


def test_database_url_selects_postgresql():
    engine = read_setting("s.DATABASES['default']['ENGINE']", DATABASE_URL="postgres://postgres@127.0.0.1:5432/ktnews")

    assert engine == "django.db.backends.postgresql"


def test_sqlite_is_set_up_for_concurrent_writers():
    options = read_setting("s.DATABASES['default']['OPTIONS']")

    assert "'transaction_mode': 'IMMEDIATE'" in options
    assert "journal_mode=WAL" in options
    assert "'timeout': 20" in options


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("true", True), ("On", True), ("0", False), ("no", False)])
def test_booleans_accept_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("KTNEWS_TEST_FLAG", raw)

    assert env_bool("KTNEWS_TEST_FLAG", default=not expected) is expected


def test_booleans_refuse_a_value_they_do_not_understand(monkeypatch):
    monkeypatch.setenv("KTNEWS_TEST_FLAG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="KTNEWS_TEST_FLAG"):
        env_bool("KTNEWS_TEST_FLAG", default=False)


def test_secrets_can_come_from_a_file(monkeypatch, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file\n")
    monkeypatch.delenv("KTNEWS_TEST_SECRET", raising=False)
    monkeypatch.setenv("KTNEWS_TEST_SECRET_FILE", str(secret_file))

    assert env_secret("KTNEWS_TEST_SECRET") == "from-a-file"


def test_redis_url_gives_the_app_servers_one_shared_cache():
    backend = read_setting("s.CACHES['default']['BACKEND']", REDIS_URL="redis://127.0.0.1:6379/0")

    assert issubclass(import_string(backend), DjangoRedisCache)


def test_the_redis_cache_reuses_one_client_and_really_stores():
    from ktnews.cache import RedisCache

    cache = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "ktnews-test"})
    cache.set("shared", "across servers", 30)

    assert cache.get("shared") == "across servers"
    assert cache._cache.get_client("shared") is cache._cache.get_client("other")
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
    cache.delete("shared")
    for pool in cache._cache._pools.values():
        pool.disconnect()


def test_production_without_a_shared_cache_fails_the_deployment_checklist():
    without_redis = {key: value for key, value in PRODUCTION.items() if key != "REDIS_URL"}

    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **without_redis)
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr
