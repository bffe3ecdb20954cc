"""The demo newsroom loads once, completely, and never by accident in production."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from articles.models import Article, Comment, Reporter, Section

pytestmark = pytest.mark.django_db


def load(**options):
    from io import StringIO

    out = StringIO()
    call_command("loaddemo", stdout=out, **options)
    return out.getvalue()


def snapshot():
    return (
        list(Section.objects.values_list("pk", "name_ko", "name_en")),
        list(Reporter.objects.values_list("pk", "name_en", "user_id")),
        list(Article.objects.values_list("pk", "status", "published_at", "updated_at", "title_en")),
    )


def test_demo_has_every_kind_of_story_and_three_accounts(settings):
    settings.DEBUG = True
    output = load()

    published = Article.objects.published()
    assert published.count() >= 10
    assert Article.objects.filter(status=Article.Status.PUBLISHED).count() == published.count() + 1  # one scheduled
    for status in (Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.RETURNED):
        assert Article.objects.filter(status=status).count() == 1
    assert Article.objects.get(status=Article.Status.RETURNED).review_note
    assert published.exclude(title_ko=None).exclude(title_ko="").count() >= 3
    assert Section.objects.count() >= 3
    assert Reporter.objects.count() == 3
    for username in ("editor", "reporter", "reader"):
        assert authenticate(username=username, password="ktnews-demo") is not None
        assert username in output
    assert "ktnews-demo" in output
    assert authenticate(username="editor", password="ktnews-demo").has_perm("articles.publish_article")
    assert not authenticate(username="reporter", password="ktnews-demo").has_perm("articles.publish_article")
    assert not authenticate(username="reader", password="ktnews-demo").is_staff


def test_the_demo_has_a_conversation_with_the_reporter_answering(settings, client):
    settings.DEBUG = True
    load()

    thread = Comment.objects.filter(parent=None, reply_count__gt=0).order_by("created_at").first()
    assert thread.recommendation_count >= 1
    answer = thread.replies.order_by("created_at").first()
    assert answer.author.reporter in answer.article.reporters.all()
    content = client.get(answer.article.get_absolute_url()).content.decode()
    assert ">기자</span>" in content


def test_the_demo_reporter_owns_a_draft_and_a_returned_story(settings):
    settings.DEBUG = True
    load()

    reporter = Reporter.objects.get(user__username="reporter")
    assert set(reporter.articles.values_list("status", flat=True)) >= {"draft", "returned"}


def test_a_second_run_changes_nothing(settings):
    settings.DEBUG = True
    load()
    before = snapshot()

    output = load()
    assert snapshot() == before
    assert "nothing changed" in output


def test_it_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        load()
    assert not Article.objects.exists()

    load(force=True)
    assert Article.objects.exists()
