"""Editing a story safely: who else has it open, and the form's autosaved copy.

Presence lives in the shared cache (it is only ever a hint and expires by itself); autosaves live in
the database, since they are somebody's unsaved work.
"""

import time

from django.core.cache import cache

from articles.models import StoryAutosave

#: Someone counts as having the story open this long after their page last said so (page load or heartbeat).
PRESENCE_SECONDS = 90
#: Form fields never kept in an autosave: the CSRF token, buttons, files, the edit-conflict markers.
NOT_AUTOSAVED = {
    "csrfmiddlewaretoken",
    "base_version",
    "seen_version",
    "_save",
    "_continue",
    "_addanother",
    "_saveasnew",
}
#: Nor the choices made on an edit conflict: they answer one version of the story, not the one a restore meets.
NOT_AUTOSAVED_PREFIXES = ("_merge-",)


def _presence_key(article_id) -> str:
    return f"story-open:{article_id}"


def note_editing(article_id, user) -> list[str]:
    """Record that ``user`` has the story open; the names of the others who do, longest-open first."""
    key = _presence_key(article_id)
    now = time.time()
    open_by = {
        user_id: entry for user_id, entry in (cache.get(key) or {}).items() if entry["seen"] > now - PRESENCE_SECONDS
    }
    since = open_by.get(user.pk, {}).get("since", now)
    open_by[user.pk] = {"name": display_name(user), "since": since, "seen": now}
    cache.set(key, open_by, PRESENCE_SECONDS)
    others = sorted((entry for user_id, entry in open_by.items() if user_id != user.pk), key=lambda e: e["since"])
    return [entry["name"] for entry in others]


def stop_editing(article_id, user) -> None:
    key = _presence_key(article_id)
    open_by = cache.get(key) or {}
    if open_by.pop(user.pk, None) is not None:
        cache.set(key, open_by, PRESENCE_SECONDS)


def display_name(user) -> str:
    reporter = getattr(user, "reporter", None)
    return str(reporter) if reporter else user.get_full_name() or user.get_username()


def save_autosave(article, user, post_data, base_version: int) -> StoryAutosave:
    """Keep the story form as posted by the page's script (not a revision: the story itself is untouched)."""
    data = {
        name: post_data.getlist(name)
        for name in post_data
        if name not in NOT_AUTOSAVED and not name.startswith(NOT_AUTOSAVED_PREFIXES)
    }
    autosave, _created = StoryAutosave.objects.update_or_create(
        article=article, user=user, defaults={"data": data, "base_version": base_version}
    )
    return autosave


def autosave_for(article, user) -> StoryAutosave | None:
    return StoryAutosave.objects.filter(article=article, user=user).first()


def discard_autosave(article, user) -> None:
    StoryAutosave.objects.filter(article=article, user=user).delete()


def form_initial(autosave: StoryAutosave, form_class) -> dict:
    """The autosaved values of the story form's own fields, as a form's ``initial``."""
    initial = {}
    for name, values in autosave.data.items():
        form_field = form_class.base_fields.get(name)
        if form_field is None:
            continue
        multiple = getattr(form_field.widget, "allow_multiple_selected", False)
        initial[name] = values if multiple else (values[0] if values else "")
    return initial
