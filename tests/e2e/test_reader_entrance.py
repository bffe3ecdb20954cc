"""A new reader signs up from a story on a phone and on a laptop, and comes back to its comment form."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from articles.models import Article
from tests.conftest import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("width", [360, 1280])
def test_signing_up_from_a_story_ends_at_its_comment_form(open_reader_page, live_server, section, reporter, width):
    story = make_article(
        section,
        reporter,
        status=Article.Status.PUBLISHED,
        title_ko="축제 첫날 풍경",
        title_en="The festival's first day",
    )
    page = open_reader_page(viewport={"width": width, "height": 800})
    page.goto(story.get_absolute_url())
    page.locator("#comments .comments__notice").get_by_role("link").click()
    page.locator(".entrance-links").get_by_role("link", name="회원가입").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/\?next="))

    page.locator("#id_email").fill(f"reader{width}@example.com")
    page.locator("#id_nickname").fill(f"축제독자{width}")
    page.locator("#id_password1").fill("a long enough passphrase 42")
    page.locator("#id_password2").fill("a long enough passphrase 42")
    page.get_by_label("이용약관에 동의합니다 (필수)").check()
    page.get_by_label("위 개인정보 수집·이용에 동의합니다 (필수)").check()
    page.locator("main form.entrance-form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("확인 메일을 보냈습니다")

    (link,) = [line for line in re.findall(r"^(http\S+)$", mail.outbox[-1].body, re.M) if "confirm-email" in line]
    page.goto(link.replace("http://testserver", live_server.url))
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}{story.get_absolute_url()}#comment-form")
    expect(page.locator("#comment-form textarea")).to_be_visible()
    expect(page.locator(".account-menu__me")).to_have_text(f"축제독자{width}")
