"""How stories travel beyond the site: RSS feeds, sitemaps, Google News, robots.txt and sharing metadata."""

import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article, Reporter, Section, Tag
from articles.sitemaps import StorySitemap
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

XML_NAMESPACES = {
    "sitemap": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def url_of(story, language_prefix=""):
    """A story's public address, spelled out: permalinks are a promise to readers."""
    return f"{language_prefix}/news/{story.pk}/{story.slug}/"


def publish(section, *reporters, hours_ago=1, **fields):
    published_at = timezone.now() - timedelta(hours=hours_ago)
    return make_article(section, *reporters, status=Article.Status.PUBLISHED, published_at=published_at, **fields)


def parse_xml(response) -> ET.Element:
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 (our own response, not untrusted input)


def feed_items(response) -> list[dict]:
    return [
        {
            "title": item.findtext("title"),
            "link": item.findtext("link"),
            "description": item.findtext("description"),
            "author": item.findtext("dc:creator", namespaces=XML_NAMESPACES),
            "categories": [category.text for category in item.findall("category")],
            "published": parsedate_to_datetime(item.findtext("pubDate")),
        }
        for item in parse_xml(response).iter("item")
    ]


def sitemap_urls(response) -> dict[str, dict[str, str]]:
    """Each address in a sitemap, with its alternates as {hreflang: address}."""
    return {
        url.findtext("sitemap:loc", namespaces=XML_NAMESPACES): {
            link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", XML_NAMESPACES)
        }
        for url in parse_xml(response).findall("sitemap:url", XML_NAMESPACES)
    }


def sitemap_index(response) -> list[str]:
    return [loc.text for loc in parse_xml(response).iter(f"{{{XML_NAMESPACES['sitemap']}}}loc")]


class HeadTags(HTMLParser):
    """A page's <meta> contents by property or name, its <link> tags and its JSON-LD blocks."""

    def __init__(self, page: str):
        super().__init__()
        self.meta, self.links, self.json_ld = {}, [], []
        self._in_json_ld = False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.setdefault(attrs.get("property") or attrs["name"], []).append(attrs["content"])
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data

    def feeds(self) -> dict[str, str]:
        return {link["href"]: link["title"] for link in self.links if link.get("type") == "application/rss+xml"}


@pytest.fixture
def culture(db):
    return Section.objects.create(name_ko="문화", name_en="Culture", slug="culture", position=2)


@pytest.fixture
def exams(db):
    return Tag.objects.create(name_ko="시험", name_en="Exams", slug="exams")


@pytest.fixture
def bilingual_story(section, reporter, other_reporter, exams):
    story = make_article(
        section, reporter, other_reporter, status=Article.Status.PUBLISHED,
        title_ko="도서관, 시험 기간 24시간 개방", title_en="Library opens around the clock for exams",
        summary_ko="중앙도서관이 밤새 문을 연다.", summary_en="The central library will stay open all night.",
        published_at=datetime(2026, 3, 2, 0, 30, tzinfo=UTC),
    )  # fmt: skip
    story.tags.set([exams])
    return story


def make_crowd(sections, count, *, reporters=3, tags=4):
    """``count`` published stories spread over ``sections``, each with several reporters and tags."""
    people = [Reporter.objects.create(name_ko=f"기자{n}", name_en=f"Reporter {n}") for n in range(reporters)]
    labels = [Tag.objects.create(name_ko=f"태그{n}", name_en=f"Tag {n}", slug=f"tag-{n}") for n in range(tags)]
    for index in range(count):
        story = publish(sections[index % len(sections)], *people, hours_ago=index + 1, title_en=f"Story {index}")
        story.tags.set(labels)


# RSS feeds


def test_the_feed_lists_published_stories_only_newest_first(client, section):
    publish(section, hours_ago=3, title_en="Older story")
    publish(section, hours_ago=1, title_en="Newer story")
    make_article(section, title_en="Secret draft")
    make_article(section, status=Article.Status.REVIEW, title_en="Waiting for the editor")
    make_article(section, status=Article.Status.PUBLISHED, published_at=timezone.now() + timedelta(hours=1),
                 title_en="Scheduled story")  # fmt: skip

    for url in ("/feed/", "/en/feed/"):
        assert [item["title"] for item in feed_items(client.get(url))] == ["Newer story", "Older story"], url


def test_the_feed_holds_the_latest_30_stories(client, section):
    for index in range(32):
        publish(section, hours_ago=index + 1, title_en=f"Story {index}")

    titles = [item["title"] for item in feed_items(client.get("/feed/"))]
    assert titles == [f"Story {index}" for index in range(30)]


def test_the_english_feed_is_in_english_and_the_korean_feed_in_korean(client, bilingual_story):
    english = client.get("/en/feed/")
    korean = client.get("/feed/")

    assert parse_xml(english).findtext("channel/language") == "en"
    assert parse_xml(korean).findtext("channel/language") == "ko"
    assert feed_items(english) == [
        {
            "title": "Library opens around the clock for exams",
            "link": f"http://testserver{url_of(bilingual_story, '/en')}",
            "description": "The central library will stay open all night.",
            "author": "Hwang Min-jun, Choi Ha-eun",
            "categories": ["News", "Exams"],
            "published": datetime(2026, 3, 2, 0, 30, tzinfo=UTC),
        }
    ]
    [item] = feed_items(korean)
    assert item["title"] == "도서관, 시험 기간 24시간 개방"
    assert item["link"] == f"http://testserver{url_of(bilingual_story)}"
    assert item["description"] == "중앙도서관이 밤새 문을 연다."
    assert item["author"] == "황민준, 최하은"
    assert item["categories"] == ["뉴스", "시험"]


def test_a_section_feed_lists_only_that_sections_stories(client, section, culture):
    publish(section, title_en="News story")
    publish(culture, title_en="Culture story")
    make_article(culture, title_en="Culture draft")

    response = client.get("/en/sections/culture/feed/")
    assert parse_xml(response).findtext("channel/title") == "Culture · KT News"
    assert parse_xml(response).findtext("channel/link") == "http://testserver/en/sections/culture/"
    assert [item["title"] for item in feed_items(response)] == ["Culture story"]
    assert [item["title"] for item in feed_items(client.get("/sections/news/feed/"))] == ["News story"]
    assert client.get("/sections/no-such-section/feed/").status_code == 404


def test_pages_announce_the_site_feed_and_section_pages_their_own_too(client, section, published_article):
    assert HeadTags(client.get("/en/").content.decode()).feeds() == {"/en/feed/": "KT News"}
    assert HeadTags(client.get(url_of(published_article)).content.decode()).feeds().keys() == {"/feed/"}
    assert HeadTags(client.get("/en/sections/news/").content.decode()).feeds() == {
        "/en/feed/": "KT News",
        "/en/sections/news/feed/": "News · KT News",
    }


def test_feed_query_count_is_fixed_however_many_stories_reporters_and_tags(
    client, django_assert_max_num_queries, section, culture
):
    """Guards the N+1 of loading each item's section, byline reporters and tags (author and categories)."""
    make_crowd([section, culture], 40)

    with django_assert_max_num_queries(3):
        assert len(feed_items(client.get("/en/feed/"))) == 30
    with django_assert_max_num_queries(4):
        assert len(feed_items(client.get("/en/sections/news/feed/"))) == 20


# Sitemaps


def test_the_sitemap_index_names_a_sitemap_for_each_kind_of_page(client, published_article):
    assert sitemap_index(client.get("/sitemap.xml")) == [
        "http://testserver/sitemap-home.xml",
        "http://testserver/sitemap-sections.xml",
        "http://testserver/sitemap-stories.xml",
        "http://testserver/sitemap-reporters.xml",
        "http://testserver/sitemap-tags.xml",
    ]


def test_the_story_sitemap_lists_each_published_story_in_both_languages_with_alternates(client, published_article):
    korean = f"http://testserver{url_of(published_article)}"
    english = f"http://testserver{url_of(published_article, '/en')}"
    alternates = {"ko": korean, "en": english, "x-default": korean}

    assert sitemap_urls(client.get("/sitemap-stories.xml")) == {korean: alternates, english: alternates}


def test_the_story_sitemap_leaves_out_drafts_and_scheduled_stories(client, section, published_article):
    draft = make_article(section, title_en="Secret draft")
    returned = make_article(section, status=Article.Status.RETURNED, title_en="Returned story")
    scheduled = make_article(
        section, status=Article.Status.PUBLISHED, published_at=timezone.now() + timedelta(days=1), title_en="Soon"
    )

    listed = client.get("/sitemap-stories.xml").content.decode()
    assert url_of(published_article) in listed
    for story in (draft, returned, scheduled):
        assert f"/news/{story.pk}/" not in listed


def test_listing_sitemaps_name_pages_that_have_published_stories(client, section, culture, reporter, other_reporter):
    story = publish(section, reporter, title_en="Published")
    story.tags.set([Tag.objects.create(name_ko="시험", name_en="Exams", slug="exams")])
    draft = make_article(culture, other_reporter, title_en="Draft")
    draft.tags.set([Tag.objects.create(name_ko="축제", name_en="Festival", slug="festival")])

    assert set(sitemap_urls(client.get("/sitemap-home.xml"))) == {"http://testserver/", "http://testserver/en/"}
    assert set(sitemap_urls(client.get("/sitemap-sections.xml"))) == {
        "http://testserver/sections/news/",
        "http://testserver/en/sections/news/",
    }
    assert set(sitemap_urls(client.get("/sitemap-reporters.xml"))) == {
        f"http://testserver/reporters/{reporter.pk}/",
        f"http://testserver/en/reporters/{reporter.pk}/",
    }
    assert set(sitemap_urls(client.get("/sitemap-tags.xml"))) == {
        "http://testserver/tags/exams/",
        "http://testserver/en/tags/exams/",
    }


def test_a_long_archive_is_split_into_sitemap_pages_named_in_the_index(client, monkeypatch, section):
    monkeypatch.setattr(StorySitemap, "limit", 4)
    stories = [publish(section, hours_ago=index + 1, title_en=f"Story {index}") for index in range(5)]

    index = sitemap_index(client.get("/sitemap.xml"))
    assert "http://testserver/sitemap-stories.xml?p=2" in index
    assert "http://testserver/sitemap-stories.xml?p=3" in index
    assert "http://testserver/sitemap-stories.xml?p=4" not in index
    pages = [sitemap_urls(client.get("/sitemap-stories.xml", {"p": page})) for page in (1, 2, 3)]
    assert [len(page) for page in pages] == [4, 4, 2]
    listed = [address for page in pages for address in page]
    assert sorted(listed) == sorted(
        f"http://testserver{url_of(story, prefix)}" for story in stories for prefix in ("", "/en")
    )
    assert client.get("/sitemap-stories.xml", {"p": 4}).status_code == 404


def test_sitemap_query_count_is_fixed_however_many_stories_reporters_and_tags(
    client, django_assert_max_num_queries, section, culture
):
    """Guards the N+1 of a lastmod query per section, reporter or tag, and of loading a deferred field per story."""
    make_crowd([section, culture], 30, reporters=6, tags=6)

    with django_assert_max_num_queries(9):
        assert len(sitemap_index(client.get("/sitemap.xml"))) == 5
    with django_assert_max_num_queries(2):
        assert len(sitemap_urls(client.get("/sitemap-stories.xml"))) == 60
    for kind, addresses in (("sections", 4), ("reporters", 12), ("tags", 12), ("home", 2)):
        with django_assert_max_num_queries(1):
            assert len(sitemap_urls(client.get(f"/sitemap-{kind}.xml"))) == addresses, kind


# Google News


def news_entries(response) -> dict[str, dict[str, str]]:
    return {
        url.findtext("sitemap:loc", namespaces=XML_NAMESPACES): {
            "name": url.findtext("news:news/news:publication/news:name", namespaces=XML_NAMESPACES),
            "language": url.findtext("news:news/news:publication/news:language", namespaces=XML_NAMESPACES),
            "date": url.findtext("news:news/news:publication_date", namespaces=XML_NAMESPACES),
            "title": url.findtext("news:news/news:title", namespaces=XML_NAMESPACES),
        }
        for url in parse_xml(response).findall("sitemap:url", XML_NAMESPACES)
    }


def test_the_news_sitemap_lists_stories_of_the_last_two_days(client, section):
    with time_machine.travel("2026-03-02 09:00 +0900", tick=False):
        fresh = publish(section, hours_ago=1, title_ko="새 소식", title_en="Fresh news")
        publish(section, hours_ago=72, title_en="Old news")
        make_article(section, title_en="Draft news")
        scheduled = make_article(section, status=Article.Status.PUBLISHED, title_en="Scheduled news",
                                 published_at=timezone.now() + timedelta(hours=1))  # fmt: skip

        response = client.get("/sitemap-news.xml")

    assert response["Content-Type"] == "application/xml"
    assert news_entries(response) == {
        f"http://testserver{url_of(fresh)}": {
            "name": "KT 뉴스", "language": "ko", "date": "2026-03-02T08:00:00+09:00", "title": "새 소식",
        },
        f"http://testserver{url_of(fresh, '/en')}": {
            "name": "KT News", "language": "en", "date": "2026-03-02T08:00:00+09:00", "title": "Fresh news",
        },
    }  # fmt: skip
    assert f"/news/{scheduled.pk}/" not in response.content.decode()


def test_the_news_sitemap_lists_only_language_versions_with_their_own_headline(client, published_article):
    """A version without its own headline shows the other language's text: it is not news in its language."""
    assert list(news_entries(client.get("/sitemap-news.xml"))) == [
        f"http://testserver{url_of(published_article, '/en')}"
    ]


def test_the_news_sitemap_stops_at_its_address_limit_newest_first(
    client, monkeypatch, django_assert_max_num_queries, section
):
    """Guards the N+1 of loading anything per story beyond the one list query."""
    monkeypatch.setattr("articles.sitemaps.NEWS_MAX_URLS", 3)
    newest, second, _third = (
        publish(section, hours_ago=index + 1, title_ko=f"소식 {index}", title_en=f"News {index}") for index in range(3)
    )

    with django_assert_max_num_queries(1):
        response = client.get("/sitemap-news.xml")
    assert list(news_entries(response)) == [
        f"http://testserver{url_of(newest)}",
        f"http://testserver{url_of(newest, '/en')}",
        f"http://testserver{url_of(second)}",
    ]


# robots.txt


def test_robots_txt_keeps_crawlers_out_of_admin_preview_and_search_and_names_the_sitemaps(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/admin/", "/en/admin/", "/preview/", "/en/preview/", "/search/", "/en/search/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines


# The story's sharing and search metadata


def test_the_story_page_describes_itself_for_sharing_and_search(client, bilingual_story, reporter, other_reporter):
    url = f"http://testserver{url_of(bilingual_story, '/en')}"

    head = HeadTags(client.get(url_of(bilingual_story, "/en")).content.decode())

    assert head.meta["og:type"] == ["article"]
    assert head.meta["og:title"] == ["Library opens around the clock for exams"]
    assert head.meta["og:description"] == ["The central library will stay open all night."]
    assert head.meta["og:url"] == [url]
    assert head.meta["og:site_name"] == ["KT News"]
    assert head.meta["og:locale"] == ["en_US"]
    assert head.meta["og:locale:alternate"] == ["ko_KR"]
    assert head.meta["article:published_time"] == ["2026-03-02T09:30:00+09:00"]
    assert head.meta["article:section"] == ["News"]
    assert head.meta["article:tag"] == ["Exams"]
    assert head.meta["twitter:card"] == ["summary"]
    assert "og:image" not in head.meta
    [json_ld] = head.json_ld
    data = json.loads(json_ld)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Library opens around the clock for exams"
    assert data["datePublished"] == "2026-03-02T09:30:00+09:00"
    assert data["author"] == [
        {"@type": "Person", "name": "Hwang Min-jun", "url": f"http://testserver/en/reporters/{reporter.pk}/"},
        {"@type": "Person", "name": "Choi Ha-eun", "url": f"http://testserver/en/reporters/{other_reporter.pk}/"},
    ]
    assert data["articleSection"] == "News"
    assert data["keywords"] == ["Exams"]
    assert data["inLanguage"] == "en"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["publisher"]["name"] == "KT News"
    assert data["publisher"]["alternateName"] == "The KU Times"
    assert data["publisher"]["logo"]["url"] == "http://testserver/static/articles/favicon.svg"


def test_the_korean_story_page_describes_itself_in_korean(client, bilingual_story):
    head = HeadTags(client.get(url_of(bilingual_story)).content.decode())

    assert head.meta["og:title"] == ["도서관, 시험 기간 24시간 개방"]
    assert head.meta["og:url"] == [f"http://testserver{url_of(bilingual_story)}"]
    assert head.meta["og:locale"] == ["ko_KR"]
    assert head.meta["og:locale:alternate"] == ["en_US"]
    data = json.loads(head.json_ld[0])
    assert data["inLanguage"] == "ko"
    assert data["articleSection"] == "뉴스"
    assert [author["name"] for author in data["author"]] == ["황민준", "최하은"]


def test_a_story_shown_in_its_other_language_says_which_in_json_ld(client, published_article):
    head = HeadTags(client.get(url_of(published_article)).content.decode())

    assert head.meta["og:locale"] == ["ko_KR"]
    assert json.loads(head.json_ld[0])["inLanguage"] == "en"


def test_a_headline_cannot_close_the_json_ld_block(client, section, reporter):
    headline = 'Quiz night </script><script src="https://evil.example/x.js"></script> & <!-- more'
    story = make_article(section, reporter, status=Article.Status.PUBLISHED, title_en=headline)

    content = client.get(url_of(story, "/en")).content.decode()

    assert "</script><script" not in content
    assert "<!-- more" not in content
    head = HeadTags(content)
    [json_ld] = head.json_ld
    assert json.loads(json_ld)["headline"] == headline
    assert head.meta["og:title"] == [headline]


def test_the_newsroom_preview_carries_no_sharing_metadata(editor_client, draft):
    head = HeadTags(editor_client.get(f"/preview/{draft.pk}/").content.decode())

    assert head.meta["robots"] == ["noindex, nofollow"]
    assert "og:title" not in head.meta
    assert head.json_ld == []
