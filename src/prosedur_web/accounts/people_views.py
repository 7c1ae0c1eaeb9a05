"""People pages (people.py): the list, one person's form, deactivation, CSV import, the unit tree."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from prosedur_web.common.client import client_ip
from prosedur_web.common.errors import ActionRefused
from prosedur_web.common.labels import label
from prosedur_web.common.views import lang_of, posted_text, require

from . import people
from .models import Unit, User
from .roles import ROLE_LABEL_KEYS, Role

CSV_MAX_BYTES = 5 * 1024 * 1024
PAGE = 200


def _role_choices(actor: Any) -> list[tuple[str, str, bool]]:
    allowed = set(people.grantable(actor))
    return [(r.value, label(ROLE_LABEL_KEYS[r]), r in allowed) for r in Role]


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    require(people.may_manage_people(request.user))
    q = request.GET.get("q", "").strip()[:100]
    unit = request.GET.get("unit", "").strip()[:64]
    users = User.objects.select_related("unit").prefetch_related("groups").order_by("full_name", "username")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(nip__icontains=q)
                             | Q(email__icontains=q))
    if unit:
        users = users.filter(unit__code=unit)
    total = users.count()
    rows = [(u, [label(ROLE_LABEL_KEYS[Role(g.name)]) for g in u.groups.all() if g.name in Role._value2member_map_])
            for u in users[:PAGE]]
    return render(request, "accounts/people_list.html",
                  {"rows": rows, "total": total, "shown": len(rows), "q": q, "unit": unit,
                   "units": Unit.objects.order_by("name")})


def _person(request: HttpRequest) -> people.Person:
    return people.Person(
        username=posted_text(request, "username", 150).strip(),
        full_name=posted_text(request, "full_name", 200).strip(),
        nip="".join(posted_text(request, "nip", 40).split()),
        position=posted_text(request, "position", 200).strip(),
        unit=posted_text(request, "unit", 64).strip(),
        email=posted_text(request, "email", 254).strip(),
        roles=[r for r in request.POST.getlist("roles") if r in Role._value2member_map_],
        language=posted_text(request, "language", 2).strip(),
    )


@login_required
def person_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(people.may_manage_people(request.user))
    user = get_object_or_404(User, pk=pk) if pk is not None else None
    problems: list[str] = []
    if request.method == "POST":
        person = _person(request)
        if user is not None:
            person.username = user.username  # the name people sign in with does not change
        try:
            saved = people.person_save(actor=request.user, person=person, user=user,  # type: ignore[arg-type]
                                       password=request.POST.get("password", "")[:128], ip=client_ip(request),
                                       lang=lang_of(request))
        except ActionRefused as exc:
            problems = exc.messages(lang_of(request))
        else:
            messages.success(request, label("ppl_saved", name=saved.full_name))
            return redirect("accounts:people_list")
        values = person
    elif user is not None:
        values = people.Person(user.username, user.full_name, user.nip, user.position,
                               user.unit.code if user.unit else "", user.email,
                               list(user.groups.values_list("name", flat=True)), user.language)
    else:
        values = people.Person("", "")
    return render(request, "accounts/person_form.html",
                  {"person": user, "values": values, "problems": problems, "units": Unit.objects.order_by("name"),
                   "role_choices": _role_choices(request.user)}, status=400 if problems else 200)


@login_required
@require_POST
def person_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    require(people.may_manage_people(request.user))
    user = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        people.person_set_active(actor=request.user, user=user, active=active, ip=client_ip(request))  # type: ignore[arg-type]
    except ActionRefused as exc:
        for m in exc.messages(lang_of(request)):
            messages.error(request, m)
    else:
        messages.success(request, label("ppl_activated" if active else "ppl_deactivated", name=user.full_name))
    return redirect("accounts:people_list")


@login_required
def people_import(request: HttpRequest) -> HttpResponse:
    require(people.may_manage_people(request.user))
    result = None
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("csv")
        if upload is None or upload.size is None or upload.size > CSV_MAX_BYTES:
            result = people.CsvResult(problems=[label("ppl_csv_size", mb=CSV_MAX_BYTES // 1048576)])
        else:
            result = people.people_import_csv(actor=request.user, data=upload.read(CSV_MAX_BYTES + 1),  # type: ignore[arg-type]
                                              ip=client_ip(request), lang=lang_of(request))
        status = 400 if result.problems else 200
    return render(request, "accounts/people_import.html",
                  {"result": result, "columns": people.CSV_COLUMNS, "roles": [r.value for r in Role]}, status=status)


@login_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    require(people.may_manage_people(request.user))
    return render(request, "accounts/unit_tree.html", {"tree": people.unit_tree()})
