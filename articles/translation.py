"""Fields that exist in Korean and English (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from articles.models import Article, Correction, Photo, PolicyVersion, Reporter, Section, SiteSettings, Tag


@register(Section)
class SectionTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("ko", "en")


@register(Reporter)
class ReporterTranslationOptions(TranslationOptions):
    fields = ("name", "position", "bio")


@register(Article)
class ArticleTranslationOptions(TranslationOptions):
    fields = ("title", "subtitle", "summary", "body")


@register(Tag)
class TagTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Photo)
class PhotoTranslationOptions(TranslationOptions):
    fields = ("caption", "alt_text")


@register(PolicyVersion)
class PolicyVersionTranslationOptions(TranslationOptions):
    fields = ("title", "body", "changes")
    required_languages = {"ko": ("title", "body"), "en": ("title", "body")}


@register(Correction)
class CorrectionTranslationOptions(TranslationOptions):
    fields = ("note",)


@register(SiteSettings)
class SiteSettingsTranslationOptions(TranslationOptions):
    fields = ("name",)
