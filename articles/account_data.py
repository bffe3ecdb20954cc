"""Everything the site keeps about one reader, as they may download it (개인정보 열람): their account,
addresses and sign-in providers, nickname, comments, recommendations, reports and consents."""

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from articles.models import Comment, CommentRecommendation, CommentReport, Consent, ReaderProfile


def _time(value):
    return value.isoformat() if value else None


def reader_data(user) -> dict:
    profile = ReaderProfile.objects.filter(user=user).first()
    return {
        "account": {
            "joined_at": _time(user.date_joined),
            "last_sign_in_at": _time(user.last_login),
            "nickname": profile.nickname if profile else None,
            "reply_notices": {
                "e_mail_for_each_reply": profile.reply_mail,
                "e_mail_language": profile.mail_language or None,
                "replies_seen_at": _time(profile.replies_seen_at),
            }
            if profile
            else None,
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user).order_by("pk")
            ],
            "sign_in_providers": [
                {"provider": social.provider, "connected_at": _time(social.date_joined)}
                for social in SocialAccount.objects.filter(user=user).order_by("pk")
            ],
        },
        "comments": [
            {
                "id": comment.pk,
                # The headline only of a story readers can see: an unpublished one's may be a draft's by now.
                "story": {
                    "id": comment.article_id,
                    "headline": str(comment.article) if comment.article.is_public else None,
                },
                "reply_to": comment.parent_id,
                "text": comment.body,
                "status": comment.status,
                "posted_at": _time(comment.created_at),
                "edited_at": _time(comment.edited_at),
            }
            for comment in Comment.objects.filter(author=user).select_related("article").order_by("created_at", "pk")
        ],
        "recommendations": [
            {"comment": comment_id, "at": _time(at)}
            for comment_id, at in CommentRecommendation.objects.filter(reader=user)
            .order_by("created_at")
            .values_list("comment_id", "created_at")
        ],
        "reports": [
            {"comment": comment_id, "reason": reason, "details": details, "at": _time(at)}
            for comment_id, reason, details, at in CommentReport.objects.filter(reporter=user)
            .order_by("created_at")
            .values_list("comment_id", "reason", "details", "created_at")
        ],
        "consents": [
            {
                "to": consent.subject,
                "policy": consent.policy_version.kind if consent.policy_version else None,
                "policy_version": consent.policy_version.version if consent.policy_version else None,
                "given_at": _time(consent.given_at),
                "withdrawn_at": _time(consent.withdrawn_at),
            }
            for consent in Consent.objects.filter(user=user).select_related("policy_version").order_by("given_at", "pk")
        ],
    }
