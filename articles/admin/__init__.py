"""The newsroom admin: stories and their people (newsroom.py), photos (photos.py), readers' comments (moderation.py)."""

from articles.admin import moderation, newsroom, photos

__all__ = ["moderation", "newsroom", "photos"]
