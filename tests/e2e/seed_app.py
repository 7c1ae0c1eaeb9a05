"""Prepare a fresh database for a browser run: migrate, the demo library and users, a second reviewer.

Run as a script in its own process (`python tests/e2e/seed_app.py LIBRARY`) so the test process never
configures Django and the server under test starts from exactly this database.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prosedur_web.settings_test")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402

from prosedur_web.accounts.models import Unit, User  # noqa: E402
from prosedur_web.accounts.roles import Role  # noqa: E402


def main(library: str) -> None:
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", library=library, stdout=open(os.devnull, "w"))  # noqa: SIM115
    # The demo has one reviewer; the lifecycle sends every revision to two.
    user = User(username="pemeriksa2", full_name="Sari Handayani", position="Auditor Internal SMLTI",
                nip="198507072010012005", unit=Unit.objects.get(code="pusdatin"))
    user.set_password(os.environ["PROSEDUR_DEMO_PASSWORD"])
    user.save()
    user.groups.set(Group.objects.filter(name__in=[Role.REVIEWER.value, Role.READER.value]))


if __name__ == "__main__":
    main(sys.argv[1])
