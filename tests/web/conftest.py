"""Web test fixtures: Django configured here (not in pyproject) so the core tests never need Django.

`world` builds the same small organisation for every test: two units (own = pusdatin, other = a
unit outside it), one user per role in the own unit, and P.SMLTI 19 imported in both units with an
effective revision 0.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prosedur_web.settings_test")

import django  # noqa: E402

django.setup()

import pytest  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402

from prosedur_web.accounts.models import Unit, User  # noqa: E402
from prosedur_web.accounts.roles import Role  # noqa: E402
from prosedur_web.procedures import services  # noqa: E402
from prosedur_web.procedures.models import Procedure, Revision  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "smlti"
EMAIL = SAMPLE / "prosedur" / "p-smlti-19-pengelolaan-email.yaml"
PASSWORD = "sandi-uji-yang-panjang"

ROLE_USERS = {
    "reader": [Role.READER],
    "author": [Role.AUTHOR, Role.READER],
    "reviewer": [Role.REVIEWER, Role.READER],
    "reviewer2": [Role.REVIEWER, Role.READER],
    "approver": [Role.APPROVER, Role.READER],
    "controller": [Role.CONTROLLER, Role.READER],
    "admin": [Role.ADMIN, Role.READER],
}


def email_source(number: str = "P.SMLTI 19", owner: str = "pusdatin") -> str:
    text = EMAIL.read_text(encoding="utf-8")
    text = re.sub(r"^number:.*$", f"number: {number}", text, count=1, flags=re.M)
    return re.sub(r"^owner:.*$", f"owner: {owner}", text, count=1, flags=re.M)


def add_history(text: str, revision: int, change: str = "Perubahan batas lampiran") -> str:
    """Describe the change of `revision`: fill the empty row a started revision has, or add one."""
    entry = f"  - revision: {revision}\n    date: 2026-01-05\n    change: {change}\n    by: Kepala Bidang IKI\n"
    stub = f"  - {{revision: {revision}}}\n"
    if stub in text:
        return text.replace(stub, entry, 1)
    return text.replace("history:\n", "history:\n" + entry, 1)


@dataclass
class World:
    own_unit: Unit
    other_unit: Unit
    users: dict[str, User]
    own: Procedure
    other: Procedure
    extra: dict[str, Any] = field(default_factory=dict)

    def effective(self, procedure: Procedure) -> Revision:
        return procedure.revisions.get(status="effective")


def build_world(*, emails: bool = False) -> World:
    """The organisation every web test starts from (callable inside a savepoint, as the restore tests do);
    `emails` gives each user an address."""
    services.library_import(yaml_source=(SAMPLE / "pustaka.yaml").read_text(encoding="utf-8"))
    own_unit = Unit.objects.get(code="pusdatin")
    other_unit = Unit.objects.create(code="lain", name="Unit Lain")
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    users = {}
    for name, roles in ROLE_USERS.items():
        user = User(username=name, full_name=f"Nama {name.title()}", position=f"Jabatan {name}",
                    nip=f"1980{len(name):02d}0000", unit=own_unit, is_superuser=name == "admin",
                    email=f"{name}@contoh.go.id" if emails else "")
        user.set_password(PASSWORD)
        user.save()
        user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
        users[name] = user
    own = services.procedure_import(yaml_source=email_source(), adopt=True).procedure
    other = services.procedure_import(yaml_source=email_source("P.SMLTI 90", "lain"), adopt=True).procedure
    return World(own_unit, other_unit, users, own, other)


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    """Files the app writes (cached downloads) go to a fresh folder per test."""
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.PROSEDUR_ANCHOR_DIR = tmp_path / "anchors"  # never the developer's var/anchors


@pytest.fixture(scope="session")
def signing_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """A demo CA and signing certificate (PKCS#12), made once: issued PDFs are PAdES-signed with it."""
    from prosedur.pades import make_demo_identity

    return make_demo_identity(tmp_path_factory.mktemp("ttd"), "Pusat Data dan Informasi (uji)")


@pytest.fixture(autouse=True)
def _signing(settings: Any, signing_files: tuple[Path, Path, str]) -> None:
    """Every web test signs with the session's demo certificate and verifies against its CA."""
    ca, p12, passphrase = signing_files
    settings.PROSEDUR_SIGNING_P12 = str(p12)
    settings.PROSEDUR_SIGNING_PASSPHRASE = passphrase
    settings.PROSEDUR_SIGNING_TRUST = [str(ca)]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Cached values (the distribution list under the library's fingerprint) never outlive a test."""
    from django.core.cache import cache

    cache.clear()
