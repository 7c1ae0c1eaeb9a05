"""People: the document controller and the admin set up accounts without a shell.

A person is never deleted: their name, NIP and position are on signatures of record and in the audit
trail, so leaving the organisation is *deactivation* (no sign-in, no tasks, no distribution). Roles are
the role groups (`roles.Role`); only an admin grants or takes away the admin and controller roles, so a
controller cannot make themself or anyone else an admin. Every change is audited with what changed.

Bulk import reads a CSV (one row per person: username, full_name, nip, position, unit, email, roles,
language) and
is all or nothing: every row is checked first and every problem is reported with its row number and
column, in the reader's language; only a file without problems changes anything.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from prosedur_web.audit.services import audit_append
from prosedur_web.common.errors import ActionRefused
from prosedur_web.common.labels import label

from . import roles
from .models import Unit, User
from .roles import Role

NIP = re.compile(r"^\d{18}$")  # Nomor Induk Pegawai: 18 digits (birth date, appointment, sex, serial)
USERNAME = re.compile(r"^[\w.@+-]{1,150}$")
CSV_COLUMNS = ("username", "full_name", "nip", "position", "unit", "email", "roles", "language")
CSV_MAX_ROWS = 50_000
GUARDED = frozenset({Role.ADMIN, Role.CONTROLLER})
"""Roles only an admin may grant or take away."""


def may_manage_people(user: Any) -> bool:
    return roles.has_role(user, Role.ADMIN, Role.CONTROLLER)


def grantable(actor: Any) -> list[Role]:
    """The roles `actor` may give or take away."""
    if roles.has_role(actor, Role.ADMIN):
        return list(Role)
    if roles.has_role(actor, Role.CONTROLLER):
        return [r for r in Role if r not in GUARDED]
    return []


@dataclass
class Person:
    """What a form or a CSV row says about one person (already stripped)."""

    username: str
    full_name: str
    nip: str = ""
    position: str = ""
    unit: str = ""
    email: str = ""
    roles: list[str] = field(default_factory=list)
    language: str = ""  # of their e-mails and notifications: "id" or "en"; empty keeps it (CSV rows)


def problems_of(person: Person, lang: str, units: dict[str, Unit], existing: User | None = None) -> list[tuple[str, str]]:
    """(field, message) for everything wrong with `person`."""
    out: list[tuple[str, str]] = []
    if not USERNAME.match(person.username):
        out.append(("username", label("ppl_err_username", lang)))
    if not person.full_name:
        out.append(("full_name", label("ed_err_required", lang)))
    if person.nip and not NIP.match(person.nip):
        out.append(("nip", label("ppl_err_nip", lang)))
    if person.unit and person.unit not in units:
        out.append(("unit", label("ppl_err_unit", lang, unit=person.unit)))
    if person.email:
        try:
            validate_email(person.email)
        except ValidationError:
            out.append(("email", label("ppl_err_email", lang)))
    if person.language and person.language not in ("id", "en"):
        out.append(("language", label("ppl_err_language", lang)))
    known = {r.value for r in Role}
    for name in person.roles:
        if name not in known:
            out.append(("roles", label("ppl_err_role", lang, role=name, known=", ".join(sorted(known)))))
    return out


def _check_grants(actor: Any, before: set[str], after: set[str]) -> None:
    allowed = {r.value for r in grantable(actor)}
    if (before ^ after) - allowed:
        raise ActionRefused.of("ppl_err_guarded_role")


def _apply(user: User, person: Person, units: dict[str, Unit]) -> dict[str, Any]:
    """Write `person` onto `user`; returns what changed (old, new) for the audit entry."""
    changed: dict[str, Any] = {}
    for name in ("full_name", "nip", "position", "email"):
        new = getattr(person, name)
        if getattr(user, name) != new:
            changed[name] = [getattr(user, name), new]
            setattr(user, name, new)
    if person.language in ("id", "en") and user.language != person.language:
        changed["language"] = [user.language, person.language]
        user.language = person.language
    unit = units.get(person.unit) if person.unit else None
    if user.unit_id != (unit.pk if unit else None):
        changed["unit"] = [user.unit.code if user.unit else "", person.unit]
        user.unit = unit
    return changed


def _set_roles(user: User, wanted: Iterable[str]) -> list[list[str]] | None:
    before = sorted(user.groups.values_list("name", flat=True))
    after = sorted(set(wanted))
    if before == after:
        return None
    user.groups.set([Group.objects.get_or_create(name=name)[0] for name in after])
    return [before, after]


@transaction.atomic
def person_save(*, actor: User, person: Person, user: User | None = None, password: str = "", ip: str = "",
                lang: str = "id") -> User:
    """Create (`user` None) or update one person; refuses with every problem found."""
    if not may_manage_people(actor):
        raise ActionRefused.of("forbidden")
    units = {u.code: u for u in Unit.objects.all()}
    problems = problems_of(person, lang, units, user)
    if user is None and User.objects.filter(username__iexact=person.username).exists():
        problems.append(("username", label("ppl_err_taken", lang)))
    if problems:
        raise ActionRefused([lambda _lang, m=m: m for _f, m in problems])
    before = set(user.groups.values_list("name", flat=True)) if user is not None else set()
    _check_grants(actor, before, set(person.roles))
    creating = user is None
    if user is None:
        user = User(username=person.username)
        user.set_unusable_password()  # until a password is set here, or the directory signs them in
    changed = _apply(user, person, units)
    if password:
        user.set_password(password)
        changed["password"] = "set"
    user.save()
    role_change = _set_roles(user, person.roles)
    if role_change:
        changed["roles"] = role_change
    if creating or changed:
        audit_append(actor=actor, action="user_create" if creating else "user_update", target=user, ip=ip,
                     data={"username": user.username, "changed": changed})
    return user


@transaction.atomic
def person_set_active(*, actor: User, user: User, active: bool, ip: str = "") -> User:
    """Deactivate (never delete: signatures keep their signer) or reactivate an account."""
    if not may_manage_people(actor) or user.pk == actor.pk:
        raise ActionRefused.of("forbidden")
    if roles.has_role(user, *GUARDED) and not roles.has_role(actor, Role.ADMIN):
        raise ActionRefused.of("ppl_err_guarded_role")
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_append(actor=actor, action="user_activate" if active else "user_deactivate", target=user, ip=ip,
                     data={"username": user.username})
    return user


@dataclass
class CsvResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)


def _row_person(row: dict[str, str]) -> Person:
    def get(name: str) -> str:
        return re.sub(r"[\x00-\x1f\x7f]", "", (row.get(name) or "")).strip()

    return Person(username=get("username"), full_name=get("full_name"), nip=re.sub(r"\s", "", get("nip")),
                  position=get("position"), unit=get("unit"), email=get("email"),
                  roles=[r for r in re.split(r"[;,\s]+", get("roles")) if r], language=get("language").lower())


def people_import_csv(*, actor: User, data: bytes, ip: str = "", lang: str = "id") -> CsvResult:
    """All rows checked first; only a file without problems is applied (in one transaction)."""
    if not may_manage_people(actor):
        raise ActionRefused.of("forbidden")
    result = CsvResult()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.problems.append(label("ppl_csv_encoding", lang))
        return result
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in ("username", "full_name") if c not in header]
    if missing:
        result.problems.append(label("ppl_csv_columns", lang, missing=", ".join(missing), columns=", ".join(CSV_COLUMNS)))
        return result
    units = {u.code: u for u in Unit.objects.all()}
    existing = {u.username.casefold(): u for u in User.objects.all()}
    allowed = {r.value for r in grantable(actor)}
    people: list[tuple[int, Person]] = []
    seen: set[str] = set()
    for number, row in enumerate(reader, start=2):  # row 1 is the header
        if number - 1 > CSV_MAX_ROWS:
            result.problems.append(label("ppl_csv_too_many", lang, n=CSV_MAX_ROWS))
            break
        person = _row_person(row)
        if not any(vars(person).values()):
            continue
        for column, message in problems_of(person, lang, units):
            result.problems.append(label("ppl_csv_row", lang, row=number, column=column, message=message))
        key = person.username.casefold()
        if key in seen:
            result.problems.append(label("ppl_csv_row", lang, row=number, column="username",
                                         message=label("ppl_err_twice", lang)))
        seen.add(key)
        user = existing.get(key)
        before = set(user.groups.values_list("name", flat=True)) if user else set()
        if (before ^ set(person.roles)) - allowed:
            result.problems.append(label("ppl_csv_row", lang, row=number, column="roles",
                                         message=label("ppl_err_guarded_role", lang)))
        people.append((number, person))
    if result.problems:
        return result
    with transaction.atomic():
        for _number, person in people:
            user = existing.get(person.username.casefold())
            if user is None:
                person_save(actor=actor, person=person, ip=ip, lang=lang)
                result.created += 1
                continue
            changed = _apply(user, person, units)
            role_change = _set_roles(user, person.roles)
            if changed or role_change:
                user.save()
                if role_change:
                    changed["roles"] = role_change
                audit_append(actor=actor, action="user_update", target=user, ip=ip,
                             data={"username": user.username, "changed": changed, "via": "csv"})
                result.updated += 1
            else:
                result.unchanged += 1
        audit_append(actor=actor, action="users_import", ip=ip,
                     data={"created": result.created, "updated": result.updated, "unchanged": result.unchanged})
    return result


def unit_tree() -> list[tuple[int, Unit, int]]:
    """(depth, unit, active members) in tree order, roots by name."""
    units = list(Unit.objects.all())
    counts: dict[int, int] = {}
    for unit_id in User.objects.filter(is_active=True, unit__isnull=False).values_list("unit_id", flat=True):
        counts[unit_id] = counts.get(unit_id, 0) + 1
    children: dict[int | None, list[Unit]] = {}
    for u in units:
        children.setdefault(u.parent_id, []).append(u)
    out: list[tuple[int, Unit, int]] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for u in sorted(children.get(parent, []), key=lambda x: x.name):
            if u.pk in seen:
                continue
            seen.add(u.pk)
            out.append((depth, u, counts.get(u.pk, 0)))
            walk(u.pk, depth + 1)

    walk(None, 0)
    return out
