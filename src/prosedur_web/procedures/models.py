"""Procedures and their revisions. The YAML source is the document; the rest indexes it."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RevisionStatus(models.TextChoices):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    EFFECTIVE = "effective"
    OBSOLETE = "obsolete"
    CANCELLED = "cancelled"


class LibrarySource(models.Model):
    """The library file (pustaka.yaml) the procedures share: roles, units, numbering."""

    yaml_source = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return "pustaka.yaml"


class Procedure(models.Model):
    """A documented procedure (P.SMLTI 19): the stable identity its revisions share."""

    number = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200, blank=True)
    owner_unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="procedures")
    sort_key = models.CharField(max_length=128, db_index=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    """Dicabut per tanggal: the procedure is no longer in force and has no successor."""
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["sort_key", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Revision(models.Model):
    """One revision of a procedure: its YAML source, status, and the hash the signature covers.

    `version` increases on every save of the source; an edit based on an older version is refused
    (optimistic locking), so two authors never silently overwrite each other.
    """

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=RevisionStatus.choices, default=RevisionStatus.DRAFT)
    yaml_source = models.TextField()
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    issued_date = models.DateField(null=True, blank=True)  # Tgl. Terbit: the day it was signed
    effective_date = models.DateField(null=True, blank=True)
    review_due = models.DateField(null=True, blank=True)
    minor = models.BooleanField(default=False)
    review_round = models.PositiveIntegerField(default=0)
    review_sequential = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="unique_revision_number"),
            models.UniqueConstraint(
                fields=["procedure"], condition=models.Q(status="effective"), name="one_effective_revision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.number} Rev. {self.number}"


class Signature(models.Model):
    """A signature of record: who (name, position, NIP as at signing), when, meaning, and the hash signed."""

    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="signatures")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    position = models.CharField(max_length=200)
    nip = models.CharField(max_length=32, blank=True)
    signed_at = models.DateTimeField()
    signed_at_text = models.CharField(max_length=40)
    meaning = models.CharField(max_length=32)
    content_hash = models.CharField(max_length=64)
    record_facts = models.JSONField(default=dict, blank=True)  # the control record as signed (core facts())
    record_digest = models.CharField(max_length=64, blank=True)  # binds content_hash and record_facts

    class Meta:
        ordering = ["signed_at"]

    def text(self, lang: str = "id") -> str:
        """The printed line of the signature (meaning, name, position, NIP, time with zone)."""
        import datetime as dt

        from prosedur_web import services as core

        when = dt.datetime.fromisoformat(self.signed_at_text)  # the offset as signed, not the DB's UTC
        sig = core.signature_of_record(name=self.name, position=self.position, nip=self.nip, signed_at=when,
                                       content_hash=self.content_hash, meaning=self.meaning)
        return core.signature_text(sig, lang).splitlines()[0]


class SourceVersion(models.Model):
    """Every version of a revision's source as it was saved, started, imported or submitted, and by whom.

    The history the redline of a refused signature is drawn from, and the list of everyone who wrote
    or submitted the revision — none of whom may review or sign it.
    """

    class Action(models.TextChoices):
        START = "start"
        SAVE = "save"
        IMPORT = "import"
        SUBMIT = "submit"

    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="source_versions")
    version = models.PositiveIntegerField()
    action = models.CharField(max_length=16, choices=Action.choices)
    yaml_source = models.TextField()
    content_hash = models.CharField(max_length=64, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["revision", "pk"]
