"""The reader site's pages through their literal URLs: what shows, in which order, at what cost."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test.html import parse_html
from django.utils import timezone, translation
from django.views.defaults import server_error

from articles.models import Article, Section, Tag
from tests.admin_forms import story_form_data
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


def url_of(story, language_prefix=""):
    """A story's public address, spelled out: permalinks are a promise to readers."""
    return f"{language_prefix}/news/{story.pk}/{story.slug}/"


def publish_many(section, count, *, reporters=(), tags=(), start=None, **fields):
    """``count`` published stories an hour apart, newest first, each with the given byline and tags."""
    start = start or timezone.now() - timedelta(minutes=5)
    stories = []
    for index in range(count):
        story = make_article(
            section, *reporters, status=Article.Status.PUBLISHED, published_at=start - timedelta(hours=index),
            title_en=f"Story number {index}", **fields,
        )  # fmt: skip
        story.tags.set(tags)
        stories.append(story)
    return stories


@pytest.fixture
def crowded_story(section, reporter, other_reporter):
    """A story with several reporters, many tags and related stories, as a worst case for queries."""
    tags = [Tag.objects.create(name_en=f"Tag {n}", name_ko=f"태그 {n}", slug=f"tag-{n}") for n in range(8)]
    story = make_article(section, reporter, other_reporter, status=Article.Status.PUBLISHED, title_en="Crowded")
    story.tags.set(tags)
    neighbours = publish_many(section, 12, reporters=[reporter, other_reporter], tags=tags[:3])
    story.related_articles.set(neighbours[:4])
    return story


# Home


def test_home_shows_the_lead_then_important_stories_then_each_section(client, section, reporter):
    campus = Section.objects.create(name_ko="캠퍼스", name_en="Campus", slug="campus", position=2)
    make_article(section, reporter, status=Article.Status.PUBLISHED, placement="lead", title_en="Lead story")
    make_article(section, reporter, status=Article.Status.PUBLISHED, placement="important", title_en="Important one")
    make_article(campus, reporter, status=Article.Status.PUBLISHED, title_en="Campus general")
    make_article(section, reporter, status=Article.Status.DRAFT, placement="lead", title_en="Draft lead")

    content = client.get("/en/").content.decode()
    assert content.index("Lead story") < content.index("Important one") < content.index("Campus general")
    assert "Draft lead" not in content


def test_editors_order_the_lead_stories(client, section):
    make_article(section, status=Article.Status.PUBLISHED, placement="lead", placement_order=2, title_en="Second lead")
    make_article(section, status=Article.Status.PUBLISHED, placement="lead", placement_order=1, title_en="First lead")

    content = client.get("/en/").content.decode()
    assert content.index("First lead") < content.index("Second lead")


def test_home_lists_the_most_commented_stories(client, section):
    make_article(section, status=Article.Status.PUBLISHED, title_en="Quiet story")
    make_article(section, status=Article.Status.PUBLISHED, title_en="Debated story", comment_count=12)

    aside = client.get("/en/").content.decode().rsplit("most-commented-heading", 1)[1]
    assert "Debated story" in aside
    assert "Quiet story" not in aside


def test_home_query_count_is_fixed_however_many_stories_and_sections(client, django_assert_max_num_queries, reporter):
    """Guards the N+1 of one query per section for its latest stories, and of bylines per story card.

    (On PostgreSQL the latest stories take two queries whatever the number of sections: one picks them by
    an index scan per section, the other loads them.)"""
    for position in range(6):
        section = Section.objects.create(name_ko=f"섹션{position}", name_en=f"S{position}", slug=f"s{position}")
        publish_many(section, 6, reporters=[reporter])
    Article.objects.filter(pk__in=Article.objects.values("pk")[:8]).update(placement="important")

    with django_assert_max_num_queries(7):
        assert client.get("/").status_code == 200


# Sections, reporters and tags


def test_section_page_lists_its_stories_newest_first_in_pages(client, section):
    stories = publish_many(section, 25)
    other = Section.objects.create(name_ko="문화", name_en="Culture", slug="culture")
    make_article(other, status=Article.Status.PUBLISHED, title_en="Elsewhere")

    first = client.get("/en/sections/news/")
    listed = [story.title for story in first.context["page"].items]
    assert listed == [story.title_en for story in stories[:20]]
    assert "Elsewhere" not in first.content.decode()

    older = first.context["page"].next_cursor
    second = client.get(f"/en/sections/news/?older={older}")
    assert [story.title for story in second.context["page"].items] == [s.title_en for s in stories[20:]]
    assert second.context["page"].next_cursor is None
    back = client.get(f"/en/sections/news/?newer={second.context['page'].previous_cursor}")
    assert [story.title for story in back.context["page"].items] == [s.title_en for s in stories[:20]]


def test_a_malformed_page_cursor_shows_the_first_page(client, section):
    publish_many(section, 3)
    first = client.get("/sections/news/")
    assert len(first.context["page"].items) == 3

    for cursor in ("nonsense", "9" * 40 + "-1", "-", "1-2-3"):
        response = client.get("/sections/news/", {"older": cursor})
        assert response.status_code == 200
        # The same stories (the page may be the first page's kept copy: a made-up cursor names no page).
        assert response.content.count(b"<article") == first.content.count(b"<article") > 0


def test_list_pages_query_count_is_fixed_whatever_the_page_size(
    client, django_assert_max_num_queries, section, reporter, other_reporter
):
    """Guards the N+1 of loading each story's byline and section on section, reporter and tag pages."""
    tag = Tag.objects.create(name_en="Exams", name_ko="시험", slug="exams")
    publish_many(section, 30, reporters=[reporter, other_reporter], tags=[tag])

    for url in ("/sections/news/", f"/reporters/{reporter.pk}/", "/tags/exams/", "/search/?q=story"):
        with django_assert_max_num_queries(6):
            assert client.get(url).status_code == 200, url


def test_reporter_page_shows_the_profile_and_only_their_published_stories(client, section, reporter, other_reporter):
    make_article(section, reporter, status=Article.Status.PUBLISHED, title_en="Mine")
    make_article(section, other_reporter, status=Article.Status.PUBLISHED, title_en="Theirs")
    make_article(section, reporter, title_en="My draft")

    content = client.get(f"/en/reporters/{reporter.pk}/").content.decode()
    assert "Hwang Min-jun" in content
    assert "KT Reporter" in content
    assert "Mine" in content
    assert "Theirs" not in content
    assert "My draft" not in content


def test_tag_page_lists_the_tagged_stories(client, section):
    tag = Tag.objects.create(name_en="Exams", name_ko="시험", slug="exams")
    tagged = make_article(section, status=Article.Status.PUBLISHED, title_en="Tagged")
    tagged.tags.add(tag)
    make_article(section, status=Article.Status.PUBLISHED, title_en="Untagged")

    content = client.get("/en/tags/exams/").content.decode()
    assert "Tagged" in content
    assert "Untagged" not in content
    assert client.get("/tags/no-such-tag/").status_code == 404


# The story page


def test_story_page_shows_byline_links_positions_times_comments_and_share(client, section, reporter):
    story = make_article(
        section, reporter, status=Article.Status.PUBLISHED, comment_count=3,
        published_at=datetime(2020, 12, 17, 3, 48, tzinfo=UTC),
    )  # fmt: skip

    content = client.get(url_of(story)).content.decode()
    assert f'href="/reporters/{reporter.pk}/"' in content
    assert "KT 기자" in content
    assert "승인 2020.12.17 12:48" in content
    assert 'href="#comments">댓글 3</a>' in content
    assert "이 기사를 공유합니다" in content
    for target in ("facebook.com/sharer", "x.com/intent", "share.naver.com", "mailto:?subject"):
        assert target in content
    assert 'aria-label="현재 위치"' in content


def test_story_page_shows_the_updated_time_only_after_a_revision(client, editor_client, section):
    with time_machine.travel("2026-03-02 09:00 +0900", tick=False):
        story = make_article(section, status=Article.Status.PUBLISHED, published_at=timezone.now())
    with time_machine.travel("2026-03-02 09:30 +0900", tick=False):
        editor_client.post(f"/admin/articles/article/{story.pk}/change/", story_form_data(story, comments_enabled=""))
        assert "수정" not in client.get(url_of(story)).content.decode()
    with time_machine.travel("2026-03-02 15:30 +0900", tick=False):
        story.refresh_from_db()  # the form opened again, at the story's current version
        editor_client.post(
            f"/admin/articles/article/{story.pk}/change/", story_form_data(story, title_en="Corrected headline")
        )
        assert "수정 2026.03.02 15:30" in client.get(url_of(story)).content.decode()


def test_loading_an_old_story_does_not_mark_it_updated(client, section):
    story = make_article(section, status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(days=300))

    assert "수정" not in client.get(url_of(story)).content.decode()


def test_an_untranslated_story_falls_back_and_says_so(client, section):
    story = make_article(section, status=Article.Status.PUBLISHED, title_en="English only", title_ko="")

    korean = client.get(url_of(story)).content.decode()
    assert "English only" in korean
    assert "story__language-note" in korean
    assert "story__language-note" not in client.get(url_of(story, "/en")).content.decode()


def test_story_page_offers_tags_reporter_box_related_and_neighbours(client, crowded_story, reporter):
    response = client.get(url_of(crowded_story, "/en"))
    content = response.content.decode()

    assert 'href="/en/tags/tag-0/"' in content
    assert "Other stories by Hwang Min-jun" in content
    related = response.context["related_stories"]
    assert len(related) == 5
    assert {story.pk for story in related[:4]} == set(crowded_story.related_articles.values_list("pk", flat=True))
    assert response.context["previous_story"] is not None


def test_related_stories_prefer_shared_tags_over_the_section(client, section):
    tag = Tag.objects.create(name_en="Exams", name_ko="시험", slug="exams")
    story = make_article(section, status=Article.Status.PUBLISHED, title_en="Main")
    story.tags.add(tag)
    same_section = make_article(section, status=Article.Status.PUBLISHED, title_en="Same section")
    other_section = Section.objects.create(name_ko="문화", name_en="Culture", slug="culture")
    shares_tag = make_article(
        other_section, status=Article.Status.PUBLISHED, title_en="Shares a tag",
        published_at=timezone.now() - timedelta(days=3),
    )  # fmt: skip
    shares_tag.tags.add(tag)

    related = client.get(url_of(story)).context["related_stories"]
    assert related == [shares_tag, same_section]


def test_previous_and_next_stay_in_the_section(client, section):
    older, middle, newer = reversed(publish_many(section, 3))
    other = Section.objects.create(name_ko="문화", name_en="Culture", slug="culture")
    make_article(other, status=Article.Status.PUBLISHED, published_at=middle.published_at + timedelta(minutes=1))

    response = client.get(url_of(middle))
    assert response.context["previous_story"] == older
    assert response.context["next_story"] == newer


def test_story_page_query_count_is_fixed(client, django_assert_max_num_queries, crowded_story):
    """Guards the N+1 of bylines, tags, related stories and reporter boxes on the story page."""
    with django_assert_max_num_queries(11):
        assert client.get(url_of(crowded_story)).status_code == 200


# Language and lasting links


def test_english_pages_live_under_en_with_a_switch_back_to_the_same_page(client, published_article):
    content = client.get(url_of(published_article, "/en")).content.decode()

    assert '<html lang="en">' in content
    assert f'href="{url_of(published_article)}" hreflang="ko"' in content
    assert f'hreflang="en" href="http://testserver{url_of(published_article, "/en")}"' in content
    assert 'hreflang="x-default"' in content


def test_korean_is_the_default_whatever_the_browser_asks_for(client, published_article):
    response = client.get(url_of(published_article), headers={"accept-language": "en-US,en"})

    assert '<html lang="ko">' in response.content.decode()


def test_old_site_links_redirect_permanently_to_the_story(client, section):
    story = make_article(section, status=Article.Status.PUBLISHED, legacy_id=20521)

    response = client.get("/news/articleView.html?idxno=20521")
    assert response.status_code == 301
    assert response["Location"] == url_of(story)


@pytest.mark.parametrize("query", ["idxno=999", "idxno=abc", "", "idxno="])
def test_unknown_old_site_links_are_not_found(client, section, query):
    make_article(section, status=Article.Status.PUBLISHED, legacy_id=1)

    assert client.get(f"/news/articleView.html?{query}").status_code == 404


def test_an_unpublished_legacy_story_is_not_found(client, section):
    make_article(section, legacy_id=77)

    assert client.get("/news/articleView.html?idxno=77").status_code == 404


def test_not_found_page_is_in_the_sites_design_and_language(client):
    korean = client.get("/no-such-page/")
    english = client.get("/en/no-such-page/")

    assert korean.status_code == english.status_code == 404
    assert "페이지를 찾을 수 없습니다" in korean.content.decode()
    assert "We couldn't find that page" in english.content.decode()
    assert 'class="site-header"' in english.content.decode()


def test_server_error_page_is_in_the_sites_design_and_language(rf):
    with translation.override("en"):
        response = server_error(rf.get("/en/"))

    assert response.status_code == 500
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "Something went wrong on our side" in content
    assert "Traceback" not in content


# Reading counts


def test_a_read_is_counted_once_per_address_and_never_for_bots(client, published_article):
    url = f"/reads/{published_article.pk}/"
    browser = {"user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"}

    assert client.post(url, headers=browser).status_code == 204
    client.post(url, headers=browser)
    client.post(url, headers={"user-agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"})
    client.post(url)
    assert published_article.daily_reads.get().count == 1

    client.post(url, headers={"user-agent": "Mozilla/5.0 (iPhone) Safari/605.1"}, REMOTE_ADDR="198.51.100.20")
    assert published_article.daily_reads.get().count == 2


def test_reads_are_only_counted_by_post_and_for_public_stories(client, draft):
    browser = {"user-agent": "Mozilla/5.0 Chrome/156.0"}

    assert client.get(f"/reads/{draft.pk}/", headers=browser).status_code == 405
    assert client.post(f"/reads/{draft.pk}/", headers=browser).status_code == 204
    assert not draft.daily_reads.exists()


def test_most_read_ranks_by_the_last_weeks_readers(client, section):
    from articles.models import DailyReadCount

    popular = make_article(section, status=Article.Status.PUBLISHED, title_en="Popular")
    faded = make_article(section, status=Article.Status.PUBLISHED, title_en="Faded")
    today = timezone.localdate()
    DailyReadCount.objects.create(article=popular, day=today, count=40)
    DailyReadCount.objects.create(article=faded, day=today - timedelta(days=30), count=900)
    DailyReadCount.objects.create(article=faded, day=today, count=2)

    aside = client.get("/en/").content.decode().rsplit("most-read-heading", 1)[1].split("most-commented-heading")[0]
    assert aside.index("Popular") < aside.index("Faded")


def test_kakaos_sdk_is_allowed_only_on_story_pages_once_an_editor_sets_a_key(client, published_article):
    from articles.models import SiteSettings

    without_key = client.get(url_of(published_article))
    assert "kakaocdn" not in without_key["Content-Security-Policy"]
    assert "story.kakao.com/share" in without_key.content.decode()

    settings_row = SiteSettings.get_solo()
    settings_row.kakao_javascript_key = "0123456789abcdef0123456789abcdef"
    settings_row.save()

    with_key = client.get(url_of(published_article))
    assert "script-src 'self'" in with_key["Content-Security-Policy"]
    assert "https://t1.kakaocdn.net" in with_key["Content-Security-Policy"]
    assert 'data-kakao-key="0123456789abcdef0123456789abcdef"' in with_key.content.decode()
    assert "kakaocdn" not in client.get("/")["Content-Security-Policy"]


def test_many_important_stories_cannot_push_the_lead_off_the_home_page(client, section):
    make_article(
        section, status=Article.Status.PUBLISHED, placement="lead", title_en="The lead from two days ago",
        published_at=timezone.now() - timedelta(days=2),
    )  # fmt: skip
    publish_many(section, 14, placement="important")

    response = client.get("/en/")
    assert response.context["lead"].title_en == "The lead from two days ago"
    assert len(response.context["important"]) == 6


# The header and the share row as phones get them: what works without JavaScript, what scripts turn on


def elements(fragment, name: str, attributes: dict) -> list:
    """The ``name`` elements in ``fragment`` (HTML, or an element of it) that have ``attributes`` (None: present)."""
    found, todo = [], [parse_html(fragment) if isinstance(fragment, str) else fragment]
    while todo:
        node = todo.pop()
        if isinstance(node, str):
            continue
        present = dict(node.attributes)
        if node.name == name and all(
            key in present and value in (None, present[key]) for key, value in attributes.items()
        ):
            found.append(node)
        todo.extend(node.children)
    return found


def text_of(node) -> str:
    return node if isinstance(node, str) else "".join(text_of(child) for child in node.children).strip()


def part_of(page: str, start: str, end: str) -> str:
    begin = page.index(start)
    return page[begin : page.index(end, begin) + len(end)]


@pytest.mark.parametrize(("prefix", "name"), [("", "기사 검색"), ("/en", "Search stories")])
def test_the_header_search_is_a_link_without_javascript_and_a_named_disclosure_with_it(
    client, published_article, prefix, name
):
    header = part_of(client.get(f"{prefix}/").content.decode(), "<header", "</header>")

    (link,) = elements(header, "a", {"data-search-link": None, "href": f"{prefix}/search/"})
    assert text_of(link) == name
    (toggle,) = elements(header, "button", {"data-search-toggle": None, "type": "button", "hidden": None})
    assert dict(toggle.attributes)["aria-expanded"] == "false"
    assert dict(toggle.attributes)["aria-controls"] == "site-search"
    assert text_of(toggle) == name
    (form,) = elements(header, "form", {"id": "site-search", "action": f"{prefix}/search/", "method": "get"})
    assert elements(form, "input", {"type": "search", "name": "q"})

    search_page = client.get(f"{prefix}/search/")
    assert search_page.status_code == 200
    assert elements(part_of(search_page.content.decode(), "<main", "</main>"), "input", {"name": "q"})


def test_the_share_row_has_share_sheet_and_kakaotalk_buttons_for_scripts_and_a_kakaostory_link_without_a_key(
    client, published_article
):
    from articles.models import SiteSettings

    share = part_of(client.get(url_of(published_article)).content.decode(), '<section class="share"', "</section>")
    (sheet,) = elements(share, "button", {"data-share-native": None, "type": "button", "hidden": None})
    assert text_of(sheet) == "공유하기"
    (kakao,) = elements(share, "button", {"data-share-kakao": None, "type": "button", "hidden": None})
    assert text_of(kakao) == "카카오톡"
    (kakao_story,) = elements(share, "a", {"data-share-kakao-story": None})
    assert dict(kakao_story.attributes)["href"].startswith("https://story.kakao.com/share?url=")

    SiteSettings.objects.update_or_create(pk=1, defaults={"kakao_javascript_key": "0123456789abcdef"})
    share = part_of(client.get(url_of(published_article)).content.decode(), '<section class="share"', "</section>")
    assert elements(share, "button", {"data-share-kakao": None})
    assert not elements(share, "a", {"data-share-kakao-story": None})
