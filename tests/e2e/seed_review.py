"""Put a revision of P.SMLTI 19 in review for the phone test: started and described by `penyusun`,
sent to `pemeriksa` (run as a script against the browser test's database, like seed_app.py)."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prosedur_web.settings_test")

import django  # noqa: E402

django.setup()

from prosedur_web.accounts.models import User  # noqa: E402
from prosedur_web.procedures import services  # noqa: E402
from prosedur_web.procedures.models import Procedure  # noqa: E402


def main() -> None:
    author = User.objects.get(username="penyusun")
    procedure = Procedure.objects.get(number="P.SMLTI 19")
    rev = services.revision_start(procedure=procedure, user=author)
    entry = "  - revision: 1\n    date: 2026-01-05\n    change: Batas lampiran menjadi 10 MB\n    by: Kepala Bidang IKI\n"
    text = rev.yaml_source.replace("  - {revision: 1}\n", entry, 1).replace("value: 5, unit: MB", "value: 10, unit: MB")
    rev = services.revision_save_source(revision=rev, user=author, text=text, base_version=rev.version)
    services.revision_submit(revision=rev, user=author, reviewers=[User.objects.get(username="pemeriksa")])
    print(rev.pk)


if __name__ == "__main__":
    main()
    sys.exit(0)
