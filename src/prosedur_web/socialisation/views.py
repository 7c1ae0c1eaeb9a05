from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from prosedur_web.accounts import roles
from prosedur_web.common.client import client_ip
from prosedur_web.common.views import lang_of, require
from prosedur_web.procedures.models import Procedure, Revision

from . import selectors, services


@login_required
@require_POST
def acknowledgement_create(request: HttpRequest, pk: int) -> HttpResponse:
    rev = get_object_or_404(Revision.objects.select_related("procedure"), pk=pk)
    require(roles.can_acknowledge(request.user, rev))
    services.acknowledgement_create(revision=rev, user=request.user, ip=client_ip(request))  # type: ignore[arg-type]
    return redirect("procedures:procedure_detail", pk=rev.procedure_id)


@login_required
def pending_list(request: HttpRequest) -> HttpResponse:
    """"Prosedur yang perlu Anda baca": the reader's own pending acknowledgements."""
    require(bool(roles.roles_of(request.user)))
    return render(request, "socialisation/pending_list.html",
                  {"pending": selectors.pending_for(request.user)})  # type: ignore[arg-type]


@login_required
def progress_list(request: HttpRequest) -> HttpResponse:
    require(roles.can_view_socialisation_overview(request.user))
    visible = [p for p in Procedure.objects.select_related("owner_unit")
               if roles.can_view_socialisation_progress(request.user, p)]
    rows = selectors.progress_list(visible)
    chart = selectors.bar_chart([(r.revision.procedure.number, r.done, r.total) for r in rows])
    return render(request, "socialisation/progress_list.html", {"rows": rows, "chart": chart})


@login_required
def progress_detail(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = get_object_or_404(Procedure.objects.select_related("owner_unit"), pk=pk)
    require(roles.can_view_socialisation_progress(request.user, procedure))
    progress = selectors.procedure_progress(procedure)
    lang = lang_of(request)
    chart = None
    if progress is not None:
        chart = selectors.bar_chart([
            ((u.unit.name_en if lang == "en" and u.unit.name_en else u.unit.name) if u.unit else "—",
             len(u.done), u.total) for u in progress.units])
    return render(request, "socialisation/progress_detail.html",
                  {"procedure": procedure, "progress": progress, "chart": chart})
