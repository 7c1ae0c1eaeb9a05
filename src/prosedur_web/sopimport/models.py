"""A batch of uploaded SOP files and what became of each: the original kept as evidence of the draft it
made, its page images, and the import report's lines for it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportBatch(models.Model):
    """One upload of one or many SOP files; read by a background task (`tasks.import_batch`)."""

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    read = models.PositiveIntegerField(default=0)
    """Files the reader has finished (the progress while the pool reads)."""
    lang = models.CharField(max_length=2, default="id")
    fallback_unit = models.ForeignKey("accounts.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    """Owner of a new procedure whose printed unit is not in the library (else the uploader's unit)."""
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-pk"]


class ImportFile(models.Model):
    """One uploaded file. `data` holds the original while it waits and, once it made a draft, as the
    draft's evidence; a refused file keeps its name and message only (its bytes are dropped)."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        OK = "ok"
        WARNINGS = "warnings"
        FAILED = "failed"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="files")
    order = models.PositiveIntegerField()
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=8)  # pdf, docx: by content, not by name
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    data = models.BinaryField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    message_id = models.TextField(blank=True)
    message_en = models.TextField(blank=True)
    pages = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    issues = models.JSONField(default=list, blank=True)
    """The report's lines for this file: [{"page", "row", "id", "en"}]."""
    revision = models.ForeignKey("procedures.Revision", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="import_files")
    new_procedure = models.BooleanField(default=False)

    class Meta:
        ordering = ["batch", "order"]

    def message(self, lang: str = "id") -> str:
        return self.message_en if lang == "en" and self.message_en else self.message_id

    def issue_lines(self, lang: str = "id") -> list[str]:
        return [i["en"] if lang == "en" else i["id"] for i in self.issues]


class ImportPage(models.Model):
    """A page of the original as PNG, rendered the first time someone looks at it."""

    file = models.ForeignKey(ImportFile, on_delete=models.CASCADE, related_name="page_images")
    number = models.PositiveIntegerField()
    png = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["file", "number"], name="unique_import_page")]
