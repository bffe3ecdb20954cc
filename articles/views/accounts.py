"""A reader's own account: the nickname on their comments, and leaving for good."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from articles.forms import NicknameForm
from articles.models import Comment, ReaderProfile
from articles.pagination import keyset_page
from articles.views import safe_next_url


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
    """GET says what goes with the account; POST deletes it, comments and all."""
    user = request.user
    if user.is_staff:
        return render(request, "account/delete_account.html", {"staff": True}, status=403)
    if request.method == "POST":
        user.delete()  # its comments go too, and the stories' counts follow (see Comment's post_delete)
        logout(request)
        messages.success(request, _("Your account and your comments were deleted."))
        return redirect("articles:home")
    return render(request, "account/delete_account.html", {"comment_count": user.comments.count()})


@login_required
def my_comments(request):
    """내 댓글: every comment of the reader's, newest first, with its story and a way to delete it."""
    mine = Comment.objects.filter(author=request.user).select_related("article")
    page = keyset_page(
        mine, ordering=("-created_at", "-pk"), after=request.GET.get("older"), before=request.GET.get("newer")
    )
    return render(request, "account/my_comments.html", {"page": page})
