from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from prosedur_web.accounts import roles
from prosedur_web.common.views import lang_of, require

from . import services


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    require(roles.can_view_notifications(request.user))
    lang = lang_of(request)
    items = [(n, services.notification_text(n, lang), services.notification_link(n))
             for n in services.notification_list(user=request.user)[:200]]  # type: ignore[arg-type]
    return render(request, "distribution/notification_list.html", {"items": items})


@login_required
@require_POST
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    require(roles.can_view_notifications(request.user))
    services.notifications_mark_read(user=request.user)  # type: ignore[arg-type]
    return redirect("distribution:notification_list")
