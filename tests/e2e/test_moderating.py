"""An editor's busy morning in a real browser: a reported comment, deleted for good through the warning."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from articles.models import Article, Comment, CommentReport, ModerationLogEntry
from tests.conftest import make_article, make_commenter, make_user
from tests.e2e.conftest import collect_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_editor_deletes_a_reported_comment_permanently_through_the_warning(open_reader_page, live_server, section):
    editor = make_user("editor", "Editors")
    story = make_article(section, status=Article.Status.PUBLISHED, title_en="Night buses return")
    author, reporter_of_it = make_commenter("troll", "trolling"), make_commenter("kind", "kind_reader")
    comment = Comment.objects.create(article=story, author=author, body="An insulting remark")
    Comment.objects.create(article=story, author=reporter_of_it, body="A kind remark")
    CommentReport.objects.create(comment=comment, reporter=reporter_of_it, reason="abuse", details="insult")

    client = Client()
    client.force_login(editor)
    page = open_reader_page()
    errors = []
    collect_errors(page, errors)
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip

    page.goto("/admin/")
    page.get_by_role("link", name="검토를 기다리는 댓글이 1개 있습니다 (신고·보류).").click()
    row = page.locator("#result_list tbody tr", has_text="An insulting remark")
    expect(row).to_contain_text("insult")
    expect(page.locator("#result_list")).not_to_contain_text("A kind remark")
    row.locator("input.action-select").check()
    page.locator("select[name=action]").select_option("delete_selected")
    page.locator("button[name=index]").click()

    expect(page.locator(".irreversible-warning")).to_have_text(
        "삭제한 댓글은 다시 복구할 수 없습니다. 그래도 삭제하시겠습니까?"
    )
    expect(page.locator("#content")).to_contain_text("An insulting remark")
    assert Comment.objects.filter(pk=comment.pk).exists()
    page.locator("input[type=submit]").first.click()

    expect(page.locator(".messagelist")).to_be_visible()
    assert not Comment.objects.filter(body="An insulting remark").exists()
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.comment_id, entry.editor) == ("delete", comment.pk, editor)

    page.goto(f"/news/{story.pk}/{story.slug}/")
    expect(page.locator("#comments")).not_to_contain_text("An insulting remark")
    expect(page.locator("#comments-heading")).to_have_text("댓글 1")
    assert errors == []
