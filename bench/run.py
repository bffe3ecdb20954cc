"""make bench: KT News against the machine's ceilings, on an archive of 100,000 stories and 1,000,000 comments.

    python bench/run.py [--sizes small,full] [--duration 10] [--database-url postgres://.../postgres]

For each dataset size it builds (or reuses) a PostgreSQL database, serves the site
with gunicorn (DEBUG off, Redis cache) on 127.0.0.1, and measures with wrk at 1 and
32 concurrent connections: the story page's bytes from nginx (the ceiling), the
same bytes from a bare Django view (the floor), a straightforward Django story
view (bench/views.py: the yardstick), and the site's pages, uncached (a session
cookie makes every request render) and from its cache, and through the sample
nginx micro-cache. It prints requests/s, p50/p99 latency and ratios to the floor
and the ceiling, peak memory per worker, SQL queries per page and, with two sizes,
how each page's median grew. A benchmark, not a test: it checks nothing and fails
only when it cannot run. CI runs it at --sizes smoke to keep it working.
"""

import argparse
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,full")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--concurrency", default="1,32")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--rebuild", action="store_true", help="build the datasets again even if they exist")
    # One gunicorn serves every row, so the floor, the yardstick and the site's pages get the same settings.
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1, help="as deploy/gunicorn.conf.py")
    parser.add_argument("--threads", type=int, default=1, help="per worker, as deploy/gunicorn.conf.py")
    parser.add_argument("--only", action="append", default=[], help="measure only the rows whose names contain this")
    parser.add_argument("--build-only", action="store_true", help="build the datasets, measure nothing")
    options = parser.parse_args()
    sizes = options.sizes.split(",")
    concurrencies = [int(value) for value in options.concurrency.split(",")]

    if len(sizes) > 1:
        # Django is set up once per process, on one database: each size runs in a process of its own.
        results = {}
        for size in sizes:
            single = [
                f"--sizes={size}", f"--duration={options.duration}", f"--concurrency={options.concurrency}",
                f"--database-url={options.database_url}", f"--redis-url={options.redis_url}",
                f"--workers={options.workers}", f"--threads={options.threads}",
                *(f"--only={part}" for part in options.only),
                *(["--rebuild"] if options.rebuild else []),
                *(["--build-only"] if options.build_only else []),
            ]  # fmt: skip
            subprocess.run([sys.executable, __file__, *single], check=True)
            if not options.build_only:
                results[size] = json.loads((PROJECT / "bench" / f"results-{size}.json").read_text())
        if not options.build_only:
            report_growth(results[sizes[0]], results[sizes[-1]], sizes[0], sizes[-1])
        return
    size = sizes[0]
    print(machine(), flush=True)
    with tempfile.TemporaryDirectory() as work:
        result = measure(size, Path(work), options, concurrencies)
    if not options.build_only:
        report(size, result, concurrencies)
        (PROJECT / "bench" / f"results-{size}.json").write_text(json.dumps(result, indent=2))


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")  # fmt: skip
    memory = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))) // 1024 // 1024  # fmt: skip
    return f"Machine: {os.cpu_count()} cores ({cpu}), {memory} GiB; Python {sys.version.split()[0]}"


def database_for(size, options) -> tuple[str, bool]:
    """The URL of the size's benchmark database, and whether it must be built."""
    import psycopg

    server_url, _sep, _name = options.database_url.rpartition("/")
    name = f"ktnews_bench_{size}"
    with psycopg.connect(options.database_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        info = PROJECT / "bench" / f".dataset-{size}.json"
        if exists and info.exists() and not options.rebuild:
            return f"{server_url}/{name}", False
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{server_url}/{name}", True


def measure(size, work: Path, options, concurrencies) -> dict:
    database_url, build = database_for(size, options)
    media = PROJECT / "bench" / f".media-{size}"
    environment = production_environment(
        database_url, work, REDIS_URL=options.redis_url, DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_MEDIA_ROOT=str(media), KTNEWS_BENCH_PAGE=str(work / "static" / "story.html"),
        DJANGO_SECURE_SSL_REDIRECT="false",
    )  # fmt: skip
    info_file = PROJECT / "bench" / f".dataset-{size}.json"
    prepare_site(environment)
    use_site(environment)
    from django.core.cache import cache

    if build:
        from bench.dataset import build as build_dataset

        print(f"Building the {size} dataset…", flush=True)
        started = time.monotonic()
        info = build_dataset(size)
        info["build_seconds"] = round(time.monotonic() - started)
        info_file.write_text(json.dumps(info))
        print(f"  built in {info['build_seconds']} s", flush=True)
    info = json.loads(info_file.read_text())
    if options.build_only:
        return None
    cache.clear()
    pages = page_addresses(info)
    queries = count_queries(pages)

    (work / "static").mkdir()
    log = work / "gunicorn.log"
    # The embedded default (no REDIS_URL) keeps its cache in files every worker shares: measured beside Redis.
    without_redis = {**environment, "REDIS_URL": "", "KTNEWS_CACHE_DIR": str(work / "file-cache")}
    with (
        gunicorn(environment, BENCH_PORT, workers=options.workers, threads=options.threads, log=log) as app,
        gunicorn(without_redis, FILE_CACHE_PORT, workers=options.workers, threads=options.threads,
                 log=work / "gunicorn-file-cache.log") as embedded,
    ):  # fmt: skip
        story_bytes = fetch(f"{app}{pages['story']}")
        (work / "static" / "story.html").write_bytes(story_bytes)
        (work / "nginx.conf").write_text(NGINX.format(
            work=work, static_port=STATIC_PORT, micro_port=MICRO_CACHE_PORT, app_port=BENCH_PORT))  # fmt: skip
        nginx = subprocess.Popen(["nginx", "-c", str(work / "nginx.conf"), "-p", str(work), "-g", "daemon off;"])
        try:
            time.sleep(0.5)
            targets = {
                "ceiling: nginx static file": f"http://127.0.0.1:{STATIC_PORT}/story.html",
                "floor: bare Django view": f"{app}/bench/bare/",
                "yardstick: straightforward story view": f"{app}/bench/straightforward/{info['story']}/",
                "story, uncached": (f"{app}{pages['story']}", True),
                "story, from the site's cache": f"{app}{pages['story']}",
                "story, through nginx micro-cache": f"http://127.0.0.1:{MICRO_CACHE_PORT}{pages['story']}",
                "story, from the file cache (no REDIS_URL)": f"{embedded}{pages['story']}",
                "story, uncached, file cache (no REDIS_URL)": (f"{embedded}{pages['story']}", True),
                "home, uncached": (f"{app}/", True),
                "home, from the site's cache": f"{app}/",
                "home, from the file cache (no REDIS_URL)": f"{embedded}/",
                "section deep in the archive, uncached": (f"{app}{pages['section_deep']}", True),
                "search, uncached": (f"{app}{pages['search']}", True),
                "reporter, uncached": (f"{app}{pages['reporter']}", True),
            }
            wanted = options.only
            # The ratios need the floor, the ceiling and the yardstick, whatever else is left out.
            ratios = ("ceiling: nginx static file", "floor: bare Django view", "yardstick: straightforward story view")
            measured = {}
            for name, target in targets.items():
                if wanted and name not in ratios and not any(part in name for part in wanted):
                    continue
                address, uncached = target if isinstance(target, tuple) else (target, False)
                measured[name] = {c: wrk_quietly(address, c, options.duration, uncached) for c in concurrencies}
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)
        memory = worker_memory(log)
    return {"measured": measured, "queries": queries, "memory_mib": memory, "dataset": info,
            "story_bytes": len(story_bytes)}  # fmt: skip


def page_addresses(info) -> dict:
    from articles.models import Article, Reporter
    from articles.pagination import NEWEST_FIRST, cursor_of

    story = Article.objects.get(pk=info["story"])
    deep = Article.objects.get(pk=info["deep_story"])
    return {
        "story": story.get_absolute_url(),
        "home": "/",
        "section_deep": f"/sections/{info['section']}/?older={cursor_of(deep, NEWEST_FIRST)}",
        "search": "/search/?q=%EB%8F%84%EC%84%9C%EA%B4%80",  # 도서관
        "reporter": Reporter.objects.get(pk=info["reporter"]).get_absolute_url(),
    }


def count_queries(pages) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, address in pages.items():
        client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")
        client.cookies["sessionid"] = "bench"  # outside the page cache, as with an expired session
        measured = []
        for _attempt in ("cold", "warm"):  # the second time, the page's kept fragments are there
            with CaptureQueriesContext(connection) as captured:
                client.get(address)
            measured.append(len(captured))
        counts[name] = {"cold": measured[0], "warm": measured[1]}
    return counts


def fetch(address) -> bytes:
    import urllib.request

    request = urllib.request.Request(address, headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


#: Processes that are part of the measurement; anything else using the CPU meanwhile spoils it.
BENCHMARK_PROCESSES = (b"gunicorn", b"nginx", b"wrk", b"redis-server", b"postgres", b"bench/run.py")
#: A run during which other processes used more than this share of one core is measured again.
MAX_FOREIGN_CPU = 0.05
ATTEMPTS = 4


def wrk_quietly(*arguments) -> dict:
    """``wrk(*arguments)``, again (up to ATTEMPTS times) while other work on the machine (a test suite, a
    build) used the CPU during it: on a shared machine one busy neighbour halves a row and skews the ratios."""
    for _attempt in range(ATTEMPTS):
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


def wrk(address, connections, duration, uncached) -> dict:
    headers = ["-H", "X-Forwarded-Proto: https"]
    if uncached:
        headers += ["-H", "Cookie: sessionid=bench"]
    threads = str(min(2, connections))
    command = ["wrk", "-t", threads, "-c", str(connections), "-d", f"{duration}s", "--latency", *headers, address]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rate,
        "p50_ms": _milliseconds(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99_ms": _milliseconds(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
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


def report(size, result, concurrencies):
    measured = result["measured"]
    floor = measured["floor: bare Django view"]
    ceiling = measured["ceiling: nginx static file"]
    yardstick = measured["yardstick: straightforward story view"]
    dataset = result["dataset"]
    print(f"\n== {size} dataset: {dataset.get('comments', '?'):,} comments; story page {result['story_bytes']:,} bytes")
    header = (
        f"{'page':42} {'c':>3} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'÷floor':>7} {'÷ceiling':>8} {'p99÷yard':>8}"
    )
    print(header)
    for name, runs in measured.items():
        for c in concurrencies:
            run = runs[c]
            errors = f"  ({run['errors']} errors)" if run["errors"] else ""
            if run.get("foreign_cpu", 0) > MAX_FOREIGN_CPU:
                errors += f"  (other work used {run['foreign_cpu']:.0%} of a core meanwhile)"
            print(
                f"{name:42} {c:>3} {run['rps']:>9.0f} {run['p50_ms']:>8.2f} {run['p99_ms']:>8.2f} "
                f"{run['rps'] / floor[c]['rps']:>7.2f} {run['rps'] / ceiling[c]['rps']:>8.3f} "
                f"{run['p99_ms'] / yardstick[c]['p99_ms']:>8.2f}{errors}"
            )
    print(
        "SQL queries per page outside the page cache (cold/with kept fragments):",
        ", ".join(f"{name} {q['cold']}/{q['warm']}" for name, q in result["queries"].items()),
    )
    print("Peak memory per gunicorn process (MiB):", result["memory_mib"])


def report_growth(small, full, small_name, full_name):
    print(f"\n== Growth: median latency at 1 connection, {full_name} ÷ {small_name}")
    for name, runs in full["measured"].items():
        if "uncached" not in name and "cache" not in name:
            continue
        before, after = small["measured"][name]["1"]["p50_ms"], runs["1"]["p50_ms"]
        print(f"{name:42} {before:8.2f} ms → {after:8.2f} ms  x{after / before:.2f}")


if __name__ == "__main__":
    main()
