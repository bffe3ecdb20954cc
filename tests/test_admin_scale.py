"""The admin's comment and story lists at archive scale: each page reads a bounded number of rows.

An archive of a few thousand stories and comments as the paper has them (bylines, sections, tags, threads with
replies, held, hidden and reported comments, drafts and scheduled stories, microsecond timestamps), then ten times
as many. Each page keeps its number of queries, none of them counts, groups or sorts the whole table (each is cut
by a LIMIT), and on PostgreSQL none of them needs a sequential scan of the comments or the stories. How fast they
are at a million comments is the benchmark's to say (bench/).
"""

import random
from datetime import datetime, timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.admin.changelists import BoundedPaginator
from articles.models import Article, Byline, Comment, CommentReport, Reporter, Section, Tag
from tests.conftest import make_commenter, make_user

pytestmark = pytest.mark.django_db

COMMENTS = "/en/admin/articles/comment/"
STORIES = "/en/admin/articles/article/"
#: The archive the lists start from; the tests then make it ten times as large.
STORIES_AT_FIRST, COMMENTS_AT_FIRST = 300, 2_000


class Archive:
    """The newsroom's stories and readers' comments, grown in bulk as the years would grow them."""

    def __init__(self, reporters):
        self.reporters = reporters
        self.sections = [
            Section.objects.create(name_ko=ko, name_en=en, slug=en.lower(), position=n)
            for n, (ko, en) in enumerate([("뉴스", "News"), ("캠퍼스", "Campus"), ("문화", "Culture")])
        ]
        self.tags = Tag.objects.bulk_create(
            Tag(name_ko=f"태그{n}", name_en=f"tag {n}", slug=f"tag-{n}") for n in range(20)
        )
        self.readers = [make_commenter(f"reader{n}", f"독자{n}") for n in range(12)]
        self.rng = random.Random(20261204)
        self.now = timezone.now()
        self.grown = 0

    def grow(self, stories: int, comments: int) -> None:
        new = Article.objects.bulk_create(self._story(self.grown + n) for n in range(stories))
        self.grown += stories
        Byline.objects.bulk_create(
            Byline(article=story, reporter=reporter, order=order)
            for story in new
            for order, reporter in enumerate(self.rng.sample(self.reporters, self.rng.choice([1, 1, 2])))
        )
        Article.tags.through.objects.bulk_create(
            Article.tags.through(article=story, tag=tag) for story in new for tag in self.rng.sample(self.tags, 2)
        )
        public = [story for story in new if story.status == Article.Status.PUBLISHED]
        threads = Comment.objects.bulk_create(self._comment(self.rng.choice(public)) for _ in range(comments * 4 // 5))
        Comment.objects.bulk_create(
            self._comment(thread.article, parent=thread) for thread in self.rng.sample(threads, comments // 5)
        )
        reported = [thread for thread in threads if thread.status == Comment.Status.PUBLISHED][: comments // 100]
        CommentReport.objects.bulk_create(
            CommentReport(comment=comment, reporter=reader, reason=CommentReport.Reason.SPAM)
            for comment in reported
            for reader in self.rng.sample(self.readers, self.rng.choice([1, 2]))
        )

    def _story(self, number: int) -> Article:
        status = self.rng.choice([*[Article.Status.PUBLISHED] * 8, Article.Status.DRAFT, Article.Status.REVIEW])
        published_at = self._moment() if status == Article.Status.PUBLISHED else None
        if number % 50 == 7:  # approved for later
            published_at = self.now + timedelta(days=2, microseconds=number)
        reporter = self.rng.choice(self.reporters)
        return Article(
            title_ko=f"기사 {number}", title_en=f"Story number {number}", slug=f"story-{number}",
            body_ko=f"<p>본문 {number}</p>", section=self.rng.choice(self.sections), status=status,
            published_at=published_at, created_by=reporter.user,
            placement=Article.Placement.LEAD if number % 100 == 0 else Article.Placement.GENERAL,
        )  # fmt: skip

    def _comment(self, story, parent=None) -> Comment:
        status = self.rng.choice([*[Comment.Status.PUBLISHED] * 98, Comment.Status.HELD, Comment.Status.HIDDEN])
        return Comment(
            article=story, parent=parent, author=self.rng.choice(self.readers), body=f"댓글 {self.rng.random()}",
            status=status, created_at=self._moment(), held_rule=Comment.HeldRule.LINKS if status == "held" else "",
        )  # fmt: skip

    def _moment(self):
        """Within the last three years, to the microsecond."""
        return self.now - timedelta(days=self.rng.uniform(0, 3 * 365), microseconds=self.rng.randrange(10**6))


@pytest.fixture
def archive(reporter, other_reporter):
    """The reporter signed in (``reporter``) is one of twenty, on a byline of about one story in ten."""
    colleagues = [
        Reporter.objects.create(name_en=f"Reporter {n}", user=make_user(f"colleague{n}", "Reporters"))
        for n in range(18)
    ]
    archive = Archive([reporter, other_reporter, *colleagues])
    archive.grow(STORIES_AT_FIRST, COMMENTS_AT_FIRST)
    return archive


def last_year() -> int:
    return timezone.localtime().year - 1


def comment_pages(archive, as_editor: bool) -> list[str]:
    busiest = Comment.objects.values("article").annotate(count=Count("pk")).order_by("-count")[0]["article"]
    reader = archive.readers[0].pk
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    week_ago = quote(str(midnight - timedelta(days=7)))  # as the list's "Past 7 days" link says it
    pages = [
        "", "?queue=waiting", "?queue=reported", "?queue=held", f"?created_at__year={last_year()}",
        f"?created_at__year={last_year()}&created_at__month=6", f"?created_at__gte={week_ago}", "?p=2",
    ]  # fmt: skip
    if as_editor:
        pages += [
            "?status__exact=hidden", f"?article__id__exact={busiest}", f"?author__id__exact={reader}",
            "?queue=reported&o=7", "?queue=held&o=4", "?o=1",
        ]  # fmt: skip
    return [COMMENTS + page for page in pages]


def story_pages(archive, as_editor: bool) -> list[str]:
    pages = ["", "?state=draft", "?state=live", f"?published_at__year={last_year()}", "?p=2"]
    if as_editor:
        pages += [
            "?state=review", "?state=scheduled", f"?section__id__exact={archive.sections[1].pk}",
            f"?reporters__id__exact={archive.reporters[0].pk}", "?placement__exact=lead", "?o=-8", "?o=3",
            "?state=draft&o=-4",
        ]  # fmt: skip
    return [STORIES + page for page in pages]


def read_page(client, address) -> tuple[list[str], object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200, address
    return [query["sql"] for query in queries.captured_queries], response.context["cl"]


def reads_a_big_table(sql: str) -> bool:
    return 'FROM "articles_comment"' in sql or 'FROM "articles_article"' in sql


def whole_table_reads(queries: list[str]) -> list[str]:
    """The queries that read comments or stories without a LIMIT, or group, deduplicate or aggregate them all."""
    return [
        sql
        for sql in queries
        if reads_a_big_table(sql)
        and ("LIMIT" not in sql or any(word in sql for word in ("GROUP BY", "DISTINCT", "MIN(", "MAX(")))
    ]


@pytest.fixture
def clients(editor_client, reporter_client):
    return {"editor": editor_client, "reporter": reporter_client}


@pytest.mark.parametrize("who", ["editor", "reporter"])
def test_the_comment_and_story_lists_keep_their_queries_when_the_archive_grows_tenfold(archive, clients, who):
    """Guards the whole-table COUNT for the pager and for "N total", the COUNT of reports grouped over every
    comment, the date links' DISTINCT over every date, and the reporter's DISTINCT over their stories: each
    page's queries are as many at 20,000 comments as at 2,000, and each is cut by a LIMIT."""
    client = clients[who]
    pages = comment_pages(archive, who == "editor") + story_pages(archive, who == "editor")
    before = {address: read_page(client, address)[0] for address in pages}
    archive.grow(STORIES_AT_FIRST * 9, COMMENTS_AT_FIRST * 9)
    for address in pages:
        queries, changelist = read_page(client, address)
        assert len(queries) == len(before[address]), (address, queries)
        assert whole_table_reads(queries) == [], address
        assert changelist.paginator.strategy in {BoundedPaginator.EXACT, BoundedPaginator.CAPPED}


def test_a_long_list_is_counted_up_to_a_bound_and_says_so(archive, editor_client, monkeypatch):
    monkeypatch.setattr(BoundedPaginator, "exact_up_to", 500)
    page = editor_client.get(COMMENTS).content.decode()
    assert "more than 500 comments" in page
    assert "The pages list the first 500." in page
    assert "Select all more than 500 comments" in page
    assert editor_client.get(COMMENTS, {"p": "5"}).status_code == 200
    assert editor_client.get(COMMENTS, {"p": "6"})["Location"].endswith("?e=1")  # past the 500 paged through

    held = Comment.objects.filter(status=Comment.Status.HELD).count()
    queue = editor_client.get(COMMENTS, {"queue": "held"}).content.decode()
    assert f"{held} comments" in queue
    assert "The pages list" not in queue


@pytest.mark.postgresql
def test_the_editors_whole_list_is_counted_by_the_databases_estimate(
    archive, editor_client, reporter_client, monkeypatch
):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_comment")
    monkeypatch.setattr(BoundedPaginator, "exact_up_to", 500)
    _queries, changelist = read_page(editor_client, COMMENTS)
    assert changelist.paginator.strategy == BoundedPaginator.ESTIMATED
    assert "about 2,000 comments" in editor_client.get(COMMENTS).content.decode()
    # A reporter's list is the comments on their own stories, not the table: counted, up to the bound.
    assert read_page(reporter_client, COMMENTS)[1].paginator.strategy != BoundedPaginator.ESTIMATED
    # So is a filtered list.
    assert read_page(editor_client, f"{COMMENTS}?queue=held")[1].paginator.strategy == BoundedPaginator.EXACT


def test_the_whole_comment_list_sorts_by_posting_time_only_but_the_queue_by_any_column(archive, editor_client):
    """Guards a sort of every comment by a column no index keeps in order (its story, its reader, its reports)."""
    whole = editor_client.get(COMMENTS, {"o": "3"})  # the story column, asked for by a crafted address
    assert [c.pk for c in whole.context["cl"].result_list] == [c.pk for c in Comment.objects.all()[:100]]
    assert "sortable column-story" not in whole.content.decode()
    assert "sortable column-created_at" in whole.content.decode()

    reported = editor_client.get(COMMENTS, {"queue": "reported", "o": "-7"}).context["cl"].result_list
    counts = [comment.report_count for comment in reported]
    assert counts == sorted(counts, reverse=True)
    assert counts[0] == 2
    assert len(reported) == CommentReport.objects.values("comment").distinct().count()


def test_the_whole_story_list_sorts_by_approval_time_only_but_a_list_of_drafts_by_any_column(archive, editor_client):
    """Guards a sort of every story by its section, status or placement, which no index keeps in order."""
    newest_changes = list(Article.objects.order_by("-updated_at", "-pk").values_list("pk", flat=True)[:100])
    by_section = editor_client.get(STORIES, {"o": "3"})  # the section column, asked for by a crafted address
    assert [story.pk for story in by_section.context["cl"].result_list] == newest_changes
    assert "sortable column-section" not in by_section.content.decode()
    by_approval = editor_client.get(STORIES, {"o": "-8"}).context["cl"].result_list
    approved = [story.published_at for story in by_approval if story.published_at]
    assert approved == sorted(approved, reverse=True)
    drafts = editor_client.get(STORIES, {"state": "draft", "o": "3"})
    sections = [story.section.position for story in drafts.context["cl"].result_list]
    assert sections == sorted(sections)
    assert "sortable column-section" in drafts.content.decode()


def test_the_queue_lists_each_waiting_comment_once_and_the_desk_counts_them_so(archive, editor_client):
    held = set(Comment.objects.filter(status=Comment.Status.HELD).values_list("pk", flat=True))
    reported = set(
        CommentReport.objects.filter(comment__status=Comment.Status.PUBLISHED).values_list("comment", flat=True)
    )
    waiting = editor_client.get(COMMENTS, {"queue": "waiting", "all": ""}).context["cl"]
    assert waiting.result_count == len(held | reported)
    assert sorted(comment.pk for comment in waiting.queryset) == sorted(held | reported)
    desk = editor_client.get("/en/admin/").content.decode()
    assert f"{len(held | reported)} comments are waiting for review" in desk


def test_the_date_links_run_from_the_first_rows_date_to_the_last(story_to_comment, editor_client):
    """Guards the date links' DISTINCT over every date of the table: they are read from its first and last row."""
    for when in [(2021, 3, 5), (2023, 6, 3, 23, 59, 59, 999999), (2023, 6, 27)]:
        posted = timezone.make_aware(datetime(*when))
        Comment.objects.create(article=story_to_comment, body="A comment", created_at=posted)

    def links(**parameters):
        return [
            choice["title"] for choice in editor_client.get(COMMENTS, parameters).context["cl"].date_links["choices"]
        ]

    assert links() == ["2021", "2022", "2023"]  # 2022 holds none: its link lists nothing
    assert links(created_at__year=2023) == ["June 2023"]
    assert links(created_at__year=2023, created_at__month=6) == [f"June {day}" for day in range(3, 28)]
    assert links(created_at__year=2023, created_at__month=6, created_at__day=3) == ["June 3"]
    Comment.objects.filter(created_at__year=2021).delete()
    assert links() == [f"June {day}" for day in range(3, 28)]  # one month only: its days at once, as Django does


@pytest.fixture
def story_to_comment(section, reporter):
    return Article.objects.create(
        section=section, title_en="Night buses", slug="night-buses", status="published", published_at=timezone.now()
    )


def test_a_reporter_lists_each_of_their_stories_once_and_no_one_elses_draft(
    archive, reporter, other_reporter, reporter_client
):
    shared = Article.objects.create(section=archive.sections[0], title_en="Shared draft", created_by=reporter.user)
    Byline.objects.create(article=shared, reporter=reporter, order=0)
    Byline.objects.create(article=shared, reporter=other_reporter, order=1)
    listed = reporter_client.get(STORIES, {"state": "draft", "all": ""}).context["cl"]
    stories = [story.pk for story in listed.queryset]
    assert stories.count(shared.pk) == 1
    mine = (
        Article.objects.filter(status="draft")
        .filter(Q(created_by=reporter.user) | Q(bylines__reporter=reporter))
        .distinct()
    )
    assert sorted(stories) == sorted(mine.values_list("pk", flat=True))


@pytest.mark.postgresql
@pytest.mark.parametrize("who", ["editor", "reporter"])
def test_no_page_of_the_lists_reads_the_comments_or_stories_table_through(archive, clients, who, monkeypatch):
    """Each query of each page, planned as at a million rows: with sequential scans, hash and merge joins priced
    out (at a few thousand rows the planner rightly prefers reading a table through; at a million it must not have
    to), its plan has no sequential scan of the comments or the stories, and none of its scans of them reads more
    rows than a fifth of the table. A filter or an order no index serves would read it all, through an index
    from end to end if not sequentially."""
    archive.grow(STORIES_AT_FIRST * 9, COMMENTS_AT_FIRST * 9)
    monkeypatch.setattr(BoundedPaginator, "exact_up_to", 150)  # counts cut at 150 rows, far below a fifth
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    client = clients[who]
    fifth = {"articles_comment": Comment.objects.count() // 5, "articles_article": Article.objects.count() // 5}
    for address in comment_pages(archive, who == "editor") + story_pages(archive, who == "editor"):
        queries, _changelist = read_page(client, address)
        for sql in filter(reads_a_big_table, queries):
            for table, node_type, rows_read in scans_of_big_tables(sql):
                assert node_type != "Seq Scan", (address, sql)
                assert rows_read <= fifth[table], (address, table, node_type, rows_read, sql)


PLANS_THAT_READ_THROUGH = ["enable_seqscan", "enable_hashjoin", "enable_mergejoin"]


def scans_of_big_tables(sql: str) -> list[tuple[str, str, int]]:
    """Each scan of the comments or the stories in ``sql``'s plan: the table, the kind of scan, the rows it read."""
    with connection.cursor() as cursor:
        for method in PLANS_THAT_READ_THROUGH:
            cursor.execute(f"SET LOCAL {method} = off")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
        for method in PLANS_THAT_READ_THROUGH:
            cursor.execute(f"SET LOCAL {method} = on")
    return [
        (node["Relation Name"], node["Node Type"], rows_read(node))
        for node in plan_nodes(plan[0]["Plan"])
        if node.get("Relation Name") in {"articles_comment", "articles_article"}
    ]


def rows_read(node: dict) -> int:
    kept_and_dropped = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
    return (kept_and_dropped + node.get("Rows Removed by Index Recheck", 0)) * node["Actual Loops"]


def plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)
