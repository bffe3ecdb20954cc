"""Photos placed between a story's paragraphs: where they show, what the sanitizer lets through, and their cost."""

import pytest

from articles.models import Article, StoryPhoto
from articles.richtext import sanitize_story_html
from tests.admin_forms import story_form_data
from tests.conftest import make_article
from tests.test_photos import image_bytes, make_photo

pytestmark = pytest.mark.django_db


def placeholder(photo) -> str:
    return f'<figure data-photo="{photo.pk}"></figure>'


def small_photo(**fields):
    return make_photo(image_bytes(size=(640, 480)), **fields)


@pytest.fixture
def festival(section, reporter):
    """A published story with a lead photo and two more, the second of which is placed in the body."""
    lead = small_photo(caption_ko="개막 무대", caption_en="The opening stage", credit="김사진")
    placed = small_photo(
        caption_ko="등불 행렬", caption_en="The lantern walk", alt_text_ko="밤길의 종이 등불",
        alt_text_en="Paper lanterns on a path at night", credit="이하늘",
    )  # fmt: skip
    after = small_photo(caption_en="Clearing up", credit="박지원")
    story = make_article(
        section, reporter, status=Article.Status.PUBLISHED, title_ko="봄 축제 개막", title_en="Spring festival opens",
        body_ko=f"<p>첫째 문단: 축제가 열렸다.</p>{placeholder(placed)}<p>둘째 문단: 행렬이 이어졌다.</p>",
        body_en=f"<p>First paragraph: the festival opened.</p>{placeholder(placed)}<p>Second paragraph: the walk.</p>",
    )  # fmt: skip
    for order, photo in enumerate((lead, placed, after)):
        StoryPhoto.objects.create(article=story, photo=photo, order=order)
    story.refresh_from_db()
    return story, lead, placed, after


def story_page(client, story, prefix="") -> str:
    response = client.get(f"{prefix}/news/{story.pk}/{story.slug}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("prefix", "first", "second", "caption", "alt", "credit"),
    [
        ("", "첫째 문단", "둘째 문단", "등불 행렬", "밤길의 종이 등불", "사진: 이하늘"),
        ("/en", "First paragraph", "Second paragraph", "The lantern walk", "Paper lanterns on a path", "Photo: 이하늘"),
    ],
    ids=["korean", "english"],
)
def test_a_placed_photo_shows_between_its_paragraphs_as_the_lead_photo_does(
    client, festival, prefix, first, second, caption, alt, credit
):
    story, lead, placed, after = festival

    content = story_page(client, story, prefix)

    body = content[
        content.index("data-story-body") : content.index("story__tags") if "story__tags" in content else None
    ]
    placed_src = f'src="/media/{placed.fallback["name"]}"'
    assert body.index(first) < body.index(placed_src) < body.index(second)
    figure = body[body.rindex("<figure", 0, body.index(placed_src)) : body.index("</figure>", body.index(placed_src))]
    webp = ", ".join(f"/media/{r['name']} {r['width']}w" for r in placed.renditions if r["format"] == "webp")
    assert f'srcset="{webp}"' in figure
    assert f'alt="{alt}' in figure
    assert 'loading="lazy"' in figure
    assert caption in figure
    assert credit in figure
    assert content.count(placed_src) == 1, "a photo placed in the body is not shown again after it"
    assert content.index(f'src="/media/{lead.fallback["name"]}"') < content.index("data-story-body")
    assert content.index(second) < content.index(f'src="/media/{after.fallback["name"]}"')
    assert "data-photo" not in content


def test_a_placeholder_for_a_photo_the_story_does_not_have_shows_nothing(client, festival):
    story, _lead, placed, _after = festival
    in_library_only = small_photo(caption_en="Someone else's photo")
    StoryPhoto.objects.filter(article=story, photo=placed).delete()  # detached since it was placed
    Article.objects.filter(pk=story.pk).update(
        body_ko=f'<p>하나</p>{placeholder(in_library_only)}<figure data-photo="999999"></figure><p>둘</p>'
    )

    content = story_page(client, story)

    body = content[content.index("data-story-body") :].split("</div>", 1)[0]
    assert "<figure" not in body
    assert "data-photo" not in body
    assert in_library_only.fallback["name"] not in content
    assert placed.fallback["name"] not in content


HOSTILE_FIGURES = {
    "event handler": '<figure data-photo="7" onclick="alert(1)" onerror="alert(2)"></figure>',
    "style and class": '<figure data-photo="7" style="position:fixed;inset:0" class="overlay" id="x"></figure>',
    "script in the number": '<figure data-photo="7&quot;><script>alert(1)</script>"></figure>',
    "content inside": '<figure data-photo="7"><img src="x" onerror="alert(1)"><figcaption>fake</figcaption>'
    "<script>alert(1)</script><iframe src='https://evil.example'></iframe></figure>",
}


@pytest.mark.parametrize("hostile", HOSTILE_FIGURES.values(), ids=HOSTILE_FIGURES.keys())
def test_the_sanitizer_keeps_a_photo_placeholder_and_nothing_else(hostile):
    cleaned = sanitize_story_html(f"<p>Before</p>{hostile}<p>After</p>")

    for left_out in ("onclick", "onerror", "<script", "style", "class", "id=", "<img", "iframe", "figcaption", "fake"):
        assert left_out not in cleaned
    assert cleaned.replace('<figure data-photo="7"></figure>', "") == "<p>Before</p><p>After</p>"


@pytest.mark.parametrize(
    "not_a_photo",
    ['<figure data-photo="javascript:alert(1)"></figure>', '<figure data-photo="0"></figure>',
     '<figure data-photo="-3"></figure>', '<figure data-photo="12a"></figure>'],
)  # fmt: skip
def test_a_figure_without_a_photo_number_is_dropped(not_a_photo):
    assert sanitize_story_html(f"<p>Text</p>{not_a_photo}") == "<p>Text</p>"


def test_a_hostile_figure_posted_in_the_story_form_is_saved_as_a_bare_placeholder(reporter_client, reporter, section):
    story = make_article(section, reporter, title_en="Festival draft", created_by=reporter.user)
    photo = small_photo()
    body = f'<p>Text</p><figure data-photo="{photo.pk}" onmouseover="steal()"><img src=x onerror=alert(1)></figure>'

    response = reporter_client.post(
        f"/admin/articles/article/{story.pk}/change/", story_form_data(story, photos=[photo], body_en=body)
    )

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.body_en == f"<p>Text</p>{placeholder(photo)}"
    assert story.body_text_en == "Text", "the placeholder adds nothing to the text search reads"


def test_search_excerpts_carry_nothing_of_the_placeholder(client, festival):
    content = client.get("/en/search/?q=festival").content.decode()

    excerpt = content.split('class="search-result__excerpt">', 1)[1].split("</p>", 1)[0]
    assert "the <mark>festival</mark> opened." in excerpt
    assert "Second paragraph" in excerpt
    assert "figure" not in excerpt
    assert "data-photo" not in excerpt


def test_story_page_query_count_is_fixed_with_photos_placed_in_the_body(
    client, festival, django_assert_max_num_queries
):
    """Guards the N+1 of looking up each placed photo: they come from the story's photos, loaded once."""
    story, *_photos = festival
    more = [small_photo(caption_en=f"Photo {number}") for number in range(4)]
    for order, photo in enumerate(more, start=3):
        StoryPhoto.objects.create(article=story, photo=photo, order=order)
    Article.objects.filter(pk=story.pk).update(
        body_en="".join(f"<p>{n}</p>{placeholder(p)}" for n, p in enumerate(more))
    )

    with django_assert_max_num_queries(11):  # as the story page with photos after the body (test_photos.py)
        content = story_page(client, story, "/en")
    assert all(f'src="/media/{photo.fallback["name"]}"' in content for photo in more)


def test_the_photo_picker_answers_with_thumbnails(reporter_client, festival):
    _story, _lead, placed, _after = festival
    query = "app_label=articles&model_name=storyphoto&field_name=photo&term=등불"

    response = reporter_client.get(f"/admin/autocomplete/?{query}")

    assert response.status_code == 200
    [result] = response.json()["results"]
    assert result == {"id": str(placed.pk), "text": "등불 행렬", "thumbnail": f"/media/{placed.jpeg(160)['name']}"}
    assert placed.jpeg(160)["width"] == 480, "the smallest rendition, not a large one"


def test_other_pickers_answer_as_django_does(editor_client, festival, reporter):
    query = "app_label=articles&model_name=byline&field_name=reporter&term=황"

    response = editor_client.get(f"/admin/autocomplete/?{query}")

    assert response.json()["results"] == [{"id": str(reporter.pk), "text": str(reporter)}]
