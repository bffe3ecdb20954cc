"""The photo library: photos with captions and credits, reused across stories, and each story's photos in order."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage, storages
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles import photos
from articles.models.stories import Article


def _originals_storage():
    return storages["originals"]


def _original_upload_to(photo, filename):
    # The name the file came with is never used: see photos.original_name.
    return photo._pending_name


class Photo(models.Model):
    original = models.FileField(
        _("photo file"),
        storage=_originals_storage,
        upload_to=_original_upload_to,
        max_length=200,
        validators=[photos.check_upload],
        help_text=_("A JPEG, PNG or WebP photo. Readers get resized copies without location or camera data."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=250,
        blank=True,  # but required in one language at least: see clean()
        help_text=_("What the photo shows, for readers who cannot see it. Not the caption again."),
    )
    credit = models.CharField(_("credit"), max_length=100, help_text=_("The photographer, or where the photo is from."))
    taken_on = models.DateField(_("taken on"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    # [{"width", "height", "format", "name"}], smallest first per format: the files readers get.
    renditions = models.JSONField(default=list, editable=False)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        indexes = [models.Index(fields=["-uploaded_at", "-id"], name="photo_library_recent")]

    def __str__(self):
        return self.caption or self.alt_text or f"#{self.pk}"

    def save(self, *args, **kwargs):
        """A new file gets a fresh private name and new renditions; the old files go once that is committed.

        A photo already in the library is only ever updated, under its row lock: one deleted since it was read
        raises Photo.DoesNotExist before any file is written, and is not inserted again.
        """
        with transaction.atomic():
            if not self._state.adding:
                if not list(Photo.objects.select_for_update().filter(pk=self.pk).values_list("pk")):
                    raise Photo.DoesNotExist(f"Photo {self.pk} was deleted.")
                kwargs = {"force_update": True, **kwargs}
            if self.original and not self.original._committed:
                self._render_new_file()
            super().save(*args, **kwargs)

    def _render_new_file(self):
        upload = photos.check_upload(self.original)
        replaced = _stored_files(self) if self.pk else []
        self._pending_name = photos.original_name(upload)
        rendered, camera = photos.make_renditions(self.original, default_storage)
        self.renditions = [rendition.as_dict() for rendition in rendered]
        if not self.taken_on:
            self.taken_on = camera.get("taken_on")
        if replaced:
            transaction.on_commit(lambda: _delete_files(replaced))

    def clean(self):
        if not any(getattr(self, f"alt_text_{code}", "") for code, _name in settings.LANGUAGES):
            raise ValidationError(
                {f"alt_text_{settings.LANGUAGE_CODE}": _("Describe what the photo shows, in one language at least.")}
            )

    # What templates need, from the renditions list: no query, no file access.

    def _of_format(self, extension):
        return [rendition for rendition in self.renditions if rendition["format"] == extension]

    def srcset(self, extension) -> str:
        return ", ".join(
            f"{default_storage.url(rendition['name'])} {rendition['width']}w"
            for rendition in self._of_format(extension)
        )

    @property
    def webp_srcset(self) -> str:
        return self.srcset("webp")

    @property
    def jpeg_srcset(self) -> str:
        return self.srcset("jpg")

    def jpeg(self, near_width: int) -> dict | None:
        """The JPEG rendition closest to ``near_width`` (not smaller when a larger one exists)."""
        jpegs = self._of_format("jpg")
        return next(
            (rendition for rendition in jpegs if rendition["width"] >= near_width), jpegs[-1] if jpegs else None
        )

    @property
    def fallback(self) -> dict | None:
        """The <img src> for browsers that read no srcset; its size gives the width and height attributes."""
        return self.jpeg(960)

    @property
    def fallback_url(self) -> str:
        return default_storage.url(self.fallback["name"]) if self.fallback else ""

    @property
    def sharing_image(self) -> dict | None:
        """For OpenGraph, Twitter cards and JSON-LD: the largest JPEG."""
        return self.jpeg(max(photos.RENDITION_WIDTHS))


def _stored_files(photo) -> list[tuple[str, str]]:
    """(storage alias, name) of every file ``photo`` has now, as the database has it."""
    stored = Photo.objects.filter(pk=photo.pk).values_list("original", "renditions").first()
    if not stored:
        return []
    original, renditions = stored
    return [("originals", original)] + [("default", rendition["name"]) for rendition in renditions]


def _delete_files(files) -> None:
    for alias, name in files:
        if name:
            storages[alias].delete(name)


@receiver(pre_delete, sender=Photo)
def delete_photo_files(sender, instance, **kwargs):
    """The files the photo has as it is deleted, under its row lock: a new image saved meanwhile goes too, not
    the files of the copy the deleting request read (already gone when the new image replaced them)."""
    list(Photo.objects.select_for_update().filter(pk=instance.pk).values_list("pk"))
    files = _stored_files(instance)
    transaction.on_commit(lambda: _delete_files(files))


class StoryPhoto(models.Model):
    """A photo in a story, in order: the first is the story's lead photo."""

    article = models.ForeignKey(Article, verbose_name=_("story"), on_delete=models.CASCADE, related_name="story_photos")
    photo = models.ForeignKey(Photo, verbose_name=_("photo"), on_delete=models.PROTECT, related_name="in_stories")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("story photo")
        verbose_name_plural = _("story photos")
        constraints = [models.UniqueConstraint(fields=["article", "photo"], name="story_photo_once")]

    def __str__(self):
        return str(self.photo)


@receiver(post_save, sender=StoryPhoto)
@receiver(post_delete, sender=StoryPhoto)
def keep_lead_photo(sender, instance, raw=False, **kwargs):
    if raw:
        return  # a loaded story has its lead photo in its own row already
    refresh_lead_photos([instance.article_id])


def refresh_lead_photos(article_ids) -> None:
    """Store each story's first photo on the story, so that lists show it without another query."""
    first = StoryPhoto.objects.filter(article=models.OuterRef("pk")).order_by("order", "pk").values("photo")[:1]
    Article.objects.filter(pk__in=list(article_ids)).update(lead_photo=models.Subquery(first))
