"""The newsroom admin: stories and their people (newsroom.py), readers' comments (moderation.py)."""

from articles.admin import moderation, newsroom

__all__ = ["moderation", "newsroom"]
