"""Socialisation: readers state they have read and understood the effective revision."""

from __future__ import annotations

from django.db import transaction

from prosedur_web.accounts import roles
from prosedur_web.accounts.models import User
from prosedur_web.audit.services import audit_append
from prosedur_web.common.errors import ActionRefused
from prosedur_web.procedures.models import Revision

from .models import Acknowledgement


@transaction.atomic
def acknowledgement_create(*, revision: Revision, user: User, ip: str = "") -> Acknowledgement:
    """Only by someone the effective revision was distributed to (`roles.can_acknowledge`). Idempotent:
    acknowledging twice keeps the first time."""
    rev = Revision.objects.select_related("procedure__owner_unit").get(pk=revision.pk)
    if rev.status != "effective":
        raise ActionRefused.of("err_not_effective")
    if not roles.can_acknowledge(user, rev):
        raise ActionRefused.of("err_not_distributed")
    ack, created = Acknowledgement.objects.get_or_create(revision=rev, user=user)
    if created:
        audit_append(actor=user, action="acknowledge", target=rev, ip=ip)
    return ack
