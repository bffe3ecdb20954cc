"""Preview links: a source or an adviser reads an unpublished story through a link that expires, can be revoked,
is never indexed, cached or commented on, and answers 404 once it is over."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles.models import Article, Comment, PreviewLink
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(section, reporter):
    return make_article(
        section, reporter, created_by=reporter.user, title_ko="기숙사 신축 계획", title_en="New dormitory plans",
        body_ko="<p>학교가 기숙사를 새로 짓는다.</p>",
    )  # fmt: skip


def links_page(draft):
    return f"/admin/articles/previewlink/story/{draft.pk}/"


def make_link(client, draft, days=7) -> PreviewLink:
    response = client.post(links_page(draft), {"days": days})
    assert response.status_code == 302
    return PreviewLink.objects.latest("pk")


def test_the_storys_reporter_makes_a_link_valid_seven_days_and_copies_it(reporter_client, reporter, draft):
    assert (
        f'href="{links_page(draft)}"'
        in reporter_client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()
    )

    with time_machine.travel(timezone.now(), tick=False):
        link = make_link(reporter_client, draft, days=7)
        assert link.expires_at == timezone.now() + timedelta(days=7)
    assert link.created_by == reporter.user
    assert len(link.token) >= 40
    page = reporter_client.get(links_page(draft)).content.decode()
    assert f'value="http://testserver/preview/{link.token}/"' in page


def test_a_link_lasts_at_most_thirty_days(editor_client, draft):
    response = editor_client.post(links_page(draft), {"days": 31})
    assert response.status_code == 400
    assert "30 이하의 값을 입력해 주세요." in response.content.decode()  # the editor's language
    assert not PreviewLink.objects.exists()


def test_other_reporters_can_neither_make_nor_revoke_a_storys_links(editor_client, other_reporter, draft):
    link = make_link(editor_client, draft)
    other = Client()
    other.force_login(other_reporter.user)

    assert other.post(links_page(draft), {"days": 7}).status_code == 404  # someone else's draft is not theirs to see
    assert other.post(f"/admin/articles/previewlink/{link.pk}/revoke/").status_code == 404
    assert PreviewLink.objects.count() == 1
    link.refresh_from_db()
    assert link.revoked_at is None


def test_the_link_shows_the_story_with_a_banner_never_indexed_cached_or_commented(client, editor_client, draft):
    Comment.objects.create(article=draft, body="편집진만 보는 댓글")
    link = make_link(editor_client, draft)

    response = client.get(f"/preview/{link.token}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "기숙사 신축 계획" in page
    assert "학교가 기숙사를 새로 짓는다." in page
    until = timezone.localtime(link.expires_at).strftime("%Y-%m-%d")
    assert f"미리보기: 아직 공개되지 않은 기사입니다. 이 링크는 {until}까지 열립니다." in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert 'id="comments"' not in page
    assert "편집진만 보는 댓글" not in page
    assert 'data-read-url=""' in page  # no read beacon
    assert "정정·반론 보도 청구" not in page
    assert client.get(f"/preview/{link.token}/").context is not None  # rendered each time, never from the cache
    english = client.get(f"/en/preview/{link.token}/").content.decode()
    assert "Preview: this story is not published yet. This link works until" in english


def test_an_expired_link_answers_404(client, reporter_client, draft):
    link = make_link(reporter_client, draft, days=3)
    with time_machine.travel(link.expires_at - timedelta(seconds=1)):
        assert client.get(f"/preview/{link.token}/").status_code == 200
    with time_machine.travel(link.expires_at + timedelta(seconds=1)):
        assert client.get(f"/preview/{link.token}/").status_code == 404


def test_a_revoked_link_answers_404(client, reporter_client, draft):
    link = make_link(reporter_client, draft)
    assert client.get(f"/preview/{link.token}/").status_code == 200

    assert reporter_client.get(f"/admin/articles/previewlink/{link.pk}/revoke/").status_code == 405  # POST only
    assert reporter_client.post(f"/admin/articles/previewlink/{link.pk}/revoke/").status_code == 302

    assert client.get(f"/preview/{link.token}/").status_code == 404
    assert "취소됨" in reporter_client.get(links_page(draft)).content.decode()


def test_a_link_to_a_story_in_the_trash_answers_404_and_a_made_up_one_too(client, editor_client, editor, draft):
    link = make_link(editor_client, draft)
    draft.move_to_trash(by=editor)

    assert client.get(f"/preview/{link.token}/").status_code == 404
    assert client.get("/preview/made-up-token-of-forty-three-characters-xx/").status_code == 404


def test_a_link_to_a_story_published_since_leads_to_its_page(client, editor_client, editor, draft):
    link = make_link(editor_client, draft)
    draft.publish(by=editor)

    response = client.get(f"/preview/{link.token}/")

    assert response.status_code == 302
    assert response["Location"] == Article.objects.get(pk=draft.pk).get_absolute_url()


def test_a_link_to_a_live_storys_staged_edit_shows_the_edit_until_it_is_published(client, editor_client, editor, draft):
    from articles.models.staging import text_of
    from articles.staging import discard_staged_edit, stage_edit

    draft.publish(by=editor)
    draft.refresh_from_db()
    stage_edit(draft, {**text_of(draft), "title_ko": "기숙사 신축 계획 (정정)"}, by=editor, base_version=draft.version)
    link = make_link(editor_client, draft)

    page = client.get(f"/preview/{link.token}/").content.decode()
    assert "기숙사 신축 계획 (정정)" in page
    assert "공개 중인 기사의 수정안으로, 아직 사이트에 반영되지 않았습니다" in page
    assert "기숙사 신축 계획 (정정)" not in client.get(draft.get_absolute_url()).content.decode()  # readers: live text

    discard_staged_edit(draft.staged_edit)
    assert client.get(f"/preview/{link.token}/")["Location"] == draft.get_absolute_url()
