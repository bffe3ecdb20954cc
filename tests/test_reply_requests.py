"""Right of reply (반론보도·정정보도 청구): the reader's form, the editors' queue, the reply under the story, and the
requester's mail at each step, in the language they used the form in."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article, ReplyRequest
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(section, reporter):
    return make_article(
        section, reporter, status=Article.Status.PUBLISHED,
        title_ko="총학생회 예산 논란", title_en="Student council budget row",
        body_ko="<p>총학생회가 예산을 부풀렸다는 의혹이 나왔다.</p>",
        body_en="<p>The council is said to have padded its budget.</p>",
    )  # fmt: skip


@pytest.fixture
def other_story(section, reporter):
    return make_article(section, reporter, status=Article.Status.PUBLISHED, title_en="Library hours", title_ko="도서관")


def story_url(story, language=""):
    return f"{language}/news/{story.pk}/{story.slug}/"


def form_url(story, language=""):
    return f"{language}/replies/story/{story.pk}/"


def filled(**changes):
    return {
        "name": "김하늘", "email": "haneul@example.kr", "phone": "010-1234-5678", "relation": "named",
        "kind": "reply", "what_is_wrong": "예산을 부풀린 적이 없습니다.",
        "text": "총학생회는 <script>alert(1)</script> 예산을 투명하게 집행했습니다.\n감사 보고서를 공개합니다.",
        "show_name": "on", **changes,
    }  # fmt: skip


def send(client, story, language="", **changes):
    return client.post(form_url(story, language), filled(**changes))


def received(story, **changes) -> ReplyRequest:
    fields = {**filled(), "show_name": True, "language": "ko", **changes}
    return ReplyRequest.objects.create(article=story, **fields)


def step(client, reply, name, **data):
    return client.post(f"/admin/articles/replyrequest/{reply.pk}/step/", {"step": name, **data})


# The reader's form


def test_the_story_page_links_to_the_form_and_stays_a_kept_page(client, story):
    page = client.get(story_url(story))
    assert f'href="/replies/story/{story.pk}/"' in page.content.decode()
    assert "정정·반론 보도 청구" in page.content.decode()
    assert Client().get(story_url(story)).context is None  # the second reader gets the kept page


def test_a_reader_sends_a_request_without_an_account_and_gets_a_receipt_in_their_language(
    story, mailoutbox, django_capture_on_commit_callbacks
):
    client = Client(enforce_csrf_checks=True)
    page = client.get(form_url(story, "/en"))
    assert page["Cache-Control"].startswith("max-age=0")  # the form carries a token: never a kept page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url(story, "/en"), {**filled(), "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert response["Location"] == story_url(story, "/en")
    reply = ReplyRequest.objects.get()
    assert (reply.article, reply.state, reply.language, reply.name) == (story, "received", "en", "김하늘")
    assert reply.received_at is not None
    assert reply.accepted_at is None
    (mail,) = mailoutbox
    assert mail.to == ["haneul@example.kr"]
    assert mail.subject == "[KT News] We received your request about “Student council budget row”"
    assert f"http://testserver/en/news/{story.pk}/{story.slug}/" in mail.body
    # Sent before anyone read it, to an address nobody confirmed: it repeats nothing the sender typed.
    assert "<script>" not in mail.body
    assert "김하늘" not in mail.body
    assert mail.body.startswith("Hello,\n")


def test_the_whole_site_takes_a_limited_number_of_requests_an_hour(story, settings):
    settings.REPLY_REQUESTS_PER_HOUR = 2
    for number in range(2):
        assert (
            send(Client(REMOTE_ADDR=f"10.0.{number}.1"), story, email=f"reader{number}@example.kr").status_code == 302
        )
    refused = send(Client(REMOTE_ADDR="10.0.9.1"), story, email="another@example.kr")
    assert refused.status_code == 429
    assert "지난 한 시간 동안 청구가 많이 접수되었습니다" in refused.content.decode()
    assert ReplyRequest.objects.count() == 2


def test_a_request_without_the_forms_token_is_refused(story):
    assert send(Client(enforce_csrf_checks=True), story).status_code == 403
    assert not ReplyRequest.objects.exists()


def test_errors_come_back_in_the_readers_language_with_everything_typed(client, story, mailoutbox):
    response = send(client, story, email="not an address", kind="", phone="call me")

    assert response.status_code == 400
    page = response.content.decode()
    assert "올바른 이메일 주소를 입력하세요." in page
    assert "전화번호는 숫자로 입력하세요." in page
    assert "필수 항목입니다." in page  # the kind of request
    for typed in ("김하늘", "not an address", "예산을 부풀린 적이 없습니다.", "감사 보고서를 공개합니다."):
        assert typed in page
    assert not ReplyRequest.objects.exists()
    assert mailoutbox == []


def test_a_request_about_a_story_readers_cannot_see_is_not_found(client, section):
    draft = make_article(section, title_en="Not yet")
    assert client.get(form_url(draft)).status_code == 404
    assert send(client, draft).status_code == 404


def test_an_address_sends_a_few_requests_a_day_and_a_network_a_few_an_hour(client, story):
    for _ in range(3):
        assert send(client, story).status_code == 302
    refused = send(client, story, email="HANEUL@example.kr")  # the same address, written otherwise

    assert refused.status_code == 429
    assert "이 이메일 주소로 오늘 청구 3건을 보냈습니다." in refused.content.decode()
    assert "감사 보고서를 공개합니다." in refused.content.decode()  # nothing typed is lost
    for number in range(7):
        assert send(client, story, email=f"reader{number}@example.kr").status_code == 302
    from_the_network = send(client, story, email="eleventh@example.kr")
    assert from_the_network.status_code == 429
    assert "최대 10건" in from_the_network.content.decode()
    assert ReplyRequest.objects.count() == 10


# The editors' queue


def test_editors_are_given_the_permission_to_handle_the_queue():
    assert Group.objects.get(name="Editors").permissions.filter(codename="handle_replyrequest").exists()
    assert not Group.objects.get(name="Reporters").permissions.filter(codename="handle_replyrequest").exists()


def test_the_queue_steps_are_dated_record_the_editor_and_tell_the_requester(
    editor_client, editor, story, mailoutbox, django_capture_on_commit_callbacks
):
    reply = received(story)
    page = editor_client.get(f"/admin/articles/replyrequest/{reply.pk}/change/").content.decode()
    assert 'value="accept"' in page
    assert 'value="publish"' not in page

    with django_capture_on_commit_callbacks(execute=True):
        assert step(editor_client, reply, "accept").status_code == 302
    reply.refresh_from_db()
    assert (reply.state, reply.decided_by) == ("accepted", editor)
    assert reply.accepted_at > reply.received_at
    assert reply.published_at is None
    assert mailoutbox[-1].subject == "[KT 뉴스] 「총학생회 예산 논란」 기사에 대한 청구가 수락되었습니다"

    with django_capture_on_commit_callbacks(execute=True):
        step(editor_client, reply, "publish")
    reply.refresh_from_db()
    assert reply.state == "published"
    assert reply.published_at > reply.accepted_at
    published = mailoutbox[-1]
    assert published.subject == "[KT 뉴스] 「총학생회 예산 논란」 기사 아래에 글이 게재되었습니다"
    assert f"http://testserver/news/{story.pk}/{story.slug}/" in published.body
    assert len(mailoutbox) == 2

    # A step out of order changes nothing.
    step(editor_client, reply, "accept")
    reply.refresh_from_db()
    assert reply.state == "published"


def test_declining_needs_a_reason_which_the_requester_is_told(
    editor_client, story, mailoutbox, django_capture_on_commit_callbacks
):
    reply = received(story, language="en")

    refused = editor_client.post(f"/admin/articles/replyrequest/{reply.pk}/step/", {"step": "decline"}, follow=True)
    assert "거절 사유를 적으세요. 청구인에게 전달됩니다." in refused.content.decode()  # the editor's language
    reply.refresh_from_db()
    assert reply.state == "received"
    assert reply.declined_at is None

    with django_capture_on_commit_callbacks(execute=True):
        step(editor_client, reply, "decline", decline_reason="  The figures come from the council's own audit.  ")
    reply.refresh_from_db()
    assert (reply.state, reply.decline_reason) == ("declined", "The figures come from the council's own audit.")
    assert reply.declined_at is not None
    (mail,) = mailoutbox
    assert mail.subject == "[KT News] Your request about “Student council budget row” was declined"
    assert "The figures come from the council's own audit." in mail.body


def test_reporters_cannot_take_a_step_even_by_crafted_post(reporter_client, story, mailoutbox):
    reply = received(story)

    assert step(reporter_client, reply, "accept").status_code == 403
    assert reporter_client.get(f"/admin/articles/replyrequest/{reply.pk}/change/").status_code == 403
    reply.refresh_from_db()
    assert reply.state == "received"


def test_the_queue_publishes_in_bulk_only_what_was_accepted(editor_client, story):
    accepted, waiting = received(story, state="accepted"), received(story)

    editor_client.post(
        "/admin/articles/replyrequest/",
        {"action": "publish_selected", "_selected_action": [accepted.pk, waiting.pk]},
    )

    assert ReplyRequest.objects.get(pk=accepted.pk).state == "published"
    assert ReplyRequest.objects.get(pk=waiting.pk).state == "received"


# The reply under the story


def test_a_published_reply_shows_under_the_story_escaped_and_only_that_page_is_refreshed(
    client, editor_client, story, other_story
):
    reply = received(story, state="accepted")
    hidden = received(
        story, state="accepted", name="익명 요청자", show_name=False, kind="correction", text="사실과 다릅니다."
    )
    for address in (story_url(story), story_url(story, "/en"), story_url(other_story), "/"):
        client.get(address)
    assert "반론보도" not in Client().get(story_url(story)).content.decode()

    step(editor_client, reply, "publish")
    step(editor_client, hidden, "publish")

    korean = Client().get(story_url(story))
    assert korean.context is not None  # rendered afresh
    page = korean.content.decode()
    assert "반론보도" in page
    assert "청구인: 김하늘" in page
    assert "정정보도 청구" in page
    assert "청구인 (이름 비공개)" in page
    assert "익명 요청자" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    assert "감사 보고서를 공개합니다." in page
    english = Client().get(story_url(story, "/en")).content.decode()
    assert "Reply" in english
    assert "From 김하늘" in english
    # Nothing else a reader sees changed: the other story and the home page stay kept.
    assert Client().get(story_url(other_story)).context is None
    assert Client().get("/").context is None


def test_replies_cost_the_story_page_no_query_without_any_and_one_when_it_is_first_rendered(
    story, commenter_client, editor_client
):
    """The count kept on the story says whether there are replies; the replies are then kept with the story
    (articles.views.stories.public_story), so a page rendered outside the page cache reads them once."""

    def reply_queries(client) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(story_url(story)).status_code == 200
        return sum("articles_replyrequest" in query["sql"] for query in queries.captured_queries)

    assert reply_queries(commenter_client) == 0
    step(editor_client, received(story, state="accepted"), "publish")
    assert reply_queries(commenter_client) == 1
    assert reply_queries(commenter_client) == 0  # a signed-in reader's own page, with the kept story


def test_a_published_reply_deleted_leaves_the_story_page(client, editor_client, story):
    reply = received(story, state="accepted")
    step(editor_client, reply, "publish")
    assert "반론보도" in client.get(story_url(story)).content.decode()

    ReplyRequest.objects.get(pk=reply.pk).delete()

    assert Article.objects.get(pk=story.pk).published_reply_count == 0
    assert "반론보도" not in Client().get(story_url(story)).content.decode()
