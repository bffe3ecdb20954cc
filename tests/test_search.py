"""Search in both languages, ranked and highlighted; absurd queries get a clear page, never a 500."""

import pytest

from articles.models import Article
from articles.search import search_terms
from articles.search_excerpts import highlight
from tests.conftest import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories(section):
    return {
        "library": make_article(
            section, status=Article.Status.PUBLISHED, title_en="Library opens all night",
            title_ko="중앙도서관, 시험 기간 밤샘 개방", body_ko="<p>도서관이 새벽 두 시까지 문을 연다.</p>",
            body_en="<p>The central library stays open until 2 a.m.</p>",
        ),
        "council": make_article(
            section, status=Article.Status.PUBLISHED, title_en="Turnout record in council election",
            title_ko="총학생회 선거 투표율 최고", body_en="<p>Students voted in record numbers.</p>",
        ),
        "body_only": make_article(
            section, status=Article.Status.PUBLISHED, title_en="Campus food bank opens",
            body_en="<p>Volunteers from the library club helped stock the shelves.</p>",
        ),
        "draft": make_article(section, title_en="Library draft nobody may find"),
    }  # fmt: skip


def results(client, query, prefix=""):
    response = client.get(f"{prefix}/search/", {"q": query})
    assert response.status_code == 200
    return [story.title_en for story in response.context["results"]]


def test_english_words_find_headlines_and_bodies_best_match_first(client, stories):
    found = results(client, "library", "/en")

    assert found[0] == "Library opens all night"
    assert "Campus food bank opens" in found
    assert "Library draft nobody may find" not in found


def test_korean_words_are_found_with_particles_attached(client, stories):
    assert results(client, "도서관") == ["Library opens all night"]


def test_korean_compounds_are_found_by_their_parts(client, stories):
    assert results(client, "학생회") == ["Turnout record in council election"]


def test_every_word_must_match(client, stories):
    assert results(client, "library night") == ["Library opens all night"]
    assert results(client, "library election") == []


def test_case_does_not_matter(client, stories):
    assert results(client, "LIBRARY")[0] == "Library opens all night"


@pytest.mark.parametrize(
    "query",
    # NUL is refused before any view sees it (tests/test_hostile_input.py); other control characters reach search.
    ["", "   ", "!!!???", "'; DROP TABLE articles_article; --", "a" * 5000, "\x01\x02\x7f", "\u202e\u200b",
     "<script>alert(1)</script>", "{{ 7*7 }} {% debug %}", "library:* & !", "(|)&:*"],
)  # fmt: skip
def test_absurd_queries_get_a_clear_page(client, stories, query):
    response = client.get("/en/search/", {"q": query})

    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "search-hint" in content


def test_search_terms_drop_punctuation_and_control_characters():
    assert search_terms("  도서관,   library!! \x00 ") == ["도서관", "library"]
    assert search_terms("!!!") == []
    assert len(search_terms("word " * 100)) == 1
    assert len(" ".join(search_terms("a b c d e f g h i j k l"))) <= 100


def test_highlight_marks_terms_and_escapes_everything_else():
    marked = highlight("<p>The <b>library</b> & the LIBRARY club <script>x</script></p>", ["library"])

    assert marked.count("<mark>") == 2
    assert "<b>" not in marked
    assert "<script>" not in marked
    assert "&amp;" in marked


def test_results_highlight_the_terms(client, stories):
    content = client.get("/en/search/", {"q": "library"}).content.decode()

    assert "<mark>Library</mark>" in content


def test_results_page_through_a_bounded_number_of_pages(client, section):
    for index in range(25):
        make_article(section, status=Article.Status.PUBLISHED, title_en=f"Exam story {index}")

    first = client.get("/search/", {"q": "exam"})
    assert len(first.context["results"]) == 20
    assert first.context["has_next"]
    second = client.get("/search/", {"q": "exam", "page": 2})
    assert len(second.context["results"]) == 5
    assert client.get("/search/", {"q": "exam", "page": "999999999999"}).status_code == 200
    assert client.get("/search/", {"q": "exam", "page": "-3"}).context["page_number"] == 1


def test_search_document_follows_edits(client, stories):
    story = stories["council"]
    story.title_en = "Referendum on tuition"
    story.save()

    assert results(client, "referendum") == ["Referendum on tuition"]


def test_markup_is_never_searched(client, section):
    make_article(
        section, status=Article.Status.PUBLISHED, title_en="Formatted story",
        body_en='<p><strong>Bold</strong> words &amp; a <a href="https://ku.example/x">link</a></p>',
        body_ko="<p><strong>굵게</strong></p>",
    )  # fmt: skip

    for markup_word in ("strong", "href", "https", "nofollow", "amp"):
        assert results(client, markup_word) == [], markup_word
    assert results(client, "bold") == ["Formatted story"]
    assert results(client, "굵게") == ["Formatted story"]


def test_the_plain_text_follows_the_body(section):
    story = make_article(section, body_en="<p>Tom &amp; Jerry</p>")

    assert story.body_text_en == "Tom & Jerry"
    (bulk,) = Article.objects.bulk_create([Article(section=section, title_en="Bulk", body_en="<p>x <em>y</em></p>")])
    assert Article.objects.get(pk=bulk.pk).body_text_en == "x y"
