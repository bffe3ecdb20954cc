"""Two people editing one story, autosave, and who else has the story open."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.admin import site
from django.test import Client

from articles.models import Article, Reporter, StoryAutosave, StoryPhoto, Tag
from articles.revisions import describe_note, revisions_of
from tests.admin_forms import confirmed, inline_data, story_form_data
from tests.compare_pages import added
from tests.concurrency import at_once
from tests.conftest import make_article, make_user
from tests.test_photos import make_photo

pytestmark = pytest.mark.django_db

AUTOSAVE_URL = "/admin/articles/article/autosave/"


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def opened_form(client, article) -> dict:
    """The form's data as the browser got it when ``client`` opened the story (its version, tags and related
    stories included)."""
    response = client.get(change_url(article))
    article.refresh_from_db()
    return story_form_data(
        article,
        base_version=response.context["adminform"].form.initial["base_version"],
        tags=[tag.pk for tag in article.tags.all()],
        related_articles=[related.pk for related in article.related_articles.all()],
    )


def conflict_of(response):
    return response.context["adminform"].form.conflict


def page_form(response, **choices) -> dict:
    """What the page shown again after a refused save posts when saved: its fields (with what was merged in), its
    inlines' rows, the version its conflict showed, and the ``choices`` (``title_en="mine"``)."""
    inlines = [inline.formset for inline in response.context["inline_admin_formsets"]]
    prefixes = tuple(f"{formset.prefix}-" for formset in inlines)
    data = dict(response.context["adminform"].form.data.lists())
    data = {name: values for name, values in data.items() if not name.startswith(prefixes)}
    for formset in inlines:
        data.update({name: values for name, values in formset.data.lists() if name.startswith(f"{formset.prefix}-")})
    data["seen_version"] = [str(conflict_of(response).seen_version)]
    data.update({f"_merge-{name}": [choice] for name, choice in choices.items()})
    return data


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def colleague(db):
    return Reporter.objects.create(name_ko="김서연", name_en="Kim Seo-yeon", position_en="KT Reporter")


@pytest.fixture
def story(section, reporter, other_reporter):
    """A draft as the newsroom writes them: both languages, two reporters, tags, a related story and a photo."""
    older = make_article(
        section,
        reporter,
        status=Article.Status.PUBLISHED,
        title_ko="작년 기숙사비 동결",
        title_en="Fees frozen last year",
    )
    story = make_article(
        section, reporter, other_reporter, created_by=reporter.user,
        title_ko="기숙사비 4% 인상", title_en="Dormitory fees rise by 4 percent",
        subtitle_ko="다음 학기부터 적용", subtitle_en="From next semester",
        summary_ko="기숙사 운영위원회가 인상을 의결했다.", summary_en="The dormitory board voted for the rise.",
        body_ko="<p>기숙사 운영위원회는 월요일 회의에서 인상안을 의결했다.</p><p>학생회는 반대했다.</p>",
        body_en="<p>The dormitory board voted on Monday.</p><p>The student council opposed it.</p>",
    )  # fmt: skip
    story.tags.set(
        [
            Tag.objects.create(name_ko="기숙사", name_en="Dormitories", slug="dormitories"),
            Tag.objects.create(name_ko="등록금", name_en="Tuition", slug="tuition"),
        ]
    )
    story.related_articles.set([older])
    StoryPhoto.objects.create(article=story, photo=make_photo(alt_text_en="The east dormitory"), order=0)
    story.refresh_from_db()
    return story


def test_what_only_the_other_person_changed_is_kept_when_saving_after_them(editor_client, reporter_client, story):
    reporters_form = opened_form(reporter_client, story)
    new_tag = Tag.objects.create(name_ko="학생회", name_en="Student council", slug="student-council")
    editors_form = opened_form(editor_client, story)
    editor_client.post(
        change_url(story),
        {
            **editors_form,
            "body_en": "<p>The dormitory board voted 7 to 2 on Monday.</p>",
            "title_ko": "기숙사비 4% 인상 확정",
            "tags": [*editors_form["tags"], new_tag.pk],
        },
    )

    response = reporter_client.post(
        change_url(story),
        {**reporters_form, "title_en": "Dorm fees to rise 4%", "subtitle_ko": "2학기부터 적용"},
        follow=True,
    )

    story.refresh_from_db()
    assert response.redirect_chain[0][1] == 302
    assert (story.title_en, story.subtitle_ko) == ("Dorm fees to rise 4%", "2학기부터 적용")
    assert (story.title_ko, story.body_en) == (
        "기숙사비 4% 인상 확정",
        "<p>The dormitory board voted 7 to 2 on Monday.</p>",
    )
    assert sorted(tag.slug for tag in story.tags.all()) == ["dormitories", "student-council", "tuition"]
    assert any("editor" in text and "태그" in text and "제목 [ko]" in text for text in messages_of(response))
    latest = revisions_of(story).first()
    assert describe_note(latest.revision.comment).count("[") == 2  # the reporter's own two fields, not the editor's


def test_a_field_both_changed_waits_for_a_choice_showing_both_values(editor_client, reporter_client, story):
    reporters_form = opened_form(reporter_client, story)
    editor_client.post(change_url(story), {**opened_form(editor_client, story), "title_en": "Editor's headline"})

    response = reporter_client.post(change_url(story), {**reporters_form, "title_en": "Reporter's headline"})

    story.refresh_from_db()
    assert response.status_code == 200
    assert story.title_en == "Editor's headline"
    assert [difference.name for difference in conflict_of(response).differences] == ["title_en"]
    assert response.context["adminform"].form["title_en"].value() == "Reporter's headline"  # still in the form
    panel = response.content.decode().split('id="edit-conflict-title"')[1].split("</section>")[0]
    assert "Editor&#x27;s headline" in panel
    assert "Reporter&#x27;s headline" in panel
    assert 'name="_merge-title_en" value="theirs"' in panel
    assert 'name="_merge-title_en" value="mine"' in panel


def test_saving_again_without_choosing_does_not_overwrite_their_change(editor_client, reporter_client, story):
    reporters_form = opened_form(reporter_client, story)
    editor_client.post(change_url(story), {**opened_form(editor_client, story), "title_en": "Editor's headline"})
    refused = reporter_client.post(change_url(story), {**reporters_form, "title_en": "Reporter's headline"})

    again = reporter_client.post(change_url(story), page_form(refused))

    story.refresh_from_db()
    assert again.status_code == 200
    assert story.title_en == "Editor's headline"
    assert [difference.name for difference in conflict_of(again).differences] == ["title_en"]


def test_each_field_both_changed_is_saved_as_chosen_and_the_rest_merged(editor_client, reporter_client, story):
    reporters_form = opened_form(reporter_client, story)
    editor_client.post(
        change_url(story),
        {
            **opened_form(editor_client, story),
            "title_en": "Editor's headline",
            "body_ko": "<p>편집자가 고친 본문.</p>",
            "subtitle_en": "Editor's subtitle",
        },
    )
    refused = reporter_client.post(
        change_url(story),
        {
            **reporters_form,
            "title_en": "Reporter's headline",
            "body_ko": "<p>기자가 고친 본문.</p>",
            "summary_en": "Reporter's summary",
        },
    )
    assert refused.context["adminform"].form["subtitle_en"].value() == "Editor's subtitle"  # theirs, shown in the form

    response = reporter_client.post(change_url(story), page_form(refused, title_en="mine", body_ko="theirs"))

    story.refresh_from_db()
    assert response.status_code == 302
    assert (story.title_en, story.body_ko) == ("Reporter's headline", "<p>편집자가 고친 본문.</p>")
    assert (story.subtitle_en, story.summary_en) == ("Editor's subtitle", "Reporter's summary")
    assert story.title_ko == "기숙사비 4% 인상"


def test_choices_made_before_yet_another_save_are_asked_again(editor_client, reporter_client, story):
    reporters_form = opened_form(reporter_client, story)
    editor_client.post(change_url(story), {**opened_form(editor_client, story), "title_en": "Editor's headline"})
    refused = reporter_client.post(change_url(story), {**reporters_form, "title_en": "Reporter's headline"})
    story.title_en = "A third headline, from a script"
    story.save()

    response = reporter_client.post(change_url(story), page_form(refused, title_en="mine"))

    story.refresh_from_db()
    assert response.status_code == 200
    assert story.title_en == "A third headline, from a script"
    assert conflict_of(response).differences[0].theirs == "A third headline, from a script"


def test_tags_both_changed_ask_and_the_choice_is_saved(editor_client, reporter_client, story):
    reporters_form = opened_form(reporter_client, story)
    dormitories, tuition = story.tags.order_by("slug")
    council = Tag.objects.create(name_ko="학생회", name_en="Student council", slug="student-council")
    editor_client.post(change_url(story), {**opened_form(editor_client, story), "tags": [dormitories.pk, council.pk]})
    refused = reporter_client.post(change_url(story), {**reporters_form, "tags": [tuition.pk]})
    assert [difference.name for difference in conflict_of(refused).differences] == ["tags"]

    reporter_client.post(change_url(story), page_form(refused, tags="theirs"))

    assert sorted(tag.slug for tag in story.tags.all()) == ["dormitories", "student-council"]


def test_related_stories_another_editor_chose_are_kept(editor_client, story, section):
    second_editor = Client()
    second_editor.force_login(make_user("editor2", "Editors"))
    seconds_form = opened_form(second_editor, story)
    newer = make_article(section, status=Article.Status.PUBLISHED, title_en="Fees around the country")
    editor_client.post(change_url(story), {**opened_form(editor_client, story), "related_articles": [newer.pk]})

    response = second_editor.post(change_url(story), {**seconds_form, "placement": "important"})

    story.refresh_from_db()
    assert response.status_code == 302
    assert list(story.related_articles.all()) == [newer]
    assert story.placement == "important"


def test_a_byline_and_photos_changed_by_them_alone_are_kept(editor_client, reporter_client, story, colleague):
    reporters_form = opened_form(reporter_client, story)
    with_colleague = {"bylines-TOTAL_FORMS": "3", "bylines-2-reporter": colleague.pk, "bylines-2-order": "2"}
    editor_client.post(change_url(story), {**opened_form(editor_client, story), **with_colleague})
    second_photo = make_photo(alt_text_en="Students queue at the dormitory office")

    response = reporter_client.post(
        change_url(story), {**reporters_form, **inline_data("story_photos", story, "photo", [second_photo])}
    )

    assert response.status_code == 302
    assert [str(reporter) for reporter in Article.objects.get(pk=story.pk).byline] == [
        "황민준", "최하은", "김서연",
    ]  # fmt: skip
    assert [row.photo for row in story.story_photos.all()][1:] == [second_photo]
    assert story.tags.count() == 2


def test_a_byline_both_changed_asks_and_mine_replaces_theirs_when_chosen(
    editor_client, reporter_client, story, colleague, other_reporter
):
    reporters_form = opened_form(reporter_client, story)
    editors_form = opened_form(editor_client, story)
    editor_client.post(change_url(story), {**editors_form, "bylines-1-DELETE": "on"})  # the editor drops 최하은
    with_colleague = {"bylines-TOTAL_FORMS": "3", "bylines-2-reporter": colleague.pk, "bylines-2-order": "2"}
    refused = reporter_client.post(change_url(story), {**reporters_form, **with_colleague})
    difference = conflict_of(refused).differences[0]
    assert (difference.name, difference.theirs, difference.mine) == ("bylines", "황민준", "황민준, 최하은, 김서연")

    response = reporter_client.post(change_url(story), page_form(refused, bylines="mine"))

    assert response.status_code == 302
    assert [str(reporter) for reporter in Article.objects.get(pk=story.pk).byline] == ["황민준", "최하은", "김서연"]


def test_photos_both_changed_ask_and_theirs_stay_when_chosen(editor_client, reporter_client, story):
    reporters_form = opened_form(reporter_client, story)
    first = story.story_photos.get().photo
    editor_client.post(change_url(story), {**opened_form(editor_client, story), "story_photos-0-DELETE": "on"})
    replacement = make_photo(alt_text_en="The west dormitory")
    mine = {**reporters_form, "story_photos-0-DELETE": "on", **photo_row(1, replacement), "story_photos-TOTAL_FORMS": 2}
    refused = reporter_client.post(change_url(story), mine)
    assert [difference.name for difference in conflict_of(refused).differences] == ["story_photos"]

    response = reporter_client.post(change_url(story), page_form(refused, story_photos="theirs"))

    assert response.status_code == 302
    assert not story.story_photos.exists()
    assert first.pk != replacement.pk


def photo_row(index, photo) -> dict:
    return {f"story_photos-{index}-photo": photo.pk, f"story_photos-{index}-order": index}


def test_the_conflict_says_when_in_seoul_time_in_the_readers_language(editor_client, reporter_client, story):
    reporters_form = opened_form(reporter_client, story)
    # 00:30 UTC is 09:30 in Seoul.
    with time_machine.travel(datetime(2026, 3, 2, 0, 30, 0, 123456, tzinfo=UTC), tick=False):
        editor_client.post(change_url(story), {**opened_form(editor_client, story), "title_en": "Editor's headline"})
    mine = {**reporters_form, "title_en": "Reporter's headline"}

    korean = reporter_client.post(change_url(story), mine).content.decode()
    english = reporter_client.post(f"/en{change_url(story)}", mine).content.decode()

    assert korean.count("2026년 3월 2일 9:30 오전") >= 2  # the notice and the panel
    assert english.count("March 2, 2026, 9:30 a.m.") >= 2
    assert "12:30" not in korean
    assert "12:30" not in english


def test_a_publication_time_kept_to_the_microsecond_is_not_taken_for_a_change(editor_client, section, reporter):
    story = make_article(
        section, reporter, status=Article.Status.PUBLISHED, title_en="Fees rise",
        published_at=datetime(2026, 3, 2, 0, 15, 42, 123456, tzinfo=UTC),
    )  # fmt: skip
    second_editor = Client()
    second_editor.force_login(make_user("editor2", "Editors"))
    seconds_form = opened_form(second_editor, story)
    editor_client.post(
        change_url(story),
        {**opened_form(editor_client, story), "published_at_0": "2026-03-02", "published_at_1": "08:00:00"},
    )

    response = second_editor.post(change_url(story), {**seconds_form, "title_en": "Fees rise by 4 percent"})

    story.refresh_from_db()
    assert response.status_code == 302
    assert story.published_at == datetime(2026, 3, 1, 23, 0, tzinfo=UTC)  # 08:00 in Seoul, as the editor set it
    assert story.title_en == "Fees rise by 4 percent"


def test_a_save_from_the_shell_also_counts_as_someone_elses_change(editor_client, story):
    form = opened_form(editor_client, story)
    story.title_en = "Changed by a script"
    story.save()

    response = editor_client.post(change_url(story), {**form, "title_en": "Editor's headline"})

    assert response.status_code == 200
    story.refresh_from_db()
    assert story.title_en == "Changed by a script"


def test_a_workflow_button_pressed_after_someone_elses_save_first_shows_their_changes(
    editor_client, reporter_client, story
):
    editors_form = opened_form(editor_client, story)
    reporter_client.post(change_url(story), {**opened_form(reporter_client, story), "body_en": "<p>Rewritten.</p>"})

    shown = editor_client.post(change_url(story), {**editors_form, "_publish": "1"})
    story.refresh_from_db()
    assert shown.status_code == 200
    assert story.status == Article.Status.DRAFT
    assert shown.context["adminform"].form["body_en"].value() == "<p>Rewritten.</p>"

    editor_client.post(change_url(story), {**page_form(shown), **confirmed("_publish")})
    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED
    assert story.body_en == "<p>Rewritten.</p>"


def test_a_story_deleted_for_good_while_being_edited_is_not_saved_and_says_so(story, editor):
    form_class = site._registry[Article].form
    stale = Article.objects.get(pk=story.pk)
    data = story_form_data(stale)
    story.move_to_trash(by=editor)
    Article.objects.in_trash().delete_for_good()

    form = form_class(data, instance=stale)

    assert not form.is_valid()
    assert "완전히 삭제되어 저장할 수 없습니다" in " ".join(form.non_field_errors())
    assert not Article.objects.filter(pk=story.pk).exists()


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


def test_a_beacon_from_the_closing_page_is_kept_like_any_autosave(reporter, draft):
    """What navigator.sendBeacon posts as the tab closes: the form's data with its CSRF token, the session cookie."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reporter.user)
    browser.get(change_url(draft))
    token = browser.cookies["csrftoken"].value

    answer = browser.post(
        AUTOSAVE_URL, {**story_form_data(draft), "_story": draft.pk, "csrfmiddlewaretoken": token, "title_en": "Last"}
    )

    assert answer.status_code == 200
    assert StoryAutosave.objects.get(article=draft).data["title_en"] == ["Last"]


def config_of(page: str) -> str:
    """The story form's script settings (the element it reads them from)."""
    return page[page.index('id="story-editing"') :].split(">", 1)[0]


def test_a_form_shown_again_after_a_refused_save_tells_the_page_it_holds_unsaved_text(
    editor_client, reporter_client, draft
):
    form = {**opened_form(reporter_client, draft), "title_en": "Reporter's headline"}
    editor_client.post(change_url(draft), {**opened_form(editor_client, draft), "title_en": "Editor's headline"})

    refused = reporter_client.post(change_url(draft), form).content.decode()
    fresh = reporter_client.get(change_url(draft)).content.decode()

    assert "data-unsaved" in config_of(refused)
    assert "data-unsaved" not in config_of(fresh)


def test_choices_on_an_edit_conflict_are_not_kept_in_an_autosave(reporter_client, draft, reporter):
    form = opened_form(reporter_client, draft)

    reporter_client.post(AUTOSAVE_URL, {**form, "_story": draft.pk, "seen_version": "7", "_merge-title_en": "mine"})

    kept = StoryAutosave.objects.get(article=draft, user=reporter.user).data
    assert "seen_version" not in kept
    assert "_merge-title_en" not in kept
    assert "title_en" in kept


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
    form = {**opened_form(reporter_client, draft), "title_en": "Reporter's"}
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


def test_the_conflict_shows_what_they_changed_beyond_the_text(editor_client, reporter_client, draft):
    form = opened_form(reporter_client, draft)
    editor_client.post(change_url(draft), {**opened_form(editor_client, draft), "placement": "lead", "title_en": "E"})

    response = reporter_client.post(change_url(draft), {**form, "title_en": "Reporter's"})

    labels = [str(change.label) for change in conflict_of(response).changes]
    assert labels == ["제목 (영어)", str(Article._meta.get_field("placement").verbose_name)]
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
