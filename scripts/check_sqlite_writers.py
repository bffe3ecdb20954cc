"""The embedded default holds up: fifty readers post comments at the same moment to a site on SQLite.

    python scripts/check_sqlite_writers.py [--readers 50]

Serves a throwaway SQLite site with gunicorn (several worker processes, several
threads each, as production would), signs the readers in, loads the story page
for each, then releases all their comment posts at once. Every post must be
answered with the redirect to the comment, every comment must be stored and
counted, and the server log must have no "database is locked". A bounded
number of requests (two per reader); exits non-zero on failure.
"""

import argparse
import tempfile
import threading
from pathlib import Path

from served import (
    Browser,
    Form,
    fail_if,
    gunicorn,
    no_lock_errors,
    ok,
    prepare_site,
    production_environment,
    use_site,
)  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        check(Path(work), options)


def check(work: Path, options):
    environment = production_environment(f"sqlite:///{work / 'site.sqlite3'}", work)
    # Fifty readers on this one machine share its address: the per-address comment limit (20 a minute) is
    # not what this checks, SQLite taking fifty writers at once is.
    environment["KTNEWS_COMMENTS_PER_ADDRESS_PER_MINUTE"] = str(options.readers)
    prepare_site(environment)
    use_site(environment)
    story, sessions = make_readers(options.readers)

    log = work / "server.log"
    with gunicorn(environment, 8203, workers=options.workers, threads=options.threads, log=log) as server:
        browsers, forms = [], []
        for session_key in sessions:
            browser = Browser()
            browser.cookies["sessionid"] = session_key
            status, _headers, page = browser.get(server, story.get_absolute_url())
            fail_if(status != 200, f"the story page answered {status}")
            forms.append(Form.find(page, "#comment-form"))
            browsers.append(browser)

        start = threading.Barrier(len(browsers))
        answers = [None] * len(browsers)

        def post(number):
            start.wait()
            fields = {**forms[number].fields, "body": f"Reader {number} was here"}
            answers[number] = browsers[number].request(server, forms[number].action, fields)[0]

        threads = [threading.Thread(target=post, args=(number,)) for number in range(len(browsers))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    refused = {number: status for number, status in enumerate(answers) if status != 302}
    fail_if(bool(refused), f"some posts were not accepted: {refused}")
    from articles.models import Comment

    stored = Comment.objects.filter(article=story).count()
    story.refresh_from_db()
    fail_if(stored != len(browsers), f"{stored} comments stored for {len(browsers)} posts")
    fail_if(story.comment_count != len(browsers), f"the story counts {story.comment_count} comments")
    no_lock_errors(log)
    ok(f"{len(browsers)} readers posted at the same moment: {stored} comments stored and counted, no lock errors")


def make_readers(count):
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from articles.models import Article, ReaderProfile, Section

    section = Section.objects.create(slug="news", name_ko="뉴스", name_en="News", position=1)
    story = Article.objects.create(
        section=section, title_ko="학생회관 리모델링", title_en="Student union building to be renovated",
        body_en="<p>Work starts in March.</p>", status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    sessions = []
    for number in range(count):
        # Signed in directly in the session store: the check is about posting, not about fifty sign-ins.
        reader = User.objects.create_user(f"reader{number}", f"reader{number}@example.com")
        EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
        ReaderProfile.objects.create(user=reader, nickname=f"독자{number}")
        session = SessionStore()
        session.update({SESSION_KEY: str(reader.pk), HASH_SESSION_KEY: reader.get_session_auth_hash(),
                        BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend"})  # fmt: skip
        session.create()
        sessions.append(session.session_key)
    return story, sessions


if __name__ == "__main__":
    main()
