"""What bumps the page cache's generations (see articles.page_cache).

Comments bump theirs in ``recount_comments`` and ``recount_recommendations``,
which every change to what readers see of comments goes through.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from articles.models import (
    Article,
    Byline,
    CommentBan,
    Photo,
    ReaderProfile,
    Reporter,
    Section,
    SiteSettings,
    StoryPhoto,
    Tag,
)
from articles.models.corrections import Correction
from articles.page_cache import BANS, READERS, bump, bump_content

#: A correction shows on its story, the corrections page and feed, and the story's structured data.
CONTENT_MODELS = (Byline, Correction, Photo, Reporter, Section, SiteSettings, StoryPhoto, Tag)


@receiver(post_save, sender=Article)
@receiver(post_delete, sender=Article)
def story_changed(sender, instance, **kwargs):
    # A draft's saves (and there are many) change no public page; a story leaving the site does.
    if instance.status == Article.Status.PUBLISHED or instance.was_published_when_loaded:
        bump_content()


def content_changed(sender, **kwargs):
    bump_content()


for model in CONTENT_MODELS:
    post_save.connect(content_changed, sender=model, dispatch_uid=f"page-cache-{model.__name__}-save")
    post_delete.connect(content_changed, sender=model, dispatch_uid=f"page-cache-{model.__name__}-delete")
for relation in (Article.tags.through, Article.related_articles.through):
    m2m_changed.connect(content_changed, sender=relation, dispatch_uid=f"page-cache-{relation.__name__}")


#: A reader's own settings, which no page shows to anyone else: saving only these changes no page.
PRIVATE_READER_FIELDS = frozenset({"replies_seen_at", "reply_mail", "mail_language"})


@receiver(post_save, sender=ReaderProfile)
@receiver(post_delete, sender=ReaderProfile)
@receiver(m2m_changed, sender=get_user_model().groups.through)  # the editor badge
def readers_changed(sender, update_fields=None, **kwargs):
    # Opening one's replies page must not empty every story page's cache for everyone.
    if update_fields and set(update_fields) <= PRIVATE_READER_FIELDS:
        return
    bump(READERS)


@receiver(post_save, sender=CommentBan)
@receiver(post_delete, sender=CommentBan)
def bans_changed(sender, **kwargs):
    bump(BANS)  # each reader's ban is kept (moderation.ban_in_force): a ban or its lifting applies at once
