from django import template

from articles.models import Comment

register = template.Library()


@register.simple_tag
def waiting_comment_count() -> int:
    """Comments an editor still has to look at, for the admin's front page."""
    return Comment.objects.needing_review().distinct().count()
