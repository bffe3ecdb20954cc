"""The story's comment area as a reader meets it: the counter without JavaScript, reports, the same text twice,
replies in place and back at the reply, portal-style times, the comments left today, and no blank 405."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from articles.models import Article, Comment, CommentReport
from tests.conftest import make_article, make_commenter

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(section, reporter):
    return make_article(
        section,
        reporter,
        status=Article.Status.PUBLISHED,
        title_ko="심야버스 다시 달린다",
        title_en="Night buses return",
        # Before the fixed times the tests travel to, whenever they run.
        published_at=datetime(2026, 11, 30, 23, 0, 0, 500000, tzinfo=UTC),
    )


@pytest.fixture
def other_reader(db):
    return make_commenter("seojun", "서준")


def story_page(story, language=""):
    return f"{language}/news/{story.pk}/{story.slug}/"


def post_comment(client, story, body, language=""):
    return client.post(f"{language}/comments/story/{story.pk}/new/", {"body": body})


# The counter


def test_without_javascript_the_counter_states_the_limit_not_a_frozen_zero(commenter_client, story):
    korean = commenter_client.get(story_page(story)).content.decode()
    english = commenter_client.get(story_page(story, "/en")).content.decode()

    assert re.search(r'data-comment-counter data-limit="400">최대 400자</p>', korean)
    assert re.search(r'data-comment-counter data-limit="400">Up to 400 characters</p>', english)
    assert "0 / 400" not in korean + english
    # Text that came back refused is counted by the server.
    refused = post_comment(commenter_client, story, "가" * 401).content.decode()
    assert 'comment-form__counter comment-form__counter--over" id="comment-counter"' in refused
    assert ">401 / 400</p>" in refused


# Reports


def test_the_report_form_chooses_no_reason_and_says_when_none_was_chosen(commenter_client, story, other_reader):
    comment = Comment.objects.create(article=story, author=other_reader, body="광고 아님 진짜 싸요")
    url = f"/comments/{comment.pk}/report/"

    form = commenter_client.get(url).content.decode()
    assert 'type="radio"' in form
    assert "checked" not in form
    assert form.count("required") >= 5

    response = commenter_client.post(url, {"details": "같은 글을 세 번째 올렸어요"})
    assert response.status_code == 200
    assert "이 댓글의 어떤 점이 문제인지 골라 주세요." in response.content.decode()
    assert "같은 글을 세 번째 올렸어요" in response.content.decode()
    english = commenter_client.post(f"/en{url}", {"details": "Third time"}).content.decode()
    assert "Choose what is wrong with this comment." in english
    assert not CommentReport.objects.exists()

    commenter_client.post(url, {"reason": "spam", "details": "같은 글을 세 번째 올렸어요"})
    assert CommentReport.objects.get().reason == "spam"


def test_a_comment_the_reader_reported_says_so_instead_of_a_second_report_link(commenter_client, story, other_reader):
    reported = Comment.objects.create(article=story, author=other_reader, body="Reported one")
    Comment.objects.create(article=story, author=other_reader, body="Not reported")
    CommentReport.objects.create(comment=reported, reporter=make_commenter("jiwoo"), reason="abuse")
    commenter_client.post(f"/comments/{reported.pk}/report/", {"reason": "abuse"})

    korean = commenter_client.get(story_page(story)).content.decode()
    english = commenter_client.get(story_page(story, "/en")).content.decode()

    assert f"/comments/{reported.pk}/report/" not in korean
    assert '<span class="comment__reported">신고함</span>' in korean
    assert '<span class="comment__reported">Reported</span>' in english
    assert korean.count("/report/") == 1  # the other comment keeps its link; others' reports change nothing


# The same text twice


def test_the_same_text_again_within_the_window_is_refused_with_the_text_kept(commenter_client, story, section):
    other_story = make_article(
        section, status=Article.Status.PUBLISHED, title_en="Library hours", published_at=story.published_at
    )
    text = "막차 시간이 30분 늦어져서 좋네요"
    with time_machine.travel(datetime(2026, 12, 4, 1, 0, 0, 123456, tzinfo=UTC), tick=False) as clock:
        assert post_comment(commenter_client, story, text).status_code == 302

        again = post_comment(commenter_client, story, text)
        assert again.status_code == 409
        page = again.content.decode()
        assert "방금 같은 내용의 댓글을 올렸습니다. 새로 쓰시거나 10분 뒤에 다시 올려 주세요." in page
        assert f">{text}</textarea>" in page
        english = post_comment(commenter_client, other_story, f"  {text}\n", "/en").content.decode()
        assert "You posted this same text a moment ago. Write something new, or post it again after 10 minutes." in (
            english
        )
        assert post_comment(commenter_client, story, text + "!").status_code == 302

        clock.shift(timedelta(minutes=10, seconds=1))
        assert post_comment(commenter_client, story, text).status_code == 302
    assert Comment.objects.filter(body=text).count() == 2


# Replies: in place with the script, back at the reply without it


def test_without_javascript_a_reply_returns_to_the_story_at_the_new_reply(commenter_client, story, other_reader):
    thread = Comment.objects.create(article=story, author=other_reader, body="주말에도 운행하나요?")
    page = commenter_client.get(story_page(story, "/en") + "?sort=oldest").content.decode()
    assert f'name="next" value="/en/news/{story.pk}/{story.slug}/?sort=oldest"' in page

    response = commenter_client.post(
        f"/en/comments/{thread.pk}/replies/",
        {"body": "Yes, until 2 a.m.", "next": f"/en/news/{story.pk}/{story.slug}/?sort=oldest"},
    )

    reply = Comment.objects.get(parent=thread)
    assert response["Location"] == f"/en/news/{story.pk}/{story.slug}/?sort=oldest#comment-{reply.pk}"
    assert f'id="comment-{reply.pk}"' in commenter_client.get(response["Location"]).content.decode()
    # A made-up address to come back to is not followed: the thread's page instead.
    elsewhere = commenter_client.post(
        f"/comments/{thread.pk}/replies/", {"body": "또", "next": "https://evil.example/"}
    )
    assert elsewhere["Location"].startswith(f"/comments/{thread.pk}/replies/#comment-")


def test_a_reply_posted_by_the_script_comes_back_as_the_reply_shown_in_place(commenter, story, other_reader):
    thread = Comment.objects.create(article=story, author=other_reader, body="주말에도 운행하나요?")
    Comment.objects.create(article=story, author=other_reader, parent=thread, body="저도 궁금해요")
    client = Client(enforce_csrf_checks=True)
    client.force_login(commenter)
    page = client.get(story_page(story)).content.decode()
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
    url = f"/comments/{thread.pk}/replies/"

    def post_in_place(body, language="", **headers):
        return client.post(f"{language}{url}", {"body": body}, HTTP_ACCEPT="application/json", **headers)

    assert post_in_place("No token").status_code == 403
    answer = post_in_place("네, 새벽 2시까지요.", HTTP_X_CSRFTOKEN=token)
    assert answer.status_code == 201
    reply = Comment.objects.get(parent=thread, author=commenter)
    shown = answer.json()
    assert shown["html"].startswith(f'<li id="comment-{reply.pk}" class="comment comment--reply">')
    assert "네, 새벽 2시까지요." in shown["html"]
    assert "민지" in shown["html"]
    assert (shown["replies"], shown["message"], shown["held"]) == ("답글 2", "댓글을 등록했습니다.", False)

    refused = post_in_place("   ", "/en", HTTP_X_CSRFTOKEN=token)
    assert refused.status_code == 400
    assert "Write something before posting." in refused.json()["errors"]
    assert json.loads(post_in_place("네, 새벽 2시까지요.", HTTP_X_CSRFTOKEN=token).content)["errors"][0].startswith(
        "방금 같은 내용의 댓글을 올렸습니다."
    )
    # Messages are said in place: none waits for the next page.
    assert "댓글을 등록했습니다." not in client.get(story_page(story)).content.decode()


# Times


def test_times_read_as_on_portals_with_the_exact_time_on_hover(commenter_client, story, other_reader):
    now = datetime(2026, 12, 4, 1, 33, 54, 123456, tzinfo=UTC)  # 10:33 in Seoul
    ages = {"30 s": timedelta(seconds=30), "3 min": timedelta(minutes=3, seconds=5), "5 h": timedelta(hours=5),
            "2 days": timedelta(days=2)}  # fmt: skip
    for name, age in ages.items():
        Comment.objects.create(article=story, author=other_reader, body=name, created_at=now - age)

    with time_machine.travel(now, tick=False):
        korean = commenter_client.get(story_page(story)).content.decode()
        english = commenter_client.get(story_page(story, "/en")).content.decode()

    for shown in ("방금 전", "3분 전", "5시간 전", ">2026.12.02</time>"):
        assert shown in korean
    for shown in ("just now", "3 minutes ago", "5 hours ago", ">Dec. 2, 2026</time>"):
        assert shown in english
    exact = '<time datetime="2026-12-04T10:30:49.123+09:00" title="2026.12.04 10:30" data-time-ago>3분 전</time>'
    assert exact in korean
    assert 'title="Dec. 4, 2026, 10:30 a.m." data-time-ago>3 minutes ago</time>' in english


# The daily limit


def test_the_form_says_how_many_comments_are_left_near_the_daily_limit(commenter_client, story, settings):
    settings.COMMENTS_PER_DAY = 12
    settings.COMMENTS_PER_MINUTE = 100
    post_comment(commenter_client, story, "첫 번째")
    assert "더 쓸 수 있습니다" not in commenter_client.get(story_page(story)).content.decode()

    post_comment(commenter_client, story, "두 번째")
    assert "오늘 댓글을 10개 더 쓸 수 있습니다." in commenter_client.get(story_page(story)).content.decode()
    for number in range(9):
        post_comment(commenter_client, story, f"댓글 {number}")
    assert "You can post 1 more comment today." in commenter_client.get(story_page(story, "/en")).content.decode()
    post_comment(commenter_client, story, "마지막")
    assert "오늘 쓸 수 있는 댓글을 모두 썼습니다." in commenter_client.get(story_page(story)).content.decode()


# After a refused comment


def test_after_a_refused_comment_the_language_link_and_a_reload_lead_to_the_story(commenter_client, story):
    refused = post_comment(commenter_client, story, "")
    assert refused.status_code == 400
    page = refused.content.decode()
    assert f'<a href="/en/news/{story.pk}/{story.slug}/" hreflang="en" lang="en">English</a>' in page
    assert f"/en/comments/story/{story.pk}/new/" not in page

    reload = commenter_client.get(f"/comments/story/{story.pk}/new/")
    assert reload.status_code == 302
    assert reload["Location"] == f"/news/{story.pk}/{story.slug}/#comment-form"
    switched = Client().get(f"/en/comments/story/{story.pk}/new/")
    assert switched["Location"] == f"/en/news/{story.pk}/{story.slug}/#comment-form"


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_text_posted_twice_at_the_same_moment_is_saved_once(section):
    from tests.concurrency import at_once

    story = make_article(section, status=Article.Status.PUBLISHED, title_ko="심야버스")
    reader = make_commenter("doubleclick", "두번클릭")
    text = "두 번 눌렀어요"
    answers = at_once([(reader, lambda client: post_comment(client, story, text)) for _press in range(4)])

    assert sorted(answer.status_code for answer in answers) == [302, 409, 409, 409]
    assert Comment.objects.filter(body=text).count() == 1
