"""Request-body caps, checked before anything reads the body.

Django reads a POST body when CSRF is checked — before a view can tell that the sender is not signed in —
and spools file parts to disk. So a declared body larger than the cap is answered 413 here, from the
headers alone: a signed-in user may send up to `PROSEDUR_MAX_REQUEST_BYTES`, anyone else up to
`PROSEDUR_MAX_ANONYMOUS_REQUEST_BYTES` (a login form is a few hundred bytes). A view that takes larger
bodies says so with `@body_limit(bytes)` (the public PDF verification). The reverse proxy should enforce
the same figure (nginx `client_max_body_size`, see docs/deploy.md), so oversize bodies never reach us.
A body sent without a Content-Length is read by Django as empty, so it cannot get around the check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .labels import size_text
from .views import lang_of

BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def body_limit(limit: int | Callable[[], int]) -> Callable[[Any], Any]:
    """Mark a view that accepts bodies up to `limit` bytes (a number, or a callable read per request)."""

    def mark(view: Any) -> Any:
        view.prosedur_body_limit = limit
        return view

    return mark


def declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def limit_for(request: HttpRequest, view: Any) -> int:
    marked = getattr(view, "prosedur_body_limit", None)
    if marked is not None:
        return int(marked() if callable(marked) else marked)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return int(settings.PROSEDUR_MAX_REQUEST_BYTES)
    return int(settings.PROSEDUR_MAX_ANONYMOUS_REQUEST_BYTES)


def too_big(request: HttpRequest, limit: int) -> HttpResponse:
    size = declared_length(request)
    response = render(request, "too_big.html", {"size_mb": size_text(size), "limit_mb": size_text(limit),
                                                "lang": lang_of(request)}, status=413)
    response["Connection"] = "close"  # the unread body must not be taken for the next request
    return response



class RequestBodyLimitMiddleware:
    """Placed after SessionMiddleware and before CsrfViewMiddleware (whose process_view reads the body)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if request.method not in BODY_METHODS:
            return None
        limit = limit_for(request, view)
        if declared_length(request) > limit:
            return too_big(request, limit)
        return None
