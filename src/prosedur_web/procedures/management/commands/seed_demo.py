"""`manage.py seed_demo`: import the sample library and create one demo user per role. Idempotent.

Passwords are generated and printed, unless PROSEDUR_DEMO_PASSWORD sets one for every user. Generated
passwords are also kept in `var/demo-users.txt` (mode 600) so a second run can print them again;
existing users keep their passwords. Unless PROSEDUR_SIGNING_P12 names the agency's own certificate, a demo
signing certificate (and its demo CA) is written to var/signing/ for the PAdES signature of issued PDFs.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from prosedur.load import load_library_info, procedure_files, read_source
from prosedur_web.accounts.models import Unit, User
from prosedur_web.accounts.roles import Role
from prosedur_web.procedures import services

DEMO_USERS: list[dict[str, Any]] = [
    {"username": "penyusun", "full_name": "Rina Wulandari", "position": "Kepala Bidang IKI",
     "nip": "197805122005012003", "unit": "pusdatin", "roles": [Role.AUTHOR, Role.READER]},
    {"username": "pemeriksa", "full_name": "Agus Prasetyo", "position": "Manajer Representatif SMLTI",
     "nip": "197601042003121002", "unit": "pusdatin", "roles": [Role.REVIEWER, Role.READER]},
    {"username": "pengesah", "full_name": "Dr. Bambang Hermawan", "position": "Kepala PUSDATIN",
     "nip": "196909251996031001", "unit": "pusdatin", "roles": [Role.APPROVER, Role.READER]},
    {"username": "pengendali", "full_name": "Sri Lestari", "position": "Pengendali Dokumen SMLTI",
     "nip": "198203152008012004", "unit": "pusdatin", "roles": [Role.CONTROLLER, Role.READER]},
    {"username": "pembaca", "full_name": "Dewi Anggraini", "position": "Staf Bidang IKI",
     "nip": "199001012015032001", "unit": "iki", "roles": [Role.READER]},
    {"username": "admin", "full_name": "Administrator Sistem", "position": "Pranata Komputer",
     "nip": "", "unit": "pusdatin", "roles": [Role.ADMIN, Role.READER], "superuser": True},
]


class Command(BaseCommand):
    help = "Import the sample library and create demo users (one per role)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--library", default=str(settings.PROSEDUR_LIBRARY))

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(options["library"])
        info_text = read_source(root / "pustaka.yaml")
        services.library_import(yaml_source=info_text)
        info, _ = load_library_info(root)
        imported = 0
        for file in procedure_files(root, info):
            try:
                services.procedure_import(yaml_source=read_source(file), adopt=True)  # first install: in force
                imported += 1
            except Exception as exc:  # noqa: BLE001 - one bad sample must not stop the demo
                self.stderr.write(f"skip {file.name}: {exc}")
        for role in Role:
            Group.objects.get_or_create(name=role.value)
        fixed = os.environ.get("PROSEDUR_DEMO_PASSWORD")
        store = Path(settings.VAR_DIR) / "demo-users.txt"
        known: dict[str, str] = json.loads(store.read_text()) if store.is_file() else {}
        self.stdout.write(f"{imported} prosedur diimpor dari {root}")
        self._demo_signing(info.organisation)
        self.stdout.write("Pengguna demo (nama pengguna / kata sandi / peran):")
        for spec in DEMO_USERS:
            user = User.objects.filter(username=spec["username"]).first()
            password = known.get(spec["username"], "(tidak berubah)")
            if user is None:
                password = fixed or secrets.token_urlsafe(9)
                if not fixed:
                    known[spec["username"]] = password
                user = User(username=spec["username"], full_name=spec["full_name"], position=spec["position"],
                            nip=spec["nip"], unit=Unit.objects.filter(code=spec["unit"]).first(),
                            is_superuser=spec.get("superuser", False), is_staff=spec.get("superuser", False))
                user.set_password(password)
                user.save()
            elif fixed:
                user.set_password(fixed)
                user.save(update_fields=["password"])
                password = fixed
            user.groups.set(Group.objects.filter(name__in=[r.value for r in spec["roles"]]))
            self.stdout.write(f"  {spec['username']:<11} {password:<16} {', '.join(r.value for r in spec['roles'])}")
        if known and not fixed:
            store.parent.mkdir(parents=True, exist_ok=True)
            store.touch(mode=0o600)
            store.write_text(json.dumps(known, indent=1))

    def _demo_signing(self, organisation: str) -> None:
        """The demo certificate that signs issued PDFs, unless the agency's own is configured or a usable
        demo one exists already (remade when it expired or cannot be read)."""
        from prosedur import pades
        from prosedur_web.common import signing

        if not signing.is_demo():
            return
        if signing.demo_p12_path().is_file() and signing.identity_problem() is None:
            return
        _, p12, _ = pades.make_demo_identity(settings.PROSEDUR_SIGNING_DEMO_DIR, organisation)
        self.stdout.write(f"Sertifikat demo penanda tangan PDF dibuat (hanya untuk demonstrasi): {p12}")
