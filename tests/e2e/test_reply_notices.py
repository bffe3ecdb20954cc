"""답글 알림 in a real browser, on a phone and a laptop: the bell says how many replies are new and leads to them."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, Comment
from tests.conftest import make_article, make_commenter
from tests.e2e.conftest import axe_report, collect_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("width", [360, 1280])
def test_the_bell_counts_new_replies_and_leads_to_them(open_signed_in_page, commenter, section, reporter, width):
    story = make_article(section, reporter, status=Article.Status.PUBLISHED, title_ko="기숙사 통금 폐지",
                         title_en="Dorm curfew ends")  # fmt: skip
    thread = Comment.objects.create(article=story, author=commenter, body="언제부터인가요?")
    reply = Comment.objects.create(article=story, author=make_commenter("jiwoo", "지우"), parent=thread,
                                   body="다음 학기부터래요")  # fmt: skip
    page = open_signed_in_page(commenter, viewport={"width": width, "height": 800})
    errors = []
    collect_errors(page, errors)
    page.goto(f"/news/{story.pk}/{story.slug}/")

    bell = page.get_by_role("link", name="답글 알림: 새 답글 1개")
    expect(bell).to_be_visible()
    expect(bell).to_have_text("1")
    shape = bell.bounding_box()
    assert shape["x"] >= 0
    assert shape["x"] + shape["width"] <= width
    bell.click()

    expect(page).to_have_url(re.compile(r"/accounts/replies/$"))
    expect(page.locator(".reply-notice--new")).to_contain_text("다음 학기부터래요")
    expect(page.get_by_role("link", name="답글 알림: 새 답글 없음")).to_be_visible()
    violations, report = axe_report(page)
    assert violations == 0, report
    page.get_by_role("link", name="기숙사 통금 폐지").click()
    expect(page).to_have_url(re.compile(rf"/comments/{thread.pk}/replies/#comment-{reply.pk}$"))
    expect(page.locator(f"#comment-{reply.pk}")).to_be_in_viewport()
    assert errors == []
