"""The story admin's translation status: the languages in the list (with a filter), the original language and
"mark the translation as current" in the form, the form opening on the original's tab, and a side-by-side view
of both languages. The rule for "out of date" is articles.translation_status."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import Q
from django.template.defaultfilters import linebreaksbr
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.models import Article
from articles.richtext import sanitize_story_html
from articles.translation_status import (
    LANGUAGE_CODES,
    TRANSLATED_FIELDS,
    has_language,
    original_language_of,
    translation_language_of,
)

MARK_CURRENT = "mark_translation_current"
#: How the list names each language: short, as the newsroom says it.
BADGES = {"ko": "한", "en": "EN"}
LANGUAGE_NAMES = {"ko": gettext_lazy("Korean"), "en": gettext_lazy("English")}


def headline_in(language: str) -> Q:
    return Q(**{f"title_{language}__isnull": False}) & ~Q(**{f"title_{language}": ""})


class TranslationStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [
            ("ko_only", _("Korean only")),
            ("en_only", _("English only")),
            ("both", _("Both languages")),
            ("stale", _("Translation out of date")),
        ]

    def queryset(self, request, queryset):
        korean, english = headline_in("ko"), headline_in("en")
        lookups = {
            "ko_only": korean & ~english,
            "en_only": english & ~korean,
            "both": korean & english,
            "stale": Q(translation_stale=True),
        }
        return queryset.filter(lookups[self.value()]) if self.value() in lookups else queryset


class TranslationStatusForm(forms.Form):
    """Added to the story form: "mark the translation as current", and the tab the form opens on."""

    mark_translation_current = forms.BooleanField(
        label=gettext_lazy("Mark the translation as current"),
        required=False,
        help_text=gettext_lazy("The original's latest changes need no change in the translation (a typo, say)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language_field = self.fields.get("original_language")
        if language_field is None:
            return
        named = [choice for choice in language_field.choices if choice[0]]
        if self.instance.pk is None:
            language_field.choices = [("", _("The headline's language")), *named]
            return
        language_field.choices = named  # a saved story has one; see clean_original_language
        # Read by translation-tabs.js. Not on a form shown again with errors: it opens where the errors are.
        if not self.is_bound:
            language_field.widget.attrs["data-open-tab"] = original_language_of(self.instance)

    def clean_original_language(self):
        # Not sent (a form from before the field existed): the story keeps its own. Empty, a new story takes the
        # language of its headline (articles.translation_status).
        return self.cleaned_data.get("original_language") or self.instance.original_language

    @property
    def changed_data(self):
        # Left out of the revision's note: the checkbox is not a field of the story, and an original language not
        # sent keeps the story's (clean_original_language).
        unchanged = {MARK_CURRENT} | (
            {"original_language"} if self.add_prefix("original_language") not in self.data else set()
        )
        return [name for name in super().changed_data if name not in unchanged]

    def clean(self):
        # Not a field of the story: kept out of the merge with saves made meanwhile (articles.merging).
        self.marks_translation_current = self.cleaned_data.pop(MARK_CURRENT, False)
        return super().clean()


class StoryTranslationMixin:
    """For the story admin (ArticleAdmin): the translation status in its list, form and own page."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.translation_view)
        return [
            path("<path:object_id>/translation/", view, name="articles_article_translation"),
            *super().get_urls(),
        ]

    @property
    def media(self):
        return super().media + forms.Media(
            js=["articles/translation-tabs.js"], css={"all": ["articles/translation-status.css"]}
        )

    # The list

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        return [*columns[:1], "translation_languages", *columns[1:]]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), TranslationStateFilter]

    @admin.display(description=gettext_lazy("languages"))
    def translation_languages(self, article):
        original, translation = original_language_of(article), translation_language_of(article)
        badges = []
        for language in LANGUAGE_CODES:
            if not has_language(article, language):
                continue
            stale = language == translation and article.translation_stale
            state = _("original") if language == original else _("out of date") if stale else _("translation")
            badges.append(
                (
                    "translation-badge" + (" translation-badge--stale" if stale else ""),
                    f"{LANGUAGE_NAMES[language]}: {state}",
                    BADGES[language],
                    format_html(" <small>{}</small>", state) if stale else "",
                )
            )
        return format_html_join(" · ", '<span class="{}" title="{}">{}{}</span>', badges)

    # The form

    def get_fieldsets(self, request, obj=None):
        fields = ["original_language"]
        if obj is not None and obj.translation_stale and obj.can_be_edited_by(request.user):
            fields.append(MARK_CURRENT)
        translation = (_("Translation"), {"fields": fields, "description": self._translation_notice(obj)})
        main, *rest = super().get_fieldsets(request, obj)
        return [main, translation, *rest]

    def _translation_notice(self, obj) -> str:
        if obj is None:
            return ""
        link = format_html(
            '<a href="{}">{}</a>',
            reverse("admin:articles_article_translation", args=[obj.pk]),
            _("Both languages side by side"),
        )
        if not obj.translation_stale:
            return format_html("<p>{}</p>", link)
        stale = _("The %(translation)s translation predates the latest revision of the %(original)s original.") % {
            "translation": LANGUAGE_NAMES[translation_language_of(obj)],
            "original": LANGUAGE_NAMES[original_language_of(obj)],
        }
        return format_html('<p class="translation-stale-note" role="note">{} {}</p>', stale, link)

    def get_form(self, request, obj=None, **kwargs):
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs["fields"] is not None:  # a form field, not the story's: declared by TranslationStatusForm
            kwargs["fields"] = [name for name in kwargs["fields"] if name != MARK_CURRENT]
        form_class = super().get_form(request, obj, **kwargs)
        return type(form_class.__name__, (TranslationStatusForm, form_class), {})

    def save_model(self, request, obj, form, change):
        if getattr(form, "marks_translation_current", False):
            obj.translation_marked_current = True
        super().save_model(request, obj, form, change)

    # Both languages side by side

    def translation_view(self, request, object_id):
        self._refuse_stories_outside_newsroom(request, object_id)
        article = self._story_for(request, object_id, self.has_view_or_change_permission)
        original = original_language_of(article)
        languages = sorted(LANGUAGE_CODES, key=lambda code: code != original)  # the original first
        states = {
            language: _("original") if language == original
            else _("translation, out of date") if article.translation_stale
            else _("translation")
            for language in languages
        }  # fmt: skip
        rows = [
            {
                "name": name,
                "label": Article._meta.get_field(name).verbose_name,
                "cells": [
                    {
                        "code": language,
                        "language": LANGUAGE_NAMES[language],
                        "state": states[language],
                        "stale": language != original and article.translation_stale,
                        "text": _shown(name, getattr(article, f"{name}_{language}")),
                    }
                    for language in languages
                ],
            }
            for name in TRANSLATED_FIELDS
        ]
        return self.newsroom_page(
            request,
            "translation.html",
            _("Both languages of “%(story)s”") % {"story": article},
            original=article,
            rows=rows,
            stale_note=self._translation_notice(article) if article.translation_stale else "",
        )


def _shown(name: str, value) -> str:
    """A field as readers see it: the body as sanitized HTML, the rest as escaped text with its line breaks."""
    if name == "body":
        return mark_safe(sanitize_story_html(value))  # noqa: S308 - reduced to the story allow-list just now
    return linebreaksbr(value or "", autoescape=True)
