"""Two people editing one story, autosave, and who else has the story open."""

import pytest
from django.test import Client

from articles.models import Article, StoryAutosave
from articles.revisions import revisions_of
from tests.admin_forms import story_form_data
from tests.compare_pages import added
from tests.concurrency import at_once
from tests.conftest import make_article, make_user

pytestmark = pytest.mark.django_db

AUTOSAVE_URL = "/admin/articles/article/autosave/"


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def opened_form(client, article) -> dict:
    """The form's data as the browser got it when ``client`` opened the story (its version included)."""
    response = client.get(change_url(article))
    return story_form_data(article, base_version=response.context["adminform"].form.initial["base_version"])


# No lost updates


def test_the_second_save_from_an_older_version_is_refused_showing_what_changed(editor_client, reporter_client, draft):
    reporters_form = opened_form(reporter_client, draft)
    editors_form = opened_form(editor_client, draft)
    editor_client.post(change_url(draft), {**editors_form, "body_en": "<p>The library stays open until 2 a.m.</p>"})

    response = reporter_client.post(change_url(draft), {**reporters_form, "title_en": "The reporter's new headline"})

    draft.refresh_from_db()
    assert response.status_code == 200
    assert draft.body_en == "<p>The library stays open until 2 a.m.</p>"
    assert draft.title_en == "My draft about the library"
    page = response.content.decode()
    assert 'id="edit-conflict-title"' in page
    assert "until 2 a.m." in added(page)  # what the editor changed
    assert "The reporter&#x27;s new headline" in page  # the reporter's text is still in the form
    assert response.context["adminform"].form.conflict.saved_by == "editor"


def test_after_merging_by_hand_the_next_save_goes_through(editor_client, reporter_client, draft):
    reporters_form = opened_form(reporter_client, draft)
    editor_client.post(change_url(draft), {**opened_form(editor_client, draft), "subtitle_en": "Editor's subtitle"})
    refused = reporter_client.post(change_url(draft), {**reporters_form, "title_en": "Merged headline"})
    base_version = refused.context["adminform"].form["base_version"].value()

    response = reporter_client.post(
        change_url(draft),
        {
            **reporters_form,
            "title_en": "Merged headline",
            "subtitle_en": "Editor's subtitle",
            "base_version": base_version,
        },
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title_en, draft.subtitle_en) == ("Merged headline", "Editor's subtitle")


def test_a_save_from_the_shell_also_counts_as_someone_elses_change(editor_client, draft):
    form = opened_form(editor_client, draft)
    draft.title_en = "Changed by a script"
    draft.save()

    response = editor_client.post(change_url(draft), {**form, "title_en": "Editor's headline"})

    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.title_en == "Changed by a script"


def test_a_workflow_button_from_an_older_version_is_refused_too(editor_client, reporter_client, draft, reporter):
    editors_form = opened_form(editor_client, draft)
    reporter_client.post(change_url(draft), {**opened_form(reporter_client, draft), "body_en": "<p>Rewritten.</p>"})

    response = editor_client.post(change_url(draft), {**editors_form, "_publish": "1"})

    draft.refresh_from_db()
    assert response.status_code == 200
    assert draft.status == Article.Status.DRAFT


def test_every_save_raises_the_version(draft, editor):
    version = draft.version
    draft.save()
    draft.publish(by=editor)

    draft.refresh_from_db()
    assert draft.version == version + 2


# Who else has the story open


def test_the_edit_page_says_who_else_has_the_story_open(editor_client, reporter_client, draft):
    editor_client.get(change_url(draft))

    page = reporter_client.get(change_url(draft)).content.decode()
    notice = page[page.index('id="others-editing"') :][:400]

    assert "editor" in notice
    assert "hidden" not in notice[:60]


def test_nobody_else_open_shows_no_notice(reporter_client, draft):
    page = reporter_client.get(change_url(draft)).content.decode()

    assert 'id="others-editing" class="messagelist-warning" role="status" hidden' in page


def test_the_heartbeat_answers_with_the_others(editor_client, reporter_client, draft, reporter):
    reporter_client.get(change_url(draft))

    answer = editor_client.post(AUTOSAVE_URL, {"_story": draft.pk, "_presence_only": "1"}).json()

    assert answer == {"others": [str(reporter)]}


# Autosave


def test_autosave_keeps_the_form_without_touching_the_story_or_making_a_revision(reporter_client, draft, reporter):
    revisions = revisions_of(draft).count()
    form = opened_form(reporter_client, draft)

    answer = reporter_client.post(AUTOSAVE_URL, {**form, "_story": draft.pk, "title_en": "Half-typed headl"})

    assert answer.status_code == 200
    assert "saved_at" in answer.json()
    draft.refresh_from_db()
    assert draft.title_en == "My draft about the library"
    assert revisions_of(draft).count() == revisions
    autosave = StoryAutosave.objects.get(article=draft, user=reporter.user)
    assert autosave.data["title_en"] == ["Half-typed headl"]
    assert "csrfmiddlewaretoken" not in autosave.data


def test_after_a_closed_tab_the_autosave_is_offered_and_brought_back(reporter_client, draft):
    form = opened_form(reporter_client, draft)
    reporter_client.post(AUTOSAVE_URL, {**form, "_story": draft.pk, "body_en": "<p>Unsaved paragraph.</p>"})

    offer = reporter_client.get(change_url(draft)).content.decode()
    restored = reporter_client.get(change_url(draft), {"restore_autosave": "1"})

    assert "?restore_autosave=1" in offer
    assert restored.context["adminform"].form["body_en"].value() == "<p>Unsaved paragraph.</p>"
    assert restored.context["adminform"].form["title_en"].value() == "My draft about the library"


def test_saving_the_story_discards_its_autosave(reporter_client, draft):
    form = opened_form(reporter_client, draft)
    reporter_client.post(AUTOSAVE_URL, {**form, "_story": draft.pk, "title_en": "Typed"})

    reporter_client.post(change_url(draft), {**form, "title_en": "Typed"})

    assert not StoryAutosave.objects.filter(article=draft).exists()
    assert "restore_autosave" not in reporter_client.get(change_url(draft)).content.decode()


def test_an_autosave_can_be_discarded(reporter_client, draft):
    reporter_client.post(AUTOSAVE_URL, {**opened_form(reporter_client, draft), "_story": draft.pk})

    response = reporter_client.post(AUTOSAVE_URL, {"_story": draft.pk, "_discard": "1"})

    assert response.status_code == 302
    assert not StoryAutosave.objects.filter(article=draft).exists()


def test_a_new_storys_autosave_is_offered_on_the_add_form(reporter_client, section):
    reporter_client.post(AUTOSAVE_URL, {"_story": "", "title_en": "A story not yet saved", "section": section.pk})

    restored = reporter_client.get("/admin/articles/article/add/", {"restore_autosave": "1"})

    assert restored.context["adminform"].form["title_en"].value() == "A story not yet saved"


def test_a_restored_autosave_meets_the_conflict_check(editor_client, reporter_client, draft):
    form = opened_form(reporter_client, draft)
    reporter_client.post(AUTOSAVE_URL, {**form, "_story": draft.pk, "title_en": "Reporter's unsaved headline"})
    editor_client.post(change_url(draft), {**opened_form(editor_client, draft), "title_en": "Editor's headline"})

    restored = reporter_client.get(change_url(draft), {"restore_autosave": "1"})
    base_version = restored.context["adminform"].form["base_version"].value()
    response = reporter_client.post(
        change_url(draft), {**form, "title_en": "Reporter's unsaved headline", "base_version": base_version}
    )

    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.title_en == "Editor's headline"


def test_autosave_is_refused_for_a_story_one_may_not_change(reporter_client, section, other_reporter):
    theirs = make_article(section, other_reporter, created_by=other_reporter.user)

    response = reporter_client.post(AUTOSAVE_URL, {"_story": theirs.pk, "title_en": "Hijack"})

    assert response.status_code in {403, 404}
    assert not StoryAutosave.objects.exists()


def test_autosave_needs_post_and_csrf(reporter, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter.user)

    assert client.get(AUTOSAVE_URL).status_code == 405
    assert client.post(AUTOSAVE_URL, {"_story": draft.pk, "title_en": "x"}).status_code == 403
    assert not StoryAutosave.objects.exists()


def test_the_conflict_is_explained_in_the_persons_language(editor_client, reporter_client, draft):
    form = opened_form(reporter_client, draft)
    editor_client.post(change_url(draft), {**opened_form(editor_client, draft), "title_en": "Editor's"})

    korean = reporter_client.post(change_url(draft), form).content.decode()
    english = reporter_client.post(f"/en{change_url(draft)}", form).content.decode()

    assert "편집하는 동안 다른 사람이 이 기사를 저장했습니다" in korean
    assert "Someone else saved this story while you were editing" in english


def test_a_save_without_the_forms_version_is_refused_not_trusted(editor_client, reporter_client, draft):
    editor_client.post(change_url(draft), {**opened_form(editor_client, draft), "title_en": "Editor's headline"})
    draft.refresh_from_db()
    form = story_form_data(draft, title_en="From a tab opened before the update")
    del form["base_version"]

    response = reporter_client.post(change_url(draft), form)

    assert response.status_code == 200
    assert response.context["adminform"].form.conflict is not None
    draft.refresh_from_db()
    assert draft.title_en == "Editor's headline"


def test_the_conflict_shows_changes_beyond_the_text(editor_client, reporter_client, draft):
    form = opened_form(reporter_client, draft)
    editor_client.post(change_url(draft), {**opened_form(editor_client, draft), "placement": "lead"})

    response = reporter_client.post(change_url(draft), {**form, "title_en": "Reporter's"})

    changes = response.context["adminform"].form.conflict.changes
    assert [str(change.label) for change in changes] == [str(Article._meta.get_field("placement").verbose_name)]
    assert str(Article.Placement.LEAD.label) in added(response.content.decode())


def test_an_autosaved_byline_row_comes_back_with_the_text(reporter_client, draft, other_reporter):
    form = opened_form(reporter_client, draft)
    with_new_row = {**form, "bylines-TOTAL_FORMS": "2", "bylines-1-reporter": other_reporter.pk, "bylines-1-order": 1}
    reporter_client.post(AUTOSAVE_URL, {**with_new_row, "_story": draft.pk, "title_en": "With a co-author"})

    restored = reporter_client.get(change_url(draft), {"restore_autosave": "1"})

    bylines = next(
        formset for formset in restored.context["inline_admin_formsets"] if formset.formset.prefix == "bylines"
    )
    assert [row.form["reporter"].value() for row in bylines][:2] == [str(draft.byline[0].pk), str(other_reporter.pk)]
    assert restored.context["adminform"].form["title_en"].value() == "With a co-author"


def test_someone_who_may_only_read_the_story_is_not_announced(section, reporter, other_reporter, reporter_client):
    story = make_article(section, reporter, status=Article.Status.PUBLISHED, created_by=reporter.user)
    colleague = Client()
    colleague.force_login(other_reporter.user)  # sees the published story read-only
    colleague.get(change_url(story))

    page = Client()
    page.force_login(make_user("editor2", "Editors"))
    notice = page.get(change_url(story)).content.decode()

    assert str(other_reporter) not in notice[notice.index('id="others-editing"') :][:400]


def test_leaving_the_page_takes_ones_name_off_the_notice(editor_client, reporter_client, draft, reporter):
    reporter_client.get(change_url(draft))
    reporter_client.post(AUTOSAVE_URL, {"_story": draft.pk, "_leaving": "1"})

    answer = editor_client.post(AUTOSAVE_URL, {"_story": draft.pk, "_presence_only": "1"}).json()

    assert answer == {"others": []}


@pytest.mark.postgresql
# Committed transactions, so that the saves really run side by side; the roles the migrations made come back after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_saves_at_the_same_moment_from_one_version_let_exactly_one_through(section, reporter, editor):
    """Four people press Save at once on forms opened at the same version: one save lands, three are refused."""
    story = make_article(section, reporter, created_by=reporter.user, title_en="Original headline")
    people = [editor, *[make_user(f"editor{number}", "Editors") for number in range(3)]]
    form = story_form_data(story)
    answers = at_once(
        [
            (
                person,
                lambda client, name=person.username: client.post(change_url(story), {**form, "title_en": f"By {name}"}),
            )
            for person in people
        ]
    )
    landed = [person.username for person, answer in zip(people, answers, strict=True) if answer.status_code == 302]
    story.refresh_from_db()
    assert len(landed) == 1
    assert story.title_en == f"By {landed[0]}"
    assert story.version == form["base_version"] + 1
