"""The comment conversation in a real browser: replying, recommending, sorting, BEST and editing in time."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, Comment
from tests.conftest import make_article, make_commenter
from tests.e2e.conftest import axe_report, collect_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def story(section, reporter):
    return make_article(
        section, reporter, status=Article.Status.PUBLISHED,
        title_ko="학생식당 저녁 메뉴 개편", title_en="Dining hall changes its dinner menu",
        body_ko="<p>학생식당이 다음 주부터 저녁 메뉴를 바꾼다.</p>",
    )  # fmt: skip


@pytest.fixture
def other_commenter(db):
    return make_commenter("jiwoo", "지우")


def url_of(story, language_prefix=""):
    return f"{language_prefix}/news/{story.pk}/{story.slug}/"


def thread_item(page, comment):
    return page.locator(f"#comment-{comment.pk}")


@pytest.mark.parametrize("width", [360, 1280])
def test_a_reader_replies_under_a_comment_without_leaving_the_story(
    open_signed_in_page, commenter, other_commenter, story, width
):
    question = Comment.objects.create(article=story, author=other_commenter, body="채식 메뉴도 있나요?")
    page = open_signed_in_page(commenter, viewport={"width": width, "height": 800})
    errors = []
    collect_errors(page, errors)
    page.goto(url_of(story))
    page.evaluate("window.stillTheSamePage = true")

    replies = thread_item(page, question).locator("details.replies")
    expect(replies.locator("summary")).to_have_text("답글 0")
    replies.locator("summary").click()
    box = replies.get_by_label("답글 내용")
    box.fill("매주 수요일에 있대요 🥗")
    expect(replies.locator("[data-comment-counter]")).to_have_text("13 / 400")
    replies.get_by_role("button", name="답글 등록").click()

    expect(replies.locator(".replies__list .comment")).to_contain_text("매주 수요일에 있대요 🥗")
    expect(replies.locator("summary")).to_have_text("답글 1")
    expect(replies.get_by_role("status")).to_have_text("댓글을 등록했습니다.")
    expect(box).to_have_value("")
    # The same text again is refused in place, the text kept.
    box.fill("매주 수요일에 있대요 🥗")
    replies.get_by_role("button", name="답글 등록").click()
    expect(replies.get_by_role("alert")).to_contain_text("방금 같은 내용의 댓글을 올렸습니다.")
    expect(box).to_have_value("매주 수요일에 있대요 🥗")
    assert page.evaluate("window.stillTheSamePage") is True
    # Chromium logs the refusal's 409 as a failed resource; nothing else may go wrong.
    assert [error for error in errors if "409 (Conflict)" not in error] == []


def test_the_reply_link_of_a_reply_opens_the_threads_box(open_signed_in_page, commenter, other_commenter, story):
    question = Comment.objects.create(article=story, author=other_commenter, body="몇 시까지 하나요?")
    Comment.objects.create(article=story, author=other_commenter, body="일곱 시요", parent=question)
    page = open_signed_in_page(commenter)
    page.goto(url_of(story))

    thread_item(page, question).locator("summary").click()
    thread_item(page, question).locator(".replies__list").get_by_role("link", name="답글").click()

    expect(page.locator(f"#reply-body-{question.pk}")).to_be_focused()


def test_a_reader_recommends_and_takes_it_back_without_leaving_the_page(
    open_signed_in_page, commenter, other_commenter, story, settings
):
    settings.COMMENTS_BEST_MIN_RECOMMENDATIONS = 1
    liked = Comment.objects.create(article=story, author=other_commenter, body="메뉴 사진도 올려 주세요")
    page = open_signed_in_page(commenter)
    page.goto(url_of(story))
    page.evaluate("window.stillTheSamePage = true")

    button = thread_item(page, liked).get_by_role("button", name="추천 0")
    expect(button).to_have_attribute("aria-pressed", "false")
    button.click()
    pressed = thread_item(page, liked).get_by_role("button", name="추천 1")
    expect(pressed).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.stillTheSamePage")
    liked.refresh_from_db()
    assert liked.recommendation_count == 1

    page.reload()
    expect(page.locator(".comments__best")).to_contain_text("메뉴 사진도 올려 주세요")
    expect(page.locator(f"#best-comment-{liked.pk} .comment__badge--best")).to_have_text("BEST")
    thread_item(page, liked).get_by_role("button", name="추천 1").click()
    # Both copies (BEST and the list) follow.
    expect(page.locator(f"[data-recommend][data-comment='{liked.pk}'] [data-recommend-count]")).to_have_text(["0", "0"])
    liked.refresh_from_db()
    assert liked.recommendation_count == 0

    author_page = open_signed_in_page(other_commenter)
    author_page.goto(url_of(story))
    expect(thread_item(author_page, liked).locator("[data-recommend]")).to_have_count(0)
    expect(thread_item(author_page, liked).locator(".recommend__count")).to_have_text("추천 0")


def test_recommending_works_without_javascript(open_signed_in_page, commenter, other_commenter, story):
    liked = Comment.objects.create(article=story, author=other_commenter, body="좋은 기사입니다")
    page = open_signed_in_page(commenter, java_script_enabled=False)
    page.goto(f"{url_of(story)}?sort=oldest")

    thread_item(page, liked).get_by_role("button", name="추천 0").click()

    expect(page).to_have_url(re.compile(rf"\?sort=oldest#comment-{liked.pk}$"))
    expect(thread_item(page, liked).get_by_role("button", name="추천 1")).to_have_attribute("aria-pressed", "true")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_sorting_is_in_the_address(open_reader_page, other_commenter, commenter, story, javascript):
    quiet = Comment.objects.create(article=story, author=other_commenter, body="조용한 댓글")
    popular = Comment.objects.create(article=story, author=other_commenter, body="인기 있는 댓글")
    Comment.objects.filter(pk=quiet.pk).update(created_at=popular.created_at.replace(year=popular.created_at.year + 1))
    popular.set_recommendation(commenter, True)
    page = open_reader_page(java_script_enabled=javascript)
    page.goto(url_of(story, "/en"))
    bodies = page.locator("[data-comment-list] > .comment > .comment__body")
    expect(bodies).to_have_text(["조용한 댓글", "인기 있는 댓글"])

    page.get_by_role("navigation", name="Sort comments").get_by_role("link", name="Most recommended").click()

    expect(page).to_have_url(re.compile(r"\?sort=recommended#comments$"))
    expect(bodies).to_have_text(["인기 있는 댓글", "조용한 댓글"])
    expect(page.get_by_role("link", name="Most recommended")).to_have_attribute("aria-current", "true")


def test_the_author_edits_within_the_window_and_the_comment_says_so(open_signed_in_page, commenter, story):
    page = open_signed_in_page(commenter)
    page.goto(url_of(story))
    page.locator("#comment-form textarea").fill("저녁 메뉴가 몇 개인가요")
    page.get_by_role("button", name="댓글쓰기").click()
    mine = Comment.objects.get(body="저녁 메뉴가 몇 개인가요")

    thread_item(page, mine).get_by_role("link", name="수정").click()
    box = page.locator("#comment-form textarea")
    expect(box).to_have_value("저녁 메뉴가 몇 개인가요")
    box.fill("저녁 메뉴가 몇 가지인가요?")
    page.get_by_role("button", name="고친 내용 저장").click()

    expect(thread_item(page, mine).locator(".comment__body")).to_have_text("저녁 메뉴가 몇 가지인가요?")
    expect(thread_item(page, mine).locator(".comment__edited")).to_be_visible()


def test_a_conversation_has_no_axe_violations(open_signed_in_page, commenter, other_commenter, story, settings):
    settings.COMMENTS_BEST_MIN_RECOMMENDATIONS = 1
    question = Comment.objects.create(article=story, author=other_commenter, body="주말에도 하나요?")
    Comment.objects.create(article=story, author=commenter, body="토요일만요", parent=question)
    question.set_recommendation(commenter, True)
    Comment.objects.create(article=story, author=commenter, body="제 댓글")
    page = open_signed_in_page(commenter)
    page.goto(url_of(story))
    for summary in page.locator("details.replies > summary").all():
        summary.click()

    found, report = axe_report(page)
    assert found == 0, report
    page.goto(f"/en/comments/{question.pk}/replies/")
    found, report = axe_report(page)
    assert found == 0, report
