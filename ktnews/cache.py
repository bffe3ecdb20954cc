"""The shared cache on Redis, with one client per server in each process.

Django's backend builds a new ``redis.Redis`` for every operation. Since redis-py 5 that copies some 170
response callbacks each time: about 47 µs, more than the round trip to a local Redis itself, and a story
page outside the page cache makes eight of them. A client is safe to share between threads (each command
takes a connection from the pool), so each process keeps one per connection pool.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        if (client := self._clients.get(pool)) is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
