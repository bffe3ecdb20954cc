"""Fail when the code has translatable strings that the catalogues lack, or the reverse.

makemessages runs on a copy of the project so the committed catalogues are
compared, not rewritten.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

PROJECT = Path(__file__).resolve().parent.parent
SOURCES = ["manage.py", "ktnews", "articles", "templates", "locale"]


def msgids(po_path: Path) -> set[tuple[str | None, str]]:
    return {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(po_path)) if not entry.obsolete}


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch)
        for name in SOURCES:
            source = PROJECT / name
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, copy / name)
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "ko", "-l", "en", "--no-location"],
            cwd=copy, check=True, capture_output=True,
        )  # fmt: skip
        failed = False
        for committed in sorted((PROJECT / "locale").glob("*/LC_MESSAGES/django.po")):
            fresh = copy / committed.relative_to(PROJECT)
            missing = msgids(fresh) - msgids(committed)
            stale = msgids(committed) - msgids(fresh)
            for label, entries in (("missing from", missing), ("no longer used in", stale)):
                for _context, msgid in sorted(entries, key=lambda entry: entry[1]):
                    print(f"{label} {committed.relative_to(PROJECT)}: {msgid!r}")
                    failed = True
    print("Translation catalogues are out of date: run `make messages`." if failed else "Catalogues are complete.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
