"""Rows loaded as they were saved (loaddata, fixtures): the receivers that write leave them alone.

loaddata saves each row with ``raw=True``, which post_save passes on and the post_save receivers check;
then it sets the row's many-to-many relations with ``.set()``, and m2m_changed carries no such flag. So a
loaded story's tags looked like an edit made in the shell: every tagged story got a revision "saved
outside the newsroom" with nobody's name (and on PostgreSQL that revision took an id from a sequence not
yet moved past the loaded ones, and collided with a loaded revision). A raw save therefore marks its
instance (the deserializer's own, used for nothing else), and the m2m_changed receivers that write ask
``loaded_as_saved(instance)``. This holds for every way rows are loaded: manage.py loaddata (which is
modeltranslation's command here), a test's fixtures, ``call_command``.

Receivers that only forget cached pages still act: the loaded rows do change what pages show.
``manage.py restore`` inserts its rows without any signal (articles.backup_rows).
"""

from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, dispatch_uid="mark-rows-loaded-as-saved")
def mark_loaded_row(sender, instance, raw=False, **kwargs):
    if raw:
        instance._loaded_as_saved = True


def loaded_as_saved(instance) -> bool:
    """Whether ``instance`` was saved raw: a fixture's row, whose relations loaddata is now setting."""
    return getattr(instance, "_loaded_as_saved", False)
