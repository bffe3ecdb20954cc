"""How long a backup and a restore take on a 10,000-story, 100,000-comment site, on SQLite and on PostgreSQL.

    python bench/restore.py [--engines sqlite,postgresql] [--size medium] [--database-url postgres://.../postgres]

For each engine: a new database filled by bench/dataset.py, with two revisions per story (as the
newsroom's saves leave them), then ``manage.py backup`` and ``manage.py restore`` into another new
database of the same engine, each timed as the operator runs it (a process of its own), and the
restored site's row counts compared with the original's; on PostgreSQL, ``backup --pg-dump`` and its
restore too. A measurement, not a test: the README quotes it.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
REVISIONS_PER_STORY = 2
COUNT_ROWS = """
import json
from django.apps import apps
print(json.dumps({m._meta.label: m._base_manager.count() for m in apps.get_models()}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--size", default="medium", help="a size of bench/dataset.py (default: medium)")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--fill", help=argparse.SUPPRESS)  # the child process that fills one database
    options = parser.parse_args()
    if options.fill:
        fill(options.fill)
        return
    for engine in options.engines.split(","):
        with tempfile.TemporaryDirectory(prefix="ktnews-restore-bench-") as work:
            result = measure(engine, Path(work), options)
        print(json.dumps({"engine": engine, "size": options.size, **result}), flush=True)


def measure(engine: str, work: Path, options) -> dict:
    original = site(work / "original", new_database(engine, "original", work, options))
    restored = site(work / "restored", new_database(engine, "restored", work, options))
    manage(original, "migrate", "--no-input", "--verbosity", "0")
    print(f"{engine}: filling the {options.size} dataset…", flush=True)
    started = time.monotonic()
    manage(original, *[sys.executable, "bench/restore.py", "--fill", options.size], raw=True)
    filled = time.monotonic() - started
    archive = work / "backup.tar"
    backup_seconds = timed(original, "backup", str(archive))
    restore_seconds = timed(restored, "restore", str(archive))
    counts = row_counts(original)
    result = {
        "fill_s": round(filled), "backup_s": round(backup_seconds, 1), "restore_s": round(restore_seconds, 1),
        "archive_mb": round(archive.stat().st_size / 2**20, 1), "stories": counts["articles.Article"],
        "comments": counts["articles.Comment"], "versions": counts["reversion.Version"],
        "rows": sum(counts.values()), "counts_that_differ": differences(counts, row_counts(restored)),
    }  # fmt: skip
    drop_database(engine, "restored", options)
    if engine == "postgresql":
        result.update(measure_pg_dump(original, work, options, counts))
    drop_database(engine, "original", options)
    return result


def measure_pg_dump(original: dict, work: Path, options, counts: dict) -> dict:
    restored = site(work / "restored-dump", new_database("postgresql", "restored", work, options))
    archive = work / "dump.tar"
    backup_seconds = timed(original, "backup", "--pg-dump", str(archive))
    restore_seconds = timed(restored, "restore", str(archive))
    differ = differences(counts, row_counts(restored))
    drop_database("postgresql", "restored", options)
    return {
        "pg_dump_backup_s": round(backup_seconds, 1),
        "pg_dump_restore_s": round(restore_seconds, 1),
        "pg_dump_archive_mb": round(archive.stat().st_size / 2**20, 1),
        "pg_dump_counts_that_differ": differ,
    }


def row_counts(environment: dict) -> dict:
    return json.loads(manage(environment, "shell", "-c", COUNT_ROWS).splitlines()[-1])


def differences(counts: dict, restored: dict) -> dict:
    return {label: (number, restored.get(label)) for label, number in counts.items() if restored.get(label) != number}


def site(folder: Path, database_url: str) -> dict:
    inherited = ("DJANGO_", "KTNEWS_", "DATABASE_URL", "REDIS_URL")
    environment = {key: value for key, value in os.environ.items() if not key.startswith(inherited)}
    environment.update(
        DATABASE_URL=database_url, DJANGO_MEDIA_ROOT=str(folder / "media"),
        DJANGO_PRIVATE_MEDIA_ROOT=str(folder / "private"),
    )  # fmt: skip
    return environment


def new_database(engine: str, role: str, work: Path, options) -> str:
    if engine == "sqlite":
        return f"sqlite:///{work / f'{role}.sqlite3'}"
    import psycopg

    server, _sep, _name = options.database_url.rpartition("/")
    with psycopg.connect(options.database_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "ktnews_restore_bench_{role}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "ktnews_restore_bench_{role}"')
    return f"{server}/ktnews_restore_bench_{role}"


def drop_database(engine: str, role: str, options) -> None:
    if engine == "postgresql":
        import psycopg

        with psycopg.connect(options.database_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "ktnews_restore_bench_{role}" WITH (FORCE)')


def manage(environment: dict, *args, raw: bool = False) -> str:
    command = list(args) if raw else [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=PROJECT, env=environment, capture_output=True, text=True, check=False)
    if result.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def timed(environment: dict, *args) -> float:
    started = time.monotonic()
    print(manage(environment, *args).strip(), flush=True)
    return time.monotonic() - started


def fill(size: str) -> None:
    """In the child process: the benchmark's archive, then each story's revisions, saved through reversion."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "ktnews.settings"
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()
    import reversion
    from django.db import transaction

    from articles.models import Article
    from articles.models.history import note
    from bench.dataset import build

    build(size)
    with transaction.atomic():
        for number in range(REVISIONS_PER_STORY):
            for article in Article.objects.order_by("pk").iterator(chunk_size=2_000):
                with reversion.create_revision():
                    reversion.set_comment(note("created" if number == 0 else "saved"))
                    reversion.add_to_revision(article)


if __name__ == "__main__":
    main()
