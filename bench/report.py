"""What bench/run.py prints: each archive's rows, their growth, the issue's targets beside the measured ratios
(met or missed) and the backup and restore times.

Results come as bench/run.py writes them to results-*.json: concurrencies are strings ("1", "32").
"""

import textwrap

#: A run during which other processes used more than this share of one core is measured again.
MAX_FOREIGN_CPU = 0.05
#: The rows every ratio needs, measured whatever else --only leaves out.
RATIOS = CEILING, FLOOR, YARDSTICK = (
    "ceiling: nginx static file", "floor: bare Django view", "yardstick: straightforward story view",
)  # fmt: skip

# The targets of issue 20, as ratios within one run.
#: Signed-in pages' requests/s ÷ the floor's, at the highest concurrency: at least this.
SIGNED_IN_FLOOR_SHARE = 0.15
#: Signed-in pages' p99 ÷ the straightforward view's, at the highest concurrency: at most this.
SIGNED_IN_P99_SHARE = 0.25
#: Signed-in pages' median at the lowest concurrency, on the largest archive ÷ on the smallest: at most this.
GROWTH = 1.5
#: Each search form's median at the lowest concurrency ÷ the uncached story page's: at most this.
SEARCH_TIMES_STORY = 3
#: The admin lists' median at the lowest concurrency, in milliseconds: under this.
ADMIN_MS = 500


def report(name, result, concurrencies):
    measured = result["measured"]
    floor, ceiling, yardstick = measured[FLOOR], measured[CEILING], measured[YARDSTICK]
    dataset = result["dataset"]
    engine = "SQLite, file cache (no Redis)" if result.get("engine") == "sqlite" else "PostgreSQL, Redis"
    print(
        f"\n== {name} dataset ({engine}): {dataset.get('stories', '?'):,} stories, "
        f"{dataset.get('comments', '?'):,} comments; story page {result['story_bytes']:,} bytes"
    )
    if "build_seconds" in dataset:
        print(f"built in {dataset['build_seconds']:,} s; database {dataset.get('database_mib', '?'):,} MiB")
    print(f"searched for: {', '.join(f'{form} {query!r}' for form, query in result.get('searches', {}).items())}")
    header = (
        f"{'page':44} {'c':>3} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'÷floor':>7} {'÷ceiling':>8} {'p99÷yard':>8}"
    )
    print(header)
    for row, runs in measured.items():
        for c in (str(c) for c in concurrencies):
            if c not in runs:  # the admin lists: the lowest concurrency only
                continue
            run = runs[c]
            errors = f"  ({run['errors']} errors)" if run["errors"] else ""
            if run.get("requests") == 0:
                errors += "  (no request finished: the times are the run's length)"
            if run.get("foreign_cpu", 0) > MAX_FOREIGN_CPU:
                errors += f"  (other work used {run['foreign_cpu']:.0%} of a core meanwhile)"
            print(
                f"{row:44} {c:>3} {run['rps']:>9.0f} {run['p50_ms']:>8.2f} {run['p99_ms']:>8.2f} "
                f"{run['rps'] / floor[c]['rps']:>7.2f} {run['rps'] / ceiling[c]['rps']:>8.3f} "
                f"{run['p99_ms'] / yardstick[c]['p99_ms']:>8.2f}{errors}"
            )
    counts = ", ".join(f"{page} {q['cold']}/{q['warm']}" for page, q in result["queries"].items())
    print("SQL queries per page outside the page cache (cold/with kept fragments):")
    print(textwrap.fill(counts, width=118, initial_indent="  ", subsequent_indent="  "))
    print("Peak memory per gunicorn process (MiB):", result["memory_mib"])


def report_growth(small, full, small_name, full_name, lowest="1"):
    print(f"\n== Growth: median latency at {lowest} connection(s), {full_name} ÷ {small_name}")
    for name, runs in full["measured"].items():
        if name in (CEILING, FLOOR, YARDSTICK) or name not in small["measured"]:
            continue
        before, after = small["measured"][name][lowest]["p50_ms"], runs[lowest]["p50_ms"]
        print(f"{name:44} {before:8.2f} ms → {after:8.2f} ms  x{after / before:.2f}")


def report_targets(results: dict, pg_sizes: list[str], embedded: dict | None, concurrencies) -> None:
    """The issue's targets beside what this run measured: one line each, met or missed."""
    low, high = str(min(concurrencies)), str(max(concurrencies))
    largest, smallest = results[pg_sizes[-1]], results[pg_sizes[0]]
    checks = []
    measured = largest["measured"]
    for name, runs in measured.items():
        if not name.endswith(", signed in"):
            continue
        share = runs[high]["rps"] / measured[FLOOR][high]["rps"]
        checks.append((f"req/s ÷ floor at {high}", name, share, SIGNED_IN_FLOOR_SHARE, share >= SIGNED_IN_FLOOR_SHARE))
        p99 = runs[high]["p99_ms"] / measured[YARDSTICK][high]["p99_ms"]
        checks.append((f"p99 ÷ yardstick's at {high}", name, p99, SIGNED_IN_P99_SHARE, p99 <= SIGNED_IN_P99_SHARE))
        if len(pg_sizes) > 1 and name in smallest["measured"]:
            growth = runs[low]["p50_ms"] / smallest["measured"][name][low]["p50_ms"]
            checks.append((f"growth {pg_sizes[0]} → {pg_sizes[-1]}", name, growth, GROWTH, growth <= GROWTH))
    for label, result in ((pg_sizes[-1], largest), (f"SQLite {embedded_size(embedded)}", embedded)):
        if result is None or "story, uncached" not in result["measured"]:
            continue
        story = result["measured"]["story, uncached"][low]["p50_ms"]
        for name, runs in result["measured"].items():
            if name.startswith("search: ") and name.endswith(", uncached"):
                times = runs[low]["p50_ms"] / story
                checks.append((f"p50 ÷ story's at {low}, {label}", name, times, SEARCH_TIMES_STORY,
                               times <= SEARCH_TIMES_STORY))  # fmt: skip
    for name, runs in measured.items():
        if name.startswith("admin: "):
            median = runs[low]["p50_ms"]
            checks.append((f"p50 ms at {low}", name, median, ADMIN_MS, median < ADMIN_MS))
    print(f"\n== Targets (issue 20) on the {pg_sizes[-1]} archive, as ratios in this run")
    print(f"{'measure':38} {'page':44} {'value':>8} {'target':>8}")
    for measure, name, value, target, met in checks:
        print(f"{measure:38} {name:44} {value:>8.2f} {target:>8.2f}  {'met' if met else 'MISSED'}")
    print(f"{sum(met for *_rest, met in checks)} of {len(checks)} met")


def embedded_size(result: dict | None) -> str:
    return f"{result['dataset'].get('stories', 0):,} stories" if result else ""


def report_restore(measured: list[dict]) -> None:
    print("\n== Backup and restore (bench/restore.py), seconds as the operator runs each command")
    print(f"{'engine':22} {'stories':>8} {'rows':>9} {'fill':>6} {'backup':>7} {'restore':>8} {'MB':>6}  differ")
    for result in measured:
        rows = f"{result['stories']:>8,} {result['rows']:>9,} {result['fill_s']:>6}"
        print(
            f"{result['engine']:22} {rows} {result['backup_s']:>7} {result['restore_s']:>8} "
            f"{result['archive_mb']:>6}  {result['counts_that_differ'] or 'none'}"
        )
        if "pg_dump_backup_s" in result:
            print(
                f"{'postgresql --pg-dump':22} {'':>8} {'':>9} {'':>6} {result['pg_dump_backup_s']:>7} "
                f"{result['pg_dump_restore_s']:>8} {result['pg_dump_archive_mb']:>6}  "
                f"{result['pg_dump_counts_that_differ'] or 'none'}"
            )
