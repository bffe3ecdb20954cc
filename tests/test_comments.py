"""Readers' comments through their real URLs: who may post, what counts, what is shown, what is deleted."""

import unicodedata
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles.comment_text import comment_length, normalize_comment
from articles.models import Article, Comment, CommentReport
from tests.conftest import make_article, make_commenter

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(section, reporter):
    return make_article(section, reporter, status=Article.Status.PUBLISHED, title_en="Night buses return")


def post_url(story):
    return f"/comments/story/{story.pk}/new/"


def page_url(story):
    return f"/news/{story.pk}/{story.slug}/"


def post(client, story, body, **extra):
    return client.post(post_url(story), {"body": body, **extra})


# Who may post


def test_signed_out_readers_see_the_account_sentence_and_cannot_post(client, story):
    content = client.get(page_url(story)).content.decode()
    assert "계정을 선택하시면 로그인·계정인증을 통해 댓글을 남기실 수 있습니다." in content
    assert f"/accounts/login/?next={page_url(story)}%23comment-form" in content
    assert 'name="body"' not in content

    response = post(client, story, "Hello")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Comment.objects.exists()


def test_a_signed_in_reader_posts_and_sees_their_comment_first(commenter_client, story):
    post(commenter_client, story, "First!")
    response = post(commenter_client, story, "Second thought")

    assert response.status_code == 302
    assert response["Location"].startswith(page_url(story) + "#comment-")
    content = commenter_client.get(page_url(story)).content.decode()
    assert content.index("Second thought") < content.index("First!")
    assert "민지" in content
    story.refresh_from_db()
    assert story.comment_count == 2


def test_a_reader_without_a_nickname_is_asked_for_one_first(client, story, reader):
    client.force_login(reader)

    content = client.get(page_url(story)).content.decode()
    assert f"/accounts/profile/?next={page_url(story)}%23comment-form" in content
    post(client, story, "Hello")
    assert not Comment.objects.exists()


def test_extra_fields_cannot_choose_the_author_or_the_story(commenter_client, story, section, reader):
    other_story = make_article(section, status=Article.Status.PUBLISHED, title_en="Other")

    post(commenter_client, story, "Mine", author=reader.pk, author_id=reader.pk, article=other_story.pk, status="held")
    comment = Comment.objects.get()
    assert (comment.author.username, comment.article, comment.status) == ("minji", story, "published")


def test_posting_needs_a_csrf_token(commenter, story):
    client = Client(enforce_csrf_checks=True)
    client.force_login(commenter)

    assert post(client, story, "No token").status_code == 403
    assert not Comment.objects.exists()


def test_unpublished_stories_take_no_comments(commenter_client, section):
    draft = make_article(section, title_en="Draft")

    assert post(commenter_client, draft, "Early").status_code == 404
    assert not Comment.objects.exists()


# The 400 characters


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("가나다", 3),
        ("abc", 3),
        ("🎉🎉", 2),
        ("a\r\nb", 3),
        ("a\rb", 3),
        ("a\nb", 3),
        ("\u1100\u1161", 1),  # jamo that NFC composes into 가
        ("  padded  ", 6),
        ("\u200b\u200b", 0),
        ("   \n\t  ", 0),
        ("\u3164\u3164", 0),
        ("a\u202eb", 2),
        ("\u200d", 0),
    ],
)
def test_length_is_counted_in_code_points_after_normalizing(text, expected):
    assert comment_length(text) == expected


def test_four_hundred_characters_of_any_script_are_accepted(commenter_client, story):
    body = ("가a🎉" * 134)[:400]

    assert post(commenter_client, story, body).status_code == 302
    assert Comment.objects.get().body == body


def test_four_hundred_lines_count_one_character_each(commenter_client, story):
    body = "\r\n".join(["x"] * 200)  # 200 letters and 199 line breaks

    assert post(commenter_client, story, body).status_code == 302
    assert Comment.objects.get().body == "\n".join(["x"] * 200)


def test_401_characters_are_refused_with_a_message_and_the_text_kept(commenter_client, story):
    body = "가" * 401

    response = post(commenter_client, story, body)
    assert response.status_code == 400
    content = response.content.decode()
    assert "400" in content
    assert "401" in content
    assert f">{body}</textarea>" in content
    assert 'aria-invalid="true"' in content
    assert not Comment.objects.exists()


@pytest.mark.parametrize("body", ["", "    ", "\u200b\u200b\u200b", "\n\n", "\u3164", "\ufeff \u2060"])
def test_empty_and_invisible_only_comments_are_refused(commenter_client, story, body):
    response = post(commenter_client, story, body)

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Comment.objects.exists()


def test_nul_bytes_are_refused_without_an_error_page(commenter_client, story):
    response = post(commenter_client, story, "before\x00after")

    assert response.status_code == 400
    assert not Comment.objects.exists()


# Zalgo text: combining marks capped per character

ZALGO = "H\u0336\u0353\u0324\u0347\u0301\u030a\u0300\u0489\u035c\u0361" * 1 + "e" + "\u0315\u0316\u0317" * 9 + "llo"


def test_a_zalgo_comment_keeps_three_marks_on_each_letter(commenter_client, commenter, story):
    assert post(commenter_client, story, ZALGO * 3).status_code == 302

    body = Comment.objects.get().body
    assert len(body) == 3 * (1 + 3 + 1 + 3 + 3)
    assert "".join(character for character in body if not unicodedata.combining(character)) == "Hello" * 3
    assert body.startswith("H\u0336\u0353\u0324e")  # the first marks in NFC's canonical order


def test_a_rewrite_is_capped_too(commenter_client, commenter, story):
    comment = Comment.objects.create(article=story, author=commenter, body="처음 쓴 댓글")

    assert commenter_client.post(f"/comments/{comment.pk}/edit/", {"body": ZALGO}).status_code == 302
    comment.refresh_from_db()
    assert comment.body == normalize_comment(ZALGO)
    assert len(comment.body) == 11


@pytest.mark.parametrize(
    "text",
    [
        "Việt Nam, Hà Nội, Thừa Thiên Huế",  # precomposed: no marks left after NFC
        "Vie\u0323\u0302t Nam",  # decomposed: NFC composes it back
        "ở, ự, ẫ, ặ in NFD: o\u031b\u0309 u\u031b\u0323",
        "café, naïve, Zoë, São Paulo, Ångström, Dvořák",
        "\u1112\u1161\u11ab\u1100\u1173\u11af",  # conjoining jamo: letters, composed to 한글
        "\u1100\u119e\u11af \u1112\u119e\u11ab\uae00",  # old Hangul (아래아) that NFC cannot compose
        "\u302e\ud6c8\u302f\ubbfc\uc815\uc74c",  # Middle Korean tone marks: spacing, kept
        "ㅅㅣㅂㅏㄹ ㄱㅅ ㅋㅋㅋ 감사합니다 👍🏽 1️⃣ 👨\u200d👩\u200d👧",
        "กี่ ที่ นี่",  # Thai: a vowel and a tone mark on one consonant
        "مُدَرِّسَة",  # Arabic: shadda with a vowel
    ],
)
def test_korean_accents_and_other_scripts_keep_every_mark(commenter_client, story, text):
    assert post(commenter_client, story, text).status_code == 302
    assert Comment.objects.get().body == unicodedata.normalize("NFC", text)


def test_joiners_between_marks_do_not_make_room_for_more():
    stacked = "e" + "\u200d\u0301" * 10

    assert normalize_comment(stacked) == "e" + "\u200d\u0301" * 3 + "\u200d" * 7


# Shown as plain text


def test_html_script_and_template_syntax_are_shown_as_text(commenter_client, story, client):
    post(commenter_client, story, '<script>alert("x")</script> <b>bold</b> {{ 7|add:1 }} {% now "Y" %}')

    content = client.get(page_url(story)).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert "&lt;b&gt;bold&lt;/b&gt;" in content
    assert "{{ 7|add:1 }} {% now &quot;Y&quot; %}" in content
    assert "<b>bold</b>" not in content


def test_line_breaks_are_kept_and_bidi_overrides_removed(commenter_client, story, client):
    post(commenter_client, story, "first line\nsecond \u202eline\u202c")

    content = client.get(page_url(story)).content.decode()
    assert "first line<br>second line" in content
    assert "\u202e" not in content
    assert 'dir="auto"' in content


def test_the_authors_email_is_never_shown(commenter, commenter_client, story, client):
    post(commenter_client, story, "Hello")

    content = client.get(page_url(story)).content.decode()
    assert "민지" in content
    assert commenter.email not in content
    assert commenter.username not in content


# Listing


def add_comments(story, author, count):
    start = timezone.now() - timedelta(hours=1)
    return [
        Comment.objects.create(
            article=story, author=author, body=f"Comment {n}", created_at=start + timedelta(seconds=n)
        )
        for n in range(count)
    ]


def test_comments_come_twenty_at_a_time_with_more_working_without_javascript(client, commenter, story):
    add_comments(story, commenter, 25)

    first = client.get(page_url(story))
    shown = [comment.body for comment in first.context["comments_page"].items]
    assert shown == [f"Comment {n}" for n in range(24, 4, -1)]
    more = first.context["comments_page"].next_cursor
    assert f"/comments/story/{story.pk}/?sort=newest&amp;after={more}" in first.content.decode()

    rest = client.get(f"/comments/story/{story.pk}/", {"after": more})
    assert [comment.body for comment in rest.context["comments_page"].items] == [
        f"Comment {n}" for n in range(4, -1, -1)
    ]
    assert "<html" in rest.content.decode()
    fragment = client.get(f"/comments/story/{story.pk}/", {"after": more, "fragment": 1}).content.decode()
    assert "<html" not in fragment
    assert "Comment 4" in fragment


def test_story_page_query_count_stays_fixed_with_many_comments(client, django_assert_max_num_queries, story):
    """Guards the N+1 of loading each comment's author and nickname (12: the story's corrections are one query)."""
    authors = [make_commenter(f"reader{n}") for n in range(5)]
    for author in authors:
        add_comments(story, author, 10)

    with django_assert_max_num_queries(12):
        assert client.get(page_url(story)).status_code == 200


def test_signed_in_story_page_query_count_stays_fixed(commenter_client, commenter, django_assert_num_queries, story):
    """Guards the N+1 of the delete/report links, which compare each comment's author with the reader.

    Once the page's parts are kept (the first request), a signed-in reader's page costs four queries however many
    comments: session, account, nickname, and their 추천 and reports among the comments shown (one query, see
    articles.shared_threads); their ban and the reply bell's count are kept until bans or comments change.
    """
    add_comments(story, commenter, 30)
    assert commenter_client.get(page_url(story)).status_code == 200

    with django_assert_num_queries(4):
        assert commenter_client.get(page_url(story)).status_code == 200


# Deleting


def test_get_asks_the_irreversible_question_and_never_deletes(commenter_client, commenter, story):
    comment = Comment.objects.create(article=story, author=commenter, body="Regret")

    response = commenter_client.get(f"/comments/{comment.pk}/delete/")
    assert response.status_code == 200
    assert "삭제한 댓글은 다시 복구할 수 없습니다." in response.content.decode()
    assert "그래도 삭제하시겠습니까?" in response.content.decode()
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_deleting_removes_the_row_and_its_text_for_good(commenter_client, commenter, story):
    comment = Comment.objects.create(article=story, author=commenter, body="Secret regret")

    response = commenter_client.post(f"/comments/{comment.pk}/delete/")
    assert response.status_code == 302
    assert not Comment.objects.filter(body__contains="Secret").exists()
    story.refresh_from_db()
    assert story.comment_count == 0


def test_someone_elses_comment_looks_the_same_as_a_missing_one(commenter_client, story, reader):
    theirs = Comment.objects.create(article=story, author=reader, body="Not yours")

    assert commenter_client.post(f"/comments/{theirs.pk}/delete/").status_code == 404
    assert commenter_client.post("/comments/999999/delete/").status_code == 404
    assert Comment.objects.filter(pk=theirs.pk).exists()


def test_repeating_a_delete_is_harmless(commenter_client, commenter, story):
    comment = Comment.objects.create(article=story, author=commenter, body="Twice")

    commenter_client.post(f"/comments/{comment.pk}/delete/")
    assert commenter_client.post(f"/comments/{comment.pk}/delete/").status_code == 404


def test_deleting_needs_a_csrf_token(commenter, story):
    comment = Comment.objects.create(article=story, author=commenter, body="Keep")
    client = Client(enforce_csrf_checks=True)
    client.force_login(commenter)

    assert client.post(f"/comments/{comment.pk}/delete/").status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_delete_links_show_only_on_the_readers_own_comments(commenter_client, commenter, story, reader):
    mine = Comment.objects.create(article=story, author=commenter, body="Mine")
    theirs = Comment.objects.create(article=story, author=reader, body="Theirs")

    content = commenter_client.get(page_url(story)).content.decode()
    assert f"/comments/{mine.pk}/delete/" in content
    assert f"/comments/{theirs.pk}/delete/" not in content
    assert f"/comments/{theirs.pk}/report/" in content


# Reporting


def test_a_reader_reports_a_comment_once_and_is_told_it_was_received(commenter_client, story, reader):
    theirs = Comment.objects.create(article=story, author=reader, body="Rude")

    response = commenter_client.post(
        f"/comments/{theirs.pk}/report/", {"reason": "abuse", "details": "insult"}, follow=True
    )
    assert "report was received" in response.content.decode() or "신고" in response.content.decode()
    commenter_client.post(f"/comments/{theirs.pk}/report/", {"reason": "spam"})
    report = CommentReport.objects.get()
    assert (report.reason, report.details) == ("abuse", "insult")


def test_readers_cannot_report_their_own_comment(commenter_client, commenter, story):
    mine = Comment.objects.create(article=story, author=commenter, body="Mine")

    assert commenter_client.post(f"/comments/{mine.pk}/report/", {"reason": "spam"}).status_code == 404
    assert not CommentReport.objects.exists()


# Flood control


def test_a_fourth_comment_within_a_minute_is_refused_with_429_and_the_text_kept(commenter_client, story):
    start = timezone.now().replace(second=5)
    with time_machine.travel(start, tick=False):
        for n in range(3):
            assert post(commenter_client, story, f"Comment {n}").status_code == 302
        response = post(commenter_client, story, "One too many")
    assert response.status_code == 429
    assert ">One too many</textarea>" in response.content.decode()
    assert Comment.objects.count() == 3

    with time_machine.travel(start + timedelta(seconds=65), tick=False):
        assert post(commenter_client, story, "A minute later").status_code == 302


def test_flood_limits_hold_while_the_shared_cache_is_down(commenter_client, story, settings):
    """Counted from the reader's own comments when Redis cannot count: never unlimited, nobody refused."""
    settings.CACHES = {"default": {"BACKEND": "ktnews.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}

    for n in range(3):
        assert post(commenter_client, story, f"Posted while Redis is down {n}").status_code == 302
    response = post(commenter_client, story, "One too many")

    assert response.status_code == 429
    assert ">One too many</textarea>" in response.content.decode()


def test_the_daily_limit_holds_too(commenter_client, story, settings):
    settings.COMMENTS_PER_MINUTE = 100
    settings.COMMENTS_PER_DAY = 2

    post(commenter_client, story, "One")
    post(commenter_client, story, "Two")
    response = post(commenter_client, story, "Three")
    assert response.status_code == 429
    assert Comment.objects.count() == 2


def test_limits_are_per_reader(commenter_client, story):
    other = Client()
    other.force_login(make_commenter("other"))
    for n in range(3):
        post(commenter_client, story, f"Comment {n}")

    assert post(other, story, "Mine").status_code == 302


# Closing


def test_editors_close_comments_and_the_old_ones_stay(commenter_client, commenter, story):
    Comment.objects.create(article=story, author=commenter, body="Before closing")
    Article.objects.filter(pk=story.pk).update(comments_enabled=False)

    content = commenter_client.get(page_url(story)).content.decode()
    assert "Before closing" in content
    assert 'name="body"' not in content
    post(commenter_client, story, "After closing")
    assert not Comment.objects.filter(body="After closing").exists()


def test_comments_close_by_themselves_after_the_configured_days(commenter_client, story, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 7
    assert 'name="body"' in commenter_client.get(page_url(story)).content.decode()

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert 'name="body"' not in commenter_client.get(page_url(story)).content.decode()
        post(commenter_client, story, "Too late")
    assert not Comment.objects.exists()


def test_normalize_keeps_emoji_sequences_whole():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert normalize_comment(family) == family


def test_the_count_is_exact_in_lists_and_feeds(commenter_client, client, story, section):
    post(commenter_client, story, "One")
    post(commenter_client, story, "Two")
    Comment.objects.create(article=story, author=make_commenter("held"), body="Held", status=Comment.Status.HELD)

    assert "댓글 2" in client.get("/sections/news/").content.decode()
    feed = client.get("/feed/").content.decode()
    assert "<slash:comments>2</slash:comments>" in feed


def test_counts_follow_when_an_account_is_deleted_anywhere(story):
    author = make_commenter("leaving")
    Comment.objects.create(article=story, author=author, body="One")
    Comment.objects.create(article=story, author=author, body="Two")
    assert counted_comments(story) == 2

    author.delete()
    assert counted_comments(story) == 0


def counted_comments(story):
    story.refresh_from_db()
    return story.comment_count


def test_comments_on_an_unpublished_story_cannot_be_reported(commenter_client, story, reader):
    theirs = Comment.objects.create(article=story, author=reader, body="On a story taken down")
    Article.objects.filter(pk=story.pk).update(status=Article.Status.REVIEW)

    assert commenter_client.get(f"/comments/{theirs.pk}/report/").status_code == 404


# Editing: the time left, and nothing typed is lost when the time is up


def written_at(story, author, *, seconds_ago=0, **fields):
    posted = timezone.now() - timedelta(seconds=seconds_ago, microseconds=250_001)
    return Comment.objects.create(
        article=story, author=author, body="버스 막차가 몇 시죠?", created_at=posted, **fields
    )


def test_the_edit_page_says_how_long_is_left_in_both_languages(commenter_client, commenter, story, settings):
    settings.COMMENTS_EDIT_WINDOW_SECONDS = 60
    with time_machine.travel(timezone.now(), tick=False):
        comment = written_at(story, commenter, seconds_ago=15)  # 44.75 seconds left: 44 are promised
        korean = commenter_client.get(f"/comments/{comment.pk}/edit/").content.decode()
        english = commenter_client.get(f"/en/comments/{comment.pk}/edit/").content.decode()

    ends_at = timezone.localtime(comment.created_at + timedelta(seconds=60))
    assert "<span data-edit-window-text>44초 동안 더 고칠 수 있습니다.</span>" in korean
    assert f'<time datetime="{ends_at.isoformat(timespec="milliseconds")}">{ends_at:%H:%M:%S}까지</time>' in korean
    assert "You can edit for 44 more seconds." in english
    assert f">Until {ends_at:%H:%M:%S}</time>" in english
    # What the script counts down with: the server's seconds and the sentence for each plural form.
    assert 'data-seconds-left="44"' in english
    assert 'data-one="You can edit for {seconds} more second."' in english
    assert 'data-other="You can edit for {seconds} more seconds."' in english


def test_one_second_left_is_said_in_the_singular(commenter_client, commenter, story, settings):
    settings.COMMENTS_EDIT_WINDOW_SECONDS = 60
    with time_machine.travel(timezone.now(), tick=False):
        comment = written_at(story, commenter, seconds_ago=58)
        page = commenter_client.get(f"/en/comments/{comment.pk}/edit/").content.decode()

    assert "You can edit for 1 more second." in page


def test_a_save_after_the_window_gives_the_text_back_with_the_reason(commenter_client, commenter, story, settings):
    settings.COMMENTS_EDIT_WINDOW_SECONDS = 60
    with time_machine.travel(timezone.now(), tick=False) as clock:
        comment = written_at(story, commenter, seconds_ago=50)
        assert commenter_client.get(f"/comments/{comment.pk}/edit/").status_code == 200
        clock.shift(timedelta(seconds=30))  # the reader took their time rewriting

        response = commenter_client.post(
            f"/comments/{comment.pk}/edit/", {"body": "막차는 밤 1시 <b>반</b>이래요\n확인함"}
        )

    assert response.status_code == 409
    page = response.content.decode()
    assert "댓글을 고칠 수 있는 시간이 지나 고친 내용을 저장하지 못했습니다." in page
    assert ">막차는 밤 1시 &lt;b&gt;반&lt;/b&gt;이래요\n확인함</textarea>" in page
    assert f'action="/comments/story/{story.pk}/new/"' in page  # to post it as a new comment
    assert "새 댓글로 올리기" in page
    comment.refresh_from_db()
    assert (comment.body, comment.edited_at) == ("버스 막차가 몇 시죠?", None)

    posted = post(commenter_client, story, "막차는 밤 1시 반이래요")  # the box's button
    new = Comment.objects.get(body="막차는 밤 1시 반이래요")
    assert posted["Location"] == f"/news/{story.pk}/{story.slug}/#comment-{new.pk}"


def test_a_late_save_in_english_says_why_in_english(commenter_client, commenter, story):
    comment = written_at(story, commenter, seconds_ago=3600)

    page = commenter_client.post(f"/en/comments/{comment.pk}/edit/", {"body": "Rewritten"}).content.decode()

    assert "The time to edit this comment had passed, so your changes were not saved." in page
    assert "Post as a new comment" in page


def test_an_edit_of_a_comment_an_editor_hid_keeps_the_text_and_says_why(commenter_client, commenter, story, editor):
    from articles import moderation

    comment = written_at(story, commenter)
    moderation.hide(Comment.objects.filter(pk=comment.pk), by=editor)

    response = commenter_client.post(f"/comments/{comment.pk}/edit/", {"body": "다시 쓴 글"})

    assert response.status_code == 409
    assert "편집자가 이 댓글을 숨겨 고친 내용을 저장하지 못했습니다." in response.content.decode()
    assert ">다시 쓴 글</textarea>" in response.content.decode()
    comment.refresh_from_db()
    assert (comment.body, comment.status) == ("버스 막차가 몇 시죠?", Comment.Status.HIDDEN)


def test_when_the_story_no_longer_takes_comments_the_text_stays_to_copy(commenter_client, commenter, story):
    comment = written_at(story, commenter, seconds_ago=3600)
    Article.objects.filter(pk=story.pk).update(comments_enabled=False)

    page = commenter_client.post(f"/comments/{comment.pk}/edit/", {"body": "다시 쓴 글"}).content.decode()

    assert '<textarea id="kept-text" class="comment-refusal__text" rows="4" readonly>다시 쓴 글</textarea>' in page
    assert "/new/" not in page
    assert "쓰신 글은 아래에 있습니다. 복사해 두세요." in page
