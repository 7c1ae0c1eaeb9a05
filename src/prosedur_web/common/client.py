"""Where a request comes from, for the audit trail and login throttling.

Behind `PROSEDUR_TRUSTED_PROXIES` = n reverse proxies, each appends the address it received the request
from to `X-Forwarded-For`; the last n entries are theirs, so the client is the n-th entry from the right.
Everything left of it was written by the client and is never believed (it could pick any address for the
login throttle and the audit trail). Without trusted proxies, or when the header is missing or that entry
is not an address, the socket's address (REMOTE_ADDR) is the answer.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: str) -> str | None:
    """A plain IPv4/IPv6 address from one header entry (a port or brackets removed), or None."""
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # 192.0.2.1:443
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address: from our own proxies' `X-Forwarded-For` entries, else REMOTE_ADDR."""
    remote = str(request.META.get("REMOTE_ADDR", ""))[:64]
    hops = int(getattr(settings, "PROSEDUR_TRUSTED_PROXIES", 0) or 0)
    if hops <= 0:
        return remote
    entries = [e for e in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if e.strip()]
    if not entries:
        return remote
    # fewer entries than proxies: the request passed only the inner ones, which wrote every entry
    return (_address(entries[-min(hops, len(entries))]) or remote)[:64]
