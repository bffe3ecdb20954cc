"""Readers commenting in a real browser: the live counter, posting, deleting for good, signing in, more comments."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from articles.comment_text import comment_length, normalize_comment
from articles.models import Article, Comment, recount_comments
from tests.conftest import PASSWORD, make_article, make_commenter
from tests.e2e.conftest import axe_report, collect_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DELETE_QUESTION_KO = "삭제한 댓글은 다시 복구할 수 없습니다. 그래도 삭제하시겠습니까?"
SIGN_IN_SENTENCE = {
    "": "계정을 선택하시면 로그인·계정인증을 통해 댓글을 남기실 수 있습니다.",
    "/en": "Choose an account to sign in and verify it, and you can leave a comment.",
}
SIGN_IN_BUTTON = {"": "로그인", "/en": "Sign In"}
COMMENTS_HEADING = {"": "댓글 {count}", "/en": "Comments {count}"}


@pytest.fixture
def other_commenter(db):
    return make_commenter("jiwoo", "지우")


@pytest.fixture
def story(section, reporter):
    return make_article(
        section, reporter, status=Article.Status.PUBLISHED,
        title_ko="중앙도서관, 시험 기간 24시간 개방", title_en="Library opens around the clock for exams",
        body_ko="<p>중앙도서관이 시험 기간 동안 밤새 문을 연다.</p>",
    )  # fmt: skip


def url_of(story, language_prefix=""):
    return f"{language_prefix}/news/{story.pk}/{story.slug}/"


def counter_of(page: Page):
    return page.locator("#comment-form [data-comment-counter]")


def test_counter_follows_korean_english_emoji_and_line_breaks_as_typed(open_signed_in_page, commenter, story):
    page = open_signed_in_page(commenter)
    page.goto(url_of(story))
    counter = counter_of(page)
    expect(counter).to_have_text("0 / 400")
    page.locator("#comment-form textarea").click()

    # What a reader types, and the count after it: spaces and line breaks at the end are not counted (yet).
    for typed, count in [
        ("안녕하세요", 5),
        (" ", 5),
        ("hello", 11),
        ("👍", 12),
        ("Enter", 12),
        ("👨\u200d👩\u200d👧", 18),  # a family: three people joined by two zero-width joiners
        ("Enter", 18),
        ("Enter", 18),
        ("끝", 21),
    ]:
        if typed == "Enter":
            page.keyboard.press("Enter")
        else:
            page.keyboard.type(typed)
        expect(counter).to_have_text(f"{count} / 400")

    assert page.locator("#comment-form textarea").input_value() == "안녕하세요 hello👍\n👨\u200d👩\u200d👧\n\n끝"
    expect(counter).not_to_have_class(re.compile(r"comment-form__counter--over"))


TRICKY_TEXTS = [
    "",
    "   ",
    "댓글 잘 읽었습니다",
    "가" * 400,
    "\u1112\u1161\u11ab\u1100\u1173\u11af",  # 한글 as decomposed jamo: NFC makes two syllables
    "\uac00\u11a8",  # 가 + a final jamo: composes to 각
    "cafe\u0301 Zoe\u0308 a\u0301\u0302",  # combining accents, one with no precomposed form
    "👍 👍🏽 ❤️ 1️⃣",  # emoji, a skin tone, a variation selector, a keycap
    "👨\u200d👩\u200d👧\u200d👦 👩\u200d💻 🏳\ufe0f\u200d🌈",  # zero-width-joiner sequences
    "🇰🇷🇺🇸🇯🇵",  # flags: two regional indicators each
    "𝄞 𝅘𝅥𝅮 𠀀",  # outside the Basic Multilingual Plane
    "line one\r\nline two\rline three\nline four\r\n",
    "\ttabbed\tcomment\t",
    "zero\u200bwidth\u200b spaces\ufeff",
    "\u200b\u200c\u200d",
    " \u200d \u200c ",
    "\u202eevil override\u202c and \u202dforce\u202c",
    "\u2066isolated\u2069 \u2067rtl\u2069 \u2068first\u2069 \u200fmarks\u200e \u061c",
    "\u3164",
    "\u3164\u3164 \u115f\u1160 \uffa0",
    "ㅤ텍스트",
    "\u00a0\u00a0no-break spaces\u00a0",
    "\u3000\u3000전각 공백\u3000",
    "\u2003\u2009\u202f\u205f\u1680 other spaces \u2028\u2029",
    "\x07bell \x1b[31mred\x1b[0m \x7f \x85 \x9f",
    "\uf900\u2126\u212b",  # compatibility and singleton characters NFC maps to others
    "مرحبا שלום hello",
    "x" * 401,
    "Z\u0336\u0353\u0324\u0347\u0301\u030a\u0300\u0489\u035c\u0361a\u0315\u0316\u0317\u0318\u0319lgo",  # Zalgo
    "e" + "\u200d\u0301" * 10 + " 1\ufe0f\u20e3\u20dd\u20dd",  # joiners between marks, a keycap enclosed more
    "Vie\u0323\u0302t Nam, Vi\u1ec7t Nam, \u1100\u119e\u11af, \u302e\ud6c8",  # accents, old Hangul, tone marks
]


def test_counter_and_server_count_every_tricky_text_alike(open_reader_page, story):
    page = open_reader_page()
    page.goto(url_of(story))

    in_browser = page.evaluate(
        """async (texts) => {
            const { commentLength, normalizeComment } = await import("/static/articles/comment-text.js");
            return texts.map((text) => [normalizeComment(text), commentLength(text)]);
        }""",
        TRICKY_TEXTS,
    )

    on_server = [[normalize_comment(text), comment_length(text)] for text in TRICKY_TEXTS]
    compared = zip(TRICKY_TEXTS, in_browser, on_server, strict=True)
    assert [(text, browser, server) for text, browser, server in compared if browser != server] == []


def test_a_401_character_comment_is_refused_with_its_text_kept_and_400_posts(open_signed_in_page, commenter, story):
    page = open_signed_in_page(commenter)
    page.goto(url_of(story, "/en"))
    box = page.locator("#comment-form textarea")
    counter = counter_of(page)

    box.fill("가" * 401)
    expect(counter).to_have_text("401 / 400")
    expect(counter).to_have_class(re.compile(r"comment-form__counter--over"))
    page.get_by_role("button", name="Post comment").click()

    errors = page.locator("#comment-form [role=alert]")
    expect(errors).to_have_text("A comment can be at most 400 characters; this one has 401.")
    assert box.input_value() == "가" * 401
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(counter).to_have_text("401 / 400")
    assert not Comment.objects.exists()

    box.fill("가" * 400)
    expect(counter).not_to_have_class(re.compile(r"comment-form__counter--over"))
    page.get_by_role("button", name="Post comment").click()

    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    assert Comment.objects.get().body == "가" * 400


@pytest.mark.parametrize("language_prefix", ["", "/en"], ids=["korean", "english"])
def test_posted_comments_appear_on_top_with_the_nickname_and_the_count(
    open_signed_in_page, commenter, story, language_prefix
):
    page = open_signed_in_page(commenter)
    page.goto(url_of(story, language_prefix))
    heading = page.locator("#comments-heading")
    comments = page.locator("#comments .comment-list > li")
    expect(heading).to_have_text(COMMENTS_HEADING[language_prefix].format(count=0))

    for number, body in enumerate(["첫 댓글입니다.", "Second thoughts, posted later."], start=1):
        page.locator("#comment-form textarea").fill(body)
        page.locator("#comment-form button[type=submit]").click()

        expect(heading).to_have_text(COMMENTS_HEADING[language_prefix].format(count=number))
        expect(comments).to_have_count(number)
        expect(comments.first.locator(".comment__author")).to_have_text("민지")
        expect(comments.first.locator(".comment__body")).to_have_text(body)
        expect(page.locator(".messages__item--success")).to_be_visible()
        expect(page.locator("#comment-form [data-comment-counter]")).to_have_text("0 / 400")


def test_delete_asks_first_and_a_dismissed_question_keeps_the_comment(open_signed_in_page, commenter, story):
    comment = Comment.objects.create(article=story, author=commenter, body="곧 지울 댓글입니다.")
    page = open_signed_in_page(commenter)
    page.goto(url_of(story))
    shown = page.locator(f"#comment-{comment.pk}")
    questions = []

    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.evaluate("window.stillTheSamePage = true")
    shown.locator("[data-confirm-delete]").click()
    expect(shown).to_be_visible()
    assert page.evaluate("window.stillTheSamePage")
    assert Comment.objects.filter(pk=comment.pk).exists()

    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    shown.locator("[data-confirm-delete]").click()
    expect(page).to_have_url(re.compile(r"#comments$"))
    expect(shown).to_have_count(0)
    expect(page.locator("#comments-heading")).to_have_text("댓글 0")
    assert not Comment.objects.filter(pk=comment.pk).exists()

    assert questions == [DELETE_QUESTION_KO, DELETE_QUESTION_KO]  # needs the Korean catalogue


def test_without_javascript_delete_asks_on_a_page_of_its_own(open_signed_in_page, live_server, commenter, story):
    comment = Comment.objects.create(article=story, author=commenter, body="곧 지울 댓글입니다.")
    page = open_signed_in_page(commenter, java_script_enabled=False)
    page.goto(url_of(story))

    page.locator(f"#comment-{comment.pk} [data-confirm-delete]").click()
    expect(page).to_have_url(f"{live_server.url}/comments/{comment.pk}/delete/")
    expect(page.locator("blockquote")).to_have_text("곧 지울 댓글입니다.")
    question = " ".join(page.locator(".confirm-delete__question").text_content().split())
    page.locator(".confirm-delete").get_by_role("button").click()

    expect(page).to_have_url(f"{live_server.url}{url_of(story)}#comments")
    expect(page.locator(f"#comment-{comment.pk}")).to_have_count(0)
    assert not Comment.objects.filter(pk=comment.pk).exists()

    assert question == DELETE_QUESTION_KO  # needs the Korean catalogue


@pytest.mark.parametrize("language_prefix", ["", "/en"], ids=["korean", "english"])
def test_signing_in_from_a_story_comes_back_to_its_comment_form(
    open_reader_page, live_server, commenter, story, language_prefix
):
    page = open_reader_page()
    page.goto(url_of(story, language_prefix))
    notice = page.locator("#comments .comments__notice")
    said = " ".join(notice.text_content().split())

    notice.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.locator("#id_login").fill(commenter.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name=SIGN_IN_BUTTON[language_prefix], exact=True).click()

    expect(page).to_have_url(f"{live_server.url}{url_of(story, language_prefix)}#comment-form")
    expect(page.locator("#comment-form textarea")).to_be_visible()
    expect(page.locator(".account-menu__me")).to_have_text("민지")

    assert SIGN_IN_SENTENCE[language_prefix] in said  # the Korean one needs the Korean catalogue


def make_comments(story, author, count: int) -> None:
    """``count`` comments a minute apart, "댓글 1번" the newest."""
    now = timezone.now()
    Comment.objects.bulk_create(
        Comment(article=story, author=author, body=f"댓글 {number}번", created_at=now - timedelta(minutes=number))
        for number in range(1, count + 1)
    )
    recount_comments([story.pk])


def test_more_comments_load_in_place(open_reader_page, other_commenter, story):
    make_comments(story, other_commenter, 25)
    page = open_reader_page()
    page.goto(url_of(story))
    comments = page.locator("#comments .comment-list > li")
    expect(comments).to_have_count(20)
    expect(comments.last).to_have_text(re.compile("댓글 20번"))

    page.evaluate("window.stillTheSamePage = true")
    page.locator("[data-more-comments]").click()

    expect(comments).to_have_count(25)
    expect(comments.nth(20)).to_be_focused()
    expect(comments.nth(20)).to_contain_text("댓글 21번")
    expect(comments.last).to_contain_text("댓글 25번")
    expect(page.locator("[data-more-comments]")).to_have_count(0)
    assert page.evaluate("window.stillTheSamePage")


def test_story_with_comments_has_no_axe_violations_signed_in(open_signed_in_page, commenter, other_commenter, story):
    Comment.objects.create(article=story, author=other_commenter, body="다른 독자의 댓글: 신고할 수 있습니다.")
    Comment.objects.create(article=story, author=commenter, body="제 댓글입니다.\n두 줄로 썼어요.")
    Comment.objects.create(article=story, author=commenter, body="검토를 기다리는 댓글", status=Comment.Status.HELD)
    page = open_signed_in_page(commenter)
    page.goto(url_of(story))
    expect(page.locator(".comment--held .comment__badge")).to_be_visible()

    found, report = axe_report(page)
    assert found == 0, report

    # Again with the error beside the form.
    page.locator("#comment-form textarea").fill("가" * 401)
    page.locator("#comment-form button[type=submit]").click()
    expect(page.locator("#comment-form [role=alert]")).to_be_visible()
    found, report = axe_report(page)
    assert found == 0, report


@pytest.mark.parametrize("address", ["/accounts/login/", "/en/accounts/signup/"])
def test_sign_in_and_sign_up_have_no_axe_violations(open_reader_page, address):
    page = open_reader_page()
    page.goto(address)
    found, report = axe_report(page)
    assert found == 0, report

    # Again with errors: a wrong password, a sign-up that is all wrong.
    for field, value in [("#id_login", "nobody@example.com"), ("#id_username", "x y"), ("#id_email", "x@example.com")]:
        if page.locator(field).count():
            page.locator(field).fill(value)
    for field in ("#id_password", "#id_password1", "#id_password2"):
        if page.locator(field).count():
            page.locator(field).fill("123")
    if page.locator("#id_nickname").count():
        page.locator("#id_nickname").fill("x")
    for box in ("#id_agree_terms", "#id_agree_privacy"):  # the browser itself asks for these two
        if page.locator(box).count():
            page.locator(box).check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main .errorlist").first).to_be_visible()
    found, report = axe_report(page)
    assert found == 0, report


def test_report_delete_and_account_pages_have_no_axe_violations(open_signed_in_page, commenter, other_commenter, story):
    theirs = Comment.objects.create(article=story, author=other_commenter, body="신고할 댓글")
    mine = Comment.objects.create(article=story, author=commenter, body="지울 댓글")
    page = open_signed_in_page(commenter)

    for address in [f"/comments/{theirs.pk}/report/", f"/comments/{mine.pk}/delete/", "/accounts/profile/"]:
        page.goto(address)
        found, report = axe_report(page)
        assert found == 0, report

    # The account page again, with a nickname that is too short.
    page.locator("#id_nickname").fill("x")
    page.get_by_role("button", name="닉네임 저장").click()
    expect(page.locator("#nickname-errors")).to_be_visible()
    found, report = axe_report(page)
    assert found == 0, report


def test_story_page_signed_in_logs_no_errors(open_signed_in_page, commenter, other_commenter, story):
    make_comments(story, other_commenter, 21)
    Comment.objects.create(article=story, author=commenter, body="제 댓글")
    page = open_signed_in_page(commenter)
    errors = []
    collect_errors(page, errors)

    page.goto(url_of(story))
    page.locator("#comment-form textarea").fill("안녕하세요 👋")
    expect(counter_of(page)).to_have_text("7 / 400")
    page.locator("[data-more-comments]").click()
    expect(page.locator("#comments .comment-list > li")).to_have_count(22)

    assert errors == []


LONG_WORD = "x" * 400
LONG_NICKNAME = "가나다라마바사아자차카타파하가나다라마바"


def test_long_comments_and_nicknames_fit_a_360px_phone(open_signed_in_page, other_commenter, story):
    reader = make_commenter("longname", LONG_NICKNAME)
    Comment.objects.create(article=story, author=other_commenter, body=LONG_WORD)
    Comment.objects.create(article=story, author=reader, body="👍" * 200)
    page = open_signed_in_page(reader, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)

    for address in (url_of(story), url_of(story, "/en"), f"/comments/story/{story.pk}/"):
        page.goto(address)
        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner_width, f"{address} is {scroll_width}px wide on a {inner_width}px screen"
        expect(page.locator(".account-menu__me")).to_be_in_viewport()


def test_a_zalgo_comment_draws_nothing_over_its_neighbours_on_a_360px_phone(
    open_reader_page, commenter, other_commenter, story
):
    """Stored before marks were capped (so not through the form): dozens of marks on each letter. Each neighbour
    looks the same, pixel for pixel, with the Zalgo text shown and hidden; and, so that the test can fail, it
    does not once the text is let out of its box (given a font that stacks marks, as Noto Sans does)."""
    now = timezone.now().replace(microsecond=123_457)
    zalgo = "".join(letter + "\u030d\u030e\u0304\u0305\u0311\u0316\u0317\u0318\u0319" * 6 for letter in "Zalgo!")
    thread = ((3, commenter, "위 댓글입니다"), (2, other_commenter, zalgo), (1, commenter, "아래 댓글"))
    for age, author, body in thread:
        Comment.objects.create(article=story, author=author, body=body, created_at=now - timedelta(minutes=age))
    page = open_reader_page(viewport={"width": 360, "height": 740}, is_mobile=True)
    page.goto(url_of(story))
    comments = page.locator("#comments .comment-list > .comment")
    expect(comments).to_have_count(3)
    zalgo_text = comments.nth(1).locator(".comment__body")
    zalgo_text.scroll_into_view_if_needed()

    def neighbours_with(style: str) -> list[bytes]:
        zalgo_text.evaluate("(element, style) => { element.style.cssText = style; }", style)
        return [comments.nth(n).screenshot(animations="disabled") for n in (0, 2)]

    hidden, shown, let_out = (neighbours_with(style) for style in ("visibility: hidden", "", "overflow: visible"))

    assert let_out != hidden, "this machine's fonts do not stack combining marks: apt-get install fonts-noto-core"
    assert [a == b for a, b in zip(shown, hidden, strict=True)] == [True, True], "drawn over a neighbour"


def test_the_edit_page_counts_down_the_time_left_and_says_when_it_is_up(
    open_signed_in_page, commenter, story, settings
):
    settings.COMMENTS_EDIT_WINDOW_SECONDS = 60
    posted = timezone.now() - timedelta(seconds=15, microseconds=500_000)
    comment = Comment.objects.create(article=story, author=commenter, body="막차가 몇 시죠?", created_at=posted)
    page = open_signed_in_page(commenter)
    errors = []
    collect_errors(page, errors)
    page.clock.install()  # the page's timers run on a clock the test moves

    page.goto(f"/en/comments/{comment.pk}/edit/")
    notice = page.locator("[data-edit-window]")
    expect(notice.locator("[data-edit-window-text]")).to_have_text(re.compile(r"^You can edit for 4\d more seconds\.$"))
    ends_at = timezone.localtime(posted + timedelta(seconds=60))
    expect(notice.locator("time")).to_have_text(f"Until {ends_at:%H:%M:%S}")
    left = int(re.search(r"\d+", notice.inner_text()).group())

    page.clock.run_for((left - 1) * 1000)
    expect(notice.locator("[data-edit-window-text]")).to_have_text("You can edit for 1 more second.")
    page.clock.run_for(1500)
    expect(notice.locator("[data-edit-window-text]")).to_have_text(
        "The time to edit has passed. If you save now, your text is kept so that you can post it as a new comment."
    )
    expect(notice).to_have_class(re.compile(r"edit-window--closed"))
    assert errors == []  # the script runs under the site's CSP


def test_saving_after_the_window_keeps_the_text_to_post_as_a_new_comment(
    open_signed_in_page, commenter, story, settings
):
    settings.COMMENTS_EDIT_WINDOW_SECONDS = 60
    posted = timezone.now() - timedelta(seconds=57, microseconds=250_000)
    comment = Comment.objects.create(article=story, author=commenter, body="막차가 몇 시죠?", created_at=posted)
    page = open_signed_in_page(commenter)
    page.goto(f"/comments/{comment.pk}/edit/")
    found, report = axe_report(page)
    assert found == 0, report
    rewritten = "막차는 새벽 1시 반이래요.\n학생회 공지에서 확인했어요 🚌"

    page.locator("#comment-form textarea").fill(rewritten)
    expect(page.locator("[data-edit-window-text]")).to_have_text(
        re.compile("^고칠 수 있는 시간이 지났습니다"), timeout=10_000
    )
    # The page rounds the time left down; the server's window may have a fraction of a second to go.
    if (left := (posted + timedelta(seconds=60) - timezone.now()).total_seconds()) > 0:
        time.sleep(left + 0.2)
    page.get_by_role("button", name="고친 내용 저장").click()

    expect(page.locator("h1")).to_have_text("고친 내용을 저장하지 못했습니다")
    expect(page.get_by_role("alert")).to_have_text("댓글을 고칠 수 있는 시간이 지나 고친 내용을 저장하지 못했습니다.")
    assert page.locator("#comment-form textarea").input_value() == rewritten
    found, report = axe_report(page)
    assert found == 0, report
    page.get_by_role("button", name="새 댓글로 올리기").click()

    expect(page).to_have_url(re.compile(rf"/news/{story.pk}/.*#comment-\d+$"))
    posted_again = page.locator("#comments .comment-list > li").first.locator(".comment__body")
    expect(posted_again).to_contain_text("학생회 공지에서 확인했어요 🚌")
    assert posted_again.inner_text() == rewritten  # its line break too
    assert Comment.objects.get(pk=comment.pk).body == "막차가 몇 시죠?"
    assert Comment.objects.filter(body=rewritten).count() == 1
