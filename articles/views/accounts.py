"""A reader's own account: signing up and resetting the password (allauth's, when mail fails), the nickname on
their comments, and leaving for good."""

import json
import time

from allauth.account import app_settings as account_settings
from allauth.account import views as allauth_views
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.stagekit import clear_login
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from articles.account_data import reader_data
from articles.account_forms import DeleteAccountForm, LoginForm
from articles.forms import NicknameForm
from articles.models import Comment, ReaderProfile
from articles.pagination import keyset_page
from articles.views import safe_next_url
from ktnews.account_adapter import MailNotSent, reach_mail_server
from ktnews.spelling import canonical_email

MAIL_NOT_SENT = gettext_lazy(
    "We could not send you an email just now, so nothing was done. "
    "Please try again in a few minutes; if it keeps failing, write to the newsroom."
)


def mail_not_sent(view, form):
    """The form again, saying that nothing was sent and what to do: a 503, which tells the reader's browser
    (and monitoring) that trying again later is the answer."""
    form.add_error(None, MAIL_NOT_SENT)
    return view.render_to_response(view.get_context_data(form=form), status=503)


class SignupView(allauth_views.SignupView):
    """allauth's sign-up, all or nothing: an account whose verification mail did not go is not made (the
    reader signs up again with the same address later; no half-made account blocks it or waits unverified)."""

    def form_valid(self, form):
        if form.account_already_exists:
            # A new account's password is hashed slowly on purpose; the same cost here, so that
            # "that address has an account" does not answer in a fifth of the time.
            make_password(get_random_string(32))
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except MailNotSent:
            clear_login(self.request)  # the sign-in waiting for verification was of the account rolled back
            return mail_not_sent(self, form)


class EmailView(allauth_views.EmailView):
    """allauth's page of a reader's addresses: an address added while mail cannot go is not kept (the form
    comes back with it typed in), and asking for its verification mail again says so instead of failing."""

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except MailNotSent:
            return mail_not_sent(self, form)

    def _action_send(self, request, *args, **kwargs):
        try:
            return super()._action_send(request, *args, **kwargs)
        except MailNotSent:
            messages.error(request, MAIL_NOT_SENT)
            return None


class LoginView(allauth_views.LoginView):
    """allauth's sign-in: an address in its one spelling, and for an account not verified yet its
    verification mail again, or the message that it cannot go now."""

    form_class = LoginForm

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except MailNotSent:
            clear_login(self.request)
            return mail_not_sent(self, form)


class PasswordResetView(allauth_views.PasswordResetView):
    """allauth's password reset, with the address in its one spelling (one count per mailbox for allauth's
    limit) and a message when mail cannot go. An unknown address gets no mail, but the mail server is
    reached all the same: when it is down, every address gets the same answer."""

    def form_valid(self, form):
        form.cleaned_data["email"] = canonical_email(form.cleaned_data["email"])
        try:
            if not form.users:
                reach_mail_server()
            return super().form_valid(form)
        except MailNotSent:
            return mail_not_sent(self, form)


@login_required
@require_http_methods(["GET", "POST"])
def reader_account(request):
    profile = ReaderProfile.objects.filter(user=request.user).first() or ReaderProfile(user=request.user)
    form = NicknameForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your nickname was saved."))
        return redirect(safe_next_url(request, reverse("reader_account")))
    context = {"form": form, "comment_count": request.user.comments.count()}
    return render(request, "account/reader_account.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    """GET says what goes with the account; POST, with the reader's password (or, for an account without one, a
    sign-in with its provider in the last few minutes), deletes it, comments and all."""
    user = request.user
    if user.is_staff:
        return render(request, "account/delete_account.html", {"staff": True}, status=403)
    data = request.POST if request.method == "POST" else None  # bound even when empty: a password-less POST
    form = DeleteAccountForm(user, data, signed_in_again=signed_in_with_provider_recently(request))
    if request.method == "POST" and form.is_valid():
        user.delete()  # its comments go too, and the stories' counts follow (see Comment's post_delete)
        logout(request)
        messages.success(request, _("Your account and your comments were deleted."))
        return redirect("articles:home")
    context = {
        "form": form,
        "comment_count": user.comments.count(),
        "providers": [] if user.has_usable_password() else providers_to_sign_in_again(request),
    }
    return render(request, "account/delete_account.html", context)


PROVIDER_NAMES = {"kakao": gettext_lazy("Kakao"), "naver": gettext_lazy("Naver"), "google": gettext_lazy("Google")}


def providers_to_sign_in_again(request) -> list[tuple[str, str]]:
    """The reader's own providers that the site has keys for (those without keys cannot sign anyone in), as
    (id, name) pairs."""
    configured = {provider.id for provider in get_social_adapter(request).list_providers(request)}
    own = sorted({social.provider for social in request.user.socialaccount_set.all()} & configured)
    return [(provider, PROVIDER_NAMES.get(provider, provider)) for provider in own]


def signed_in_with_provider_recently(request) -> bool:
    """Whether this session signed in with Kakao, Naver or Google within allauth's reauthentication timeout: for
    an account without a password, that stands for typing it."""
    records = get_authentication_records(request, request.user)
    recent = time.time() - account_settings.REAUTHENTICATION_TIMEOUT
    return any(record.get("method") == "socialaccount" and record.get("at", 0) > recent for record in records)


@never_cache
@login_required
def download_my_data(request):
    """The reader's own data as a JSON file (their profile, comments, consents: articles.account_data)."""
    data = json.dumps(reader_data(request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    filename = f"ktnews-my-data-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def my_comments(request):
    """내 댓글: every comment of the reader's, newest first, with its story and a way to delete it."""
    mine = Comment.objects.filter(author=request.user).select_related("article")
    page = keyset_page(
        mine, ordering=("-created_at", "-pk"), after=request.GET.get("older"), before=request.GET.get("newer")
    )
    return render(request, "account/my_comments.html", {"page": page})
