"""Review decisions and comments. Comments post through htmx and come back as a fragment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from prosedur_web.accounts import roles
from prosedur_web.common.client import client_ip
from prosedur_web.common.errors import ActionRefused
from prosedur_web.common.labels import label
from prosedur_web.common.views import lang_of, posted_text, require
from prosedur_web.procedures.models import Revision

from . import selectors, services
from .models import Comment


def _text(request: HttpRequest, field: str, limit: int) -> str:
    return posted_text(request, field, limit)


@login_required
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    rev = get_object_or_404(Revision.objects.select_related("procedure__owner_unit"), pk=pk)
    require(roles.can_review(request.user, rev))
    try:
        services.review_decide(revision=rev, reviewer=request.user,  # type: ignore[arg-type]
                               decision=request.POST.get("decision", ""),
                               note=_text(request, "note", 5000), ip=client_ip(request))
    except ActionRefused as exc:
        for m in exc.messages(lang_of(request)):
            messages.error(request, m)
        return redirect("procedures:revision_detail", pk=rev.pk)
    return redirect("procedures:revision_detail", pk=rev.pk)


def _comments_fragment(request: HttpRequest, rev: Revision, status: int = 200) -> HttpResponse:
    return render(request, "reviews/htmx/comment_list.html",
                  {"revision": rev, "comments": selectors.comments_of(rev, lang_of(request)), "can_comment": roles.can_comment(request.user, rev),
                   "anchors": selectors.comment_anchors(rev, lang_of(request))},
                  status=status)


@login_required
@require_POST
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    rev = get_object_or_404(Revision.objects.select_related("procedure__owner_unit"), pk=pk)
    require(roles.can_comment(request.user, rev))
    text = _text(request, "text", 5000).strip()
    parent = None
    if request.POST.get("parent"):
        parent_pk = request.POST["parent"].strip()
        if not parent_pk.isascii() or not parent_pk.isdigit() or len(parent_pk) > 18:
            return HttpResponseBadRequest(label("bad_request_value"), content_type="text/plain; charset=utf-8")
        parent = get_object_or_404(Comment, pk=int(parent_pk), revision=rev)
    if text:
        services.comment_create(revision=rev, author=request.user,  # type: ignore[arg-type]
                                text=text, anchor=_text(request, "anchor", 64), parent=parent,
                                ip=client_ip(request))
    if request.htmx:
        return _comments_fragment(request, rev, status=200 if text else 400)
    return redirect("procedures:revision_detail", pk=rev.pk)


@login_required
@require_POST
def comment_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("revision__procedure__owner_unit"), pk=pk)
    require(services.can_resolve(request.user, comment))
    services.comment_resolve(comment=comment, user=request.user, ip=client_ip(request))  # type: ignore[arg-type]
    if request.htmx:
        return _comments_fragment(request, comment.revision)
    return redirect("procedures:revision_detail", pk=comment.revision_id)
