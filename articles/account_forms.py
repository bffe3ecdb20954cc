"""allauth's forms where the site adds a rule, and the account deletion's. (Apart from articles.forms: allauth's
forms module imports the sign-up form from there, so these, which import allauth's, cannot live in it.)"""

from allauth.account import forms as allauth_forms
from django import forms
from django.utils.translation import gettext_lazy as _

from ktnews.spelling import canonical_email


class LoginForm(allauth_forms.LoginForm):
    """allauth's sign-in by e-mail, in the words Korean sites use: 로그인 상태 유지 for remember-me."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("E-mail")
        self.fields["login"].widget.attrs["placeholder"] = _("name@example.com")
        if "remember" in self.fields:
            self.fields["remember"].label = _("Stay signed in")

    def clean_login(self) -> str:
        """An address in its one spelling: a look-alike of the account's own signs in to it, and allauth asks
        that account's stored address, not the look-alike, whether it is verified."""
        login = super().clean_login()
        return canonical_email(login) if "@" in login else login


class DeleteAccountForm(forms.Form):
    """Deleting an account: with its password, when it has one (an account made with Kakao, Naver or Google has
    none, and signs in again with its provider instead: articles.views.accounts.delete_account)."""

    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, user, *args, signed_in_again: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.signed_in_again = user, signed_in_again
        if not user.has_usable_password():
            del self.fields["password"]

    def clean(self):
        if not self.user.has_usable_password() and not self.signed_in_again:
            raise forms.ValidationError(
                _("Sign in again with your Kakao, Naver or Google account first: then your account can be deleted.")
            )
        return super().clean()

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password: your account was not deleted."))
        return password
