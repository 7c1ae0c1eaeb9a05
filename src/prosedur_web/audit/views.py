"""The audit trail page and the printable anchor sheet (document controllers and admins, `can_view_audit`).

The page verifies only the entries appended since the last verified checkpoint (`audit_verify_incremental`),
not the whole chain on every view; the auditor's button (POST) walks the whole chain against the newest
anchor. `?lembar=jangkar` is the printable anchor sheet.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from prosedur_web.accounts import roles
from prosedur_web.common.labels import label
from prosedur_web.common.views import lang_of, require

from .checks import anchor_status
from .models import AuditEntry
from .services import audit_checkpoint, audit_verify_full, audit_verify_incremental


@login_required
@require_http_methods(["GET", "POST"])
def auditentry_list(request: HttpRequest) -> HttpResponse:
    require(roles.can_view_audit(request.user))
    lang = lang_of(request)
    if request.method == "POST":  # the full walk, on demand
        status = anchor_status(lang)
        anchor = (status.anchor.seq, status.anchor.hash) if status.anchor is not None and status.signature_ok else None
        full = audit_verify_full(by=request.user.get_username(), lang=lang, anchor=anchor)
        if full.ok:
            messages.success(request, label("audit_full_ok", n=full.count))
        else:
            messages.error(request, label("audit_full_broken", n=full.broken_at, reason=full.reason))
        return redirect("audit:auditentry_list")
    if request.GET.get("lembar") == "jangkar":
        return anchor_sheet(request, lang)
    report = audit_verify_incremental(lang)
    entries = AuditEntry.objects.select_related("actor").order_by("-seq")[:200]
    status = anchor_status(lang)
    return render(request, "audit/auditentry_list.html", {
        "entries": entries, "report": report, "checkpoint": audit_checkpoint(), "status": status,
        "anchor_lines": status.lines(lang),
    })


def anchor_sheet(request: HttpRequest, lang: str) -> HttpResponse:
    """`?lembar=jangkar`: the newest anchor on one printable page, kept on paper with the monthly
    management report (same permission as the trail, so the same URL)."""
    status = anchor_status(lang)
    return render(request, "audit/anchor_sheet.html", {"status": status, "lines": status.lines(lang)})
