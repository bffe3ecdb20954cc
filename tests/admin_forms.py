"""The POST data of the story change form in the admin, as a browser would send it."""

from html.parser import HTMLParser

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
        # The version the form was opened at (see the edit-conflict check).
        base_version=article.version if article else "",
        published_at_0=localtime(article.published_at).strftime("%Y-%m-%d") if article and article.published_at else "",
        published_at_1=localtime(article.published_at).strftime("%H:%M:%S") if article and article.published_at else "",
    )
    if article is None or article.comments_enabled:
        data["comments_enabled"] = "on"
    data.update(inline_data("bylines", article, "reporter", reporters))
    data.update(inline_data("story_photos", article, "photo", photos))
    data.update(overrides)
    return data


def inline_data(prefix: str, article, field: str, added) -> dict:
    """An inline of the story form: its rows as saved (``prefix`` is also the related name), then ``added``."""
    rows = list(getattr(article, prefix).all()) if article else []
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) + len(added)),
        f"{prefix}-INITIAL_FORMS": str(len(rows)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update(
            {
                f"{prefix}-{index}-id": row.pk,
                f"{prefix}-{index}-article": article.pk,
                f"{prefix}-{index}-{field}": getattr(row, f"{field}_id"),
                f"{prefix}-{index}-order": row.order,
            }
        )
    for offset, chosen in enumerate(added, start=len(rows)):
        data.update({f"{prefix}-{offset}-{field}": chosen.pk, f"{prefix}-{offset}-order": offset})
    return data


def confirmed(action: str) -> dict:
    """A workflow button pressed, with the Confirm of its confirmation page (articles.admin.confirmations)."""
    return {action: "1", "_workflow_confirmed": action}


class _FormFields(HTMLParser):
    """The named inputs and textareas of a page's forms, as a browser would post them (buttons left out)."""

    def __init__(self):
        super().__init__()
        self.fields, self._textarea = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") not in {"submit", "button"}:
            self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.fields.append(tuple(self._textarea))
            self._textarea = None


def posted_by_page(response, **pressed) -> dict:
    """What the page in ``response`` posts (every hidden field and text box), with the ``pressed`` buttons."""
    parser = _FormFields()
    parser.feed(response.content.decode())
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    data.update({name: [value] for name, value in pressed.items()})
    return data
