"""make bench: KT News against the machine's ceilings, on an archive of 100,000 stories and 1,000,000 comments.

    python bench/run.py [--sizes small,full] [--embedded archive] [--restore] [--duration 10]
                        [--concurrency 1,32] [--only TEXT] [--database-url postgres://.../postgres]

For each dataset size it builds (or reuses) a PostgreSQL database, serves the site
with gunicorn (DEBUG off, Redis cache) on 127.0.0.1, and measures with wrk at 1 and
32 concurrent connections: the story page's bytes from nginx (the ceiling), the
same bytes from a bare Django view (the floor), a straightforward Django story
view (bench/views.py: the yardstick), and the site's pages, uncached (an invalid
session cookie makes every request render: really anonymous, so the kept fragments
still serve), signed in (a real session of a reader with a nickname who may
comment), from its cache and through the sample nginx micro-cache; each search
form (frequent, two-syllable, rare and absent Korean words, an English inflection,
one and two characters, Korean with English); the admin's comment and story lists
with an editor's session (at the lowest concurrency only). ``--embedded SIZE`` also
builds the archive on SQLite and measures the story page and the searches there
with no Redis (the file cache): the embedded default. ``--restore`` times a backup
and a restore of the 10,000-story site (bench/restore.py). It prints requests/s,
p50/p99 latency and ratios to the floor and the ceiling, peak memory per worker,
SQL queries per page and, with two sizes, how each page's median grew; then the
issue's targets beside the measured ratios, met or missed. A benchmark, not a
test: it checks nothing and fails only when it cannot run. CI runs it at --sizes
smoke to keep it working.
"""

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "scripts"))
sys.path.insert(0, str(PROJECT))

from served import gunicorn, prepare_site, production_environment, use_site  # noqa: E402

from bench.dataset import ABSENT_WORD, RARE_WORDS  # noqa: E402
from bench.report import MAX_FOREIGN_CPU, RATIOS, report, report_growth, report_restore, report_targets  # noqa: E402

BENCH_PORT, STATIC_PORT, MICRO_CACHE_PORT, FILE_CACHE_PORT = 8311, 8312, 8313, 8314
NGINX = """
user root;
worker_processes auto;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    keepalive_requests 100000;
    client_body_temp_path {work}/client-body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    types {{ text/html html; }}
    # The ceiling: the story page's bytes as a static file.
    server {{
        listen 127.0.0.1:{static_port};
        root {work}/static;
    }}
    # The sample config's micro-cache (deploy/nginx/ktnews.conf) in front of the app server.
    proxy_cache_path {work}/cache levels=1:2 keys_zone=ktnews_micro:20m max_size=256m inactive=10m use_temp_path=off;
    upstream ktnews {{ server 127.0.0.1:{app_port}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{micro_port};
        location / {{
            proxy_pass http://ktnews;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto https;
            proxy_cache ktnews_micro;
            proxy_cache_key "$scheme$host$request_uri";
            proxy_cache_valid 200 301 404 5s;
            proxy_cache_lock on;
            proxy_cache_use_stale updating error timeout http_502 http_503;
            proxy_cache_background_update on;
            add_header X-Cache $upstream_cache_status always;
        }}
    }}
}}
"""


#: The search forms the issue sets a target for, each a row: the query, and why it is there (README).
SEARCHES = {
    "frequent word": "도서관",
    "two-syllable word": "축제",
    "rare word": RARE_WORDS[0],
    "absent word": ABSENT_WORD,
    "English inflection": "libraries",  # the text has library (and libraries)
    "one character": "학",
    "two letters": "ex",
    "Korean and English": "축제 concert",
}
#: Rows measured on the SQLite copy (the embedded default), beside the ratios' three.
EMBEDDED_ROWS = ("story, uncached", "story, from the site's cache", "story (24 comments), signed in", "search: ")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,full")
    parser.add_argument("--embedded", metavar="SIZE", help="also measure an SQLite copy of this size, no Redis")
    parser.add_argument("--engine", default="postgresql", choices=["postgresql", "sqlite"], help=argparse.SUPPRESS)
    parser.add_argument("--part", action="store_true", help=argparse.SUPPRESS)  # one job of several: no targets
    parser.add_argument("--restore", action="store_true", help="also time a backup and restore (bench/restore.py)")
    parser.add_argument("--restore-size", default="medium", help="the size bench/restore.py fills (default medium)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--concurrency", default="1,32")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--rebuild", action="store_true", help="build the datasets again even if they exist")
    # One gunicorn serves every row, so the floor, the yardstick and the site's pages get the same settings.
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1, help="as deploy/gunicorn.conf.py")
    parser.add_argument("--threads", type=int, default=1, help="per worker, as deploy/gunicorn.conf.py")
    parser.add_argument("--only", action="append", default=[], help="measure only the rows whose names contain this")
    parser.add_argument("--attempts", type=int, default=ATTEMPTS, help="1: measure once, not waiting for quiet")
    parser.add_argument("--build-only", action="store_true", help="build the datasets, measure nothing")
    options = parser.parse_args()
    sizes = options.sizes.split(",")
    concurrencies = [int(value) for value in options.concurrency.split(",")]
    jobs = [(size, options.engine) for size in sizes] + ([(options.embedded, "sqlite")] if options.embedded else [])

    if len(jobs) > 1 or options.restore:
        # Django is set up once per process, on one database: each job runs in a process of its own.
        results = {}
        for size, engine in jobs:
            single = [
                "--part", f"--sizes={size}", f"--engine={engine}", f"--duration={options.duration}",
                f"--concurrency={options.concurrency}", f"--database-url={options.database_url}",
                f"--redis-url={options.redis_url}", f"--workers={options.workers}", f"--threads={options.threads}",
                f"--attempts={options.attempts}", *(f"--only={part}" for part in options.only),
                *(["--rebuild"] if options.rebuild else []),
                *(["--build-only"] if options.build_only else []),
            ]  # fmt: skip
            subprocess.run([sys.executable, __file__, *single], check=True)
            if not options.build_only:
                results[job_name(size, engine)] = json.loads(results_file(size, engine).read_text())
        if options.build_only:
            return
        restored = restore_times(options) if options.restore else None
        pg_sizes = [size for size, engine in jobs if engine == "postgresql"]
        if len(pg_sizes) > 1:
            report_growth(
                results[pg_sizes[0]], results[pg_sizes[-1]], pg_sizes[0], pg_sizes[-1], lowest=str(min(concurrencies))
            )
        embedded = results.get(job_name(options.embedded, "sqlite")) if options.embedded else None
        report_targets(results, pg_sizes, embedded, concurrencies)
        if restored is not None:
            report_restore(restored)
        return
    size, engine = jobs[0]
    print(machine(), flush=True)
    with tempfile.TemporaryDirectory() as work:
        result = measure(size, engine, Path(work), options, concurrencies)
    if not options.build_only:
        result = json.loads(json.dumps(result))  # as the results file has it: concurrencies as strings
        report(job_name(size, engine), result, concurrencies)
        results_file(size, engine).write_text(json.dumps(result, indent=2))
        if engine == "postgresql" and not options.part:
            report_targets({size: result}, [size], None, concurrencies)


def job_name(size, engine) -> str:
    return size if engine == "postgresql" else f"sqlite-{size}"


def results_file(size, engine) -> Path:
    return PROJECT / "bench" / f"results-{job_name(size, engine)}.json"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")  # fmt: skip
    memory = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))) // 1024 // 1024  # fmt: skip
    return f"Machine: {os.cpu_count()} cores ({cpu}), {memory} GiB; Python {sys.version.split()[0]}"


def database_for(size, engine, options) -> tuple[str, bool]:
    """The URL of the size's benchmark database, and whether it must be built."""
    info = PROJECT / "bench" / f".dataset-{job_name(size, engine)}.json"
    if engine == "sqlite":
        path = PROJECT / "bench" / f".sqlite-{size}.sqlite3"
        if path.exists() and info.exists() and not options.rebuild:
            return f"sqlite:///{path}", False
        for leftover in path.parent.glob(f"{path.name}*"):  # the database and its -wal and -shm files
            leftover.unlink()
        return f"sqlite:///{path}", True
    import psycopg

    server_url, _sep, _name = options.database_url.rpartition("/")
    name = f"ktnews_bench_{size}"
    with psycopg.connect(options.database_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and info.exists() and not options.rebuild:
            return f"{server_url}/{name}", False
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{server_url}/{name}", True


def measure(size, engine, work: Path, options, concurrencies) -> dict:
    database_url, build = database_for(size, engine, options)
    media = PROJECT / "bench" / f".media-{job_name(size, engine)}"
    embedded = {"REDIS_URL": "", "KTNEWS_CACHE_DIR": str(work / "file-cache")}
    environment = production_environment(
        database_url, work, REDIS_URL=options.redis_url, DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_MEDIA_ROOT=str(media), KTNEWS_BENCH_PAGE=str(work / "static" / "story.html"),
        DJANGO_SECURE_SSL_REDIRECT="false",
    )  # fmt: skip
    if engine == "sqlite":
        environment.update(embedded)
    info_file = PROJECT / "bench" / f".dataset-{job_name(size, engine)}.json"
    prepare_site(environment)
    use_site(environment)
    from django.core.cache import cache

    if build:
        from bench.dataset import build as build_dataset

        print(f"Building the {size} dataset on {engine}…", flush=True)
        started = time.monotonic()
        info = build_dataset(size)
        info["build_seconds"] = round(time.monotonic() - started)
        info["database_mib"] = database_size(database_url)
        info_file.write_text(json.dumps(info))
        print(f"  built in {info['build_seconds']} s, {info['database_mib']:,} MiB", flush=True)
    info = json.loads(info_file.read_text())
    if options.build_only:
        return None
    cache.clear()
    pages = page_addresses(info)
    clients = signed_in_clients(info, pages)
    queries = count_queries(pages, clients)

    (work / "static").mkdir()
    log = work / "gunicorn.log"
    # The embedded default (no REDIS_URL) keeps its cache in files every worker shares: measured beside Redis.
    without_redis = {**environment, **embedded}
    with contextlib.ExitStack() as servers:
        app = servers.enter_context(
            gunicorn(environment, BENCH_PORT, workers=options.workers, threads=options.threads, log=log)
        )
        file_cache = None
        if engine == "postgresql":
            file_cache = servers.enter_context(gunicorn(
                without_redis, FILE_CACHE_PORT, workers=options.workers, threads=options.threads,
                log=work / "gunicorn-file-cache.log",
            ))  # fmt: skip
        story_bytes = fetch(f"{app}{pages['story']}")
        (work / "static" / "story.html").write_bytes(story_bytes)
        (work / "nginx.conf").write_text(NGINX.format(
            work=work, static_port=STATIC_PORT, micro_port=MICRO_CACHE_PORT, app_port=BENCH_PORT))  # fmt: skip
        nginx = subprocess.Popen(["nginx", "-c", str(work / "nginx.conf"), "-p", str(work), "-g", "daemon off;"])
        try:
            time.sleep(0.5)
            targets = rows(app, file_cache, pages, {name: cookie_of(client) for name, client in clients.items()})
            if engine == "sqlite":
                targets = {name: row for name, row in targets.items()
                           if name in RATIOS or name.startswith(EMBEDDED_ROWS)}  # fmt: skip
            measured = {}
            for name, (address, cookie, lowest_only) in targets.items():
                if options.only and name not in RATIOS and not any(part in name for part in options.only):
                    continue
                measured[name] = {
                    c: wrk_quietly(address, c, options.duration, cookie, attempts=options.attempts)
                    for c in (concurrencies[:1] if lowest_only else concurrencies)
                }
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)
        memory = worker_memory(log)
    return {"measured": measured, "queries": queries, "memory_mib": memory, "dataset": info,
            "story_bytes": len(story_bytes), "engine": engine, "searches": SEARCHES}  # fmt: skip


#: The cookie of a session that does not exist: outside the page cache, as with an expired session.
NO_SESSION = "sessionid=bench"


def rows(app, file_cache, pages, cookies) -> dict:
    """Each row's name: (address, cookie or None, measured at the lowest concurrency only)."""
    reader, editor = cookies["reader"], cookies["editor"]
    targets = {
        RATIOS[0]: (f"http://127.0.0.1:{STATIC_PORT}/story.html", None, False),
        RATIOS[1]: (f"{app}/bench/bare/", None, False),
        RATIOS[2]: (f"{app}{pages['straightforward']}", None, False),
        "story, uncached": (f"{app}{pages['story']}", NO_SESSION, False),
        "story, from the site's cache": (f"{app}{pages['story']}", None, False),
        "story, through nginx micro-cache": (f"http://127.0.0.1:{MICRO_CACHE_PORT}{pages['story']}", None, False),
    }
    if file_cache:
        targets |= {
            "story, from the file cache (no REDIS_URL)": (f"{file_cache}{pages['story']}", None, False),
            "story, uncached, file cache (no REDIS_URL)": (f"{file_cache}{pages['story']}", NO_SESSION, False),
        }
    targets["home, uncached"] = (f"{app}/", NO_SESSION, False)
    targets["home, from the site's cache"] = (f"{app}/", None, False)
    if file_cache:
        targets["home, from the file cache (no REDIS_URL)"] = (f"{file_cache}/", None, False)
    targets["section deep in the archive, uncached"] = (f"{app}{pages['section_deep']}", NO_SESSION, False)
    targets["reporter, uncached"] = (f"{app}{pages['reporter']}", NO_SESSION, False)
    for form in SEARCHES:
        targets[f"search: {form}, uncached"] = (f"{app}{pages[f'search: {form}']}", NO_SESSION, False)
    for page in SIGNED_IN_PAGES:
        targets[f"{page}, signed in"] = (f"{app}{pages[page]}", reader, False)
    targets["admin: comment list, editor"] = (f"{app}{pages['admin: comment list']}", editor, True)
    targets["admin: story list, editor"] = (f"{app}{pages['admin: story list']}", editor, True)
    return targets


#: The pages measured as the signed-in reader sees them (addresses in page_addresses).
SIGNED_IN_PAGES = (
    "story (24 comments)", "story (500 comments)", "home", "section", "tag", "reporter", "search: frequent word",
)  # fmt: skip


def page_addresses(info) -> dict:
    from urllib.parse import urlencode

    from articles.models import Article, Reporter
    from articles.pagination import NEWEST_FIRST, cursor_of

    story = Article.objects.get(pk=info["story"])
    deep = Article.objects.get(pk=info["deep_story"])
    return {
        "story": story.get_absolute_url(),
        "straightforward": f"/bench/straightforward/{info['story']}/",
        "story (24 comments)": Article.objects.get(pk=info["story_24"]).get_absolute_url(),
        "story (500 comments)": Article.objects.get(pk=info["story_500"]).get_absolute_url(),
        "home": "/",
        "section": f"/sections/{info['section']}/",
        "section_deep": f"/sections/{info['section']}/?older={cursor_of(deep, NEWEST_FIRST)}",
        "tag": f"/tags/{info['tag']}/",
        "reporter": Reporter.objects.get(pk=info["reporter"]).get_absolute_url(),
        **{f"search: {form}": f"/search/?{urlencode({'q': query})}" for form, query in SEARCHES.items()},
        "admin: comment list": "/admin/articles/comment/",
        "admin: story list": "/admin/articles/article/",
    }


def signed_in_clients(info, pages) -> dict:
    """Test clients signed in as the dataset's reader and editor (real sessions, in the site's session store),
    each with the CSRF cookie its first page gave, as a browser would send them back."""
    from django.contrib.auth.models import User
    from django.test import Client

    clients = {}
    for role, first_page in (("reader", pages["story (24 comments)"]), ("editor", pages["admin: story list"])):
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        client.force_login(User.objects.get(pk=info[role]))
        response = client.get(first_page)
        if response.status_code != 200:
            sys.exit(f"Signed in as the {role}, {first_page} answered {response.status_code}")
        clients[role] = client
    return clients


def cookie_of(client) -> str:
    return "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())


def count_queries(pages, clients) -> dict:
    """SQL queries per page outside the page cache: cold, then with the kept fragments there."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    anonymous = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
    anonymous.cookies["sessionid"] = "bench"  # outside the page cache, as with an expired session
    measured_as = [(name, "uncached", anonymous) for name in pages if not name.startswith(("admin", "straight"))]
    measured_as += [(name, "signed in", clients["reader"]) for name in SIGNED_IN_PAGES]
    measured_as += [(name, "editor", clients["editor"]) for name in pages if name.startswith("admin")]
    counts = {}
    for name, who, client in measured_as:
        measured = []
        for _attempt in ("cold", "warm"):  # the second time, the page's kept fragments are there
            with CaptureQueriesContext(connection) as captured:
                client.get(pages[name])
            measured.append(len(captured))
        counts[f"{name}, {who}"] = {"cold": measured[0], "warm": measured[1]}
    return counts


def database_size(database_url) -> int:
    """The database's size on disk, in MiB."""
    from django.db import connection

    if connection.vendor == "sqlite":
        path = Path(database_url.removeprefix("sqlite:///"))
        return round(sum(f.stat().st_size for f in path.parent.glob(f"{path.name}*")) / 2**20)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return round(cursor.fetchone()[0] / 2**20)


def restore_times(options) -> list[dict]:
    """bench/restore.py's measurements (one JSON line per engine), its other output passed through."""
    command = [sys.executable, str(PROJECT / "bench" / "restore.py"), f"--size={options.restore_size}",
               f"--database-url={options.database_url}"]  # fmt: skip
    measured = []
    with subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout:
            print(line, end="", flush=True)
            if line.startswith("{"):
                measured.append(json.loads(line))
    if process.returncode:
        sys.exit(f"bench/restore.py failed ({process.returncode})")
    return measured


def fetch(address) -> bytes:
    import urllib.request

    request = urllib.request.Request(address, headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


#: Processes that are part of the measurement; anything else using the CPU meanwhile spoils it.
BENCHMARK_PROCESSES = (b"gunicorn", b"nginx", b"wrk", b"redis-server", b"postgres", b"bench/run.py")
ATTEMPTS = 4


def wrk_quietly(*arguments, attempts=ATTEMPTS) -> dict:
    """``wrk(*arguments)``, again (up to ``attempts`` times) while other work on the machine (a test suite, a
    build) used the CPU during it: on a shared machine one busy neighbour halves a row and skews the ratios.
    With one attempt (the smoke run, whose numbers mean nothing) it measures at once."""
    for _attempt in range(attempts):
        if attempts > 1:
            _wait_for_quiet()
        before, started = foreign_cpu_ticks(), time.monotonic()
        result = wrk(*arguments)
        foreign = _ticks_since(before) / os.sysconf("SC_CLK_TCK") / (time.monotonic() - started)
        result["foreign_cpu"] = round(foreign, 3)
        if foreign <= MAX_FOREIGN_CPU:
            break
    return result


def _wait_for_quiet(longest=120) -> None:
    deadline = time.monotonic() + longest
    while time.monotonic() < deadline:
        before = foreign_cpu_ticks()
        time.sleep(1)
        if _ticks_since(before) / os.sysconf("SC_CLK_TCK") <= MAX_FOREIGN_CPU:
            return


def _ticks_since(before: dict) -> int:
    return sum(ticks - before.get(pid, 0) for pid, ticks in foreign_cpu_ticks().items())


def foreign_cpu_ticks() -> dict[int, int]:
    """CPU time used so far (user + system, in clock ticks) by each process that is not the benchmark's."""
    ticks = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            command = (stat.parent / "cmdline").read_bytes()
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if command and not any(name in command for name in BENCHMARK_PROCESSES):  # no command: a kernel thread
            ticks[int(stat.parent.name)] = int(fields[11]) + int(fields[12])
    return ticks


def wrk(address, connections, duration, cookie) -> dict:
    headers = ["-H", "X-Forwarded-Proto: https"]
    if cookie:
        headers += ["-H", f"Cookie: {cookie}"]
    threads = str(min(2, connections))
    # A long timeout: a slow page's answers are measured, not dropped from the latencies as wrk's 2 s would.
    command = ["wrk", "-t", threads, "-c", str(connections), "-d", f"{duration}s", "--timeout", "30s", "--latency",
               *headers, address]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    answered = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    failed = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))  # Socket errors
    if not answered:  # every request took longer than the run: the run's length is a lower bound
        return {"rps": 0.0, "p50_ms": duration * 1000.0, "p99_ms": duration * 1000.0, "errors": 0, "requests": 0}
    return {
        "rps": rate,
        "p50_ms": _milliseconds(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99_ms": _milliseconds(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "errors": (int(errors.group(1)) if errors else 0) + failed,
        "requests": answered,
    }


def _milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


def worker_memory(log) -> list[float]:
    """Peak resident memory of each gunicorn worker (VmHWM), in MiB."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            command = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if (
            "gunicorn" in command
            and "deploy/gunicorn.conf.py" in command
            and (peak := re.search(r"VmHWM:\s+(\d+)", text))
        ):
            peaks.append(round(int(peak.group(1)) / 1024, 1))
    return sorted(peaks)


if __name__ == "__main__":
    main()
