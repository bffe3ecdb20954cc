"""Signed-in readers' pages: one shared rendering of what is the same for everyone, their own parts filled in.

The comment threads of a story page are rendered once for every signed-in reader (articles.shared_threads) and
the main part of a list page once for everyone (articles.page_cache.shared_main). What each reader gets must be
exactly what a rendering for them alone would give, and as fresh.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client

from articles import moderation
from articles.models import Article, Comment, CommentBan, CommentRecommendation, CommentReport, Tag
from tests.conftest import make_article, make_commenter

pytestmark = pytest.mark.django_db

#: Not a whole minute, and with microseconds: the page's times must come out right from a shared rendering too.
NOW = datetime(2026, 12, 2, 14, 37, 21, 654321, tzinfo=UTC)


@pytest.fixture
def story(section, reporter):
    return make_article(
        section, reporter, status=Article.Status.PUBLISHED, title_ko="기숙사 식당 개편",
        title_en="Dorm canteen reopens",
        body_ko="<p>새 메뉴가 나왔다.</p>", body_en="<p>A new menu.</p>", published_at=NOW - timedelta(days=2),
    )  # fmt: skip


@pytest.fixture
def readers(db):
    return {name: make_commenter(name, nickname) for name, nickname in [("jiho", "지호"), ("seoyeon", "서연")]}


@pytest.fixture
def busy_story(story, readers, commenter, settings):
    """Threads with every kind of comment a reader can meet, around the reader ``commenter`` (민지)."""
    settings.COMMENTS_BEST_MIN_RECOMMENDATIONS = 1
    jiho, seoyeon = readers["jiho"], readers["seoyeon"]

    def comment(author, body, minutes_ago, **fields):
        return Comment.objects.create(
            article=story, author=author, body=body, created_at=NOW - timedelta(minutes=minutes_ago, microseconds=417),
            **fields,
        )  # fmt: skip

    old_own = comment(commenter, "예전에 쓴 댓글", 90)
    recommended = comment(jiho, "메뉴가 좋아졌어요", 80)
    reported = comment(seoyeon, "광고성 댓글", 70)
    both = comment(jiho, "둘 다 한 댓글", 60)
    comment(seoyeon, "가려진 댓글", 50, status=Comment.Status.HIDDEN)
    held_with_replies = comment(jiho, "검토 중인 스레드", 40, status=Comment.Status.HELD)
    comment(seoyeon, "검토 중 스레드에 답글", 39, parent=held_with_replies)
    comment(commenter, "내 답글", 30, parent=recommended)
    comment(seoyeon, "다른 답글", 29, parent=recommended)
    fresh_own = Comment.objects.create(article=story, author=commenter, body="방금 쓴 댓글", created_at=NOW)
    for target in (recommended, both):
        CommentRecommendation.objects.create(comment=target, reader=commenter)
    CommentRecommendation.objects.create(comment=recommended, reader=seoyeon)
    for target in (reported, both):
        CommentReport.objects.create(comment=target, reporter=commenter)
    CommentRecommendation.objects.create(comment=old_own, reader=jiho)
    from articles.models.comments import recount_comments, recount_recommendations, recount_replies

    recount_replies([recommended.pk, held_with_replies.pk])
    recount_recommendations(Comment.objects.values_list("pk", flat=True))
    recount_comments([story.pk])
    story.refresh_from_db()
    return {"fresh_own": fresh_own, "old_own": old_own, "recommended": recommended, "reported": reported, "both": both}


def page(story, language=""):
    return f"{language}/news/{story.pk}/{story.slug}/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def without_csrf_values(html: str) -> str:
    # Each rendering masks the reader's CSRF secret afresh: compare the pages, not the masks.
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+"', r'\1…"', html)


def threads_for_reader_alone(response) -> str:
    """The threads rendered from the story page's own context for its reader, as before they were shared."""
    page = next(context for context in response.context if "comment_threads_html" in context)
    context = page.flatten()
    del context["comment_threads_html"]
    return render_to_string("includes/comment_threads.html", context, response.wsgi_request)


def actions_of(html: str, comment_id: int, *, best=False) -> str:
    """The links and buttons under one comment."""
    anchor = f'id="{"best-" if best else ""}comment-{comment_id}"'
    return re.search(anchor + r'.*?<div class="comment__actions">(.*?)</div>', html, re.S).group(1)


def rendered_comments(response) -> int:
    return sum(template.name == "includes/comment.html" for template in response.templates)


@time_machine.travel(NOW + timedelta(seconds=5), tick=False)
@pytest.mark.parametrize("language", ["", "/en"])
def test_a_readers_threads_are_exactly_what_a_rendering_for_them_alone_gives(
    busy_story, story, commenter, readers, language
):
    signed_in(readers["jiho"]).get(page(story, language))  # the shared rendering, made for someone else

    response = signed_in(commenter).get(page(story, language))

    assert rendered_comments(response) == 0
    shared = response.context["comment_threads_html"]
    assert without_csrf_values(shared) == without_csrf_values(threads_for_reader_alone(response))
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in shared
    assert html.count(f'action="/comments/{busy_story["fresh_own"].pk}/recommend/"') == 0


@time_machine.travel(NOW + timedelta(seconds=5), tick=False)
def test_each_reader_sees_their_own_links_and_recommendations_in_the_shared_threads(
    busy_story, story, commenter, readers
):
    mine = signed_in(commenter).get(page(story)).content.decode()
    theirs = signed_in(readers["seoyeon"]).get(page(story)).content.decode()

    fresh, old = busy_story["fresh_own"].pk, busy_story["old_own"].pk
    assert f'href="/comments/{fresh}/edit/"' in mine
    assert f'href="/comments/{fresh}/delete/"' in mine
    assert f'href="/comments/{old}/edit/"' not in mine
    assert f'href="/comments/{old}/delete/"' in mine
    assert f'href="/comments/{fresh}/delete/"' not in theirs
    assert f'href="/comments/{fresh}/report/"' in theirs
    recommended, reported, both = (busy_story[name].pk for name in ("recommended", "reported", "both"))
    assert 'aria-pressed="true"' in actions_of(mine, recommended)
    assert 'aria-pressed="true"' in actions_of(mine, recommended, best=True)
    assert 'aria-pressed="true"' in actions_of(theirs, recommended)  # 서연 recommended it too
    assert "신고함" in actions_of(mine, reported)
    assert 'aria-pressed="false"' in actions_of(mine, reported)
    assert "신고함" in actions_of(mine, both)
    assert 'aria-pressed="true"' in actions_of(mine, both)
    assert "신고함" not in actions_of(theirs, both)
    assert 'aria-pressed="false"' in actions_of(theirs, both)


def test_the_edit_link_goes_when_the_edit_window_closes_without_rendering_the_threads_again(
    busy_story, story, commenter, settings
):
    fresh = busy_story["fresh_own"].pk
    reader = signed_in(commenter)
    with time_machine.travel(NOW + timedelta(seconds=5), tick=False):
        assert f'href="/comments/{fresh}/edit/"' in reader.get(page(story)).content.decode()

    with time_machine.travel(NOW + timedelta(seconds=settings.COMMENTS_EDIT_WINDOW_SECONDS + 1), tick=False):
        response = reader.get(page(story))

    assert rendered_comments(response) == 0
    assert f'href="/comments/{fresh}/edit/"' not in response.content.decode()
    assert f'href="/comments/{fresh}/delete/"' in response.content.decode()


@time_machine.travel(NOW + timedelta(seconds=5), tick=False)
def test_a_reader_who_may_not_reply_gets_threads_without_reply_boxes(busy_story, story, commenter, readers, editor):
    CommentBan.objects.create(reader=commenter, reason="도배", created_by=editor)
    signed_in(readers["jiho"]).get(page(story))

    banned = signed_in(commenter).get(page(story))
    allowed = signed_in(readers["jiho"]).get(page(story)).content.decode()

    shared = banned.context["comment_threads_html"]
    assert without_csrf_values(shared) == without_csrf_values(threads_for_reader_alone(banned))
    assert 'id="reply-form-' in allowed
    assert "<textarea" in allowed
    assert "reply-body-" not in shared


@time_machine.travel(NOW + timedelta(seconds=5), tick=False)
def test_the_reply_boxes_say_how_many_comments_are_left_today_for_each_reader(
    busy_story, story, commenter, readers, settings
):
    settings.COMMENTS_PER_DAY = 4  # 민지 posted three in the last day, 서연 four
    seoyeon_page = signed_in(readers["seoyeon"]).get(page(story))
    minji = signed_in(commenter).get(page(story))

    shared = minji.context["comment_threads_html"]
    assert without_csrf_values(shared) == without_csrf_values(threads_for_reader_alone(minji))
    assert re.search(r"오늘 댓글을 \d+개 더 쓸 수 있습니다.", shared)
    assert without_csrf_values(seoyeon_page.context["comment_threads_html"]) == without_csrf_values(
        threads_for_reader_alone(seoyeon_page)
    )


@time_machine.travel(NOW + timedelta(seconds=5), tick=False)
def test_a_reader_with_a_comment_awaiting_review_sees_it_and_nobody_else_does(busy_story, story, commenter, readers):
    Comment.objects.create(article=story, author=commenter, body="검토를 기다리는 내 댓글", status=Comment.Status.HELD)
    signed_in(readers["jiho"]).get(page(story))

    mine = signed_in(commenter).get(page(story)).content.decode()
    theirs = signed_in(readers["jiho"]).get(page(story)).content.decode()

    assert "검토를 기다리는 내 댓글" in mine
    assert "검토를 기다리는 내 댓글" not in theirs


def test_a_new_comment_and_a_recommendation_show_to_signed_in_readers_at_once(busy_story, story, commenter, readers):
    jiho, seoyeon = signed_in(readers["jiho"]), signed_in(readers["seoyeon"])
    jiho.get(page(story))
    seoyeon.get(page(story))

    seoyeon.post(f"/comments/story/{story.pk}/new/", {"body": "새로 단 댓글입니다"})
    jiho.post(f"/comments/{busy_story['fresh_own'].pk}/recommend/", {"recommended": "1"})

    after = jiho.get(page(story)).content.decode()
    assert "새로 단 댓글입니다" in after
    fresh = busy_story["fresh_own"].pk
    assert 'aria-pressed="true"' in actions_of(after, fresh)
    assert 'aria-pressed="false"' in actions_of(seoyeon.get(page(story)).content.decode(), fresh)


def test_a_comment_cannot_forge_a_readers_part(story, commenter, readers):
    # The shared rendering marks each reader's part with a marker made for that rendering alone.
    Comment.objects.create(article=story, author=readers["jiho"], body="quota 0 1 csrf")
    signed_in(readers["seoyeon"]).get(page(story))

    html = signed_in(commenter).get(page(story)).content.decode()

    assert "quota 0 1 csrf" in html


def test_the_signed_in_story_page_runs_four_queries_however_many_comments(
    busy_story, story, commenter, readers, django_assert_num_queries
):
    """Guards a query per comment for the reader's 추천 and reports, and the thread's rendering per reader: session,
    account, nickname and the reader's state among the comments shown (their ban and unread replies are kept)."""
    signed_in(readers["jiho"]).get(page(story))
    reader = signed_in(commenter)
    for n in range(40):
        Comment.objects.create(article=story, author=readers["jiho"], body=f"더 많은 댓글 {n}")

    reader.get(page(story))
    with django_assert_num_queries(4):
        reader.get(page(story))


# Lists: the same main part for everyone, the reader's own header around it


@pytest.fixture
def tagged_stories(section, reporter, other_reporter):
    tag = Tag.objects.create(name_ko="축제", name_en="Festival", slug="festival")
    stories = []
    for n in range(25):
        story = make_article(
            section, reporter, other_reporter, status=Article.Status.PUBLISHED, title_ko=f"축제 기사 {n}",
            title_en=f"Festival story {n}", published_at=NOW - timedelta(hours=n, microseconds=n * 137),
        )  # fmt: skip
        story.tags.add(tag)
        stories.append(story)
    return tag, stories


def list_pages(section, reporter, tag):
    return ["/", f"/sections/{section.slug}/", f"/tags/{tag.slug}/", reporter.get_absolute_url(), "/en/"]


@pytest.mark.parametrize("which", range(5))
def test_a_signed_in_readers_list_page_is_the_shared_main_part_inside_their_own_header(
    tagged_stories, section, reporter, commenter, readers, which, django_assert_max_num_queries
):
    """Guards rendering (and querying) the stories of a list per signed-in reader."""
    tag, _stories = tagged_stories
    address = list_pages(section, reporter, tag)[which]
    signed_in(readers["jiho"]).get(address)
    reader = signed_in(commenter)

    with django_assert_max_num_queries(5):
        response = reader.get(address)

    html = response.content.decode()
    assert not any(template.name == "includes/story_card.html" for template in response.templates)
    assert "민지" in html
    assert "지호" not in html
    assert response["Cache-Control"] == "private, no-cache"
    anonymous = Client().get(address).content.decode()
    main = re.compile(r"<main.*?</main>", re.S)
    assert without_csrf_values(main.search(html).group()) == without_csrf_values(main.search(anonymous).group())


def test_a_story_published_or_renamed_shows_on_signed_in_readers_lists_at_once(
    tagged_stories, section, reporter, commenter, editor
):
    tag, stories = tagged_stories
    reader = signed_in(commenter)
    for address in (f"/sections/{section.slug}/", f"/tags/{tag.slug}/"):
        reader.get(address)

    stories[0].title_ko = "이름을 바꾼 축제 기사"
    stories[0].save()
    new = make_article(section, reporter, status=Article.Status.DRAFT, title_ko="새로 실린 기사")
    new.publish(by=editor)

    assert "이름을 바꾼 축제 기사" in reader.get(f"/tags/{tag.slug}/").content.decode()
    assert "새로 실린 기사" in reader.get(f"/sections/{section.slug}/").content.decode()


def test_a_ban_and_its_lifting_apply_to_a_readers_next_page_though_their_state_is_kept(story, commenter, editor):
    reader = signed_in(commenter)
    assert "comments__notice--banned" not in reader.get(page(story)).content.decode()

    entry = moderation.ban(commenter, by=editor, reason="도배")
    assert "comments__notice--banned" in reader.get(page(story)).content.decode()

    moderation.lift_ban(entry, by=editor)
    html = reader.get(page(story)).content.decode()
    assert "comments__notice--banned" not in html
    assert "<textarea" in html
