"""Photos placed between a story's paragraphs: the body's placeholders filled with the story's own photos.

The editor leaves ``<figure data-photo="<id>"></figure>`` where a reporter put one of the story's photos
(see articles/richtext.py, which lets nothing else through). The story page replaces each with the same figure
as the lead photo (renditions, caption, credit, alternative text), from the photos it has already loaded: no
query per photo. A placeholder naming a photo the story does not have (detached since, or never attached)
shows nothing.
"""

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from articles.richtext import PHOTO_PLACEHOLDER


@dataclass(frozen=True)
class StoryBody:
    #: The body with its placed photos in it.
    html: SafeString
    #: The story's other photos, neither the lead nor placed in the body: shown after it, in order.
    remaining: list


def placed_photo_ids(body: str) -> set[int]:
    return {int(number) for number in PHOTO_PLACEHOLDER.findall(body or "")}


def story_body(body: str, story_photos) -> StoryBody:
    """``body`` (sanitized) with its placeholders filled from ``story_photos`` (the story's, in order).

    The lead photo is shown above the story already: placed in the body as well, it is not repeated.
    """
    photos = [story_photo.photo for story_photo in story_photos]
    shown_in_body = {photo.pk: photo for photo in photos[1:]}

    def figure(placeholder) -> str:
        photo = shown_in_body.get(int(placeholder.group(1)))
        return render_to_string("includes/story_photo.html", {"photo": photo, "eager": False}) if photo else ""

    placed = placed_photo_ids(body)
    return StoryBody(
        # The body was sanitized when saved, and the figures are templates that escape what they show.
        html=mark_safe(PHOTO_PLACEHOLDER.sub(figure, body or "")),  # noqa: S308
        remaining=[photo for photo in photos[1:] if photo.pk not in placed],
    )
