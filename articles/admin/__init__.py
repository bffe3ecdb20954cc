"""The newsroom admin: stories and their people (newsroom.py), photos (photos.py), readers' comments
(moderation.py), mail waiting or sent (outbox.py), the desk and notifications (desk.py), the paper's policies
and readers' consents (policies.py), reply and correction requests (replies.py), preview links (previews.py)."""

from articles.admin import desk, moderation, newsroom, outbox, photos, policies, previews, replies

__all__ = ["desk", "moderation", "newsroom", "outbox", "photos", "policies", "previews", "replies"]
