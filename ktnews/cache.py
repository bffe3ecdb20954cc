"""The shared cache: on Redis, one client per process, and a site that keeps reading when Redis does not;
without Redis, files every process on the machine shares.

Django's backend builds a new ``redis.Redis`` for every operation. Since redis-py 5 that copies some 170
response callbacks each time: about 47 µs, more than the round trip to a local Redis itself, and a story
page outside the page cache makes eight of them. A client is safe to share between threads (each command
takes a connection from the pool), so each process keeps one per connection pool.

When Redis refuses connections or stops answering (settings give it a one-second socket timeout), every
operation counts as a miss: reads find nothing, writes are skipped, and pages render from the database.
After a failure this process leaves Redis alone for ``RETRY_SECONDS`` instead of waiting a second per
operation, and it logs the outage at most once a minute.

A write that would have invalidated something (a generation bump, a sign-out, a settings change) and did
not reach Redis raises the cache's *epoch*, kept in the site's database and part of every key: once Redis
answers again, nothing it kept from before is reachable, for any process, whoever made the change (another
server, the shell) and whether or not the reader's process saw the outage. Each process reads the epoch at
most every ``EPOCH_READ_SECONDS``. Limits that must not fail open count elsewhere while Redis is down:
sign-in pauses in the process (``counting_cache``), comment floods from the comments themselves
(``shared_cache_failing``).

Keys may carry what a reader typed (an address, a sign-in name): one that is long or holds spaces or
control characters is kept under a digest of itself (``bounded_key``), so a 10,000-character value makes
neither a 10 KB Redis key nor Django's CacheKeyWarning.
"""

import hashlib
import logging
import os
import pickle
import tempfile
import threading
import time
import zlib
from contextlib import nullcontext, suppress
from functools import partial

from django.core.cache import cache, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, MEMCACHE_MAX_KEY_LENGTH, memcache_key_warnings
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.core.files import locks
from django.db import connection, transaction
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

#: After a failure, operations fail at once for this long; then the next one tries Redis again.
RETRY_SECONDS = 5
#: An outage is logged once, then at most once in this many seconds while it lasts.
LOG_EVERY_SECONDS = 60
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
#: Keys whose lost write would leave Redis saying something no longer true: the generations kept pages
#: are checked against (articles.page_cache), sessions (a sign-out), django-solo's settings rows.
INVALIDATING_PREFIXES = ("gen:", "django.contrib.sessions.", "solo:")
#: The table of the epoch (made by migration articles 0015), and how often a process reads it.
EPOCH_TABLE = "ktnews_cache_epoch"
EPOCH_READ_SECONDS = 2


#: How much of a key too long to keep is left readable before its digest (for whoever looks into Redis).
KEY_HEAD_CHARACTERS = 100


def bounded_key(key: str) -> str:
    """``key``, or if it is longer than memcached's limit or holds what memcached refuses (spaces, control
    characters), its printable head and a digest of the whole: the same key for every process."""
    if len(key) <= MEMCACHE_MAX_KEY_LENGTH and next(memcache_key_warnings(key), None) is None:
        return key
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()
    head = "".join(character for character in key[:KEY_HEAD_CHARACTERS] if 32 < ord(character) != 127)
    return f"{head}#{digest}"


class BoundedKeys:
    """A cache backend whose keys are bounded (see ``bounded_key``)."""

    def make_key(self, key, version=None):
        return bounded_key(super().make_key(key, version))


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        # No retries inside redis-py: an outage is handled once, here, not with reconnections per command.
        kwargs.setdefault("retry", Retry(NoBackoff(), 0))
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if (client := self._clients.get(pool)) is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class Outage:
    """What this process knows of the shared cache being unreachable; shared by the threads of a process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.failing_since = None
        self.retry_at = 0.0
        self.logged_at = -LOG_EVERY_SECONDS

    def skip(self) -> bool:
        """Fail at once instead of asking Redis: it failed less than RETRY_SECONDS ago."""
        return self.failing_since is not None and time.monotonic() < self.retry_at

    def failed(self, error) -> None:
        now = time.monotonic()
        with self.lock:
            if self.failing_since is None:
                self.failing_since = now
            self.retry_at = now + RETRY_SECONDS
            if now - self.logged_at >= LOG_EVERY_SECONDS:
                self.logged_at = now
                logger.error("The shared cache (Redis) does not answer: %s. Pages render from the database.", error)

    def answered(self) -> None:
        if self.failing_since is None:
            return
        with self.lock:
            if self.failing_since is not None:
                self.failing_since, self.logged_at = None, -LOG_EVERY_SECONDS
                logger.warning("The shared cache (Redis) answers again.")


class Epoch:
    """The shared cache's epoch, in the site's database (see the module): read at most every
    EPOCH_READ_SECONDS, raised by any process whose invalidating write did not reach Redis."""

    def __init__(self):
        self.value, self.read_at = 0, -EPOCH_READ_SECONDS

    def current(self) -> int:
        if time.monotonic() - self.read_at >= EPOCH_READ_SECONDS:
            self.read_at = time.monotonic()
            # The database away too, or not migrated yet: keep the epoch known.
            with suppress(Exception):
                self.value = self._query(f"SELECT epoch FROM {EPOCH_TABLE} WHERE id = 1")  # noqa: S608
        return self.value

    def raise_(self) -> None:
        try:
            self._query(f"UPDATE {EPOCH_TABLE} SET epoch = epoch + 1 WHERE id = 1")  # noqa: S608
        except Exception:
            logger.exception("The cache's epoch could not be raised: pages may show a change late")
            return
        self.read_at = -EPOCH_READ_SECONDS  # this process goes on under the new one at once

    @staticmethod
    def _query(sql) -> int | None:
        # Inside a change's transaction, a savepoint: a failure must not break it. Outside, no transaction of
        # its own: on SQLite that would BEGIN IMMEDIATE and wait for the write lock just to read a number.
        with transaction.atomic() if connection.in_atomic_block else nullcontext(), connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0] if cursor.description else None


_outages: dict[str, Outage] = {}
_epoch = Epoch()
_outages_lock = threading.Lock()


def _outage_for(location) -> Outage:
    with _outages_lock:
        return _outages.setdefault(location, Outage())


def shared_cache_failing() -> bool:
    """True while this process finds the site's cache unreachable (never for a cache that is not Redis)."""
    backend = caches["default"]
    return isinstance(backend, RedisCache) and backend._outage.failing_since is not None


class CountingFallbackCache(BoundedKeys, LocMemCache):
    pass


_counting_fallback = CountingFallbackCache("ktnews-counting-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


def counting_cache():
    """Where limits count: the shared cache, or while it does not answer, this process's own memory. Each
    process then counts alone, so a limit is looser by the number of workers, but never off."""
    return _counting_fallback if shared_cache_failing() else cache


class RedisCache(DjangoRedisCache):
    """Django's Redis cache with one client per process, an outage treated as a miss and the epoch in every
    key (see the module)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._outage = _outage_for(repr(self._servers))

    def make_key(self, key, version=None):
        prefix = f"{self.key_prefix}:e{_epoch.current()}"
        return bounded_key(self.key_func(key, prefix, self.version if version is None else version))

    def _guarded(self, operation, *, on_failure, written=()):
        if self._outage.skip():
            self._raise_epoch_if_invalidating(written)
            return on_failure()
        try:
            result = operation()
        except OUTAGE_ERRORS as error:
            self._outage.failed(error)
            self._raise_epoch_if_invalidating(written)
            return on_failure()
        self._outage.answered()
        return result

    def _raise_epoch_if_invalidating(self, keys) -> None:
        """A write that would have invalidated kept pages did not reach Redis: retire every key instead."""
        if any(str(key).startswith(INVALIDATING_PREFIXES) for key in keys):
            _epoch.raise_()

    def get(self, key, default=None, version=None):
        return self._guarded(partial(super().get, key, default, version), on_failure=lambda: default)

    def get_many(self, keys, version=None):
        return self._guarded(partial(super().get_many, keys, version), on_failure=dict)

    def has_key(self, key, version=None):
        return self._guarded(partial(super().has_key, key, version), on_failure=lambda: False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        written = partial(super().set, key, value, timeout, version)
        self._guarded(written, on_failure=lambda: None, written=[key])

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        written = partial(super().set_many, data, timeout, version)
        return self._guarded(written, on_failure=lambda: list(data), written=list(data))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # A key only added where missing (a generation's first value, a counter's) invalidates nothing.
        return self._guarded(partial(super().add, key, value, timeout, version), on_failure=lambda: False)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(partial(super().touch, key, timeout, version), on_failure=lambda: False)

    def incr(self, key, delta=1, version=None):
        def unavailable():
            # What Django's backends raise for a key they do not have: callers already handle it.
            raise ValueError(f"The shared cache could not count {key!r}: it does not answer.")

        written = partial(super().incr, key, delta, version)
        return self._guarded(written, on_failure=unavailable, written=[key])

    def delete(self, key, version=None):
        written = partial(super().delete, key, version)
        return self._guarded(written, on_failure=lambda: False, written=[key])

    def delete_many(self, keys, version=None):
        keys = list(keys)
        self._guarded(partial(super().delete_many, keys, version), on_failure=lambda: None, written=keys)

    def clear(self):
        return self._guarded(super().clear, on_failure=lambda: False)


class FolderCache(BoundedKeys, FileBasedCache):
    """The embedded default (no REDIS_URL): Django's file cache, shared by every process on the machine.

    Its counters keep their expiry (Django's file cache rewrites a counter with the default timeout, so a
    fifteen-minute sign-in pause would end after five) and count right when several workers count at once,
    under one lock for the folder's counters; ``add`` is atomic too (a hard link fails where the file exists).
    """

    def _cull(self):
        """Over MAX_ENTRIES: the expired files go first (kept pages and fragments of old generations), and only
        if that is not enough a random third as Django does, which may cost a counter its count."""
        files = self._list_cache_files()
        if len(files) < self._max_entries:
            return
        for name in files:
            with suppress(FileNotFoundError), open(name, "rb") as file:
                self._is_expired(file)  # which removes it if so
        super()._cull()

    def incr(self, key, delta=1, version=None):
        # One lock for every counter of the folder (counting is rare next to reading), and the new value
        # written aside and renamed over the old: a reader never sees a file half written.
        self._createdir()
        with open(os.path.join(self._dir, "counters.lock"), "ab") as guard:
            locks.lock(guard, locks.LOCK_EX)
            try:
                expiry, value = self._read_entry(self._key_to_file(key, version))
                if value is None:
                    raise ValueError(f"Key {key!r} not found")
                self._replace(self._key_to_file(key, version), expiry, value + delta)
                return value + delta
            finally:
                locks.unlock(guard)

    def _read_entry(self, path) -> tuple[float | None, object]:
        """(expiry, value) of the entry at ``path``; value None when there is none or it has expired."""
        try:
            with open(path, "rb") as file:
                expiry = pickle.load(file)  # noqa: S301 -- our own cache files, as Django's backend reads them
                if expiry is not None and expiry < time.time():
                    return None, None
                return expiry, pickle.loads(zlib.decompress(file.read()))  # noqa: S301
        except (FileNotFoundError, EOFError):
            return None, None

    def _replace(self, path, expiry, value) -> None:
        descriptor, written = tempfile.mkstemp(dir=self._dir)
        try:
            with open(descriptor, "wb") as file:
                file.write(pickle.dumps(expiry, self.pickle_protocol))
                file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol)))
            os.replace(written, path)
        except BaseException:
            os.remove(written)
            raise

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.has_key(key, version):  # which also removes an expired file
            return False
        self._createdir()
        self._cull()
        descriptor, written = tempfile.mkstemp(dir=self._dir)
        try:
            with open(descriptor, "wb") as file:
                self._write_content(file, timeout, value)
            os.link(written, self._key_to_file(key, version))
            return True
        except FileExistsError:  # another process added it first
            return False
        finally:
            os.remove(written)
