"""Deployment checks for what `manage.py check --deploy` can't know about this site."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if not backend.endswith("RedisCache"):
        return [
            Warning(
                "The cache is kept on this machine (in files, or in each process's memory), so several app "
                "servers would each count their own flood limits and keep their own pages: a story taken down "
                "through one would stay on the others.",
                hint="Set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0.",
                id="ktnews.W001",
            )
        ]
    return []
