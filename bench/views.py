"""Yardsticks for the benchmark.

``straightforward_story`` is the story page as it would be written the obvious way:
three queries (the story with its section, its bylines, its latest twenty comments
with their authors) and a template with the comments and a comment form, no
caching. ``bare`` returns the bytes of the real story page, saved at the start of
the run, through the usual middleware: the framework's floor.
"""

import os
from pathlib import Path

from django import forms
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from articles.models import Article


class PlainCommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea, max_length=400)


def straightforward_story(request, pk):
    article = get_object_or_404(Article.objects.select_related("section"), pk=pk, status=Article.Status.PUBLISHED)
    bylines = list(article.bylines.select_related("reporter"))
    comments = list(article.comments.filter(status="published").select_related("author").order_by("-created_at")[:20])
    context = {"article": article, "bylines": bylines, "comments": comments, "form": PlainCommentForm()}
    return render(request, "bench/straightforward.html", context)


_PAGE = None


def bare(request):
    global _PAGE
    if _PAGE is None:
        _PAGE = Path(os.environ["KTNEWS_BENCH_PAGE"]).read_bytes()
    return HttpResponse(_PAGE)
