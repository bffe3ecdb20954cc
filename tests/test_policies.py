"""The paper's policies in versions readers can trace, and the consents sign-up asks for, each on its own."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Consent, PolicyKind, PolicyVersion

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "email": "new@example.com", "nickname": "새독자",
    "password1": "a long enough passphrase 42", "password2": "a long enough passphrase 42",
}  # fmt: skip


def new_version(kind, days_from_today, **fields):
    texts = {
        "title_ko": "개정 이용약관", "title_en": "Revised terms",
        "body_ko": "<p>새 약관</p>", "body_en": "<p>New terms</p>",
        "changes_ko": "댓글 규칙을 고쳤습니다.", "changes_en": "The comment rules changed.",
    }  # fmt: skip
    return PolicyVersion.objects.create(
        kind=kind, effective_from=timezone.localdate() + timedelta(days=days_from_today), **{**texts, **fields}
    )


def test_every_page_links_the_four_policies_and_each_is_there_in_both_languages(client):
    home = client.get("/").content.decode()
    for kind, korean_title, english_title in [
        ("terms", "이용약관", "Terms of use"),
        ("privacy", "개인정보처리방침", "Privacy policy"),
        ("ethics", "윤리강령", "Code of ethics"),
        ("contact", "문의", "Contact"),
    ]:
        assert f'href="/policies/{kind}/"' in home
        assert f'<h1 class="page-title">{korean_title}</h1>' in client.get(f"/policies/{kind}/").content.decode()
        english = client.get(f"/en/policies/{kind}/").content.decode()
        assert f'<h1 class="page-title">{english_title}</h1>' in english
    assert client.get("/policies/cookies/").status_code == 404


def test_a_new_version_takes_over_on_its_day_and_the_old_one_stays_readable(client):
    upcoming = new_version(PolicyKind.TERMS, 7)
    page = client.get("/en/policies/terms/").content.decode()
    assert '<h1 class="page-title">Terms of use</h1>' in page  # version 1 is still in force
    assert "A new version takes effect on" in page
    assert "The comment rules changed." in page
    assert client.get(f"/policies/terms/{upcoming.version}/").status_code == 404  # not published before its day

    PolicyVersion.objects.filter(pk=upcoming.pk).update(effective_from=timezone.localdate())
    page = client.get("/en/policies/terms/").content.decode()
    assert "Revised terms" in page
    assert 'href="/en/policies/terms/1/"' in page  # the history
    old = client.get("/en/policies/terms/1/").content.decode()
    assert "no longer in force" in old
    assert '<meta name="robots" content="noindex">' in old


def test_a_version_in_force_cannot_be_rewritten_or_deleted_in_the_admin(editor_client):
    in_force = PolicyVersion.objects.current(PolicyKind.PRIVACY)
    address = f"/admin/articles/policyversion/{in_force.pk}/change/"
    form = editor_client.get(address).content.decode()
    assert 'name="body_ko"' not in form  # shown, not editable
    editor_client.post(
        address, {"title_ko": "바꿈", "title_en": "Changed", "body_ko": "<p>x</p>", "body_en": "<p>x</p>"}
    )
    in_force.refresh_from_db()
    assert in_force.title_en == "Privacy policy"
    assert (
        editor_client.post(f"/admin/articles/policyversion/{in_force.pk}/delete/", {"post": "yes"}).status_code == 403
    )

    response = editor_client.post("/admin/articles/policyversion/add/", {
        "kind": "privacy", "title_ko": "개인정보처리방침", "title_en": "Privacy policy",
        "body_ko": "<p>둘째 판</p>", "body_en": "<p>Second edition</p>",
        "effective_from": (timezone.localdate() + timedelta(days=7)).isoformat(),
    })  # fmt: skip
    assert response.status_code == 302
    assert PolicyVersion.objects.filter(kind="privacy").latest("version").version == 2


def test_sign_up_asks_each_consent_separately_and_keeps_what_was_typed(client):
    page = client.get("/accounts/signup/").content.decode()
    assert "<legend>약관 동의</legend>" in page
    assert "회원 탈퇴 시까지" in page  # retention stated beside the items and purposes

    response = client.post("/accounts/signup/", {**SIGN_UP, "agree_privacy": "on"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "가입하려면 이용약관에 동의해 주세요." in page
    assert 'value="new@example.com"' in page
    assert 'value="새독자"' in page
    assert page.index("가입하려면 이용약관에 동의해 주세요.") > page.index('id="id_agree_terms"')  # under its own box
    assert not get_user_model().objects.filter(email="new@example.com").exists()


def test_the_consents_given_are_kept_with_the_versions_in_force_and_the_time(client):
    new_version(PolicyKind.TERMS, 30)  # announced, not yet in force: not what the reader agrees to now
    before = timezone.now()
    client.post("/accounts/signup/", {**SIGN_UP, "agree_terms": "on", "agree_privacy": "on"})
    user = get_user_model().objects.get(email="new@example.com")
    consents = {consent.subject: consent for consent in user.consents.select_related("policy_version")}
    assert set(consents) == {Consent.Subject.TERMS, Consent.Subject.PRIVACY}  # e-mails only when asked for
    assert consents["terms"].policy_version == PolicyVersion.objects.current(PolicyKind.TERMS)
    assert consents["terms"].policy_version.version == 1
    assert consents["privacy"].policy_version.kind == PolicyKind.PRIVACY
    assert consents["terms"].given_at >= before

    client.post("/accounts/logout/")
    client.post("/accounts/signup/", {
        **SIGN_UP, "email": "second@example.com", "nickname": "둘째독자",
        "agree_terms": "on", "agree_privacy": "on", "agree_emails": "on",
    })  # fmt: skip
    second = get_user_model().objects.get(email="second@example.com")
    assert second.consents.filter(subject=Consent.Subject.EMAILS, policy_version=None).exists()


def test_the_policy_list_offers_no_bulk_delete_of_versions_in_force(editor_client):
    in_force = PolicyVersion.objects.current(PolicyKind.ETHICS)
    answer = editor_client.post(
        "/admin/articles/policyversion/",
        {"action": "delete_selected", "_selected_action": [in_force.pk], "post": "yes"},
    )
    assert answer.status_code in (200, 302)
    assert PolicyVersion.objects.filter(pk=in_force.pk).exists()
    assert 'value="delete_selected"' not in editor_client.get("/admin/articles/policyversion/").content.decode()
