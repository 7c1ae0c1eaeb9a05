"""Response headers and request checks every page shares, and the log filter for refusals.

- Content-Security-Policy: scripts only from our own static files, never inline. A few lines instead of
  django-csp: the policy is one fixed string. Inline *styles* stay allowed because the core's SVG
  flowchart may carry presentation styles; scripts never are.
- Cache-Control: pages for a signed-in user are never kept by a browser or proxy cache.
- A form body declared in another charset than UTF-8 is answered 400 before anything reads it.
- Language: Bahasa Indonesia unless the user chose English.
"""

from __future__ import annotations

import codecs
import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.cache import patch_cache_control

from .labels import label

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response


class PrivateCacheMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in user: a shared proxy must not
    keep one person's pages and a browser must not show them after logout. Placed after
    AuthenticationMiddleware; static files (WhiteNoise, earlier in the chain) keep their own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
        return response


class FormEncodingMiddleware:
    """400 for a form body Django cannot decode: `application/x-www-form-urlencoded` in any charset but
    UTF-8 (Django raises BadRequest on reading it, and its own 400 page reads it again through the CSRF
    check until it gives up with a 500), or a charset Python does not know. Checked from the headers only,
    before CsrfViewMiddleware, so no body is read here (upload views install their handlers later)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD", "OPTIONS") and _undecodable(request):
            text = f"{label('bad_form_encoding', 'id')}\n{label('bad_form_encoding', 'en')}\n"
            return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _undecodable(request: HttpRequest) -> bool:
    charset = (request.content_params or {}).get("charset", "")
    if not charset:
        return False
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        return True
    return request.content_type == "application/x-www-form-urlencoded" and name != "utf-8"


class ForbiddenWithoutTraceback(logging.Filter):
    """Logging filter: a refused request (403) is one warning line. Django logs PermissionDenied with its
    traceback, which for a permission check says nothing and buried real errors (681 in one probe run)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True


class LanguageMiddleware:
    """Bahasa Indonesia unless the user chose English (set_language cookie).

    Replaces Django's LocaleMiddleware on purpose: that one follows the browser's Accept-Language,
    which would show most government workstations (English-language browsers) an English app.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        lang = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        return response
