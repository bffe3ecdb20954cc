"""The right of reply's public side: the form a reader or a person named in a story sends a request with.

The form is a page of its own, so the story page (which only links to it) stays a page the cache can keep. No
account is needed; each address, and each e-mail address, may send a few requests (ktnews.rate_limits).
"""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from articles.models import Article, ReplyRequest
from articles.reply_forms import ReplyRequestForm
from ktnews.rate_limits import Limit, client_network


@never_cache
@require_http_methods(["GET", "POST"])
def reply_request(request, pk):
    article = get_object_or_404(Article.objects.published(), pk=pk)
    request_in_language = ReplyRequest(article=article, language=get_language())
    form = ReplyRequestForm(request.POST if request.method == "POST" else None, instance=request_in_language)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            if limit_message := reply_limit_reached(request, form.cleaned_data["email"]):
                form.add_error(None, limit_message)
                status = 429
            else:
                receive(request, form)
                messages.success(request, _("Your request was sent to the editors. We have written to you."))
                return redirect(article)
    return render(request, "articles/reply_request.html", {"article": article, "form": form}, status=status)


def receive(request, form) -> ReplyRequest:
    """Save the request and queue the requester's receipt, together: a failed save sends nothing."""
    with transaction.atomic():
        reply = form.save()
        story_url = request.build_absolute_uri(reply.story_url_in_own_language())
        reply.tell_requester(ReplyRequest.State.RECEIVED, story_url=story_url)
    return reply


def reply_limit_reached(request, email: str) -> str | None:
    """A message when this e-mail address, or everyone at the sender's network together, has sent too many."""
    for limit, key, message in [
        (Limit("reply-requests-email-day", 3, 24 * 60 * 60), email.lower(),
         _("This e-mail address has sent %(count)d requests today. You can send another tomorrow.")),
        (Limit("reply-requests-address-hour", 10, 60 * 60), client_network(request),
         _("Many requests have come from your network in the last hour (at most %(count)d). "
           "Please try again later.")),
        # Every request mails its receipt to an address nobody confirmed: the whole site's receipts are capped, so
        # that the form cannot send the paper's mail to strangers by the thousand from many networks.
        (Limit("reply-requests-site-hour", settings.REPLY_REQUESTS_PER_HOUR, 60 * 60), "site",
         _("The newsroom has received many requests in the last hour. Please try again later, or write to the "
           "address on the contact page.")),
    ]:  # fmt: skip
        if limit.exceeded_by_hit(key):
            return message % {"count": limit.count}
    return None
