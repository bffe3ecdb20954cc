"""The photo library: what uploads are refused and why, what readers get, and where photos show."""

import json
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.models import Article, Photo, Reporter, StoryPhoto
from tests.admin_forms import story_form_data
from tests.conftest import make_article, make_user

pytestmark = pytest.mark.django_db

ADD = "/admin/articles/photo/add/"


def image_bytes(format="JPEG", size=(2000, 1333), color=(200, 40, 40), **save_options) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, format, **save_options)
    return buffer.getvalue()


def upload(data: bytes, name="phone-photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def photo_form(file, **fields) -> dict:
    return {
        "original": file,
        "caption_ko": "봄 축제 첫날 중앙 광장",
        "caption_en": "The central square on the first day of the spring festival",
        "alt_text_ko": "",
        "alt_text_en": "Students dancing in front of a stage under paper lanterns",
        "credit": "김사진 기자",
        "taken_on": "",
        **fields,
    }


def make_photo(data=None, **fields) -> Photo:
    photo = Photo(
        original=upload(data or image_bytes()),
        alt_text_en=fields.pop("alt_text_en", "A stage at night"),
        credit=fields.pop("credit", "Kim"),
        **fields,
    )
    photo.save()
    return photo


def stored(name) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def opened(name) -> Image.Image:
    """The stored rendition, decoded (and its file closed)."""
    with Image.open(stored(name)) as image:
        image.load()
        return image


# Accepted uploads


def test_an_upload_becomes_renditions_in_webp_and_jpeg_and_a_private_original(editor_client, editor):
    response = editor_client.post(ADD, photo_form(upload(image_bytes(), name="IMG_0001.JPG")))

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.uploaded_by == editor
    assert [(r["format"], r["width"], r["height"]) for r in photo.renditions] == [
        ("jpg", 480, 320), ("jpg", 960, 640), ("jpg", 1600, 1066),
        ("webp", 480, 320), ("webp", 960, 640), ("webp", 1600, 1066),
    ]  # fmt: skip
    for rendition in photo.renditions:
        image = opened(rendition["name"])
        assert image.format == {"jpg": "JPEG", "webp": "WEBP"}[rendition["format"]]
        assert image.size == (rendition["width"], rendition["height"])
    # The photographer's file: private, under a name of its own, never under MEDIA_ROOT.
    assert "IMG_0001" not in photo.original.name
    assert photo.original.name.endswith(".jpg")
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / photo.original.name).exists()
    assert not stored(photo.original.name).exists()


def test_small_photos_are_never_enlarged():
    photo = make_photo(image_bytes(size=(600, 400)))

    assert sorted({r["width"] for r in photo.renditions}) == [480, 600]


def test_the_content_decides_not_the_name(editor_client):
    png_named_jpeg = upload(image_bytes("PNG", size=(800, 600)), name="photo.jpg")

    assert editor_client.post(ADD, photo_form(png_named_jpeg)).status_code == 302
    assert Photo.objects.get().original.name.endswith(".png")


def test_transparent_png_gets_a_white_background_in_jpeg_and_keeps_it_in_webp():
    buffer = BytesIO()
    Image.new("RGBA", (500, 500), (0, 0, 0, 0)).save(buffer, "PNG")

    photo = make_photo(buffer.getvalue())

    jpeg = next(r for r in photo.renditions if r["format"] == "jpg")
    webp = next(r for r in photo.renditions if r["format"] == "webp")
    assert opened(jpeg["name"]).convert("RGB").getpixel((10, 10)) == (255, 255, 255)
    assert opened(webp["name"]).mode == "RGBA"


# Refusals, each with its reason in the editor's language


def truncated_jpeg() -> bytes:
    data = image_bytes()
    return data[: len(data) // 2]


def pixel_bomb() -> bytes:
    """A PNG header declaring 12,000 by 9,000 pixels over a few kilobytes of compressed zeros."""
    buffer = BytesIO()
    Image.new("1", (12_000, 9_000)).save(buffer, "PNG")
    return buffer.getvalue()


REFUSALS = {
    "gif": (lambda: image_bytes("GIF"), "JPEG, PNG, WebP 사진 파일이 아닙니다."),
    "bmp named jpg": (lambda: image_bytes("BMP"), "JPEG, PNG, WebP 사진 파일이 아닙니다."),
    "text": (lambda: b"Just some notes, not a photo at all.", "JPEG, PNG, WebP 사진 파일이 아닙니다."),
    "svg": (
        lambda: b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "사진이 아니라 SVG 그림이나 웹 페이지입니다.",
    ),
    "html named jpg": (lambda: b"  <html><script>alert(document.cookie)</script></html>", "SVG 그림이나 웹 페이지"),
    "truncated": (truncated_jpeg, "사진 파일이 손상되었거나 일부가 빠져 읽을 수 없습니다."),
    "corrupt": (lambda: image_bytes()[:200] + b"\x00" * 5000, "손상되었거나"),
    "pixel bomb": (pixel_bomb, "이 사진은 12000×9000 픽셀입니다. 사진은 50메가픽셀까지 올릴 수 있습니다."),  # noqa: RUF001
}


@pytest.mark.parametrize("kind", REFUSALS)
def test_refused_uploads_say_why_and_store_nothing(editor_client, kind):
    make_data, message = REFUSALS[kind]

    response = editor_client.post(ADD, photo_form(upload(make_data())))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Photo.objects.exists()
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.*"))
    assert not any(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.*"))


def test_the_pixel_bomb_is_small_on_disk_and_large_in_its_header():
    assert len(pixel_bomb()) < 200_000
    with pytest.warns(Image.DecompressionBombWarning), Image.open(BytesIO(pixel_bomb())) as image:
        assert image.size == (12_000, 9_000)


def test_files_over_the_size_limit_are_refused_in_english_too(editor_client, settings):
    settings.PHOTO_MAX_UPLOAD_BYTES = 10_000

    response = editor_client.post(f"/en{ADD}", photo_form(upload(image_bytes())))

    assert "a photo can be at most 9.8\xa0KB" in response.content.decode()
    assert not Photo.objects.exists()


def test_alt_text_is_required_in_one_language(editor_client):
    response = editor_client.post(ADD, photo_form(upload(image_bytes()), alt_text_en=""))

    assert "적어도 한 언어로 사진에 무엇이 담겼는지 적어 주세요." in response.content.decode()
    assert not Photo.objects.exists()


# What readers get: upright, without metadata


def exif_jpeg(*, orientation=None, gps=False, taken=None) -> bytes:
    """Left half red, right half blue, with the EXIF a phone would write."""
    image = Image.new("RGB", (1200, 800), (220, 0, 0))
    image.paste((0, 0, 220), (600, 0, 1200, 800))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (37.0, 35.0, 22.0), 3: "E", 4: (127.0, 1.0, 33.0)}
    if taken:
        exif[0x8769] = {0x9003: taken}
    buffer = BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def test_the_test_photo_really_carries_gps():
    with Image.open(BytesIO(exif_jpeg(gps=True))) as image:
        assert image.getexif().get_ifd(0x8825)


def test_the_exif_orientation_is_applied():
    photo = make_photo(exif_jpeg(orientation=6))  # the camera was turned: show it rotated 90° clockwise

    for rendition in photo.renditions:
        assert rendition["height"] > rendition["width"]
    largest = opened(max(photo.renditions, key=lambda r: r["width"])["name"]).convert("RGB")
    top, bottom = largest.getpixel((largest.width // 2, 5)), largest.getpixel((largest.width // 2, largest.height - 5))
    assert top[0] > 150 > top[2]  # what was on the left is now on top
    assert bottom[2] > 150 > bottom[0]


def test_no_served_file_keeps_gps_or_any_other_metadata():
    photo = make_photo(exif_jpeg(gps=True, orientation=1, taken="2026:03:14 10:20:00"))

    for rendition in photo.renditions:
        raw = stored(rendition["name"]).read_bytes()
        with Image.open(BytesIO(raw)) as image:
            assert not image.getexif()
            assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
        assert b"PhoneMaker" not in raw
        assert b"Exif" not in raw
    # The date it was taken is all that is kept, and only as a field of the photo.
    assert str(photo.taken_on) == "2026-03-14"


def test_the_private_original_has_no_address(client):
    photo = make_photo(exif_jpeg(gps=True))

    assert client.get(f"/media/{photo.original.name}").status_code == 404
    with pytest.raises(ValueError, match="no URL"):
        photo.original.url  # noqa: B018


def test_renditions_are_served_with_a_long_cache_and_as_images(client):
    photo = make_photo()

    response = client.get(f"/media/{photo.renditions[0]['name']}")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "immutable" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()


# Files follow the photo


def test_deleting_a_photo_removes_its_files(editor_client, django_capture_on_commit_callbacks):
    photo = make_photo()
    files = [stored(r["name"]) for r in photo.renditions] + [Path(settings.PRIVATE_MEDIA_ROOT) / photo.original.name]
    assert all(path.exists() for path in files)

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"/admin/articles/photo/{photo.pk}/delete/", {"post": "yes"})

    assert not Photo.objects.exists()
    assert not any(path.exists() for path in files)


def test_a_new_image_gets_new_renditions_and_the_old_files_go(editor_client, django_capture_on_commit_callbacks):
    photo = make_photo(image_bytes(size=(2000, 1000)))
    old_files = [stored(r["name"]) for r in photo.renditions]

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            f"/admin/articles/photo/{photo.pk}/change/", photo_form(upload(image_bytes("PNG", size=(1000, 1000))))
        )

    assert response.status_code == 302
    photo.refresh_from_db()
    assert {(r["width"], r["height"]) for r in photo.renditions} == {(480, 480), (960, 960), (1000, 1000)}
    assert not any(path.exists() for path in old_files)
    assert all(stored(r["name"]).exists() for r in photo.renditions)


def test_a_photo_in_a_story_cannot_be_deleted(editor_client, published_article):
    photo = make_photo()
    StoryPhoto.objects.create(article=published_article, photo=photo)

    editor_client.post(f"/admin/articles/photo/{photo.pk}/delete/", {"post": "yes"})

    assert Photo.objects.filter(pk=photo.pk).exists()


# Who may do what


def test_reporters_upload_and_correct_their_own_photos_only(reporter_client, reporter, editor):
    assert reporter_client.post(ADD, photo_form(upload(image_bytes()))).status_code == 302
    mine = Photo.objects.get()
    theirs = make_photo(uploaded_by=editor)

    assert reporter_client.get(f"/admin/articles/photo/{mine.pk}/change/").status_code == 200
    response = reporter_client.post(f"/admin/articles/photo/{theirs.pk}/change/", photo_form("", credit="Changed"))
    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.credit == "Kim"
    assert reporter_client.post(f"/admin/articles/photo/{mine.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Photo.objects.filter(pk=mine.pk).exists()


def test_readers_cannot_reach_the_library(client):
    reader = make_user("plainreader")
    client.force_login(reader)

    assert client.post(ADD, photo_form(upload(image_bytes()))).status_code == 302  # to the admin sign-in
    assert not Photo.objects.exists()


# Stories and their photos


@pytest.fixture
def story_with_photos(section, reporter):
    story = make_article(section, reporter, status=Article.Status.PUBLISHED, title_en="Spring festival opens")
    lead = make_photo(caption_ko="무대 앞 학생들", caption_en="Students at the stage", credit="김사진")
    second = make_photo(image_bytes(size=(1200, 900)), caption_en="The lantern walk", alt_text_en="Lanterns")
    StoryPhoto.objects.create(article=story, photo=lead, order=0)
    StoryPhoto.objects.create(article=story, photo=second, order=1)
    story.refresh_from_db()
    return story, lead, second


def test_reporters_attach_photos_in_order_from_the_story_form(reporter_client, reporter, section):
    story = make_article(section, reporter, title_en="Festival draft", body_en="<p>Text</p>")
    first, second = make_photo(), make_photo()

    response = reporter_client.post(
        f"/admin/articles/article/{story.pk}/change/", story_form_data(story, photos=[second, first])
    )

    assert response.status_code == 302
    assert list(story.story_photos.values_list("photo", flat=True)) == [second.pk, first.pk]
    story.refresh_from_db()
    assert story.lead_photo == second


def test_the_lead_photo_follows_the_order(story_with_photos):
    story, lead, second = story_with_photos
    assert story.lead_photo == lead

    StoryPhoto.objects.filter(photo=second).update(order=0)
    StoryPhoto.objects.filter(photo=lead).update(order=5)
    StoryPhoto.objects.get(photo=second).save()
    story.refresh_from_db()
    assert story.lead_photo == second

    StoryPhoto.objects.all().delete()
    story.refresh_from_db()
    assert story.lead_photo is None


def test_the_story_page_serves_responsive_renditions(client, story_with_photos):
    story, lead, second = story_with_photos

    content = client.get(f"/news/{story.pk}/{story.slug}/").content.decode()

    lead_webp = ", ".join(f"/media/{r['name']} {r['width']}w" for r in lead.renditions if r["format"] == "webp")
    assert f'<source type="image/webp" srcset="{lead_webp}"' in content
    lead_tag = content[content.index(f'src="/media/{lead.fallback["name"]}"') :].split(">", 1)[0]
    assert 'width="960" height="640"' in lead_tag
    assert 'fetchpriority="high"' in lead_tag
    assert "loading=" not in lead_tag
    second_tag = content[content.index(f'src="/media/{second.fallback["name"]}"') :].split(">", 1)[0]
    assert 'loading="lazy"' in second_tag
    assert 'alt="Lanterns"' in second_tag
    assert "무대 앞 학생들" in content
    assert "사진: 김사진" in content
    assert 'sizes="(min-width: 44rem) 42rem, calc(100vw - 2rem)"' in content


def test_lists_show_the_lead_photo_lazily_without_more_queries(client, story_with_photos, section, reporter,
                                                               django_assert_max_num_queries):  # fmt: skip
    """Guards the N+1 of loading each listed story's lead photo."""
    _story, lead, _second = story_with_photos
    for number in range(5):
        other = make_article(section, reporter, status=Article.Status.PUBLISHED, title_en=f"Other {number}")
        StoryPhoto.objects.create(article=other, photo=make_photo())

    with django_assert_max_num_queries(6):
        content = client.get(f"/sections/{section.slug}/").content.decode()

    assert f'src="/media/{lead.fallback["name"]}"' in content
    assert content.count('loading="lazy"') >= 6


def test_sharing_metadata_uses_the_largest_jpeg(client, story_with_photos):
    story, lead, _second = story_with_photos

    content = client.get(f"/news/{story.pk}/{story.slug}/").content.decode()

    largest = lead.sharing_image
    url = f"http://testserver/media/{largest['name']}"
    assert f'<meta property="og:image" content="{url}">' in content
    assert '<meta property="og:image:width" content="1600">' in content
    assert '<meta name="twitter:card" content="summary_large_image">' in content
    json_ld = json.loads(content.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert json_ld["image"][0]["url"] == url


def test_reporters_have_a_portrait_from_the_library(client, reporter, story_with_photos):
    story, lead, _second = story_with_photos
    Reporter.objects.filter(pk=reporter.pk).update(portrait=lead)

    content = client.get(f"/reporters/{reporter.pk}/").content.decode()
    assert "reporter-profile__portrait" in content
    assert "reporter-box__portrait" in client.get(f"/news/{story.pk}/{story.slug}/").content.decode()


def test_story_page_query_count_is_fixed_with_photos(client, story_with_photos, django_assert_max_num_queries):
    """Guards the N+1 of loading each of the story's photos."""
    story, _lead, _second = story_with_photos
    for _number in range(4):
        StoryPhoto.objects.create(article=story, photo=make_photo(), order=9)

    with django_assert_max_num_queries(11):
        assert client.get(f"/news/{story.pk}/{story.slug}/").status_code == 200


def test_a_photo_too_tall_for_webp_gets_smaller_renditions_or_a_clear_refusal(editor_client):
    screenshot = make_photo(image_bytes("PNG", size=(1080, 20_000)))  # a phone's long screenshot
    assert {r["width"] for r in screenshot.renditions} == {480}

    response = editor_client.post(ADD, photo_form(upload(image_bytes("PNG", size=(200, 20_000)))))
    assert "사진으로 보여 주기에는 너무 길고 좁은 이미지입니다" in response.content.decode()
