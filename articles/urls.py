from django.urls import path

from articles import feeds
from articles.views import comments, corrections, policies, previews, replies, search, stories

app_name = "articles"

urlpatterns = [
    path("", stories.home, name="home"),
    path("feed/", feeds.LatestStoriesFeed(), name="feed"),
    path("sections/<slug:slug>/", stories.section_detail, name="section"),
    path("sections/<slug:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
    # The old site's story links: /news/articleView.html?idxno=1234
    path("news/articleView.html", stories.legacy_redirect, name="legacy"),
    path("news/<int:pk>/", stories.article_detail, name="detail_short"),
    path("news/<int:pk>/<str:slug>/", stories.article_detail, name="detail"),
    path("comments/story/<int:pk>/", comments.comment_list, name="comments"),
    path("comments/story/<int:pk>/new/", comments.comment_create, name="comment_create"),
    path("comments/<int:pk>/replies/", comments.comment_replies, name="comment_replies"),
    path("comments/<int:pk>/recommend/", comments.comment_recommend, name="comment_recommend"),
    path("comments/<int:pk>/edit/", comments.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", comments.comment_delete, name="comment_delete"),
    path("comments/<int:pk>/report/", comments.comment_report, name="comment_report"),
    path("reporters/<int:pk>/", stories.reporter_detail, name="reporter"),
    path("tags/<str:slug>/", stories.tag_detail, name="tag"),
    path("search/", search.search, name="search"),
    path("reads/<int:pk>/", stories.story_read, name="read"),
    path("preview/<int:pk>/", stories.article_preview, name="preview"),
    path("policies/<slug:kind>/", policies.policy, name="policy"),
    path("policies/<slug:kind>/<int:version>/", policies.policy_version, name="policy_version"),
    path("preview/<slug:token>/", previews.preview_link, name="preview_link"),
    path("replies/story/<int:pk>/", replies.reply_request, name="reply_request"),
    path("corrections/", corrections.correction_list, name="corrections"),
    path("corrections/feed/", feeds.CorrectionsFeed(), name="corrections_feed"),
]
