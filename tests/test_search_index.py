"""Story search through an index on both engines (articles/search.py): what each kind of word matches, the order
of the results, the index kept in step with every way stories change, and on PostgreSQL no query form reading
the whole stories table."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from articles import backup_rows
from articles.models import Article
from articles.search import SQLITE_TABLE, search_stories, search_terms, update_search_documents
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

PUBLISHED = Article.Status.PUBLISHED


def found(query, **options) -> list[str]:
    """The English headlines of the published stories a query finds, in the order search gives them."""
    return [story.title_en for story in search_stories(Article.objects.published(), search_terms(query), **options)]


def page(client, query) -> list[str]:
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200
    return [story.title_en for story in response.context["results"]]


def story(section, title_en, *, hours_ago=1, **fields):
    published_at = timezone.now() - timedelta(hours=hours_ago)
    return make_article(section, status=PUBLISHED, title_en=title_en, published_at=published_at, **fields)


def test_a_two_syllable_korean_word_is_found_inside_longer_words(client, section):
    story(section, "Middle school", body_ko="<p>중학교에서 축제가 열렸다.</p>")
    story(section, "School", title_ko="학교 소식")
    story(section, "Elsewhere", body_ko="<p>학생들이 교문 앞에 모였다.</p>")  # 학 and 교 apart

    assert sorted(page(client, "학교")) == ["Middle school", "School"]
    assert page(client, "축제") == ["Middle school"]


def test_a_longer_korean_word_is_found_as_a_substring_and_only_whole(client, section):
    story(section, "Council", title_ko="총학생회 선거")
    story(section, "Library", body_ko="<p>도서관이 문을 연다.</p>")
    # 학생 and 생회 are both here, but not 학생회: the bigrams must be side by side.
    story(section, "Apart", body_ko="<p>학생 발생회 보고</p>")

    assert page(client, "학생회") == ["Council"]
    assert page(client, "도서관") == ["Library"]
    assert page(client, "총학생회") == ["Council"]


def test_english_words_are_stemmed_both_ways(client, section):
    story(section, "One library", body_en="<p>The library opens.</p>")
    story(section, "Many", body_en="<p>Both libraries close.</p>")

    assert sorted(page(client, "libraries")) == ["Many", "One library"]
    assert sorted(page(client, "library")) == ["Many", "One library"]


def test_a_one_character_query_matches_whole_words_only(client, section):
    story(section, "Plan A", body_ko="<p>물 부족이 심각하다.</p>")
    story(section, "Banana bread", body_ko="<p>생물학과 물이 있다.</p>")

    assert page(client, "a") == ["Plan A"]
    assert page(client, "물") == ["Plan A"]
    assert page(client, "z") == []


def test_a_word_mixing_korean_and_latin_letters_needs_both_parts(client, section):
    story(section, "Chips", title_ko="AI반도체 연구소 개소", body_en="<p>Research on chips.</p>")
    story(section, "Other chips", title_ko="반도체 공장")

    assert page(client, "AI반도체") == ["Chips"]
    assert page(client, "ai") == ["Chips"]
    assert sorted(page(client, "반도체")) == ["Chips", "Other chips"]
    assert page(client, "반도체 research") == ["Chips"]
    assert page(client, "3월 반도체") == []


def test_every_word_of_the_query_must_match(client, section):
    story(section, "Both", title_ko="도서관 축제")
    story(section, "One", title_ko="도서관 공사")

    assert page(client, "도서관 축제") == ["Both"]


def test_headline_matches_come_first_then_standfirst_then_body_each_newest_first(section):
    """The same order on both engines: this test runs in the SQLite and in the PostgreSQL suite."""
    story(section, "Body, newest", hours_ago=1, body_en="<p>The festival was loud.</p>", body_ko="<p>축제</p>")
    story(section, "Headline, oldest", hours_ago=50, title_ko="축제 festival")
    story(section, "Summary", hours_ago=3, summary_en="A festival opens.", summary_ko="축제 개막")
    story(section, "Headline, newer", hours_ago=40, title_ko="가을 축제 festival")
    story(section, "Subtitle", hours_ago=30, subtitle_en="Festival week", subtitle_ko="축제 주간")
    story(section, "Body, older", hours_ago=20, body_ko="<p>축제가 열렸다.</p>", body_en="<p>festivals</p>")

    expected = ["Headline, newer", "Headline, oldest", "Summary", "Subtitle", "Body, newest", "Body, older"]
    assert found("festival") == found("축제") == expected
    assert found("festival", order="newest") == ["Body, newest", "Summary", "Body, older", "Subtitle",
                                                 "Headline, newer", "Headline, oldest"]  # fmt: skip


def test_a_headline_match_needs_every_word_in_the_headline(section):
    story(section, "Split", hours_ago=1, title_ko="도서관 개관", body_ko="<p>축제</p>")
    story(section, "Both in the headline", hours_ago=9, title_ko="도서관 축제")

    assert found("도서관 축제") == ["Both in the headline", "Split"]


def test_a_slice_is_the_slice_of_ranking_every_match(section):
    """Slices are ranked among the newest of each tier (articles.search.RankedSearch): the same stories in the
    same order as ranking them all, whatever the slice, best first or reordered newest first."""
    fields = [{"title_ko": "축제"}, {"summary_ko": "축제"}, {"body_ko": "<p>축제</p>"}, {"subtitle_ko": "축제"}]
    for number in range(24):
        story(section, f"Story {number}", hours_ago=number * 7 % 24 + 1, **fields[number * 5 % 7 % 4])
    results = search_stories(Article.objects.published(), ["축제"])
    everything = [s.pk for s in iter(results)]  # unsliced: every match ranked
    newest = [s.pk for s in iter(results.order_by("-published_at", "-pk"))]

    assert len(everything) == 24 == results.count()
    for start, stop in [(0, 3), (0, 5), (3, 9), (5, 6), (10, 24), (0, 30)]:
        assert [s.pk for s in results[start:stop]] == everything[start:stop]
        assert [s.pk for s in results.order_by("-published_at", "-pk")[start:stop]] == newest[start:stop]


def test_results_can_be_counted_sliced_filtered_before_and_ordered_again(section):
    for hours in range(5):
        story(section, f"Exam {hours}", hours_ago=hours + 1, body_en="<p>exam</p>")
    results = search_stories(Article.objects.published().filter(title_en__endswith="3") | Article.objects.none(),
                             ["exam"])  # fmt: skip
    everything = search_stories(Article.objects.published(), ["exam"])

    assert [s.title_en for s in results] == ["Exam 3"]
    assert everything.count() == 5
    assert [s.title_en for s in everything[1:3]] == ["Exam 1", "Exam 2"]
    assert [s.title_en for s in everything.order_by("published_at")][:1] == ["Exam 4"]


def test_the_index_follows_edits_and_the_workflow(client, section, editor):
    draft = make_article(section, title_en="Draft", body_ko="<p>등록금 동결</p>")
    draft.publish(by=editor)
    assert page(client, "등록금") == ["Draft"]

    draft.refresh_from_db()
    draft.body_ko = "<p>장학금 확대</p>"
    draft.save()

    assert page(client, "등록금") == []
    assert page(client, "장학금") == ["Draft"]


def test_the_index_follows_bulk_writes_once_they_are_indexed(client, section):
    (bulk,) = Article.objects.bulk_create(
        [
            Article(
                section=section,
                slug="bulk",
                title_en="Bulk",
                title_ko="기숙사",
                status=PUBLISHED,
                published_at=timezone.now(),
            )
        ]
    )
    update_search_documents(Article.objects.filter(pk=bulk.pk))
    assert page(client, "기숙사") == ["Bulk"]

    Article.objects.filter(pk=bulk.pk).update(title_ko="식당")
    update_search_documents(Article.objects.filter(pk=bulk.pk))

    assert page(client, "기숙사") == []
    assert page(client, "식당") == ["Bulk"]


def sqlite_index_rows() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {SQLITE_TABLE} ORDER BY rowid")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def test_deleted_stories_leave_the_index(client, section, editor):
    kept = story(section, "Kept", title_ko="버스 노선")
    gone = story(section, "Gone", title_ko="버스 증차")
    gone.move_to_trash(by=editor)
    assert page(client, "버스") == ["Kept"]

    Article.objects.in_trash().delete_for_good()

    assert page(client, "버스") == ["Kept"]
    if connection.vendor == "sqlite":
        assert sqlite_index_rows() == [kept.pk]


def test_stories_loaded_from_a_fixture_are_indexed(client, section, tmp_path):
    story(section, "Loaded", title_ko="동아리 박람회")
    path = tmp_path / "stories.json"
    call_command("dumpdata", "articles.section", "articles.article", output=str(path), verbosity=0)
    rows = json.loads(path.read_text())
    for row in rows:
        row["fields"].pop("search_document", None)
        row["fields"].pop("search_standfirst", None)
    path.write_text(json.dumps(rows))
    Article.objects.all().delete()
    assert page(client, "동아리") == []

    call_command("loaddata", str(path), verbosity=0)

    assert page(client, "동아리") == ["Loaded"]
    assert page(client, "박람") == ["Loaded"]


def test_a_restore_indexes_the_stories_it_brings_back(client, section, tmp_path, settings):
    kept = story(section, "Restored", title_ko="졸업식 일정")
    archive = tmp_path / "ktnews.tar"
    call_command("backup", str(archive))
    # A change made after the backup (written without indexing): the restore must index what it brings back.
    Article.objects.filter(pk=kept.pk).update(title_ko="입학식 일정")
    story(section, "After the backup", title_ko="졸업 사진")
    connection.check_constraints()  # PostgreSQL truncates no table with checks still pending in the transaction
    backup_rows.empty_tables()
    settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT = tmp_path / "new-media", tmp_path / "new-private"

    with translation.override("en"):
        call_command("restore", str(archive))

    assert page(client, "졸업") == ["Restored"]
    assert page(client, "입학식") == []
    if connection.vendor == "sqlite":
        assert sqlite_index_rows() == [kept.pk]


#: Every form of query readers type, each with a word the data below makes frequent, rare or absent.
QUERY_FORMS = {
    "frequent three-syllable Korean": "도서관",
    "frequent two-syllable Korean": "학교",
    "rare Korean": "천문대",
    "absent Korean": "양자컴퓨터",
    "English inflection": "libraries",
    "rare English": "telescope",
    "absent English": "zeppelin",
    "one character": "a",
    "one Korean syllable": "물",
    "two characters": "ai",
    "mixed Korean and English": "AI반도체 library",
    "mixed in one word": "AI반도체",
}


def make_archive(section) -> None:
    """A few thousand stories: most about the library and schools, a few about the observatory."""
    now = timezone.now()
    stories = [
        Article(
            section=section, status=PUBLISHED, published_at=now - timedelta(hours=number), slug=f"story-{number}",
            title_ko=f"도서관 소식 {number}", title_en=f"Library news {number}",
            summary_ko="학교 도서관이 문을 연다", summary_en="The libraries open a new wing",
            body_ko=f"<p>{'학생들이 학교 도서관에서 공부한다. ' * 20}{'천문대 견학' if number % 500 == 0 else ''}</p>",
            body_en=f"<p>{'Students study in the library. ' * 20}{'telescope' if number % 500 == 0 else ''}</p>",
        )
        for number in range(3000)
    ]  # fmt: skip
    Article.objects.bulk_create(stories, batch_size=500)
    update_search_documents(Article.objects.all())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")


def plans(terms) -> dict[str, str]:
    """The plans of a first page best first and newest first, and of counting up to a bound."""
    best_first = search_stories(Article.objects.published(), terms)
    newest_first = search_stories(Article.objects.published(), terms, order="newest")
    explained = {"best first": best_first[:21].explain(), "newest first": newest_first[:21].explain()}
    with CaptureQueriesContext(connection) as counted:
        newest_first[:COUNTED].count()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {counted[0]['sql']}")
        explained["counted up to a bound"] = "\n".join(row[0] for row in cursor.fetchall())
    return explained


COUNTED = 1_000


@pytest.mark.postgresql
def test_no_query_form_reads_the_whole_stories_table(section):
    """A word found in every story is still found through the index on its newest stories: the page stops
    reading once it has its stories. Counting every match of such a word reads them all: a page counts up to
    a bound (newest first, [:COUNTED])."""
    make_archive(section)

    scanned = {}
    for form, query in QUERY_FORMS.items():
        for name, explained in plans(search_terms(query)).items():
            if "Seq Scan on articles_article" in explained:
                scanned[f"{form}, {name}"] = explained
    assert not scanned, "\n\n".join(f"{name}:\n{explained}" for name, explained in scanned.items())
