"""Story bodies: what the editor offers and what survives sanitizing.

The editor's toolbar and the sanitizer's allow-list are kept side by side so
that what a reporter can format is exactly what a reader receives.
"""

import inspect
import re
from html import unescape

import nh3
from django.db import models
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from modeltranslation.fields import TranslationFieldDescriptor

EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3]},
    "Blockquote": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "History": True,
    # A photo of the story placed between paragraphs (articles/static/articles/story-photo.js): a placeholder the
    # story page fills with the photo's figure, see articles/body_photos.py.
    "StoryPhoto": True,
}

#: What the editor's buttons and dialogs say, by the English the editor is written in: the story form's script
#: (articles/static/articles/story-form.js) gives them to the editor in the newsroom member's language.
EDITOR_LABELS = {
    "paragraph": _("Paragraph"),
    "Paragraph": _("Paragraph"),
    "heading 2": _("Heading"),
    "Heading 2": _("Heading"),
    "heading 3": _("Subheading"),
    "Heading 3": _("Subheading"),
    "unordered list": _("Bulleted list"),
    "ordered list": _("Numbered list"),
    "List properties": _("Numbered list settings"),
    "blockquote": _("Quotation"),
    "bold": _("Bold"),
    "italic": _("Italic"),
    "insert link": _("Link"),
    "remove link": _("Remove the link"),
    "undo": _("Undo"),
    "redo": _("Redo"),
    "Toggle fullscreen": _("Full screen"),
    # The link dialog.
    "Edit Link": _("Link"),
    "URL": _("Address (https://…)"),
    "Title": _("Title shown on hover"),
    "Insert": _("Insert"),
    "Update": _("Update"),
    "Cancel": _("Cancel"),
    # The numbered list's dialog.
    "Start at": _("Start at"),
    "List type": _("Numbering"),
    "Decimal numbers": _("1, 2, 3"),
    "Lowercase letters": _("a, b, c"),
    "Uppercase letters": _("A, B, C"),
    "Lowercase Roman numerals": _("i, ii, iii"),
    "Uppercase Roman numerals": _("I, II, III"),
    # A photo of the story between paragraphs (articles/static/articles/story-photo.js).
    "photo from this story": _("Place one of this story's photos here"),
    "Choose a photo": _("Choose one of this story's photos"),
    "No photos yet": _("This story has no photos yet: add them under “Photos” below, then place them here."),
    "Photo": _("Photo"),
    "Photo not attached": _("This photo is not among the story's photos: readers will not see it here."),
    # Not the editor's, but named by the same script: modeltranslation's switch of every field's language tab.
    "Language of the fields": _("Language of the fields"),
}

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "strong", "b", "em", "i",
    "a", "blockquote", "ul", "ol", "li", "figure",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "figure": {"data-photo"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

#: A story photo's place in the body, as the sanitizer leaves it: an empty figure naming the photo, nothing else.
PHOTO_PLACEHOLDER = re.compile(r'<figure data-photo="([1-9][0-9]{0,9})"></figure>')
_ANY_FIGURE = re.compile(r'<figure(?: data-photo="([1-9][0-9]{0,9})")?>(.*?)</figure>', re.DOTALL)


def _photo_numbers_only(tag: str, attribute: str, value: str) -> str | None:
    """A figure names a photo by its number; any other value (a script, a URL, a name) is dropped."""
    if tag == "figure" and attribute == "data-photo":
        return value if re.fullmatch(r"[1-9][0-9]{0,9}", value) else None
    return value


_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attribute_filter=_photo_numbers_only,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    # Links in stories open in place and never vouch for their target.
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
    # The text inside these is code or styling, never prose: drop it whole.
    clean_content_tags={"script", "style"},
)


def sanitize_story_html(html: str | None) -> str:
    """Reduce HTML to the story allow-list; an empty editor gives ''."""
    if not html:
        return ""
    cleaned = _cleaner.clean(_photo_placeholders_only(_cleaner.clean(html))).strip()
    return "" if cleaned in {"<p></p>", "<p><br></p>"} else cleaned


def allow_story_photos(extension_config, shared_config):
    """The StoryPhoto editor extension's part of django-prose-editor's allow-list (settings.DJANGO_PROSE_EDITOR_
    EXTENSIONS). Story bodies are sanitized by sanitize_story_html, which also checks the photo's number."""
    shared_config["tags"].add("figure")
    shared_config["attributes"].setdefault("figure", set()).add("data-photo")


def _photo_placeholder_or_content(figure: re.Match) -> str:
    number, content = figure.groups()
    return f'<figure data-photo="{number}"></figure>' if number else content


def _photo_placeholders_only(cleaned: str) -> str:
    """A figure in a story is a photo's place and holds nothing; one without a photo gives back its content.

    Run on sanitized HTML; whatever a nested figure leaves unbalanced, the sanitizer's second pass repairs.
    """
    return _ANY_FIGURE.sub(_photo_placeholder_or_content, cleaned)


class StoryBodyField(ProseEditorField):
    """Rich text edited with the prose editor and sanitized on every save.

    Sanitizing in ``pre_save`` covers the admin, the shell, management commands
    and bulk_create alike, not only forms.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("extensions", EDITOR_EXTENSIONS)
        kwargs.setdefault("sanitize", sanitize_story_html)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = sanitize_story_html(super().pre_save(model_instance, add))
        # The untranslated ``body`` attribute is modeltranslation's proxy for
        # the current language: writing to it would overwrite that language's
        # text with the fallback's. Only the per-language fields are written.
        if not isinstance(inspect.getattr_static(model_instance, self.attname), TranslationFieldDescriptor):
            setattr(model_instance, self.attname, value)
        return value


class PlainTextOf(models.TextField):
    """The text of an HTML field without its markup, refreshed on every save (bulk_create included).

    Search reads it, so that words in tags and attributes (strong, href, https)
    never match a story that doesn't say them.
    """

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = plain_text(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs


def plain_text(html: str) -> str:
    """What a reader reads of ``html``: no tags, entities decoded, whitespace collapsed."""
    return " ".join(unescape(strip_tags(html)).split())
