"""The "Tugas saya" page: every piece of work waiting for the signed-in user, each linking to where it is done."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from prosedur_web.accounts import roles
from prosedur_web.common.views import require

from . import selectors


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    require(bool(roles.roles_of(request.user)))
    work = selectors.work_for(request.user)
    return render(request, "work/my_work.html", {"work": work, "soon_days": selectors.soon_days()})
