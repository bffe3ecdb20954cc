"""The newsroom admin: stories and their people (newsroom.py), photos (photos.py), readers' comments
(moderation.py), mail waiting or sent (outbox.py), the paper's policies and readers' consents (policies.py)."""

from articles.admin import moderation, newsroom, outbox, photos, policies

__all__ = ["moderation", "newsroom", "outbox", "photos", "policies"]
