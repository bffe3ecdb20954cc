"""The paper's published policies and what readers agreed to.

Each policy (terms of use, privacy policy, code of ethics, contact) is a series of versions, each with its
effective date; the one in force is the latest whose date has come, and a version once in force is never
rewritten (a change is a new version), so a reader's recorded consent always points at the text they saw.
"""

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.richtext import StoryBodyField


class PolicyKind(models.TextChoices):
    TERMS = "terms", _("Terms of use")
    PRIVACY = "privacy", _("Privacy policy")
    ETHICS = "ethics", _("Code of ethics")
    CONTACT = "contact", _("Contact")


class PolicyVersionQuerySet(models.QuerySet):
    def in_force(self, today=None):
        """The versions whose effective date has come (Seoul's date)."""
        return self.filter(effective_from__lte=today or timezone.localdate())

    def current(self, kind) -> "PolicyVersion | None":
        return self.filter(kind=kind).in_force().order_by("-effective_from", "-version").first()

    def upcoming(self, kind) -> "PolicyVersion | None":
        return self.filter(kind=kind, effective_from__gt=timezone.localdate()).order_by("effective_from").first()


class PolicyVersion(models.Model):
    kind = models.CharField(_("policy"), max_length=10, choices=PolicyKind.choices)
    version = models.PositiveSmallIntegerField(_("version"), editable=False)
    title = models.CharField(_("title"), max_length=200)
    body = StoryBodyField(_("text"))
    changes = models.TextField(
        _("what changed"), blank=True, help_text=_("A sentence or two for readers on what this version changes.")
    )
    effective_from = models.DateField(
        _("in force from"), help_text=_("The day this version takes effect. Once it has, it cannot be edited.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )  # fmt: skip

    objects = PolicyVersionQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policies")
        constraints = [models.UniqueConstraint(fields=["kind", "version"], name="policy_version_unique")]
        indexes = [models.Index(fields=["kind", "-effective_from"], name="policy_version_in_force")]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version}"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if self.version is None:
                # The kind's versions locked: two editors adding one at once get 2 and 3, not an error.
                taken = (
                    PolicyVersion.objects.select_for_update().filter(kind=self.kind).values_list("version", flat=True)
                )
                self.version = max(taken, default=0) + 1
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:policy_version", kwargs={"kind": self.kind, "version": self.version})

    @property
    def in_force_since_saved(self) -> bool:
        """Whether the stored version has taken effect: then it stays as readers and consents saw it."""
        return self.pk is not None and self.effective_from <= timezone.localdate()


class Consent(models.Model):
    """One reader's agreement, as given: to which version of which policy, or to e-mails, and when."""

    class Subject(models.TextChoices):
        TERMS = "terms", _("Terms of use")
        PRIVACY = "privacy", _("Collection and use of personal data")
        EMAILS = "emails", _("E-mails from KT News")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="consents"
    )
    subject = models.CharField(_("consent to"), max_length=10, choices=Subject.choices)
    policy_version = models.ForeignKey(
        PolicyVersion, verbose_name=_("policy version"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="consents",
    )  # fmt: skip
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["user", "subject"], name="consent_user_subject")]

    def __str__(self):
        return f"{self.user_id}: {self.get_subject_display()}"

    @classmethod
    def record_signup(cls, user, *, emails: bool) -> None:
        """The consents of a new account: to the terms and privacy policy in force now, and to e-mails if given."""
        now = timezone.now()
        consents = [
            cls(user=user, subject=subject, policy_version=PolicyVersion.objects.current(kind), given_at=now)
            for subject, kind in ((cls.Subject.TERMS, PolicyKind.TERMS), (cls.Subject.PRIVACY, PolicyKind.PRIVACY))
        ]
        if emails:
            consents.append(cls(user=user, subject=cls.Subject.EMAILS, given_at=now))
        cls.objects.bulk_create(consents)
