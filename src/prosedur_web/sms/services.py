"""Changes made from the management-system view: "reviewed, no change" and review reminders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from prosedur.iso20000.calendar import ReviewItem, ReviewState, due_date, review_schedule
from prosedur_web.accounts import roles
from prosedur_web.accounts.models import User
from prosedur_web.audit.services import audit_append
from prosedur_web.common.errors import ActionRefused
from prosedur_web.common.labels import label
from prosedur_web.procedures.models import Procedure, Revision, RevisionStatus

from . import selectors
from .models import ReviewRecord


@transaction.atomic
def reviewrecord_create(*, procedure: Procedure, user: User, note: str, today: dt.date | None = None,
                        ip: str = "") -> ReviewRecord:
    """Record a periodic review that changes nothing: evidence, a new due date, an audit entry."""
    if not roles.can_record_review(user, procedure):
        raise ActionRefused.of("forbidden")
    note = note.strip()
    if not note:
        raise ActionRefused.of("err_review_note")
    rev = (Revision.objects.select_for_update().select_related("procedure")
           .filter(procedure=procedure, status=RevisionStatus.EFFECTIVE).first())
    if rev is None:
        raise ActionRefused.of("err_no_effective")
    today = today or timezone.localdate()
    library = selectors.library()
    proc = next((p for p in library.procedures if p.number == procedure.number and p.revision == rev.number), None)
    if proc is None:
        raise ActionRefused.of("err_source_invalid")
    months = library.info.review_interval_months
    proc = proc.model_copy(update={"review_due": None})  # the interval restarts from this review
    next_due = due_date(proc, months, today)
    record = ReviewRecord.objects.create(revision=rev, reviewed_by=user, reviewed_on=today, note=note[:2000],
                                         next_due=next_due)
    previous = rev.review_due
    rev.review_due = next_due
    rev.save(update_fields=["review_due", "updated_at"])
    audit_append(actor=user, action="review_no_change", target=rev, ip=ip,
                 data={"reviewed_on": today.isoformat(), "note": note[:500],
                       "previous_due": previous.isoformat() if previous else None,
                       "next_due": next_due.isoformat() if next_due else None})
    return record


@dataclass(frozen=True)
class Reminder:
    user: User
    items: list[ReviewItem]


def review_reminders(*, today: dt.date, soon_days: int = 30) -> list[Reminder]:
    """Who owns an overdue or soon-due review (the owner unit's authors and approvers), with their items."""
    items = [i for i in review_schedule(selectors.library(), today, reviewed=selectors.last_reviews(),
                                        soon_days=soon_days)
             if i.state in (ReviewState.OVERDUE, ReviewState.DUE_SOON)]
    if not items:
        return []
    procedures = selectors.procedures_by_number()
    users = list(User.objects.filter(is_active=True).exclude(email="").select_related("unit").order_by("username"))
    out = []
    for user in users:
        mine = [i for i in items if i.number in procedures and roles.is_review_owner(user, procedures[i.number])]
        if mine:
            out.append(Reminder(user, mine))
    return out


def _lang_of(user: User) -> str:
    return user.language if user.language in ("id", "en") else "id"


def send_review_reminders(*, today: dt.date, soon_days: int = 30, dry_run: bool = False) -> list[Reminder]:
    """One e-mail per owner listing their due and overdue reviews; each sending is audited."""
    reminders = review_reminders(today=today, soon_days=soon_days)
    for reminder in reminders:
        lang = _lang_of(reminder.user)
        lines = [label("sms_mail_intro", lang, name=reminder.user.full_name or reminder.user.username), ""]
        for item in reminder.items:
            state = label(f"sms_state_{item.state}", lang)
            lines.append(f"- {item.number} {item.display_title(lang)} (Rev. {item.revision}): "
                         f"{item.due.isoformat() if item.due else '-'} — {state}")
        lines += ["", label("sms_mail_outro", lang)]
        if dry_run:
            continue
        send_mail(label("sms_mail_subject", lang, n=len(reminder.items)), "\n".join(lines),
                  getattr(settings, "DEFAULT_FROM_EMAIL", None), [reminder.user.email])
        with transaction.atomic():
            audit_append(actor=None, action="review_reminder_sent", target=reminder.user,
                         data={"to": reminder.user.get_username(), "procedures": [i.number for i in reminder.items],
                               "today": today.isoformat()})
    return reminders
