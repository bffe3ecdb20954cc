"""The most-read count through the story page's reading beacon (/reads/<id>/): one read per address and story
in each window, whatever browser it claims, and never for crawlers, told by the maintained crawler list."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article, DailyReadCount
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

READERS = {
    "Daum app's in-app browser": "Mozilla/5.0 (Linux; Android 13; SM-S911N Build/TP1A.220624.014; wv) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 "
    "DaumApps/7.8.1 DaumDevice/mobile",
    "Daum app on an iPhone": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 DaumApps/7.8.0 DaumDevice/mobile",
    "Cubot phone": "Mozilla/5.0 (Linux; Android 12; CUBOT P60) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.210 Mobile Safari/537.36",
    "Cubot phone, model with an underscore": "Mozilla/5.0 (Linux; Android 10; CUBOT_X30) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/119.0.0.0 Mobile Safari/537.36",
    "KakaoTalk's in-app browser": "Mozilla/5.0 (Linux; Android 13; SM-G991N Build/TP1A.220624.014; wv) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.193 Mobile Safari/537.36;KAKAOTALK 2410390",
    "KakaoTalk on an iPhone": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 KAKAOTALK 10.4.5",
    "Naver app": "Mozilla/5.0 (Linux; Android 13; SM-S918N Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 NAVER(inapp; search; 2000; 12.1.5)",
    "Naver app on an iPhone": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 NAVER(inapp; search; 2000; 12.1.5; 14PRO)",
    "Samsung Internet": "Mozilla/5.0 (Linux; Android 14; SM-S921N) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
    "Chrome on a desktop": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Safari on a Mac": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.2 Safari/605.1.15",
    "Firefox on Linux": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
}

CRAWLERS = {
    "Googlebot": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Googlebot for smartphones": "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; "
    "+http://www.google.com/bot.html)",
    "Yeti (Naver)": "Mozilla/5.0 (compatible; Yeti/1.1; +https://naver.me/spd)",
    "Daumoa": "Mozilla/5.0 (compatible; Daumoa/4.0; +http://cs.daum.net/faq/15/4118.html?faqId=28966)",
    "bingbot": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "facebookexternalhit": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "kakaotalk-scrap": "facebookexternalhit/1.1; kakaotalk-scrap/1.0; +https://devtalk.kakao.com/t/scrap/33984",
    "curl": "curl/8.5.0",
    "python-requests": "python-requests/2.32.3",
    "HeadlessChrome": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/131.0.0.0 Safari/537.36",
    "Lighthouse": "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse",
    "no user agent": "",
    "only spaces": "   ",
}


@pytest.fixture
def story(section, reporter):
    return make_article(
        section, reporter, status=Article.Status.PUBLISHED,
        title_ko="기숙사 식당, 주말 아침 운영 재개", title_en="Dormitory cafeteria reopens for weekend breakfast",
    )  # fmt: skip


def reads_of(story) -> int:
    return DailyReadCount.objects.filter(article=story).values_list("count", flat=True).first() or 0


def read(client, story, agent, address="203.0.113.7"):
    response = client.post(f"/reads/{story.pk}/", headers={"user-agent": agent}, REMOTE_ADDR=address)
    assert response.status_code == 204


@pytest.mark.parametrize("agent", READERS.values(), ids=READERS.keys())
def test_readers_in_apps_and_on_any_phone_count(client, story, agent):
    read(client, story, agent)
    assert reads_of(story) == 1


@pytest.mark.parametrize("agent", CRAWLERS.values(), ids=CRAWLERS.keys())
def test_crawlers_link_previewers_and_tools_do_not_count(client, story, agent):
    read(client, story, agent)
    assert reads_of(story) == 0


def test_thirty_user_agents_from_one_address_count_one_read(client, story):
    """Each browser once counted on its own: 30 user agents from one address added 30 reads."""
    agents = [f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.{n}.0 Safari/537.36" for n in range(25)]
    for agent in [*agents, *list(READERS.values())[:5]]:
        read(client, story, agent)

    assert reads_of(story) == 1


def test_each_address_counts_once_per_window_and_ipv6_by_its_64(client, story, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    chrome = READERS["Chrome on a desktop"]
    start = timezone.now().replace(minute=1, second=0, microsecond=400_001)
    with time_machine.travel(start, tick=False):
        for address in ("203.0.113.7", "198.51.100.4", "2001:db8:4b:7::10", "2001:db8:4b:7:ffff::2"):
            read(client, story, chrome, address)
        assert reads_of(story) == 3
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        read(client, story, chrome, "203.0.113.7")
        assert reads_of(story) == 3  # a reload within half an hour
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        read(client, story, chrome, "203.0.113.7")
        assert reads_of(story) == 4


def test_the_address_is_the_one_our_proxy_saw(client, story, settings):
    """Behind nginx every request comes from 127.0.0.1: readers are told apart by the address nginx appends,
    and what a client writes left of it changes nothing."""
    settings.TRUSTED_PROXY_COUNT = 1
    chrome = {"user-agent": READERS["Chrome on a desktop"]}
    for forwarded in ("203.0.113.7", "10.0.0.1, 203.0.113.7", "10.0.0.2, 203.0.113.7", "198.51.100.4"):
        client.post(f"/reads/{story.pk}/", headers={**chrome, "x-forwarded-for": forwarded})

    assert reads_of(story) == 2


def test_reads_are_still_counted_once_per_address_while_the_shared_cache_is_down(client, story, settings):
    settings.CACHES = {"default": {"BACKEND": "ktnews.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    for agent in list(READERS.values())[:3]:
        read(client, story, agent)
    read(client, story, READERS["Samsung Internet"], "198.51.100.4")

    assert reads_of(story) == 2
