"""manage.py import_archive: the old site's saved story pages become published stories whose old links work.

The pages in tests/archive_samples/ are made up in the old site's two shapes: the text a browser saves
(*.txt) and the CMS's article page (*.html).
"""

import shutil
import sys
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.utils import translation

from articles import archive_import
from articles.archive_pages import UnreadablePage, read_story_page
from articles.models import Article, Byline, Reporter, Section
from articles.page_cache import CONTENT
from articles.revisions import describe_note, revisions_of
from articles.search import search_stories

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "archive_samples"
TEXT_PAGE = SAMPLES / "4211.txt"
UNNUMBERED_TEXT_PAGE = SAMPLES / "017_9c4e2b7d1a0f3e55.txt"
HTML_PAGE = SAMPLES / "library-hours.html"
NUMBERED_HTML_PAGE = SAMPLES / "articleView.html@idxno=4388.html"
#: What the old pages show around a story, none of which may reach one.
FURNITURE = [
    "상태바", "공유", "댓글", "400", "로그인", "계정", "삭제", "페이스북", "URL복사", "저작권자", "무단전재",
    "KT Reporter", "KT Cub Reporter", "Photo by KT", "많이 본 뉴스",
]  # fmt: skip


@pytest.fixture(autouse=True)
def english_output():
    """The command speaks the site's language (Korean by default); these tests read its English."""
    with translation.override("en"):
        yield


def run(*paths, **options) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_archive", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def run_failing(*paths, **options) -> tuple[str, str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_archive", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue(), str(failure.value)


def text_page(headline, *, approved="2020.04.01 10:00", reporter="황민준", subtitle="", paragraphs=None) -> str:
    """A page in the old site's plain-text shape."""
    paragraphs = paragraphs or [f"The first paragraph of {headline}.", "A second paragraph, for good measure."]
    return "\n".join([
        headline, "상태바", headline, *([subtitle] if subtitle else []),
        f"  • {reporter}", f"  • 승인 {approved}", "  • 댓글 0", "이 기사를 공유합니다", "", "KT Reporter", "",
        *(f"{paragraph}\n" for paragraph in paragraphs),
        "댓글삭제", "댓글 0", "0 / 400", "댓글쓰기",
        "계정을 선택하시면 로그인·계정인증을 통해", "댓글을 남기실 수 있습니다.",
    ])  # fmt: skip


def copy_samples(folder: Path, *samples: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for sample in samples or SAMPLES.iterdir():
        shutil.copy(sample, folder / sample.name)
    return folder


def story_text(article, language="en") -> str:
    return " ".join(str(getattr(article, f"{field}_{language}") or "") for field in ("title", "subtitle", "body"))


# Reading the two shapes


def test_a_saved_text_page_gives_headline_subtitle_byline_approval_and_paragraphs():
    story = read_story_page(TEXT_PAGE)

    assert story.headline == "Night Buses Return to the Hillside Campus"
    assert story.subtitle == "After two years, the shuttle runs until midnight again"
    assert story.reporters == ("황민준",)
    assert story.position == "KT Reporter"
    assert story.approved_at == datetime(2019, 3, 4, 6, 20, tzinfo=UTC)  # 승인 2019.03.04 15:20 in Seoul
    assert story.legacy_id == 4211  # from the file name
    assert story.paragraphs == (
        "The university's night shuttle, suspended in 2017 for lack of drivers, resumed service on Monday "
        "evening. Three buses now leave the main gate every twenty minutes between 9 p.m. and midnight.",
        'Students living in the dormitories at the top of the hill had long asked for the service. "Walking up '
        'at eleven in winter is no fun," said a sophomore in mechanical engineering who rides the last bus most '
        "nights.",
        # Cut in two on the old site ("…to the administration" / "in December…"): mended.
        "The student council collected more than 1,200 signatures last autumn and handed them to the "
        "administration in December, while the budget for the new semester was still being drafted.",
        "The transport office says the route will be reviewed at the end of the semester.",
    )


def test_an_old_html_article_page_gives_the_same_parts():
    story = read_story_page(HTML_PAGE)

    assert story.headline == "Library Extends Exam-Season Hours"
    assert story.subtitle == "Reading rooms stay open until 2 a.m. from the week before finals"
    assert story.reporters == ("Hwang Min-jun",)
    assert story.position == "KT Reporter"
    assert story.approved_at == datetime(2018, 11, 26, 0, 5, tzinfo=UTC)
    assert story.revised_at is None
    assert story.legacy_id == 3907  # the page's own address, not its links to other stories (3899, 3870)
    assert story.paragraphs == (
        "The central library will keep its reading rooms open until 2 a.m. from the week before final exams, "
        "the library office announced on Friday.",
        "The change follows a survey in which “more seats late at night” topped the list of requests, ahead of "
        "quieter group rooms & faster Wi-Fi.",
        "Security guards will check student cards at the entrance after midnight.",
    )


def test_an_html_page_with_two_reporters_and_a_writer_box():
    story = read_story_page(NUMBERED_HTML_PAGE)

    assert story.reporters == ("박지우", "최하은")
    assert story.position == "KT Cub Reporter"
    assert story.subtitle == ""
    assert story.legacy_id == 4388
    assert story.paragraphs[0].startswith("Twelve exchange students")
    assert story.paragraphs[-1] == "The stall raised 1.4 million won, which the international office will match."


@pytest.mark.parametrize("sample", sorted(SAMPLES.iterdir()), ids=lambda path: path.name)
def test_page_furniture_never_reaches_the_story(sample):
    story = read_story_page(sample)
    text = " ".join([story.headline, story.subtitle, *story.paragraphs])

    for furniture in FURNITURE:
        assert furniture not in text
    assert story.headline not in story.paragraphs
    assert "\xa0" not in text


def test_a_text_page_may_carry_its_old_address(tmp_path):
    page = tmp_path / "saved.txt"
    page.write_text(
        text_page("Chess Club Wins the City Cup") + "\nhttp://www.kutimes.ac.kr/news/articleView.html?idxno=5120\n"
    )

    assert read_story_page(page).legacy_id == 5120


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a text file"),
        (b"\xff\xfe\xfa\xfb\xfc", "is not UTF-8, UTF-16 or EUC-KR text"),  # a UTF-16 mark, then nonsense
        (b"\xc8\xff\xfe caf\xe9", "is not UTF-8, UTF-16 or EUC-KR text"),
        (text_page("No Time Here").replace("  • 승인 2020.04.01 10:00\n", "").encode(), "has no approval time"),
        (text_page("Bad Date", approved="2020.13.45 10:00").encode(), "has an impossible date"),
        (b"<html><body><p>Not a story</p></body></html>", "has no story body"),
    ],
    ids=["empty", "binary", "broken-utf16", "not-text", "no-approval", "bad-date", "not-an-article"],
)
def test_pages_that_cannot_be_read_say_why(tmp_path, content, reason):
    page = tmp_path / "page.txt"
    page.write_bytes(content)

    with pytest.raises(UnreadablePage, match=reason):
        read_story_page(page)


# Importing


def test_imported_pages_become_published_stories_in_the_first_section(db):
    culture = Section.objects.create(slug="culture", name_ko="문화", name_en="Culture", position=0)

    out, err = run(SAMPLES)

    assert out.strip() == (
        "Imported 4 files: 4 created, 0 updated, 0 unchanged, 0 failed. "
        "New reporters: 이서연, 황민준, 박지우, 최하은, Hwang Min-jun."
    )
    assert err == ""
    assert Article.objects.published().count() == 4
    story = Article.objects.get(legacy_id=4211)
    assert story.section == culture  # the site's first section (position 0), not the oldest
    assert story.status == Article.Status.PUBLISHED
    assert story.title_en == "Night Buses Return to the Hillside Campus"
    assert story.subtitle_en == "After two years, the shuttle runs until midnight again"
    assert story.published_at == datetime(2019, 3, 4, 6, 20, tzinfo=UTC)
    assert story.body_en.startswith("<p>The university's night shuttle, suspended in 2017")
    assert story.body_en.count("<p>") == 4
    assert story.body_text_en.startswith("The university's night shuttle")
    assert story.slug == "night-buses-return-to-the-hillside-campus"
    assert not story.title_ko
    for article in Article.objects.all():
        for furniture in FURNITURE:
            assert furniture not in story_text(article)


def test_the_body_is_escaped_text_in_paragraphs(section):
    run(UNNUMBERED_TEXT_PAGE)

    body = Article.objects.get().body_en
    assert (
        "<p>The current station chief said the anniversary was a reminder that a student voice &lt;on air&gt;" in body
    )
    assert "streaming &amp; podcasts" in body


def test_the_revision_time_is_kept_when_the_page_has_one(section):
    run(UNNUMBERED_TEXT_PAGE)

    story = Article.objects.get()
    assert story.published_at == datetime(2021, 5, 20, 0, 30, tzinfo=UTC)
    assert story.revised_at == datetime(2021, 5, 21, 9, 5, tzinfo=UTC)
    assert story.legacy_id is None  # 017_9c4e….txt carries no old number


def test_imported_and_updated_stories_are_found_by_search(tmp_path, section):
    """On PostgreSQL, bulk writes skip Article.save(), so the import refreshes the search index itself."""
    folder = copy_samples(tmp_path / "pages", TEXT_PAGE)
    run(folder)
    assert [story.legacy_id for story in search_stories(Article.objects.published(), ["shuttle"])] == [4211]

    page = folder / "4211.txt"
    page.write_text(page.read_text().replace("the route will be reviewed", "the timetable will be reviewed"))
    run(folder)

    assert [story.legacy_id for story in search_stories(Article.objects.published(), ["timetable"])] == [4211]


def test_reporters_are_matched_by_korean_or_english_name(section, reporter):
    run(TEXT_PAGE, HTML_PAGE)

    assert Reporter.objects.count() == 1
    for legacy_id in (4211, 3907):  # 황민준 on one, Hwang Min-jun 기자 on the other
        assert Article.objects.get(legacy_id=legacy_id).byline == [reporter]


def test_reporter_names_match_whatever_their_case_and_spacing(tmp_path, section, reporter):
    (tmp_path / "page.txt").write_text(text_page("Rowing Team Trains at Dawn", reporter="HWANG  min-jun 기자"))

    run(tmp_path)

    assert Article.objects.get().byline == [reporter]


def test_an_unknown_reporter_is_created_with_the_position_on_the_byline(section):
    run(UNNUMBERED_TEXT_PAGE, NUMBERED_HTML_PAGE)

    seoyeon = Reporter.objects.get(name_ko="이서연")
    assert seoyeon.position_en == "KT Reporter"
    assert Article.objects.get(title_en="Campus Radio Turns Forty").byline == [seoyeon]
    pair = Article.objects.get(legacy_id=4388).byline
    assert [reporter.name_ko for reporter in pair] == ["박지우", "최하은"]
    assert [reporter.position_en for reporter in pair] == ["KT Cub Reporter", "KT Cub Reporter"]


def test_an_existing_reporters_position_is_filled_in_but_never_replaced(section, other_reporter):
    jiwoo = Reporter.objects.create(name_ko="박지우")

    run(NUMBERED_HTML_PAGE)

    jiwoo.refresh_from_db()
    other_reporter.refresh_from_db()
    assert jiwoo.position_en == "KT Cub Reporter"
    assert other_reporter.position_en == "KT Reporter"  # 최하은 keeps the position the newsroom gave her
    assert Article.objects.get().byline == [jiwoo, other_reporter]


def test_old_links_lead_to_the_imported_stories(client, section):
    run(TEXT_PAGE, HTML_PAGE)

    for legacy_id in (4211, 3907):  # from the file name, from the page's address
        response = client.get(f"/news/articleView.html?idxno={legacy_id}")
        story = Article.objects.get(legacy_id=legacy_id)
        assert response.status_code == 301
        assert response["Location"] == f"/news/{story.pk}/{story.slug}/"
        assert client.get(response["Location"]).status_code == 200


def test_a_file_name_and_a_page_that_disagree_on_the_old_number_fail(tmp_path, section):
    shutil.copy(HTML_PAGE, tmp_path / "4000.html")

    _out, err, message = run_failing(tmp_path)

    assert "4000.html: skipped. It is named for old story 4000 but is the page of old story 3907." in err
    assert not Article.objects.exists()
    assert message == "1 of 1 file could not be imported (see above)."


# Importing again


def test_importing_the_same_pages_again_changes_nothing(section):
    run(SAMPLES)
    before = list(Article.objects.values_list("pk", "title_en", "body_en", "published_at", "updated_at"))
    bylines = list(Byline.objects.values_list("article", "reporter", "order"))

    out, _err = run(SAMPLES)

    assert out.strip() == "Imported 4 files: 0 created, 0 updated, 4 unchanged, 0 failed."
    assert list(Article.objects.values_list("pk", "title_en", "body_en", "published_at", "updated_at")) == before
    assert list(Byline.objects.values_list("article", "reporter", "order")) == bylines
    assert Reporter.objects.count() == 5


def test_a_changed_page_updates_its_story(tmp_path, section):
    folder = copy_samples(tmp_path / "pages")
    run(folder)
    page = folder / "4211.txt"
    page.write_text(
        page.read_text()
        .replace("the route will be reviewed", "the timetable will be reviewed")
        .replace("  • 황민준", "  • 이서연")
    )

    out, _err = run(folder, verbosity=2)

    assert f"{page}: updated: Night Buses Return to the Hillside Campus (body, byline)" in out
    assert "Imported 4 files: 0 created, 1 updated, 3 unchanged, 0 failed." in out
    story = Article.objects.get(legacy_id=4211)
    assert "the timetable will be reviewed" in story.body_en
    assert "the timetable will be reviewed" in story.body_text_en
    assert [reporter.name_ko for reporter in story.byline] == ["이서연"]
    assert Article.objects.count() == 4


def test_a_page_without_old_number_is_found_by_headline_and_approval_time(tmp_path, section):
    run(UNNUMBERED_TEXT_PAGE)

    out, _err = run(UNNUMBERED_TEXT_PAGE)
    assert "0 created, 0 updated, 1 unchanged" in out

    # The same page saved later under its old number: the story takes the number, no second story.
    shutil.copy(UNNUMBERED_TEXT_PAGE, tmp_path / "5001.txt")
    out, _err = run(tmp_path / "5001.txt", verbosity=2)
    assert "updated: Campus Radio Turns Forty (old site number)" in out
    assert Article.objects.get().legacy_id == 5001


def test_the_same_story_in_both_shapes_in_one_run_is_one_story(tmp_path, section):
    html = read_story_page(HTML_PAGE)
    folder = copy_samples(tmp_path / "pages", HTML_PAGE)
    (folder / "3907.txt").write_text(
        text_page(html.headline, subtitle=html.subtitle, reporter="Hwang Min-jun", approved="2018.11.26 09:05",
                  paragraphs=html.paragraphs)
    )  # fmt: skip

    out, _err = run(folder)

    assert "Imported 2 files: 1 created, 0 updated, 1 unchanged, 0 failed." in out
    assert Article.objects.get().legacy_id == 3907


def test_importing_again_never_republishes_or_moves_what_an_editor_changed(section):
    culture = Section.objects.create(slug="culture", name_ko="문화", name_en="Culture", position=2)
    run(TEXT_PAGE)
    Article.objects.update(status=Article.Status.REVIEW, section=culture)  # unpublished and moved since

    out, _err = run(TEXT_PAGE)

    assert "1 unchanged" in out
    story = Article.objects.get()
    assert (story.status, story.section) == (Article.Status.REVIEW, culture)


def test_a_story_the_newsroom_deleted_for_good_is_left_out_not_brought_back(section, editor):
    run(TEXT_PAGE)
    Article.objects.get(legacy_id=4211).move_to_trash(by=editor)
    Article.objects.in_trash().delete_for_good()

    out, _err = run(TEXT_PAGE)  # no failure: the archive can be imported again and again

    assert "left out: Night Buses Return to the Hillside Campus. The newsroom deleted this story for good." in out
    assert "0 created, 0 updated, 0 unchanged, 0 failed. 1 was left out" in out
    assert not Article.objects.filter(legacy_id=4211).exists()


def test_a_story_in_the_trash_is_left_as_it_is(section, editor, tmp_path):
    folder = copy_samples(tmp_path / "pages", TEXT_PAGE)
    run(folder)
    story = Article.objects.get(legacy_id=4211)
    story.move_to_trash(by=editor)
    page = folder / "4211.txt"
    page.write_text(page.read_text().replace("the route will be reviewed", "the timetable will be reviewed"))

    out, _err = run(folder)

    assert "The story is in the newsroom's trash." in out
    story.refresh_from_db()
    assert story.in_trash
    assert "the timetable will be reviewed" not in story.body_en


def test_section_given_again_moves_the_story(section):
    culture = Section.objects.create(slug="culture", name_ko="문화", name_en="Culture", position=2)
    run(TEXT_PAGE)

    out, _err = run(TEXT_PAGE, section="culture", verbosity=2)

    assert "updated: Night Buses Return to the Hillside Campus (section)" in out
    assert Article.objects.get().section == culture


def test_every_import_that_changes_a_story_leaves_a_revision_and_a_new_version(tmp_path, section, editor_client):
    """As every other path that changes a story does (articles.revisions): the newsroom's history shows it,
    and a form opened before the import refuses to save over it."""
    folder = copy_samples(tmp_path / "pages", TEXT_PAGE)
    run(folder)
    story = Article.objects.get()
    (created,) = revisions_of(story)
    assert describe_note(created.revision.comment) == "Imported from the old site's archive."
    assert created.field_dict["title_en"] == "Night Buses Return to the Hillside Campus"

    run(folder)  # unchanged: no revision
    assert revisions_of(story).count() == 1

    page = folder / "4211.txt"
    page.write_text(page.read_text().replace("the route will be reviewed", "the timetable will be reviewed"))
    run(folder)

    story.refresh_from_db()
    assert story.version == created.field_dict["version"] + 1
    newest = revisions_of(story).first()
    assert "the timetable will be reviewed" in newest.field_dict["body_en"]
    assert {version.object_repr for version in newest.revision.version_set.all()} >= {str(story), "황민준"}
    history = editor_client.get(f"/en/admin/articles/article/{story.pk}/change/")
    assert "Imported from the old site&#x27;s archive." in history.content.decode()
    comparison = editor_client.get(f"/en/admin/articles/article/{story.pk}/revisions/?old={created.pk}&new=current")
    assert comparison.status_code == 200
    assert "timetable" in comparison.content.decode()  # what the import changed, shown by the newsroom


# Options


def test_section_and_language_options(section):
    culture = Section.objects.create(slug="culture", name_ko="문화", name_en="Culture", position=2)

    run(TEXT_PAGE, section="culture", language="ko")

    story = Article.objects.get()
    assert story.section == culture
    assert story.title_ko == "Night Buses Return to the Hillside Campus"
    assert story.body_ko.startswith("<p>")
    assert not story.title_en
    assert not story.body_en


def test_an_unknown_section_is_refused_before_anything_is_read(section):
    with pytest.raises(CommandError, match=r'No section with the slug "sports" \(the sections are: news\)'):
        run(SAMPLES, section="sports")
    assert not Article.objects.exists()


def test_a_site_without_sections_is_told_to_make_one(db):
    with pytest.raises(CommandError, match="no section yet"):
        run(SAMPLES)


def test_a_dry_run_writes_nothing_and_says_what_would_change(tmp_path, section):
    folder = copy_samples(tmp_path / "pages")
    generation = cache.get(CONTENT)

    out, _err = run(folder, dry_run=True)

    assert f"{folder / '4211.txt'}: would create: Night Buses Return to the Hillside Campus" in out
    assert out.strip().endswith(
        "Dry run, nothing was written. Of 4 files, 4 would be created, 0 updated, 0 unchanged, 0 failed. "
        "New reporters: 이서연, 황민준, 박지우, 최하은, Hwang Min-jun."
    )
    assert not Article.objects.exists()
    assert not Reporter.objects.exists()
    assert cache.get(CONTENT) == generation  # readers' cached pages stay

    run(folder)
    page = folder / "library-hours.html"
    page.write_text(page.read_text().replace("승인 2018.11.26 09:05", "승인 2018.11.26 10:05"))
    before = list(Article.objects.values_list("pk", "published_at", "updated_at"))

    out, _err = run(folder, dry_run=True)

    assert f"{page}: would update: Library Extends Exam-Season Hours (approval time)" in out
    assert "4211.txt" not in out  # unchanged pages are not listed
    assert "0 would be created, 1 updated, 3 unchanged" in out
    assert list(Article.objects.values_list("pk", "published_at", "updated_at")) == before


# Failures, folders, progress and summary


def test_a_broken_file_is_reported_with_its_reason_and_the_rest_is_imported(tmp_path, section):
    folder = copy_samples(tmp_path / "pages", TEXT_PAGE, HTML_PAGE)
    (folder / "scan.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "draft.txt").write_text(text_page("Undated").replace("  • 승인 2020.04.01 10:00\n", ""))
    (folder / "long.txt").write_text(text_page("Very long " * 30))

    out, err, message = run_failing(folder, tmp_path / "missing.txt")

    assert f"{tmp_path / 'missing.txt'}: skipped. It does not exist." in err
    assert f"{folder / 'scan.html'}: skipped. It is not a text file." in err
    assert f"{folder / 'draft.txt'}: skipped. It has no approval time (승인 YYYY.MM.DD HH:MM)." in err
    assert f"{folder / 'long.txt'}: skipped. Its headline is longer than 200 characters." in err
    assert "Imported 6 files: 2 created, 0 updated, 0 unchanged, 4 failed." in out
    assert message == "4 of 6 files could not be imported (see above)."
    assert set(Article.objects.values_list("legacy_id", flat=True)) == {4211, 3907}


def test_a_page_the_database_refuses_fails_alone(monkeypatch, section):
    save = archive_import._Writes.save

    def refuse_the_radio_story(writes):
        if any(article.title_en == "Campus Radio Turns Forty" for article, _byline in writes.new_articles):
            raise DatabaseError("value too long for type character varying(200)")
        save(writes)

    monkeypatch.setattr(archive_import._Writes, "save", refuse_the_radio_story)

    _out, err, _message = run_failing(SAMPLES)

    assert f"{UNNUMBERED_TEXT_PAGE}: skipped. The database refused it (value too long" in err
    assert Article.objects.count() == 3
    assert not Reporter.objects.filter(name_ko="이서연").exists()


def test_folders_are_searched_through_for_pages(tmp_path, section):
    copy_samples(tmp_path / "2019" / "march", TEXT_PAGE)
    copy_samples(tmp_path / "2018", HTML_PAGE, NUMBERED_HTML_PAGE)
    (tmp_path / "2018" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "notes.md").write_text("Saved from the old site in 2023.")

    out, _err = run(tmp_path)

    assert "Imported 3 files: 3 created" in out
    assert set(Article.objects.values_list("legacy_id", flat=True)) == {4211, 3907, 4388}


def test_an_empty_folder_is_an_error(tmp_path, section):
    with pytest.raises(CommandError, match="No saved pages"):
        run(tmp_path)


def test_a_progress_bar_on_a_terminal_only(monkeypatch, capsys, section):
    run(SAMPLES)
    assert "4/4" not in capsys.readouterr().err  # not a terminal: no bar

    class Terminal(StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    run(SAMPLES)

    assert "4/4" in terminal.getvalue()


def test_readers_see_the_stories_at_once_the_content_generation_is_bumped_once(monkeypatch, section):
    bumps = []
    monkeypatch.setattr(archive_import, "bump_content", lambda: bumps.append(1))

    run(SAMPLES)
    assert bumps == [1]

    run(SAMPLES)  # nothing changed: readers' pages stay cached
    assert bumps == [1]


def test_an_import_bumps_the_real_content_generation(section):
    cache.set(CONTENT, 7, timeout=None)

    run(TEXT_PAGE)

    assert cache.get(CONTENT) > 7


def test_hundreds_of_pages_import_in_a_bounded_number_of_queries(
    tmp_path, section, reporter, django_assert_max_num_queries
):
    """Guards against writing page by page: 300 pages (two batches), 10 reporters of whom 5 are new, cost
    a few dozen queries per batch (SQLite takes about 27 new stories per INSERT; the revisions, bylines and
    lookups a few queries each), not a few per page (which would be 900 and more)."""
    names = ["황민준", "Hwang Min-jun", "최하은", "박지우", "이서연", "김도윤", "정다인", "윤서준", "한지민", "오세훈"]
    for number in range(1, 301):
        page = text_page(
            f"Archive story number {number}", approved=f"2015.{number % 12 + 1:02d}.{number % 28 + 1:02d} 10:00",
            reporter=names[number % 10], subtitle=f"Subtitle {number}" if number % 3 else "",
        )  # fmt: skip
        (tmp_path / f"{number}.txt").write_text(page)
    Reporter.objects.create(name_en="Choi Ha-eun", name_ko="최하은")

    with django_assert_max_num_queries(60):
        out, _err = run(tmp_path)
    assert "Imported 300 files: 300 created" in out
    assert Byline.objects.count() == 300

    with django_assert_max_num_queries(15):
        out, _err = run(tmp_path)
    assert "300 unchanged" in out
