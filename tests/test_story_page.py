"""The public story page: only what readers may see, at an address that lasts."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


def test_a_published_story_is_public_with_headline_byline_and_approval_time(client, section, reporter):
    story = make_article(
        section, reporter, status=Article.Status.PUBLISHED, title_en="Bridge ticket wins",
        published_at=datetime(2020, 12, 17, 3, 48, tzinfo=UTC),
    )  # fmt: skip

    content = client.get(f"/news/{story.pk}/{story.slug}/").content.decode()
    assert "<h1" in content
    assert "Bridge ticket wins" in content
    assert "황민준" in content
    assert "KT 기자" in content
    assert "승인 2020.12.17 12:48" in content


def test_the_english_site_shows_english_byline_and_time(client, section, reporter):
    story = make_article(
        section, reporter, status=Article.Status.PUBLISHED,
        published_at=datetime(2020, 12, 17, 3, 48, tzinfo=UTC),
    )  # fmt: skip

    content = client.get(f"/en/news/{story.pk}/{story.slug}/").content.decode()
    assert '<html lang="en">' in content
    assert "Hwang Min-jun" in content
    assert "KT Reporter" in content
    assert "Published Dec. 17, 2020, 12:48 p.m." in content


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.RETURNED])
def test_unpublished_stories_are_not_found(client, section, status):
    story = make_article(section, status=status)

    assert client.get(f"/news/{story.pk}/{story.slug}/").status_code == 404
    assert client.get(f"/en/news/{story.pk}/{story.slug}/").status_code == 404


def test_a_scheduled_story_is_not_found_before_its_time(client, section):
    story = make_article(section, status=Article.Status.PUBLISHED, published_at=timezone.now() + timedelta(minutes=5))

    assert client.get(f"/news/{story.pk}/{story.slug}/").status_code == 404


def test_an_old_slug_redirects_permanently_to_the_current_address(client, published_article):
    published_article.slug = "a-better-headline"
    published_article.save()

    response = client.get(f"/news/{published_article.pk}/published-story/")
    assert response.status_code == 301
    assert response["Location"] == f"/news/{published_article.pk}/a-better-headline/"
    short = client.get(f"/news/{published_article.pk}/")
    assert short.status_code == 301
    assert short["Location"] == f"/news/{published_article.pk}/a-better-headline/"


def test_the_english_redirect_stays_on_the_english_site(client, published_article):
    response = client.get(f"/en/news/{published_article.pk}/old-slug/")

    assert response["Location"] == f"/en/news/{published_article.pk}/{published_article.slug}/"


def test_the_home_page_lists_published_stories_only(client, section, published_article):
    make_article(section, title_en="Secret draft")

    content = client.get("/").content.decode()
    assert "Published story" in content
    assert "Secret draft" not in content


def test_the_staff_preview_shows_an_unpublished_story_with_a_banner(editor_client, draft):
    response = editor_client.get(f"/preview/{draft.pk}/")

    assert response.status_code == 200
    assert "noindex" in response["X-Robots-Tag"]
    assert 'class="preview-banner"' in response.content.decode()
