"""The POST data of the story change form in the admin, as a browser would send it."""

from django.utils.timezone import localtime

from articles.models import Article

TRANSLATED = [f"{field}_{language}" for field in ("title", "subtitle", "summary", "body") for language in ("ko", "en")]


def story_form_data(article: Article | None = None, *, section=None, reporters=(), photos=(), **overrides) -> dict:
    """Every field of the admin form, filled from ``article`` (or empty for a new story); ``photos`` are added."""
    data = {name: (getattr(article, name) or "") if article else "" for name in TRANSLATED}
    data.update(
        section=(section or article.section).pk,
        slug=article.slug if article else "",
        review_note=article.review_note if article else "",
        placement=article.placement if article else "general",
        placement_order=article.placement_order if article else 0,
        legacy_id="",
        published_at_0=localtime(article.published_at).strftime("%Y-%m-%d") if article and article.published_at else "",
        published_at_1=localtime(article.published_at).strftime("%H:%M:%S") if article and article.published_at else "",
    )
    if article is None or article.comments_enabled:
        data["comments_enabled"] = "on"
    bylines = list(article.bylines.all()) if article else []
    data.update(
        {
            "bylines-TOTAL_FORMS": str(len(bylines) + len(reporters)),
            "bylines-INITIAL_FORMS": str(len(bylines)),
            "bylines-MIN_NUM_FORMS": "0",
            "bylines-MAX_NUM_FORMS": "1000",
        }
    )
    for index, byline in enumerate(bylines):
        data.update(
            {
                f"bylines-{index}-id": byline.pk,
                f"bylines-{index}-article": article.pk,
                f"bylines-{index}-reporter": byline.reporter_id,
                f"bylines-{index}-order": byline.order,
            }
        )
    for offset, reporter in enumerate(reporters, start=len(bylines)):
        data.update({f"bylines-{offset}-reporter": reporter.pk, f"bylines-{offset}-order": offset})
    story_photos = list(article.story_photos.all()) if article else []
    data.update(
        {
            "story_photos-TOTAL_FORMS": str(len(story_photos) + len(photos)),
            "story_photos-INITIAL_FORMS": str(len(story_photos)),
            "story_photos-MIN_NUM_FORMS": "0",
            "story_photos-MAX_NUM_FORMS": "1000",
        }
    )
    for index, story_photo in enumerate(story_photos):
        data.update(
            {
                f"story_photos-{index}-id": story_photo.pk,
                f"story_photos-{index}-article": article.pk,
                f"story_photos-{index}-photo": story_photo.photo_id,
                f"story_photos-{index}-order": story_photo.order,
            }
        )
    for offset, photo in enumerate(photos, start=len(story_photos)):
        data.update({f"story_photos-{offset}-photo": photo.pk, f"story_photos-{offset}-order": offset})
    data.update(overrides)
    return data
