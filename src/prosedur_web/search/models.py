"""The full-text index: one row per procedure with the text of its current (effective) revision.

On SQLite the rows are mirrored into an FTS5 virtual table (`search_fts`, created by the migration);
on PostgreSQL the query builds a `SearchVector` over these columns.
"""

from __future__ import annotations

from django.db import models


class SearchEntry(models.Model):
    procedure = models.OneToOneField("procedures.Procedure", on_delete=models.CASCADE, related_name="+")
    revision_number = models.PositiveIntegerField()
    number = models.CharField(max_length=64)
    title = models.CharField(max_length=400)
    body = models.TextField()

    def __str__(self) -> str:
        return self.number
