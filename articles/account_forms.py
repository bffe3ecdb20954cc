"""allauth's forms where the site adds a rule. (Apart from articles.forms: allauth's forms module imports the
sign-up form from there, so these, which import allauth's, cannot live in it.)"""

from allauth.account import forms as allauth_forms

from ktnews.spelling import canonical_email


class LoginForm(allauth_forms.LoginForm):
    def clean_login(self) -> str:
        """An address in its one spelling: a look-alike of the account's own signs in to it, and allauth asks
        that account's stored address, not the look-alike, whether it is verified."""
        login = super().clean_login()
        return canonical_email(login) if "@" in login else login
