"""Anonymous readers' pages from the cache: fresh after every change they show, never anybody's own page."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from articles import moderation
from articles.models import Article, Comment, Photo, Reporter, Section, StoryPhoto, delete_for_good
from articles.page_cache import bump_content
from tests.conftest import make_article, make_commenter
from tests.test_photos import image_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(section, reporter):
    return make_article(
        section, reporter, status=Article.Status.PUBLISHED, title_ko="축제 개막", title_en="Festival opens",
        body_en="<p>The first night.</p>",
    )  # fmt: skip


def url(story, language=""):
    return f"{language}/news/{story.pk}/{story.slug}/"


def served_from_cache(client, address) -> bool:
    """Whether the page came from the cache: rendered pages have a template context, cached ones do not."""
    return client.get(address).context is None


def test_the_second_anonymous_reader_gets_the_page_from_the_cache_without_queries(
    client, story, django_assert_num_queries
):
    first = client.get(url(story))
    assert first.context is not None

    with django_assert_num_queries(0):
        second = Client().get(url(story))

    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == "public, max-age=5"
    assert "Content-Security-Policy" in second
    assert "X-Request-ID" in second


def test_an_unchanged_page_answers_304(client, story):
    etag = client.get(url(story))["ETag"]

    response = Client().get(url(story), headers={"if-none-match": etag})

    assert response.status_code == 304
    assert response.content == b""


def test_every_language_and_sort_is_a_page_of_its_own(client, story, commenter):
    Comment.objects.create(article=story, author=commenter, body="Sorting needs a comment")
    korean = client.get(url(story)).content.decode()
    english = client.get(url(story, "/en")).content.decode()
    oldest = client.get(f"{url(story)}?sort=oldest").content.decode()

    assert "축제 개막" in korean
    assert "Festival opens" in english
    assert 'aria-current="true">과거순' in oldest
    assert 'aria-current="true">최신순' in korean


# Invalidation, one kind of change at a time


def warm(*addresses):
    for address in addresses:
        Client().get(address)


def test_editing_a_story_refreshes_its_page_and_the_lists(story, section):
    warm(url(story), "/", f"/sections/{section.slug}/")

    story.title_ko = "축제 개막, 첫날 만 명"
    story.save()

    for address in (url(story), "/", f"/sections/{section.slug}/"):
        assert "첫날 만 명" in Client().get(address).content.decode()


def test_publishing_and_unpublishing_show_at_once(section, reporter, editor):
    waiting = make_article(section, reporter, status=Article.Status.REVIEW, title_ko="기숙사비 동결")
    warm("/", f"/sections/{section.slug}/")

    waiting.publish(by=editor)
    assert "기숙사비 동결" in Client().get("/").content.decode()
    assert "기숙사비 동결" in Client().get(f"/sections/{section.slug}/").content.decode()
    warm(url(waiting))

    Article.objects.get(pk=waiting.pk).unpublish(by=editor)
    assert "기숙사비 동결" not in Client().get("/").content.decode()
    assert Client().get(url(waiting)).status_code == 404


def test_a_scheduled_story_appears_when_its_time_comes(section, reporter):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        make_article(
            section, reporter, status=Article.Status.PUBLISHED, title_ko="예약된 기사",
            published_at=timezone.now() + timedelta(minutes=10),
        )  # fmt: skip
        assert "예약된 기사" not in Client().get("/").content.decode()

        clock.shift(timedelta(minutes=11))

        assert "예약된 기사" in Client().get("/").content.decode()


def test_a_drafts_saves_leave_the_cache_alone(client, story, section, reporter):
    draft = make_article(section, reporter, title_ko="초고")
    warm(url(story))

    draft.title_ko = "초고, 고쳐 씀"
    draft.save()

    assert served_from_cache(client, url(story))


def test_new_hidden_and_deleted_comments_show_at_once(story, commenter, editor):
    warm(url(story), "/")

    comment = Comment.objects.create(article=story, author=commenter, body="First reader here")
    assert "First reader here" in Client().get(url(story)).content.decode()
    assert "댓글 1" in Client().get("/").content.decode()

    moderation.hide(Comment.objects.filter(pk=comment.pk), by=editor)
    assert "First reader here" not in Client().get(url(story)).content.decode()

    moderation.restore(Comment.objects.filter(pk=comment.pk), by=editor)
    assert "First reader here" in Client().get(url(story)).content.decode()

    delete_for_good(Comment.objects.filter(pk=comment.pk))
    assert "First reader here" not in Client().get(url(story)).content.decode()


def test_a_comment_elsewhere_leaves_this_story_cached(client, story, section, reporter, commenter):
    other = make_article(section, reporter, status=Article.Status.PUBLISHED, title_ko="다른 기사")
    warm(url(story))

    Comment.objects.create(article=other, author=commenter, body="On the other story")

    assert served_from_cache(client, url(story))


def test_a_recommendation_updates_the_count(story, commenter):
    comment = Comment.objects.create(article=story, author=make_commenter("writer"), body="Good point")
    warm(url(story))

    comment.set_recommendation(commenter, True)

    assert "추천 1" in Client().get(url(story)).content.decode()


def test_a_nickname_change_shows_on_the_comments(story, commenter):
    Comment.objects.create(article=story, author=commenter, body="Signed with my name")
    warm(url(story))

    commenter.reader_profile.nickname = "새별명"
    commenter.reader_profile.save()

    assert "새별명" in Client().get(url(story)).content.decode()


def test_a_reporters_profile_and_a_new_photo_show_at_once(story, reporter):
    warm(url(story), f"/reporters/{reporter.pk}/")

    profile = Reporter.objects.get(pk=reporter.pk)
    profile.position_ko = "편집장"
    profile.save()
    assert "편집장" in Client().get(url(story)).content.decode()
    assert "편집장" in Client().get(f"/reporters/{reporter.pk}/").content.decode()

    photo = Photo(original=upload(image_bytes(size=(800, 600))), alt_text_en="Crowd", credit="Kim")
    photo.save()
    StoryPhoto.objects.create(article=story, photo=photo)
    assert photo.renditions[0]["name"] in Client().get(url(story)).content.decode()


def test_a_new_section_shows_in_every_menu(story):
    warm(url(story), "/")

    Section.objects.create(slug="sports", name_ko="스포츠", name_en="Sports", position=9)

    assert "스포츠" in Client().get(url(story)).content.decode()
    assert "스포츠" in Client().get("/").content.decode()


def test_a_section_renamed_through_another_server_shows_in_this_ones_menu(story, section, editor):
    """Each process keeps the menu while the site's content stays the same; a change anywhere bumps it."""
    signed_in = Client()
    signed_in.force_login(editor)  # never a kept page: the menu itself is what is tested

    def menu():
        page = signed_in.get(url(story)).content.decode()
        return page[page.index('<nav class="section-nav"') :].split("</nav>")[0]

    assert "뉴스" in menu()

    Section.objects.filter(pk=section.pk).update(name_ko="캠퍼스 소식")  # the other server's write...
    bump_content()  # ...and its signal, which reaches this process only through the shared cache

    assert "캠퍼스 소식" in menu()


# Nobody's own page is ever shared


def test_signed_in_readers_get_their_own_page_and_it_is_never_shared(story, commenter, commenter_client):
    mine = Comment.objects.create(article=story, author=commenter, body="Mine to delete")
    delete_link = f"/comments/{mine.pk}/delete/"

    own = commenter_client.get(url(story))
    assert own["Cache-Control"] == "private, no-cache"
    assert delete_link in own.content.decode()
    assert f"{commenter.reader_profile.nickname}(으)로 댓글 작성" in own.content.decode()

    someone = make_signed_in_client("someone").get(url(story)).content.decode()
    assert delete_link not in someone
    assert 'name="csrf-token"' in someone  # their own token, on their own page
    anonymous = Client().get(url(story)).content.decode()
    assert delete_link not in anonymous
    assert 'name="csrf-token"' not in anonymous
    assert "csrfmiddlewaretoken" not in anonymous


def make_signed_in_client(username):
    client = Client()
    client.force_login(make_commenter(username))
    return client


def test_a_signed_in_readers_page_never_fills_the_cache(story, commenter_client, client):
    commenter_client.get(url(story))

    assert client.get(url(story)).context is not None  # rendered for the anonymous reader, not reused


def test_fragments_of_a_page_outside_the_page_cache_follow_changes_too(story, section, reporter, commenter):
    """A reader whose session has expired still sends its cookie: no page cache, but the kept fragments."""
    stale = Client()
    stale.cookies["sessionid"] = "expired-session"
    assert "No comments yet." in stale.get(url(story, "/en")).content.decode()

    Comment.objects.create(article=story, author=commenter, body="A fresh comment")
    make_article(section, reporter, status=Article.Status.PUBLISHED, title_en="A newer story in the section")

    page = stale.get(url(story, "/en")).content.decode()
    assert "A fresh comment" in page
    assert "A newer story in the section" in page


def test_the_kept_fragments_save_the_queries_of_threads_and_related_stories(
    story, commenter, django_assert_max_num_queries
):
    """Guards the cost of a story page rendered outside the page cache: the fragments skip their queries."""
    for number in range(30):
        Comment.objects.create(article=story, author=commenter, body=f"Comment {number}")
    stale = Client()
    stale.cookies["sessionid"] = "expired-session"
    stale.get(url(story))

    with django_assert_max_num_queries(7):
        assert stale.get(url(story)).status_code == 200


def test_a_message_waiting_in_a_cookie_is_shown_not_skipped(client, story, commenter):
    warm("/")
    reader = Client()
    reader.force_login(commenter)

    assert reader.post("/accounts/logout/")["Location"] == "/"
    # As a browser does, forget the emptied session cookie; the message's cookie stays until it is shown.
    assert not reader.cookies["sessionid"].value
    del reader.cookies["sessionid"]

    assert "로그아웃" in reader.get("/").content.decode()


def test_a_request_for_another_host_or_port_never_fills_the_cache_for_the_site(client, story):
    Client().get(url(story), HTTP_HOST="testserver:8443")

    page = client.get(url(story)).content.decode()

    assert ":8443" not in page


def test_a_cached_story_page_still_allows_kakaos_sdk_when_an_editor_set_a_key(client, story):
    from articles.models import SiteSettings

    SiteSettings.objects.update_or_create(pk=1, defaults={"kakao_javascript_key": "0123456789abcdef"})
    Client().get(url(story))

    cached = client.get(url(story))

    assert cached.context is None
    assert "https://t1.kakaocdn.net" in cached["Content-Security-Policy"]


def test_the_kept_story_follows_edits_and_its_comment_count(story, commenter, django_assert_max_num_queries):
    stale = Client()
    stale.cookies["sessionid"] = "expired-session"
    stale.get(url(story, "/en"))

    story.title_en = "Festival opens, record crowd"
    story.save()
    Comment.objects.create(article=story, author=commenter, body="Counted at once")

    page = stale.get(url(story, "/en")).content.decode()
    assert '<h1 class="story__title">Festival opens, record crowd</h1>' in page  # the story's kept fragment
    assert '<meta property="og:title" content="Festival opens, record crowd">' in page  # its sharing metadata's
    assert "Comments 1" in page
    with django_assert_max_num_queries(3):  # the session lookup, the ban check's and the site settings' at most
        stale.get(url(story, "/en"))


def test_a_made_up_story_number_is_not_found_and_not_kept(client, cache_writes):
    assert client.get("/news/987654/anything/").status_code == 404
    assert not [key for key in cache_writes if "value:story:987654" in key]


# The early middleware (PageCacheMiddleware): a hit skips everything only a rendered page needs


def test_a_hit_runs_no_session_lookup_and_no_view(client, story, django_assert_num_queries):
    client.get(url(story))

    with django_assert_num_queries(0):
        hit = Client().get(url(story))

    assert hit.status_code == 200
    assert hit.context is None
    assert not hasattr(hit.wsgi_request, "session")  # SessionMiddleware never ran
    assert not hasattr(hit.wsgi_request, "user")
    assert hit.wsgi_request.resolver_match is None  # nor the URL resolver


def test_a_hit_carries_every_header_the_inner_middleware_added(client, story):
    rendered = client.get(url(story))

    hit = Client().get(url(story))

    assert hit.context is None
    kept_headers = (
        "Content-Security-Policy", "X-Frame-Options", "Content-Language", "Vary", "ETag", "Last-Modified",
        "Cache-Control", "Content-Type", "Permissions-Policy", "X-Content-Type-Options", "Referrer-Policy",
    )  # fmt: skip
    for header in kept_headers:
        assert hit[header] == rendered[header], header
    assert hit["X-Frame-Options"] == "DENY"
    assert hit["Content-Language"] == "ko"
    assert "Cookie" in hit["Vary"]


def test_a_hit_gets_a_fresh_request_id(client, story):
    first = client.get(url(story))

    hits = [Client().get(url(story)) for _attempt in range(2)]

    ids = {first["X-Request-ID"], *(hit["X-Request-ID"] for hit in hits)}
    assert len(ids) == 3
    assert all(hit.context is None for hit in hits)


def test_a_signed_in_reader_is_never_served_the_kept_page(client, story, commenter, commenter_client):
    client.get(url(story))
    assert served_from_cache(Client(), url(story))

    own = commenter_client.get(url(story))

    assert own.context is not None
    assert own["Cache-Control"] == "private, no-cache"
    assert f"{commenter.reader_profile.nickname}(으)로 댓글 작성" in own.content.decode()


def test_a_worker_that_served_a_page_notices_a_change(client, story):
    """The same middleware (one worker) remembers what the page depends on; a change still shows at once."""
    client.get(url(story))
    assert served_from_cache(client, url(story))

    story.title_ko = "축제 개막, 첫날 만 명"
    story.save()

    changed = client.get(url(story))
    assert changed.context is not None
    assert "첫날 만 명" in changed.content.decode()
    assert served_from_cache(client, url(story))


def test_a_head_request_is_answered_from_the_kept_page(client, story):
    client.get(url(story))

    head = Client().head(url(story))

    assert head.status_code == 200
    assert head.context is None


def test_pages_that_are_not_kept_are_not_looked_up_again(client, story, monkeypatch):
    """The floor of the benchmark and every other page pay no round trip to the cache once a worker knows."""
    from django.core.cache import cache

    client.get("/search/?q=festival")
    asked = []
    monkeypatch.setattr(cache, "get_many", lambda keys, **kwargs: asked.append(keys) or {})

    client.get("/search/?q=festival")

    assert not [keys for keys in asked if any(str(key).startswith("page:") for key in keys)]


def keeping_middleware(response):
    from articles.page_cache import CONTENT, KeptPage, PageCacheMiddleware

    response.page_cache = KeptPage((CONTENT,), [1], 60)
    return PageCacheMiddleware(lambda request: response)


@pytest.mark.parametrize(
    "make_personal",
    [
        lambda response: response.set_cookie("csrftoken", "one reader's"),
        lambda response: response.__setitem__("Cache-Control", "private"),
        lambda response: response.__setitem__("Content-Security-Policy", "script-src 'self' 'nonce-abc123'"),
    ],
    ids=["a cookie", "private", "a CSP nonce"],
)
def test_a_page_made_personal_on_the_way_out_is_not_kept(rf, make_personal, cache_writes):
    from django.http import HttpResponse

    response = HttpResponse("<p>page</p>")
    make_personal(response)

    keeping_middleware(response)(rf.get("/news/1/x/"))

    assert not [key for key in cache_writes if key.startswith("page:")]


def test_the_kept_page_leaves_per_request_headers_out(rf, cache_writes):
    from django.http import HttpResponse

    response = HttpResponse("<p>page</p>", headers={"X-Request-ID": "abc", "Date": "Sat, 28 Nov 2026 11:00:00 GMT"})

    keeping_middleware(response)(rf.get("/news/1/x/"))

    (kept,) = [value for key, value in cache_writes.items() if key.startswith("page:")]
    assert "X-Request-ID" not in kept[3]
    assert "Date" not in kept[3]


def test_a_story_page_outside_the_page_cache_reads_the_generations_once(story, commenter, monkeypatch):
    """The story, its threads and the stories under it all depend on generations: one round trip for them."""
    from django.core.cache import cache

    Comment.objects.create(article=story, author=commenter, body="Threads are kept too")
    stale = Client()
    stale.cookies["sessionid"] = "expired-session"
    stale.get(url(story))
    reads = []
    get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys, **kwargs: reads.append(keys) or get_many(keys, **kwargs))

    page = stale.get(url(story)).content.decode()

    assert "Threads are kept too" in page
    assert len([keys for keys in reads if any(str(key).startswith("gen:") for key in keys)]) == 1


# Only the parameters a page reads make another copy of it


def test_tracking_and_made_up_parameters_neither_make_copies_nor_change_the_page(client, story, cache_writes):
    """400 made-up query strings to one story once added 2,000 keys and 25 MB to Redis."""
    plain = client.get(url(story)).content
    cache_writes.clear()

    for n in range(400):
        response = client.get(f"{url(story)}?utm_source=portal{n}&fbclid={n}&gclid={n}&made_up={n}")
        assert response.status_code == 200
        assert response.content == plain

    assert cache_writes == {}


def test_tracking_parameters_never_reach_the_page_a_reader_is_served(client, story):
    page = client.get(f"{url(story)}?utm_source=newsletter&utm_medium=email").content.decode()

    assert "utm_" not in page
    assert "newsletter" not in page


def test_the_parameters_a_page_reads_still_make_pages_of_their_own(client, story, commenter, cache_writes):
    Comment.objects.create(article=story, author=commenter, body="첫 댓글")
    Comment.objects.create(article=story, author=commenter, body="둘째 댓글")
    newest = client.get(f"{url(story)}?sort=newest").content.decode()
    oldest = client.get(f"{url(story)}?sort=oldest&utm_source=x").content.decode()

    assert newest.index("둘째 댓글") < newest.index("첫 댓글")
    assert oldest.index("첫 댓글") < oldest.index("둘째 댓글")
    assert len([key for key in cache_writes if key.startswith("page:")]) == 2
    assert client.get(f"{url(story)}?utm_source=y&sort=oldest").content.decode() == oldest


def test_made_up_values_of_the_parameters_a_page_reads_make_no_copies_either(client, story, cache_writes):
    """?sort=made-up-N shows the default order: it is that page, not a copy of it."""
    default = client.get(url(story)).content
    cache_writes.clear()

    for n in range(50):
        assert client.get(f"{url(story)}?sort=made-up-{n}").content == default

    assert cache_writes == {}


def test_a_list_page_ignores_cursors_no_page_writes(client, section, cache_writes):
    first = client.get(f"/sections/{section.slug}/").content
    cache_writes.clear()

    for n in range(20):
        assert client.get(f"/sections/{section.slug}/?older=not-a-cursor-{n}").content == first

    assert cache_writes == {}
