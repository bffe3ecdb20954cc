"""Every save of a story keeps a revision; the story's people compare and restore them in the admin."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from reversion.models import Version

from articles.models import Article, Byline, Reporter, Section, Tag
from articles.revisions import describe_note, revisions_of
from tests.admin_forms import confirmed, story_form_data
from tests.compare_pages import added, removed
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def compare_url(article):
    return f"/admin/articles/article/{article.pk}/revisions/"


def restore_url(article, version):
    return f"/admin/articles/article/{article.pk}/revisions/{version.pk}/restore/"


def seen(article) -> dict:
    """The restore question's form: the story's version as the person saw it."""
    return {"version": Article.objects.get(pk=article.pk).version}


# Every save path


def test_a_save_in_the_admin_keeps_a_revision_with_its_author_and_what_changed(reporter_client, draft, reporter):
    before = revisions_of(draft).count()

    reporter_client.post(change_url(draft), story_form_data(draft, title_en="Library opens all night"))

    versions = revisions_of(draft)
    assert versions.count() == before + 1
    latest = versions.first()
    assert latest.revision.user == reporter.user
    assert describe_note(latest.revision.comment) == gettext("Changed %(fields)s.") % {
        "fields": f"{Article._meta.get_field('title').verbose_name} [en]"
    }
    assert latest.field_dict["title_en"] == "Library opens all night"


def test_a_revision_keeps_every_language_the_byline_section_status_and_photos(section, reporter, other_reporter):
    article = make_article(
        section, reporter, other_reporter, title_ko="도서관", title_en="Library", body_ko="<p>본문</p>"
    )

    data = revisions_of(article).first().field_dict
    revision = revisions_of(article).first().revision
    kept_bylines = [v.field_dict["reporter_id"] for v in revision.version_set.all() if v.content_type.model == "byline"]

    assert (data["title_ko"], data["title_en"], data["body_ko"]) == ("도서관", "Library", "<p>본문</p>")
    assert data["section_id"] == section.pk
    assert data["status"] == Article.Status.DRAFT
    assert sorted(kept_bylines) == sorted([reporter.pk, other_reporter.pk])


def test_a_save_from_the_shell_keeps_a_revision(draft):
    before = revisions_of(draft).count()

    draft.subtitle_en = "Open 24 hours during exams"
    draft.save()

    assert revisions_of(draft).count() == before + 1
    assert revisions_of(draft).first().field_dict["subtitle_en"] == "Open 24 hours during exams"


def test_changing_tags_or_the_byline_from_the_shell_keeps_revisions(draft, other_reporter):
    tag = Tag.objects.create(name="Exams", slug="exams")
    counts = [revisions_of(draft).count()]

    draft.tags.add(tag)
    counts.append(revisions_of(draft).count())
    draft.reporters.add(other_reporter)
    counts.append(revisions_of(draft).count())
    Byline.objects.filter(article=draft, reporter=other_reporter).delete()
    counts.append(revisions_of(draft).count())

    assert counts == [counts[0], counts[0] + 1, counts[0] + 2, counts[0] + 3]
    assert revisions_of(draft)[2].field_dict["tags"] == [tag.pk]


def test_workflow_steps_keep_revisions_with_who_took_them(draft, editor):
    before = revisions_of(draft).count()

    draft.publish(by=editor)

    latest = revisions_of(draft).first()
    assert revisions_of(draft).count() == before + 1
    assert latest.field_dict["status"] == Article.Status.PUBLISHED
    assert latest.revision.user == editor
    assert describe_note(latest.revision.comment) == gettext("Approve and publish")


def test_a_management_command_keeps_revisions():
    call_command("loaddemo", force=True, verbosity=0)

    stories = Article.objects.all()
    assert stories.exists()
    kept = set(Version.objects.get_for_model(Article).values_list("object_id", flat=True))
    assert {str(pk) for pk in stories.values_list("pk", flat=True)} <= kept


def test_an_admin_save_is_one_revision_however_many_parts_change(editor_client, draft, other_reporter):
    before = revisions_of(draft).count()

    editor_client.post(
        change_url(draft),
        story_form_data(draft, title_en="New headline", reporters=[other_reporter], **confirmed("_publish")),
    )

    assert revisions_of(draft).count() == before + 1
    revision = revisions_of(draft).first().revision
    assert revision.version_set.filter(content_type__model="byline").count() == 2
    assert revisions_of(draft).first().field_dict["status"] == Article.Status.PUBLISHED


# Who sees the history


def test_the_storys_reporter_and_editors_see_the_history_on_its_page(reporter_client, editor_client, draft):
    for client in (reporter_client, editor_client):
        page = client.get(change_url(draft)).content.decode()
        assert 'id="revisions-title"' in page
        assert 'id="publication-history-title"' in page


def test_another_reporter_sees_no_history_of_a_published_story(section, reporter, other_reporter, client):
    story = make_article(section, reporter, status=Article.Status.PUBLISHED)
    client.force_login(other_reporter.user)

    page = client.get(change_url(story))
    version = revisions_of(story).first()

    assert page.status_code == 200
    assert 'id="revisions-title"' not in page.content.decode()
    assert client.get(compare_url(story), {"old": version.pk}).status_code == 403
    assert client.post(restore_url(story, version), seen(story)).status_code == 403


# Compare


def test_compare_shows_changed_words_per_field_and_language(editor_client, draft):
    draft.title_en = "My draft about the new library"
    draft.body_en = "<p>The central library will stay open all night.</p><p>Coffee is free after midnight.</p>"
    draft.body_ko = "<p>중앙도서관이 밤새 문을 엽니다.</p>"
    draft.save()
    older, newer = list(revisions_of(draft)[:2])[::-1]

    page = editor_client.get(compare_url(draft), {"old": older.pk, "new": newer.pk}).content.decode()

    assert "new" in added(page)
    assert "Coffee is free after midnight." in added(page)
    assert ngettext("… %(count)s unchanged paragraph …", "…", 1) % {"count": 1} in page
    assert "중앙도서관이 밤새 문을 엽니다." in page
    assert page.count("<dt>") == 3  # English headline, English body, Korean body


def test_compare_with_the_story_as_it_is_now(editor_client, draft):
    first = revisions_of(draft).first()
    Article.objects.filter(pk=draft.pk).update(subtitle_en="Changed without a revision")

    page = editor_client.get(compare_url(draft), {"old": first.pk, "new": "current"}).content.decode()

    assert "Changed without a revision" in added(page)


def test_compare_escapes_the_text(editor_client, draft):
    draft.title_en = "<script>alert(1)</script>"
    draft.save()
    older, newer = list(revisions_of(draft)[:2])[::-1]

    page = editor_client.get(compare_url(draft), {"old": older.pk, "new": newer.pk}).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_compare_needs_two_revisions_of_this_story(editor_client, draft, section):
    other = make_article(section)

    response = editor_client.get(compare_url(draft), {"old": revisions_of(other).first().pk}, follow=True)

    assert response.redirect_chain[-1][0] == f"/admin/articles/article/{draft.pk}/change/"
    assert gettext("Choose two revisions of this story to compare.") in response.content.decode()


# Restore


def test_restoring_brings_back_text_byline_section_and_tags_as_a_new_revision(
    editor_client, section, reporter, other_reporter
):
    tag = Tag.objects.create(name="Campus", slug="campus")
    story = make_article(section, reporter, title_en="First headline", body_en="<p>First body.</p>")
    story.tags.add(tag)
    story.save()
    original = revisions_of(story).first()
    elsewhere = Section.objects.create(name="Sports", slug="sports", position=2)
    editor_client.post(
        f"/admin/articles/article/{story.pk}/change/",
        story_form_data(
            story,
            section=elsewhere,
            title_en="Second headline",
            body_en="<p>Second body.</p>",
            reporters=[other_reporter],
        ),
    )
    story.refresh_from_db()
    assert story.title_en == "Second headline"
    count = revisions_of(story).count()

    confirm = editor_client.get(restore_url(story, original))
    response = editor_client.post(restore_url(story, original), seen(story))

    assert confirm.status_code == 200
    assert "Second" in removed(confirm.content.decode())
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.title_en, story.body_en, story.section) == ("First headline", "<p>First body.</p>", section)
    assert story.byline == [reporter]
    assert list(story.tags.all()) == [tag]
    assert revisions_of(story).count() == count + 1
    assert describe_note(revisions_of(story).first().revision.comment).startswith(
        gettext("Restored the revision of %(date)s.").split("%")[0]
    )


def test_restoring_keeps_the_workflow_as_it_is(editor_client, draft, editor):
    draft_revision = revisions_of(draft).first()
    draft.publish(by=editor)

    editor_client.post(restore_url(draft, draft_revision), seen(draft))

    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED


def test_restoring_leaves_out_a_reporter_deleted_since(editor_client, section, reporter):
    temporary = Reporter.objects.create(name_en="Intern")
    story = make_article(section, reporter, temporary)
    kept = revisions_of(story).first()
    Byline.objects.filter(reporter=temporary).delete()
    temporary.delete()

    response = editor_client.post(restore_url(story, kept), seen(story))

    assert response.status_code == 302
    assert story.byline == [reporter]


def test_a_reporter_cannot_restore_a_story_in_review(reporter_client, draft, reporter):
    kept = revisions_of(draft).first()
    draft.submit_for_review(by=reporter.user)

    assert reporter_client.post(restore_url(draft, kept), seen(draft)).status_code == 403


def test_restore_is_refused_when_the_story_was_saved_after_the_question(editor_client, draft):
    kept = revisions_of(draft).first()
    question = seen(draft)
    draft.title_en = "Saved by someone else meanwhile"
    draft.save()

    response = editor_client.post(restore_url(draft, kept), question)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title_en == "Saved by someone else meanwhile"


def test_restore_needs_post(editor_client, draft):
    kept = revisions_of(draft).first()
    draft.title_en = "Changed"
    draft.save()

    editor_client.get(restore_url(draft, kept))

    draft.refresh_from_db()
    assert draft.title_en == "Changed"


def test_a_revision_of_another_story_cannot_be_restored_here(editor_client, draft, section):
    other = make_article(section, title_en="Other story")

    assert editor_client.post(restore_url(draft, revisions_of(other).first())).status_code == 404
    draft.refresh_from_db()
    assert draft.title_en == "My draft about the library"


def test_publication_history_lists_who_did_what_with_the_note(editor_client, draft, reporter, editor):
    draft.submit_for_review(by=reporter.user)
    draft.return_to_reporter(by=editor, note="Add a quote from the librarian.")
    draft.submit_for_review(by=reporter.user)
    draft.publish(by=editor)
    draft.unpublish(by=editor)

    events = list(draft.events.values_list("action", "by__username"))
    page = editor_client.get(change_url(draft)).content.decode()

    assert events == [
        ("unpublished", "editor"),
        ("published", "editor"),
        ("submitted", "reporter"),
        ("returned", "editor"),
        ("submitted", "reporter"),
    ]
    assert "Add a quote from the librarian." in page
    history = page[page.index('id="publication-history-title"') :]
    assert history.index(gettext("Unpublished")) < history.index(gettext("Approved and published"))


def test_the_history_shows_a_scheduled_publication(editor, draft):
    later = timezone.now() + timedelta(days=1)
    draft.publish(by=editor, at=later)

    event = draft.events.get()
    assert event.action == "scheduled"
    assert event.scheduled_for == later


def test_a_revisions_note_is_worded_in_the_language_of_whoever_reads_it(reporter_client, editor_client, draft):
    reporter_client.post(change_url(draft), story_form_data(draft, subtitle_en="Open all night"))

    korean = editor_client.get(change_url(draft)).content.decode()
    english = editor_client.get(f"/en{change_url(draft)}").content.decode()

    assert "부제목 [en]" in korean or "[en] 항목을 바꿨습니다" in korean
    assert "Changed subtitle [en]." in english


def test_the_restore_question_lists_only_what_restoring_changes(editor_client, editor, section, reporter):
    """Not the workflow (status, publication time, approval), which restoring leaves as it is, nor what is the same."""
    story = make_article(section, reporter, title_en="First headline", subtitle_en="Same subtitle")
    draft_revision = revisions_of(story).first()
    story.publish(by=editor)
    editor_client.post(change_url(story), story_form_data(Article.objects.get(pk=story.pk), title_en="Second headline"))
    story.refresh_from_db()

    confirm = editor_client.get(restore_url(story, draft_revision))

    headline = f"{Article._meta.get_field('title').verbose_name} ({dict(settings.LANGUAGES)['en']})"
    assert [change.label for change in confirm.context["changes"]] == [headline]
    page = confirm.content.decode()
    assert (removed(page), added(page)) == (["Second"], ["First"])
    assert str(Article._meta.get_field("status").verbose_name) not in page.split("<dl")[1].split("</dl>")[0]
