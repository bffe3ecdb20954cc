"""Bad input never answers 500: other charsets, NUL, lone surrogates, bytes that are not UTF-8, 10,000-
character values, on every URL pattern and every form, and a 400 page in the reader's language.

The sweep resolves every pattern of the URLconf (the admin's and allauth's included), fills its path
converters with real objects, reads the page as an anonymous reader, a signed-in reader and an editor,
and sends hostile values in the parameters and form fields the page itself shows (filter links, search
boxes, forms), plus a few every view might read.
"""

import logging
import re
import traceback
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
import reversion
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from reversion.models import Version

from articles.models import Article, Comment, CommentReport, PreviewLink, Section, Tag
from articles.page_cache import PageCacheMiddleware
from tests.conftest import make_article, make_commenter, make_user
from tests.test_photos import image_bytes, make_photo

FORM = "application/x-www-form-urlencoded"

# Hostile values, as they travel: percent-encoded for a query string or a urlencoded form.
NUL = "a%00b"
SURROGATE = "%ED%A0%80"  # U+D800 as UTF-8 would spell it if it could: what a lone surrogate becomes on the wire
NOT_UTF8 = "%FF%FE%C3"
LONG = quote("가" * 10_000)
LONG_LATIN = "x" * 10_000
HUGE_NUMBER = "9" * 30
ODD_TEXT = quote("-1'\"<>%&#0;&#xD800;\u202e\ufffd")
#: In a query string: a URL that long never passes nginx or gunicorn, but Django must not care either.
IN_QUERIES = {
    "NUL": NUL, "lone surrogate": SURROGATE, "invalid UTF-8": NOT_UTF8, "10,000 characters": LONG_LATIN,
    "30-digit number": HUGE_NUMBER, "odd text": ODD_TEXT,
}  # fmt: skip
#: In a form: Korean text makes the long value (3 bytes a character, 9 once percent-encoded).
IN_FORMS = {**IN_QUERIES, "10,000 characters": LONG}
#: In a path: a NUL, 4,000 characters (what nginx lets through), a lone surrogate, odd text.
IN_PATHS = [NUL, "x" * 4_000, SURROGATE, ODD_TEXT.replace("%2F", "")]
CHARSETS = ["latin-1", "utf-7", "utf-16", "shift_jis", "no-such-charset"]
#: Parameters some view may read without showing them in a link.
USUAL_PARAMETERS = ["q", "page", "sort", "next", "term", "status", "o", "p", "idxno", "_changelist_filters"]


# The data every pattern is filled from


@pytest.fixture
def newsroom(section, reporter, editor, commenter):
    """A story with tags, a photo and bylines in both languages, comments with a reply and a report, and an
    editor who saved it through reversion, so that every path converter has a real object to name."""
    Section.objects.create(name_ko="문화", name_en="Culture", slug="culture", position=2)
    photo = make_photo(image_bytes(size=(320, 200)), alt_text_ko="밤의 무대", credit="김사진")
    story = make_article(
        section, reporter, status=Article.Status.PUBLISHED, title_ko="도서관 24시간 개방", body_ko="<p>시험 기간</p>",
        lead_photo=photo,
    )  # fmt: skip
    story.tags.add(Tag.objects.create(name_ko="도서관", name_en="Library", slug="library"))
    with reversion.create_revision():
        reversion.set_user(editor)
        story.save()
    question = Comment.objects.create(article=story, author=commenter, body="언제부터 열어요?")
    answer = Comment.objects.create(
        article=story, author=make_commenter("junho", "준호"), body="다음 주", parent=question
    )
    CommentReport.objects.create(comment=answer, reporter=commenter, reason="spam")
    superuser = make_user("chief", is_staff=True)
    superuser.is_superuser = True
    superuser.save()
    link = PreviewLink.create_for(story, by=editor)
    return {"story": story, "comment": question, "reporter": reporter, "photo": photo, "tag": story.tags.get(),
            "commenter": commenter, "superuser": superuser, "preview_link": link}  # fmt: skip


# The rules, one by one


def posted_in(charset, fields: dict) -> bytes:
    """A urlencoded form as a browser set to ``charset`` sends it, with the CSRF token of ``a_client``."""
    encoding = "latin-1" if charset == "no-such-charset" else charset
    data = {"csrfmiddlewaretoken": CSRF_SECRET, **fields}
    return "&".join(f"{name}={quote(value.encode(encoding, 'replace'))}" for name, value in data.items()).encode()


def refusals(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


@pytest.mark.parametrize("charset", CHARSETS)
def test_a_form_in_another_charset_gets_the_400_page_with_one_log_line(newsroom, editor, charset, caplog):
    """Django refused such a form on the CSRF check, and its 400 page checked the token again, reading the form
    again: a 500 and about a thousand log lines, on every form of the site."""
    story = newsroom["story"]
    forms = [
        (a_client(), "/accounts/login/", {"login": "minji@example.com", "password": "비밀번호"}),
        (a_client(), "/admin/login/", {"username": "editor", "password": "x"}),
        (a_client(newsroom["commenter"]), f"/comments/story/{story.pk}/new/", {"body": "좋은 기사네요"}),
        (a_client(editor), f"/admin/articles/tag/{newsroom['tag'].pk}/change/", {"name_ko": "도서관", "slug": "x"}),
    ]
    for client, url, fields in forms:
        caplog.clear()
        with caplog.at_level(logging.INFO):
            answer = client.generic("POST", url, posted_in(charset, fields), content_type=f"{FORM}; charset={charset}")
        assert answer.status_code == 400, url
        assert "보낸 내용을 읽을 수 없습니다" in answer.content.decode()
        assert [record.getMessage().split(" (400)")[0] for record in refusals(caplog)] == [f"Refused POST {url!r}"]
    assert not Comment.objects.filter(body="좋은 기사네요").exists()


def test_the_400_page_is_in_the_language_of_the_address(newsroom):
    answer = a_client().post("/en/accounts/login/", b"login=%FF", content_type=FORM)
    assert answer.status_code == 400
    assert '<html lang="en">' in answer.content.decode()
    assert "We could not read what your browser sent" in answer.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/?status=%00",
        "/admin/articles/comment/?q=%00",
        "/admin/autocomplete/?app_label=articles&model_name=article&field_name=tags&term=%00",
        "/search/?q=%EB%8F%84%00",
        "/tags/library%00/",
        "/admin/articles/article/?q=" + SURROGATE,
        "/search/?q=" + NOT_UTF8,
    ],
)
def test_nul_lone_surrogates_and_bytes_that_are_not_utf8_in_an_address_are_refused(newsroom, editor, url):
    """PostgreSQL cannot store NUL: ``?status=%00`` in the story list and the autocomplete's ``term=%00``
    answered 500 there. Bytes that are not UTF-8 would have become "�" in what was searched or saved."""
    assert a_client(editor).get(url).status_code == 400


def test_nul_and_bytes_that_are_not_utf8_in_a_form_are_refused_and_nothing_is_saved(newsroom):
    client, url = a_client(newsroom["commenter"]), f"/comments/story/{newsroom['story'].pk}/new/"
    for body in ["%EC%A2%8B%00", SURROGATE, NOT_UTF8]:
        answer = client.post(url, f"csrfmiddlewaretoken={CSRF_SECRET}&body={body}", content_type=FORM)
        assert answer.status_code == 400
    multipart = client.post(url, {"csrfmiddlewaretoken": CSRF_SECRET, "body": "좋아요\x00"})
    assert multipart.status_code == 400
    assert Comment.objects.count() == 2  # the question and its answer


def test_a_cookie_with_nul_is_refused(newsroom):
    client = a_client()
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get("/").status_code == 400


def test_ordinary_korean_in_utf8_still_passes(newsroom):
    client, url = a_client(newsroom["commenter"]), f"/comments/story/{newsroom['story'].pk}/new/"
    assert client.get("/search/?q=%EB%8F%84%EC%84%9C%EA%B4%80").status_code == 200  # 도서관
    answer = client.post(url, posted_in("utf-8", {"body": "좋은 기사네요"}), content_type=f"{FORM}; charset=UTF-8")
    assert answer.status_code == 302
    assert Comment.objects.filter(body="좋은 기사네요").exists()


def test_a_value_of_10000_characters_makes_cache_keys_that_fit(newsroom):
    """The sign-in guard keys its counts by the name typed: 10,000 characters (or a space) made a key
    memcached-style backends refuse, and Django's CacheKeyWarning (an error under this suite)."""
    answer = a_client().post("/accounts/login/", posted_in("utf-8", {"login": "가 " * 5_000, "password": "x"}),
                             content_type=FORM)  # fmt: skip
    assert answer.status_code == 200
    cache.set("reader typed: " + "가" * 10_000, "kept")
    assert cache.get("reader typed: " + "가" * 10_000) == "kept"


def test_a_worker_does_not_remember_made_up_long_paths(rf):
    """Each worker remembers 20,000 paths: made-up 4 KB ones would have held 80 MB in every worker."""
    middleware = PageCacheMiddleware(lambda request: HttpResponse("a page no view keeps"))
    for path in ["/tags/" + "x" * 4_000 + "/", "/tags/library/"]:
        middleware(rf.get(path))
    assert list(middleware.known) == ["/tags/library/"]


@pytest.mark.parametrize("year", ["999999999999999999999999999999", "9999", "0"])
def test_a_date_out_of_range_in_the_admin_lists_is_a_wrong_parameter(newsroom, editor, year):
    for url in ["/admin/articles/article/", "/admin/articles/comment/", "/admin/articles/photo/"]:
        answer = a_client(editor).get(
            f"{url}?published_at__year={year}&created_at__year={year}&uploaded_at__year={year}"
        )
        assert (answer.status_code, answer.get("Location")) == (302, f"{url}?e=1")


def test_signing_in_with_a_provider_that_has_no_keys_yet_is_not_found(newsroom):
    providers = ["kakao", "naver", "google"]
    assert [a_client().get(f"/accounts/{provider}/login/").status_code for provider in providers] == [404, 404, 404]


def test_a_next_that_is_no_path_goes_back_to_the_comment(newsroom):
    comment = newsroom["comment"]
    client = a_client(newsroom["commenter"])
    answer = client.post(f"/comments/{comment.pk}/recommend/", f"csrfmiddlewaretoken={CSRF_SECRET}&next=999",
                         content_type=FORM)  # fmt: skip
    assert answer.status_code == 302
    assert answer["Location"] == comment.get_absolute_url()


@pytest.mark.parametrize("ids", [["999999999999999999999999999999"], ["x" * 10_000], ["1", "-1'\"<"]])
def test_a_posted_form_with_ids_no_row_can_have_is_shown_again_with_its_errors(newsroom, editor, ids):
    """The admin shows a form that did not validate again, with the chosen rows of its autocompletes: ids
    that were no numbers (or too large for the database) made that a 500."""
    fields = {
        "csrfmiddlewaretoken": CSRF_SECRET,
        "title_ko": "",
        "section": ids[0],
        "tags": ids,
        "related_articles": ids,
    }
    answer = a_client(editor).post("/admin/articles/article/add/", fields)
    assert answer.status_code == 200
    assert answer.context["adminform"].form.errors


def url_patterns(patterns=None, route="", namespace=None):
    """(route, qualified name, converters, the ModelAdmin if any) of every pattern of the URLconf."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from url_patterns(pattern.url_patterns, route + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            converters = list(getattr(pattern.pattern, "converters", {}))
            yield route + str(pattern.pattern), name, converters, getattr(pattern.callback, "model_admin", None)


def path_values(name, converters, model_admin, newsroom) -> dict:
    """Real objects for a pattern's converters, chosen by what the pattern is."""
    story, comment = newsroom["story"], newsroom["comment"]
    values = {
        "pk": comment.pk if name and "comment_" in name and "create" not in name else story.pk,
        "slug": story.slug if name == "articles:detail" else story.section.slug,
        "section": "stories",
        "object_id": story.pk,  # the admin's "view on site", for a story
        "content_type_id": ContentType.objects.get_for_model(Article).pk,
        "version_id": Version.objects.get_for_object(story).first().pk,
        "id": newsroom["commenter"].pk,
        "name": newsroom["photo"].renditions[0]["name"],
        "article_id": story.pk,
        "link_id": newsroom["preview_link"].pk,
        "token": newsroom["preview_link"].token,
        "kind": "privacy",
        "version": 1,
    }
    if name == "articles:tag":
        values["slug"] = newsroom["tag"].slug
    if name == "articles:reporter":
        values["pk"] = newsroom["reporter"].pk
    if model_admin is not None:
        first = model_admin.model._default_manager.order_by("pk").first()
        values["object_id"] = first.pk if first is not None else 1
    return {converter: values[converter] for converter in converters}


def concrete_urls(newsroom) -> list[str]:
    """One real address per pattern, then hostile values where a path converter takes any text."""
    email = EmailAddress.objects.get(user=newsroom["commenter"])
    regex_kwargs = {
        "account_confirm_email": {"key": EmailConfirmationHMAC(email).key},
        "account_reset_password_from_key": {
            "uidb36": user_pk_to_url_str(newsroom["commenter"]),
            "key": default_token_generator.make_token(newsroom["commenter"]),
        },
        "admin:app_list": {"app_label": "articles"},
    }
    urls, hostile_paths = [], []
    for route, name, converters, model_admin in url_patterns():
        if "(?P<url>" in route:
            urls.append("/admin/no-such-page/")  # the admin's catch-all
        elif name in regex_kwargs:
            urls.append(reverse(name, kwargs=regex_kwargs[name]))
        elif "^" in route:
            urls.append(reverse(name))
        else:
            kwargs = path_values(name, converters, model_admin, newsroom)
            urls.append(filled(route, kwargs))
            # One text converter at a time gets the hostile values (NUL, 10,000 characters…) in turn.
            for value in IN_PATHS:
                hostile = re.sub(r"<(?:str|path):\w+>", value, route, count=1)
                hostile_paths.append(filled(hostile, kwargs))
    return list(dict.fromkeys(urls)) + [url for url in dict.fromkeys(hostile_paths) if url not in urls]


def filled(route, kwargs) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda found: str(kwargs[found[1]]), route)


def autocomplete_urls() -> list[str]:
    """The admin's autocomplete for every field that has one (inlines' too), as its widget asks."""
    urls = []
    for model_admin in admin.site._registry.values():
        for owner in [model_admin, *model_admin.inlines]:
            for field in owner.autocomplete_fields:
                meta = owner.model._meta
                query = urlencode({"app_label": meta.app_label, "model_name": meta.model_name, "field_name": field})
                urls.append(f"/admin/autocomplete/?{query}")
    return urls


# What a page shows: the parameters of its links and the forms it holds


#: Form fields that take text: they get the 10,000 Korean characters; the others get a number.
TEXT_FIELDS = {"text", "search", "email", "url", "password", "tel", "textarea", None}


class PageForms(HTMLParser):
    """The query parameters a page's links and GET forms use, and its POST forms (action -> {field: its
    kind, or for a formset's counts their value})."""

    def __init__(self):
        super().__init__()
        self.parameters, self.post_forms, self._form = set(), {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "?" in (attrs.get("href") or ""):
            self.parameters.update(name for name, _value in parse_qsl(urlsplit(attrs["href"]).query, True))
        elif tag == "form":
            post = (attrs.get("method") or "get").lower() == "post"
            self._form = self.post_forms.setdefault(attrs.get("action") or "", {}) if post else None
        elif tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            if self._form is None:
                self.parameters.add(attrs["name"])
            else:
                kind = "textarea" if tag == "textarea" else attrs.get("type")
                self._form[attrs["name"]] = attrs.get("value", "") if attrs["name"].endswith("_FORMS") else kind

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


class Sweep:
    """Hostile requests, and what answered 500 or raised (with the traceback's end)."""

    def __init__(self):
        self.failures, self.requests, self.forms = [], 0, {}

    def send(self, client, method, url, label, body=b"", content_type=FORM):
        self.requests += 1
        cookies = {name: morsel.value for name, morsel in client.cookies.items()}
        try:
            with transaction.atomic():  # a hostile delete or sign-out must not change the next request's site
                response = client.generic(method, url, body, content_type=content_type)
                transaction.set_rollback(True)
        except Exception as error:
            self.failures.append(f"{method} {url[:160]} [{label[:200]}]:\n{summary(error)}")
            return None
        finally:
            client.cookies = SimpleCookie(cookies)
        if response.streaming:  # a file's answer (a photo): read to the end, the test client closes it then
            b"".join(response.streaming_content)
        if response.status_code >= 500:
            self.failures.append(f"{method} {url[:160]} [{label[:200]}]: {response.status_code}")
        return response

    def read(self, client, who, url) -> set[str] | None:
        """The page as ``who`` sees it: the parameters it uses (None if ``who`` may not see it); its POST
        forms are noted for later."""
        page = self.send(client, "GET", url, f"plain, {who}")
        if page is None or page.status_code == 403 or "/login/" in page.get("Location", ""):
            return None
        if "html" not in page.get("Content-Type", ""):
            return set()
        found = PageForms()
        found.feed(page.content.decode())
        for action, fields in found.post_forms.items():
            self.forms.setdefault((who, action or url), {}).update(fields)
        return found.parameters

    def sweep(self, clients, url, values) -> None:
        """``url`` with a few values, as each of ``clients`` in turn; the next ones only if one may not see it."""
        for who, client in clients.items():
            if (parameters := self.read(client, who, url)) is not None:
                self.query(client, who, url, parameters | set(USUAL_PARAMETERS), values)
                if who != "reader":
                    return  # a reader's pages differ from an anonymous reader's; an admin page is one page
            else:
                self.query(client, who, url, set(USUAL_PARAMETERS), values[:1])

    def query(self, client, who, url, parameters, values) -> None:
        """Each value in every parameter at once."""
        for label, value in values:
            query = "&".join(f"{quote(name)}={value}" for name in sorted(parameters))
            separator = "&" if "?" in url else "?"
            sweep_label = f"{label} in {', '.join(sorted(parameters))}, {who}"
            self.send(client, "GET", f"{url}{separator}{query}", sweep_label)

    def post(self, client, who, action, fields, charset) -> None:
        """Each value in every field at once (text for text fields), then the form in another charset."""
        fields.pop("csrfmiddlewaretoken", None)
        token = f"csrfmiddlewaretoken={CSRF_SECRET}&"
        # A formset's counts keep the page's values: with a 30-digit count Django builds (and shows) a thousand
        # forms more than its maximum, seconds per request that show nothing new.
        counts = {name: value for name, value in fields.items() if name.endswith("_FORMS")}
        for label, value in IN_FORMS.items():
            long_text = label == "10,000 characters"
            values = {name: value if kind in TEXT_FIELDS or not long_text else "1" for name, kind in fields.items()}
            values.update(counts)
            body = token + "&".join(f"{quote(name)}={values[name]}" for name in sorted(fields))
            self.send(client, "POST", action, f"{label} in {', '.join(sorted(fields))}, {who}", body.encode())
        body = (token + "&".join(f"{quote(name)}=%E4" for name in sorted(fields))).encode()
        self.send(client, "POST", action, f"charset={charset}, {who}", body, f"{FORM}; charset={charset}")


def summary(error) -> str:
    """The frames of the site's own code and the last one, and the error (its value cut short)."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames[:-1] if "/site-packages/" not in frame.filename]
    return "".join(traceback.format_list([*ours, frames[-1]])) + f"{type(error).__name__}: {str(error)[:200]}"


#: The CSRF secret every sweeping client holds, and sends with each form as a browser would: the forms are
#: read (and the token checked) as they would be for a real attacker with a session on the site.
CSRF_SECRET = "hostileinputsweepcsrfsecret12345"


def a_client(user=None) -> Client:
    client = Client(raise_request_exception=True, enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.cookies["csrftoken"] = CSRF_SECRET
    return client


def sweepers(clients, url) -> dict:
    """Who reads ``url``: readers (signed in, anonymous) the public site; the admin an editor, and the
    superuser what editors may not see there."""
    order = ["editor", "superuser"] if url.startswith("/admin/") else ["reader", "anonymous"]
    if url == "/admin/login/":
        order = ["anonymous"]  # the admin's sign-in form, which the others are sent past
    return {who: clients[who] for who in order}


def test_no_url_and_no_form_answers_500_to_hostile_values(newsroom, editor):
    """Every pattern, two values (in turn) in the parameters its page shows and a few any view may read;
    every form field, every value; each form in another charset. A failure lists the URL, the method, the
    value and the end of the traceback."""
    newsroom["clients"] = {
        "anonymous": a_client(), "reader": a_client(newsroom["commenter"]), "editor": a_client(editor),
        "superuser": a_client(newsroom["superuser"]),
    }  # fmt: skip
    sweep, values = Sweep(), list(IN_QUERIES.items())
    for number, url in enumerate(concrete_urls(newsroom)):
        sweep.sweep(
            sweepers(newsroom["clients"], url), url, [values[(number + turn) % len(values)] for turn in range(2)]
        )
    for url in autocomplete_urls():
        sweep.query(newsroom["clients"]["editor"], "editor", url, {"term", "page"}, values)
    for number, ((who, action), fields) in enumerate(sorted(sweep.forms.items())):
        sweep.post(newsroom["clients"][who], who, action, fields, CHARSETS[number % len(CHARSETS)])

    assert not sweep.failures, f"{len(sweep.failures)} of {sweep.requests} requests failed:\n" + "\n".join(
        sweep.failures
    )
