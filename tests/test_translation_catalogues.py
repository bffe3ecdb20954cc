"""Every string a person reads exists in Korean and English, and the compiled catalogues match."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))


def test_both_site_languages_have_a_catalogue():
    assert {path.parts[-3] for path in CATALOGUES} == {code for code, _name in settings.LANGUAGES}


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda path: path.parts[-3])
def test_catalogue_is_complete(po_path):
    catalogue = polib.pofile(str(po_path))

    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda path: path.parts[-3])
def test_compiled_catalogue_matches_its_source(po_path):
    """The committed .mo is what Django reads; it must say what the .po says."""
    source = {(entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural for entry in polib.pofile(str(po_path))}
    compiled = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled_entries = {(entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural for entry in compiled}

    assert compiled_entries == source
