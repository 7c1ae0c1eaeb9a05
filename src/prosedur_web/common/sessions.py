"""Sliding session expiry without a write per request.

`SESSION_SAVE_EVERY_REQUEST` wrote the session row on every page view: on SQLite a write transaction
with an fsync per GET, queued behind the single write lock. Here the session is marked modified
(so Django's SessionMiddleware saves it and pushes the expiry forward) only when the last refresh is
at least `PROSEDUR_SESSION_REFRESH_SECONDS` old. The inactivity timeout still applies: the session
backend refuses a session whose stored expiry has passed; it is at most one refresh interval shorter.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

REFRESHED_KEY = "_prosedur_refreshed"


class SessionRefreshMiddleware:
    """Placed right after SessionMiddleware, so its change is saved by it on the way out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or not session.keys():
            return response  # anonymous without a session, or logged out: nothing to keep alive
        now = int(timezone.now().timestamp())
        last = session.get(REFRESHED_KEY, 0)
        if session.modified or not isinstance(last, int) or now - last >= settings.PROSEDUR_SESSION_REFRESH_SECONDS:
            session[REFRESHED_KEY] = now  # saved (and its expiry moved) by SessionMiddleware
        return response
