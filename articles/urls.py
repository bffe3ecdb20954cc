from django.urls import path

from articles import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("feed/", feeds.LatestStoriesFeed(), name="feed"),
    path("sections/<slug:slug>/", views.section_detail, name="section"),
    path("sections/<slug:slug>/feed/", feeds.SectionFeed(), name="section_feed"),
    # The old site's story links: /news/articleView.html?idxno=1234
    path("news/articleView.html", views.legacy_redirect, name="legacy"),
    path("news/<int:pk>/", views.article_detail, name="detail_short"),
    path("news/<int:pk>/<str:slug>/", views.article_detail, name="detail"),
    path("reporters/<int:pk>/", views.reporter_detail, name="reporter"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
    path("search/", views.search, name="search"),
    path("reads/<int:pk>/", views.story_read, name="read"),
    path("preview/<int:pk>/", views.article_preview, name="preview"),
]
