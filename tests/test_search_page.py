"""The search page: how many stories, in which order, from which period and section, all in its address;
excerpts that keep paragraphs apart, mark the words in either language and say why a story in the other
language was found; a fixed number of queries however many results."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.html import strip_tags

from articles.models import Article, Byline, Reporter, Section
from articles.search_excerpts import story_excerpt, text_lines
from tests.conftest import make_article
from tests.test_photos import image_bytes, make_photo
from tests.test_reader_pages import elements, part_of, text_of

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def page_of(client, address: str, **parameters) -> str:
    response = client.get(address, parameters)
    assert response.status_code == 200
    return response.content.decode()


def results_of(page: str) -> list[str]:
    """The headlines listed, in order, as readers read them."""
    found = re.findall(r'<h2 class="story-card__title"><a [^>]*>(.*?)</a></h2>', page, re.S)
    return [html.unescape(strip_tags(headline)) for headline in found]


def excerpts_of(page: str) -> list[str]:
    return re.findall(r'<p class="search-result__excerpt"[^>]*>(.*?)</p>', page, re.S)


def status_of(page: str) -> str:
    (status,) = elements(part_of(page, "<main", "</main>"), "p", {"role": "status"})
    return text_of(status)


def published(section, days_ago=0, **fields):
    return make_article(
        section, status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(days=days_ago, hours=1),
        **fields,
    )  # fmt: skip


@pytest.fixture
def culture(db):
    return Section.objects.create(name_ko="문화", name_en="Culture", slug="culture", position=2)


@pytest.fixture
def archive(section, culture):
    """Four stories about the library, of different ages and sections; the oldest has the word in its headline."""
    return {
        "headline": published(section, 400, title_ko="도서관 증축 확정", title_en="Library extension approved",
                              body_ko="<p>도서관을 넓힌다.</p>", body_en="<p>The library grows.</p>"),
        "year": published(section, 200, title_ko="시험 기간 안내", title_en="Exam season guide",
                          body_ko="<p>도서관 좌석 예약</p>", body_en="<p>Booking library seats.</p>"),
        "month": published(culture, 20, title_ko="북토크 열려", title_en="Book talk held",
                           body_ko="<p>도서관 강당에서</p>", body_en="<p>In the library hall.</p>"),
        "week": published(section, 3, title_ko="열람실 공사", title_en="Reading room works",
                          body_ko="<p>도서관 3층</p>", body_en="<p>Third floor of the library.</p>"),
    }  # fmt: skip


# How many, in which order


def test_the_page_says_how_many_stories_match_in_the_readers_language(client, archive):
    assert status_of(page_of(client, "/en/search/", q="library")) == "4 stories match “library”"
    assert status_of(page_of(client, "/en/search/", q="extension")) == "1 story matches “extension”"
    assert status_of(page_of(client, "/search/", q="도서관")) == "“도서관” 검색 결과: 기사 4건"


def test_a_word_most_stories_have_is_counted_only_so_far(client, archive, monkeypatch):
    # Counting every match of a common word would read them all: the page counts a thousand at most.
    monkeypatch.setattr("articles.views.search.COUNTED_AT_MOST", 3)

    assert status_of(page_of(client, "/en/search/", q="library")) == "More than 3 stories match “library”"
    assert status_of(page_of(client, "/search/", q="도서관")) == "“도서관” 검색 결과: 기사 3건 이상"
    assert status_of(page_of(client, "/en/search/", q="library", period="month")) == "2 stories match “library”"


def test_best_match_comes_first_by_default_and_newest_on_request(client, archive):
    best = results_of(page_of(client, "/en/search/", q="library"))
    newest = results_of(page_of(client, "/en/search/", q="library", sort="newest"))

    assert best[0] == "Library extension approved"
    assert newest == ["Reading room works", "Book talk held", "Exam season guide", "Library extension approved"]


def test_the_current_order_is_marked_and_each_order_keeps_the_filters(client, archive):
    page = page_of(client, "/en/search/", q="library", period="year", section="news", sort="newest", page="1")

    sort = part_of(page, '<nav class="search-sort"', "</nav>")
    (current,) = elements(sort, "a", {"aria-current": "true"})
    assert text_of(current) == "Newest"
    links = {text_of(link): dict(link.attributes)["href"] for link in elements(sort, "a", {})}
    assert links == {
        "Best match": "?q=library&period=year&section=news",
        "Newest": "?q=library&sort=newest&period=year&section=news",
    }


# The period and the section


@pytest.mark.parametrize(
    ("period", "found"),
    [("week", {"week"}), ("month", {"week", "month"}), ("year", {"week", "month", "year"}),
     ("all", {"week", "month", "year", "headline"}), ("", {"week", "month", "year", "headline"})],
)  # fmt: skip
def test_the_period_keeps_the_stories_published_within_it(client, archive, period, found):
    listed = results_of(page_of(client, "/en/search/", q="library", period=period))

    assert sorted(listed) == sorted(archive[name].title_en for name in found)


def test_the_section_keeps_its_own_stories(client, archive):
    assert results_of(page_of(client, "/en/search/", q="library", section="culture")) == ["Book talk held"]


def test_the_form_shows_what_was_asked_for_and_sends_the_order_along(client, archive):
    page = page_of(client, "/en/search/", q="library", period="month", section="culture", sort="newest")

    form = part_of(page, '<form class="search-page-form"', "</form>")
    assert elements(form, "option", {"value": "month", "selected": None})
    assert elements(form, "option", {"value": "culture", "selected": None})
    assert elements(form, "input", {"type": "hidden", "name": "sort", "value": "newest"})
    (legend,) = elements(form, "legend", {})
    assert text_of(legend) == "Narrow the search"
    for field in ("q", "period", "section"):
        (label,) = elements(form, "label", {"for": f"search-{field}"})
        assert text_of(label)
    assert sorted(text_of(button) for button in elements(form, "button", {"type": "submit"})) == ["Apply", "Search"]
    (after_the_filters,) = elements(part_of(form, "<fieldset", "</fieldset>"), "button", {"type": "submit"})
    assert text_of(after_the_filters) == "Apply"


@pytest.mark.parametrize(
    "parameters",
    [{"sort": "oldest"}, {"period": "decade"}, {"section": "no-such-section"}, {"page": "two"}, {"page": "-3"},
     {"sort": ["newest", "x" * 500]}, {"period": "%00"}, {"section": "문화"}, {"page": "9" * 30}],
)  # fmt: skip
def test_values_the_page_does_not_know_fall_back_to_the_defaults(client, archive, parameters):
    page = page_of(client, "/en/search/", q="library", **parameters)

    assert status_of(page) == "4 stories match “library”"
    assert results_of(page)[0] == "Library extension approved"
    form = part_of(page, '<form class="search-page-form"', "</form>")
    assert elements(form, "option", {"value": "all", "selected": None})
    assert elements(form, "option", {"value": "", "selected": None})
    assert "aria-invalid" not in form
    assert not elements(form, "input", {"name": "sort"})


def test_a_narrowed_search_that_finds_nothing_offers_the_whole_archive(client, archive):
    page = page_of(client, "/en/search/", q="extension", period="week", sort="newest")

    assert status_of(page) == "No stories match “extension”. Try fewer or different words."
    (wider,) = elements(part_of(page, "<main", "</main>"), "a", {"href": "?q=extension&sort=newest"})
    assert text_of(wider) == "Search every section and date instead"
    assert "Search every section" not in page_of(client, "/en/search/", q="nowhere")


def test_pages_of_results_keep_every_parameter(client, section):
    for number in range(25):
        published(section, number, title_en=f"Exam story {number}")
    parameters = {"q": "exam", "sort": "newest", "period": "month", "section": "news"}

    first = page_of(client, "/en/search/", **parameters)
    (more,) = elements(first, "a", {"rel": "next"})
    assert dict(more.attributes)["href"] == "?q=exam&sort=newest&period=month&section=news&page=2"
    assert len(results_of(first)) == 20
    second = page_of(client, "/en/search/", **parameters, page=2)
    assert results_of(second) == [f"Exam story {number}" for number in range(20, 25)]
    assert '<ol class="search-results" start="21">' in second
    (back,) = elements(second, "a", {"rel": "prev"})
    assert dict(back.attributes)["href"] == "?q=exam&sort=newest&period=month&section=news"
    assert not elements(second, "a", {"rel": "next"})
    assert results_of(page_of(client, "/en/search/", **parameters, page=7)) == results_of(second)


def test_no_link_leads_past_the_tenth_page(client, section):
    for number in range(201):
        published(section, title_en=f"Exam story {number}")

    tenth = page_of(client, "/en/search/", q="exam", page=10)
    assert status_of(tenth) == "201 stories match “exam”"
    assert '<ol class="search-results" start="181">' in tenth
    assert not elements(tenth, "a", {"rel": "next"})
    assert elements(page_of(client, "/en/search/", q="exam", page=9), "a", {"rel": "next"})


def test_the_page_stays_out_of_search_engines(client, archive):
    for parameters in ({"q": "library", "sort": "newest"}, {}):
        assert '<meta name="robots" content="noindex">' in page_of(client, "/search/", **parameters)


# Excerpts


def test_excerpts_keep_paragraphs_headings_and_line_breaks_apart(client, section):
    published(
        section, title_ko="별관 소식",
        body_ko="<p>학교가 도서관 별관 계획을 발표했다.</p><h2>도서관 별관</h2><p>첫 줄<br>둘째 줄</p>"
                "<ul><li>하나</li><li>둘</li></ul>",
    )  # fmt: skip

    (excerpt,) = excerpts_of(page_of(client, "/search/", q="도서관"))

    assert excerpt == (
        "학교가 <mark>도서관</mark> 별관 계획을 발표했다.<br><mark>도서관</mark> 별관<br>첫 줄<br>둘째 줄<br>하나<br>둘"
    )


def test_an_excerpt_starts_near_a_word_found_late_in_a_long_paragraph(client, section):
    filler = "The committee met again on Tuesday to go over the plans. " * 8
    published(section, title_en="Committee notes", body_en=f"<p>{filler}The annex opens in March. {filler}</p>")

    (excerpt,) = excerpts_of(page_of(client, "/en/search/", q="annex"))

    assert excerpt.startswith("… ")
    assert excerpt.endswith(" …")
    assert "<mark>annex</mark> opens in March." in excerpt
    assert len(excerpt) < 300
    assert excerpt[2:].split()[0] in filler.split(), "the excerpt starts at a word"


def test_a_story_found_only_in_english_shows_an_english_excerpt_on_a_korean_page(client, section):
    published(section, title_ko="도서관 별관 개관", title_en="Annex opens",
              body_ko="<p>새 별관이 문을 연다.</p>", body_en="<p>The new annex has 300 seats.</p>")  # fmt: skip

    page = page_of(client, "/search/", q="seats")

    result = part_of(page, '<li class="search-result', "</li>")
    assert '<p class="search-result__note">영어 기사에서 찾았습니다</p>' in result
    assert '<p class="search-result__excerpt" lang="en">The new annex has 300 <mark>seats</mark>.</p>' in result
    assert "lang=" not in part_of(result, "<h2", "</h2>"), "the headline is Korean"


def test_a_story_found_only_in_korean_shows_a_korean_excerpt_on_an_english_page(client, section):
    published(section, title_ko="별관 개관", title_en="Annex opens",
              body_ko="<p>별관에는 좌석 300석이 있다.</p>", body_en="<p>The new annex opens.</p>")  # fmt: skip

    result = part_of(page_of(client, "/en/search/", q="좌석"), '<li class="search-result', "</li>")

    assert '<p class="search-result__note">Found in the Korean version</p>' in result
    assert '<p class="search-result__excerpt" lang="ko">별관에는 <mark>좌석</mark> 300석이 있다.</p>' in result


def test_a_story_found_in_the_pages_language_needs_no_note(client, section):
    published(section, title_ko="별관 개관", title_en="Annex opens",
              body_ko="<p>별관 좌석</p>", body_en="<p>The annex seats.</p>")  # fmt: skip

    for address, query in (("/search/", "별관"), ("/en/search/", "annex")):
        result = part_of(page_of(client, address, q=query), '<li class="search-result', "</li>")
        assert "search-result__note" not in result
        assert "lang=" not in result


def test_a_story_in_the_other_language_only_says_so_and_marks_its_headline(client, section):
    published(section, title_ko="", title_en="Annex opens", body_en="<p>The annex opens.</p>")

    result = part_of(page_of(client, "/search/", q="annex"), '<li class="search-result', "</li>")

    assert '<p class="search-result__note">영어 기사만 있습니다</p>' in result
    assert 'lang="en"><mark>Annex</mark> opens</a></h2>' in result
    assert 'lang="en">The <mark>annex</mark> opens.</p>' in result


def test_a_headline_match_shows_the_summary_or_the_start_of_the_story(client, section):
    published(section, title_en="Annex opens", summary_en="Three hundred seats.", body_en="<p>Body.</p>")
    published(section, title_en="Annex closes", body_en="<p>First paragraph.</p><p>Second.</p>")

    excerpts = excerpts_of(page_of(client, "/en/search/", q="annex", sort="newest"))

    assert excerpts == ["First paragraph.<br>Second.", "Three hundred seats."]


def test_words_are_marked_from_their_stem(client, section):
    published(section, title_en="Libraries", body_en="<p>A library, two libraries and a librarian.</p>")

    (excerpt,) = excerpts_of(page_of(client, "/en/search/", q="libraries"))

    assert excerpt == "A <mark>library</mark>, two <mark>libraries</mark> and a <mark>librarian</mark>."


def test_short_english_words_are_marked_only_at_a_word_start_longer_ones_anywhere(section):
    story = published(section, title_en="Bookbinding", body_en="<p>A bookbinding class, and a talk.</p>")

    assert story_excerpt(story, ["a", "binding"], "en").html == (
        "<mark>A</mark> book<mark>binding</mark> class, <mark>and</mark> <mark>a</mark> talk."
    )


def test_a_korean_word_found_inside_a_longer_one_is_marked_where_it_is(client, section):
    published(section, title_ko="총학생회 선거", body_ko="<p>총학생회가 투표를 연다.</p>")

    assert excerpts_of(page_of(client, "/search/", q="학생회")) == ["총<mark>학생회</mark>가 투표를 연다."]


def test_excerpts_and_headlines_are_escaped_before_the_marks(client, section):
    published(
        section, title_en="<b>Annex</b> & <script>alert(1)</script>",
        body_en="<p>The annex &lt;script&gt;alert(1)&lt;/script&gt; &amp; more</p><script>annex()</script>",
    )  # fmt: skip

    page = page_of(client, "/en/search/", q="annex")
    result = part_of(page, '<li class="search-result', "</li>")

    for unescaped in ("<script>", "<b>", "annex()"):
        assert unescaped not in result
    assert "&lt;b&gt;<mark>Annex</mark>&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;</a>" in result
    assert excerpts_of(page) == ["The <mark>annex</mark> &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"]


def test_the_text_of_a_story_body_is_read_a_line_per_block():
    html = "<h2>Title</h2><p>One <strong>bold</strong>&nbsp;word</p><blockquote><p>Quote</p></blockquote><p>a<br>b</p>"

    assert text_lines(html) == ["Title", "One bold word", "Quote", "a", "b"]
    assert text_lines('<p>Text</p><figure data-photo="3"></figure><p>More</p>') == ["Text", "More"]
    assert text_lines("") == []


def test_an_excerpt_in_a_language_the_site_lacks_reads_the_default(section):
    story = published(section, title_ko="별관", body_ko="<p>별관 소식</p>", title_en="Annex", body_en="<p>News</p>")

    assert story_excerpt(story, ["별관"], language="fr").language == "ko"


# What it costs


@pytest.fixture
def crowded_archive(section, culture, reporter, other_reporter):
    """Thirty stories with two reporters each, in two sections, most with a lead photo."""
    photos = [make_photo(image_bytes(size=(400, 300))) for _ in range(3)]
    third = Reporter.objects.create(name_ko="박서연", name_en="Park Seo-yeon")
    for number in range(30):
        story = published(
            section if number % 2 else culture, number,
            title_ko=f"축제 소식 {number}", title_en=f"Festival news {number}",
            body_ko="<p>축제 첫날</p><p>둘째 문단</p>", body_en="<p>Festival day one.</p><p>Second paragraph.</p>",
            lead_photo=photos[number % 3] if number % 4 else None,
        )  # fmt: skip
        Byline.objects.create(article=story, reporter=(reporter, other_reporter)[number % 2], order=0)
        Byline.objects.create(article=story, reporter=third, order=1)


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize(
    "parameters",
    [{"q": "축제 festival"}, {"q": "festival", "sort": "newest"}, {"q": "축제", "period": "month", "section": "news"},
     {"q": "festival", "page": "2"}],
)  # fmt: skip
def test_search_page_query_count_is_fixed(client, crowded_archive, django_assert_num_queries, prefix, parameters):
    """Guards the N+1 of each result's section, lead photo and byline reporters, and a count per page: the count,
    the page of stories with their sections and photos, their bylines with the reporters; on SQLite first the
    FTS5 table's first matches (one statement, see articles.search)."""
    address = f"{prefix}/search/"
    page_of(client, address, q="nothing-at-all")  # the sections the header and the form list, kept per process
    queries = 4 if connection.vendor == "sqlite" else 3

    with django_assert_num_queries(queries):
        page = page_of(client, address, **parameters)
    assert results_of(page)
    assert "<img" in page
    assert ("Park Seo-yeon" if prefix else "박서연") in page

    with django_assert_num_queries(queries):
        page_of(client, address, q="축제 소식 7")
