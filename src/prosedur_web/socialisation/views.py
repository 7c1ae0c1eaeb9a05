from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from prosedur_web.accounts import roles
from prosedur_web.common.client import client_ip
from prosedur_web.common.views import require
from prosedur_web.procedures.models import Revision

from . import services


@login_required
@require_POST
def acknowledgement_create(request: HttpRequest, pk: int) -> HttpResponse:
    rev = get_object_or_404(Revision.objects.select_related("procedure"), pk=pk)
    require(roles.can_acknowledge(request.user, rev))
    services.acknowledgement_create(revision=rev, user=request.user, ip=client_ip(request))  # type: ignore[arg-type]
    return redirect("procedures:procedure_detail", pk=rev.procedure_id)
