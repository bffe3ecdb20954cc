"""Staged edits of live stories: saved without going live, compared with the live text, published or discarded
by an editor. Until then no public page, feed, search, sitemap or cached page shows the staged text."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article, StagedEdit, StoryAutosave, Tag
from articles.models.history import revision_by
from articles.revisions import revisions_of
from tests.admin_forms import story_form_data
from tests.compare_pages import added, removed
from tests.conftest import make_article, make_user

pytestmark = pytest.mark.django_db

LIVE_HEADLINE = "Library opens around the clock"
STAGED_HEADLINE = "Library opens around the clock from Monday"


@pytest.fixture
def live_story(section, reporter, other_reporter):
    story = make_article(
        section, reporter, other_reporter, status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=2, microseconds=123_456),
        title_ko="도서관 24시간 개방", title_en=LIVE_HEADLINE, subtitle_en="During exams",
        summary_ko="시험 기간 동안", body_ko="<p>중앙도서관이 밤새 문을 연다.</p>",
        body_en="<p>The central library stays open all night.</p>",
    )  # fmt: skip
    story.tags.add(Tag.objects.create(name_ko="도서관", name_en="Library", slug="library"))
    return Article.objects.get(pk=story.pk)


def change_url(story):
    return f"/admin/articles/article/{story.pk}/change/"


def review_url(story):
    return f"/admin/articles/article/{story.pk}/staged-edit/"


def page_url(story, language=""):
    return f"{language}/news/{story.pk}/{story.slug}/"


def stage(client, story, **changes):
    data = story_form_data(story, tags=[tag.pk for tag in story.tags.all()], **changes)
    return client.post(change_url(story), {**data, "_stage": "Save as staged edit"})


def publish(client, story, **correction):
    version = Article.objects.get(pk=story.pk).version
    return client.post(review_url(story), {"version": version, "_publish_staged": "1", **correction})


def public_pages(story) -> str:
    """Everything an anonymous reader can get that shows the story, in both languages."""
    reader = Client()
    addresses = [page_url(story), page_url(story, "/en"), "/", "/en/", "/feed/", "/en/feed/", "/sitemap-news.xml"]
    addresses += [f"/sections/{story.section.slug}/", f"/en/sections/{story.section.slug}/"]
    return "\n".join(reader.get(address).content.decode() for address in addresses)


def test_a_staged_edit_is_never_visible_before_it_is_published(editor_client, live_story):
    public_pages(live_story)  # every page kept in the cache first, as readers had them
    revisions = revisions_of(live_story).count()

    response = stage(editor_client, live_story, title_en=STAGED_HEADLINE, body_ko="<p>월요일부터 문을 연다.</p>")

    assert response.status_code == 302
    assert response["Location"] == review_url(live_story)
    staged = StagedEdit.objects.get(article=live_story)
    assert staged.changed_fields() == ["title_en", "body_ko"]
    story = Article.objects.get(pk=live_story.pk)
    assert (story.title_en, story.body_ko, story.version) == (LIVE_HEADLINE, live_story.body_ko, live_story.version)
    assert story.revised_at is None
    assert revisions_of(story).count() == revisions
    pages = public_pages(story)
    assert LIVE_HEADLINE in pages
    assert page_url(story, "/en") in Client().get("/en/search/", {"q": "clock"}).content.decode()
    for staged_word in ("Monday", "월요일부터"):
        assert page_url(story, "/en") not in Client().get("/en/search/", {"q": staged_word}).content.decode()
    assert "from Monday" not in pages
    assert "월요일부터" not in pages


def test_the_review_page_compares_the_staged_text_with_the_live_one(editor_client, live_story):
    stage(editor_client, live_story, title_en=STAGED_HEADLINE, summary_ko="시험 기간과 방학 동안")

    page = editor_client.get(review_url(live_story)).content.decode()

    assert added(page) == ["from Monday", "기간과 방학"]
    assert removed(page) == ["기간"]
    assert LIVE_HEADLINE in page
    # Only what the edit changes: the unchanged subtitle and body are not listed.
    assert "During exams" not in page


def test_publishing_a_staged_edit_goes_through_the_normal_save(editor_client, editor, live_story):
    stage(editor_client, live_story, title_en=STAGED_HEADLINE)
    public_pages(live_story)
    revisions = revisions_of(live_story).count()

    response = publish(editor_client, live_story)

    assert response.status_code == 302
    story = Article.objects.get(pk=live_story.pk)
    assert story.title_en == STAGED_HEADLINE
    assert story.title_ko == "도서관 24시간 개방"  # what the edit did not change stays
    assert story.version == live_story.version + 1
    assert story.was_revised
    latest = revisions_of(story).first()
    assert revisions_of(story).count() == revisions + 1
    assert (latest.revision.user, latest.field_dict["title_en"]) == (editor, STAGED_HEADLINE)
    assert not StagedEdit.objects.filter(article=story).exists()
    assert STAGED_HEADLINE in Client().get(page_url(story, "/en")).content.decode()  # not the cached page
    assert not story.corrections.exists()  # no note written: an ordinary update


def test_publishing_keeps_what_was_changed_live_since_and_refuses_a_field_changed_both_ways(editor_client, live_story):
    stage(editor_client, live_story, title_en=STAGED_HEADLINE)
    story = Article.objects.get(pk=live_story.pk)
    story.subtitle_en = "During exams, and the vacation"
    story.save()

    publish(editor_client, story)

    story.refresh_from_db()
    assert (story.title_en, story.subtitle_en) == (STAGED_HEADLINE, "During exams, and the vacation")

    stage(editor_client, story, title_en="A third headline")
    story.title_en = "Someone else's headline"
    story.save()

    response = publish(editor_client, story)

    assert response.status_code == 200
    story.refresh_from_db()
    assert story.title_en == "Someone else's headline"
    assert StagedEdit.objects.filter(article=story).exists()


def test_publishing_is_refused_when_the_story_was_saved_after_the_review_page(editor_client, live_story):
    stage(editor_client, live_story, title_en=STAGED_HEADLINE)
    seen = Article.objects.get(pk=live_story.pk).version
    Article.objects.get(pk=live_story.pk).save()

    response = editor_client.post(review_url(live_story), {"version": seen, "_publish_staged": "1"})

    assert response.status_code == 200
    assert Article.objects.get(pk=live_story.pk).title_en == LIVE_HEADLINE
    assert StagedEdit.objects.filter(article=live_story).exists()


def test_discarding_a_staged_edit_leaves_the_live_story_as_it_was(editor_client, live_story):
    stage(editor_client, live_story, title_en=STAGED_HEADLINE)

    response = editor_client.post(review_url(live_story), {"_discard_staged": "1"})

    assert response.status_code == 302
    assert not StagedEdit.objects.exists()
    assert Article.objects.get(pk=live_story.pk).version == live_story.version
    assert editor_client.get(review_url(live_story)).status_code == 404


def test_as_article_shows_the_staged_text_without_saving_it(editor_client, live_story):
    stage(editor_client, live_story, title_en=STAGED_HEADLINE)

    preview = StagedEdit.objects.get(article=live_story).as_article()

    assert preview.title_en == STAGED_HEADLINE
    assert [reporter.name_en for reporter in preview.byline] == ["Hwang Min-jun", "Choi Ha-eun"]
    assert Article.objects.get(pk=live_story.pk).title_en == LIVE_HEADLINE


def test_the_form_offers_staging_on_published_stories_only(editor_client, live_story, draft):
    live_form = editor_client.get(change_url(live_story)).content.decode()
    draft_form = editor_client.get(change_url(draft)).content.decode()

    assert 'name="_stage"' in live_form
    assert 'name="_stage"' not in draft_form
    stage(editor_client, live_story, title_en=STAGED_HEADLINE)
    assert review_url(live_story) in editor_client.get(change_url(live_story)).content.decode()


def test_the_storys_reporter_stages_edits_of_it_but_never_changes_it_live(reporter_client, editor_client, live_story):
    form = reporter_client.get(change_url(live_story)).content.decode()
    assert 'name="title_en"' in form  # an editable form...
    assert 'name="_stage"' in form
    assert 'name="_save"' not in form  # ...that only stages
    assert 'name="_continue"' not in form
    assert "편집자가 게시하면 독자에게 보입니다" in form

    data = story_form_data(live_story, tags=[tag.pk for tag in live_story.tags.all()], title_en=STAGED_HEADLINE)
    assert reporter_client.post(change_url(live_story), {**data, "_publish": "1"}).status_code == 403
    saved = reporter_client.post(change_url(live_story), {**data, "_save": "Save"})
    assert saved["Location"] == review_url(live_story)  # a plain save of their form is staged, too
    assert Article.objects.get(pk=live_story.pk).title_en == LIVE_HEADLINE
    assert StagedEdit.objects.get(article=live_story).values["title_en"] == STAGED_HEADLINE
    assert STAGED_HEADLINE not in public_pages(live_story)

    assert publish(reporter_client, live_story).status_code == 403  # an editor publishes it
    assert reporter_client.post(review_url(live_story), {"_discard_staged": "1"}).status_code == 302  # their own
    assert not StagedEdit.objects.filter(article=live_story).exists()


def test_a_reporter_cannot_restore_a_revision_of_a_live_story_or_stage_someone_elses(
    reporter_client, editor, live_story, section
):
    with revision_by(editor, "saved"):
        live_story.save()
    version = revisions_of(live_story).first()
    restore = f"/admin/articles/article/{live_story.pk}/revisions/{version.pk}/restore/"
    assert reporter_client.post(restore, {"version": live_story.version}).status_code == 403
    someone_elses = make_article(section, status=Article.Status.PUBLISHED, title_en="Not theirs", created_by=editor)
    assert stage(reporter_client, someone_elses, title_en="Crafted").status_code == 403


def test_an_editor_publishes_a_reporters_staged_edit(reporter_client, editor_client, live_story):
    stage(reporter_client, live_story, title_en=STAGED_HEADLINE)
    assert publish(editor_client, live_story).status_code == 302
    assert Article.objects.get(pk=live_story.pk).title_en == STAGED_HEADLINE


def test_staging_needs_the_csrf_token(editor, live_story):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    assert stage(client, live_story, title_en=STAGED_HEADLINE).status_code == 403
    assert not StagedEdit.objects.exists()


def test_a_staged_edit_without_a_headline_is_refused_and_the_text_kept(editor_client, editor, live_story):
    response = stage(editor_client, live_story, title_ko="", title_en="", body_en="<p>Kept words.</p>")

    assert response.status_code == 302
    assert not StagedEdit.objects.exists()
    assert StoryAutosave.objects.get(article=live_story, user=editor).data["body_en"] == ["<p>Kept words.</p>"]
    page = editor_client.get(response["Location"]).content.decode()
    assert "Kept words." in page
    assert "헤드라인" in page or "headline" in page


def test_a_staged_body_is_sanitized_like_a_saved_one(editor_client, live_story):
    stage(editor_client, live_story, body_en='<p>Open <script>alert("x")</script><b onclick="x()">late</b></p>')

    assert StagedEdit.objects.get().values["body_en"] == "<p>Open <b>late</b></p>"


def test_the_staged_edit_opens_in_the_form_to_be_worked_on(editor_client, live_story):
    stage(editor_client, live_story, title_en=STAGED_HEADLINE)
    base_version = StagedEdit.objects.get().base_version

    opened = editor_client.get(change_url(live_story), {"staged_edit": "1"})
    form = opened.context["adminform"].form
    marker = re.search(r'name="_staged_edit_opened" value="([^"]+)"', opened.content.decode()).group(1)
    # Taking back the staged headline and changing the subtitle instead.
    typed = {"base_version": form.initial["base_version"], "_staged_edit_opened": marker}
    stage(editor_client, live_story, **typed, subtitle_en="During exams and the vacation")

    staged = StagedEdit.objects.get()
    assert form.initial["title_en"] == STAGED_HEADLINE
    assert staged.changed_fields() == ["subtitle_en"]
    assert staged.base_version == base_version


def test_staging_over_someone_elses_staged_edit_adds_to_it(editor_client, live_story):
    stage(editor_client, live_story, title_en=STAGED_HEADLINE)
    colleague = Client()
    colleague.force_login(make_user("second_editor", "Editors"))

    stage(colleague, live_story, subtitle_en="During exams and the vacation")  # opened on the live text

    staged = StagedEdit.objects.get()
    assert staged.values["title_en"] == STAGED_HEADLINE
    assert staged.changed_fields() == ["title_en", "subtitle_en"]


def test_saving_live_the_staged_text_opened_in_the_form_leaves_nothing_to_publish(editor_client, live_story):
    stage(editor_client, live_story, title_en=STAGED_HEADLINE)
    opened = editor_client.get(change_url(live_story), {"staged_edit": "1"}).content.decode()
    marker = re.search(r'name="_staged_edit_opened" value="([^"]+)"', opened).group(1)

    data = story_form_data(live_story, title_en=STAGED_HEADLINE, tags=[tag.pk for tag in live_story.tags.all()])
    editor_client.post(change_url(live_story), {**data, "_staged_edit_opened": marker})

    assert Article.objects.get(pk=live_story.pk).title_en == STAGED_HEADLINE
    assert not StagedEdit.objects.exists()
