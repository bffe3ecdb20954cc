"""Stories and how they are organised: sections, tags, bylines, and the newsroom workflow."""

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from articles.models.history import RemovedStory, StoryEvent, forget_revisions, revision_by
from articles.models.people import Reporter
from articles.richtext import PlainTextOf, StoryBodyField
from articles.search import update_search_documents
from articles.translation_status import follow_translation

PUBLISH_PERMISSION = "articles.publish_article"
#: Saves this soon after approval (the approval itself, a typo fixed at once) are not revisions.
REVISION_GRACE = timedelta(minutes=5)


class Section(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    position = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Sections are listed in this order, smallest first.")
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})

    @classmethod
    def for_navigation(cls) -> list["Section"]:
        """Every section, kept in each process until the site's content changes: the header shows them on every
        page (a section's save or deletion changes the content: articles.cache_invalidation)."""
        from articles.page_cache import process_value  # the page cache builds on these models

        return process_value("navigation-sections", [], lambda: list(cls.objects.all()))


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: approved stories whose publication time has come, not in the trash."""
        return self.outside_trash().filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def outside_trash(self):
        return self.filter(deleted_at__isnull=True)

    def scheduled(self):
        """Approved stories waiting for their publication time (not in the trash)."""
        return self.outside_trash().filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def in_trash(self):
        return self.filter(deleted_at__isnull=False)

    def trash_expired(self):
        """Stories in the trash longer than ``STORY_TRASH_DAYS``: emptying the trash deletes these."""
        return self.filter(deleted_at__lt=timezone.now() - timedelta(days=settings.STORY_TRASH_DAYS))

    @transaction.atomic
    def delete_for_good(self) -> int:
        """Delete these stories with their comments and kept revisions. The addresses of those readers could
        see answer 410 Gone from then on (a draft's never existed for readers: 404)."""
        # Locked first: a save in progress finishes (with its revision) before the story and its revisions go.
        gone = list(self.select_for_update().values_list("pk", "legacy_id", "status", "published_at", "deleted_at"))
        now = timezone.now()
        RemovedStory.objects.bulk_create(
            [
                RemovedStory(article_id=pk, legacy_id=legacy_id)
                for pk, legacy_id, status, published_at, deleted_at in gone
                if status == Article.Status.PUBLISHED and published_at and published_at <= (deleted_at or now)
            ],
            ignore_conflicts=True,
        )
        ids = [pk for pk, *_rest in gone]
        forget_revisions(ids)
        Article.objects.filter(pk__in=ids).delete()
        return len(ids)

    def in_newsroom_of(self, user):
        """The stories a staff member may see in the admin.

        Editors see everything. Reporters see their own stories in any state
        and other people's only once published: never their drafts.
        """
        stories = self.outside_trash()
        if user.has_perm(PUBLISH_PERMISSION):
            return stories
        return stories.filter(written_by(user) | Q(status=Article.Status.PUBLISHED))

    def written_by(self, user):
        """The stories ``user`` created or is on the byline of (Article.is_by as a query)."""
        return self.filter(written_by(user))


def written_by(user) -> Q:
    """Article.is_by as a condition: the ids of the stories ``user`` created and of those they sign, each read from
    its own index. Joined to the byline instead, a story came once per reporter, and the DISTINCT that undid it (or
    the OR across the two tables) read every story."""
    created = Article.objects.filter(created_by=user).order_by().values("pk")
    signed = Byline.objects.filter(reporter__user=user).order_by().values("article")
    return Q(pk__in=created.union(signed))


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        RETURNED = "returned", _("Returned")
        PUBLISHED = "published", _("Published")

    class Placement(models.TextChoices):
        """Where the home page shows a story: the old system's 헤드라인 / 중요 / 일반 grades."""

        LEAD = "lead", _("Lead")
        IMPORTANT = "important", _("Important")
        GENERAL = "general", _("General")

    #: States in which the story's reporters may still change it.
    REPORTER_EDITABLE = {Status.DRAFT, Status.RETURNED}

    title = models.CharField(_("headline"), max_length=200, blank=True)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True, help_text=_("One or two sentences for lists and sharing."))
    body = StoryBodyField(_("body"), blank=True)
    body_text_ko = PlainTextOf(_("Korean body as plain text"), source="body_ko")
    body_text_en = PlainTextOf(_("English body as plain text"), source="body_en")
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        allow_unicode=True,
        blank=True,
        help_text=_("The readable part of the story's address. Left empty, it is made from the headline."),
    )
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="articles")
    reporters = models.ManyToManyField(
        Reporter, verbose_name=_("byline"), through="Byline", related_name="articles", blank=True
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    review_note = models.TextField(
        _("review note"), blank=True, help_text=_("The editor's feedback when a story is returned to its reporter.")
    )
    published_at = models.DateTimeField(
        _("approved at"),
        null=True,
        blank=True,
        help_text=_("Approval and publication time. A future time schedules the story."),
    )
    revised_at = models.DateTimeField(
        _("revised at"), null=True, blank=True, editable=False,
        help_text=_("When the story was last changed after its publication (shown as 수정)."),
    )  # fmt: skip
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    comments_enabled = models.BooleanField(_("comments enabled"), default=True)
    placement = models.CharField(
        _("placement"), max_length=10, choices=Placement.choices, default=Placement.GENERAL,
        help_text=_("Lead stories open the home page, important ones follow; general stories appear by section."),
    )  # fmt: skip
    placement_order = models.PositiveSmallIntegerField(
        _("placement order"), default=0, help_text=_("Among lead and important stories, smaller numbers come first.")
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), related_name="articles", blank=True)
    related_articles = models.ManyToManyField(
        "self", verbose_name=_("related stories"), symmetrical=False, blank=True,
        help_text=_("Editor's picks, shown before stories found by shared tags and section."),
    )  # fmt: skip
    #: The first of the story's photos, kept by StoryPhoto's signals so that lists need no other query.
    lead_photo = models.ForeignKey(
        "articles.Photo",
        verbose_name=_("lead photo"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    original_language = models.CharField(
        _("original language"), max_length=2, choices=settings.LANGUAGES, blank=True,
        help_text=_("The language the story was written in; the other is its translation. Left empty, it is the "
                    "language of the first headline."),
    )  # fmt: skip
    #: Kept by every save (articles.translation_status): the original's text changed after the translation's.
    translation_stale = models.BooleanField(_("translation out of date"), default=False, editable=False)
    #: Set by the newsroom's "mark the translation as current": the next save clears translation_stale.
    translation_marked_current = False
    #: Set when loaded from the database (see from_db); a story made in memory was never public.
    was_published_when_loaded = False
    #: Readers' visible comments, kept by the comments code so lists never count rows.
    comment_count = models.PositiveIntegerField(_("comments"), default=0, editable=False)
    #: Replies published under the story (articles.models.replies): its page looks them up only when there are some.
    published_reply_count = models.PositiveIntegerField(_("published replies"), default=0, editable=False)
    #: Full-text index of both languages, kept up to date on PostgreSQL (see articles.search; SQLite's index is a
    #: table of its own): every field, and the headline, subtitle and summary alone, which rank first.
    search_document = SearchVectorField(null=True, editable=False)
    search_standfirst = SearchVectorField(null=True, editable=False)
    legacy_id = models.PositiveIntegerField(
        _("old site number"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("The story's idxno on the old site, so that its old links keep working."),
    )
    #: Raised by every save: the newsroom's forms refuse a save based on an older version (no lost updates).
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    deleted_at = models.DateTimeField(_("moved to the trash at"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved to the trash by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        permissions = [("publish_article", _("Can approve, publish, return and unpublish stories"))]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_published"),
            models.Index(fields=["section", "status", "-published_at"], name="article_section_published"),
            models.Index(fields=["placement", "status", "-published_at"], name="article_placement_published"),
            models.Index(fields=["-deleted_at"], name="article_trash", condition=Q(deleted_at__isnull=False)),
            # The newsroom's stories list (articles.admin.newsroom): last changed first, of all, of one status or of
            # those whose translation is out of date, and its dates from the earliest and the latest approval.
            models.Index(fields=["-updated_at", "-id"], name="article_newsroom_changed", condition=Q(deleted_at=None)),
            models.Index(
                fields=["status", "-updated_at", "-id"], name="article_newsroom_status", condition=Q(deleted_at=None)
            ),
            models.Index(
                fields=["-published_at", "-id"], name="article_newsroom_published", condition=Q(deleted_at=None)
            ),
            models.Index(
                fields=["-updated_at", "-id"],
                name="article_translation_stale",
                condition=Q(translation_stale=True, deleted_at=None),
            ),
        ]

    def __str__(self):
        return self.title or self.title_en or self.title_ko or str(_("(untitled story)"))

    #: Written only by move_to_trash and restore_from_trash.
    TRASH_FIELDS = frozenset({"deleted_at", "deleted_by"})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title_en or self.title_ko or "", allow_unicode=True)[:120] or "story"
        if self._state.adding or kwargs.get("force_insert"):
            self.version += 1
            follow_translation(self, None)
            super().save(*args, **kwargs)
        else:
            with transaction.atomic():
                self._save_over_current(kwargs)
                follow_translation(self, kwargs["update_fields"])
                super().save(*args, **kwargs)
        update_search_documents(Article.objects.filter(pk=self.pk))

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"pk": self.pk, "slug": self.slug})

    def _save_over_current(self, save_kwargs) -> None:
        """Prepare saving a story read earlier: its row locked, its version one past the saved one (an instance read
        before another save must not reuse that save's number), and no trash fields written (a story moved to the
        trash meanwhile stays there). A story deleted for good meanwhile is not written again."""
        current = type(self).objects.select_for_update().filter(pk=self.pk).values_list("version", flat=True).first()
        if current is None:
            raise self.DoesNotExist(f"Story {self.pk} was deleted for good: it cannot be saved again.")
        self.version = current + 1
        fields = save_kwargs.get("update_fields")
        if fields is None:
            fields = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in self.TRASH_FIELDS
            ]
        save_kwargs["update_fields"] = {*fields, "version"}

    @classmethod
    def from_db(cls, db, field_names, values):
        article = super().from_db(db, field_names, values)
        # Whether readers could see it before this change: unpublishing must refresh their pages too.
        article.was_published_when_loaded = article.__dict__.get("status") == cls.Status.PUBLISHED
        return article

    @classmethod
    def was_deleted(cls, **lookup) -> bool:
        """Whether the story found by ``lookup`` (pk= or legacy_id=) was public and then deleted: it is in the
        trash or was emptied from it."""
        removed_lookup = {"article_id": lookup["pk"]} if "pk" in lookup else lookup
        once_public = cls.objects.in_trash().filter(
            status=cls.Status.PUBLISHED, published_at__lte=models.F("deleted_at"), **lookup
        )
        return once_public.exists() or RemovedStory.objects.filter(**removed_lookup).exists()

    def get_preview_url(self):
        return reverse("articles:preview", kwargs={"pk": self.pk})

    def clean(self):
        if not (self.title_ko or self.title_en):
            raise ValidationError({"title_en": _("Give the story a headline in at least one language.")})

    @property
    def byline(self) -> list[Reporter]:
        """The reporters in byline order (uses a prefetch of ``bylines__reporter`` when there is one)."""
        return [entry.reporter for entry in self.bylines.all()]

    @property
    def was_revised(self) -> bool:
        """Edited after approval: the page then shows 수정 (updated) beside 승인."""
        return bool(self.published_at and self.revised_at and self.revised_at - self.published_at > REVISION_GRACE)

    @property
    def untranslated(self) -> bool:
        """The current language has no headline of its own, so readers see the other language's."""
        return not getattr(self, f"title_{get_language()}", None)

    def accepts_comments(self) -> bool:
        """Editors may close a story's comments; they also close by themselves after the configured days."""
        if not self.comments_enabled:
            return False
        days = settings.COMMENTS_CLOSE_AFTER_DAYS
        return not (days and self.published_at and timezone.now() > self.published_at + timedelta(days=days))

    @property
    def is_scheduled(self) -> bool:
        """Approved, with a publication time still to come."""
        return self.status == self.Status.PUBLISHED and self.published_at is not None and not self.is_public

    @property
    def is_public(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    # Who may do what. The admin and the views ask these; they never decide alone.

    def is_by(self, user) -> bool:
        """Whether ``user`` created the story or is on its byline."""
        if not user.is_authenticated:
            return False
        return self.created_by_id == user.pk or self.bylines.filter(reporter__user=user).exists()

    def can_be_edited_by(self, user) -> bool:
        if user.has_perm(PUBLISH_PERMISSION):
            return True
        return user.has_perm("articles.change_article") and self.status in self.REPORTER_EDITABLE and self.is_by(user)

    # The workflow: 작성중 (draft) → 미승인 (review) → 승인 (published), or 반려 (returned).

    def submit_for_review(self, *, by) -> None:
        if not self.can_be_edited_by(by):
            raise PermissionDenied
        if self.status not in self.REPORTER_EDITABLE:
            raise ValidationError(_("Only a draft or a returned story can be submitted for review."))
        self.status = self.Status.REVIEW
        with revision_by(by, "workflow", action="_submit_for_review"):
            self.save(update_fields=["status", "updated_at"])
        self._record(StoryEvent.Action.SUBMITTED, by)

    def publish(self, *, by, at=None, note: str = "") -> None:
        """Approve and publish now, or at ``at`` if that is in the future (scheduling); ``note`` is for the
        reporters (optional)."""
        self._require_editor(by)
        now = timezone.now()
        self.status = self.Status.PUBLISHED
        self.published_at = at if at and at > now else now
        self.approved_by = by
        with revision_by(by, "workflow", action="_publish"):
            self.save(update_fields=["status", "published_at", "approved_by", "updated_at"])
        scheduled = self.published_at > now
        action = StoryEvent.Action.SCHEDULED if scheduled else StoryEvent.Action.PUBLISHED
        self._record(action, by, self.published_at, note=note.strip())

    def return_to_reporter(self, *, by, note: str) -> None:
        self._require_editor(by)
        if not note.strip():
            raise ValidationError({"review_note": _("Write a note telling the reporter what to change.")})
        if self.status == self.Status.PUBLISHED:
            raise ValidationError(_("Unpublish the story before returning it."))
        self.status = self.Status.RETURNED
        self.review_note = note.strip()
        with revision_by(by, "workflow", action="_return"):
            self.save(update_fields=["status", "review_note", "updated_at"])
        self._record(StoryEvent.Action.RETURNED, by, note=self.review_note)

    def unpublish(self, *, by) -> None:
        """Take the story off the site; it goes back to the editors' review queue."""
        self._require_editor(by)
        if self.status != self.Status.PUBLISHED:
            raise ValidationError(_("Only a published story can be unpublished."))
        self.status = self.Status.REVIEW
        with revision_by(by, "workflow", action="_unpublish"):
            self.save(update_fields=["status", "updated_at"])
        self._record(StoryEvent.Action.UNPUBLISHED, by)

    # The trash: a deleted story can be restored for STORY_TRASH_DAYS, then it is gone for good.

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None

    @property
    def trash_expires_at(self):
        return self.deleted_at + timedelta(days=settings.STORY_TRASH_DAYS) if self.deleted_at else None

    def move_to_trash(self, *, by) -> bool:
        """Whether it moved (False: it was in the trash already, or deleted for good meanwhile)."""
        self._require_editor(by)
        with transaction.atomic():
            if not self._lock_current() or self.in_trash:
                return False
            self.deleted_at = timezone.now()
            self.deleted_by = by
            with revision_by(by, "trashed"):
                self.save(update_fields=[*self.TRASH_FIELDS, "updated_at"])
            self._record(StoryEvent.Action.TRASHED, by)
        return True

    def restore_from_trash(self, *, by) -> bool:
        """Whether it came back (False: it was not in the trash, or was deleted for good meanwhile)."""
        self._require_editor(by)
        with transaction.atomic():
            if not self._lock_current() or not self.in_trash:
                return False
            self.deleted_at = None
            self.deleted_by = None
            with revision_by(by, "untrashed"):
                self.save(update_fields=[*self.TRASH_FIELDS, "updated_at"])
            self._record(StoryEvent.Action.RESTORED, by)
        return True

    def _lock_current(self) -> bool:
        """Lock the story's row until the transaction ends and read it as it is now (a save in progress finishes
        first); False if it was deleted for good."""
        try:
            self.refresh_from_db(from_queryset=Article.objects.select_for_update())
        except Article.DoesNotExist:
            return False
        return True

    def _record(self, action, by, at=None, note=""):
        StoryEvent.objects.create(article=self, action=action, by=by, scheduled_for=at, note=note)

    @staticmethod
    def _require_editor(user) -> None:
        if not user.has_perm(PUBLISH_PERMISSION):
            raise PermissionDenied


class Byline(models.Model):
    """One reporter on one story's byline, in byline order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    reporter = models.ForeignKey(Reporter, verbose_name=_("reporter"), on_delete=models.PROTECT, related_name="bylines")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("byline entry")
        verbose_name_plural = _("byline")
        constraints = [models.UniqueConstraint(fields=["article", "reporter"], name="byline_unique_reporter")]

    def __str__(self):
        return str(self.reporter)
