"""Deleting a story moves it to the trash: editors restore it for STORY_TRASH_DAYS, then it is gone for good.
Its public address answers 410 Gone from the moment it is deleted."""

import time
from datetime import timedelta

import pytest
import reversion
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext
from reversion.models import Revision, Version

from articles.models import Article, Comment, RemovedStory, StoryAutosave, Tag
from articles.revisions import describe_note, revisions_of
from tests.admin_forms import story_form_data
from tests.concurrency import at_once
from tests.conftest import make_article, make_user

pytestmark = pytest.mark.django_db

TRASH_URL = "/admin/articles/article/trash/"


def delete_url(article):
    return f"/admin/articles/article/{article.pk}/delete/"


@pytest.fixture
def story(section, reporter):
    return make_article(
        section, reporter, status=Article.Status.PUBLISHED, title_en="A story to delete", legacy_id=4242
    )


def test_deleting_asks_then_moves_the_story_to_the_trash(editor_client, story, editor):
    question = editor_client.get(delete_url(story))
    response = editor_client.post(delete_url(story), {"post": "yes"})

    assert question.status_code == 200
    assert question.context["trash_days"] == 30
    assert "30" in question.content.decode().split('id="content"')[1]
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.in_trash
    assert story.deleted_by == editor
    assert story.events.first().action == "trashed"
    assert revisions_of(story).first().field_dict["deleted_at"] is not None


def test_a_deleted_storys_address_answers_410_gone(editor, story):
    reader = Client()
    assert reader.get(story.get_absolute_url()).status_code == 200  # now in the page cache

    story.move_to_trash(by=editor)

    gone = reader.get(story.get_absolute_url())
    assert gone.status_code == 410
    assert reader.get(f"/news/articleView.html?idxno={story.legacy_id}").status_code == 410
    assert reader.get(f"/news/{story.pk}/").status_code == 410
    assert story.title_en not in reader.get("/").content.decode()


def test_a_story_never_there_still_answers_404(client, story):
    assert client.get("/news/999999/").status_code == 404


def test_comments_on_a_story_in_the_trash_leave_the_moderation_queue_until_it_is_restored(
    editor_client, editor, story, commenter
):
    Comment.objects.create(article=story, author=commenter, body="A comment on a story that goes")
    story.move_to_trash(by=editor)

    hidden = editor_client.get("/admin/articles/comment/").content.decode()
    story.restore_from_trash(by=editor)
    shown = editor_client.get("/admin/articles/comment/").content.decode()

    assert "A comment on a story that goes" not in hidden
    assert "A comment on a story that goes" in shown


def test_deleting_needs_an_editor(reporter_client, story):
    assert reporter_client.post(delete_url(story), {"post": "yes"}).status_code == 403
    assert reporter_client.get(TRASH_URL).status_code == 403
    story.refresh_from_db()
    assert not story.in_trash


def test_the_trash_lists_deleted_stories_and_restores_them(editor_client, editor, story):
    story.move_to_trash(by=editor)

    listing = editor_client.get(TRASH_URL).content.decode()
    response = editor_client.post(TRASH_URL, {"action": "restore", "story": [story.pk]})

    assert "A story to delete" in listing
    assert response.status_code == 302
    story.refresh_from_db()
    assert not story.in_trash
    assert Client().get(story.get_absolute_url()).status_code == 200
    assert story.events.first().action == "restored"


def test_trashed_stories_leave_the_newsroom_list(editor_client, editor, story):
    story.move_to_trash(by=editor)

    assert "A story to delete" not in editor_client.get("/admin/articles/article/").content.decode()
    assert editor_client.get(f"/admin/articles/article/{story.pk}/change/").url == TRASH_URL


def test_deleting_for_good_asks_first_then_keeps_only_the_410(editor_client, editor, story, commenter):
    Comment.objects.create(article=story, author=commenter, body="A reader's comment")
    story.move_to_trash(by=editor)

    question = editor_client.post(TRASH_URL, {"action": "delete", "story": [story.pk]})
    assert question.status_code == 200
    assert Article.objects.filter(pk=story.pk).exists()

    editor_client.post(TRASH_URL, {"action": "delete", "story": [story.pk], "confirmed": "1"})

    assert not Article.objects.filter(pk=story.pk).exists()
    assert not Comment.objects.filter(body="A reader's comment").exists()
    assert not revisions_of(story).exists()
    assert RemovedStory.objects.filter(article_id=story.pk).exists()
    assert Client().get(f"/news/{story.pk}/").status_code == 410
    assert Client().get("/news/articleView.html?idxno=4242").status_code == 410


def test_emptying_the_trash_deletes_what_the_question_listed_and_nothing_else(editor_client, editor, story, section):
    kept = make_article(section, title_en="Not deleted")
    story.move_to_trash(by=editor)
    question = editor_client.post(TRASH_URL, {"action": "empty"})
    listed = [str(item.pk) for item in question.context["stories"]]
    trashed_meanwhile = make_article(section, title_en="Trashed by someone else after the question")
    trashed_meanwhile.move_to_trash(by=editor)

    editor_client.post(TRASH_URL, {"action": "delete", "story": listed, "confirmed": "1"})

    assert listed == [str(story.pk)]
    assert not Article.objects.filter(pk=story.pk).exists()
    assert Article.objects.in_trash().filter(pk=trashed_meanwhile.pk).exists()
    assert Article.objects.filter(pk=kept.pk).exists()


def test_a_confirmation_without_stories_deletes_nothing(editor_client, editor, story):
    story.move_to_trash(by=editor)

    editor_client.post(TRASH_URL, {"action": "empty", "confirmed": "1"})

    assert Article.objects.filter(pk=story.pk).exists()


def test_a_deleted_draft_was_never_public_so_its_address_stays_404(client, editor, section, reporter):
    draft = make_article(section, reporter)
    draft.move_to_trash(by=editor)
    assert client.get(f"/news/{draft.pk}/").status_code == 404

    Article.objects.in_trash().delete_for_good()

    assert client.get(f"/news/{draft.pk}/").status_code == 404
    assert not RemovedStory.objects.exists()


def test_moving_to_the_trash_and_back_are_revisions_by_the_editor(editor_client, editor, story):
    editor_client.post(delete_url(story), {"post": "yes"})
    trashed = revisions_of(story).first()
    editor_client.post(TRASH_URL, {"action": "restore", "story": [story.pk]})
    restored = revisions_of(story).first()

    assert (trashed.revision.user, describe_note(trashed.revision.comment)) == (editor, gettext("Moved to the trash."))
    assert (restored.revision.user, describe_note(restored.revision.comment)) == (
        editor,
        gettext("Restored from the trash."),
    )


def test_deleting_for_good_forgets_the_storys_revisions_but_not_others_in_the_same_revision(
    editor, story, section, reporter
):
    neighbour = make_article(section, reporter, title_en="Imported with it")
    with reversion.create_revision():  # as an archive import keeps many stories in one revision
        reversion.add_to_revision(story)
        reversion.add_to_revision(neighbour)
    story_revisions = set(Version.objects.get_for_object(story).values_list("revision_id", flat=True))
    story.move_to_trash(by=editor)

    Article.objects.in_trash().delete_for_good()

    assert not Version.objects.get_for_object(story).exists()
    leftovers = Version.objects.filter(revision_id__in=story_revisions)
    assert all(str(story.pk) not in version.serialized_data.split('"article": ')[-1][:12] for version in leftovers)
    assert revisions_of(neighbour).count() >= 2
    assert not Revision.objects.filter(version__isnull=True).exists()


def test_only_editors_empty_the_trash(reporter_client, editor, story):
    story.move_to_trash(by=editor)

    assert reporter_client.post(TRASH_URL, {"action": "empty", "confirmed": "1"}).status_code == 403
    assert Article.objects.filter(pk=story.pk).exists()


def test_the_daily_command_deletes_stories_kept_longer_than_the_configured_days(settings, editor, story, section):
    settings.STORY_TRASH_DAYS = 7
    recent = make_article(section, title_en="Deleted yesterday")
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        story.move_to_trash(by=editor)
    with time_machine.travel(timezone.now() - timedelta(days=1)):
        recent.move_to_trash(by=editor)

    call_command("empty_trash", verbosity=0)

    assert not Article.objects.filter(pk=story.pk).exists()
    assert Article.objects.in_trash().filter(pk=recent.pk).exists()


def test_the_command_empties_everything_when_asked(editor, story):
    story.move_to_trash(by=editor)

    call_command("empty_trash", "--all", verbosity=0)

    assert not Article.objects.filter(pk=story.pk).exists()


def test_trash_actions_need_post_and_csrf(editor, story):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    story.move_to_trash(by=editor)

    assert client.post(TRASH_URL, {"action": "empty", "confirmed": "1"}).status_code == 403
    assert Article.objects.filter(pk=story.pk).exists()


# Saving and deleting at the same moment


def change_url(article):
    return f"/admin/articles/article/{article.pk}/change/"


def test_a_story_read_before_it_went_to_the_trash_stays_there_when_saved(editor, story):
    read_earlier = Article.objects.get(pk=story.pk)
    story.move_to_trash(by=editor)

    read_earlier.title_en = "Corrected headline"
    read_earlier.save()

    story.refresh_from_db()
    assert story.in_trash
    assert story.title_en == "Corrected headline"
    assert Client().get(story.get_absolute_url()).status_code == 410


def test_a_story_deleted_for_good_is_not_written_back_by_a_late_save(editor, story):
    read_earlier = Article.objects.get(pk=story.pk)
    story.move_to_trash(by=editor)
    Article.objects.in_trash().delete_for_good()

    with pytest.raises(Article.DoesNotExist, match="deleted for good"):
        read_earlier.save()

    assert not Article.objects.filter(pk=story.pk).exists()


def test_a_save_of_an_instance_read_before_another_save_still_raises_the_version(story):
    read_earlier = Article.objects.get(pk=story.pk)
    story.title_en = "Saved first"
    story.save()

    read_earlier.subtitle_en = "Saved second, from an older copy"
    read_earlier.save()

    story.refresh_from_db()
    assert story.version == read_earlier.version == revisions_of(story).first().field_dict["version"]
    assert story.version == Article.objects.get(pk=story.pk).version
    assert len({version.field_dict["version"] for version in revisions_of(story)[:2]}) == 2


def test_a_save_arriving_after_the_story_went_to_the_trash_is_kept_as_the_editors_unsaved_copy(
    editor_client, editor, story
):
    form = {**story_form_data(story), "title_en": "Typed while it was being deleted"}
    story.move_to_trash(by=make_user("editor2", "Editors"))

    response = editor_client.post(f"/en{change_url(story)}", form, follow=True)

    assert response.redirect_chain[-1][0] == f"/en{TRASH_URL}"
    assert "kept as your unsaved copy" in response.content.decode()
    story.refresh_from_db()
    assert story.in_trash
    assert story.title_en == "A story to delete"
    story.restore_from_trash(by=editor)
    restored = editor_client.get(change_url(story), {"restore_autosave": "1"})
    assert restored.context["adminform"].form["title_en"].value() == "Typed while it was being deleted"


def placement_row(story) -> dict:
    """The stories list's own editing, posted with one row: the story made a lead story."""
    return {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": story.pk,
        "form-0-placement": "lead", "form-0-placement_order": "1", "_save": "Save",
    }  # fmt: skip


def test_the_list_saving_a_row_whose_story_went_to_the_trash_since_says_so(editor_client, editor, story):
    editor_client.get("/admin/articles/article/")  # the list shows the story
    story.move_to_trash(by=editor)

    response = editor_client.post("/admin/articles/article/", placement_row(story))

    assert response.status_code == 200
    assert "그사이 이 기사가 휴지통으로 옮겨졌거나 완전히 삭제되어" in response.content.decode()
    story.refresh_from_db()
    assert story.in_trash
    assert story.placement == "general"


#: How much later the save starts than the other request, round by round (negative: the other one waits), so
#: that the rounds sweep the moment one overtakes the other.
OFFSETS = (-0.15, -0.08, -0.03, 0, 0.02, 0.05)


def side_by_side(offset: float, save, other) -> tuple:
    """``save`` by the first (user, request) pair and ``other``, ``offset`` seconds apart, each in its own thread."""

    def later(seconds, request):
        def delayed(client):
            time.sleep(seconds)
            return request(client)

        return delayed

    (saver, saving), (someone, their_request) = save, other
    return tuple(at_once([(saver, later(max(offset, 0), saving)), (someone, later(max(-offset, 0), their_request))]))


def story_for_round(section, reporter, number) -> Article:
    story = make_article(
        section, reporter, status=Article.Status.PUBLISHED, created_by=reporter.user,
        title_ko=f"{number}번째 기사", title_en=f"Story number {number}",
        body_ko="<p>기숙사 운영위원회가 의결했다.</p>", body_en="<p>The dormitory board voted.</p>",
    )  # fmt: skip
    story.tags.set([Tag.objects.get_or_create(slug="campus", defaults={"name_ko": "캠퍼스", "name_en": "Campus"})[0]])
    return story


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_story_moved_to_the_trash_while_it_is_saved_stays_in_the_trash(section, reporter, editor):
    """One editor saves the story form while another moves the story to the trash, at the same moment, several
    times: the story always ends in the trash, with the saved text in it or kept as the editor's unsaved copy."""
    trasher = make_user("editor2", "Editors")
    for number, offset in enumerate(OFFSETS):
        story = story_for_round(section, reporter, number)
        form = {**story_form_data(story, tags=[story.tags.get().pk]), "title_en": f"Corrected in round {number}"}
        saved, trashed = side_by_side(
            offset,
            (editor, lambda client, story=story, form=form: client.post(change_url(story), form)),
            (trasher, lambda client, story=story: client.post(delete_url(story), {"post": "yes"})),
        )
        story.refresh_from_db()
        assert (saved.status_code, trashed.status_code) == (302, 302)
        assert story.in_trash
        unsaved = [copy.data["title_en"][0] for copy in StoryAutosave.objects.filter(article=story, user=editor)]
        assert f"Corrected in round {number}" in [story.title_en, *unsaved]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_story_deleted_for_good_while_it_is_saved_is_not_written_back(section, reporter, editor):
    """One editor saves the story form while another moves it to the trash and deletes it for good, several times:
    the story is never written back, and the save is answered with a page saying so, never an error."""
    deleter = make_user("editor2", "Editors")

    def delete_for_good(client, story):
        client.post(delete_url(story), {"post": "yes"})
        return client.post(TRASH_URL, {"action": "delete", "story": [story.pk], "confirmed": "1"})

    for number, offset in enumerate(OFFSETS):
        story = story_for_round(section, reporter, number)
        form = {**story_form_data(story), "title_en": f"Corrected in round {number}"}
        saved, deleted = side_by_side(
            offset,
            (editor, lambda client, story=story, form=form: client.post(f"/en{change_url(story)}", form)),
            (deleter, lambda client, story=story: delete_for_good(client, story)),
        )
        assert deleted.status_code == 302
        assert saved.status_code in {200, 302}
        if saved.status_code == 200:
            assert "deleted for good while you were editing it" in saved.content.decode()
        assert not Article.objects.filter(pk=story.pk).exists()
        assert not revisions_of(story).exists()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_story_moved_to_the_trash_while_the_list_saves_its_placement_stays_in_the_trash(section, reporter, editor):
    """The stories list's placement editing, saved while another editor moves the story to the trash."""
    trasher = make_user("editor2", "Editors")
    for number, offset in enumerate(OFFSETS):
        story = story_for_round(section, reporter, number)
        row = placement_row(story)
        listed, trashed = side_by_side(
            offset,
            (editor, lambda client, row=row: client.post("/admin/articles/article/", row)),
            (trasher, lambda client, story=story: client.post(delete_url(story), {"post": "yes"})),
        )
        story.refresh_from_db()
        assert listed.status_code in {200, 302}
        if listed.status_code == 200:
            assert "그사이 이 기사가 휴지통으로 옮겨졌거나 완전히 삭제되어" in listed.content.decode()
        assert trashed.status_code == 302
        assert story.in_trash
        assert story.title_en == f"Story number {number}"
