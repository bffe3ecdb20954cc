"""The site's limits on how often something may happen: fixed-window counters in the shared cache.

A ``Limit`` allows ``count`` hits per ``window`` seconds for each key (a reader, an address, a story and
an address). A key's window starts at its first hit and stays fixed: more hits do not make it longer,
and once it has passed the key starts afresh. Counting is atomic (Redis' INCR; the embedded default's
folder counts under a lock), so readers who post at the same moment cannot all slip under the limit.

Every app server counts in the shared cache. While it does not answer, a limit never fails open: each
process counts alone (``counting_cache``: looser by the number of workers, never off), or, where the
records themselves say how many there were (a reader's own comments), those are counted instead.

Keys are stored hashed: an address or a typed account name never appears in the cache in clear, and
whatever a client sends makes a key of the same short length.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from ipaddress import ip_address, ip_network

from django.core.cache import cache
from django.utils import timezone

from ktnews.cache import counting_cache, shared_cache_failing
from ktnews.client_ip import client_ip

#: How many there were since a moment, from the records themselves (for while the shared cache is down).
Recount = Callable[[datetime], int]


@dataclass(frozen=True)
class Limit:
    """At most ``count`` hits in ``window`` seconds per key; ``name`` keeps one limit's keys from another's."""

    name: str
    count: int
    window: int

    def hit(self, key: str, *, recount: Recount | None = None) -> int:
        """Count one more under ``key``: how many there have been in its window, this one included.

        While the shared cache does not answer, ``recount`` (when given) says how many there were before
        this one over the last ``window`` seconds."""
        stored = self._stored_key(key)
        for _attempt in range(2):
            if recount is not None and shared_cache_failing():
                return recount(self._window_start()) + 1
            counts = counting_cache()
            if counts.add(stored, 1, timeout=self.window):
                return 1
            try:
                count = counts.incr(stored)
            except ValueError:  # expired since the add, or the shared cache has just stopped answering
                continue
            if count == 1:
                # Expired between the check Django's Redis backend makes and its INCR, which then made a
                # counter with no expiry: give it the window, or the key would stay counted for ever.
                counts.touch(stored, self.window)
            return count
        return 1  # neither the shared cache nor this process could count: this hit alone is known

    def exceeded_by_hit(self, key: str, *, recount: Recount | None = None) -> bool:
        """Count one more under ``key``; True when that one is past the limit."""
        return self.hit(key, recount=recount) > self.count

    def count_of(self, key: str, *, recount: Recount | None = None) -> int:
        """How many hits ``key`` has in its window, without counting one."""
        if recount is not None and shared_cache_failing():
            return recount(self._window_start())
        return counting_cache().get(self._stored_key(key), 0)

    def reached(self, key: str, *, recount: Recount | None = None) -> bool:
        """True when ``key`` has used up its window's allowance: one more would be past the limit."""
        return self.count_of(key, recount=recount) >= self.count

    def clear(self, key: str) -> None:
        """Forget ``key``'s count, in the shared cache and in this process (counted there during an outage)."""
        stored = self._stored_key(key)
        cache.delete(stored)
        if (counts := counting_cache()) is not cache:
            counts.delete(stored)

    def _stored_key(self, key: str) -> str:
        digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
        return f"limit:{self.name}:{digest}"

    def _window_start(self) -> datetime:
        return timezone.now() - timedelta(seconds=self.window)


def client_network(request) -> str:
    """The reader's address as limits count it (ktnews.client_ip): an IPv6 address by its /64, which one
    subscriber gets whole and can rotate through; an IPv4 address a dual-stack socket gave as IPv6
    (``::ffff:203.0.113.7``) as itself, not in the one /64 every such address shares."""
    address = client_ip(request)
    try:
        parsed = ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    return str(ip_network(f"{parsed}/64", strict=False))
