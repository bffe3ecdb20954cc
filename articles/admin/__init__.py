"""The newsroom admin: stories and their people (newsroom.py), photos (photos.py), readers' comments
(moderation.py), mail waiting or sent (outbox.py), the desk and notifications (desk.py)."""

from articles.admin import desk, moderation, newsroom, outbox, photos

__all__ = ["desk", "moderation", "newsroom", "outbox", "photos"]
