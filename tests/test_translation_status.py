"""Translation status: which languages a story has, which it was written in, and when its translation is out of
date — in the newsroom's list and form, on a side-by-side page, and on the reader's page of the translation."""

import re

import pytest
from django.test import Client

from articles.models import Article, Tag
from tests.admin_forms import story_form_data
from tests.conftest import make_article

KOREAN_NOTE = "이 번역은 원문이 수정되기 전 버전입니다"
ENGLISH_NOTE = "This translation predates the latest revision of the original"


@pytest.fixture
def korean_story(section, reporter):
    """Written in Korean, translated into English, published."""
    return make_article(
        section, reporter, status=Article.Status.PUBLISHED,
        title_ko="총학생회 선거 연기", title_en="Student council election postponed",
        subtitle_ko="다음 달로", subtitle_en="Until next month",
        summary_ko="선거관리위원회가 일정을 바꿨다.", summary_en="The election committee changed the schedule.",
        body_ko="<p>선거가 한 달 미뤄졌다.</p>", body_en="<p>The election was put off by a month.</p>",
    )  # fmt: skip


@pytest.fixture
def english_story(section, reporter):
    """Written in English (its first headline), translated into Korean afterwards, published."""
    story = make_article(
        section, reporter, status=Article.Status.PUBLISHED,
        title_en="Exchange students arrive", body_en="<p>Two hundred students arrived on Monday.</p>",
    )  # fmt: skip
    story.title_ko, story.body_ko = "교환학생 입국", "<p>월요일에 200명이 도착했다.</p>"
    story.save()
    return story


def save_story_form(client, article, **changes):
    response = client.post(f"/admin/articles/article/{article.pk}/change/", story_form_data(article, **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    article.refresh_from_db()
    return article


def test_original_language_is_the_first_headlines_and_the_newsroom_may_change_it(editor_client, section):
    data = story_form_data(section=section, title_en="Library hours", body_en="<p>Open late.</p>")
    assert editor_client.post("/admin/articles/article/add/", data).status_code == 302
    english = Article.objects.get(title_en="Library hours")
    assert english.original_language == "en"
    data = story_form_data(section=section, title_ko="도서관 연장 운영", title_en="Library open late")
    editor_client.post("/admin/articles/article/add/", data)
    both = Article.objects.get(title_en="Library open late")
    assert both.original_language == "ko"

    save_story_form(editor_client, both, original_language="en")
    assert both.original_language == "en"
    assert not both.translation_stale


def test_changing_the_original_marks_the_translation_out_of_date(editor_client, korean_story, english_story):
    save_story_form(editor_client, korean_story, body_ko="<p>선거가 두 달 미뤄졌다.</p>")
    assert korean_story.translation_stale
    save_story_form(editor_client, english_story, title_en="Exchange students arrive early")
    assert english_story.translation_stale


def test_saves_that_leave_the_original_as_it_was_keep_the_translation_current(editor_client, editor, korean_story):
    # The form as opened and saved (bodies as the editor sends them back), tags, placement, workflow steps.
    save_story_form(editor_client, korean_story, body_ko="<p>선거가 한 달 미뤄졌다.</p>")
    korean_story.tags.add(Tag.objects.create(name_ko="선거", name_en="Elections", slug="elections"))
    save_story_form(editor_client, korean_story, placement="lead", placement_order=2)
    korean_story.unpublish(by=editor)
    korean_story.publish(by=editor)
    korean_story.refresh_from_db()
    assert not korean_story.translation_stale
    # A single-language story has no translation to be out of date.
    single = make_article(korean_story.section, title_ko="학식 가격 동결", title_en="")
    single.title_ko = "학식 가격 내년까지 동결"
    single.save()
    single.refresh_from_db()
    assert single.original_language == "ko"
    assert not single.translation_stale


def test_stories_list_placement_edit_keeps_staleness_as_it_was(editor_client, korean_story):
    Article.objects.filter(pk=korean_story.pk).update(translation_stale=True)
    data = {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": korean_story.pk,
        "form-0-placement": "important", "form-0-placement_order": "1", "_save": "Save",
    }  # fmt: skip
    assert editor_client.post("/admin/articles/article/", data).status_code == 302
    korean_story.refresh_from_db()
    assert korean_story.placement == "important"
    assert korean_story.translation_stale


def test_updating_the_translation_or_marking_it_current_clears_the_mark(editor_client, korean_story, english_story):
    save_story_form(editor_client, korean_story, body_ko="<p>선거가 두 달 미뤄졌다.</p>")
    save_story_form(editor_client, korean_story, body_en="<p>The election was put off by two months.</p>")
    assert not korean_story.translation_stale

    save_story_form(editor_client, english_story, title_en="Exchange students arrive early")
    form_page = editor_client.get(f"/admin/articles/article/{english_story.pk}/change/").content.decode()
    assert 'name="mark_translation_current"' in form_page
    assert "한국어 번역이 영어 원문의 최근 수정 전 버전입니다." in form_page
    save_story_form(editor_client, english_story, mark_translation_current="on")
    assert not english_story.translation_stale
    form_page = editor_client.get(f"/admin/articles/article/{english_story.pk}/change/").content.decode()
    assert 'name="mark_translation_current"' not in form_page


def test_the_form_opens_on_the_tab_of_the_original_language(editor_client, korean_story, english_story):
    def open_tab(story):
        page = editor_client.get(f"/admin/articles/article/{story.pk}/change/").content.decode()
        select = re.search(r'<select[^>]*name="original_language"[^>]*>', page).group(0)
        return re.search(r'data-open-tab="(\w+)"', select).group(1)

    assert open_tab(english_story) == "en"
    assert open_tab(korean_story) == "ko"
    # Shown again with an error, the form opens where the error is (modeltranslation's own choice).
    data = story_form_data(english_story, title_ko="", title_en="")
    page = editor_client.post(f"/admin/articles/article/{english_story.pk}/change/", data).content.decode()
    assert "data-open-tab" not in page


def test_stories_list_shows_each_storys_languages_and_filters_by_them(
    editor_client, section, korean_story, english_story
):
    korean_only = make_article(section, title_ko="기숙사 공사", title_en="")
    english_only = make_article(section, title_en="Campus bus timetable")
    Article.objects.filter(pk=english_story.pk).update(translation_stale=True)

    page = editor_client.get("/admin/articles/article/").content.decode()
    assert '<span class="translation-badge" title="한국어: 원문">한</span> · ' in page
    assert (
        '<span class="translation-badge translation-badge--stale" title="한국어: 최신 아님">한 <small>최신 아님' in page
    )

    def listed(state):
        response = editor_client.get("/admin/articles/article/", {"translation": state})
        return {story.pk for story in response.context["cl"].result_list}

    assert listed("ko_only") == {korean_only.pk}
    assert listed("en_only") == {english_only.pk}
    assert listed("both") == {korean_story.pk, english_story.pk}
    assert listed("stale") == {english_story.pk}


def test_side_by_side_view_shows_both_languages_as_readers_see_them(editor_client, korean_story):
    Article.objects.filter(pk=korean_story.pk).update(
        body_en='<p>The election was put off.</p><script>alert("x")</script><p onclick="steal()">Later.</p>'
    )
    url = f"/admin/articles/article/{korean_story.pk}/translation/"
    page = editor_client.get(url).content.decode()
    shown = (
        "총학생회 선거 연기", "Student council election postponed", "다음 달로", "Until next month",
        "선거관리위원회가 일정을 바꿨다.", "<p>선거가 한 달 미뤄졌다.</p>", "<p>The election was put off.</p>",
    )  # fmt: skip
    for text in shown:
        assert text in page
    assert "<script>alert" not in page
    assert "onclick" not in page
    assert 'lang="ko">총학생회 선거 연기' in page
    assert 'lang="en">Student council election postponed' in page
    change_form = editor_client.get(f"/admin/articles/article/{korean_story.pk}/change/").content.decode()
    assert f'href="{url}"' in change_form


def test_side_by_side_view_only_for_those_who_may_see_the_story(
    reporter_client, client, reader, section, korean_story, other_reporter
):
    others_draft = make_article(section, other_reporter, created_by=other_reporter.user, title_ko="남의 초안")
    assert reporter_client.get(f"/admin/articles/article/{others_draft.pk}/translation/").status_code == 403
    # Their own, and anyone's published story, they may see.
    assert reporter_client.get(f"/admin/articles/article/{korean_story.pk}/translation/").status_code == 200
    assert reporter_client.get("/admin/articles/article/99999/translation/").status_code == 404
    # A published story is theirs to read, not to change: the form says the translation lags, offers no checkbox.
    Article.objects.filter(pk=korean_story.pk).update(translation_stale=True)
    form_page = reporter_client.get(f"/admin/articles/article/{korean_story.pk}/change/").content.decode()
    assert "영어 번역이 한국어 원문의 최근 수정 전 버전입니다." in form_page
    assert "mark_translation_current" not in form_page
    client.force_login(reader)
    response = client.get(f"/admin/articles/article/{korean_story.pk}/translation/")
    assert response.status_code == 302
    assert "/login/" in response.url
    assert Client().get(f"/admin/articles/article/{korean_story.pk}/translation/").status_code == 302


def test_reader_sees_the_note_on_an_out_of_date_translation_in_its_language(
    editor_client, client, korean_story, english_story
):
    korean_url = f"/news/{korean_story.pk}/{korean_story.slug}/"
    english_url = f"/en/news/{english_story.pk}/{english_story.slug}/"
    for url in (korean_url, f"/en{korean_url}", english_url, english_url.removeprefix("/en")):
        assert "story__language-note--stale" not in client.get(url).content.decode()  # kept in the cache now

    save_story_form(editor_client, korean_story, body_ko="<p>선거가 두 달 미뤄졌다.</p>")
    save_story_form(editor_client, english_story, body_en="<p>Three hundred students arrived on Monday.</p>")

    english_page = client.get(f"/en{korean_url}").content.decode()
    assert ENGLISH_NOTE in english_page
    assert KOREAN_NOTE not in english_page
    assert f'<a href="{korean_url}" hreflang="ko">Read the original (<span lang="ko">한국어</span>)</a>' in english_page
    assert 'role="note"' in english_page
    korean_page = client.get(english_url.removeprefix("/en")).content.decode()
    assert KOREAN_NOTE in korean_page
    assert ENGLISH_NOTE not in korean_page
    assert 'hreflang="en">원문 보기 (<span lang="en">English</span>)' in korean_page
    # The originals' own pages have no note.
    assert "story__language-note--stale" not in client.get(korean_url).content.decode()
    assert "story__language-note--stale" not in client.get(english_url).content.decode()

    save_story_form(editor_client, korean_story, mark_translation_current="on")
    assert ENGLISH_NOTE not in client.get(f"/en{korean_url}").content.decode()


def test_single_language_story_has_no_note(client, section):
    story = make_article(section, status=Article.Status.PUBLISHED, title_en="Only in English")
    Article.objects.filter(pk=story.pk).update(translation_stale=True)  # even if it were set, there is no translation
    assert "story__language-note--stale" not in client.get(f"/news/{story.pk}/{story.slug}/").content.decode()


def test_marking_current_in_a_form_someone_saved_over_meanwhile(editor_client, korean_story):
    save_story_form(editor_client, korean_story, body_ko="<p>선거가 두 달 미뤄졌다.</p>")
    opened = Article.objects.get(pk=korean_story.pk)  # the form as opened, then a colleague moves the story
    korean_story.placement = Article.Placement.LEAD
    korean_story.save()

    save_story_form(editor_client, opened, mark_translation_current="on")
    assert not opened.translation_stale
    assert opened.placement == Article.Placement.LEAD  # their change kept, merged with this save
