"""The Article model: what readers may see, bylines, translations, slugs."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from articles.models import Article, Reporter
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


def test_published_returns_only_approved_stories_whose_time_has_come(section, reporter):
    public = make_article(section, reporter, status=Article.Status.PUBLISHED)
    for status in (Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.RETURNED):
        make_article(section, reporter, status=status)
    make_article(section, reporter, status=Article.Status.PUBLISHED, published_at=timezone.now() + timedelta(hours=1))

    assert list(Article.objects.published()) == [public]


def test_a_published_story_without_a_publication_time_is_not_public(section):
    make_article(section, status=Article.Status.PUBLISHED, published_at=None)

    assert not Article.objects.published().exists()


def test_scheduled_story_appears_when_its_time_comes_without_a_cron_job(section, editor):
    with time_machine.travel("2026-03-02 09:00 +0900", tick=False):
        story = make_article(section)
        story.publish(by=editor, at=timezone.now() + timedelta(hours=3))
        assert not Article.objects.published().exists()
        assert story.status == Article.Status.PUBLISHED

    with time_machine.travel("2026-03-02 12:00 +0900", tick=False):
        assert list(Article.objects.published()) == [story]


def test_publishing_now_records_the_time_and_the_editor(section, editor):
    story = make_article(section)
    with time_machine.travel("2026-03-02 09:30 +0900", tick=False):
        story.publish(by=editor)
        assert story.published_at == timezone.now()
    story.refresh_from_db()
    assert story.approved_by == editor
    assert story.status == Article.Status.PUBLISHED


def test_a_past_time_chosen_when_publishing_means_now(section, editor):
    story = make_article(section)
    with time_machine.travel("2026-03-02 09:30 +0900", tick=False):
        story.publish(by=editor, at=timezone.now() - timedelta(days=3))
        assert story.published_at == timezone.now()


def test_reporters_cannot_publish_through_the_model(section, reporter):
    story = make_article(section, reporter, created_by=reporter.user)

    with pytest.raises(PermissionDenied):
        story.publish(by=reporter.user)
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT


def test_returning_a_story_needs_a_note(section, editor):
    story = make_article(section, status=Article.Status.REVIEW)

    with pytest.raises(ValidationError):
        story.return_to_reporter(by=editor, note="   ")
    story.return_to_reporter(by=editor, note="Please add a quote from the librarian.")
    story.refresh_from_db()
    assert story.status == Article.Status.RETURNED
    assert story.review_note == "Please add a quote from the librarian."


def test_a_reporter_may_submit_their_draft_but_not_someone_elses(section, reporter, other_reporter):
    mine = make_article(section, reporter)
    theirs = make_article(section, other_reporter)

    mine.submit_for_review(by=reporter.user)
    with pytest.raises(PermissionDenied):
        theirs.submit_for_review(by=reporter.user)
    assert Article.objects.get(pk=mine.pk).status == Article.Status.REVIEW
    assert Article.objects.get(pk=theirs.pk).status == Article.Status.DRAFT


def test_unpublishing_takes_the_story_off_the_site(published_article, editor):
    published_article.unpublish(by=editor)

    assert not Article.objects.published().exists()
    assert published_article.status == Article.Status.REVIEW


def test_byline_keeps_the_chosen_order_and_reporters_add_works(section, reporter, other_reporter):
    story = make_article(section, other_reporter, reporter)
    assert story.byline == [other_reporter, reporter]

    third = Reporter.objects.create(name_ko="이서윤", name_en="Lee Seo-yun")
    story.reporters.add(third)
    assert set(story.reporters.all()) == {reporter, other_reporter, third}


def test_empty_translation_falls_back_to_the_other_language(section):
    english_only = make_article(section, title_en="Campus food bank opens", title_ko="")
    korean_only = make_article(section, title_ko="캠퍼스 푸드뱅크 개장", title_en="")

    with translation.override("ko"):
        assert english_only.title == "Campus food bank opens"
    with translation.override("en"):
        assert korean_only.title == "캠퍼스 푸드뱅크 개장"
        assert english_only.title == "Campus food bank opens"


def test_a_story_needs_a_headline_in_some_language(section):
    story = Article(section=section, title_ko="", title_en="")

    with pytest.raises(ValidationError) as error:
        story.full_clean()
    assert "title_en" in error.value.message_dict


def test_slug_is_made_from_the_english_headline_or_else_the_korean_one(section):
    assert make_article(section, title_en="Exams: the Library Never Sleeps!").slug == "exams-the-library-never-sleeps"
    assert make_article(section, title_en="", title_ko="도서관 24시간 개방").slug == "도서관-24시간-개방"


def test_legacy_ids_are_unique(section):
    make_article(section, legacy_id=4321)

    with pytest.raises(ValidationError):
        Article(section=section, title_en="Another", legacy_id=4321).full_clean()


def test_an_english_only_body_stays_out_of_the_korean_field(section):
    story = make_article(section, body_en="<p>English only</p>", body_ko="")
    story.refresh_from_db()

    assert not story.body_ko
    with translation.override("ko"):
        assert story.body == "<p>English only</p>"
