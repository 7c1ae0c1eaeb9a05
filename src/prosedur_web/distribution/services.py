"""Who must follow a procedure, and telling them when a revision takes effect.

The units come from the core's distribution list (Daftar Distribusi: the owner unit and the units of
the roles acting in the steps); every active user with a role in those units or below them is in the
audience. The same rule serves distribution (when a revision takes effect) and socialisation
progress (computed now, so people who joined a unit later are counted too).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from prosedur.errors import SourceError
from prosedur_web import services as core
from prosedur_web.accounts.models import Unit, User
from prosedur_web.accounts.roles import Role
from prosedur_web.audit.services import audit_append
from prosedur_web.common.labels import label
from prosedur_web.procedures import selectors
from prosedur_web.procedures.models import Revision, RevisionStatus

from .models import Notification

log = logging.getLogger(__name__)


# -- audience ----------------------------------------------------------------------------------------
def units_below(codes: list[str]) -> list[Unit]:
    """The units with these codes and every unit under them (sub-units follow their parent's procedures)."""
    units = list(Unit.objects.all())
    children: dict[int | None, list[Unit]] = defaultdict(list)
    for u in units:
        children[u.parent_id].append(u)
    found: dict[int, Unit] = {}
    stack = [u for u in units if u.code in set(codes)]
    while stack:
        unit = stack.pop()
        if unit.pk in found:
            continue
        found[unit.pk] = unit
        stack.extend(children[unit.pk])
    return sorted(found.values(), key=lambda u: u.name)


def users_in(units: list[Unit]) -> QuerySet[User]:
    """Active users with a role (who can sign in and acknowledge) in these units."""
    return (User.objects.filter(is_active=True, unit__in=units)
            .filter(Q(groups__name__in=[r.value for r in Role]) | Q(is_superuser=True))
            .distinct().select_related("unit").order_by("full_name", "username"))


def _parsed(rev: Revision) -> core.Procedure | None:
    try:
        return core.with_status(core.parse_source(rev.yaml_source, rev.procedure.number), rev.status)
    except SourceError:
        return None


def distribution_codes(revision: Revision) -> list[str]:
    """Unit codes one revision goes to (read as if effective: it is distributed when it becomes so)."""
    proc = _parsed(revision)
    if proc is None:
        return [revision.procedure.owner_unit.code]
    proc = core.with_status(proc, "effective")
    library = selectors.library_with(proc)
    return core.distribution_units(library).get(proc.number) or [revision.procedure.owner_unit.code]


def effective_distribution() -> dict[int, list[str]]:
    """Revision id -> unit codes, for every effective revision, from one library (one parse each).

    Kept in the cache under the library's fingerprint (the library file and the revisions in force: what
    the list depends on), so the header's task count does not assemble the library on every page."""
    from django.core.cache import cache

    key = "prosedur:effective_distribution:" + selectors.library_fingerprint()
    found = cache.get(key)
    if found is None:
        found = _effective_distribution()
        cache.set(key, found, 24 * 3600)
    return found


def _effective_distribution() -> dict[int, list[str]]:
    revs = list(Revision.objects.filter(status=RevisionStatus.EFFECTIVE).select_related("procedure__owner_unit"))
    procs = {rev.pk: p for rev in revs if (p := _parsed(rev)) is not None}
    library = core.library_for(core.library_info(selectors.library_source_text()), list(procs.values()))
    by_number = core.distribution_units(library)
    return {rev.pk: (by_number.get(rev.procedure.number) if rev.pk in procs else None)
            or [rev.procedure.owner_unit.code] for rev in revs}


def audience(revision: Revision, codes: list[str] | None = None) -> list[User]:
    return list(users_in(units_below(codes if codes is not None else distribution_codes(revision))))


# -- distribution ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Distributed:
    units: list[str]
    notified: int


def _subject(rev: Revision, lang: str) -> str:
    return label("dist_subject", lang, number=rev.procedure.number, rev=rev.number)


def notification_text(n: Notification, lang: str) -> str:
    rev = n.revision
    title = rev.procedure.title_en if lang == "en" and rev.procedure.title_en else rev.procedure.title
    if n.kind == Notification.Kind.WITHDRAWN:
        on = rev.procedure.withdrawn_on
        return label("dist_withdrawn_text", lang, number=rev.procedure.number, title=title, rev=rev.number,
                     date=on.strftime("%d-%m-%Y") if on else "—", reason=rev.procedure.withdrawn_reason)
    date = rev.effective_date.strftime("%d-%m-%Y") if rev.effective_date else "—"
    return label("dist_text", lang, number=rev.procedure.number, title=title, rev=rev.number, date=date)


def _email(n: Notification) -> EmailMessage:
    """Bilingual plain-text message: Indonesian first, then English (no user language is stored)."""
    path = reverse("procedures:procedure_detail", kwargs={"pk": n.revision.procedure_id})
    link = (getattr(settings, "PROSEDUR_SITE_URL", "") or "").rstrip("/") + path
    withdrawn = n.kind == Notification.Kind.WITHDRAWN
    ask = "dist_withdrawn_ask" if withdrawn else "dist_ask"
    body = "\n\n".join([
        label("dist_greeting", "id", name=n.user.full_name or n.user.username),
        notification_text(n, "id"), label(ask, "id"), link, "—",
        notification_text(n, "en"), label(ask, "en"), link,
    ])
    subject = (lambda lang: label("dist_withdrawn_subject", lang, number=n.revision.procedure.number)) if withdrawn \
        else (lambda lang: _subject(n.revision, lang))
    return EmailMessage(subject=f"{subject('id')} / {subject('en')}", body=body, to=[n.user.email])


def _send(ids: list[int]) -> None:
    """After commit: e-mail each notified user who has an address; a mail server failure is logged,
    not raised (the in-app notification already stands)."""
    pending = list(Notification.objects.filter(pk__in=ids, emailed=False).exclude(user__email="")
                   .select_related("user", "revision__procedure"))
    if not pending:
        return
    try:
        sent = get_connection(fail_silently=False).send_messages([_email(n) for n in pending])
    except Exception:  # noqa: BLE001 - SMTP trouble must not undo the distribution
        log.exception("distribution e-mail failed for %d users", len(pending))
        return
    if sent:
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed=True)


@transaction.atomic
def revision_distribute(*, revision: Revision, actor: object = None, ip: str = "") -> Distributed:
    """Notify everyone who must follow this (now effective) revision; idempotent per user and revision."""
    rev = Revision.objects.select_related("procedure__owner_unit").get(pk=revision.pk)
    codes = distribution_codes(rev)
    users = audience(rev, codes)
    existing = set(Notification.objects.filter(revision=rev, kind=Notification.Kind.DISTRIBUTED)
                   .values_list("user_id", flat=True))
    new = Notification.objects.bulk_create([
        Notification(user=u, revision=rev, unit=u.unit, kind=Notification.Kind.DISTRIBUTED)
        for u in users if u.pk not in existing
    ])
    ids = list(Notification.objects.filter(revision=rev, user__in=[n.user for n in new])
               .values_list("pk", flat=True))
    audit_append(actor=actor, action="revision_distribute", target=rev, ip=ip,
                 data={"units": codes, "users": sorted(u.username for u in users)})
    transaction.on_commit(lambda: _send(ids))
    return Distributed(codes, len(new))


@transaction.atomic
def revision_withdrawn_notify(*, revision: Revision, actor: object = None, ip: str = "") -> int:
    """Tell everyone the revision had been distributed to that the procedure is withdrawn (dicabut)."""
    users = list(User.objects.filter(notifications__revision=revision,
                                     notifications__kind=Notification.Kind.DISTRIBUTED, is_active=True).distinct())
    Notification.objects.bulk_create([Notification(user=u, revision=revision, unit=u.unit,
                                                   kind=Notification.Kind.WITHDRAWN) for u in users],
                                     ignore_conflicts=True)
    ids = list(Notification.objects.filter(revision=revision, kind=Notification.Kind.WITHDRAWN)
               .values_list("pk", flat=True))
    audit_append(actor=actor, action="revision_withdrawn_notified", target=revision, ip=ip,
                 data={"users": sorted(u.username for u in users)})
    transaction.on_commit(lambda: _send(ids))
    return len(users)


# -- notifications -----------------------------------------------------------------------------------
def notification_list(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("revision__procedure")


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@transaction.atomic
def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
