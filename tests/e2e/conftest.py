"""Browser tests: pytest-playwright driving headless Chromium against the live test server."""

import os
import shutil

import pytest

# pytest-playwright's sync API keeps an event loop running in the test thread;
# Django would take every ORM call there for async code without this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_FLAGS = [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def system_chromium() -> str | None:
    """Debian's Chromium (or one named by KTNEWS_CHROMIUM); None lets Playwright use its own download."""
    for candidate in (os.environ.get("KTNEWS_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {**browser_type_launch_args, "args": CHROMIUM_FLAGS}
    if executable := system_chromium():
        args["executable_path"] = executable
    return args


def collect_errors(page, errors: list) -> None:
    """Gather what ``page`` logs as an error (a CSP violation, a failed script or request) into ``errors``."""
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
