"""The background task of an SOP upload, on the same queue as e-mail (`manage.py db_worker`; the immediate
backend of tests runs it after commit in the request)."""

from __future__ import annotations

from django_tasks import task


@task()
def import_batch(batch_id: int) -> dict[str, int]:
    from .models import ImportFile
    from .services import batch_run

    batch = batch_run(batch_id)
    counts = {s: 0 for s in ImportFile.Status.values}
    for status in batch.files.values_list("status", flat=True):
        counts[status] += 1
    return counts
