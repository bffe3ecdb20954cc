"""Comment floods: limits per reader and per address, through the real URLs behind a simulated proxy, and the
site's fixed-window counters (ktnews/rate_limits.py) on the embedded cache and on a real Redis of the test's own."""

import threading
from datetime import timedelta

import pytest
import redis
import time_machine
from django.core.cache import caches
from django.db import connections
from django.test import Client, RequestFactory
from django.utils import timezone

from articles.models import Article, Comment
from ktnews.rate_limits import Limit, client_network
from tests.conftest import make_article, make_commenter

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("behind_nginx")]

CAMPUS = "203.0.113.7"
ELSEWHERE = "198.51.100.4"
ADDRESS_MINUTE_REFUSAL = "지난 1분 동안 같은 네트워크에서 댓글이 많이 올라왔습니다"
ADDRESS_HOUR_REFUSAL = "같은 네트워크에서 한 시간에 올릴 수 있는 댓글"
READER_MINUTE_REFUSAL = "댓글은 1분에 3개까지"


@pytest.fixture
def story(section, reporter):
    return make_article(
        section, reporter, status=Article.Status.PUBLISHED,
        title_ko="총학생회 선거, 다음 주 투표", title_en="Student council votes next week",
    )  # fmt: skip


def reader_at(username, forwarded_for) -> Client:
    """A signed-in reader whose requests reach the site through nginx from ``forwarded_for``."""
    client = Client(headers={"X-Forwarded-For": forwarded_for})
    client.force_login(make_commenter(username, f"{username} 학생"))
    return client


def post(client, story, body):
    return client.post(f"/comments/story/{story.pk}/new/", {"body": body})


# Per address, through the URLs


def test_twenty_accounts_on_one_address_post_twenty_comments_a_minute_not_sixty(story):
    """The reported flood: 20 accounts, 3 comments each, from one address within seconds. A campus where
    twenty students comment in the same minute all get through; the next round does not."""
    readers = [reader_at(f"student{n:02d}", CAMPUS) for n in range(20)]
    start = timezone.now().replace(second=1, microsecond=250_001)
    with time_machine.travel(start, tick=False):
        first_round = [post(reader, story, f"첫 번째 의견입니다 {n}").status_code for n, reader in enumerate(readers)]
        refused = [post(reader, story, f"두 번째 의견 {n}") for n, reader in enumerate(readers[:3])]
        from_elsewhere = post(reader_at("offcampus", ELSEWHERE), story, "다른 곳에서 씁니다")

    assert first_round == [302] * 20
    assert [response.status_code for response in refused] == [429] * 3
    assert ADDRESS_MINUTE_REFUSAL in refused[0].content.decode()
    assert ">두 번째 의견 0</textarea>" in refused[0].content.decode()  # the text is kept
    assert from_elsewhere.status_code == 302
    assert Comment.objects.count() == 21

    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert post(readers[0], story, "1분 뒤에는 됩니다").status_code == 302


def test_an_address_has_an_hourly_limit_across_minutes(story, settings):
    settings.COMMENTS_PER_ADDRESS_PER_MINUTE = 3
    settings.COMMENTS_PER_ADDRESS_PER_HOUR = 4
    readers = [reader_at(f"student{n}", CAMPUS) for n in range(5)]
    start = timezone.now().replace(minute=0, second=2)
    with time_machine.travel(start, tick=False):
        assert [post(reader, story, "정시에 씁니다").status_code for reader in readers[:4]] == [302, 302, 302, 429]
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        assert post(readers[3], story, "2분 뒤").status_code == 302
        refused = post(readers[4], story, "한 시간 한도를 넘었습니다")
    assert refused.status_code == 429
    assert ADDRESS_HOUR_REFUSAL in refused.content.decode()

    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        assert post(readers[4], story, "한 시간 뒤").status_code == 302


def test_a_reader_past_their_own_limit_uses_none_of_the_addresss_allowance(story, settings):
    settings.COMMENTS_PER_ADDRESS_PER_MINUTE = 5
    spammer, neighbour = reader_at("spammer", CAMPUS), reader_at("neighbour", CAMPUS)
    with time_machine.travel(timezone.now().replace(second=3), tick=False):
        statuses = [post(spammer, story, f"도배 {n}").status_code for n in range(8)]
        refused = post(spammer, story, "또 도배")
        neighbours = [post(neighbour, story, f"옆자리 학생 {n}").status_code for n in range(2)]

    assert statuses == [302] * 3 + [429] * 5
    assert READER_MINUTE_REFUSAL in refused.content.decode()
    assert neighbours == [302, 302]  # the address has counted 3 + 2, not 3 + 5 refused + 2


def test_addresses_written_by_the_client_left_of_nginxs_do_not_escape_the_limit(story, settings):
    settings.COMMENTS_PER_ADDRESS_PER_MINUTE = 2
    readers = [reader_at(f"spoofer{n}", f"10.0.0.{n}, {CAMPUS}") for n in range(3)]
    with time_machine.travel(timezone.now().replace(second=4), tick=False):
        assert [post(reader, story, "주소를 속입니다").status_code for reader in readers] == [302, 302, 429]


def test_an_ipv6_subscriber_counts_as_its_64_whatever_address_it_takes_in_it(story, settings):
    settings.COMMENTS_PER_ADDRESS_PER_MINUTE = 2
    in_one_64 = ["2001:db8:4b:7::10", "2001:db8:4b:7:a1b2:c3d4:e5f6:1", "2001:db8:4b:7:ffff:ffff:ffff:fffe"]
    readers = [reader_at(f"rotating{n}", address) for n, address in enumerate(in_one_64)]
    with time_machine.travel(timezone.now().replace(second=4), tick=False):
        statuses = [post(reader, story, "IPv6로 씁니다").status_code for reader in readers]
        next_64 = post(reader_at("neighbour", "2001:db8:4b:8::10"), story, "옆 네트워크")
    assert statuses == [302, 302, 429]
    assert next_64.status_code == 302


@pytest.mark.parametrize(
    ("remote", "counted_as"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),  # IPv4 from a dual-stack socket: not the /64 all of them share
        ("2001:db8:4b:7:a1b2:c3d4:e5f6:1", "2001:db8:4b:7::/64"),
    ],
)
def test_limits_count_an_address_as_the_reader_holds_it(settings, remote, counted_as):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_network(RequestFactory().get("/", REMOTE_ADDR=remote)) == counted_as


def test_an_address_is_limited_in_each_process_while_the_shared_cache_is_down(story, settings):
    """Redis refuses connections: readers are counted from their comments, an address in this process."""
    settings.CACHES = {"default": {"BACKEND": "ktnews.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    settings.COMMENTS_PER_ADDRESS_PER_MINUTE = 3
    readers = [reader_at(f"outage{n}", CAMPUS) for n in range(4)]

    statuses = [post(reader, story, "레디스가 멈춘 동안").status_code for reader in readers]

    assert statuses == [302, 302, 302, 429]


# The counters themselves


def test_a_window_starts_at_the_first_hit_and_later_hits_do_not_lengthen_it():
    limit = Limit("test-window", count=2, window=60)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert [limit.hit("기자실") for _ in range(2)] == [1, 2]
    with time_machine.travel(start + timedelta(seconds=50), tick=False):
        assert limit.exceeded_by_hit("기자실")
        assert limit.reached("기자실")
        assert not limit.reached("편집국")  # each key its own count
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert not limit.reached("기자실")
        assert limit.hit("기자실") == 1


def test_a_cleared_key_starts_afresh_and_any_key_is_stored_short_and_hashed(cache_writes):
    limit = Limit("test-clear", count=1, window=900)
    typed = "\x00\ud800" + "\uff45\uff44\uff49\uff54\uff4f\uff52@example.com" * 500  # whatever a client sends
    limit.hit(typed)
    assert limit.reached(typed)

    limit.clear(typed)

    assert not limit.reached(typed)
    assert all(len(key) < 80 and "example" not in key for key in cache_writes)


def test_counters_on_redis_are_shared_by_every_client_and_admit_exactly_the_limit(settings, own_redis):
    """Each thread has a cache connection of its own, as each app server has: twelve at once, five get in."""
    settings.CACHES = {"default": {"BACKEND": "ktnews.cache.RedisCache", "LOCATION": own_redis.url}}
    limit = Limit("test-shared", count=5, window=60)
    results, ready = [], threading.Barrier(12)

    def reader():
        ready.wait()
        results.append(limit.exceeded_by_hit(CAMPUS))
        for pool in caches["default"]._cache._pools.values():  # this thread's connections, as a server's at exit
            pool.disconnect()
        connections.close_all()  # the epoch is read from the database

    threads = [threading.Thread(target=reader) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False] * 5 + [True] * 7
    stored = redis.Redis.from_url(own_redis.url)
    (key,) = stored.keys("*limit:test-shared:*")
    assert (int(stored.get(key)), 0 < stored.ttl(key) <= 60) == (12, True)
    stored.close()


def test_counters_fall_back_to_the_process_then_to_the_records_when_redis_stops(settings, own_redis):
    settings.CACHES = {"default": {"BACKEND": "ktnews.cache.RedisCache", "LOCATION": own_redis.url}}
    limit = Limit("test-outage", count=3, window=60)
    assert [limit.hit(CAMPUS) for _ in range(2)] == [1, 2]

    own_redis.stop()

    assert [limit.hit(CAMPUS) for _ in range(2)] == [1, 2]  # this process counts alone, from the outage on
    assert limit.hit(CAMPUS, recount=lambda since: 7) == 8  # or the records say how many there were
    assert limit.reached(CAMPUS, recount=lambda since: 3)
