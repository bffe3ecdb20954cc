from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("news/<int:pk>/", views.article_detail, name="detail_short"),
    path("news/<int:pk>/<str:slug>/", views.article_detail, name="detail"),
    path("preview/<int:pk>/", views.article_preview, name="preview"),
]
