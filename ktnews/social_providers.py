"""Signing in with Kakao, Naver or Google: before an editor has added that provider's keys in the admin, and into an
account that already has the provider's address.

allauth serves /accounts/kakao/login/ (and the others) whether or not the provider has keys; without them
its views raised SocialApp.DoesNotExist, a 500 for whoever followed an old link or guessed the address.
Such a provider is simply not there: 404.

A provider's sign-in with an address that has an account here signs in to that account (SOCIALACCOUNT_EMAIL_
AUTHENTICATION) only when the provider checks each address it vouches for (Kakao and Google say so per address;
allauth takes every Naver address as verified), and never into a newsroom account: an editor's address in someone's
Naver profile must not open the admin.
"""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.contrib.auth import get_user_model
from django.http import Http404


class ProviderWithoutKeys(Http404, SocialApp.DoesNotExist):
    """A 404 for the views; still SocialApp.DoesNotExist for allauth's code that expects that."""


#: Providers whose "verified" is about the address itself, checked by them.
VOUCHING_PROVIDERS = {"kakao", "google"}


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def can_authenticate_by_email(self, login, email) -> bool:
        if login.provider.id not in VOUCHING_PROVIDERS or not super().can_authenticate_by_email(login, email):
            return False
        return not get_user_model().objects.filter(email__iexact=email, is_staff=True).exists()

    def get_app(self, request, provider, client_id=None):
        try:
            return super().get_app(request, provider, client_id)
        except SocialApp.DoesNotExist:
            raise ProviderWithoutKeys(f"No keys for {provider}") from None
