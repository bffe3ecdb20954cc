"""The embedded default's file cache (ktnews.cache.FolderCache): shared by every process, counting right."""

import multiprocessing
import time

import time_machine

from ktnews.cache import FolderCache


def folder_cache(folder) -> FolderCache:
    return FolderCache(str(folder), {"OPTIONS": {"MAX_ENTRIES": 5_000}})


def count_up(folder, times):
    cache = folder_cache(folder)
    for _ in range(times):
        cache.incr("gen:content")


def read_along(folder, seconds, errors):
    cache, until = folder_cache(folder), time.monotonic() + seconds
    while time.monotonic() < until:
        if not isinstance(cache.get("gen:content"), int):
            errors.put("a reader found no generation while it was being counted")
            return


def test_counters_count_every_increment_of_several_processes_while_others_read(tmp_path):
    """Two bumps at once once left a reader a half-written file: it took it for expired and deleted it."""
    cache = folder_cache(tmp_path)
    cache.set("gen:content", 0, timeout=None)
    context = multiprocessing.get_context("spawn")
    errors = context.Queue()
    readers = [context.Process(target=read_along, args=(tmp_path, 4, errors)) for _ in range(2)]
    counters = [context.Process(target=count_up, args=(tmp_path, 150)) for _ in range(4)]
    for process in (*readers, *counters):
        process.start()
    for process in (*readers, *counters):
        process.join(timeout=60)

    assert cache.get("gen:content") == 600
    assert errors.empty()


def test_a_counter_keeps_the_window_it_was_added_with(tmp_path):
    """Django's file cache rewrote a counter with the default five minutes: a 15-minute pause ended early."""
    cache = folder_cache(tmp_path)
    with time_machine.travel(time.time(), tick=False) as clock:
        cache.add("signin-failures:account:reporter", 0, timeout=15 * 60)
        cache.incr("signin-failures:account:reporter")
        clock.shift(14 * 60)
        assert cache.get("signin-failures:account:reporter") == 1
        clock.shift(2 * 60)
        assert cache.get("signin-failures:account:reporter") is None


def test_add_is_refused_while_the_key_exists_and_allowed_once_it_expired(tmp_path):
    cache = folder_cache(tmp_path)
    with time_machine.travel(time.time(), tick=False) as clock:
        assert cache.add("read:1:reader", 1, timeout=60)
        assert not cache.add("read:1:reader", 1, timeout=60)
        clock.shift(61)
        assert cache.add("read:1:reader", 1, timeout=60)


def test_a_full_folder_drops_what_has_expired_before_anything_still_counting(tmp_path):
    cache = FolderCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 30}})
    with time_machine.travel(time.time(), tick=False) as clock:
        cache.add("signin-failures:account:reporter", 3, timeout=15 * 60)
        for generation in range(8):  # each time past 30 files: the expired go, not a random third
            for n in range(25):
                cache.set(f"fragment:{generation}:story:{n}", "<p>story</p>", timeout=60)
            clock.shift(61)

        assert cache.get("signin-failures:account:reporter") == 3
