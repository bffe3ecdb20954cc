"""Two gunicorn app servers on one PostgreSQL and one Redis behave as one site.

    python scripts/check_several_servers.py [--database-url postgres://...] [--redis-url redis://...]

Creates a throwaway database, starts two servers with the production settings,
and checks through them, alternately: a reader signed in through one is signed
in on the other; a comment posted through one shows on the other at once; the
comment flood limit counts across both; a story an editor publishes through one
is public on the other at once. About forty requests; exits non-zero on failure.
"""

import argparse
import tempfile
import uuid
from pathlib import Path

import psycopg
from served import (
    PASSWORD,
    Browser,
    errors_on,
    fail_if,
    gunicorn,
    no_lock_errors,
    ok,
    page_has,
    prepare_site,
    production_environment,
    use_site,
)  # fmt: skip

COMMENTS_PER_MINUTE = 3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL server to make the throwaway database on")  # fmt: skip
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    options = parser.parse_args()

    server_url, _sep, _admin_db = options.database_url.rpartition("/")
    name = f"ktnews_servers_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(options.database_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory() as work:
            check(Path(work), f"{server_url}/{name}", options.redis_url)
    finally:
        with psycopg.connect(options.database_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def check(work: Path, database_url: str, redis_url: str):
    environment = production_environment(
        database_url, work, REDIS_URL=redis_url, KTNEWS_COMMENTS_PER_MINUTE=str(COMMENTS_PER_MINUTE)
    )
    prepare_site(environment)
    use_site(environment)
    story, draft = make_newsroom()
    from django.core.cache import cache

    cache.clear()  # a clean slate for the flood counters in this Redis database

    logs = [work / "server-a.log", work / "server-b.log"]
    with gunicorn(environment, 8201, log=logs[0]) as a, gunicorn(environment, 8202, log=logs[1]) as b:
        reader = Browser()
        status, _headers, _body = reader.post_form(
            a, "/en/accounts/login/", "/en/accounts/login/", {"login": "reader@example.com", "password": PASSWORD}
        )
        fail_if(status != 302, f"signing in through A answered {status}")
        status, _headers, body = reader.get(b, "/en/accounts/profile/")
        fail_if(
            status != 200 or not page_has(body, "Campus Reader"),
            f"B does not know the reader signed in on A ({status})",
        )
        ok("a reader signed in through one server is signed in on the other")

        anonymous = Browser()
        anonymous.get(b, story.get_absolute_url())  # B has rendered the page before the comment
        post_comment(reader, a, story, "First, through server A")
        status, _headers, body = anonymous.get(b, story.get_absolute_url())
        fail_if(not page_has(body, "First, through server A"), "the comment posted through A is not on B's page")
        ok("a comment posted through one server shows on the other at once")

        statuses = [post_comment(reader, server, story, f"Comment {number}", expect=None)
                    for number, server in zip(range(2, 5), (b, a, b), strict=True)]  # fmt: skip
        fail_if(statuses != [302, 302, 429], f"the flood limit did not count across both servers: {statuses}")
        ok(f"the limit of {COMMENTS_PER_MINUTE} comments a minute counts across both servers")

        fail_if(anonymous.get(b, draft.get_absolute_url())[0] != 404, "the story is public before it is published")
        editor = Browser()
        status, _headers, _body = editor.post_form(
            a, "/en/admin/login/", "#login-form", {"username": "editor", "password": PASSWORD}
        )
        fail_if(status != 302, f"the editor could not sign in to the admin on A ({status})")
        status, _headers, body = editor.post_form(
            # The form's Publish, with its confirmation page's Confirm (articles/admin/confirmations.py).
            a, f"/en/admin/articles/article/{draft.pk}/change/", "#article_form",
            {"_publish": "1", "_workflow_confirmed": "_publish"},
        )  # fmt: skip
        fail_if(status != 302, f"publishing through A answered {status}: {errors_on(body)}")
        status, _headers, body = anonymous.get(b, draft.get_absolute_url())
        fail_if(
            status != 200 or not page_has(body, draft.title_ko), f"the published story is not public on B ({status})"
        )
        fail_if(not page_has(anonymous.get(b, "/en/")[2], draft.title_en), "B's home page does not list it")
        ok("a story published through one server is public on the other at once")
    no_lock_errors(*logs)


def post_comment(reader, server, story, text, expect=302):
    status, _headers, _body = reader.post_form(
        server, story.get_absolute_url(), "#comment-form", {"body": text},
    )  # fmt: skip
    if expect is not None:
        fail_if(status != expect, f"posting a comment answered {status}")
    return status


def make_newsroom():
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from articles.models import Article, Byline, ReaderProfile, Reporter, Section

    section = Section.objects.create(slug="news", name_ko="뉴스", name_en="News", position=1)
    reporter = Reporter.objects.create(name_ko="기자", name_en="A Reporter")
    editor = User.objects.create_user("editor", "editor@example.com", PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    reader = User.objects.create_user("reader", "reader@example.com", PASSWORD)
    EmailAddress.objects.create(user=reader, email=reader.email, verified=True, primary=True)
    ReaderProfile.objects.create(user=reader, nickname="Campus Reader")
    story = Article.objects.create(
        section=section, title_ko="기숙사 식당 새 메뉴", title_en="Dormitory canteen changes its menu",
        body_en="<p>From Monday.</p>", status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    draft = Article.objects.create(
        section=section, title_ko="도서관 야간 개방", title_en="Library opens at night",
        body_en="<p>Until two.</p>", status=Article.Status.REVIEW,
    )  # fmt: skip
    for article in (story, draft):
        Byline.objects.create(article=article, reporter=reporter, order=0)
    return story, draft


if __name__ == "__main__":
    main()
