"""Comment moderation through the admin's real URLs: the queue, hold rules, actions, bans and the audit trail."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles import moderation
from articles.models import (
    Article,
    BlockedPhrase,
    Comment,
    CommentBan,
    CommentReport,
    HoldRules,
    ModerationLogEntry,
)
from tests.conftest import make_article, make_commenter

pytestmark = pytest.mark.django_db

QUEUE = "/en/admin/articles/comment/"


@pytest.fixture
def story(section, reporter):
    return make_article(section, reporter, status=Article.Status.PUBLISHED, title_en="Night buses return")


@pytest.fixture
def others_story(section, other_reporter):
    return make_article(section, other_reporter, status=Article.Status.PUBLISHED, title_en="Someone else's story")


def comment_on(story, author, body="A comment", status=Comment.Status.PUBLISHED):
    return Comment.objects.create(article=story, author=author, body=body, status=status)


def post_comment(client, story, body):
    return client.post(f"/comments/story/{story.pk}/new/", {"body": body})


def bulk(client, action, comments, **extra):
    return client.post(QUEUE, {"action": action, "_selected_action": [c.pk for c in comments], **extra})


def change_hold_rules(**rules):
    """As the admin saves them: the site's cached copy changes too (an UPDATE alone would leave it)."""
    settings = HoldRules.get_solo()
    for name, value in rules.items():
        setattr(settings, name, value)
    settings.save()


def counted(story):
    story.refresh_from_db()
    return story.comment_count


# Hold rules at posting time


@pytest.mark.parametrize(
    "body",
    ["you are a 시발 idiot", "시 발", "시.발", "시_발!!", "S H I T happens", "sh*it", "\uff33\uff28\uff29\uff34"],
)
def test_blocked_words_are_caught_through_the_usual_evasions(commenter_client, story, body):
    BlockedPhrase.objects.create(phrase="시발")
    BlockedPhrase.objects.create(phrase="shit")

    post_comment(commenter_client, story, body)
    assert Comment.objects.get().status == Comment.Status.HELD
    assert counted(story) == 0


def test_clean_comments_appear_at_once(commenter_client, story):
    BlockedPhrase.objects.create(phrase="시발")

    post_comment(commenter_client, story, "시간이 발표보다 중요하다는 말")
    post_comment(commenter_client, story, "A perfectly fine comment")
    assert list(Comment.objects.values_list("status", flat=True)) == ["published", "published"]


def test_too_many_links_are_held(commenter_client, story):
    HoldRules.objects.update(max_links=1)

    post_comment(commenter_client, story, "see https://a.example and www.b.example")
    assert Comment.objects.get().status == Comment.Status.HELD


def test_first_comments_of_new_readers_are_held_until_approved(commenter_client, commenter, story, editor_client):
    HoldRules.objects.update(hold_first_comments=1)

    post_comment(commenter_client, story, "Hello, first time here")
    first = Comment.objects.get()
    assert first.status == Comment.Status.HELD
    bulk(editor_client, "approve_comments", [first])
    post_comment(commenter_client, story, "Second comment")
    assert Comment.objects.get(body="Second comment").status == Comment.Status.PUBLISHED


def test_a_held_comment_is_shown_only_to_its_author(commenter_client, client, story):
    BlockedPhrase.objects.create(phrase="spam")
    post_comment(commenter_client, story, "buy spam now")

    assert "Awaiting review" in commenter_client.get(f"/en/news/{story.pk}/{story.slug}/").content.decode()
    assert "buy spam now" not in client.get(f"/en/news/{story.pk}/{story.slug}/").content.decode()


def test_bare_domains_count_as_links(commenter_client, story):
    HoldRules.objects.update(max_links=1)

    post_comment(commenter_client, story, "이거 보세요 bit.ly/x 그리고 example.com/path")
    post_comment(commenter_client, story, "e.g. 3.5배, 문의는 desk@example.com, 자세한 건 naver.com")
    held, published = Comment.objects.order_by("pk")
    assert (held.status, held.held_text) == (Comment.Status.HELD, "bit.ly/x example.com/path")
    assert (published.status, published.held_rule) == (Comment.Status.PUBLISHED, "")


def test_an_edit_that_brings_in_a_blocked_word_is_held_with_the_reason(commenter_client, story):
    post_comment(commenter_client, story, "A calm first version")
    comment = Comment.objects.get()
    BlockedPhrase.objects.create(phrase="시발")

    commenter_client.post(f"/comments/{comment.pk}/edit/", {"body": "수정했다 시.발"})
    comment.refresh_from_db()
    assert (comment.status, comment.held_rule, comment.held_text) == ("held", "blocked_word", "시.발")
    assert counted(story) == 0


def test_editors_add_blocked_words_in_the_admin_but_not_one_without_letters(editor_client):
    refused = editor_client.post("/en/admin/articles/blockedphrase/add/", {"phrase": "!!! ...", "match": "word"})
    assert "There is no letter or digit to look for in this entry." in refused.content.decode()
    added = editor_client.post("/en/admin/articles/blockedphrase/add/", {"phrase": "ㅅㅂ", "match": "word"})
    assert added.status_code == 302
    assert list(BlockedPhrase.objects.values_list("phrase", "match")) == [("ㅅㅂ", "word")]
    assert editor_client.post("/en/admin/articles/allowedphrase/add/", {"phrase": "시발자동차"}).status_code == 302
    assert "시발자동차" in editor_client.get("/en/admin/articles/allowedphrase/").content.decode()


# The queue and who sees it


def test_editors_see_the_queue_newest_first_with_reports_and_reasons(editor_client, commenter, reader, story):
    old = comment_on(story, commenter, "Older comment")
    new = comment_on(story, commenter, "Newer comment")
    CommentReport.objects.create(comment=old, reporter=reader, reason="abuse", details="name-calling")

    content = editor_client.get(QUEUE).content.decode()
    assert content.index("Newer comment") < content.index("Older comment")
    assert "name-calling" in content
    waiting = editor_client.get(QUEUE, {"queue": "waiting"}).content.decode()
    assert "Older comment" in waiting
    assert "Newer comment" not in waiting
    assert new.pk


def test_the_queue_filters_by_story_author_and_status_and_searches_nicknames(editor_client, story, others_story):
    minji = make_commenter("minji", "민지")
    jisoo = make_commenter("jisoo", "지수")
    comment_on(story, minji, "Minji on buses")
    comment_on(others_story, jisoo, "Jisoo elsewhere")
    comment_on(story, jisoo, "Jisoo held", status=Comment.Status.HELD)

    assert "Jisoo elsewhere" not in editor_client.get(QUEUE, {"article__id__exact": story.pk}).content.decode()
    by_jisoo = editor_client.get(QUEUE, {"author__id__exact": jisoo.pk}).content.decode()
    assert "Minji on buses" not in by_jisoo
    assert "Jisoo held" in by_jisoo
    assert "Minji" not in editor_client.get(QUEUE, {"status__exact": "held"}).content.decode().split("result_list")[1]
    assert "Minji on buses" in editor_client.get(QUEUE, {"q": "민지"}).content.decode()


def test_reporters_read_comments_on_their_own_stories_only_and_cannot_act(
    reporter_client, story, others_story, commenter
):
    mine = comment_on(story, commenter, "On my story")
    comment_on(others_story, commenter, "On their story")

    content = reporter_client.get(QUEUE).content.decode()
    assert "On my story" in content
    assert "On their story" not in content
    assert 'name="action"' not in content
    bulk(reporter_client, "hide_comments", [mine])
    mine.refresh_from_db()
    assert mine.status == Comment.Status.PUBLISHED
    assert reporter_client.post(f"{QUEUE}{mine.pk}/change/", {"_hide": "1"}).status_code == 403
    assert reporter_client.post(f"{QUEUE}{mine.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Comment.objects.filter(pk=mine.pk, status="published").exists()


def test_a_reporters_crafted_bulk_action_on_other_comments_changes_nothing(reporter_client, others_story, commenter):
    theirs = comment_on(others_story, commenter, "Not yours to touch")

    for action in ("hide_comments", "approve_comments", "delete_selected", "dismiss_reports", "ban_authors"):
        bulk(reporter_client, action, [theirs], post="yes", apply="yes", reason="x")
    theirs.refresh_from_db()
    assert theirs.status == Comment.Status.PUBLISHED
    assert not CommentBan.objects.exists()
    assert not ModerationLogEntry.objects.exists()


def test_readers_never_reach_the_admin(commenter_client, story, commenter):
    comment = comment_on(story, commenter)

    response = commenter_client.get(QUEUE)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    commenter_client.post(QUEUE, {"action": "hide_comments", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED


# Actions, one at a time and in bulk


def test_hide_shows_readers_a_placeholder_and_restore_brings_it_back(editor_client, client, story, commenter):
    comment = comment_on(story, commenter, "Borderline remark")
    assert counted(story) == 1

    editor_client.post(f"{QUEUE}{comment.pk}/change/", {"_hide": "1"})
    page = client.get(f"/news/{story.pk}/{story.slug}/").content.decode()
    assert "Borderline remark" not in page
    assert "관리자에 의해 숨겨진 댓글입니다" in page
    assert "This comment was hidden by an editor." in client.get(f"/en/news/{story.pk}/{story.slug}/").content.decode()
    assert counted(story) == 0

    bulk(editor_client, "restore_comments", [comment])
    assert "Borderline remark" in client.get(f"/news/{story.pk}/{story.slug}/").content.decode()
    assert counted(story) == 1


def test_approve_publishes_held_comments_in_bulk(editor_client, story, commenter):
    held = [comment_on(story, commenter, f"Held {n}", status=Comment.Status.HELD) for n in range(3)]

    bulk(editor_client, "approve_comments", held)
    assert set(Comment.objects.values_list("status", flat=True)) == {"published"}
    assert counted(story) == 3


def test_dismissing_reports_clears_them_and_keeps_the_comment(editor_client, story, commenter, reader):
    comment = comment_on(story, commenter)
    CommentReport.objects.create(comment=comment, reporter=reader, reason="spam")

    editor_client.post(f"{QUEUE}{comment.pk}/change/", {"_dismiss": "1"})
    assert not CommentReport.objects.exists()
    assert Comment.objects.filter(pk=comment.pk, status="published").exists()


def test_delete_permanently_warns_then_really_removes(editor_client, story, commenter, reader):
    doomed = [comment_on(story, commenter, f"Doomed text {n}") for n in range(2)]
    CommentReport.objects.create(comment=doomed[0], reporter=reader, reason="abuse")

    confirm = bulk(editor_client, "delete_selected", doomed).content.decode()
    assert "A deleted comment cannot be recovered. Delete it anyway?" in confirm
    assert "Doomed text 0" in confirm
    assert Comment.objects.count() == 2

    bulk(editor_client, "delete_selected", doomed, post="yes")
    assert not Comment.objects.exists()
    assert not Comment.objects.filter(body__startswith="Doomed").exists()
    assert counted(story) == 0


def test_the_single_delete_page_carries_the_same_warning_in_korean(editor_client, story, commenter):
    comment = comment_on(story, commenter)

    page = editor_client.get(f"/admin/articles/comment/{comment.pk}/delete/").content.decode()
    assert "삭제한 댓글은 다시 복구할 수 없습니다. 그래도 삭제하시겠습니까?" in page
    editor_client.post(f"/admin/articles/comment/{comment.pk}/delete/", {"post": "yes"})
    assert not Comment.objects.exists()


def test_actions_cover_replies_and_counts_never_include_hidden_or_held(editor_client, story, commenter):
    visible = comment_on(story, commenter, "Visible")
    comment_on(story, commenter, "Held", status=Comment.Status.HELD)
    assert counted(story) == 1

    bulk(editor_client, "hide_comments", [visible])
    assert counted(story) == 0


# Why a comment was held, and each row's approve and hide buttons


def test_the_queue_shows_why_each_comment_was_held(commenter_client, editor_client, story):
    BlockedPhrase.objects.create(phrase="시발")
    post_comment(commenter_client, story, "아 시 발 진짜")
    change_hold_rules(max_links=0)
    post_comment(commenter_client, story, "see bit.ly/x")
    change_hold_rules(max_links=2, hold_first_comments=5)
    newcomer = Client()  # a reader of their own: the first one is at the limit of comments per minute
    newcomer.force_login(make_commenter("jisoo", "지수"))
    post_comment(newcomer, story, "Hello, first time here")

    english = editor_client.get(QUEUE, {"queue": "held"}).content.decode()
    assert "blocked word: <q>시 발</q>" in english
    assert "too many links: <q>bit.ly/x</q>" in english
    assert "a new reader&#x27;s first comments" in english
    korean = editor_client.get("/admin/articles/comment/", {"queue": "held"}).content.decode()
    assert "금칙어: <q>시 발</q>" in korean
    held = Comment.objects.get(body="아 시 발 진짜")
    assert "금칙어: <q>시 발</q>" in editor_client.get(f"/admin/articles/comment/{held.pk}/change/").content.decode()


def test_the_matched_text_is_escaped_in_the_queue(commenter_client, editor_client, story):
    BlockedPhrase.objects.create(phrase="spam")
    post_comment(commenter_client, story, "<b>s.p.a.m</b>")

    content = editor_client.get(QUEUE).content.decode()
    assert "<q>s.p.a.m</q>" in content
    assert "<b>s.p.a.m" not in content


def test_editors_get_approve_and_hide_buttons_on_each_row_reporters_none(
    editor_client, reporter_client, story, commenter
):
    held = comment_on(story, commenter, "Held one", status=Comment.Status.HELD)
    published = comment_on(story, commenter, "Published one")
    hidden = comment_on(story, commenter, "Hidden one", status=Comment.Status.HIDDEN)

    content = editor_client.get(QUEUE).content.decode()
    assert f'formaction="/en/admin/articles/comment/{held.pk}/approve/" formmethod="post">Approve<' in content
    assert f'formaction="/en/admin/articles/comment/{held.pk}/hide/" formmethod="post">Hide<' in content
    assert f"/{published.pk}/hide/" in content
    assert f"/{published.pk}/approve/" not in content
    assert f"/{hidden.pk}/hide/" not in content
    assert "/approve/" not in reporter_client.get(QUEUE).content.decode()


def test_the_row_approve_button_publishes_counts_logs_and_returns_to_the_same_queue(
    editor_client, editor, story, commenter
):
    held = comment_on(story, commenter, "Held one", status=Comment.Status.HELD)
    came_from = f"http://testserver{QUEUE}?queue=held&article__id__exact={story.pk}"

    response = editor_client.post(f"{QUEUE}{held.pk}/approve/", headers={"referer": came_from})
    assert (response.status_code, response["Location"]) == (302, came_from)
    held.refresh_from_db()
    assert held.status == Comment.Status.PUBLISHED
    assert counted(story) == 1
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.editor, entry.comment_id) == ("approve", editor, held.pk)
    assert "1 comment(s) approved." in editor_client.get(QUEUE).content.decode()


def test_the_row_hide_button_hides_a_published_comment_and_logs_it(editor_client, client, editor, story, commenter):
    comment = comment_on(story, commenter, "Borderline remark")

    response = editor_client.post(f"{QUEUE}{comment.pk}/hide/", headers={"referer": "https://elsewhere.example/"})
    assert response["Location"] == QUEUE  # never back to another site
    assert "Borderline remark" not in client.get(f"/news/{story.pk}/{story.slug}/").content.decode()
    assert counted(story) == 0
    assert ModerationLogEntry.objects.get().action == "hide"


def test_the_row_buttons_act_only_on_a_post_by_an_editor(editor_client, reporter_client, story, commenter):
    held = comment_on(story, commenter, "Held one", status=Comment.Status.HELD)

    assert editor_client.get(f"{QUEUE}{held.pk}/approve/").status_code == 405
    assert reporter_client.post(f"{QUEUE}{held.pk}/approve/").status_code == 403
    assert reporter_client.post(f"{QUEUE}{held.pk}/hide/").status_code == 403
    assert "/admin/login/" in Client().post(f"{QUEUE}{held.pk}/hide/")["Location"]
    held.refresh_from_db()
    assert held.status == Comment.Status.HELD
    assert not ModerationLogEntry.objects.exists()


def test_the_row_buttons_post_the_queue_forms_csrf_token(editor, story, commenter):
    held = comment_on(story, commenter, "Held one", status=Comment.Status.HELD)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)

    assert browser.post(f"{QUEUE}{held.pk}/approve/").status_code == 403
    page = browser.get(QUEUE).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert browser.post(f"{QUEUE}{held.pk}/approve/", {"csrfmiddlewaretoken": token}).status_code == 302
    held.refresh_from_db()
    assert held.status == Comment.Status.PUBLISHED


def test_the_queue_does_not_query_per_row(editor_client, story, commenter, django_assert_max_num_queries):
    """Guards the N+1 of each row's hold reason, buttons, story link, reader and reports."""
    BlockedPhrase.objects.create(phrase="spam")
    for number in range(30):
        comment_on(story, make_commenter(f"reader{number}"), f"spam {number}", status=Comment.Status.HELD)
    Comment.objects.update(held_rule=Comment.HeldRule.BLOCKED_WORD, held_text="spam")

    with django_assert_max_num_queries(14):
        assert editor_client.get(QUEUE, {"queue": "held"}).status_code == 200


# Bans


def test_a_banned_reader_sees_why_and_until_when_and_cannot_post(commenter_client, commenter, story, editor):
    until = timezone.now() + timedelta(days=7)
    moderation.ban(commenter, by=editor, reason="Repeated insults", until=until)

    page = commenter_client.get(f"/en/news/{story.pk}/{story.slug}/").content.decode()
    assert "You cannot comment until" in page
    assert "Repeated insults" in page
    assert 'name="body"' not in page
    response = post_comment(commenter_client, story, "Let me in")
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_ban_ends_by_itself_or_when_lifted(commenter_client, commenter, story, editor_client, editor):
    moderation.ban(commenter, by=editor, reason="Cool down", until=timezone.now() - timedelta(minutes=1))
    assert post_comment(commenter_client, story, "Back again").status_code == 302

    entry = moderation.ban(commenter, by=editor, reason="For good")
    assert post_comment(commenter_client, story, "Refused").status_code == 403
    editor_client.post("/admin/articles/commentban/", {"action": "lift_bans", "_selected_action": [entry.pk]})
    assert post_comment(commenter_client, story, "Allowed again").status_code == 302


def test_editors_ban_authors_from_the_queue_with_a_reason(editor_client, story, commenter):
    comment = comment_on(story, commenter)

    form = bulk(editor_client, "ban_authors", [comment]).content.decode()
    assert 'name="reason"' in form
    bulk(editor_client, "ban_authors", [comment], apply="yes", reason="Spam links", until="")
    ban = CommentBan.objects.get()
    assert (ban.reader, ban.reason, ban.until) == (commenter, "Spam links", None)


def test_editors_ban_from_the_ban_form(editor_client, commenter):
    response = editor_client.post(
        "/admin/articles/commentban/add/",
        {"reader": commenter.pk, "reason": "Abuse", "until_0": "2099-01-01", "until_1": "00:00:00"},
    )

    assert response.status_code == 302
    assert CommentBan.objects.in_force().filter(reader=commenter).exists()
    assert ModerationLogEntry.objects.get().action == "ban"


# The audit trail


def test_every_action_is_logged_and_deletion_keeps_the_entry_without_the_text(editor_client, editor, story, commenter):
    comment = comment_on(story, commenter, "Words that will vanish")
    bulk(editor_client, "hide_comments", [comment])
    bulk(editor_client, "restore_comments", [comment])
    bulk(editor_client, "delete_selected", [comment], post="yes")

    entries = list(ModerationLogEntry.objects.order_by("pk"))
    assert [entry.action for entry in entries] == ["hide", "restore", "delete"]
    deleted = entries[-1]
    assert (deleted.editor, deleted.comment_id, deleted.article_id) == (editor, comment.pk, story.pk)
    assert "minji" in deleted.reader_name
    log_page = editor_client.get("/en/admin/articles/moderationlogentry/").content.decode()
    assert "Night buses return" in log_page
    assert "Words that will vanish" not in log_page
    assert all("Words that will vanish" not in str(value) for value in ModerationLogEntry.objects.values())


def test_nobody_can_edit_or_delete_the_audit_trail(editor_client, editor, story, commenter):
    moderation.hide(Comment.objects.filter(pk=comment_on(story, commenter).pk), by=editor)
    entry = ModerationLogEntry.objects.get()

    assert editor_client.get("/admin/articles/moderationlogentry/add/").status_code == 403
    assert (
        editor_client.post(f"/admin/articles/moderationlogentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    editor_client.post(f"/admin/articles/moderationlogentry/{entry.pk}/change/", {"note": "rewritten"})
    entry.refresh_from_db()
    assert entry.note == ""


def test_the_admin_front_page_counts_comments_waiting(editor_client, story, commenter, reader):
    reported = comment_on(story, commenter, "Reported")
    CommentReport.objects.create(comment=reported, reporter=reader, reason="spam")
    comment_on(story, commenter, "Held", status=Comment.Status.HELD)
    comment_on(story, commenter, "Fine")

    assert "2 comments are waiting for review" in editor_client.get("/en/admin/").content.decode()


def test_an_unauthenticated_client_cannot_moderate(story, commenter):
    comment = comment_on(story, commenter)

    Client().post(QUEUE, {"action": "hide_comments", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED


def test_no_admin_history_keeps_a_deleted_comments_text(editor_client, story, commenter):
    from django.contrib.admin.models import LogEntry

    comment = comment_on(story, commenter, "Words that must vanish")
    editor_client.post(f"{QUEUE}{comment.pk}/change/", {"_hide": "1"})
    editor_client.post(f"/admin/articles/comment/{comment.pk}/delete/", {"post": "yes"})
    other = comment_on(story, commenter, "More words that must vanish")
    bulk(editor_client, "delete_selected", [other], post="yes")

    assert not Comment.objects.exists()
    assert not LogEntry.objects.filter(object_repr__contains="must vanish").exists()
    assert not LogEntry.objects.filter(change_message__contains="must vanish").exists()


def test_the_longest_ban_is_the_one_a_reader_sees(commenter, editor):
    moderation.ban(commenter, by=editor, reason="A week", until=timezone.now() + timedelta(days=7))
    moderation.ban(commenter, by=editor, reason="For good")

    assert moderation.ban_in_force(commenter).reason == "For good"


def test_the_front_page_count_matches_the_waiting_queue(editor_client, story, commenter, reader):
    reported = comment_on(story, commenter, "Reported then hidden")
    CommentReport.objects.create(comment=reported, reporter=reader, reason="spam")
    bulk(editor_client, "hide_comments", [reported])

    assert "0 comments are waiting" in editor_client.get("/en/admin/").content.decode()
    assert "Reported then hidden" not in editor_client.get(QUEUE, {"queue": "waiting"}).content.decode()


def test_ban_and_log_lists_do_not_query_per_row(editor_client, editor, django_assert_max_num_queries):
    """Guards the N+1 of each ban's reader, banning editor and in-force state, and each log entry's editor."""
    for n in range(15):
        moderation.ban(make_commenter(f"banned{n}"), by=editor, reason="x")

    for url in ("/admin/articles/commentban/", "/admin/articles/moderationlogentry/"):
        with django_assert_max_num_queries(12):
            assert editor_client.get(url).status_code == 200
