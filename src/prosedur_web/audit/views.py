from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from prosedur_web.accounts import roles
from prosedur_web.common.views import require

from .models import AuditEntry
from .services import audit_verify


@login_required
def auditentry_list(request: HttpRequest) -> HttpResponse:
    require(roles.can_view_audit(request.user))
    entries = AuditEntry.objects.select_related("actor").order_by("-seq")[:200]
    return render(request, "audit/auditentry_list.html", {"entries": entries, "report": audit_verify()})
