"""Rows loaded with loaddata come in as they were saved: no receiver gives them a revision or a lead photo of
their own (articles/fixture_loading.py), and the cached pages they change are forgotten."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Revision

from articles.models import Article, Photo, Reporter, Section, StoryPhoto, Tag
from articles.page_cache import CONTENT
from tests.conftest import make_article
from tests.test_photos import make_photo

pytestmark = pytest.mark.django_db

LOADED = ["articles.section", "articles.reporter", "articles.tag", "articles.photo", "articles.article",
          "articles.byline", "articles.storyphoto", "articles.readerprofile"]  # fmt: skip


def rows() -> dict:
    return {label: list(Model._base_manager.order_by("pk").values()) for label, Model in models().items()}


def models() -> dict:
    from django.apps import apps

    return {label: apps.get_model(label) for label in LOADED}


@pytest.fixture
def fixture(section, reporter, commenter, tmp_path):
    """Stories with tags, a related story, a photo and a byline, dumped, then gone from the database."""
    earlier = make_article(section, reporter, status=Article.Status.PUBLISHED, title_en="Earlier story")
    story = make_article(section, reporter, status=Article.Status.PUBLISHED, title_ko="축제", title_en="Festival")
    story.tags.add(Tag.objects.create(name_ko="축제", name_en="Festival", slug="festival"))
    story.related_articles.add(earlier)
    StoryPhoto.objects.create(article=story, photo=make_photo())
    # XML: Django's JSON encoder would cut the times to milliseconds, and the rows would differ by that alone.
    path = tmp_path / "newsroom.xml"
    call_command("dumpdata", *LOADED, format="xml", output=str(path), verbosity=0)
    saved = rows()
    Article.objects.all().delete()
    for model in (Photo, Tag, Reporter, Section):
        model.objects.all().delete()
    commenter.reader_profile.delete()
    Revision.objects.all().delete()
    return path, saved


def test_loading_stories_with_tags_gives_them_no_revision_and_leaves_every_row_as_saved(fixture):
    path, saved = fixture

    with CaptureQueriesContext(connection) as queries:
        call_command("loaddata", str(path), verbosity=0)

    assert not Revision.objects.exists()
    assert rows() == saved
    assert not [query for query in queries if '"lead_photo_id" = (SELECT' in query["sql"]]


def test_loading_rows_still_forgets_the_cached_pages_they_change(fixture):
    path, _saved = fixture
    cache.set(CONTENT, 10, timeout=None)

    call_command("loaddata", str(path), verbosity=0)

    assert cache.get(CONTENT) > 10
