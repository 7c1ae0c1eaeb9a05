"""Password checks (login, and the re-authentication when signing) with throttling an outsider cannot turn
against a user.

Nothing is ever locked. While a delay runs, an attempt is refused without the password being checked;
the delay doubles with each further failure (1, 2, 4 … seconds, at most `PROSEDUR_LOGIN_MAX_DELAY_SECONDS`).
With N = `PROSEDUR_LOGIN_MAX_FAILURES` failures are counted in `LoginThrottle` per (account name, address):

- **account and address**: from the N-th failure of one name from one address, that pair waits. The same
  account from an address that has not been failing is not delayed: guessing the approver's password from
  elsewhere never keeps the approver out.
- **account**: once a name has 4 × N failures from all addresses together (guessing from many
  addresses), each address that has failed for it waits from its first failure on. Addresses that have
  not failed for it still are not delayed.
- **address**: once one address has 4 × N failures over all names (spraying names, which need not exist),
  it waits for every name that has not signed in from it within `KNOWN_FOR`. People who have signed in
  from that address before (an office behind one NAT address) are not delayed by others' failures.

Counts are forgotten when a pair has been quiet for `PROSEDUR_LOGIN_WINDOW_SECONDS` plus the longest delay;
a correct password resets its pair. The audit trail gets a summary instead of every failure: the first
failure of a pair (while neither its account nor its address is under attack, and fewer than 20 × N
failures are counted in all), one entry when a delay starts for a pair, an account or an address, and one
at each doubling of those counts (and of the count in all) after that. Refused attempts are neither
counted nor audited: a refusal costs no write.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from prosedur_web.audit.services import audit_append

from .models import LoginThrottle, User

KNOWN_FOR = dt.timedelta(days=90)  # a successful sign-in makes its address known to the account this long
SCOPE_PAIR, SCOPE_ACCOUNT, SCOPE_ADDRESS = "account_address", "account", "address"


def _now() -> dt.datetime:
    """The clock (tests fix it)."""
    return timezone.now()


def _name(username: str) -> str:
    return (username or "").strip().lower()[:150]


def _free() -> int:
    return max(1, int(settings.PROSEDUR_LOGIN_MAX_FAILURES))


def _max_delay() -> int:
    return max(1, int(getattr(settings, "PROSEDUR_LOGIN_MAX_DELAY_SECONDS", 15 * 60)))


def _forget_before(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=int(settings.PROSEDUR_LOGIN_WINDOW_SECONDS) + _max_delay())


def delay_after(excess: int) -> int:
    """Seconds to wait after the failure `excess` failures past the free ones (0: the first that waits)."""
    return min(_max_delay(), 2 ** min(max(excess, 0), 30))


@dataclass(frozen=True)
class Counts:
    pair: int
    account: int
    address: int
    pair_last: dt.datetime | None
    address_last: dt.datetime | None
    known: bool  # the name has signed in from this address within KNOWN_FOR


def _counts(name: str, ip: str, now: dt.datetime) -> Counts:
    since = _forget_before(now)
    row = LoginThrottle.objects.filter(username=name, ip=ip).first()
    account = (LoginThrottle.objects.filter(username=name, last_failure_at__gte=since)
               .aggregate(n=Sum("failures"))["n"] or 0)
    address = LoginThrottle.objects.filter(ip=ip, last_failure_at__gte=since).aggregate(
        n=Sum("failures"), last=Max("last_failure_at"))
    alive = row is not None and row.last_failure_at is not None and row.last_failure_at >= since
    return Counts(
        pair=row.failures if row is not None and alive else 0, account=account, address=address["n"] or 0,
        pair_last=row.last_failure_at if row is not None and alive else None, address_last=address["last"],
        known=row is not None and row.last_success_at is not None and row.last_success_at >= now - KNOWN_FOR,
    )


@dataclass(frozen=True)
class Throttle:
    """Whether an attempt may check a password now: `wait` seconds (0: yes) and which count delays it."""

    wait: int
    scope: str = ""


def _throttle(c: Counts, now: dt.datetime) -> Throttle:
    free, wide = _free(), 4 * _free()
    waits: list[tuple[float, str]] = []
    threshold = 1 if c.account >= wide else free
    if c.pair_last is not None and c.pair >= threshold:
        until = c.pair_last + dt.timedelta(seconds=delay_after(c.pair - threshold))
        waits.append(((until - now).total_seconds(), SCOPE_PAIR if threshold == free else SCOPE_ACCOUNT))
    if c.address >= wide and not c.known and c.address_last is not None:
        until = c.address_last + dt.timedelta(seconds=delay_after(c.address - wide))
        waits.append(((until - now).total_seconds(), SCOPE_ADDRESS))
    wait, scope = max(waits, default=(0.0, ""))
    if wait <= 0:
        return Throttle(0)
    return Throttle(int(wait) + (wait > int(wait)), scope)  # whole seconds, rounded up


def login_throttle(*, username: str, ip: str) -> Throttle:
    """How long an attempt for this name from this address has to wait before a password is checked."""
    now = _now()
    return _throttle(_counts(_name(username), ip, now), now)


def login_is_locked(*, username: str, ip: str) -> bool:
    """True while a delay runs for this name from this address (see the module docstring); never for good."""
    return login_throttle(username=username, ip=ip).wait > 0


def _milestone(count: int, start: int) -> bool:
    """`start`, 2 × `start`, 4 × `start` …: the counts at which a summary is audited."""
    return count >= start and count % start == 0 and ((count // start) & (count // start - 1)) == 0


def _prune(now: dt.datetime) -> None:
    LoginThrottle.objects.filter(
        Q(last_failure_at__lt=_forget_before(now)) | Q(last_failure_at__isnull=True),
        Q(last_success_at__isnull=True) | Q(last_success_at__lt=now - KNOWN_FOR),
    ).delete()


@transaction.atomic
def login_failure_record(*, username: str, ip: str, via: str = "login") -> None:
    """Count one wrong password (`via` "login" or "signature") and audit it if it is one of the summary's."""
    name, now = _name(username), _now()
    _prune(now)
    row, _ = LoginThrottle.objects.select_for_update().get_or_create(username=name, ip=ip)
    if row.last_failure_at is None or row.last_failure_at < _forget_before(now):
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    row.save(update_fields=["failures", "last_failure_at"])
    counts = _counts(name, ip, now)
    total = (LoginThrottle.objects.filter(last_failure_at__gte=_forget_before(now))
             .aggregate(n=Sum("failures"))["n"] or 0)  # all names from all addresses
    free, wide, everywhere = _free(), 4 * _free(), 20 * _free()
    action, scope = "", ""
    if counts.pair == free:
        action, scope = "login_throttled", SCOPE_PAIR
    elif counts.account == wide:
        action, scope = "login_throttled", SCOPE_ACCOUNT
    elif counts.address == wide:
        action, scope = "login_throttled", SCOPE_ADDRESS
    elif via == "login":
        first = counts.pair == 1 and counts.account < wide and counts.address < wide and total < everywhere
        doubled = (_milestone(counts.pair, free) or _milestone(counts.account, wide)
                   or _milestone(counts.address, wide) or _milestone(total, everywhere))
        action = "login_failed" if first or doubled else ""
    if not action:
        return
    data: dict[str, object] = {
        "username": (username or "")[:150], "via": via, "failures": counts.pair,
        "account_failures": counts.account, "address_failures": counts.address, "all_failures": total,
        "wait": _throttle(counts, now).wait,
    }
    if scope:
        data["scope"] = scope
    audit_append(actor=None, action=action, ip=ip, data=data)


@transaction.atomic
def login_success_record(*, username: str, ip: str) -> None:
    """A correct password: the pair's failures are cleared and the address becomes known to the account."""
    now = _now()
    _prune(now)
    LoginThrottle.objects.update_or_create(username=_name(username), ip=ip,
                                           defaults={"failures": 0, "last_success_at": now})


def _directory_password_ok(user: User, password: str) -> bool:
    """A directory account (no local password) signs with its directory password when LDAP is on."""
    if user.has_usable_password() or not password or not getattr(settings, "PROSEDUR_LDAP_ENABLED", False):
        return False
    from .directory import ProsedurLDAPBackend

    checked = ProsedurLDAPBackend().authenticate(None, username=user.username, password=password)
    return checked is not None and checked.pk == user.pk


def password_confirm(*, user: User, password: str, ip: str) -> bool:
    """Re-check a signed-in user's password (signing). Refused unchecked while throttled; a failure counts
    towards the same delays as a failed login (audited by the caller, `signature_failed`)."""
    if login_is_locked(username=user.username, ip=ip):
        return False
    if user.check_password(password) or _directory_password_ok(user, password):
        login_success_record(username=user.username, ip=ip)
        return True
    login_failure_record(username=user.username, ip=ip, via="signature")
    return False
