"""The newsroom rules, tried through the admin's real URLs as reporters and editors.

Every refusal is checked twice: the answer (403 or a form error) and the
database, which must not have changed.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article, Reporter, Section
from tests.admin_forms import confirmed, story_form_data
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/article/add/"
LIST_URL = "/admin/articles/article/"


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


# Reporters


def test_reporter_drafts_a_story_and_is_put_on_its_byline(reporter_client, reporter, section):
    response = reporter_client.post(ADD_URL, story_form_data(section=section, title_en="Food bank opens"))

    assert response.status_code == 302
    story = Article.objects.get(title_en="Food bank opens")
    assert story.status == Article.Status.DRAFT
    assert story.created_by == reporter.user
    assert story.byline == [reporter]


def test_reporter_submits_a_draft_for_review(reporter_client, draft):
    response = reporter_client.post(change_url(draft), story_form_data(draft, _submit_for_review="1"))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW


def test_reporter_cannot_submit_an_empty_story(reporter_client, draft):
    response = reporter_client.post(
        change_url(draft), story_form_data(draft, body_en="<p></p>", _submit_for_review="1")
    )

    assert response.status_code == 200
    assert "body_en" in response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_reporter_cannot_publish_by_crafted_post(reporter_client, draft):
    response = reporter_client.post(change_url(draft), story_form_data(draft, _publish="1"))

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert draft.published_at is None


def test_reporter_cannot_publish_a_new_story_by_crafted_post(reporter_client, section):
    response = reporter_client.post(ADD_URL, story_form_data(section=section, title_en="Sneaky", _publish="1"))

    assert response.status_code == 403
    assert not Article.objects.filter(title_en="Sneaky").exists()


def test_reporter_cannot_set_status_time_or_note_by_crafted_fields(reporter_client, draft):
    crafted = story_form_data(
        draft,
        status="published",
        published_at_0="2020-01-01",
        published_at_1="09:00:00",
        review_note="Approved by myself",
        approved_by="1",
        legacy_id="77",
        title_en="Edited headline",
    )
    response = reporter_client.post(change_url(draft), crafted)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title_en == "Edited headline"
    assert draft.status == Article.Status.DRAFT
    assert draft.published_at is None
    assert draft.review_note == ""
    assert draft.approved_by is None
    assert draft.legacy_id is None


def test_reporter_cannot_edit_another_reporters_draft(reporter_client, section, other_reporter):
    theirs = make_article(section, other_reporter, created_by=other_reporter.user, title_en="Their scoop")

    assert reporter_client.get(change_url(theirs)).status_code == 403
    response = reporter_client.post(change_url(theirs), story_form_data(theirs, title_en="Hijacked"))
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.title_en == "Their scoop"


def test_reporter_cannot_see_other_reporters_drafts_in_the_list(reporter_client, section, reporter, other_reporter):
    make_article(section, reporter, title_en="My own draft")
    for status in (Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.RETURNED):
        make_article(section, other_reporter, status=status, title_en=f"Secret {status}")
    make_article(section, other_reporter, status=Article.Status.PUBLISHED, title_en="Their published story")

    content = reporter_client.get(LIST_URL).content.decode()
    assert "My own draft" in content
    assert "Their published story" in content
    assert "Secret" not in content


def test_reporter_cannot_preview_another_reporters_draft(reporter_client, section, other_reporter):
    theirs = make_article(section, other_reporter, title_en="Their scoop")

    assert reporter_client.get(f"/preview/{theirs.pk}/").status_code == 404


def test_reporter_cannot_edit_their_story_once_submitted(reporter_client, draft):
    draft.submit_for_review(by=draft.created_by)

    response = reporter_client.post(change_url(draft), story_form_data(draft, title_en="Late change"))
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.title_en == "My draft about the library"


def test_reporter_cannot_edit_a_published_story_even_their_own(reporter_client, published_article):
    response = reporter_client.post(change_url(published_article), story_form_data(published_article, title_en="X"))

    # Their save becomes a staged edit for an editor to publish (tests/test_staged_edits.py); the story is untouched.
    assert response["Location"] == f"/admin/articles/article/{published_article.pk}/staged-edit/"
    published_article.refresh_from_db()
    assert published_article.title_en == "Published story"


def test_reporter_sees_the_editors_note_and_revises_a_returned_story(reporter_client, draft, editor):
    draft.submit_for_review(by=draft.created_by)
    draft.return_to_reporter(by=editor, note="Add the opening hours for weekends.")

    page = reporter_client.get(change_url(draft))
    assert "Add the opening hours for weekends." in page.content.decode()
    assert b'name="_submit_for_review"' in page.content

    response = reporter_client.post(
        change_url(draft), story_form_data(draft, body_en="<p>Weekends too.</p>", _submit_for_review="1")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW
    assert draft.body_en == "<p>Weekends too.</p>"


def test_reporter_is_offered_no_editor_buttons(reporter_client, draft):
    content = reporter_client.get(change_url(draft)).content

    assert b'name="_submit_for_review"' in content
    for editor_button in (b'name="_publish"', b'name="_return"', b'name="_unpublish"'):
        assert editor_button not in content


def test_reporter_cannot_delete_stories(reporter_client, draft):
    assert reporter_client.post(f"/admin/articles/article/{draft.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=draft.pk).exists()


def test_reporter_cannot_manage_sections(reporter_client):
    response = reporter_client.post("/admin/articles/section/add/", {"name_ko": "가", "name_en": "A", "slug": "a"})

    assert response.status_code == 403
    assert not Section.objects.filter(slug="a").exists()


def test_reporter_may_edit_only_their_own_profile(reporter_client, reporter, other_reporter):
    assert reporter_client.get(f"/admin/articles/reporter/{reporter.pk}/change/").status_code == 200
    response = reporter_client.post(f"/admin/articles/reporter/{other_reporter.pk}/change/", {"name_ko": "해킹"})
    assert response.status_code == 403
    other_reporter.refresh_from_db()
    assert other_reporter.name_ko == "최하은"


def test_readers_never_reach_the_admin(client, reader, draft):
    client.force_login(reader)

    response = client.get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get(f"/preview/{draft.pk}/").status_code == 302


# Editors


def test_editor_publishes_now_and_is_recorded_as_approver(editor_client, editor, draft):
    draft.submit_for_review(by=draft.created_by)

    with time_machine.travel("2026-05-04 10:15 +0900", tick=False):
        response = editor_client.post(change_url(draft), story_form_data(draft, **confirmed("_publish")))
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.published_at == timezone.now()
    assert draft.status == Article.Status.PUBLISHED
    assert draft.approved_by == editor


def test_editor_schedules_a_story_for_a_future_time(editor_client, client, draft):
    with time_machine.travel("2026-05-04 10:00 +0900", tick=False):
        response = editor_client.post(
            change_url(draft),
            story_form_data(draft, published_at_0="2026-05-04", published_at_1="18:00:00", **confirmed("_publish")),
        )
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.status == Article.Status.PUBLISHED
        assert timezone.localtime(draft.published_at).hour == 18
        client.logout()
        assert client.get(draft.get_absolute_url()).status_code == 404

    with time_machine.travel("2026-05-04 18:01 +0900", tick=False):
        assert client.get(draft.get_absolute_url()).status_code == 200


def test_editor_returns_a_story_only_with_a_note(editor_client, draft):
    draft.submit_for_review(by=draft.created_by)

    response = editor_client.post(change_url(draft), story_form_data(draft, review_note="", _return="1"))
    assert response.status_code == 200
    assert "review_note" in response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW

    response = editor_client.post(change_url(draft), story_form_data(draft, review_note="Needs a source.", _return="1"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.RETURNED
    assert draft.review_note == "Needs a source."


def test_editor_unpublishes_a_story(editor_client, client, published_article):
    response = editor_client.post(
        change_url(published_article), story_form_data(published_article, **confirmed("_unpublish"))
    )

    assert response.status_code == 302
    published_article.refresh_from_db()
    assert published_article.status == Article.Status.REVIEW
    client.logout()
    assert client.get(published_article.get_absolute_url()).status_code == 404


def test_editor_cannot_unpublish_a_draft(editor_client, draft):
    response = editor_client.post(change_url(draft), story_form_data(draft, _unpublish="1"))

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_editor_sees_and_edits_every_story(editor_client, section, other_reporter):
    theirs = make_article(section, other_reporter, status=Article.Status.REVIEW, title_en="In review")

    assert "In review" in editor_client.get(LIST_URL).content.decode()
    response = editor_client.post(change_url(theirs), story_form_data(theirs, title_en="Copy-edited headline"))
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.title_en == "Copy-edited headline"


def test_editor_manages_sections_and_reporters(editor_client):
    response = editor_client.post(
        "/admin/articles/section/add/", {"name_ko": "스포츠", "name_en": "Sports", "slug": "sports", "position": 6}
    )
    assert response.status_code == 302
    assert Section.objects.filter(slug="sports").exists()

    response = editor_client.post(
        "/admin/articles/reporter/add/",
        {"name_ko": "김도윤", "name_en": "Kim Do-yun", "position_ko": "KT 기자", "position_en": "KT Reporter",
         "email": "doyun@example.com", "bio_ko": "", "bio_en": "", "user": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert Reporter.objects.filter(name_en="Kim Do-yun").exists()


def test_story_list_filters_by_status_section_and_reporter_and_searches_titles(editor_client, section, reporter):
    make_article(section, reporter, status=Article.Status.REVIEW, title_en="Waiting for approval")
    make_article(section, status=Article.Status.DRAFT, title_en="Unsigned draft")

    assert "Waiting" in editor_client.get(LIST_URL, {"status__exact": "review"}).content.decode()
    assert "Unsigned" not in editor_client.get(LIST_URL, {"status__exact": "review"}).content.decode()
    assert "Waiting" in editor_client.get(LIST_URL, {"reporters__id__exact": reporter.pk}).content.decode()
    assert "Waiting" in editor_client.get(LIST_URL, {"section__id__exact": section.pk}).content.decode()
    searched = editor_client.get(LIST_URL, {"q": "unsigned"}).content.decode()
    assert "Unsigned draft" in searched
    assert "Waiting" not in searched


def test_language_tabs_offer_korean_and_english_fields(editor_client, draft):
    content = editor_client.get(change_url(draft)).content.decode()

    for field in ("title_ko", "title_en", "body_ko", "body_en"):
        assert f'name="{field}"' in content
    assert "tabbed_translation_fields.js" in content
    assert "googleapis" not in content


def test_published_stories_link_to_the_site_and_others_to_a_preview(editor_client, draft, published_article):
    assert published_article.get_absolute_url() in editor_client.get(change_url(published_article)).content.decode()
    draft_page = editor_client.get(change_url(draft)).content.decode()
    assert f"/preview/{draft.pk}/" in draft_page


def test_preview_is_for_staff_only_and_never_cached(editor_client, client, draft):
    response = editor_client.get(f"/preview/{draft.pk}/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert "My draft about the library" in response.content.decode()

    client.logout()
    assert client.get(f"/preview/{draft.pk}/").status_code == 302


def test_an_english_admin_lives_under_en(editor_client):
    assert editor_client.get("/en/admin/").headers["Content-Language"] == "en"
    assert editor_client.get("/admin/").headers["Content-Language"] == "ko"


def test_editors_choose_a_publication_time_reporters_do_not_see_the_input(editor_client, reporter_client, draft):
    assert b'name="published_at_0"' in editor_client.get(change_url(draft)).content
    assert b'name="published_at_0"' not in reporter_client.get(change_url(draft)).content


def test_a_future_publication_time_alone_does_not_publish(editor_client, draft):
    future = timezone.localtime() + timedelta(days=1)
    response = editor_client.post(
        change_url(draft),
        story_form_data(draft, published_at_0=future.strftime("%Y-%m-%d"), published_at_1="09:00:00"),
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


@pytest.mark.parametrize("action", ["move_to_trash", "delete_selected"])
def test_reporter_cannot_bulk_delete_by_crafted_changelist_post(reporter_client, draft, action):
    response = reporter_client.post(LIST_URL, {"action": action, "_selected_action": [draft.pk], "post": "yes"})

    assert response.status_code in {200, 302, 403}
    assert Article.objects.outside_trash().filter(pk=draft.pk).exists()


def test_editors_bulk_delete_moves_stories_to_the_trash(editor_client, draft):
    editor_client.post(LIST_URL, {"action": "move_to_trash", "_selected_action": [draft.pk]})

    assert Article.objects.in_trash().filter(pk=draft.pk).exists()
    assert not Article.objects.in_newsroom_of(draft.created_by).filter(pk=draft.pk).exists()


def test_reporter_and_editor_open_the_new_story_form(reporter_client, editor_client):
    assert reporter_client.get(ADD_URL).status_code == 200
    assert editor_client.get(ADD_URL).status_code == 200


def test_reporter_cannot_change_placement_through_the_list(reporter_client, published_article):
    response = reporter_client.post(
        LIST_URL,
        {
            "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000",
            "form-0-id": published_article.pk, "form-0-placement": "lead", "form-0-placement_order": "0",
            "_save": "Save",
        },
    )  # fmt: skip

    assert response.status_code in {200, 302}
    published_article.refresh_from_db()
    assert published_article.placement == Article.Placement.GENERAL


def test_editor_orders_lead_stories_from_the_list(editor_client, published_article):
    editor_client.post(
        LIST_URL,
        {
            "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000",
            "form-0-id": published_article.pk, "form-0-placement": "lead", "form-0-placement_order": "2",
            "_save": "Save",
        },
    )  # fmt: skip

    published_article.refresh_from_db()
    assert (published_article.placement, published_article.placement_order) == (Article.Placement.LEAD, 2)


def test_a_published_story_keeps_its_publication_time(editor_client, published_article):
    response = editor_client.post(
        change_url(published_article), story_form_data(published_article, published_at_0="", published_at_1="")
    )

    assert response.status_code == 200
    assert "published_at" in response.context["adminform"].form.errors
    published_article.refresh_from_db()
    assert published_article.is_public
