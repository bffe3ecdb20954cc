"""A reader's way in, as a Korean portal's: sign-up and sign-in that come back to the story, mails written by
the paper in the reader's language, Kakao, Naver and Google first, and a real OAuth 2 round trip."""

import re
import urllib.request
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.kakao.views import KakaoOAuth2Adapter
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from articles.models import Article, Consent, ReaderProfile
from tests.conftest import PASSWORD, make_article, make_commenter
from tests.own_servers import FakeOAuthProvider

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long enough passphrase 42"


@pytest.fixture
def story(section):
    return make_article(
        section, status=Article.Status.PUBLISHED, title_ko="축제 첫날 풍경", title_en="The festival's first day"
    )


def comment_form_of(story) -> str:
    return f"{story.get_absolute_url()}#comment-form"


def sign_up(client, back_to, email="newreader@example.com", nickname="새독자", language=""):
    form = {
        "email": email, "nickname": nickname, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
        "agree_terms": "on", "agree_privacy": "on", "next": back_to,
    }  # fmt: skip
    return client.post(f"{language}/accounts/signup/", form)


def link_in(message) -> str:
    """The mail's one link, which stands on a line of its own in the text part."""
    (link,) = [line for line in re.findall(r"^(https?://\S+)$", message.body, re.M) if line != "http://testserver/"]
    return link.removeprefix("http://testserver")


def test_signing_up_from_a_story_returns_to_its_comment_form_once_the_address_is_confirmed(client, story):
    sign_up(client, comment_form_of(story))

    (message,) = mail.outbox
    assert message.subject == "[KT 뉴스] 이메일 주소를 확인해 주세요"
    assert message.from_email == "KT 뉴스 <news@ktnews.example>"
    assert message.body.startswith("새독자님, 안녕하세요.\n")
    assert "testserver" not in message.body.split("http://testserver")[0]  # the paper greets, not the server
    username = User.objects.get(email="newreader@example.com").username
    assert username not in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert '<html lang="ko">' in html
    assert "새독자님, 안녕하세요." in html

    confirming = client.post(link_in(message))
    assert confirming["Location"] == comment_form_of(story)
    page = client.get(story.get_absolute_url()).content.decode()
    assert 'name="body"' in page  # signed in: the comment form itself
    assert "새독자님, 반갑습니다. 로그인되었습니다." in page
    assert f">{username}<" not in page


def test_confirming_in_another_browser_still_ends_at_the_story(client, story):
    sign_up(client, comment_form_of(story))

    phone = Client()  # the mail app's browser
    confirm_page = phone.get(link_in(mail.outbox[0])).content.decode()
    assert f'name="next" value="{comment_form_of(story)}"' in confirm_page
    confirming = phone.post(link_in(mail.outbox[0]), {"next": comment_form_of(story)})
    assert confirming["Location"] == comment_form_of(story)
    assert EmailAddress.objects.get(email="newreader@example.com").verified


def test_an_english_reader_gets_the_mail_in_english_under_the_english_name(client, story):
    sign_up(client, comment_form_of(story), language="/en")

    (message,) = mail.outbox
    assert message.subject == "[KT News] Confirm your e-mail address"
    assert message.body.startswith("Hello 새독자,\n")
    assert "Thank you for reading KT News." in message.body


def test_the_password_reset_mail_names_the_reader_and_has_its_link_on_a_line_of_its_own(client):
    make_commenter("jisoo", "지수")

    client.post("/accounts/password/reset/", {"email": "jisoo@example.com"})
    (message,) = mail.outbox
    assert message.subject == "[KT 뉴스] 비밀번호 재설정"
    assert message.body.startswith("지수님, 안녕하세요.\n")
    assert "비밀번호" in message.body
    assert "패스워드" not in message.body
    assert "암호" not in message.body
    assert "jisoo\n" not in message.body  # no "your username is …"
    assert link_in(message).startswith("/accounts/password/reset/key/")


def test_signing_in_greets_the_reader_by_nickname_and_returns_to_the_story(client, story):
    make_commenter("jisoo", "지수")

    response = client.post(
        "/accounts/login/", {"login": "jisoo@example.com", "password": PASSWORD, "next": comment_form_of(story)}
    )
    assert response["Location"] == comment_form_of(story)
    page = client.get(story.get_absolute_url()).content.decode()
    assert "지수" in page
    assert ">jisoo<" not in page


def test_the_sign_in_page_speaks_korean_and_shows_each_error_under_its_field(client):
    page = client.get("/accounts/login/").content.decode()
    assert '<label for="id_remember">로그인 상태 유지</label>' in page
    assert '<label for="id_login">이메일</label>' in page
    assert 'placeholder="name@example.com"' in page
    assert "아이디" not in page
    assert re.search(r"<label[^>]*>[^<]*:</label>", page) is None  # no colons after labels

    refused = client.post("/accounts/login/", {"login": "not an address", "password": "x"}).content.decode()
    field = refused.index('id="id_login"')
    assert refused.index("errorlist", field) < refused.index('id="id_password"')  # under the address, not above


@pytest.mark.parametrize("address", ["/accounts/login/", "/accounts/signup/"])
def test_kakao_naver_and_google_come_first_as_buttons_that_post(client, address):
    for provider in ("google", "naver", "kakao"):
        SocialApp.objects.create(provider=provider, name=provider, client_id="id", secret="secret")

    page = client.get(f"{address}?next=/news/1/x/").content.decode()
    main = page[page.index("<main") :]
    buttons = re.findall(r'<form method="post" action="(/accounts/(\w+)/login/\?process=login&amp;next=[^"]+)">', main)
    assert [provider for _action, provider in buttons] == ["kakao", "naver", "google"]
    assert main.index("social-button--kakao") < main.index('name="email"' if "signup" in address else 'name="login"')
    assert main.count('name="csrfmiddlewaretoken"') >= 4
    assert 'href="/accounts/kakao/login/' not in main  # no links to allauth's own confirmation page
    assert "또는 소셜을 사용하세요" not in main
    assert "/static/articles/providers/kakao.svg" in main  # the symbol is shipped with the site


@pytest.fixture
def fake_kakao(monkeypatch):
    """Kakao, played by a server of the test's own: allauth's Kakao adapter is pointed at it and talks HTTP to it."""
    kakao = FakeOAuthProvider(profile={})
    kakao.start()
    monkeypatch.setattr(KakaoOAuth2Adapter, "authorize_url", kakao.url("/oauth/authorize"))
    monkeypatch.setattr(KakaoOAuth2Adapter, "access_token_url", kakao.url("/oauth/token"))
    monkeypatch.setattr(KakaoOAuth2Adapter, "profile_url", kakao.url("/v2/user/me"))
    SocialApp.objects.create(provider="kakao", name="Kakao", client_id=kakao.CLIENT_ID, secret=kakao.SECRET)
    yield kakao
    kakao.stop()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def through_kakao(client, kakao, back_to):
    """Press the Kakao button, agree on Kakao's page, come back: the site's answer to the callback."""
    pressed = client.post(f"/accounts/kakao/login/?process=login&next={back_to.replace('#', '%23')}")
    assert pressed.status_code == 302
    assert pressed["Location"].startswith(kakao.url("/oauth/authorize?"))
    try:
        urllib.request.build_opener(NoRedirects).open(pressed["Location"])
    except urllib.error.HTTPError as redirect:
        callback = redirect.headers["Location"]
    assert callback.startswith("http://testserver/accounts/kakao/login/callback/?code=")
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}")


def kakao_profile(email, verified=True, nickname="카카오친구"):
    return {
        "id": 3141592653,
        "kakao_account": {
            "email": email, "is_email_valid": True, "is_email_verified": verified,
            "profile": {"nickname": nickname}, "has_email": True,
        },
    }  # fmt: skip


def test_a_new_reader_signs_up_with_kakao_chooses_a_nickname_and_returns_to_the_story(client, fake_kakao, story):
    fake_kakao.profile = kakao_profile("kakaofriend@example.com")

    answer = through_kakao(client, fake_kakao, comment_form_of(story))
    assert answer["Location"] == "/accounts/3rdparty/signup/"
    signup_page = client.get(answer["Location"]).content.decode()
    assert 'name="nickname"' in signup_page
    assert 'name="agree_privacy"' in signup_page

    done = client.post(answer["Location"], {
        "email": "kakaofriend@example.com", "nickname": "카톡독자", "agree_terms": "on", "agree_privacy": "on",
    })  # fmt: skip
    assert done["Location"] == comment_form_of(story)
    reader = User.objects.get(email="kakaofriend@example.com")
    assert ReaderProfile.objects.get(user=reader).nickname == "카톡독자"
    assert SocialAccount.objects.get(user=reader).uid == "3141592653"
    assert EmailAddress.objects.get(user=reader).verified  # Kakao verified it: no mail to click
    assert set(reader.consents.values_list("subject", flat=True)) == {Consent.Subject.TERMS, Consent.Subject.PRIVACY}
    assert ("POST", "/oauth/token") in fake_kakao.requests
    assert "카톡독자" in client.get(story.get_absolute_url()).content.decode()


def test_kakao_with_an_address_kakao_verified_signs_in_to_the_existing_account(client, fake_kakao, story):
    existing = make_commenter("minji", "민지")
    fake_kakao.profile = kakao_profile(existing.email, verified=True)

    answer = through_kakao(client, fake_kakao, comment_form_of(story))
    assert answer["Location"] == comment_form_of(story)
    assert SocialAccount.objects.get(provider="kakao").user == existing
    assert User.objects.count() == 1


def test_kakao_with_an_unverified_address_of_an_existing_account_does_not_link_to_it(client, fake_kakao, story):
    existing = make_commenter("minji", "민지")
    fake_kakao.profile = kakao_profile(existing.email, verified=False)

    answer = through_kakao(client, fake_kakao, comment_form_of(story))
    assert answer["Location"] == "/accounts/3rdparty/signup/"
    refused = client.post(answer["Location"], {
        "email": existing.email, "nickname": "가짜민지", "agree_terms": "on", "agree_privacy": "on",
    })  # fmt: skip
    # As for any sign-up with a taken address: the same answer as for a new one (nobody learns who has an
    # account here), a mail to the account's owner, and nothing linked or signed in.
    assert refused["Location"] == "/accounts/confirm-email/"
    assert not SocialAccount.objects.exists()
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session
    assert [message.subject for message in mail.outbox] == ["[KT 뉴스] 이미 가입된 이메일 주소입니다"]


def test_kakao_never_signs_in_to_a_newsroom_account_by_its_address(client, fake_kakao, story, editor):
    editor.email = "editor@ktnews.example"
    editor.save()
    EmailAddress.objects.create(user=editor, email=editor.email, verified=True, primary=True)
    fake_kakao.profile = kakao_profile(editor.email, verified=True)

    answer = through_kakao(client, fake_kakao, comment_form_of(story))
    assert answer["Location"] == "/accounts/3rdparty/signup/"  # asked to sign up, not signed in as the editor
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()
