"""Pages of the procedure library and the revision lifecycle. Views check permission and call services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from prosedur.errors import SourceError
from prosedur_web import services as core
from prosedur_web.accounts import roles
from prosedur_web.accounts.models import Unit
from prosedur_web.common.client import client_ip
from prosedur_web.common.errors import ActionRefused, StaleRevision
from prosedur_web.common.labels import label
from prosedur_web.common.views import lang_of, require

from . import diff, records, selectors, services
from .forms import ApproveForm, SourceForm, SubmitForm
from .models import Procedure, Revision, RevisionStatus


@login_required
def procedure_list(request: HttpRequest) -> HttpResponse:
    require(roles.can_view_procedure(request.user, None))  # type: ignore[arg-type]
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    unit = request.GET.get("unit", "")
    if status not in RevisionStatus.values:
        status = ""
    rows = selectors.visible_rows(selectors.procedure_list(query=query, status=status, unit=unit), request.user,
                                  status=status)
    context = {
        "rows": rows, "query": query, "status": status, "unit": unit,
        "statuses": RevisionStatus.values, "units": Unit.objects.filter(procedures__isnull=False).distinct(),
        "can_create": roles.can_create_procedure(request.user),
        "can_transfer": roles.can_transfer_library(request.user),
    }
    template = "procedures/htmx/procedure_rows.html" if request.htmx else "procedures/procedure_list.html"
    return render(request, template, context)


CACHED_STATUSES = ("effective", "obsolete")  # content no longer changes: rendered markup is cached


def _document_context(request: HttpRequest, rev: Revision) -> dict[str, Any]:
    """The document and flowchart of `rev`; for revisions in force or obsolete, one cached fragment
    (parsing, assembling the library, laying out the flowchart and rendering cost ~10 ms a page)."""
    lang = lang_of(request)
    if rev.status not in CACHED_STATUSES or not rev.content_hash:
        return _document_parts(request, rev, lang)
    record = records.revision_record(rev)
    key = (rev.pk, rev.content_hash, rev.status, lang, rev.number, rev.effective_date,
           selectors.library_fingerprint(), core.record_digest(rev.content_hash, record))
    html = core.cached_fragment("document", key, lambda: render_to_string(
        "procedures/_document.html", _document_parts(request, rev, lang), request))
    return {"revision": rev, "procedure": rev.procedure, "document_html": html}


def _document_parts(request: HttpRequest, rev: Revision, lang: str) -> dict[str, Any]:
    context: dict[str, Any] = {"revision": rev, "procedure": rev.procedure}
    try:
        proc = core.parse_source(rev.yaml_source, rev.procedure.number)
    except SourceError as exc:
        context["source_problems"] = [p.text(lang) for p in exc.problems]
        return context
    proc = core.with_status(proc, rev.status)  # the revision's real status (watermark, status label)
    library = selectors.library_with(proc)
    from .downloads import verify_url_for

    record = records.revision_record(rev, verify_url=verify_url_for(rev.content_hash, request.build_absolute_uri("/"))
                                     if rev.content_hash else None)
    context["doc"] = core.document(proc, library, lang=lang, content_hash=rev.content_hash or None, record=record,
                                   controlled=rev.status == RevisionStatus.EFFECTIVE)
    context["integrity_problems"] = records.integrity_problems(rev)
    context["svg"] = core.flowchart_svg(proc, library, lang=lang)
    if rev.status in ("draft", "in_review"):
        context["findings"] = core.lint_findings(proc, library, lang=lang)
    return context


@login_required
def procedure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = get_object_or_404(Procedure.objects.select_related("owner_unit"), pk=pk)
    require(roles.can_view_procedure(request.user, procedure))
    revisions = [r for r in procedure.revisions.annotate(n_ack=Count("acknowledgements"))
                 if roles.can_view_revision(request.user, r)]
    current = next((r for r in revisions if r.status == RevisionStatus.EFFECTIVE), None)
    from .reversal_views import procedure_offers

    context: dict[str, Any] = {"procedure": procedure, "revisions": revisions, "current": current,
                               "can_start": roles.can_start_revision(request.user, procedure),
                               "reversals": procedure_offers(request.user, procedure)}
    if current is not None:
        context.update(_document_context(request, current))
        context["acknowledged"] = current.acknowledgements.filter(user=request.user).exists()
        context["can_acknowledge"] = roles.can_acknowledge(request.user, current)
        context["signatures"] = [(sig, sig.text(lang_of(request))) for sig in current.signatures.all()]
    context["procedure"] = procedure
    return render(request, "procedures/procedure_detail.html", context)


@login_required
def revision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from prosedur_web.reviews.models import ReviewAssignment
    from prosedur_web.reviews.selectors import comments_of

    rev = get_object_or_404(Revision.objects.select_related("procedure__owner_unit", "author"), pk=pk)
    require(roles.can_view_revision(request.user, rev))
    context = _document_context(request, rev)
    assignments = list(ReviewAssignment.objects.filter(revision=rev).select_related("reviewer"))
    mine = next((a for a in assignments if a.round == rev.review_round and a.reviewer_id == request.user.pk
                 and not a.decision), None)
    context.update({
        "assignments": assignments,
        "my_assignment": mine if rev.status == "in_review" else None,
        "comments": comments_of(rev, lang_of(request)),
        "signatures": [(sig, sig.text(lang_of(request))) for sig in rev.signatures.all()],
        "can_edit": roles.can_edit_revision(request.user, rev),
        "can_comment": roles.can_comment(request.user, rev),
        "can_approve": rev.status == "in_review" and roles.can_approve(request.user, rev),
        "can_acknowledge": roles.can_acknowledge(request.user, rev),
        "acknowledged": rev.acknowledgements.filter(user=request.user).exists(),
    })
    from prosedur_web.sopimport.services import origin_of

    context["origin"] = origin_of(rev)  # made from an uploaded SOP file: the original stays its evidence
    from .reversal_views import revision_offers

    context["reversals"] = revision_offers(request.user, rev)
    if context["can_comment"]:
        from prosedur_web.reviews.selectors import comment_anchors

        context["anchors"] = comment_anchors(rev, lang_of(request))
    if context["can_approve"]:
        context["approve_blockers"] = services.revision_approval_blockers(
            revision=rev, approver=request.user, lang=lang_of(request))  # type: ignore[arg-type]
    return render(request, "procedures/revision_detail.html", context)


@login_required
def revision_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rev = get_object_or_404(Revision.objects.select_related("procedure__owner_unit"), pk=pk)
    require(roles.can_edit_revision(request.user, rev))
    problems: list[str] = []
    stale = False
    if request.method == "POST":
        form = SourceForm(request.POST)
        if form.is_valid():
            try:
                services.revision_save_source(
                    revision=rev, user=request.user,  # type: ignore[arg-type]
                    text=form.cleaned_data["yaml_source"], base_version=form.cleaned_data["base_version"],
                    ip=client_ip(request),
                )
            except SourceError as exc:
                problems = [p.text(lang_of(request)) for p in exc.problems]
            except ActionRefused as exc:
                problems = exc.messages(lang_of(request))
            except StaleRevision:
                stale = True
            else:
                messages.success(request, label("saved"))
                return redirect("procedures:revision_edit", pk=rev.pk)
        else:
            problems = form.problems()  # the bound form re-renders what was typed
    else:
        form = SourceForm(initial={"yaml_source": rev.yaml_source, "base_version": rev.version})
    merge: list[tuple[str, str]] = []
    if stale:
        # The conflict screen: the other person's saved text against the user's, line by line; the
        # user's text stays in the editor, now based on the saved version, so saving again after
        # merging by hand is a deliberate choice and nothing either of them wrote is lost.
        rev.refresh_from_db()
        mine = form.cleaned_data["yaml_source"]
        merge = diff.source_merge_lines(rev.yaml_source, mine)
        form = SourceForm(initial={"yaml_source": mine, "base_version": rev.version})
    status = 409 if stale else 400 if problems else 200
    return render(request, "procedures/revision_edit.html",
                  {"revision": rev, "procedure": rev.procedure, "form": form, "problems": problems,
                   "stale": stale, "merge": merge}, status=status)



@login_required
def revision_submit(request: HttpRequest, pk: int) -> HttpResponse:
    rev = get_object_or_404(Revision.objects.select_related("procedure__owner_unit"), pk=pk)
    require(roles.can_edit_revision(request.user, rev))
    problems: list[str] = []
    form = SubmitForm(request.POST or None, revision=rev, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.revision_submit(revision=rev, user=request.user,  # type: ignore[arg-type]
                                     reviewers=list(form.cleaned_data["reviewers"]),
                                     sequential=form.cleaned_data["sequential"], ip=client_ip(request))
        except ActionRefused as exc:
            problems = exc.messages(lang_of(request))
        except SourceError as exc:
            problems = [p.text(lang_of(request)) for p in exc.problems]
        else:
            messages.success(request, label("submitted"))
            return redirect("procedures:revision_detail", pk=rev.pk)
    return render(request, "procedures/revision_submit.html",
                  {"revision": rev, "procedure": rev.procedure, "form": form, "problems": problems},
                  status=400 if problems else 200)


@login_required
def revision_approve(request: HttpRequest, pk: int) -> HttpResponse:
    rev = get_object_or_404(Revision.objects.select_related("procedure__owner_unit", "author"), pk=pk)
    require(roles.can_approve(request.user, rev))
    problems: list[str] = []
    if request.method == "GET" and rev.status == "in_review":
        problems = services.revision_approval_blockers(revision=rev, approver=request.user,  # type: ignore[arg-type]
                                                       lang=lang_of(request))
    form = ApproveForm(request.POST or None, initial={"content_hash": rev.content_hash})
    changed = None
    if request.method == "POST" and not form.is_valid() and "content_hash" in form.errors:
        problems = [label("err_form_outdated", lang_of(request))]
    if request.method == "POST" and form.is_valid():
        try:
            services.revision_approve(
                revision=rev, approver=request.user,  # type: ignore[arg-type]
                password=form.cleaned_data["password"], effective_date=form.cleaned_data["effective_date"],
                ip=client_ip(request), shown_hash=form.cleaned_data["content_hash"],
            )
        except services.SignedContentChanged as exc:
            problems = exc.messages(lang_of(request))
            if exc.shown_source is not None:  # a hash this revision never had: nothing to compare with
                try:
                    changed = diff.redline_sources(exc.shown_source, exc.current_source, lang_of(request))
                except SourceError:
                    changed = None
            rev.refresh_from_db()
            form = ApproveForm(initial={"content_hash": rev.content_hash,
                                        "effective_date": form.cleaned_data["effective_date"]})
        except ActionRefused as exc:
            problems = exc.messages(lang_of(request))
        else:
            request.session.cycle_key()  # a fresh session after signing
            messages.success(request, label("approved_msg"))
            return redirect("procedures:revision_detail", pk=rev.pk)
    return render(request, "procedures/revision_approve.html",
                  {"revision": rev, "procedure": rev.procedure, "form": form, "problems": problems,
                   "changed": changed},
                  status=409 if problems and request.method == "POST" else 200)


@login_required
@require_POST
def revision_start(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = get_object_or_404(Procedure.objects.select_related("owner_unit"), pk=pk)
    require(roles.can_start_revision(request.user, procedure))
    try:
        rev = services.revision_start(procedure=procedure, user=request.user,  # type: ignore[arg-type]
                                      minor=request.POST.get("minor") == "1", ip=client_ip(request))
    except ActionRefused as exc:
        for m in exc.messages(lang_of(request)):
            messages.error(request, m)
        return redirect("procedures:procedure_detail", pk=procedure.pk)
    return redirect("procedures:revision_editor", pk=rev.pk)  # the structured editor
