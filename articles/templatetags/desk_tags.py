"""The desk on the admin's first page (articles.admin.desk): the default admin site gives its index no context."""

from django import template

from articles.admin.desk import desk_for

register = template.Library()


@register.simple_tag(takes_context=True)
def newsroom_desk(context) -> dict:
    return desk_for(context["request"].user)
