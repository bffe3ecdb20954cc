"""The paper's policies for readers: each one as in force today, its earlier versions, and the one to come."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from articles.models import PolicyKind, PolicyVersion


def _kind_or_404(kind: str) -> str:
    if kind not in PolicyKind.values:
        raise Http404
    return kind


def policy(request, kind):
    kind = _kind_or_404(kind)
    current = PolicyVersion.objects.current(kind)
    if current is None:
        raise Http404
    return _render(request, current)


def policy_version(request, kind, version):
    shown = get_object_or_404(PolicyVersion.objects.in_force(), kind=_kind_or_404(kind), version=version)
    return _render(request, shown)


def _render(request, shown):
    versions = list(PolicyVersion.objects.filter(kind=shown.kind).in_force().order_by("-effective_from", "-version"))
    context = {
        "policy": shown,
        "is_current": bool(versions) and versions[0].pk == shown.pk,
        "current": versions[0] if versions else None,
        "versions": versions,
        "upcoming": PolicyVersion.objects.upcoming(shown.kind),
    }
    return render(request, "articles/policy.html", context)
