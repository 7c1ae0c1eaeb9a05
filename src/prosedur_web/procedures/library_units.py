"""What a library file (pustaka.yaml) would do to the stored units: add, rename or re-parent them.

Units decide permissions: a user governs the procedures of their unit and of every unit below it
(`roles.in_own_unit`), so a library file that moves a unit under another one silently changes who
may review and approve what. `services.library_import` therefore compares the file with the stored
units first: a file that changes nothing is imported by anyone allowed to import; one that adds,
renames or re-parents units needs the admin, who is shown the list first and confirms exactly that
list (`changes_token`); the server operator (management commands, `actor=None`) is the admin too.
Every applied change is listed in the `library_import` audit entry.

`library_import` never removes a unit and only re-parents a unit whose new entry names a parent, so
those are the only changes reported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from prosedur.integrity import canonical_json
from prosedur_web import services as core
from prosedur_web.accounts import roles
from prosedur_web.accounts.models import Unit
from prosedur_web.common.errors import ActionRefused
from prosedur_web.common.labels import label


@dataclass(frozen=True)
class UnitChange:
    """One unit the library file changes. `kind`: added, renamed or reparented; `before`/`after` are
    names (renamed), parent codes (reparented, "" = none) or, for an added unit, "" and its name."""

    code: str
    kind: str
    before: str
    after: str
    parent: str = ""

    def text(self, lang: str = "id") -> str:
        none = label("unit_change_none", lang)
        return label(f"unit_change_{self.kind}", lang, code=self.code, before=self.before or none,
                     after=self.after or none, parent=self.parent or none)

    def as_data(self) -> dict[str, str]:
        data = {"unit": self.code, "change": self.kind, "before": self.before, "after": self.after}
        if self.parent:
            data["parent"] = self.parent
        return data


def unit_changes(yaml_source: str) -> list[UnitChange]:
    """The changes importing `yaml_source` would make to the stored units, in the file's order."""
    info = core.library_info(yaml_source)
    stored = {u.code: u for u in Unit.objects.select_related("parent")}
    out: list[UnitChange] = []
    for code, unit in info.units.items():
        old = stored.get(code)
        if old is None:
            out.append(UnitChange(code, "added", "", unit.name, unit.parent or ""))
            continue
        if old.name != unit.name or (old.name_en or "") != (unit.name_en or ""):
            out.append(UnitChange(code, "renamed", _names(old.name, old.name_en), _names(unit.name, unit.name_en)))
        old_parent = old.parent.code if old.parent is not None else ""
        if unit.parent and unit.parent != old_parent:
            out.append(UnitChange(code, "reparented", old_parent, unit.parent))
    return out


def _names(name: str, name_en: str | None) -> str:
    return f"{name} / {name_en}" if name_en else name


def changes_token(changes: Sequence[UnitChange]) -> str:
    """What the admin's confirmation names: the exact list shown (a different list needs a new confirmation)."""
    return hashlib.sha256(canonical_json([c.as_data() for c in changes])).hexdigest()


class UnitChangesRefused(ActionRefused):
    """The library file changes units. `needs_confirmation`: the actor is the admin, who confirms the
    list (`token`) to go ahead; otherwise the actor may not import it at all."""

    def __init__(self, changes: Sequence[UnitChange], *, needs_confirmation: bool):
        self.changes = list(changes)
        self.needs_confirmation = needs_confirmation
        self.token = changes_token(self.changes)
        key = "units_confirm_needed" if needs_confirmation else "units_need_admin"
        super().__init__([lambda lang: label(key, lang, n=len(self.changes)),
                          *(lambda lang, c=c: c.text(lang) for c in self.changes)])


def may_change_units(actor: Any) -> bool:
    """The admin, or the server operator (no actor: management commands, seeding)."""
    return actor is None or roles.has_role(actor, roles.Role.ADMIN)
