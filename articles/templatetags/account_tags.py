"""The sign-in and sign-up pages' social buttons: Kakao, Naver and Google, in that order, worded as each
provider's design guide asks."""

from allauth.socialaccount.adapter import get_adapter
from django import template
from django.utils.translation import gettext as _

register = template.Library()

#: Korean readers know these three in this order; another provider an editor adds comes after them.
PROVIDER_ORDER = ["kakao", "naver", "google"]


@register.simple_tag(takes_context=True)
def ordered_providers(context) -> list:
    """The providers an editor has added keys for, Kakao first."""
    request = context["request"]
    providers = get_adapter().list_providers(request)
    rank = {provider_id: place for place, provider_id in enumerate(PROVIDER_ORDER)}
    return sorted(providers, key=lambda provider: (rank.get(provider.id, len(rank)), provider.id))


@register.simple_tag
def provider_button_label(provider_id: str, process: str = "login", purpose: str = "") -> str:
    """The button's words from each guide: "카카오 로그인", "네이버 로그인", "Google 계정으로 로그인"; on the
    sign-up page "…(으)로 시작하기"; on the connections page "… 연결"."""
    labels = {
        "login": {
            "kakao": _("Log in with Kakao"),
            "naver": _("Log in with NAVER"),
            "google": _("Sign in with Google"),
        },
        "signup": {
            "kakao": _("Start with Kakao"),
            "naver": _("Start with NAVER"),
            "google": _("Sign up with Google"),
        },
        "connect": {
            "kakao": _("Connect Kakao"),
            "naver": _("Connect NAVER"),
            "google": _("Connect Google"),
        },
    }
    kind = "connect" if process == "connect" else ("signup" if purpose == "signup" else "login")
    return labels[kind].get(provider_id, provider_id.title())
