# ruff: noqa: RUF001, RUF002 -- look-alike letters (full-width, long s, dotless i) are what these tests are about
"""Sign-in and accounts against an attacker behind the sample nginx: limits per reader, not per proxy; one
count per account; no telling who has an account by the time an answer takes; look-alike addresses; no
downgrade to plain HTTP after sign-in; and a clear answer when the mail server is down."""

import socket
import statistics
import time

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from articles.models import ReaderProfile
from tests.conftest import NGINX_ADDRESS, PASSWORD, make_commenter

pytestmark = pytest.mark.django_db

PAUSED = "Too many failed sign-ins for this account or from this network."
NEW_PASSWORD = "a long enough passphrase 42"
CONSENTS = {"agree_terms": "on", "agree_privacy": "on"}


def through_proxy(reader_address: str) -> dict:
    """What nginx passes on: its own address as the connection's, the reader's appended to the header."""
    return {"REMOTE_ADDR": NGINX_ADDRESS, "HTTP_X_FORWARDED_FOR": f"203.0.113.250, {reader_address}"}


def sign_in(client, login, password, **extra):
    return client.post("/en/accounts/login/", {"login": login, "password": password}, **extra)


def sign_up(client, email, nickname, **extra):
    form = {"email": email, "nickname": nickname, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **CONSENTS}
    return client.post("/en/accounts/signup/", form, **extra)


def reset_password(client, email, **extra):
    return client.post("/en/accounts/password/reset/", {"email": email}, **extra)


# allauth's limits, and the guard's, count readers, not the proxy in front of them


def test_failed_sign_ins_from_many_readers_do_not_keep_the_others_out(behind_nginx):
    """allauth allows 30 sign-ins a minute per address; behind nginx it saw one address for everyone."""
    for number in range(30):
        sign_in(Client(), f"nobody{number}@example.com", "guess", **through_proxy(f"198.51.100.{number + 1}"))
    readers = [make_commenter(f"reader{number}") for number in range(35)]

    answers = [
        sign_in(Client(), reader.email, PASSWORD, **through_proxy(f"192.0.2.{number + 1}")).status_code
        for number, reader in enumerate(readers)
    ]

    assert answers == [302] * 35


def test_failures_from_one_address_pause_only_that_address(behind_nginx, settings):
    settings.SIGNIN_FAILURES_PER_ADDRESS = 30
    attacker = through_proxy("198.51.100.66")
    for number in range(30):
        sign_in(Client(), f"nobody{number}@example.com", "guess", **attacker)
    reader = make_commenter("jisoo")

    refused = sign_in(Client(), reader.email, PASSWORD, **attacker)
    assert refused.status_code == 429 or PAUSED in refused.content.decode()
    assert sign_in(Client(), reader.email, PASSWORD, **through_proxy("192.0.2.10")).status_code == 302


def test_sign_ups_and_password_resets_from_many_readers_all_go_through(behind_nginx):
    """allauth allows 20 sign-ups and 20 password resets a minute per address."""
    make_commenter("known")
    signed_up = [
        sign_up(Client(), f"new{number}@example.com", f"새독자{number}", **through_proxy(f"192.0.2.{number + 1}"))
        for number in range(25)
    ]
    resets = [
        reset_password(Client(), "known@example.com" if number % 5 == 0 else f"new{number}@example.com",
                       **through_proxy(f"198.51.100.{number + 1}"))
        for number in range(25)
    ]  # fmt: skip

    assert [response.status_code for response in signed_up] == [302] * 25
    assert [response.status_code for response in resets] == [302] * 25
    assert User.objects.filter(email__startswith="new").count() == 25


# One account, one count


def test_an_accounts_username_address_and_their_look_alikes_share_one_count(client, settings):
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 5
    reader = make_commenter("jisoo")
    for username in ("jisoo", "JISOO"):  # usernames sign in to the admin; the site takes addresses only
        assert (
            PAUSED not in client.post("/en/admin/login/", {"username": username, "password": "guess"}).content.decode()
        )
    for spelling in ("jisoo@example.com", "Jisoo@Example.COM", "jisoo@ｅｘａｍｐｌｅ.com"):
        assert PAUSED not in sign_in(client, spelling, "guess").content.decode()

    assert PAUSED in sign_in(client, reader.email, PASSWORD).content.decode()
    assert PAUSED in client.post("/en/admin/login/", {"username": "ｊｉｓｏｏ", "password": PASSWORD}).content.decode()


def test_a_name_nobody_has_is_counted_the_same_way(client, settings):
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 3
    for spelling in ("ghost@example.com", "GHOST@example.com", "ghoſt@ｅｘａｍｐｌｅ.com"):
        sign_in(client, spelling, "guess")

    assert PAUSED in sign_in(client, "ghost@example.com", "guess").content.decode()


@pytest.mark.parametrize(
    "backend", ["django.contrib.auth.backends.ModelBackend", "allauth.account.auth_backends.AuthenticationBackend"]
)
def test_readers_signed_in_before_the_one_backend_stay_signed_in(backend):
    client = Client()
    client.force_login(make_commenter("jisoo"), backend=backend)

    assert client.get("/accounts/profile/").status_code == 200


# No telling who has an account by the time the answer takes


class QuickPBKDF2(PBKDF2PasswordHasher):
    """The production hasher, slow enough that a password check outweighs the rest of a request (about 150 ms
    here; with less, the database's share of a request, which varies with the machine's load, blurs what is
    measured), yet quick enough for a few dozen requests."""

    iterations = 250_000


def median_seconds(requests: dict, rounds: int) -> dict:
    """The median time of each kind of request, the kinds taking turns so that load on the machine falls on
    all alike."""
    times = {kind: [] for kind in requests}
    for round_number in range(rounds):
        for kind, request in requests.items():
            started = time.perf_counter()
            request(round_number)
            times[kind].append(time.perf_counter() - started)
    return {kind: statistics.median(samples) for kind, samples in times.items()}


def test_a_failed_sign_in_takes_as_long_for_nobody_as_for_a_reader(behind_nginx, settings):
    """Known: three password checks, unknown: two, until one backend checked one (ratio 0.7 before)."""
    settings.PASSWORD_HASHERS = ["tests.test_signin_abuse.QuickPBKDF2"]
    settings.SIGNIN_FAILURES_PER_ACCOUNT = 1_000
    make_commenter("known")

    medians = median_seconds(
        {
            "reader": lambda n: sign_in(Client(), "known@example.com", f"guess {n}", **through_proxy(f"192.0.2.{n}")),
            "nobody": lambda n: sign_in(Client(), "nobody@example.com", f"guess {n}", **through_proxy(f"192.0.2.{n}")),
        },
        rounds=12,
    )

    assert 0.8 < medians["nobody"] / medians["reader"] < 1.25


def test_signing_up_with_a_taken_address_takes_as_long_as_with_a_new_one(behind_nginx, settings):
    """A taken address skipped hashing a password and making the account: it answered in a fifth of the time."""
    settings.PASSWORD_HASHERS = ["tests.test_signin_abuse.QuickPBKDF2"]
    for number in range(10):
        User.objects.create(username=f"taken{number}", email=f"taken{number}@example.com")
        EmailAddress.objects.create(email=f"taken{number}@example.com", user_id=User.objects.latest("pk").pk)

    medians = median_seconds(
        {
            "new": lambda n: sign_up(Client(), f"new{n}@example.com", f"새독자{n}", **through_proxy(f"192.0.2.{n}")),
            "taken": lambda n: sign_up(Client(), f"taken{n}@example.com", f"독자{n}", **through_proxy(f"192.0.2.{n}")),
        },
        rounds=10,
    )

    assert 0.5 < medians["taken"] / medians["new"] < 2
    assert User.objects.filter(email__startswith="new").count() == 10


def test_a_password_reset_for_an_unknown_address_sends_nothing(client):
    make_commenter("known")

    unknown = reset_password(client, "nobody@example.com")
    assert mail.outbox == []
    known = reset_password(Client(), "known@example.com")
    assert [message.to for message in mail.outbox] == [["known@example.com"]]
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])


# Look-alike addresses


SAME_ACCOUNT = ["teſt@example.com", "TEſT@EXAMPLE.COM", "TEST@ｅｘａｍｐｌｅ.com", "test@ｅｘａｍｐｌｅ.ｃｏｍ"]
#: Django's address validator refuses these (full-width local parts, full-width and ideographic dots).
REFUSED = ["ｔｅｓｔ@example.com", "test@ＥＸＡＭＰＬＥ．ＣＯＭ", "test@example。com"]


@pytest.mark.parametrize("look_alike", SAME_ACCOUNT)
def test_a_password_reset_for_a_look_alike_goes_only_to_the_stored_address(client, look_alike):
    make_commenter("test")

    assert reset_password(client, look_alike).status_code == 302

    assert [message.to for message in mail.outbox] == [["test@example.com"]]


@pytest.mark.parametrize("look_alike", SAME_ACCOUNT)
def test_signing_up_with_a_look_alike_is_the_same_account(client, look_alike):
    make_commenter("test")

    assert sign_up(client, look_alike, "새독자").status_code == 302

    assert User.objects.count() == 1
    assert [message.to for message in mail.outbox] == [["test@example.com"]]  # "you already have an account"


@pytest.mark.parametrize("look_alike", REFUSED)
def test_other_look_alikes_are_refused_and_sent_nothing(client, look_alike):
    make_commenter("test")

    assert sign_up(client, look_alike, "새독자").status_code == 200
    assert reset_password(client, look_alike).status_code == 200

    assert User.objects.count() == 1
    assert mail.outbox == []


def test_a_look_alike_signs_in_to_the_same_account(client):
    reader = make_commenter("test")

    assert sign_in(client, "TEſT@ｅｘａｍｐｌｅ.com", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(reader.pk)


def test_a_new_address_is_kept_in_its_one_spelling(client):
    assert sign_up(client, "Minji@ｅｘａｍｐｌｅ.ＫＲ", "민지").status_code == 302

    assert User.objects.get().email == "minji@example.kr"
    assert [message.to for message in mail.outbox] == [["minji@example.kr"]]


def test_a_dotless_i_that_upper_cases_to_another_readers_address_is_refused(client):
    """PostgreSQL compares iexact in upper case: UPPER('mıke') is 'MIKE'. Such an address is refused outright,
    and a reset for it sends nothing to anyone."""
    make_commenter("mike")

    page = sign_up(client, "mıke@example.com", "새독자").content.decode()
    assert "plain Latin letters" in page
    assert User.objects.count() == 1
    reset_password(Client(), "mıke@example.com")
    reset_password(Client(), "MİKE@example.com")
    assert mail.outbox == []


# No downgrade to plain HTTP


def test_sign_in_over_https_does_not_follow_next_to_plain_http(client):
    make_commenter("jisoo")

    response = client.post(
        "/accounts/login/?next=http://testserver/news/",
        {"login": "jisoo@example.com", "password": PASSWORD},
        secure=True,
    )

    assert response.status_code == 302
    assert not response["Location"].startswith("http:")
    kept = Client().post(
        "/accounts/login/?next=https://testserver/news/",
        {"login": "jisoo@example.com", "password": PASSWORD},
        secure=True,
    )
    assert kept["Location"] == "https://testserver/news/"


def test_the_sites_own_forms_do_not_follow_next_to_plain_http(commenter_client):
    response = commenter_client.post(
        "/accounts/profile/?next=http://testserver/news/", {"nickname": "새이름"}, secure=True
    )

    assert response["Location"] == "/accounts/profile/"


# The mail server down


@pytest.fixture
def mail_server_down(settings):
    """Django's real SMTP backend, pointed at a port on this machine where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        port,
        False,
        2,
    )
    return settings


def test_sign_up_with_the_mail_server_down_says_so_makes_nothing_and_can_be_done_again(mail_server_down, caplog):
    response = Client(raise_request_exception=False).post("/accounts/signup/", {
        "email": "new@example.com", "nickname": "새독자", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
        **CONSENTS,
    })  # fmt: skip

    assert response.status_code == 503
    assert "지금은 이메일을 보낼 수 없어" in response.content.decode()
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()
    assert not ReaderProfile.objects.exists()
    assert "could not send you an email" in sign_up(Client(), "new@example.com", "새독자").content.decode()

    mail_server_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert sign_up(Client(), "new@example.com", "새독자").status_code == 302
    assert User.objects.get().reader_profile.nickname == "새독자"
    assert [message.to for message in mail.outbox] == [["new@example.com"]]


def test_sign_up_with_a_taken_address_and_the_mail_server_down_answers_alike(mail_server_down):
    make_commenter("known")

    taken = sign_up(Client(), "known@example.com", "새독자")
    new = sign_up(Client(), "new@example.com", "새독자")

    assert taken.status_code == new.status_code == 503
    assert "could not send you an email" in taken.content.decode()
    assert User.objects.count() == 1


def test_a_password_reset_with_the_mail_server_down_says_so_for_every_address(mail_server_down):
    make_commenter("known")

    for address in ("known@example.com", "nobody@example.com"):
        response = reset_password(Client(raise_request_exception=False), address)
        assert response.status_code == 503
        assert "could not send you an email" in response.content.decode()

    mail_server_down.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reset_password(Client(), "known@example.com").status_code == 302
    assert [message.to for message in mail.outbox] == [["known@example.com"]]


def test_an_unverified_reader_signing_in_with_the_mail_server_down_is_told_so(mail_server_down):
    reader = User.objects.create_user("waiting", "waiting@example.com", PASSWORD)
    EmailAddress.objects.create(user=reader, email=reader.email, verified=False, primary=True)

    client = Client(raise_request_exception=False)
    response = client.post("/accounts/login/", {"login": "waiting@example.com", "password": PASSWORD})

    assert response.status_code == 503
    assert "지금은 이메일을 보낼 수 없어" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_adding_an_address_with_the_mail_server_down_keeps_nothing_and_keeps_what_was_typed(mail_server_down):
    reader = make_commenter("known")
    client = Client(raise_request_exception=False)
    client.force_login(reader)

    response = client.post("/accounts/email/", {"action_add": "", "email": "second@example.com"})

    assert response.status_code == 503
    assert "지금은 이메일을 보낼 수 없어" in response.content.decode()
    assert 'value="second@example.com"' in response.content.decode()
    assert not EmailAddress.objects.filter(email="second@example.com").exists()


def test_asking_again_for_a_verification_mail_with_the_mail_server_down_says_so(mail_server_down):
    reader = make_commenter("known")
    EmailAddress.objects.create(user=reader, email="second@example.com", verified=False, primary=False)
    client = Client(raise_request_exception=False)
    client.force_login(reader)

    response = client.post("/accounts/email/", {"action_send": "", "email": "second@example.com"}, follow=True)

    assert response.status_code == 200
    assert "지금은 이메일을 보낼 수 없어" in response.content.decode()
