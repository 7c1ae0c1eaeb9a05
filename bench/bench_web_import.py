"""The web SOP import of a batch: every reference SOP uploaded at once by the document controller, through
the Django test client, the batch task run as the queue worker would (immediate backend: after the upload
commits), side by side with the core's `import_files` (the CLI path) on the same files.

    python bench/bench_web_import.py [FOLDER] [--jobs 2]

Prints the time of each path, files per outcome, and the time to the first page image of a draft.
Target (issue 13): 40 files on two cores in under a minute. A fresh in-memory SQLite database."""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prosedur_web.settings_test")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from prosedur.importer.run import import_files, pdf_files  # noqa: E402

REFERENCE = ROOT.parent / "shared" / "reference"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", nargs="?", type=Path, default=REFERENCE)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    files = pdf_files([args.folder])
    if not files:
        sys.exit(f"no PDFs under {args.folder}")
    setup_test_environment()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0)
    from tests.web.conftest import build_world

    from prosedur_web.sopimport.models import ImportBatch

    world = build_world()
    client = Client()
    client.force_login(world.users["controller"])
    uploads = [SimpleUploadedFile(f.name, f.read_bytes(), content_type="application/pdf") for f in files]
    size = sum(f.stat().st_size for f in files)
    with override_settings(PROSEDUR_IMPORT_JOBS=args.jobs):
        start = time.perf_counter()
        response = client.post(reverse("sopimport:sop_upload"), {"files": uploads})
        web = time.perf_counter() - start
    assert response.status_code == 302, response.status_code
    batch = ImportBatch.objects.get(pk=int(re.search(r"/batch/(\d+)/", response["Location"]).group(1)))
    counts: dict[str, int] = {}
    for status in batch.files.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    first = batch.files.filter(revision__isnull=False).order_by("order").first()
    start = time.perf_counter()
    page = client.get(reverse("sopimport:file_page", kwargs={"pk": first.pk, "page": 1})) if first else None
    image = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        results = import_files(files, Path(tmp) / "lib", jobs=args.jobs)
        cli = time.perf_counter() - start
    print(f"{len(files)} files, {size / 1e6:.1f} MB, {args.jobs} processes")
    print(f"  web upload -> drafts (batch {batch.state}): {web:6.1f} s  ({web / len(files):.2f} s per file)  "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    print(f"  core import_files (CLI path)       : {cli:6.1f} s  ({cli / len(files):.2f} s per file)  "
          f"written {sum(1 for r in results if r.written)}, refused {sum(1 for r in results if r.error)}")
    if page is not None:
        print(f"  first page image of a draft        : {image * 1000:6.0f} ms ({len(page.content) / 1024:.0f} KiB PNG)")
    print(f"  target: {len(files)} files in under 60 s: {'met' if web < 60 else 'NOT met'}")


if __name__ == "__main__":
    main()
