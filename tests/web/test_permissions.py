"""A generated permission matrix: every URL name × every role × own/other unit's object.

The expected outcome is written here as a table, independently of `accounts/roles.py`; a URL name
added to the URLconf without a row here fails `test_every_url_name_is_in_the_matrix`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from prosedur_web.procedures import services
from prosedur_web.reviews import services as reviews

from .conftest import World, add_history

ROLES = ["anonymous", "reader", "author", "reviewer", "approver", "controller", "admin"]
SIDES = ["own", "other"]
EVERYONE = set(ROLES) - {"anonymous"}
OVERSEERS = {"controller", "admin"}


@dataclass(frozen=True)
class Case:
    method: str
    target: Callable[[dict[str, Any], str], dict[str, Any]]
    own: set[str]  # roles allowed on their own unit's object
    other: set[str]  # roles allowed on another unit's object
    public: bool = False  # anonymous users get the page too (else: redirect to login)


def none(objs: dict[str, Any], side: str) -> dict[str, Any]:
    return {}


def by(key: str, attr: str = "pk", kw: str = "pk") -> Callable[[dict[str, Any], str], dict[str, Any]]:
    return lambda objs, side: {kw: getattr(objs[side][key], attr)}


MATRIX: dict[str, Case] = {
    "procedures:procedure_list": Case("get", none, EVERYONE, EVERYONE),
    "procedures:procedure_detail": Case("get", by("procedure"), EVERYONE, EVERYONE),
    "procedures:revision_detail": Case("get", by("draft"), {"author", "reviewer", "approver"} | OVERSEERS, OVERSEERS),
    "procedures:revision_edit": Case("get", by("draft"), {"author"}, set()),
    "procedures:revision_editor": Case("get", by("draft"), {"author"}, set()),
    "procedures:revision_editor_save": Case("post", by("draft"), {"author"}, set()),
    "procedures:revision_editor_preview": Case("post", by("draft"), {"author"}, set()),
    "procedures:revision_diff": Case("get", by("draft"), {"author", "reviewer", "approver"} | OVERSEERS, OVERSEERS),
    "procedures:procedure_redline": Case("get", by("procedure"), EVERYONE, EVERYONE),
    "procedures:revision_submit": Case("get", by("draft"), {"author"}, set()),
    "procedures:revision_approve": Case("get", by("draft"), {"approver"}, set()),
    "procedures:revision_start": Case("post", by("procedure"), {"author"}, set()),
    # taking back (reversals.py): discarding a draft is its author's, or the document controller's anywhere
    "procedures:revision_reverse": Case("post", lambda objs, side: {"pk": objs[side]["draft"].pk, "action": "discard"},
                                        {"author", "controller"}, {"controller"}),
    "procedures:procedure_withdraw": Case("post", by("procedure"), OVERSEERS, OVERSEERS),
    "procedures:revision_verify": Case("get", by("effective", "content_hash", "content_hash"),
                                       EVERYONE, EVERYONE, public=True),
    "procedures:verify_upload": Case("get", none, EVERYONE, EVERYONE, public=True),
    "reviews:review_decide": Case("post", by("draft"), {"reviewer"}, set()),
    "reviews:comment_create": Case("post", by("draft"), {"author", "reviewer", "approver"} | OVERSEERS, OVERSEERS),
    # the comment is the reviewer's, on the author's draft: both may resolve it, and overseers
    "reviews:comment_resolve": Case("post", by("comment"), {"author", "reviewer"} | OVERSEERS, OVERSEERS),
    "socialisation:acknowledgement_create": Case("post", by("effective"), EVERYONE, EVERYONE),
    # drafts: the people working on them; readers download effective revisions only (test_downloads)
    "procedures:revision_download": Case("get", lambda objs, side: {"pk": objs[side]["draft"].pk, "fmt": "svg"},
                                         {"author", "reviewer", "approver"} | OVERSEERS, OVERSEERS),
    "socialisation:pending_list": Case("get", none, EVERYONE, EVERYONE),
    "socialisation:progress_list": Case("get", none, {"approver"} | OVERSEERS, {"approver"} | OVERSEERS),
    "socialisation:progress_detail": Case("get", by("procedure"), {"approver"} | OVERSEERS, OVERSEERS),
    "work:my_work": Case("get", none, EVERYONE, EVERYONE),
    "distribution:notification_list": Case("get", none, EVERYONE, EVERYONE),
    "distribution:notifications_mark_read": Case("post", none, EVERYONE, EVERYONE),
    "audit:auditentry_list": Case("get", none, OVERSEERS, OVERSEERS),
    "accounts:login": Case("get", none, EVERYONE, EVERYONE, public=True),
    # people pages: the document controller and the admin
    # SSO (off here): back to the login form for everyone; on: tests/web/test_oidc.py
    "accounts:oidc_start": Case("get", none, EVERYONE, EVERYONE, public=True),
    "accounts:oidc_callback": Case("get", none, EVERYONE, EVERYONE, public=True),
    "accounts:people_list": Case("get", none, OVERSEERS, OVERSEERS),
    "accounts:person_create": Case("get", none, OVERSEERS, OVERSEERS),
    "accounts:person_edit": Case("get", lambda objs, side: {"pk": objs["own"]["procedure"].owner_unit.members.first().pk},
                                 OVERSEERS, OVERSEERS),
    # aimed at the admin: the controller may not deactivate an admin, the admin not themself (refused in words)
    "accounts:person_set_active": Case("post", lambda objs, side: {"pk": _admin_pk()}, OVERSEERS, OVERSEERS),
    "accounts:people_import": Case("get", none, OVERSEERS, OVERSEERS),
    "accounts:unit_tree": Case("get", none, OVERSEERS, OVERSEERS),
    "accounts:logout": Case("post", none, EVERYONE, EVERYONE, public=True),
    "set_language": Case("post", none, EVERYONE, EVERYONE, public=True),
    "sms:coverage": Case("get", none, EVERYONE, EVERYONE),
    "sms:coverage_export": Case("get", lambda objs, side: {"fmt": "csv"}, EVERYONE, EVERYONE),
    "sms:register": Case("get", lambda objs, side: {"kind": "documents"}, OVERSEERS, OVERSEERS),
    "sms:register_export": Case("get", lambda objs, side: {"kind": "records", "fmt": "csv"}, OVERSEERS, OVERSEERS),
    "sms:review_calendar": Case("get", none, {"author", "reviewer", "approver"} | OVERSEERS,
                                {"author", "reviewer", "approver"} | OVERSEERS),
    "sms:reviewrecord_create": Case("post", by("procedure"), {"author", "approver"} | OVERSEERS, OVERSEERS),
    "sms:socialisation_dashboard": Case("get", none, {"approver"} | OVERSEERS, {"approver"} | OVERSEERS),
    # every unit's drafts and the audit trail's state: the document controller's report to management
    "sms:monthly_report": Case("get", none, OVERSEERS, OVERSEERS),
    "sms:monthly_report_export": Case("get", lambda objs, side: {"fmt": "html"}, OVERSEERS, OVERSEERS),
    # the new-procedure wizard: authors (for their own units) and admins; the unit is chosen inside
    "procedures:procedure_wizard": Case("get", none, {"author", "admin"}, {"author", "admin"}),
    "procedures:library_transfer": Case("get", none, OVERSEERS, OVERSEERS),
    "procedures:library_export": Case("get", none, OVERSEERS, OVERSEERS),
    "procedures:library_import": Case("post", none, OVERSEERS, OVERSEERS),
    # signed SOP files brought in as drafts: the uploader (a controller) and admins see the batch; the
    # original and its page images go with the draft, to whoever may see it (as revision_detail)
    "sopimport:sop_upload": Case("get", none, OVERSEERS, OVERSEERS),
    "sopimport:batch_detail": Case("get", lambda objs, side: {"pk": _import_file(objs, side).batch_id},
                                   OVERSEERS, OVERSEERS),
    "sopimport:batch_status": Case("get", lambda objs, side: {"pk": _import_file(objs, side).batch_id},
                                   OVERSEERS, OVERSEERS),
    "sopimport:file_original": Case("get", lambda objs, side: {"pk": _import_file(objs, side).pk},
                                    {"author", "reviewer", "approver"} | OVERSEERS, OVERSEERS),
    "sopimport:file_page": Case("get", lambda objs, side: {"pk": _import_file(objs, side).pk, "page": 1},
                                {"author", "reviewer", "approver"} | OVERSEERS, OVERSEERS),
}


def _import_file(objs: dict[str, Any], side: str) -> Any:
    """The side's draft as if made from an uploaded one-page PDF, in a batch the controller uploaded."""
    if "import_file" not in objs[side]:
        from prosedur_web.accounts.models import User
        from prosedur_web.sopimport.models import ImportBatch, ImportFile
        from tests.core.test_import import _pdf

        batch = ImportBatch.objects.create(user=User.objects.get(username="controller"), total=1, state="done")
        objs[side]["import_file"] = ImportFile.objects.create(
            batch=batch, order=0, name="sop.pdf", kind="pdf", status="ok", pages=1, revision=objs[side]["draft"],
            data=_pdf([b"BT /F1 12 Tf 72 700 Td (Nomor SOP) Tj ET"]))
    return objs[side]["import_file"]


def _admin_pk() -> int:
    from prosedur_web.accounts.models import User

    return int(User.objects.filter(groups__name="admin").order_by("pk").values_list("pk", flat=True)[0])


def url_names() -> set[str]:
    names: set[str] = set()

    def walk(resolver: Any, prefix: str) -> None:
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                ns = pattern.namespace
                walk(pattern, f"{prefix}{ns}:" if ns else prefix)
            elif pattern.name:
                names.add(prefix + pattern.name)

    walk(get_resolver(), "")
    return names


def test_every_url_name_is_in_the_matrix() -> None:
    assert url_names() == set(MATRIX)


@pytest.fixture
def objects(world: World) -> dict[str, Any]:
    """Per side: the procedure, its effective revision, a draft (revision 1) and a reviewer's comment on it."""
    out: dict[str, Any] = {}
    for side, procedure in (("own", world.own), ("other", world.other)):
        effective = world.effective(procedure)
        draft = procedure.revisions.create(number=1, status="draft", author=world.users["author"],
                                           yaml_source=add_history(effective.yaml_source, 1))
        comment = draft.comments.create(author=world.users["reviewer"], text="Catatan")
        out[side] = {"procedure": procedure, "effective": effective, "draft": draft, "comment": comment}
    # The reviewer is assigned to both drafts, so only the unit decides.
    for side in SIDES:
        out[side]["draft"].assignments.create(round=1, reviewer=world.users["reviewer"])
    return out


def expected(case: Case, role: str, side: str) -> str:
    if role == "anonymous":
        return "allowed" if case.public else "login"
    return "allowed" if role in (case.own if side == "own" else case.other) else "forbidden"


def outcome(response: Any) -> str:
    if response.status_code == 403:
        return "forbidden"
    if response.status_code == 302 and "/akun/masuk/" in response.headers.get("Location", "") \
            and "next=" in response.headers.get("Location", ""):
        return "login"
    if response.status_code in (200, 302, 400, 409):
        return "allowed"
    return f"HTTP {response.status_code}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission_matrix(name: str, world: World, objects: dict[str, Any]) -> None:
    case = MATRIX[name]
    failures = []
    for role in ROLES:
        for side in SIDES:
            client = Client()
            if role != "anonymous":
                client.force_login(world.users[role])
            url = reverse(name, kwargs=case.target(objects, side))
            response = getattr(client, case.method)(url)
            got, want = outcome(response), expected(case, role, side)
            if got != want:
                failures.append(f"{role:<10} {side:<5} {case.method.upper()} {url}: {got}, expected {want}")
    assert not failures, "\n".join(failures)


def test_get_on_post_only_views_is_refused(world: World, objects: dict[str, Any], client: Client) -> None:
    client.force_login(world.users["author"])
    response = client.get(reverse("procedures:revision_start", kwargs={"pk": objects["own"]["procedure"].pk}))
    assert response.status_code == 405


def test_reviewer_of_other_unit_cannot_comment_via_service(world: World, objects: dict[str, Any]) -> None:
    from prosedur_web.common.errors import ActionRefused

    with pytest.raises(ActionRefused):
        reviews.comment_create(revision=objects["other"]["draft"], author=world.users["reviewer"], text="x")
    with pytest.raises(ActionRefused):
        services.revision_start(procedure=world.other, user=world.users["author"])
