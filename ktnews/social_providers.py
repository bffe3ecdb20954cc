"""Signing in with Kakao, Naver or Google before an editor has added that provider's keys in the admin.

allauth serves /accounts/kakao/login/ (and the others) whether or not the provider has keys; without them
its views raised SocialApp.DoesNotExist, a 500 for whoever followed an old link or guessed the address.
Such a provider is simply not there: 404.
"""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.http import Http404


class ProviderWithoutKeys(Http404, SocialApp.DoesNotExist):
    """A 404 for the views; still SocialApp.DoesNotExist for allauth's code that expects that."""


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        try:
            return super().get_app(request, provider, client_id)
        except SocialApp.DoesNotExist:
            raise ProviderWithoutKeys(f"No keys for {provider}") from None
