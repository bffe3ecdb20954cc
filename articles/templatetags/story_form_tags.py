"""What the story form's script needs from the server: the body editor's labels in the reader's language."""

from django import template
from django.utils.html import json_script

from articles.richtext import EDITOR_LABELS

register = template.Library()


@register.simple_tag
def story_editor_labels():
    """The labels as a JSON data block (not a script: the Content-Security-Policy runs no inline code)."""
    return json_script(
        {english: str(translated) for english, translated in EDITOR_LABELS.items()}, "story-editor-labels"
    )
