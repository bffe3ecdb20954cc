"""Readers' accounts: signing up with a nickname, signing in by choosing an account, leaving for good."""

import time

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from articles.models import Article, Comment, ReaderProfile
from tests.conftest import PASSWORD, make_article, make_commenter

pytestmark = pytest.mark.django_db


def sign_up(client, **overrides):
    data = {
        "email": "new@example.com", "nickname": "새독자",
        "password1": "a long enough passphrase 42", "password2": "a long enough passphrase 42",
        "agree_terms": "on", "agree_privacy": "on",
    }  # fmt: skip
    return client.post("/accounts/signup/", {**data, **overrides})


def test_signing_up_asks_for_a_nickname_and_verifies_the_email(client):
    response = sign_up(client)

    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    assert user.reader_profile.nickname == "새독자"
    assert len(mail.outbox) == 1
    assert "new@example.com" in mail.outbox[0].to
    assert not user.emailaddress_set.get().verified


@pytest.mark.parametrize(
    ("nickname", "message"),
    [
        ("가", "2"),
        ("관리자", "reserved"),
        ("Editor", "reserved"),
        ("<b>me</b>", "letters"),
        ("a" * 21, "20"),
    ],
)
def test_nicknames_are_validated(client, nickname, message):
    response = client.post("/en/accounts/signup/", {
        "email": "new@example.com", "nickname": nickname,
        "password1": "a long enough passphrase 42", "password2": "a long enough passphrase 42",
        "agree_terms": "on", "agree_privacy": "on",
    })  # fmt: skip

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()


def test_nicknames_are_unique_ignoring_case(client):
    make_commenter("first", "CampusCat")

    response = client.post("/en/accounts/signup/", {
        "email": "new@example.com", "nickname": "campuscat",
        "password1": "a long enough passphrase 42", "password2": "a long enough passphrase 42",
        "agree_terms": "on", "agree_privacy": "on",
    })  # fmt: skip
    assert "already taken" in response.content.decode()


def test_a_reader_changes_their_nickname_on_their_account_page(commenter_client, commenter):
    assert commenter_client.get("/accounts/profile/").status_code == 200

    response = commenter_client.post("/accounts/profile/", {"nickname": "새이름"})
    assert response.status_code == 302
    commenter.reader_profile.refresh_from_db()
    assert commenter.reader_profile.nickname == "새이름"


def test_the_account_page_never_redirects_off_site(commenter_client):
    response = commenter_client.post("/accounts/profile/?next=https://evil.example/", {"nickname": "새이름"})

    assert response["Location"] == "/accounts/profile/"


def test_deleting_an_account_says_what_goes_asks_for_the_password_and_takes_the_comments(
    commenter_client, commenter, section
):
    story = make_article(section, status=Article.Status.PUBLISHED)
    Comment.objects.create(article=story, author=commenter, body="One")
    Comment.objects.create(article=story, author=commenter, body="Two")

    warning = commenter_client.get("/en/accounts/delete/").content.decode()
    assert "2 of your comments" in warning
    assert "the record of your consents" in warning
    assert 'type="password" name="password"' in warning

    refused = commenter_client.post("/accounts/delete/", {"password": "not it"})
    assert refused.status_code == 200
    assert "비밀번호가 맞지 않아 계정을 삭제하지 않았습니다." in refused.content.decode()
    assert User.objects.filter(pk=commenter.pk).exists()

    response = commenter_client.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=commenter.pk).exists()
    assert not Comment.objects.exists()
    assert not ReaderProfile.objects.exists()
    story.refresh_from_db()
    assert story.comment_count == 0


def test_an_account_without_a_password_is_deleted_only_after_signing_in_again(client, section):
    social_reader = make_commenter("kakao_reader")
    social_reader.set_unusable_password()
    social_reader.save()

    SocialAccount.objects.create(user=social_reader, provider="kakao", uid="4211")
    SocialApp.objects.create(provider="kakao", name="Kakao", client_id="kakao-rest-key", secret="kakao-secret")
    client.force_login(social_reader)

    page = client.get("/en/accounts/delete/").content.decode()
    assert 'name="password"' not in page
    assert 'action="/en/accounts/kakao/login/?process=login&amp;next=%2Fen%2Faccounts%2Fdelete%2F"' in page
    refused = client.post("/accounts/delete/")
    assert "카카오, 네이버 또는 구글 계정으로 다시 로그인해야" in refused.content.decode()
    assert User.objects.filter(pk=social_reader.pk).exists()

    session = client.session  # what allauth records when the reader signs in with Kakao again
    session["account_authentication_methods"] = [{"method": "socialaccount", "at": time.time(), "provider": "kakao"}]
    session["account_authentication_methods_user"] = str(social_reader.pk)
    session.save()
    assert client.post("/accounts/delete/").status_code == 302
    assert not User.objects.filter(pk=social_reader.pk).exists()


def test_newsroom_accounts_are_not_deleted_from_the_reader_page(reporter_client, reporter):
    assert reporter_client.post("/accounts/delete/").status_code == 403
    assert User.objects.filter(pk=reporter.user.pk).exists()


def test_sign_in_uses_the_sites_design_in_both_languages(client):
    korean = client.get("/accounts/login/").content.decode()
    english = client.get("/en/accounts/login/").content.decode()

    assert '<html lang="ko">' in korean
    assert 'class="site-header"' in korean
    assert '<html lang="en">' in english
    assert "Sign In" in english


def test_sign_in_by_username_or_email_returns_to_the_story(client, section):
    make_commenter("jisoo", "지수")
    story = make_article(section, status=Article.Status.PUBLISHED)
    target = f"/news/{story.pk}/{story.slug}/#comment-form"

    response = client.post(
        "/accounts/login/", {"login": "jisoo@example.com", "password": "correct horse battery staple", "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == target


def test_an_unconfigured_provider_shows_no_button(client):
    content = client.get("/accounts/login/").content.decode()

    for provider in ("kakao", "naver", "google"):
        assert f"/accounts/{provider}/login/" not in content


def test_a_configured_provider_shows_its_button_and_redirects_to_its_authorization_page(client):
    SocialApp.objects.create(provider="kakao", name="Kakao", client_id="kakao-rest-key", secret="kakao-secret")

    content = client.get("/accounts/login/").content.decode()
    assert "/accounts/kakao/login/" in content
    assert "/accounts/naver/login/" not in content

    response = client.post("/accounts/kakao/login/")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("https://kauth.kakao.com/oauth/authorize?")
    assert "client_id=kakao-rest-key" in location
    assert "redirect_uri=http%3A%2F%2Ftestserver%2Faccounts%2Fkakao%2Flogin%2Fcallback%2F" in location
    assert "response_type=code" in location
    assert "state=" in location


def test_look_alike_spellings_meet_the_same_nickname_rules(commenter_client):
    import unicodedata

    make_commenter("kim", "kim lee")
    decomposed = unicodedata.normalize("NFD", "관리자")

    assert "reserved" in commenter_client.post("/en/accounts/profile/", {"nickname": decomposed}).content.decode()
    response = commenter_client.post("/en/accounts/profile/", {"nickname": "kim  lee"})
    assert response.status_code == 200
    assert "already taken" in response.content.decode()


def sign_up_in_english(client, nickname):
    return client.post("/en/accounts/signup/", {
        "email": "new@example.com", "nickname": nickname,
        "password1": "a long enough passphrase 42", "password2": "a long enough passphrase 42",
        "agree_terms": "on", "agree_privacy": "on",
    })  # fmt: skip


@pytest.mark.parametrize("nickname", ["ｅｄｉｔｏｒ", "ＥＤＩＴＯＲ", "𝐞𝐝𝐢𝐭𝐨𝐫", "ｋｔ　ｎｅｗｓ"])  # noqa: RUF001
def test_a_full_width_or_other_look_alike_of_a_reserved_nickname_is_reserved(client, nickname):
    assert "reserved" in sign_up_in_english(client, nickname).content.decode()
    assert not User.objects.exists()


def test_a_look_alike_of_a_taken_nickname_is_taken_on_sign_up_and_on_the_account_page(client):
    make_commenter("first", "CampusCat")
    changer = make_commenter("second", "다른이름")

    assert "already taken" in sign_up_in_english(client, "ｃａｍｐｕｓｃａｔ").content.decode()  # noqa: RUF001
    other = Client()
    other.force_login(changer)
    page = other.post("/en/accounts/profile/", {"nickname": "ＣａｍｐｕｓＣａｔ"}).content.decode()  # noqa: RUF001
    assert "already taken" in page
    assert ReaderProfile.objects.get(user=changer).nickname == "다른이름"


def test_hangul_letters_typed_alone_stay_as_typed(client):
    assert sign_up_in_english(client, "ㅋㅋ웃음").status_code == 302

    assert ReaderProfile.objects.get().nickname == "ㅋㅋ웃음"


def test_a_reader_downloads_everything_the_site_keeps_about_them_as_json(client, section, commenter):
    from articles.models import CommentRecommendation, CommentReport, Consent, PolicyKind, PolicyVersion

    story = make_article(section, status=Article.Status.PUBLISHED, title_ko="축제 기사", title_en="Festival story")
    other = make_commenter("other")
    mine = Comment.objects.create(article=story, author=commenter, body="첫 댓글 <b>그대로</b>")
    reply = Comment.objects.create(article=story, author=commenter, parent=mine, body="답글")
    theirs = Comment.objects.create(article=story, author=other, body="다른 사람 댓글")
    CommentRecommendation.objects.create(comment=theirs, reader=commenter)
    CommentReport.objects.create(comment=theirs, reporter=commenter, reason="spam", details="광고")
    Consent.objects.create(
        user=commenter, subject="terms", policy_version=PolicyVersion.objects.current(PolicyKind.TERMS)
    )
    client.force_login(commenter)

    response = client.get("/accounts/my-data/")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="ktnews-my-data-')
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    data = response.json()
    assert data["account"]["nickname"] == "민지"
    assert data["account"]["email_addresses"] == [{"email": commenter.email, "verified": True, "primary": True}]
    assert [(c["id"], c["text"], c["reply_to"]) for c in data["comments"]] == [
        (mine.pk, "첫 댓글 <b>그대로</b>", None),
        (reply.pk, "답글", mine.pk),
    ]
    assert data["comments"][0]["story"]["headline"] == "축제 기사"
    assert data["recommendations"][0]["comment"] == theirs.pk
    assert data["reports"][0]["details"] == "광고"
    assert data["consents"][0]["policy"] == "terms"
    assert data["consents"][0]["policy_version"] == 1
    assert "other" not in response.content.decode()  # nothing of other readers'

    client.logout()
    assert client.get("/accounts/my-data/").status_code == 302  # to sign-in
