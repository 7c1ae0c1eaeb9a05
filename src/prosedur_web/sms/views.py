"""Pages of the management-system view. Views check permission (roles.py) and call the core/selectors."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from prosedur.iso20000 import RegisterKind, coverage, register
from prosedur.iso20000.calendar import ReviewState, review_schedule
from prosedur.iso20000.charts import Bar, Series, bar_chart, line_chart
from prosedur.iso20000.coverage import MAJOR_INCIDENT_CLAUSE
from prosedur.iso20000.export import Table, coverage_table, gaps_table, register_table, to_csv, to_xlsx
from prosedur.iso20000.report import coverage_pdf, major_incident_note, register_pdf
from prosedur_web.accounts import roles
from prosedur_web.common.client import client_ip
from prosedur_web.common.errors import ActionRefused
from prosedur_web.common.labels import label
from prosedur_web.common.views import lang_of, posted_text, require
from prosedur_web.procedures.models import Procedure

from . import monthly, selectors, services

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
REGISTER_LABELS = {
    RegisterKind.DOCUMENTS: "sms_reg_documents",
    RegisterKind.RECORDS: "sms_reg_records",
    RegisterKind.FORMS: "sms_reg_forms",
    RegisterKind.DISTRIBUTION: "sms_reg_distribution",
}


def _download(data: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _tables(tables: list[Table], fmt: str, lang: str) -> bytes:
    if fmt == "csv":  # one table per CSV; a BOM so Excel reads accented names
        return to_csv(tables[0], lang).encode("utf-8-sig")
    return to_xlsx(tables, lang)


# -- coverage ----------------------------------------------------------------------------------------
@login_required
def coverage_view(request: HttpRequest) -> HttpResponse:
    require(roles.can_view_coverage(request.user))
    lang = lang_of(request)
    cov = coverage(selectors.library(visible_to=request.user))
    table = coverage_table(cov, lang)
    context = {
        "cov": cov, "counts": cov.counts(), "table": table, "lang": lang,
        "gaps": [{"number": g.clause.number, "title": g.clause.title(lang), "message": g.message(lang),
                  "asks": "; ".join(q.item(lang) for q in g.requirements), "procedure_required": g.procedure_required,
                  "pending": ", ".join(p.number for p in g.pending),
                  "claimed_by": ", ".join(p.number for p in g.claimed_by),
                  "flag": g.clause.number == MAJOR_INCIDENT_CLAUSE} for g in cov.gaps],
        "major_note": major_incident_note(cov, lang),
        "major_gap": cov.gap(MAJOR_INCIDENT_CLAUSE) is not None,
        "rows": list(zip(cov.rows, table.rows, strict=True)), **_nav(request),
    }
    return render(request, "sms/coverage.html", context)


@login_required
def coverage_export(request: HttpRequest, fmt: str) -> HttpResponse:
    require(roles.can_view_coverage(request.user))
    if fmt not in FORMATS:
        raise Http404
    lang = lang_of(request)
    library = selectors.library(visible_to=request.user)
    cov = coverage(library)
    if fmt == "pdf":
        return _download(coverage_pdf(cov, library, generated=timezone.localdate(), lang=lang), fmt, "cakupan")
    tables = [coverage_table(cov, lang), gaps_table(cov, lang)]
    return _download(_tables(tables, fmt, lang), fmt, "cakupan")


# -- registers ---------------------------------------------------------------------------------------
def _kind(kind: str) -> RegisterKind:
    try:
        return RegisterKind(kind)
    except ValueError:
        raise Http404 from None


@login_required
def register_view(request: HttpRequest, kind: str) -> HttpResponse:
    require(roles.can_view_registers(request.user))
    lang = lang_of(request)
    reg = register(selectors.library(), _kind(kind))
    table = register_table(reg, lang)
    procedures = {number: p.pk for number, p in selectors.procedures_by_number().items()}
    documents = reg.kind is RegisterKind.DOCUMENTS
    rows = [{"cells": cells, "status": str(row.status) if documents else "",
             "link": procedures.get(cells[0]) if reg.kind in (RegisterKind.DOCUMENTS, RegisterKind.DISTRIBUTION)
             else None}
            for row, cells in zip(reg.rows, table.rows, strict=True)]
    context = {"table": table, "rows": rows, "kind": reg.kind.value, "title": reg.title(lang),
               "kinds": [(k.value, label(v)) for k, v in REGISTER_LABELS.items()], **_nav(request)}
    return render(request, "sms/register.html", context)


def _nav(request: HttpRequest) -> dict[str, bool]:
    """Which links of the section's own navigation this user may follow."""
    return {"perms_sms_registers": roles.can_view_registers(request.user),
            "perms_sms_calendar": roles.can_view_review_calendar(request.user),
            "perms_sms_socialisation": roles.can_view_socialisation_overview(request.user),
            "perms_sms_monthly": roles.can_view_monthly_report(request.user)}


@login_required
def register_export(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    require(roles.can_view_registers(request.user))
    if fmt not in FORMATS:
        raise Http404
    lang = lang_of(request)
    library = selectors.library()
    reg = register(library, _kind(kind))
    if fmt == "pdf":
        return _download(register_pdf(reg, library, generated=timezone.localdate(), lang=lang), fmt, reg.kind.value)
    return _download(_tables([register_table(reg, lang)], fmt, lang), fmt, reg.kind.value)


# -- review calendar ---------------------------------------------------------------------------------
def _today(request: HttpRequest) -> dt.date:
    return timezone.localdate()


@login_required
def review_calendar(request: HttpRequest) -> HttpResponse:
    require(roles.can_view_review_calendar(request.user))
    today = _today(request)
    items = review_schedule(selectors.library(), today, reviewed=selectors.last_reviews())
    procedures = selectors.procedures_by_number()
    rows = [{"item": i, "procedure": procedures.get(i.number),
             "can_record": i.number in procedures and roles.can_record_review(request.user, procedures[i.number])}
            for i in items]
    counts = {s.value: sum(1 for i in items if i.state is s) for s in ReviewState}
    context = {"rows": rows, "today": today, "counts": counts, "records": selectors.review_records(),
               **_nav(request)}
    return render(request, "sms/review_calendar.html", context)


@login_required
@require_POST
def reviewrecord_create(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = get_object_or_404(Procedure.objects.select_related("owner_unit"), pk=pk)
    require(roles.can_record_review(request.user, procedure))
    try:
        record = services.reviewrecord_create(procedure=procedure, user=request.user,  # type: ignore[arg-type]
                                              note=posted_text(request, "note", 2000), ip=client_ip(request))
    except ActionRefused as exc:
        for text in exc.messages(lang_of(request)):
            messages.error(request, text)
        return redirect("sms:review_calendar")
    messages.success(request, label("sms_review_recorded", number=procedure.number,
                                    due=record.next_due.isoformat() if record.next_due else "-"))
    return redirect("sms:review_calendar")


# -- socialisation dashboard -------------------------------------------------------------------------
@login_required
def socialisation_dashboard(request: HttpRequest) -> HttpResponse:
    require(roles.can_view_socialisation_overview(request.user))
    lang = lang_of(request)
    data = selectors.socialisation(today=timezone.localdate(), lang=lang)
    unit_chart = bar_chart([Bar(r.label, r.percent, f"{r.done}/{r.total}") for r in data.by_unit],
                           title=label("sms_chart_units"), ident="units")
    proc_chart = bar_chart([Bar(r.label, r.percent, f"{r.done}/{r.total}") for r in data.by_procedure],
                           title=label("sms_chart_procedures"), ident="procs")
    weekly_chart = line_chart([Series(name, tuple(values)) for name, values in data.weekly.items()],
                              [w.strftime("%d/%m") for w in data.weeks], title=label("sms_chart_weekly"),
                              ident="weekly")
    # The charts are the core's SVG, in which every label is escaped (prosedur.iso20000.charts).
    context = {"data": data, "unit_chart": mark_safe(unit_chart), "proc_chart": mark_safe(proc_chart),  # noqa: S308
               "weekly_chart": mark_safe(weekly_chart), "open": [r for r in data.by_procedure if r.missing],  # noqa: S308
               **_nav(request)}
    return render(request, "sms/socialisation_dashboard.html", context)


# -- monthly document-control report -----------------------------------------------------------------
def _month(request: HttpRequest) -> tuple[monthly.Month, str]:
    """`?bulan=YYYY-MM` (default: last month); a bad or future month falls back, with the message why."""
    value = request.GET.get("bulan", "").strip()
    default = monthly.Month.previous()
    if not value:
        return default, ""
    try:
        month = monthly.Month.parse(value)
    except ValueError:
        month = None
    if month is None or month > monthly.Month.of(timezone.localdate()):
        return default, label("sms_monthly_err_month", value=value[:20])
    return month, ""


@login_required
def monthly_report(request: HttpRequest) -> HttpResponse:
    require(roles.can_view_monthly_report(request.user))
    lang = lang_of(request)
    month, error = _month(request)
    if error:
        messages.error(request, error)
    report = monthly.monthly_report(month, lang=lang, by=request.user)
    today = timezone.localdate()
    context = {"report": report, "tables": monthly.page_tables(monthly.report_tables(report)), "intro": monthly.intro(report),
               "month": month.key, "max_month": monthly.Month.of(today).key, **_nav(request)}
    return render(request, "sms/monthly_report.html", context)


@login_required
def monthly_report_export(request: HttpRequest, fmt: str) -> HttpResponse:
    require(roles.can_view_monthly_report(request.user))
    if fmt not in ("pdf", "html"):
        raise Http404
    month, error = _month(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    report = monthly.monthly_report(month, lang=lang_of(request), by=request.user)
    if fmt == "pdf":
        response = HttpResponse(monthly.report_pdf(report), content_type=FORMATS["pdf"])
    else:
        response = HttpResponse(monthly.report_html(report), content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{monthly.file_name(report, fmt)}"'
    return response
