"""The forms for taking things back (reversals.py): one POST each, a reason with it, back to the page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from prosedur_web.common.client import client_ip
from prosedur_web.common.errors import ActionRefused
from prosedur_web.common.labels import label
from prosedur_web.common.views import lang_of, posted_text, require

from . import reversals
from .models import Procedure, Revision


@dataclass(frozen=True)
class Offer:
    """One way back a user may take on this page: its form's address, words and whether it asks a reason."""

    action: str
    url: str
    reason_required: bool = True
    date: bool = False


_REVISION_ACTIONS: dict[str, tuple[Callable[[Any, Revision], bool], Callable[..., Revision], bool]] = {
    "withdraw_submission": (reversals.may_withdraw_submission, reversals.revision_withdraw_submission, False),
    "send_back": (reversals.may_send_back, reversals.revision_send_back, True),
    "discard": (reversals.may_discard, reversals.revision_discard, True),
    "cancel": (reversals.may_cancel, reversals.revision_cancel, True),
}


def revision_offers(user: Any, rev: Revision) -> list[Offer]:
    return [Offer(a, reverse("procedures:revision_reverse", args=[rev.pk, a]), needs)
            for a, (may, _do, needs) in _REVISION_ACTIONS.items() if may(user, rev)]


def procedure_offers(user: Any, procedure: Procedure) -> list[Offer]:
    if not reversals.may_withdraw_procedure(user, procedure):
        return []
    return [Offer("withdraw_procedure", reverse("procedures:procedure_withdraw", args=[procedure.pk]), True, True)]


@login_required
@require_POST
def revision_reverse(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    rev = get_object_or_404(Revision.objects.select_related("procedure__owner_unit"), pk=pk)
    entry = _REVISION_ACTIONS.get(action)
    require(entry is not None and entry[0](request.user, rev))
    assert entry is not None
    try:
        entry[1](revision=rev, user=request.user, reason=posted_text(request, "reason", reversals.REASON_MAX),
                 ip=client_ip(request))
    except ActionRefused as exc:
        for m in exc.messages(lang_of(request)):
            messages.error(request, m)
    else:
        messages.success(request, label(f"rv_done_{action}"))
    return redirect("procedures:revision_detail", pk=rev.pk)


@login_required
@require_POST
def procedure_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = get_object_or_404(Procedure.objects.select_related("owner_unit"), pk=pk)
    require(reversals.may_withdraw_procedure(request.user, procedure))
    try:
        on = dt.date.fromisoformat(request.POST.get("withdrawn_on", "").strip()[:10]) \
            if request.POST.get("withdrawn_on", "").strip() else timezone.localdate()
    except ValueError:
        messages.error(request, label("err_bad_date"))
        return redirect("procedures:procedure_detail", pk=pk)
    try:
        reversals.procedure_withdraw(procedure=procedure, user=request.user,  # type: ignore[arg-type]
                                     reason=posted_text(request, "reason", reversals.REASON_MAX),
                                     withdrawn_on=on, ip=client_ip(request))
    except ActionRefused as exc:
        for m in exc.messages(lang_of(request)):
            messages.error(request, m)
    else:
        messages.success(request, label("rv_done_withdraw_procedure"))
    return redirect("procedures:procedure_detail", pk=pk)
