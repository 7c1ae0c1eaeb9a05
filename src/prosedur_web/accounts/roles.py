"""The role groups and what each may do, per object: the one place permissions are decided.

Own unit: a procedure belongs to the user's unit or to a unit below it (the head of PUSDATIN governs
the IKI division's procedures). Effective and obsolete revisions are readable by every signed-in
user; drafts and revisions in review only by their unit's authors, reviewers, approvers, and by
document controllers and admins.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prosedur_web.procedures.models import Procedure, Revision


class Role(StrEnum):
    AUTHOR = "penyusun"
    REVIEWER = "pemeriksa"
    APPROVER = "pengesah"
    CONTROLLER = "pengendali_dokumen"
    READER = "pembaca"
    ADMIN = "admin"


ROLE_LABEL_KEYS = {
    Role.AUTHOR: "role_author",
    Role.REVIEWER: "role_reviewer",
    Role.APPROVER: "role_approver",
    Role.CONTROLLER: "role_controller",
    Role.READER: "role_reader",
    Role.ADMIN: "role_admin",
}


def roles_of(user: Any) -> set[Role]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached: set[Role] | None = getattr(user, "_prosedur_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = {r for r in Role if r.value in names}
        if user.is_superuser:
            cached.add(Role.ADMIN)
        user._prosedur_roles = cached
    return cached


def has_role(user: Any, *roles: Role) -> bool:
    return bool(roles_of(user) & set(roles))


def in_own_unit(user: Any, procedure: Procedure) -> bool:
    if not getattr(user, "is_authenticated", False) or user.unit_id is None or procedure.owner_unit_id is None:
        return False
    return any(u.pk == user.unit_id for u in procedure.owner_unit.ancestors_and_self())


def is_overseer(user: Any) -> bool:
    return has_role(user, Role.CONTROLLER, Role.ADMIN)


def can_view_procedure(user: Any, procedure: Procedure) -> bool:
    return bool(roles_of(user))


def is_assigned_reviewer(user: Any, revision: Revision) -> bool:
    """Asked to review this revision in its current round: a reviewer of a unit whose roles act in the
    procedure (reviews.selectors.reviewer_candidates) who need not be in the owner unit's chain. The
    user's assignments are read once per request."""
    if not getattr(user, "is_authenticated", False) or not has_role(user, Role.REVIEWER):
        return False
    assigned: set[tuple[int, int]] | None = getattr(user, "_prosedur_assigned", None)
    if assigned is None:
        from prosedur_web.reviews.models import ReviewAssignment

        assigned = set(ReviewAssignment.objects.filter(reviewer=user).values_list("revision_id", "round"))
        user._prosedur_assigned = assigned
    return (revision.pk, revision.review_round) in assigned


def can_view_revision(user: Any, revision: Revision) -> bool:
    if not roles_of(user):
        return False
    if revision.status in ("effective", "obsolete"):
        return True
    if is_overseer(user):
        return True
    if has_role(user, Role.AUTHOR, Role.REVIEWER, Role.APPROVER) and in_own_unit(user, revision.procedure):
        return True
    return revision.status in ("draft", "in_review") and is_assigned_reviewer(user, revision)


def can_edit_revision(user: Any, revision: Revision) -> bool:
    """A draft, by its unit's authors; a draft made from an uploaded SOP file also by the document
    controller (and admin) who imports, to check it against the original before review."""
    if revision.status != "draft":
        return False
    if has_role(user, Role.AUTHOR) and in_own_unit(user, revision.procedure):
        return True
    return is_overseer(user) and is_imported_draft(revision)


def is_imported_draft(revision: Revision) -> bool:
    from prosedur_web.sopimport.models import ImportFile

    return ImportFile.objects.filter(revision=revision).exists()


def can_start_revision(user: Any, procedure: Procedure) -> bool:
    return has_role(user, Role.AUTHOR) and in_own_unit(user, procedure)


def can_review(user: Any, revision: Revision) -> bool:
    """The owner unit's chain, or a reviewer of another involved unit the author asked in this round."""
    return has_role(user, Role.REVIEWER) and (in_own_unit(user, revision.procedure)
                                              or is_assigned_reviewer(user, revision))


def can_comment(user: Any, revision: Revision) -> bool:
    return revision.status in ("draft", "in_review") and can_view_revision(user, revision) and has_role(
        user, Role.AUTHOR, Role.REVIEWER, Role.APPROVER, Role.CONTROLLER, Role.ADMIN
    )


def can_approve(user: Any, revision: Revision) -> bool:
    return has_role(user, Role.APPROVER) and in_own_unit(user, revision.procedure)


def can_acknowledge(user: Any, revision: Revision) -> bool:
    """An effective revision, by the people it was distributed to (socialisation.selectors.distributed_to)."""
    if revision.status != "effective" or not roles_of(user):
        return False
    from prosedur_web.socialisation.selectors import distributed_to

    return distributed_to(user, revision)


def can_view_audit(user: Any) -> bool:
    return is_overseer(user)


def can_download(user: Any, revision: Revision) -> bool:
    """Effective revisions (controlled copies) for everyone who may read them; other states (drafts,
    obsolete copies) only for the people who work on documents, not for readers."""
    if not can_view_revision(user, revision):
        return False
    if revision.status == "effective":
        return True
    return has_role(user, Role.AUTHOR, Role.REVIEWER, Role.APPROVER, Role.CONTROLLER, Role.ADMIN)


def can_view_socialisation_overview(user: Any) -> bool:
    """Who reads the socialisation progress pages: overseers, and approvers as the heads of their units."""
    return has_role(user, Role.APPROVER, Role.CONTROLLER, Role.ADMIN)


def can_view_socialisation_progress(user: Any, procedure: Procedure) -> bool:
    """Progress of one procedure: overseers everywhere, approvers (unit heads) for their own units."""
    return is_overseer(user) or (has_role(user, Role.APPROVER) and in_own_unit(user, procedure))


def can_view_notifications(user: Any) -> bool:
    return bool(roles_of(user))


# -- management-system view (sms) ----------------------------------------------------------------------
def can_view_coverage(user: Any) -> bool:
    """The clause coverage is derived from effective procedures: every signed-in user may read it."""
    return bool(roles_of(user))


def can_view_registers(user: Any) -> bool:
    """The registers list drafts and obsolete revisions too: the document controller's (and admin's) tool."""
    return is_overseer(user)


def can_view_review_calendar(user: Any) -> bool:
    """People who own or govern documents; plain readers have nothing to review."""
    return has_role(user, Role.AUTHOR, Role.REVIEWER, Role.APPROVER, Role.CONTROLLER, Role.ADMIN)


def can_view_monthly_report(user: Any) -> bool:
    """The monthly document-control report lists every unit's drafts and the audit trail's state, as the
    registers and the audit page do: the document controller's (and admin's) report to management."""
    return is_overseer(user)


def is_review_owner(user: Any, procedure: Procedure) -> bool:
    """Who is reminded of a due review: the owner unit's authors and approvers."""
    return has_role(user, Role.AUTHOR, Role.APPROVER) and in_own_unit(user, procedure)


def can_record_review(user: Any, procedure: Procedure) -> bool:
    """"Reviewed, no change": the owner unit's authors and approvers, or the document controller."""
    return is_overseer(user) or is_review_owner(user, procedure)


# -- new procedures and the library as a whole -----------------------------------------------------------
def can_create_procedure(user: Any, unit: Any = None) -> bool:
    """The new-procedure wizard: authors for their own unit (or a unit below it), admins for any unit.
    Without a unit: whether the user may open the wizard at all."""
    if has_role(user, Role.ADMIN):
        return True
    if not has_role(user, Role.AUTHOR):
        return False
    if unit is None:
        return True
    return user.unit_id is not None and any(u.pk == user.unit_id for u in unit.ancestors_and_self())


def can_transfer_library(user: Any) -> bool:
    """Export and import the whole library as a .zip: the document controller and admins."""
    return is_overseer(user)


# -- signed SOP files brought in (sopimport) ---------------------------------------------------------------
def can_import_sops(user: Any) -> bool:
    """Upload signed PDF/Word SOPs to become drafts: the document controller and admins."""
    return is_overseer(user)


def can_view_import_batch(user: Any, batch: Any) -> bool:
    """A batch's progress and report: the controller who uploaded it, and admins."""
    return is_overseer(user) and (batch.user_id == user.pk or has_role(user, Role.ADMIN))


def can_view_import_file(user: Any, file: Any) -> bool:
    """The original of an imported draft and its page images: whoever may see that draft."""
    return file.revision_id is not None and can_view_revision(user, file.revision)
