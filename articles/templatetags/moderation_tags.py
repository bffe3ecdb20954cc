from django import template

from articles.admin.moderation import waiting_comments
from articles.models import Comment

register = template.Library()


@register.simple_tag
def waiting_comment_count() -> int:
    """Comments an editor still has to look at, for the admin's front page."""
    return waiting_comments(Comment.objects.all()).distinct().count()
