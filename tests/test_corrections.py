"""Corrections (정정): a public note with its date, written by an editor with an edit of a live story, shown at
the foot of the story, on /corrections/ and its feed, and in the story's structured data."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext

from articles.models import Article, Correction, Section
from articles.pagination import PER_PAGE
from articles.revisions import describe_note, revisions_of
from tests.admin_forms import story_form_data
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

NOTE_KO = "기사 초판에서 개방 시간을 잘못 적었습니다. 도서관은 자정이 아니라 밤새 문을 엽니다."
NOTE_EN = "An earlier version gave the wrong opening hours: the library stays open all night, not until midnight."


@pytest.fixture
def live_story(section, reporter):
    return make_article(
        section, reporter, status=Article.Status.PUBLISHED, title_ko="도서관 24시간 개방",
        title_en="Library opens around the clock", body_en="<p>Until midnight.</p>",
    )  # fmt: skip


def page_url(story, language=""):
    return f"{language}/news/{story.pk}/{story.slug}/"


def save_with_correction(client, story, **fields):
    data = story_form_data(story, **{"body_en": "<p>All night.</p>", **fields})
    return client.post(f"/admin/articles/article/{story.pk}/change/", data)


def json_ld(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))


def test_an_editors_correction_shows_at_the_foot_of_the_story_in_each_language(editor_client, editor, live_story):
    with time_machine.travel(timezone.now().replace(microsecond=654_321), tick=False):
        response = save_with_correction(
            editor_client, live_story, correction_note_ko=NOTE_KO, correction_note_en=NOTE_EN
        )

    assert response.status_code == 302
    correction = Correction.objects.get(article=live_story)
    assert (correction.note_ko, correction.note_en, correction.by) == (NOTE_KO, NOTE_EN, editor)
    korean = Client().get(page_url(live_story)).content.decode()
    english = Client().get(page_url(live_story, "/en")).content.decode()
    assert "정정" in korean
    assert NOTE_KO in korean
    assert NOTE_EN not in korean
    assert "Correction" in english
    assert NOTE_EN in english
    # The moment to the second: browsers and validators read at most three fraction digits.
    assert re.search(
        r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+09:00">[^<]+</time> ' + re.escape(NOTE_EN), english
    )


def test_the_story_structured_data_carries_its_corrections(editor_client, live_story):
    save_with_correction(editor_client, live_story, correction_note_ko=NOTE_KO, correction_note_en=NOTE_EN)
    correction = Correction.objects.get()

    data = json_ld(Client().get(page_url(live_story, "/en")).content.decode())

    published = timezone.localtime(correction.published_at).isoformat(timespec="seconds")
    assert data["correction"] == [{"@type": "CorrectionComment", "text": NOTE_EN, "datePublished": published}]
    assert "correction" not in json_ld(
        Client().get(page_url(make_article(live_story.section, status="published"))).content.decode()
    )


def test_a_note_alone_is_not_a_change_of_the_story_in_its_history(editor_client, live_story):
    save_with_correction(editor_client, live_story, body_en=live_story.body_en, correction_note_en=NOTE_EN)

    assert Correction.objects.get().note_en == NOTE_EN
    assert describe_note(revisions_of(live_story).first().revision.comment) == gettext("Saved.")
    assert editor_client.get(f"/admin/articles/article/{live_story.pk}/change/").status_code == 200


def test_a_save_without_a_note_or_of_a_story_not_on_the_site_makes_no_correction(editor_client, live_story, draft):
    save_with_correction(editor_client, live_story)
    save_with_correction(editor_client, draft, correction_note_en="Crafted on a draft")

    assert not Correction.objects.exists()
    assert "correction_note_en" not in editor_client.get(f"/admin/articles/article/{draft.pk}/change/").content.decode()


def test_publishing_a_staged_edit_can_carry_the_correction(editor_client, live_story):
    data = story_form_data(live_story, title_en="Library opens all night")
    editor_client.post(f"/admin/articles/article/{live_story.pk}/change/", {**data, "_stage": "1"})

    editor_client.post(
        f"/admin/articles/article/{live_story.pk}/staged-edit/",
        {
            "version": Article.objects.get(pk=live_story.pk).version,
            "_publish_staged": "1",
            "correction_note_en": NOTE_EN,
        },
    )

    correction = Correction.objects.get(article=live_story)
    assert correction.note_en == NOTE_EN
    assert correction.note_ko == ""
    assert NOTE_EN in Client().get(page_url(live_story)).content.decode()  # the Korean page falls back to it


def test_the_corrections_page_lists_newest_first_in_both_languages_linking_each_story(section, live_story):
    older = make_article(section, status=Article.Status.PUBLISHED, title_en="Older story", title_ko="이전 기사")
    hidden = make_article(section, status=Article.Status.REVIEW, title_en="Taken off the site")
    now = timezone.now()
    Correction.objects.create(
        article=older, note_ko="옛 정정", note_en="Old correction", published_at=now - timedelta(days=3)
    )
    Correction.objects.create(article=live_story, note_ko=NOTE_KO, note_en=NOTE_EN, published_at=now)
    Correction.objects.create(article=hidden, note_en="Not for readers", published_at=now)

    korean = Client().get("/corrections/").content.decode()
    english = Client().get("/en/corrections/").content.decode()

    assert korean.index(NOTE_KO) < korean.index("옛 정정")
    assert english.index(NOTE_EN) < english.index("Old correction")
    assert "Not for readers" not in english
    assert f'href="{page_url(live_story, "/en")}#correction-' in english
    assert 'type="application/rss+xml"' in english


def test_the_corrections_page_pages_like_the_other_lists(section, live_story):
    now = timezone.now()
    Correction.objects.bulk_create(
        Correction(article=live_story, note_en=f"Correction number {n}", published_at=now - timedelta(minutes=n))
        for n in range(PER_PAGE + 1)
    )

    first = Client().get("/en/corrections/").content.decode()
    older = re.search(r'href="\?older=([^"]+)"', first).group(1)
    second = Client().get(f"/en/corrections/?older={older}").content.decode()

    assert "Correction number 0<" in first
    assert f"Correction number {PER_PAGE}<" not in first
    assert f"Correction number {PER_PAGE}<" in second


def test_the_corrections_feed_has_each_public_correction_with_its_story(section, live_story):
    Correction.objects.create(article=live_story, note_ko=NOTE_KO, note_en=NOTE_EN)

    feed = Client().get("/en/corrections/feed/")

    assert feed["Content-Type"].startswith("application/rss+xml")
    content = feed.content.decode()
    assert NOTE_EN in content
    correction = Correction.objects.get()
    assert f"<link>http://testserver{page_url(live_story, '/en')}#correction-{correction.pk}</link>" in content


def test_kept_pages_follow_a_correction_added_edited_and_deleted(editor_client, live_story):
    reader = Client()
    addresses = [page_url(live_story, "/en"), "/en/corrections/", "/en/corrections/feed/"]
    for address in addresses:
        reader.get(address)  # kept in the cache

    correction = Correction.objects.create(article=live_story, note_en=NOTE_EN)
    assert all(NOTE_EN in reader.get(address).content.decode() for address in addresses)

    editor_client.post(
        f"/admin/articles/correction/{correction.pk}/change/",
        {"article": live_story.pk, "note_ko": NOTE_KO, "note_en": "Corrected correction",
         "published_at_0": "2026-05-01", "published_at_1": "10:00:00"},
    )  # fmt: skip
    assert all("Corrected correction" in reader.get(address).content.decode() for address in addresses)

    editor_client.post(f"/admin/articles/correction/{correction.pk}/delete/", {"post": "yes"})
    assert not Correction.objects.exists()
    assert not any("Corrected correction" in reader.get(address).content.decode() for address in addresses)


def test_the_corrections_page_query_count_is_fixed(client, section, django_assert_max_num_queries):
    """Guards the N+1 of each correction's story and its section (for the story's address)."""
    for number in range(12):
        other = Section.objects.create(name_ko=f"섹션 {number}", name_en=f"Section {number}", slug=f"section-{number}")
        story = make_article(other, status=Article.Status.PUBLISHED, title_en=f"Story {number}")
        Correction.objects.create(article=story, note_ko=f"정정 {number}", note_en=f"Correction {number}")

    with django_assert_max_num_queries(3):
        assert client.get("/en/corrections/").status_code == 200


def test_a_note_typed_with_a_staged_edit_waits_with_it_for_publication(editor_client, live_story):
    data = story_form_data(live_story, title_en="Library opens all night", correction_note_ko=NOTE_KO)
    editor_client.post(f"/admin/articles/article/{live_story.pk}/change/", {**data, "_stage": "1"})

    review = editor_client.get(f"/admin/articles/article/{live_story.pk}/staged-edit/")

    assert not Correction.objects.exists()
    assert review.context["form"].initial["correction_note_ko"] == NOTE_KO
    assert NOTE_KO in review.content.decode()
